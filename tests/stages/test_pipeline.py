"""The demo's stage runner: finished stages are reused, an interrupted stage is redone."""

from __future__ import annotations

from pathlib import Path

import pytest

from caloforge.stages.pipeline import Pipeline, Stage


def _stages(root: Path, calls: list[str], explode: str | None = None, n: int = 1) -> list[Stage]:
    def make(name: str) -> Stage:
        def run() -> dict[str, int]:
            calls.append(name)
            if name == explode:
                raise KeyboardInterrupt
            (root / f"{name}.out").write_text("x")
            return {"value": n}

        return Stage(name, name, run, {"n": n} if name == "a" else {}, (f"{name}.out",))

    return [make("a"), make("b"), make("c")]


def test_rerun_reuses_finished_stages(tmp_path: Path) -> None:
    calls: list[str] = []
    Pipeline(tmp_path, _stages(tmp_path, calls)).run()
    results = Pipeline(tmp_path, _stages(tmp_path, calls)).run()
    assert calls == ["a", "b", "c"] and all(r.skipped for r in results)


def test_interrupt_then_continue_from_last_finished_stage(tmp_path: Path) -> None:
    calls: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        Pipeline(tmp_path, _stages(tmp_path, calls, explode="b")).run()
    Pipeline(tmp_path, _stages(tmp_path, calls)).run()
    assert calls == ["a", "b", "b", "c"]


def test_changed_parameter_redoes_stage_and_later_ones(tmp_path: Path) -> None:
    calls: list[str] = []
    Pipeline(tmp_path, _stages(tmp_path, calls)).run()
    Pipeline(tmp_path, _stages(tmp_path, calls, n=2)).run()
    assert calls == ["a", "b", "c", "a", "b", "c"]


def test_missing_output_redoes_stage(tmp_path: Path) -> None:
    calls: list[str] = []
    Pipeline(tmp_path, _stages(tmp_path, calls)).run()
    (tmp_path / "c.out").unlink()
    Pipeline(tmp_path, _stages(tmp_path, calls)).run()
    assert calls == ["a", "b", "c", "c"]


def _stateful(root: Path, seen: list[bool], n: int, explode: bool) -> list[Stage]:
    """One stage that keeps partial state in ``state/`` (as training keeps a checkpoint)."""

    def run() -> None:
        seen.append((root / "state" / "checkpoint").exists())
        (root / "state").mkdir(exist_ok=True)
        (root / "state" / "checkpoint").write_text(str(n))
        if explode:
            raise KeyboardInterrupt
        (root / "done.out").write_text("x")

    return [Stage("train", "train", run, {"n": n}, ("done.out",), ("state",))]


def test_partial_state_is_resumed_only_with_the_same_settings(tmp_path: Path) -> None:
    seen: list[bool] = []
    with pytest.raises(KeyboardInterrupt):
        Pipeline(tmp_path, _stateful(tmp_path, seen, 1, explode=True)).run()
    with pytest.raises(KeyboardInterrupt):  # same settings: the checkpoint is there to resume
        Pipeline(tmp_path, _stateful(tmp_path, seen, 1, explode=True)).run()
    Pipeline(tmp_path, _stateful(tmp_path, seen, 2, explode=False)).run()  # new settings: start afresh
    assert seen == [False, True, False]
    assert (tmp_path / "state" / "checkpoint").read_text() == "2"
