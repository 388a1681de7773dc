"""Benchmark of the model families (issue 5): train each on Monte Carlo showers, then report
training minutes, generation ms/shower at batch 1 and 1000, and the `caloforge evaluate`
classifier AUCs (low and high level) against a held-out Monte Carlo sample.

    python benchmarks/models.py --geometry ams-ecal --particle e- --models diffusion,vae,cgan,flow \
        --n-train 10000 --n-test 2000 --minutes 20 --out bench/models-ams

A model may carry its own budget in minutes: ``--models diffusion:20,flow:5`` (the others get
``--minutes``).

The steps are the stages of ``caloforge demo`` (``caloforge.stages``), run by the same resumable
``Pipeline`` (one for the samples, then one per model on top of it): an interrupted run continues
where it stopped, and a step whose settings changed is redone, with the steps after it of that
model only. A folder written by the earlier, marker-less version of this script is retrained.
Results: OUT/results.json and OUT/results.md (one row per model). Not a test: a measurement.
"""

from __future__ import annotations

import json
import math
import os
import platform
import time
from pathlib import Path
from typing import Any

import torch
import typer

from caloforge.bench.run import BenchConfig
from caloforge.mc.runner import RunSpec
from caloforge.stages import Pipeline, Stage
from caloforge.stages.bench import bench_models
from caloforge.stages.evaluate import evaluate_files
from caloforge.stages.generate import generate_with_model, incident_energies
from caloforge.stages.simulate import simulate_file
from caloforge.stages.train import train_model

TIMED_BATCHES = (1, 1000)


def model_budgets(models: str, minutes: float) -> list[tuple[str, float]]:
    """``flow:5,vae`` -> [("flow", 5.0), ("vae", minutes)]."""
    return [(item.partition(":")[0], float(item.partition(":")[2] or minutes)) for item in models.split(",")]


def data_pipeline(out: Path, geometry: str, particle: str, energy: str, n_train: int, n_test: int,
                  workers: int, seed: int) -> Pipeline:
    """The Monte Carlo training and held-out samples."""
    train, test = out / "data" / "train.h5", out / "data" / "test.h5"
    sample = {"geometry": geometry, "particle": particle, "energy": energy, "seed": seed}

    def simulate(path: Path, n: int, sample_seed: int) -> dict[str, Any]:
        spec = RunSpec(geometry=geometry, particle=particle, energy=energy, n=n, seed=sample_seed)
        simulate_file(spec, path, workers=workers, resume=True, label="Monte Carlo")
        return {"showers": n}

    stages = [Stage("simulate-train", f"Monte Carlo: {n_train} training showers",
                    lambda: simulate(train, n_train, seed), {**sample, "n": n_train}, ("data/train.h5",),
                    ("data/train.h5.partial",)),
              Stage("simulate-test", f"Monte Carlo: {n_test} held-out showers",
                    lambda: simulate(test, n_test, seed + 1000), {**sample, "n": n_test}, ("data/test.h5",),
                    ("data/test.h5.partial",))]
    return Pipeline(out, stages)


def model_stages(out: Path, name: str, minutes: float, train: Path, test: Path, geometry: str, particle: str,
                 threads: int, seed: int) -> list[Stage]:
    run_dir, generated, report = out / "runs" / name, out / "generated" / f"{name}.h5", out / "reports" / name

    def fit() -> dict[str, Any]:
        result = train_model([train], run_dir, name, resume=None, max_minutes=minutes, seed=seed)
        return {"train_minutes": result.minutes, "steps": result.steps, "stopped_by": result.reason}

    def generate() -> dict[str, Any]:
        energies, like_particle = incident_energies(None, None, test, seed)
        generate_with_model(run_dir, energies, generated, 1000, seed, like_particle or None, device="cpu")
        return {}

    def evaluate() -> dict[str, Any]:
        metrics = evaluate_files(test, generated, report, seed=seed)
        return {k: metrics.get(k) for k in ("auc_low", "auc_high", "fpd")}

    def time_it() -> dict[str, Any]:
        config = BenchConfig(geometry=geometry, particle=particle, energies=(1e4,), batch_sizes=TIMED_BATCHES,
                             threads=threads, onnx=False, cuda=False, seed=seed, models={name: str(run_dir)},
                             max_call_s=math.inf)
        result = bench_models(config, out / "bench" / name)
        return {f"ms_batch{m['batch']}": m["ms_per_shower"]["median"] for m in result["measurements"]
                if m["contender"] == f"{name} [torch cpu]"}

    return [Stage(f"train-{name}", f"train {name} (budget {minutes:g} min)", fit, {"minutes": minutes},
                  (f"runs/{name}/model.pt",), (f"runs/{name}",)),
            Stage(f"generate-{name}", f"generate {name} at the held-out energies", generate, {},
                  (f"generated/{name}.h5",)),
            Stage(f"evaluate-{name}", f"evaluate {name}", evaluate, {}, (f"reports/{name}/metrics.json",)),
            Stage(f"time-{name}", f"time {name} at batch {TIMED_BATCHES}", time_it, {"threads": threads},
                  (f"bench/{name}/bench.json",))]


def markdown(rows: list[dict[str, Any]], conditions: dict[str, Any]) -> str:
    lines = [f"Conditions: {json.dumps(conditions)}", "",
             "| model | budget min | train min (steps, stop) | AUC low | AUC high | FPD "
             "| ms/shower b=1 | ms/shower b=1000 |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['model']} | {r['budget_min']:g} | "
                     f"{r['train_minutes']:.1f} ({r['steps']}, {r['stopped_by']}) | "
                     f"{r['auc_low']:.3f} | {r['auc_high']:.3f} | "
                     f"{r['fpd']:.3g} | {r.get('ms_batch1', math.nan):.2f} | {r.get('ms_batch1000', math.nan):.3f} |")
    return "\n".join(lines) + "\n"


def main(
    geometry: str = typer.Option("ams-ecal", "--geometry"),
    particle: str = typer.Option("e-", "--particle"),
    energy: str = typer.Option("1GeV:100GeV", "--energy"),
    models: str = typer.Option("diffusion,flow,vae,cgan", "--models", help="name[:minutes],..."),
    n_train: int = typer.Option(10000, "--n-train"),
    n_test: int = typer.Option(2000, "--n-test"),
    minutes: float = typer.Option(20.0, "--minutes", help="training budget per model"),
    workers: int = typer.Option(2, "--workers"),
    threads: int = typer.Option(2, "--threads"),
    seed: int = typer.Option(1, "--seed"),
    out: Path = typer.Option(Path("bench/models"), "--out"),
) -> None:
    """Train, evaluate and time every model family on the same Monte Carlo samples."""
    torch.set_num_threads(threads)
    os.environ.setdefault("CALOFORGE_NO_PROGRESS", "1")
    budgets = model_budgets(models, minutes)
    start = time.perf_counter()
    data = data_pipeline(out, geometry, particle, energy, n_train, n_test, workers, seed)
    data.run()
    results: dict[str, dict[str, Any]] = {}
    for name, budget in budgets:  # one pipeline per model: changing one model redoes only that one
        stages = model_stages(out, name, budget, out / "data" / "train.h5", out / "data" / "test.h5", geometry,
                              particle, threads, seed)
        results.update({r.name: r.info for r in Pipeline(out, stages, upstream=data.key).run()})
    rows = [{"model": name, "budget_min": budget, **results[f"train-{name}"], **results[f"evaluate-{name}"],
             **results[f"time-{name}"]} for name, budget in budgets]
    conditions = {"geometry": geometry, "particle": particle, "energy": energy, "n_train": n_train,
                  "n_test": n_test, "budget_min": minutes, "threads": threads,
                  "cpu": platform.processor() or platform.machine(), "date": time.strftime("%Y-%m-%d"),
                  "seconds_this_run": round(time.perf_counter() - start, 1)}
    (out / "results.json").write_text(json.dumps({"conditions": conditions, "rows": rows}, indent=1))
    (out / "results.md").write_text(markdown(rows, conditions))
    print(markdown(rows, conditions))


if __name__ == "__main__":
    typer.run(main)
