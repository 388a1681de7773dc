"""Calorimeter response and resolution against the incident energy, the first plot a physicist
asks for: in bins of E_inc, the mean of E_vis / E_inc (response, linearity) and its relative
spread sigma / mean (resolution), for reference and generated showers alike."""

from __future__ import annotations

from typing import Any

import numpy as np

N_BINS = 8  # equal-population bins of the reference's log E_inc
MIN_PER_BIN = 10


def energy_bin_edges(energies: np.ndarray, n_bins: int = N_BINS) -> np.ndarray:
    """Edges (MeV) of ``n_bins`` equal-population bins of ``energies`` (fewer for few showers;
    one bin when all energies are equal)."""
    n_bins = max(1, min(n_bins, len(energies) // MIN_PER_BIN))
    edges = np.unique(np.quantile(energies, np.linspace(0.0, 1.0, n_bins + 1)))
    if len(edges) < 2:
        edges = np.array([energies.min() * 0.999, energies.max() * 1.001])
    edges[-1] *= 1.0001
    return edges


def response_table(energies: np.ndarray, visible: np.ndarray, edges: np.ndarray) -> dict[str, list[float]]:
    """Per bin of E_inc (MeV): showers, mean E_inc, response <E_vis/E_inc> and its error,
    resolution sigma/mean and its error (Gaussian approximation, sigma / sqrt(2 (n - 1)))."""
    ratio = visible / energies
    out: dict[str, list[float]] = {k: [] for k in ("n", "e_inc_mev", "response", "response_err", "resolution",
                                                    "resolution_err")}
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        r = ratio[(energies >= lo) & (energies < hi)]
        n = len(r)
        mean = float(r.mean()) if n else float("nan")
        std = float(r.std(ddof=1)) if n > 1 else float("nan")
        res = std / mean if n > 1 and mean > 0 else float("nan")
        out["n"].append(n)
        out["e_inc_mev"].append(float(np.exp(np.log(energies[(energies >= lo) & (energies < hi)]).mean()))
                                if n else float(np.sqrt(lo * hi)))
        out["response"].append(mean)
        out["response_err"].append(std / np.sqrt(n) if n > 1 else float("nan"))
        out["resolution"].append(res)
        out["resolution_err"].append(res / np.sqrt(2 * (n - 1)) if n > 1 else float("nan"))
    return out


def response_comparison(ref_energies: np.ndarray, ref_visible: np.ndarray, gen_energies: np.ndarray,
                        gen_visible: np.ndarray) -> dict[str, Any]:
    """Response and resolution of both samples in the same bins (the reference's)."""
    edges = energy_bin_edges(ref_energies)
    return {"edges_mev": edges.tolist(), "reference": response_table(ref_energies, ref_visible, edges),
            "generated": response_table(gen_energies, gen_visible, edges)}
