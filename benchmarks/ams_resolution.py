"""Energy resolution of the ams-ecal reference Monte Carlo, as the AMS-02 beam tests measure it.

Electrons at 1, 3, 10, 30 and 100 GeV (>= 300 showers each; impact points spread by 5 mm, i.e. over
many fibre pitches), signal = the cells' light (round fibres, Birks, photo-electrons). Fits
sigma/E = a/sqrt(E/GeV) (+) b to (1) the visible energy and (2) the energy after a rear-leakage
correction E = alpha * visible + beta * (last layer), calibrated on an independent set of
showers (seed 3) and applied to the measured ones (seed 2). Also the sampling and
photo-statistics parts: the spread of light / deposited energy (no leakage) and of the
photo-electron smearing alone. AMS-02 beam test: a = 10.4 %, b = 1.4 % (Adloff et al., NIM A 714
(2013) 147; 10-250 GeV, leakage corrected).

    .venv/bin/python benchmarks/ams_resolution.py            # ~6 min on one core
    .venv/bin/python benchmarks/ams_resolution.py --quick    # a quarter of the showers
"""

from __future__ import annotations

import argparse

import numpy as np

from caloforge.mc import api as mc
from caloforge.mc import simulate_detailed
from caloforge.mc.analysis import fit_rear_leakage, fit_resolution
from caloforge.units import GeV

COUNTS = {1: 300, 3: 300, 10: 300, 30: 300, 100: 300}
CALIBRATION_COUNTS = {1: 100, 3: 100, 10: 100, 30: 60, 100: 40}
IMPACT_SPREAD_MM = 5.0
N_LAYERS = 18


def showers(e_gev: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray, mc.Detailed]:
    """(visible light, light of the last layer, the detailed result) of n electrons."""
    d = simulate_detailed("ams-ecal", "e-", np.full(n, e_gev * GeV), seed=seed, impact_spread=IMPACT_SPREAD_MM)
    layers = d.showers.showers.reshape(n, N_LAYERS, -1).sum(axis=2).astype(np.float64)
    return layers.sum(axis=1), layers[:, -1], d


def spread(x: np.ndarray) -> tuple[float, float]:
    rel = float(x.std(ddof=1) / x.mean())
    return rel, rel / np.sqrt(2 * (len(x) - 1))


def report(name: str, energies: list[float], rel: list[float], err: list[float]) -> None:
    a, b, da, db = fit_resolution(np.array(energies), np.array(rel), np.array(err))
    print(f"  {name}: stochastic a = {a * 100:.2f} +- {da * 100:.2f} %/sqrt(GeV), constant b = {b * 100:.2f} "
          f"+- {db * 100:.2f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a quarter of the showers")
    args = parser.parse_args()
    scale = 0.25 if args.quick else 1.0
    calib = {e: showers(e, max(10, int(n * scale)), seed=3) for e, n in CALIBRATION_COUNTS.items()}
    vis = np.concatenate([c[0] for c in calib.values()])
    rear = np.concatenate([c[1] for c in calib.values()])
    true = np.concatenate([np.full(len(c[0]), e * GeV) for e, c in calib.items()])
    alpha, beta = fit_rear_leakage(vis, rear, true)
    print(f"rear-leakage correction (calibrated on seed 3): E = {alpha:.3f} x visible + {beta:.2f} x last layer")
    energies, rows = [], {"visible": ([], []), "leakage-corrected": ([], []), "sampling (light / deposit)": ([], []),
                          "photo-electrons (signal / light)": ([], [])}
    for e_gev, n in COUNTS.items():
        n = max(20, int(n * scale))
        visible, last, d = showers(e_gev, n, seed=2)
        light = d.accounting[:, mc.ACTIVE] - d.accounting[:, mc.QUENCHED]
        corrected = alpha * visible + beta * last
        parts = {"visible": visible, "leakage-corrected": corrected, "sampling (light / deposit)": light / d.deposited,
                 "photo-electrons (signal / light)": visible / light}
        energies.append(e_gev)
        for key, x in parts.items():
            rel, err = spread(x)
            rows[key][0].append(rel)
            rows[key][1].append(err)
        leak = d.accounting[:, mc.ESC_BACK].mean() / (e_gev * GeV)
        print(f"  {e_gev:5.0f} GeV (n={n}): visible/E {visible.mean() / (e_gev * GeV):.4f}  sigma/E visible "
              f"{rows['visible'][0][-1]:.4f}  corrected {rows['leakage-corrected'][0][-1]:.4f} "
              f"(mean {corrected.mean() / (e_gev * GeV):.3f})  back leakage {leak:.4f}")
    for key, (rel, err) in rows.items():
        report(key, energies, rel, err)


if __name__ == "__main__":
    main()
