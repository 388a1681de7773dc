"""Optional report sections: event displays of single showers and the detector geometry table."""

from __future__ import annotations

import base64
import html
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from caloforge.geometry import Geometry  # noqa: E402
from caloforge.io import Showers  # noqa: E402


def _png_data_uri(figure: plt.Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _shower_image(shower: np.ndarray, geometry: Geometry) -> np.ndarray:
    """Layers x cells image; irregular binnings are padded per layer with NaN."""
    readout = geometry.readout
    rows = [shower[readout.layer_slice(readout.position_of(layer.id))] for layer in readout.active_layers]
    width = max(len(r) for r in rows)
    return np.array([np.pad(r, (0, width - len(r)), constant_values=np.nan) for r in rows])


def event_display(reference: Showers, generated: Showers, geometry: Geometry, n: int = 3,
                  seed: int = 0) -> plt.Figure:
    """``n`` showers of each sample at similar incident energies, side by side, log colour scale."""
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(reference), size=min(n, len(reference)), replace=False)
    figure, axes = plt.subplots(len(picks), 2, figsize=(11, 2.6 * len(picks)), squeeze=False)
    for row, i in enumerate(picks):
        j = int(np.argmin(np.abs(np.log(generated.energies / reference.energies[i]))))
        for col, (sample, k, label) in enumerate(((reference, i, "Monte Carlo"), (generated, j, "generated"))):
            image = _shower_image(sample.showers[k], geometry)
            ax = axes[row, col]
            shown = ax.imshow(np.log10(np.where(image > 0, image, np.nan)), aspect="auto", cmap="viridis",
                              vmin=-2, vmax=np.log10(np.nanmax(image) + 1e-9), interpolation="nearest")
            ax.set_title(f"{label}: E_inc = {sample.energies[k] / 1e3:.1f} GeV, "
                         f"E_vis = {sample.showers[k].sum() / 1e3:.2f} GeV", fontsize=9)
            ax.set_xlabel("cell")
            ax.set_ylabel("layer")
            figure.colorbar(shown, ax=ax, label="log10(E / MeV)")
    figure.tight_layout()
    return figure


def event_display_html(reference: Showers, generated: Showers, geometry: Geometry, seed: int = 0) -> str:
    uri = _png_data_uri(event_display(reference, generated, geometry, seed=seed))
    return (f'<p>Individual showers (not averages): Monte Carlo on the left, the closest-energy '
            f'generated shower on the right; empty cells are white.</p><img src="{uri}" alt="event display">')


def geometry_html(geometry: Geometry) -> str:
    rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in geometry.summary().items())
    return f"<table>{rows}</table>"


