"""Progress bars for long work (rich), switched off where output is not a terminal or in tests."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from caloforge.terminal import console


class RateColumn(ProgressColumn):
    """Items per second, e.g. ``123.4 showers/s``."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f} {self.unit}/s" if speed else f"-- {self.unit}/s", style="cyan")


def progress_enabled() -> bool:
    """Show bars on a terminal unless CALOFORGE_NO_PROGRESS is set."""
    return sys.stderr.isatty() and not os.environ.get("CALOFORGE_NO_PROGRESS")


def make_progress(unit: str = "it", disable: bool | None = None) -> Progress:
    """A bar with count, rate (``unit``/s), elapsed and remaining time, and a free status field.

    Add tasks with ``progress.add_task(name, total=n, status="")`` and update the status with
    ``progress.update(task, status="loss 0.123")``.
    """
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(unit),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[status]}"),
        console=console,
        disable=(not progress_enabled()) if disable is None else disable,
        transient=False,
    )


def resumed_counter(bar: Progress, task: TaskID) -> Callable[[int, int], None]:
    """An ``on_chunk(done, total)`` callback for work that may resume: the first call (with what
    an interrupted run already finished) resets the task there, so the rate counts new work only."""
    started: list[int] = []

    def advance(done: int, total: int) -> None:
        if not started:
            started.append(done)
            bar.reset(task, total=total, completed=done)
        bar.update(task, completed=done, status=f"{done}/{total}")

    return advance
