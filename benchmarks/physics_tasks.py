"""The physics tasks on the ams-ecal reference Monte Carlo: e/p separation (BDT on cells + shower
shape, BDT on shower shape alone, CNN on the x/y views), the electron energy regression and the
anomaly score. The figures of README "Physics tasks".

Samples (impact points spread by 5 mm; simulated into --data unless there already):
  e/p:        electrons 2-200 GeV log-uniform, 2000 to train (seed 21) and 2000 to test (seed 23);
              protons 10 GeV-1 TeV log-uniform, 12000 to train (seed 22), 24000 to test (seed 24)
  regression: electrons 1 GeV-1 TeV log-uniform, 2000 to train (seed 31); 200 each at 1, 3, 10,
              30, 100 and 300 GeV and 100 at 1 TeV to test (seed 40 + E/GeV)
  anomaly:    trained on the e/p training electrons, tested on the e/p test electrons (+ faults)
              and the showering test protons.
The Monte Carlo takes ~50 min with --workers 2, the tasks ~10 min more.

    .venv/bin/python benchmarks/physics_tasks.py --data data/physics --workers 2
    .venv/bin/python benchmarks/physics_tasks.py --data data/physics --only ep      # or regression, anomaly
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from caloforge.stages.physics import anomaly_files, energy_regression_files, ep_separation_files
from caloforge.tasks.anomaly import AnomalyConfig
from caloforge.tasks.energy_regression import RegressionConfig
from caloforge.tasks.ep_separation import EPConfig

EP_SAMPLES = {"e_train": ("e-", "2GeV:200GeV", 2000, 21), "p_train": ("p", "10GeV:1TeV", 12000, 22),
              "e_test": ("e-", "2GeV:200GeV", 2000, 23), "p_test": ("p", "10GeV:1TeV", 24000, 24)}
REGRESSION_POINTS = {1: 200, 3: 200, 10: 200, 30: 200, 100: 200, 300: 200, 1000: 100}
REGRESSION_TRAIN = ("e-", "1GeV:1TeV", 2000, 31)
BINS_GEV = (2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0)


def simulate(path: Path, particle: str, energy: str, n: int, seed: int, workers: int) -> Path:
    if not path.exists():
        subprocess.run([sys.executable, "-m", "caloforge.cli.app", "simulate", "-g", "ams-ecal", "--particle",
                        particle, "--energy", energy, "--n", str(n), "--seed", str(seed), "--workers", str(workers),
                        "--impact-spread", "5", "-o", str(path), "--resume"], check=True)
    return path


def rejection_text(r: dict) -> str:
    if r["rejection"] is None:
        return f"> {r['rejection_low']:.0f}"
    return f"{r['rejection']:.0f} [{r['rejection_low']:.0f}, {r['rejection_high']:.0f}]"


def ep(data: Path, out: Path, workers: int) -> None:
    f = {k: simulate(data / f"{k}.h5", *v, workers) for k, v in EP_SAMPLES.items()}
    for label, settings in (("BDT, cells + shape", {}), ("BDT, shape only", {"use_cells": False}),
                            ("CNN, x/y views", {"classifier": "cnn"})):
        start = time.perf_counter()
        res = ep_separation_files(f["e_train"], f["p_train"], out / label.split(",")[0].lower() /
                                  ("shape" if settings.get("use_cells") is False else "full"),
                                  f["e_test"], f["p_test"], config=EPConfig(bins_gev=BINS_GEV, seed=1, **settings))
        print(f"{label}: trained in {res['train_seconds']:.0f} s ({time.perf_counter() - start:.0f} s in all)")
        for b in res["bins"]:
            r90, r95 = b["rejections"]
            print(f"  {b['bin_gev'][0]:g}-{b['bin_gev'][1]:g} GeV: {b['n_electrons']} e, {b['n_protons']} p; "
                  f"rejection at 90 % {rejection_text(r90)}, at 95 % {rejection_text(r95)}")


def regression(data: Path, out: Path, workers: int) -> None:
    train = simulate(data / "reg_train.h5", *REGRESSION_TRAIN, workers)
    tests = [simulate(data / f"reg_{e}GeV.h5", "e-", f"{e}GeV", n, 40 + e, workers)
             for e, n in REGRESSION_POINTS.items()]
    rep = energy_regression_files(train, tests, out / "regression", RegressionConfig(seed=1))
    for key in ("reconstructed", "corrected"):
        fit, lin = rep[key]["fit"], rep[key]["linearity"]
        print(f"{key}: a = {100 * fit['a']:.2f} +- {100 * fit['a_err']:.2f} %, b = {100 * fit['b']:.2f} +- "
              f"{100 * fit['b_err']:.2f} %; E/E_true " + " ".join(f"{x:.3f}" for x in lin))


def anomaly(data: Path, out: Path, workers: int) -> None:
    f = {k: simulate(data / f"{k}.h5", *v, workers) for k, v in EP_SAMPLES.items() if k != "p_train"}
    rep = anomaly_files(f["e_train"], f["e_test"], out / "anomaly", f["p_test"], config=AnomalyConfig(seed=1))
    for name, fl in rep["flagging"].items():
        print(f"  {name}: AUC {fl['auc']:.3f}, flagged at 1 % / 10 % false positives "
              f"{fl['efficiency_at_fpr_0.01']:.3f} / {fl['efficiency_at_fpr_0.1']:.3f} ({fl['n_anomalous']} showers)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data/physics"), help="folder of the shower files")
    parser.add_argument("--out", type=Path, default=Path("runs/physics"), help="folder of the task outputs")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=("ep", "regression", "anomaly"))
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    for name, task in (("ep", ep), ("regression", regression), ("anomaly", anomaly)):
        if args.only in (None, name):
            print(f"== {name}")
            task(args.data, args.out, args.workers)


if __name__ == "__main__":
    main()
