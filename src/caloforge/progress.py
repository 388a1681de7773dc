"""Progress of long work: rich bars on a terminal; plain lines every half minute where stderr is
a log file or a batch job's output (where a live bar would print nothing useful); none in tests
(``CALOFORGE_NO_PROGRESS``)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

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


LINE_EVERY_S = 30.0  # seconds between two plain progress lines of one task


class LineProgress(Progress):
    """A ``Progress`` for logs: no live bar; one plain line per task every ``every`` seconds
    (``CALOFORGE_PROGRESS_EVERY``) and when it completes, e.g. ``training: 300/1600 step (19 %),
    4.5 step/s, 1:06 elapsed, loss 1.40``."""

    def __init__(self, *columns: Any, unit: str, every: float, **kwargs: Any) -> None:
        super().__init__(*columns, **{**kwargs, "disable": True})
        self.unit, self.every = unit, every
        self._printed: dict[TaskID, float] = {}

    def add_task(self, *args: Any, **kwargs: Any) -> TaskID:
        task = super().add_task(*args, **kwargs)
        self._printed[task] = time.monotonic()
        return task

    def update(self, task_id: TaskID, **kwargs: Any) -> None:
        super().update(task_id, **kwargs)
        task = self._tasks[task_id]
        now = time.monotonic()
        if task.finished or now - self._printed.get(task_id, now) >= self.every:
            if not (task.finished and self._printed.get(task_id) == -1.0):
                self.console.print(line_of(task, self.unit), highlight=False, soft_wrap=True)
            self._printed[task_id] = -1.0 if task.finished else now


def line_of(task: Task, unit: str) -> str:
    """One plain line of a task's state."""
    done = f"{task.completed:g}" + (f"/{task.total:g} {unit} ({100 * task.completed / task.total:.0f} %)"
                                    if task.total else f" {unit}")
    speed = task.finished_speed or task.speed
    rate = f", {speed:,.1f} {unit}/s" if speed else ""
    minutes, seconds = divmod(int(task.elapsed or 0), 60)
    status = task.fields.get("status", "")
    return f"{task.description}: {done}{rate}, {minutes}:{seconds:02d} elapsed" + (f", {status}" if status else "")


def progress_enabled() -> bool:
    """Show live bars on a terminal unless CALOFORGE_NO_PROGRESS is set."""
    return sys.stderr.isatty() and not os.environ.get("CALOFORGE_NO_PROGRESS")


def make_progress(unit: str = "it", disable: bool | None = None) -> Progress:
    """A bar with count, rate (``unit``/s), elapsed and remaining time, and a free status field;
    plain lines (``LineProgress``) when stderr is not a terminal.

    Add tasks with ``progress.add_task(name, total=n, status="")`` and update the status with
    ``progress.update(task, status="loss 0.123")``.
    """
    if disable is None and not sys.stderr.isatty() and not os.environ.get("CALOFORGE_NO_PROGRESS"):
        return LineProgress(TextColumn("{task.description}"), unit=unit, console=console,
                            every=float(os.environ.get("CALOFORGE_PROGRESS_EVERY", LINE_EVERY_S)))
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
