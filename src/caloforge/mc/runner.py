"""Large reference samples: chunked, multi-process and resumable writing of Monte Carlo showers.

All incident energies are drawn up front from the run seed, and every shower seeds its own random
stream from (seed, global shower index) (``caloforge.mc.api``), so the file does not depend
on the number of workers, the chunk size, or on where a run was interrupted and resumed.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from caloforge.errors import InputError
from caloforge.io import Showers, ShowerWriter
from caloforge.io.hdf5 import partial_energies
from caloforge.mc.api import PDG_ID, Cuts, check_energies, particle_name, resolve_geometry, simulate
from caloforge.units import draw_energies

GENERATOR = "caloforge-mc"


@dataclass(frozen=True)
class RunSpec:
    """Everything that fixes the content of a reference file (stored in its attributes).

    energy: CLI energy specification (``10GeV``, ``1GeV,10GeV`` or ``1GeV:100GeV``);
    impact (mm) and Gaussian spreads of the impact point (mm) and of the polar angle (rad).
    """

    geometry: str
    particle: str
    energy: str
    n: int
    seed: int = 0
    cuts: Cuts = field(default_factory=Cuts)
    impact: tuple[float, float] = (0.0, 0.0)
    impact_spread: float = 0.0
    angle_spread: float = 0.0

    def __post_init__(self) -> None:
        if self.n < 1:
            raise InputError(f"the number of showers must be positive, got {self.n}")
        if self.impact_spread < 0 or self.angle_spread < 0:
            raise InputError("impact and angle spreads must be >= 0")
        object.__setattr__(self, "particle", particle_name(self.particle))
        # a binning XML that matches a registered detector stands for it (and gets its name)
        object.__setattr__(self, "geometry", resolve_geometry(self.geometry).name)
        check_energies(self.incident_energies())  # before any file is opened

    def incident_energies(self) -> np.ndarray:
        """The N incident energies (MeV), drawn from the seed alone."""
        return draw_energies(self.energy, self.n, np.random.default_rng([self.seed, 0xE]))

    def attrs(self) -> dict[str, Any]:
        return {"geometry": self.geometry, "particle": self.particle, "pdg_id": PDG_ID[self.particle],
                "generator": GENERATOR,
                "seed": self.seed, "energy": self.energy, "cuts": asdict(self.cuts),
                "impact_mm": list(self.impact), "impact_spread_mm": self.impact_spread,
                "angle_spread_rad": self.angle_spread}


def simulate_chunk(spec: RunSpec, start: int, energies: np.ndarray) -> Showers:
    """Showers ``start .. start + len(energies)`` of the run (a worker's unit of work)."""
    return simulate(spec.geometry, spec.particle, energies, seed=spec.seed, cuts=spec.cuts,
                    impact=spec.impact, impact_spread=spec.impact_spread,
                    angle_spread=spec.angle_spread, start_index=start)


def _encoded(value: Any) -> str:
    """A value as the HDF5 attributes store it (non-scalars as JSON)."""
    return str(value) if isinstance(value, str | int | float) else json.dumps(value)


def _check_partial(partial: Path, spec: RunSpec, energies: np.ndarray) -> None:
    """Refuse to resume a file written with other settings (it would mix two samples)."""
    stored, attrs = partial_energies(partial)
    for key, value in spec.attrs().items():
        if key in attrs and str(attrs[key]) != _encoded(value):
            raise InputError(f"{partial}: cannot resume, it was written with {key}={attrs[key]!r}")
    if len(stored) > spec.n or not np.array_equal(stored, energies[:len(stored)].astype(np.float32)):
        raise InputError(f"{partial}: cannot resume, its incident energies differ from this run's")


def chunk_bounds(start: int, n: int, chunk_size: int) -> list[tuple[int, int]]:
    return [(a, min(a + chunk_size, n)) for a in range(start, n, chunk_size)]


def run(spec: RunSpec, out: str | os.PathLike[str], workers: int = 1, resume: bool = False,
        chunk_size: int | None = None, on_chunk: Callable[[int, int], None] | None = None) -> int:
    """Simulate ``spec`` into the CaloChallenge file ``out``; returns the number of new showers.

    Chunks are appended to ``out.partial`` and flushed as they finish, so Ctrl-C loses at most the
    chunks in flight; ``resume=True`` continues after the showers already in the partial file.
    ``on_chunk(done, total)`` is called once before the first chunk (with the showers a resumed
    file already holds) and after every chunk (progress bars).
    """
    if workers < 1:
        raise InputError(f"--workers must be >= 1, got {workers}")
    geometry = resolve_geometry(spec.geometry)
    energies = spec.incident_energies()
    partial = Path(str(out) + ".partial")
    if resume and partial.exists():
        _check_partial(partial, spec, energies)
    writer = ShowerWriter(out, geometry.n_voxels, spec.attrs(), resume=resume)
    done = writer.n_written
    size = chunk_size or max(1, min(50, -(-spec.n // (4 * workers))))
    bounds = chunk_bounds(done, spec.n, size)
    if on_chunk is not None:
        on_chunk(done, spec.n)
    try:
        for showers in _results(spec, energies, bounds, workers):
            writer.append(Showers(showers.energies, showers.showers, spec.attrs()))
            done += len(showers)
            if on_chunk is not None:
                on_chunk(done, spec.n)
    except BaseException:
        writer.close()
        raise
    writer.finish()
    return sum(b - a for a, b in bounds)


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which terminates them and keeps the finished chunks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _chunk_task(args: tuple[RunSpec, int, np.ndarray]) -> Showers:
    return simulate_chunk(*args)


@contextlib.contextmanager
def _deferred_interrupt() -> Iterator[Callable[[], None]]:
    """Turn Ctrl-C into a flag checked between chunks (a KeyboardInterrupt raised at a random
    point can be swallowed by a finaliser); a second Ctrl-C interrupts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: None
        return
    hit = []
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum: int, frame: object) -> None:
        hit.append(signum)
        signal.signal(signal.SIGINT, previous)

    def check() -> None:
        if hit:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)
    try:
        yield check
    finally:
        signal.signal(signal.SIGINT, previous)


def _results(spec: RunSpec, energies: np.ndarray, bounds: list[tuple[int, int]], workers: int) -> Iterator[Showers]:
    """Chunks in order, computed here (1 worker) or by a process pool.

    The pool forks where the platform can (no re-import of the command line and its heavy
    dependencies in every worker); numba loads the compiled kernel from its on-disk cache.
    """
    with _deferred_interrupt() as check:
        if workers == 1 or len(bounds) <= 1:
            for a, b in bounds:
                check()
                yield simulate_chunk(spec, a, energies[a:b])
                check()
            return
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        tasks = [(spec, a, energies[a:b]) for a, b in bounds]
        with multiprocessing.get_context(method).Pool(min(workers, len(tasks)), initializer=_ignore_sigint) as pool:
            results = pool.imap(_chunk_task, tasks)
            for _ in tasks:
                while True:
                    check()
                    try:
                        chunk = results.next(timeout=0.2)
                        break
                    except multiprocessing.TimeoutError:
                        continue
                yield chunk
