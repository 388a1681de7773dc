"""Benchmark of the model families (issue 5): train each on Monte Carlo showers, then report
training minutes, generation ms/shower at batch 1 and 1000, and the `caloforge evaluate`
classifier AUCs (low and high level) against a held-out Monte Carlo sample.

    python benchmarks/models.py --geometry ams-ecal --particle e- --models diffusion,vae,cgan,flow \
        --n-train 10000 --n-test 2000 --minutes 20 --out bench/models-ams

A model may carry its own budget in minutes: ``--models diffusion:20,flow:5`` (the others get
``--minutes``).

Each step is skipped when its output exists, so an interrupted run continues where it stopped.
Results: OUT/results.json and OUT/results.md (one row per model). Not a test: a measurement.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from caloforge.geometry import get_geometry
from caloforge.io import ShowerFile, Showers, read_showers, write_showers
from caloforge.models import load_model
from caloforge.simulate.runner import RunSpec, run
from caloforge.training import train_run
from caloforge.validate.suite import evaluate


def simulate_samples(args: argparse.Namespace, out: Path) -> tuple[Path, Path, float]:
    """Training and held-out samples (independent seeds); returns their paths and MC seconds."""
    start = time.perf_counter()
    paths = []
    for name, n, seed in (("train", args.n_train, args.seed), ("test", args.n_test, args.seed + 1000)):
        path = out / "data" / f"{name}.h5"
        if not path.exists():
            run(RunSpec(geometry=args.geometry, particle=args.particle, energy=args.energy, n=n, seed=seed),
                path, workers=args.workers, resume=True)
        paths.append(path)
    return paths[0], paths[1], time.perf_counter() - start


def ms_per_shower(model: Any, energy: float, batch: int, repeats: int, seed: int) -> float:
    """Median over ``repeats`` timed calls (after one warm-up) of the time per shower."""
    generator = torch.Generator().manual_seed(seed)
    energies = np.full(batch, energy, dtype=np.float32)
    model.sample(energies, generator=generator, batch_size=batch)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.sample(energies, generator=generator, batch_size=batch)
        times.append((time.perf_counter() - start) / batch)
    return 1e3 * float(np.median(times))


def bench_model(name: str, minutes: float, args: argparse.Namespace, train: Path, test: Path,
                out: Path) -> dict[str, Any]:
    run_dir = out / "runs" / name
    summary = run_dir / "train_result.json"
    if not summary.exists():
        resume = (run_dir / "checkpoint.pt").exists()
        result = train_run([train], run_dir, None if resume else name, None, resume,
                           max_minutes=minutes, seed=args.seed)
        summary.write_text(json.dumps(dataclasses.asdict(result)))
    trained = json.loads(summary.read_text())
    model = load_model(run_dir)
    generated = out / "generated" / f"{name}.h5"
    if not generated.exists():
        with ShowerFile(test) as f:
            energies = f.incident_energies()
        showers = model.sample(energies, generator=torch.Generator().manual_seed(args.seed), batch_size=1000)
        write_showers(generated, Showers(energies, showers.numpy(), {
            "geometry": args.geometry, "particle": args.particle, "generator": name, "seed": args.seed}))
    report = out / "reports" / name
    if not (report / "metrics.json").exists():
        evaluate(read_showers(test), read_showers(generated), get_geometry(args.geometry), report,
                 seed=args.seed, quick=False, files={"reference": str(test), "generated": str(generated)})
    metrics = json.loads((report / "metrics.json").read_text())
    row = {"model": name, "train_minutes": trained["minutes"], "steps": trained["steps"],
           "stopped_by": trained["reason"],
           "auc_low": metrics.get("auc_low"), "auc_high": metrics.get("auc_high"), "fpd": metrics.get("fpd")}
    for batch, repeats in ((1, 50), (1000, 3)):
        row[f"ms_batch{batch}"] = ms_per_shower(model, 1e4, batch, repeats, args.seed)
    return row


def markdown(rows: list[dict[str, Any]], conditions: dict[str, Any]) -> str:
    lines = [f"Conditions: {json.dumps(conditions)}", "",
             "| model | budget min | train min (steps, stop) | AUC low | AUC high | FPD "
             "| ms/shower b=1 | ms/shower b=1000 |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['model']} | {r['budget_min']:g} | "
                     f"{r['train_minutes']:.1f} ({r['steps']}, {r['stopped_by']}) | "
                     f"{r['auc_low']:.3f} | {r['auc_high']:.3f} | "
                     f"{r['fpd']:.3g} | {r['ms_batch1']:.2f} | {r['ms_batch1000']:.3f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--geometry", default="ams-ecal")
    parser.add_argument("--particle", default="e-")
    parser.add_argument("--energy", default="1GeV:100GeV")
    parser.add_argument("--models", default="diffusion,flow,vae,cgan")
    parser.add_argument("--n-train", type=int, default=10000)
    parser.add_argument("--n-test", type=int, default=2000)
    parser.add_argument("--minutes", type=float, default=20.0, help="training budget per model")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("bench/models"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    os.environ.setdefault("CALOFORGE_NO_PROGRESS", "1")
    train, test, mc_seconds = simulate_samples(args, args.out)
    budgets = [(item.partition(":")[0], float(item.partition(":")[2] or args.minutes))
               for item in args.models.split(",")]
    rows = [{**bench_model(name, minutes, args, train, test, args.out), "budget_min": minutes}
            for name, minutes in budgets]
    conditions = {"geometry": args.geometry, "particle": args.particle, "energy": args.energy,
                  "n_train": args.n_train, "n_test": args.n_test, "budget_min": args.minutes,
                  "threads": args.threads, "cpu": platform.processor() or platform.machine(),
                  "date": time.strftime("%Y-%m-%d"), "mc_seconds_this_run": round(mc_seconds, 1)}
    (args.out / "results.json").write_text(json.dumps({"conditions": conditions, "rows": rows}, indent=1))
    (args.out / "results.md").write_text(markdown(rows, conditions))
    print(markdown(rows, conditions))


if __name__ == "__main__":
    main()
