"""``caloforge demo``: simulate → train → generate → bench → evaluate + report, resumable.

Layout of the output folder: ``data/train.h5`` and ``data/test.h5`` (Monte Carlo), ``runs/MODEL``
(the trained model), ``generated.h5`` (showers of the model at the test sample's energies),
``report/`` (metrics.json, report.html, plots), ``bench/`` (bench.json, bench.md), ``.stages/``
(markers of finished stages).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from caloforge.demo.config import DemoConfig
from caloforge.demo.pipeline import Pipeline, Stage

TRAIN, TEST, GENERATED = "data/train.h5", "data/test.h5", "generated.h5"


def _simulate(config: DemoConfig, root: Path, name: str, n: int, seed: int) -> dict[str, Any]:
    from caloforge.progress import make_progress, resumed_counter
    from caloforge.simulate.runner import RunSpec, run

    spec = RunSpec(geometry=config.geometry, particle=config.particle, energy=config.energy, n=n, seed=seed)
    with make_progress("showers") as bar:
        task = bar.add_task("Monte Carlo", total=n, status="")
        run(spec, root / name, workers=config.workers, resume=True, on_chunk=resumed_counter(bar, task))
    return {"showers": n}


def _train(config: DemoConfig, root: Path) -> dict[str, Any]:
    from caloforge.training import train_run

    out = root / "runs" / config.model
    resume = (out / "checkpoint.pt").is_file()
    result = train_run([root / TRAIN], out, None if resume else config.model, None, resume,
                       max_steps=config.train_steps, max_minutes=config.train_minutes, seed=config.seed)
    return {"steps": result.steps, "minutes": result.minutes, "stopped_by": result.reason,
            "best_val_loss": result.best_val_loss}


def _generate(config: DemoConfig, root: Path) -> dict[str, Any]:
    import torch

    from caloforge.io import ShowerFile, Showers, write_showers
    from caloforge.models import load_model

    with ShowerFile(root / TEST) as f:
        energies = f.incident_energies()
    model = load_model(root / "runs" / config.model)
    showers = model.sample(energies, generator=torch.Generator().manual_seed(config.seed), batch_size=1000)
    write_showers(root / GENERATED, Showers(energies, showers.numpy(), {
        "geometry": model.spec.geometry, "particle": config.particle, "generator": model.name,
        "seed": config.seed}))
    return {"showers": len(energies)}


def _evaluate(config: DemoConfig, root: Path) -> dict[str, Any]:
    """The validation report, with the demo's own sections: geometry, event display, speed table."""
    from caloforge.demo.extras import event_display_html, geometry_html
    from caloforge.geometry import get_geometry
    from caloforge.io import read_showers
    from caloforge.progress import make_progress
    from caloforge.report.bench_section import bench_section
    from caloforge.validate.suite import EVALUATION_STAGES, evaluate

    geometry = get_geometry(config.geometry)
    n = config.max_eval_showers
    reference, generated = read_showers(root / TEST, n=n), read_showers(root / GENERATED, n=n)
    sections = [
        bench_section(root / "bench"),
        ("Event display", event_display_html(reference, generated, geometry, seed=config.seed)),
        ("Detector geometry", geometry_html(geometry)),
    ]
    with make_progress("stages") as bar:
        task = bar.add_task("evaluate", total=len(EVALUATION_STAGES), status="")
        metrics = evaluate(reference, generated, geometry, root / "report", seed=config.seed,
                           quick=config.classifier_quick, files={"reference": TEST, "generated": GENERATED},
                           extra_sections=sections, step=lambda name: bar.update(task, advance=1, status=name))
    return {k: metrics.get(k) for k in ("auc_low", "auc_high", "fpd", "kpd")}


def _bench(config: DemoConfig, root: Path) -> dict[str, Any]:
    from caloforge.bench.run import BenchConfig, best_speedups, run_bench
    from caloforge.progress import make_progress

    bench = BenchConfig(geometry=config.geometry, particle=config.particle, energies=config.bench_energies,
                        batch_sizes=config.bench_batches, rounds=config.bench_rounds, seed=config.seed,
                        onnx=config.bench_onnx, max_call_s=config.bench_max_call_s,
                        models={config.model: str(root / "runs" / config.model)})
    with make_progress("timings") as bar:
        task = bar.add_task("bench", total=None, status="")
        result = run_bench(bench, root / "bench", on_step=lambda name: bar.update(task, advance=1, status=name))
    return {"speedups": best_speedups(result)}


def build_pipeline(config: DemoConfig, root: Path) -> Pipeline:
    params = dataclasses.asdict(config)
    sim = {k: params[k] for k in ("geometry", "particle", "energy", "seed")}
    return Pipeline(root, [
        Stage("simulate-train", f"Monte Carlo: {config.n_train} training showers",
              lambda: _simulate(config, root, TRAIN, config.n_train, config.seed),
              {**sim, "n": config.n_train}, (TRAIN,), (f"{TRAIN}.partial",)),
        Stage("simulate-test", f"Monte Carlo: {config.n_test} held-out showers",
              lambda: _simulate(config, root, TEST, config.n_test, config.seed + 1000),
              {**sim, "n": config.n_test}, (TEST,), (f"{TEST}.partial",)),
        Stage("train", f"train {config.model} (budget {config.train_minutes:g} min)", lambda: _train(config, root),
              {"model": config.model, "minutes": config.train_minutes, "steps": config.train_steps},
              (f"runs/{config.model}/model.pt",), (f"runs/{config.model}",)),
        Stage("generate", "generate showers at the held-out energies", lambda: _generate(config, root),
              {}, (GENERATED,)),
        Stage("bench", "speed: model vs Monte Carlo", lambda: _bench(config, root),
              {"energies": config.bench_energies, "batches": config.bench_batches, "rounds": config.bench_rounds,
               "onnx": config.bench_onnx, "max_call_s": config.bench_max_call_s},
              ("bench/bench.json", "bench/bench.md")),
        Stage("evaluate", "validate against the held-out Monte Carlo; write the report",
              lambda: _evaluate(config, root),
              {"quick": config.classifier_quick, "max": config.max_eval_showers},
              ("report/metrics.json", "report/report.html")),
    ])


def headline(root: Path) -> dict[str, Any]:
    """The numbers printed at the end: AUCs, FPD, speed-ups."""
    metrics = json.loads((root / "report" / "metrics.json").read_text())
    bench = json.loads((root / "bench" / "bench.json").read_text())
    from caloforge.bench.run import best_speedups

    return {"auc_low": metrics.get("auc_low"), "auc_high": metrics.get("auc_high"),
            "fpd": metrics.get("fpd"), "fpd_err": metrics.get("fpd_err"), "speedups": best_speedups(bench),
            "report": str(root / "report" / "report.html")}
