"""Fair timing: warm-up excluded, contenders interleaved so that machine drift cancels.

A contender is a callable ``run(energy_mev, batch) -> showers made``. ``interleaved`` calls every
(contender, energy, batch) point once per round, for several rounds, and keeps per-round times,
so that slow drifts of the machine (thermal throttling, other load) hit all contenders alike.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Contender:
    """Something that makes showers: the Monte Carlo, or a model on a device at a precision."""

    name: str
    kind: str  # "monte-carlo" | "model"
    run: Callable[[float, int], int]
    batch_sizes: tuple[int, ...] = (1,)
    info: dict[str, object] = field(default_factory=dict)
    synchronize: Callable[[], None] | None = None  # e.g. torch.cuda.synchronize


@dataclass
class Measurement:
    """ms/shower of one (contender, energy, batch) point over the rounds."""

    contender: str
    energy_mev: float
    batch: int
    ms_per_shower: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        values = self.ms_per_shower
        return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MB (ru_maxrss is kB on Linux, B on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _timed(contender: Contender, energy: float, batch: int) -> float:
    if contender.synchronize:
        contender.synchronize()
    start = time.perf_counter()
    made = contender.run(energy, batch)
    if contender.synchronize:
        contender.synchronize()
    return 1e3 * (time.perf_counter() - start) / max(made, 1)


def interleaved(contenders: list[Contender], energies: list[float], rounds: int = 3,
                warmup: int = 1, on_step: Callable[[str], None] | None = None,
                max_call_s: float = float("inf")) -> tuple[list[Measurement], list[dict[str, object]]]:
    """Measure every point ``rounds`` times, round-robin, after ``warmup`` untimed calls each.

    Batch sizes are warmed up smallest first; a batch whose call would take more than
    ``max_call_s`` at the per-shower time of the previous one is skipped with the larger ones
    ("whatever fits" the time budget), and listed in the second return value.
    """
    points, skipped = [], []
    for contender in contenders:
        for energy in energies:
            ms_per_shower, too_slow = 0.0, False
            for batch in sorted(contender.batch_sizes):
                too_slow = too_slow or ms_per_shower * batch / 1e3 > max_call_s
                if too_slow:
                    skipped.append({"contender": contender.name, "energy_mev": energy, "batch": batch,
                                    "reason": f"expected > {max_call_s:g} s per call"})
                    continue
                start = time.perf_counter()
                for _ in range(warmup):
                    contender.run(energy, batch)
                ms_per_shower = 1e3 * (time.perf_counter() - start) / max(warmup, 1) / batch
                points.append((contender, energy, batch))
    results = {(c.name, e, b): Measurement(c.name, e, b) for c, e, b in points}
    for _ in range(rounds):
        for contender, energy, batch in points:
            results[(contender.name, energy, batch)].ms_per_shower.append(_timed(contender, energy, batch))
            if on_step:
                on_step(contender.name)
    return list(results.values()), skipped
