"""Stage ``physics``: the physics tasks on shower files, with their plots and JSON.

``ep_separation_files`` trains the e/p BDT on one pair of files and measures it on an
independent pair (or on a seeded split of the first pair, when no test files are given), then
writes OUT/ep_separation.json and OUT/plots/{roc,bdt_scores}.png atomically. ``energy_regression_files``
trains the energy regression on electrons of a continuum of energies and measures linearity and
resolution on electrons at discrete energies: OUT/energy_regression.json, OUT/plots/resolution.png.
``anomaly_files`` trains the autoencoder on electrons and reports how its score flags injected
faults and showering protons: OUT/anomaly.json, OUT/plots/anomaly_scores.png.
``in_the_loop_files`` puts a generator in the loop (``caloforge.tasks.in_the_loop``):
OUT/physics.json and OUT/plots/in_the_loop_*.png, which ``caloforge evaluate --physics`` embeds
in its report."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from caloforge.atomic import atomic_path, write_text_atomic
from caloforge.errors import InputError
from caloforge.geometry import get_geometry
from caloforge.io import Showers, read_showers
from caloforge.report.physics_plots import (
    anomaly_figure,
    in_the_loop_anomaly_figure,
    in_the_loop_rejection_figure,
    in_the_loop_resolution_figure,
    in_the_loop_roc_figure,
    in_the_loop_score_figure,
    resolution_figure,
    roc_figure,
    score_figure,
)
from caloforge.report.plots import figure_png
from caloforge.stages.evaluate import json_ready
from caloforge.tasks.anomaly import AnomalyConfig, AnomalyDetector, anomaly_report
from caloforge.tasks.energy_regression import (
    EnergyRegressor,
    RegressionConfig,
    check_electrons,
    energy_groups,
    regression_report,
)
from caloforge.tasks.ep_separation import EPConfig, EPSeparator, check_particles, light_per_mev
from caloforge.tasks.faults import FAULTS, inject
from caloforge.tasks.in_the_loop import anomaly_in_the_loop, ep_in_the_loop, regression_in_the_loop


def split(showers: Showers, test_fraction: float, rng: np.random.Generator) -> tuple[Showers, Showers]:
    """(train, test) halves drawn at random; neither is empty."""
    n_test = int(round(test_fraction * len(showers)))
    if not 0 < n_test < len(showers):
        raise InputError(f"a test fraction of {test_fraction} leaves an empty sample of {len(showers)} showers")
    order = rng.permutation(len(showers))
    return showers.subset(np.sort(order[n_test:])), showers.subset(np.sort(order[:n_test]))


def ep_separation_files(electrons: Path, protons: Path, out_dir: Path, test_electrons: Path | None = None,
                        test_protons: Path | None = None, test_fraction: float = 0.5,
                        config: EPConfig | None = None, geometry: str | None = None) -> dict:
    """Train and measure the e/p BDT on files; returns the results written to OUT/ep_separation.json."""
    if (test_electrons is None) != (test_protons is None):
        raise InputError("give both --test-electrons and --test-protons, or neither")
    tests = None if test_electrons is None or test_protons is None else (read_showers(test_electrons),
                                                                          read_showers(test_protons))
    files = {"electrons": str(electrons), "protons": str(protons), "test_electrons": str(test_electrons or ""),
             "test_protons": str(test_protons or "")}
    return ep_separation_samples(read_showers(electrons), read_showers(protons), out_dir, tests, test_fraction,
                                 config, geometry, files)


def ep_separation_samples(train_e: Showers, train_p: Showers, out_dir: Path | None,
                          tests: tuple[Showers, Showers] | None = None, test_fraction: float = 0.5,
                          config: EPConfig | None = None, geometry: str | None = None,
                          files: dict[str, str] | None = None) -> dict:
    """Train on (train_e, train_p), measure on ``tests`` or on a seeded split; with ``out_dir``
    write ep_separation.json and the plots there."""
    config = config or EPConfig()
    geo = get_geometry(geometry or train_e.geometry or train_p.geometry or "ams-ecal")
    if tests is None:
        rng = np.random.default_rng(config.seed)
        train_e, test_e = split(train_e, test_fraction, rng)
        train_p, test_p = split(train_p, test_fraction, rng)
    else:
        test_e, test_p = tests
    separator = EPSeparator(geo, config)
    check_particles(train_e, train_p, geo)
    check_particles(test_e, test_p, geo)
    separator.calibrate(train_e).usable_bins(test_e, test_p)  # refuse before minutes of training
    start = time.perf_counter()
    separator.fit(train_e, train_p)
    train_s = time.perf_counter() - start
    result = separator.evaluate(test_e, test_p)
    result.update(geometry=geo.name, independent_test_sample=tests is not None, train_seconds=train_s,
                  n_train_electrons=len(train_e), n_train_protons=len(train_p), files=files or {})
    if out_dir is not None:
        _write_plots(out_dir, {"roc": roc_figure(result), "bdt_scores": score_figure(result)})
        write_text_atomic(out_dir / "ep_separation.json", json.dumps(json_ready(result), indent=1))
    return result


def _write_plots(out_dir: Path, figures: dict) -> None:
    plots = out_dir / "plots"
    plots.mkdir(parents=True, exist_ok=True)
    for name, fig in figures.items():
        with atomic_path(plots / f"{name}.png") as tmp:
            tmp.write_bytes(figure_png(fig))


def energy_regression_samples(train: Showers, test: Showers, out_dir: Path | None,
                              config: RegressionConfig | None = None, geometry: str | None = None,
                              files: dict[str, object] | None = None) -> dict:
    """Train the regression on ``train``, report on ``test``; with ``out_dir`` write JSON and plot."""
    config = config or RegressionConfig()
    geo = get_geometry(geometry or train.geometry or test.geometry or "ams-ecal")
    check_electrons(train, geo)
    check_electrons(test, geo)
    if len(energy_groups(test.energies.astype(np.float64))[0]) < 2:  # refuse before minutes of training
        raise InputError(f"the resolution needs >= 2 incident energies (or 1/5-decade bins) with >= 20 showers "
                         f"each; the {len(test)} test showers do not have them")
    start = time.perf_counter()
    regressor = EnergyRegressor(geo, config).fit(train)
    report = regression_report(regressor, test)
    report.update(geometry=geo.name, train_seconds=time.perf_counter() - start, n_train=len(train),
                  files=files or {})
    if out_dir is not None:
        _write_plots(out_dir, {"resolution": resolution_figure(report)})
        write_text_atomic(out_dir / "energy_regression.json", json.dumps(json_ready(report), indent=1))
    return report


def energy_regression_files(train: Path, tests: list[Path], out_dir: Path, config: RegressionConfig | None = None,
                            geometry: str | None = None) -> dict:
    """``energy_regression_samples`` on files (the test files are joined)."""
    test = Showers.concatenate([read_showers(p) for p in tests])
    return energy_regression_samples(read_showers(train), test, out_dir, config, geometry,
                                     {"train": str(train), "test": [str(p) for p in tests]})


def anomaly_samples(train: Showers, test: Showers, out_dir: Path | None, protons: Showers | None = None,
                    min_proton_gev: float = 2.0, config: AnomalyConfig | None = None, geometry: str | None = None,
                    files: dict[str, str] | None = None) -> dict:
    """Train the autoencoder on ``train`` electrons; flag faults injected into ``test`` (one
    copy per fault, seeded) and the ``protons`` that shower (measured energy >= min_proton_gev)."""
    config = config or AnomalyConfig()
    geo = get_geometry(geometry or train.geometry or test.geometry or "ams-ecal")
    check_electrons(test, geo)
    anomalies: dict[str, Showers] = {}
    if protons is not None:
        check_particles(train, protons, geo)
        showering = protons.total_energy() / light_per_mev(train) / 1000.0 >= min_proton_gev
        if showering.sum() < 10:
            raise InputError(f"only {int(showering.sum())} protons leave >= {min_proton_gev:g} GeV: the proton "
                             "AUC needs >= 10")
        anomalies["proton"] = protons.subset(np.flatnonzero(showering))
    start = time.perf_counter()
    detector = AnomalyDetector(geo, config).fit(train)
    rng = np.random.default_rng(config.seed)
    for fault in FAULTS:
        anomalies[fault] = inject(test, geo, fault, rng)
    report = anomaly_report(detector, test, anomalies)
    report.update(geometry=geo.name, train_seconds=time.perf_counter() - start, n_train=len(train),
                  min_proton_gev=min_proton_gev, files=files or {})
    if out_dir is not None:
        _write_plots(out_dir, {"anomaly_scores": anomaly_figure(report)})
        write_text_atomic(out_dir / "anomaly.json", json.dumps(json_ready(report), indent=1))
    return report


def anomaly_files(train: Path, test: Path, out_dir: Path, protons: Path | None = None, min_proton_gev: float = 2.0,
                  config: AnomalyConfig | None = None) -> dict:
    """``anomaly_samples`` on files."""
    return anomaly_samples(read_showers(train), read_showers(test), out_dir,
                           None if protons is None else read_showers(protons), min_proton_gev, config,
                           files={"train": str(train), "test": str(test), "protons": str(protons or "")})


def generate_like(model: Any, sample: Showers, particle: str, seed: int) -> Showers:
    """The model's showers at the incident energies of ``sample``, for ``particle``."""
    several = len(model.spec.particles) > 1
    showers = model.sample(sample.energies, [particle] if several else None, seed=seed, warn=False)
    return Showers(sample.energies, showers, {"geometry": model.spec.geometry, "particle": particle,
                                              "generator": model.name})


def in_the_loop_files(model_path: Path, electrons: Path, protons: Path, test_electrons: Path, test_protons: Path,
                      out_dir: Path, seed: int = 0, ep_config: EPConfig | None = None,
                      tasks: tuple[str, ...] = ("ep", "regression", "anomaly"),
                      regression_config: RegressionConfig | None = None,
                      anomaly_config: AnomalyConfig | None = None) -> dict:
    """Generate electrons and protons like the four Monte Carlo samples and run the tasks three
    ways (``caloforge.tasks.in_the_loop``); writes OUT/physics.json and its plots. The configs
    default to those of the single tasks, with ``seed``."""
    from caloforge.models import load_model

    model = load_model(model_path)
    missing = {"electron", "proton"} - set(model.spec.particles)
    if missing:
        raise InputError(f"{model_path}: the model was trained on {', '.join(model.spec.particles) or 'one particle'}"
                         f", not on {' and '.join(sorted(missing))}: train it on both (caloforge train --data "
                         "electrons.h5 --data protons.h5)")
    mc_train = (read_showers(electrons), read_showers(protons))
    mc_test = (read_showers(test_electrons), read_showers(test_protons))
    geo = get_geometry(model.spec.geometry)
    for e, p in (mc_train, mc_test):
        check_particles(e, p, geo)
    ep_config = ep_config or EPConfig(seed=seed)
    EPSeparator(geo, ep_config).calibrate(mc_train[0]).usable_bins(*mc_test)  # refuse before generating
    start = time.perf_counter()
    gen_train = (generate_like(model, mc_train[0], "electron", seed),
                 generate_like(model, mc_train[1], "proton", seed + 1))
    gen_test = (generate_like(model, mc_test[0], "electron", seed + 2),
                generate_like(model, mc_test[1], "proton", seed + 3))
    result: dict = {"model": str(model_path), "generator": model.name, "geometry": geo.name, "seed": seed,
                    "generate_seconds": time.perf_counter() - start,
                    "files": {"electrons": str(electrons), "protons": str(protons),
                              "test_electrons": str(test_electrons), "test_protons": str(test_protons)}}
    figures = {}
    if "ep" in tasks:
        result["ep_separation"] = ep_in_the_loop(geo, mc_train, mc_test, gen_train, gen_test, ep_config)
        figures["in_the_loop_rejection"] = in_the_loop_rejection_figure(result["ep_separation"])
        figures["in_the_loop_roc"] = in_the_loop_roc_figure(result["ep_separation"])
        figures["in_the_loop_scores"] = in_the_loop_score_figure(result["ep_separation"])
    if "regression" in tasks:
        result["energy_regression"] = regression_in_the_loop(geo, mc_train[0], mc_test[0], gen_train[0], gen_test[0],
                                                             regression_config or RegressionConfig(seed=seed))
        figures["in_the_loop_resolution"] = in_the_loop_resolution_figure(result["energy_regression"])
    if "anomaly" in tasks:
        result["anomaly"] = anomaly_in_the_loop(geo, mc_train[0], mc_test[0], gen_test[0],
                                                anomaly_config or AnomalyConfig(seed=seed))
        figures["in_the_loop_anomaly"] = in_the_loop_anomaly_figure(result["anomaly"])
    result["total_seconds"] = time.perf_counter() - start
    _write_plots(out_dir, figures)
    write_text_atomic(out_dir / "physics.json", json.dumps(json_ready(result), indent=1))
    return result

