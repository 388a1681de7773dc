"""A resumable pipeline of named stages: finished stages are skipped on the next run.

Each stage declares its parameters; a stage is done when its marker file holds the same
parameters (so changing a setting redoes that stage and every later one) and its outputs exist.
Markers are written atomically after the stage returns, so Ctrl-C in the middle of a stage
leaves it unfinished and the next run starts it again (stages resume internally where they can).
A stage's partial state (``resumable`` paths: a training run folder, a ``.partial`` file) is
kept only for a re-run with the same fingerprint: when the settings changed since the stage was
started, it is removed first, so a stale checkpoint is never continued with new settings.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from caloforge.atomic import write_text_atomic


@dataclass
class Stage:
    """One step: ``run(params)`` makes ``outputs`` (paths relative to the pipeline directory)."""

    name: str
    description: str
    run: Callable[[], dict[str, Any] | None]
    params: dict[str, Any] = field(default_factory=dict)
    outputs: tuple[str, ...] = ()
    resumable: tuple[str, ...] = ()


def fingerprint(params: dict[str, Any], upstream: str) -> str:
    """Hash of a stage's parameters and of every stage before it."""
    text = json.dumps(params, sort_keys=True, default=str) + upstream
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class StageResult:
    name: str
    skipped: bool
    seconds: float
    info: dict[str, Any]


class Pipeline:
    """Runs stages in order inside ``root``; see the module docstring."""

    def __init__(self, root: Path, stages: list[Stage], upstream: str = "") -> None:
        """``upstream``: the fingerprint these stages depend on (``key`` of a pipeline run before
        them), so that several pipelines can share one earlier one without depending on each other."""
        self.root = root
        self.stages = stages
        self.marker_dir = root / ".stages"
        self.upstream = upstream
        self.key = upstream  # the last stage's fingerprint, once ``run`` has run

    def _marker(self, stage: Stage) -> Path:
        return self.marker_dir / f"{stage.name}.json"

    def _forget_stale_state(self, stage: Stage, key: str) -> None:
        """Remove the stage's partial state unless it was started with the same fingerprint."""
        started = self.marker_dir / f"{stage.name}.started"
        if started.is_file() and started.read_text().strip() == key:
            return
        for rel in stage.resumable:
            path = self.root / rel
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        write_text_atomic(started, key)

    def _is_done(self, stage: Stage, key: str) -> dict[str, Any] | None:
        marker = self._marker(stage)
        if not marker.is_file():
            return None
        try:
            record = json.loads(marker.read_text())
        except json.JSONDecodeError:
            return None
        if record.get("fingerprint") != key:
            return None
        if not all((self.root / out).exists() for out in stage.outputs):
            return None
        return record

    def run(self, on_start: Callable[[Stage, bool], None] | None = None) -> list[StageResult]:
        """Run every unfinished stage; ``on_start(stage, skipped)`` lets a display follow along."""
        results, upstream = [], self.upstream
        self.marker_dir.mkdir(parents=True, exist_ok=True)
        for stage in self.stages:
            key = fingerprint(stage.params, upstream)
            upstream = key
            record = self._is_done(stage, key)
            if on_start:
                on_start(stage, record is not None)
            if record is not None:
                results.append(StageResult(stage.name, True, 0.0, record.get("info", {})))
                continue
            self._forget_stale_state(stage, key)
            start = time.perf_counter()
            info = stage.run() or {}
            seconds = time.perf_counter() - start
            write_text_atomic(self._marker(stage), json.dumps(
                {"fingerprint": key, "params": stage.params, "seconds": seconds, "info": info},
                indent=2, default=str))
            results.append(StageResult(stage.name, False, seconds, info))
        self.key = upstream
        return results
