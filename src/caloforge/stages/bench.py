"""Stage ``bench``: the Monte Carlo and trained models timed side by side (``bench.json``, ``bench.md``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from caloforge.bench.run import BenchConfig, run_bench
from caloforge.progress import make_progress


def bench_models(config: BenchConfig, out: Path) -> dict[str, Any]:
    """Measure with a progress line per timed point; returns what ``bench.json`` holds."""
    with make_progress("points") as bar:
        task = bar.add_task("bench", total=None, status="")
        return run_bench(config, out, lambda name: bar.update(task, advance=1, status=name))
