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


def _views(geometry: Geometry) -> list[tuple[str, list[int]]]:
    """The layers drawn together: one view per measured coordinate (a strip readout's x and y
    layers apart, since they project the shower on different axes), all layers otherwise."""
    layers = geometry.readout.active_layers
    kinds = sorted({layer.measures for layer in layers})
    if all(layer.kind == "strip" for layer in layers) and len(kinds) > 1:
        return [(f"{kind} layers", [p for p, layer in enumerate(layers) if layer.measures == kind]) for kind in kinds]
    return [("layers", list(range(len(layers))))]


def _shower_image(shower: np.ndarray, geometry: Geometry, positions: list[int]) -> np.ndarray:
    """Layers x cells image of the layers at ``positions``; irregular binnings padded with NaN."""
    readout = geometry.readout
    layers = readout.active_layers
    rows = [shower[readout.layer_slice(readout.position_of(layers[p].id))] for p in positions]
    width = max(len(r) for r in rows)
    return np.array([np.pad(r, (0, width - len(r)), constant_values=np.nan) for r in rows])


def event_display(reference: Showers, generated: Showers, geometry: Geometry, n: int = 3,
                  seed: int = 0) -> plt.Figure:
    """``n`` Monte Carlo showers spread over the energy range (at the 10 %, 50 % and 90 %
    quantiles of its incident energies, for n = 3; ``seed`` picks among the nearest), each next
    to the generated shower closest in energy; log colour scale, one panel per view."""
    rng = np.random.default_rng(seed)
    order = np.argsort(reference.energies)
    quantiles = np.linspace(0.1, 0.9, n) if n > 1 else np.array([0.5])
    spread = max(1, len(order) // (20 * n))
    picks = [int(order[min(len(order) - 1, int(q * len(order)) + int(rng.integers(spread)))]) for q in quantiles]
    views = _views(geometry)
    figure, axes = plt.subplots(len(picks), 2 * len(views), figsize=(4.6 * 2 * len(views), 2.6 * len(picks)),
                                squeeze=False)
    for row, i in enumerate(picks):
        j = int(np.argmin(np.abs(np.log(generated.energies / reference.energies[i]))))
        for s, (sample, k, label) in enumerate(((reference, i, "Monte Carlo"), (generated, j, "generated"))):
            for v, (view, positions) in enumerate(views):
                image = _shower_image(sample.showers[k], geometry, positions)
                ax = axes[row, 2 * v + s]
                shown = ax.imshow(np.log10(np.where(image > 0, image, np.nan)), aspect="auto", cmap="viridis",
                                  vmin=-2, vmax=np.log10(np.nanmax(image) + 1e-9), interpolation="nearest")
                ax.set_title(f"{label}, {view}: E_inc {sample.energies[k] / 1e3:.3g} GeV, "
                             f"E_vis {sample.showers[k].sum() / 1e3:.3g} GeV", fontsize=8)
                ax.set_xlabel("cell")
                ax.set_ylabel("layer (front to back)")
                ax.set_yticks(range(len(positions)),
                              [str(geometry.readout.active_layers[p].id) for p in positions], fontsize=7)
                figure.colorbar(shown, ax=ax, label="log10(E / MeV)")
    figure.tight_layout()
    return figure


def event_display_html(reference: Showers, generated: Showers, geometry: Geometry, seed: int = 0) -> str:
    uri = _png_data_uri(event_display(reference, generated, geometry, seed=seed))
    return (f'<p>Individual showers (not averages) at low, middle and high incident energy: each Monte Carlo '
            f'shower next to the generated shower closest in energy; strip readouts show their x and y '
            f'layers apart; empty cells are white.</p><img src="{uri}" alt="event display">')


def geometry_html(geometry: Geometry) -> str:
    rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in geometry.summary().items())
    return f"<table>{rows}</table>"


