"""``caloforge bench``: the Monte Carlo and every model, timed side by side in one process."""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from caloforge._version import __version__
from caloforge.atomic import write_text_atomic
from caloforge.bench.contenders import monte_carlo, onnx_models, scratch_dir, torch_model
from caloforge.bench.table import markdown_table
from caloforge.bench.timing import Contender, Measurement, interleaved, peak_rss_mb
from caloforge.errors import InputError

__all__ = ["BenchConfig", "best_speedups", "markdown_table", "monte_carlo_rates", "run_bench"]

DEFAULT_BATCHES = (1, 16, 256, 4096)


@dataclass
class BenchConfig:
    """What to measure. Energies in MeV; ``threads`` is the CPU thread count of every contender."""

    geometry: str = "ams-ecal"
    particle: str = "electron"
    energies: tuple[float, ...] = (1e4, 1e5)
    batch_sizes: tuple[int, ...] = DEFAULT_BATCHES
    rounds: int = 3
    threads: int = 1
    mc_showers_per_call: int = 2
    onnx: bool = True
    cuda: bool = True
    seed: int = 0
    models: dict[str, str] = field(default_factory=dict)  # name -> run directory
    max_call_s: float = 20.0  # larger batches are skipped once one call takes longer than this (s)


def _load_models(config: BenchConfig) -> dict[str, torch.nn.Module]:
    from caloforge.models import load_model

    models = {}
    for name, path in config.models.items():
        model = load_model(path)
        if model.spec.geometry != config.geometry:
            raise InputError(f"model {path} was trained on {model.spec.geometry}, not {config.geometry}")
        models[name] = model
    return models


def build_contenders(config: BenchConfig, workdir: Path) -> list[Contender]:
    """The Monte Carlo first, then each model on CPU (torch, ONNX FP32/INT8) and CUDA if present."""
    contenders = [monte_carlo(config.geometry, config.particle, config.mc_showers_per_call, config.seed)]
    for name, model in _load_models(config).items():
        contenders.append(torch_model(name, model, config.batch_sizes, "cpu", config.seed, config.particle))
        if config.onnx:
            contenders += onnx_models(name, model, config.batch_sizes, config.threads, workdir, config.seed,
                                      config.particle)
        if config.cuda and torch.cuda.is_available():
            contenders.append(torch_model(name, model, config.batch_sizes, "cuda", config.seed, config.particle))
    return contenders


def speedups(measurements: list[Measurement]) -> list[dict[str, Any]]:
    """Speed-up of every model point over the Monte Carlo's median at the same energy.

    min/median/max come from pairing each round's MC time with the same round's model time.
    """
    mc = {m.energy_mev: m for m in measurements if m.contender == "monte-carlo"}
    rows = []
    for m in measurements:
        if m.contender == "monte-carlo" or m.energy_mev not in mc:
            continue
        ratios = [a / b for a, b in zip(mc[m.energy_mev].ms_per_shower, m.ms_per_shower, strict=False)]
        rows.append({"contender": m.contender, "energy_mev": m.energy_mev, "batch": m.batch,
                     "speedup": {"min": min(ratios), "median": statistics.median(ratios), "max": max(ratios)}})
    return rows


def conditions(config: BenchConfig) -> dict[str, Any]:
    return {
        "caloforge_version": __version__, "torch": torch.__version__, "threads": config.threads,
        "cpu": platform.processor() or platform.machine(), "cpu_count": os.cpu_count(),
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "geometry": config.geometry, "particle": config.particle, "rounds": config.rounds,
        "warmup_excluded": True,
    }


def run_bench(config: BenchConfig, out: Path, on_step: Any = None) -> dict[str, Any]:
    """Measure, write ``bench.json`` and ``bench.md`` into ``out``; return the JSON content.

    Torch runs with ``config.threads`` threads while measuring; the caller's setting is restored."""
    threads_before = torch.get_num_threads()
    torch.set_num_threads(config.threads)
    workdir = scratch_dir(out)
    try:
        contenders = build_contenders(config, workdir)
        measurements, skipped = interleaved(contenders, list(config.energies), config.rounds, 1, on_step,
                                            config.max_call_s)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        torch.set_num_threads(threads_before)
    result = {
        "conditions": conditions(config),
        "contenders": [{"name": c.name, "kind": c.kind, **c.info} for c in contenders],
        "measurements": [{"contender": m.contender, "energy_mev": m.energy_mev, "batch": m.batch,
                          "ms_per_shower": m.summary(), **_rate(m)} for m in measurements],
        "speedups": speedups(measurements),
        "skipped": skipped,
        "peak_rss_mb": peak_rss_mb(),
    }
    if torch.cuda.is_available():
        result["peak_cuda_mb"] = torch.cuda.max_memory_allocated() / 2**20
    write_text_atomic(out / "bench.json", json.dumps(result, indent=2))
    write_text_atomic(out / "bench.md", markdown_table(result))
    return result


def _rate(m: Measurement) -> dict[str, float]:
    """Showers per second (median) of the Monte Carlo, the figure simulation people quote."""
    return {"showers_per_s": 1e3 / m.summary()["median"]} if m.contender == "monte-carlo" else {}


def best_speedups(result: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per contender and energy: speed-up and ms/shower at batch 1 and at its best batch (median
    over rounds)."""
    ms = {(m["contender"], m["energy_mev"], m["batch"]): m["ms_per_shower"]["median"] for m in result["measurements"]}
    best: dict[str, dict[str, float]] = {}
    for row in result["speedups"]:
        key = f"{row['contender']} @ {row['energy_mev'] / 1e3:g} GeV"
        entry = best.setdefault(key, {"batch1": float("nan"), "ms_batch1": float("nan"), "best": 0.0,
                                      "best_batch": 0, "ms_best": float("nan")})
        median, time_ms = row["speedup"]["median"], ms.get((row["contender"], row["energy_mev"], row["batch"]))
        if row["batch"] == 1:
            entry["batch1"], entry["ms_batch1"] = median, time_ms if time_ms is not None else float("nan")
        if median > entry["best"]:
            entry["best"], entry["best_batch"] = median, row["batch"]
            entry["ms_best"] = time_ms if time_ms is not None else float("nan")
    return best


def monte_carlo_rates(result: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The Monte Carlo's ms/shower and showers/s (one core) per energy."""
    return {f"{m['energy_mev'] / 1e3:g} GeV": {"ms": m["ms_per_shower"]["median"], "per_s": m["showers_per_s"]}
            for m in result["measurements"] if m["contender"] == "monte-carlo" and "showers_per_s" in m}
