"""``caloforge demo``: simulate → train → generate → bench → physics → evaluate + report, resumable.

Layout of the output folder: ``data/train.h5`` and ``data/test.h5`` (Monte Carlo electrons),
``data/protons_train.h5`` and ``data/protons_test.h5`` (Monte Carlo protons, with ``physics``),
``runs/MODEL`` (the trained model), ``generated.h5`` (the model's electrons at the test sample's
energies), ``physics/`` (physics.json and plots: the e/p separation, energy regression and anomaly
score with the generator in the loop), ``report/`` (metrics.json, report.html, plots), ``bench/``
(bench.json, bench.md), ``.stages/`` (markers of finished stages).
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
PROTONS_TRAIN, PROTONS_TEST, PHYSICS = "data/protons_train.h5", "data/protons_test.h5", "physics"


def _simulate(config: DemoConfig, root: Path, name: str, n: int, seed: int, particle: str | None = None,
              energy: str | None = None) -> dict[str, Any]:
    from caloforge.mc.runner import RunSpec
    from caloforge.stages.simulate import simulate_file

    spec = RunSpec(geometry=config.geometry, particle=particle or config.particle, energy=energy or config.energy,
                   n=n, seed=seed)
    simulate_file(spec, root / name, workers=config.workers, resume=True, label=f"Monte Carlo {spec.particle}s")
    return {"showers": n}


def _train(config: DemoConfig, root: Path) -> dict[str, Any]:
    from caloforge.stages.train import train_model

    data = [root / TRAIN, root / PROTONS_TRAIN] if config.physics else [root / TRAIN]
    result = train_model(data, root / "runs" / config.model, config.model, resume=None,
                         max_steps=config.train_steps, max_minutes=config.train_minutes, seed=config.seed)
    return {"steps": result.steps, "minutes": result.minutes, "stopped_by": result.reason,
            "best_val_loss": result.best_val_loss}


def _generate(config: DemoConfig, root: Path) -> dict[str, Any]:
    from caloforge.stages.generate import generate_with_model, incident_energies

    energies, particle = incident_energies(None, None, root / TEST, config.seed)
    generate_with_model(root / "runs" / config.model, energies, root / GENERATED, 1000, config.seed,
                        particle or None, device="cpu")
    return {"showers": len(energies)}


def _physics(config: DemoConfig, root: Path) -> dict[str, Any]:
    """The e/p separation, energy regression and anomaly score with the generator in the loop."""
    from caloforge.stages.physics import in_the_loop_files
    from caloforge.tasks.anomaly import AnomalyConfig
    from caloforge.tasks.energy_regression import RegressionConfig
    from caloforge.tasks.ep_separation import EPConfig

    ep = EPConfig(bins_gev=config.physics_bins_gev, efficiencies=config.physics_efficiencies,
                  use_cells=config.physics_use_cells, seed=config.seed)
    result = in_the_loop_files(root / "runs" / config.model, root / TRAIN, root / PROTONS_TRAIN, root / TEST,
                               root / PROTONS_TEST, root / PHYSICS, config.seed, ep,
                               regression_config=RegressionConfig(use_cells=config.physics_use_cells,
                                                                  seed=config.seed),
                               anomaly_config=AnomalyConfig(epochs=config.anomaly_epochs, seed=config.seed))
    return {"seconds": result["total_seconds"]}


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
                             sections=_report_sections(config),
                             physics=root / PHYSICS if config.physics else None)
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
    stages = [
        Stage("simulate-train", f"Monte Carlo: {config.n_train} training {config.particle}s",
              lambda: _simulate(config, root, TRAIN, config.n_train, config.seed),
              {**sim, "n": config.n_train}, (TRAIN,), (f"{TRAIN}.partial",)),
        Stage("simulate-test", f"Monte Carlo: {config.n_test} held-out {config.particle}s",
              lambda: _simulate(config, root, TEST, config.n_test, config.seed + 1000),
              {**sim, "n": config.n_test}, (TEST,), (f"{TEST}.partial",)),
    ]
    if config.physics:
        protons = {"geometry": config.geometry, "particle": "proton", "energy": config.proton_energy,
                   "seed": config.seed}
        stages += [
            Stage("simulate-protons-train", f"Monte Carlo: {config.n_protons_train} training protons",
                  lambda: _simulate(config, root, PROTONS_TRAIN, config.n_protons_train, config.seed + 2000,
                                    "proton", config.proton_energy),
                  {**protons, "n": config.n_protons_train}, (PROTONS_TRAIN,), (f"{PROTONS_TRAIN}.partial",)),
            Stage("simulate-protons-test", f"Monte Carlo: {config.n_protons_test} held-out protons",
                  lambda: _simulate(config, root, PROTONS_TEST, config.n_protons_test, config.seed + 3000,
                                    "proton", config.proton_energy),
                  {**protons, "n": config.n_protons_test}, (PROTONS_TEST,), (f"{PROTONS_TEST}.partial",)),
        ]
    trained_on = "electrons and protons" if config.physics else f"{config.particle}s"
    stages += [
        Stage("train", f"train {config.model} on {trained_on} (budget {config.train_minutes:g} min)",
              lambda: _train(config, root),
              {"model": config.model, "minutes": config.train_minutes, "steps": config.train_steps},
              (f"runs/{config.model}/model.pt",), (f"runs/{config.model}",)),
        Stage("generate", f"generate {config.particle}s at the held-out energies", lambda: _generate(config, root),
              {}, (GENERATED,)),
        Stage("bench", "speed: model vs Monte Carlo", lambda: _bench(config, root),
              {"energies": config.bench_energies, "batches": config.bench_batches, "rounds": config.bench_rounds,
               "onnx": config.bench_onnx, "max_call_s": config.bench_max_call_s},
              ("bench/bench.json", "bench/bench.md")),
    ]
    if config.physics:
        stages.append(Stage(
            "physics", "physics in the loop: e/p separation, energy regression, anomaly score",
            lambda: _physics(config, root),
            {k: params[k] for k in ("physics_bins_gev", "physics_efficiencies", "physics_use_cells",
                                    "anomaly_epochs")},
            (f"{PHYSICS}/physics.json",)))
    stages.append(Stage(
        "evaluate", "validate against the held-out Monte Carlo; write the report", lambda: _evaluate(config, root),
        {"quick": config.classifier_quick, "max": config.max_eval_showers, "physics": config.physics},
        ("report/metrics.json", "report/report.html")))
    return Pipeline(root, stages)


def headline(root: Path) -> dict[str, Any]:
    """The numbers printed at the end: AUCs, FPD, speed-ups and, with the physics tasks, their
    study (``physics``: the physics.json of the generator in the loop, or None)."""
    metrics = json.loads((root / "report" / "metrics.json").read_text())
    bench = json.loads((root / "bench" / "bench.json").read_text())
    from caloforge.bench.run import best_speedups

    physics = root / PHYSICS / "physics.json"

    return {"auc_low": metrics.get("auc_low"), "auc_high": metrics.get("auc_high"),
            "fpd": metrics.get("fpd"), "fpd_err": metrics.get("fpd_err"), "speedups": best_speedups(bench),
            "physics": json.loads(physics.read_text()) if physics.is_file() else None,
            "report": str(root / "report" / "report.html")}
