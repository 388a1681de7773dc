"""Stage ``simulate``: reference showers from the built-in Monte Carlo into a CaloChallenge file."""

from __future__ import annotations

from pathlib import Path

from caloforge.mc.runner import RunSpec, run
from caloforge.progress import make_progress, resumed_counter


def simulate_file(spec: RunSpec, out: Path, workers: int = 1, resume: bool = False, chunk_size: int | None = None,
                  label: str = "simulating") -> int:
    """Simulate ``spec`` into ``out`` with a progress bar; returns the showers simulated now.

    Resumable (``resume``: continue ``out.partial``); the same ``spec`` gives the same file
    whatever ``workers`` and ``chunk_size`` are (see ``caloforge.mc.runner``).
    """
    with make_progress("showers") as bar:
        task = bar.add_task(label, total=spec.n, status="")
        return run(spec, out, workers=workers, resume=resume, chunk_size=chunk_size,
                   on_chunk=resumed_counter(bar, task))
