"""``caloforge demo``: simulate → train → generate → bench → evaluate + report, resumable.

Layout of the output folder: ``data/train.h5`` and ``data/test.h5`` (Monte Carlo), ``runs/MODEL``
(the trained model), ``generated.h5`` (showers of the model at the test sample's energies),
``report/`` (metrics.json, report.html, plots), ``bench/`` (bench.json, bench.md), ``.stages/``
(markers of finished stages).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from caloforge.demo.config import DemoConfig
from caloforge.stages.pipeline import Pipeline, Stage

if TYPE_CHECKING:
    from caloforge.geometry import Geometry
    from caloforge.io import Showers

TRAIN, TEST, GENERATED = "data/train.h5", "data/test.h5", "generated.h5"


def _simulate(config: DemoConfig, root: Path, name: str, n: int, seed: int) -> dict[str, Any]:
    from caloforge.mc.runner import RunSpec
    from caloforge.stages.simulate import simulate_file

    spec = RunSpec(geometry=config.geometry, particle=config.particle, energy=config.energy, n=n, seed=seed)
    simulate_file(spec, root / name, workers=config.workers, resume=True, label="Monte Carlo")
    return {"showers": n}


def _train(config: DemoConfig, root: Path) -> dict[str, Any]:
    from caloforge.stages.train import train_model

    result = train_model([root / TRAIN], root / "runs" / config.model, config.model, resume=None,
                         max_steps=config.train_steps, max_minutes=config.train_minutes, seed=config.seed)
    return {"steps": result.steps, "minutes": result.minutes, "stopped_by": result.reason,
            "best_val_loss": result.best_val_loss}


def _generate(config: DemoConfig, root: Path) -> dict[str, Any]:
    from caloforge.stages.generate import generate_with_model, incident_energies

    energies, particle = incident_energies(None, None, root / TEST, config.seed)
    generate_with_model(root / "runs" / config.model, energies, root / GENERATED, 1000, config.seed,
                        particle or None, device="cpu")
    return {"showers": len(energies)}


def _report_sections(config: DemoConfig) -> Callable[[Showers, Showers, Geometry], list[tuple[str, str]]]:
    """The demo's own report sections: single-shower event display and the detector geometry."""
    from caloforge.report.sections import event_display_html, geometry_html

    def sections(reference: Showers, generated: Showers, geometry: Geometry) -> list[tuple[str, str]]:
        return [("Event display", event_display_html(reference, generated, geometry, seed=config.seed)),
                ("Detector geometry", geometry_html(geometry))]

    return sections


def _evaluate(config: DemoConfig, root: Path) -> dict[str, Any]:
    """The validation report, with the speed table, event display and geometry sections."""
    from caloforge.stages.evaluate import evaluate_files

    metrics = evaluate_files(root / TEST, root / GENERATED, root / "report", seed=config.seed,
                             quick=config.classifier_quick, geometry=config.geometry,
                             max_showers=config.max_eval_showers, bench=root / "bench",
                             sections=_report_sections(config))
    return {k: metrics.get(k) for k in ("auc_low", "auc_high", "fpd", "kpd")}


def _bench(config: DemoConfig, root: Path) -> dict[str, Any]:
    from caloforge.bench.run import BenchConfig, best_speedups
    from caloforge.stages.bench import bench_models

    bench = BenchConfig(geometry=config.geometry, particle=config.particle, energies=config.bench_energies,
                        batch_sizes=config.bench_batches, rounds=config.bench_rounds, seed=config.seed,
                        onnx=config.bench_onnx, max_call_s=config.bench_max_call_s,
                        models={config.model: str(root / "runs" / config.model)})
    return {"speedups": best_speedups(bench_models(bench, root / "bench"))}


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
