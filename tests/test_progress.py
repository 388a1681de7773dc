"""Progress bars: a resumed run's rate counts only the work done now."""

from __future__ import annotations

from caloforge.progress import make_progress, resumed_counter


def test_resumed_counter_starts_at_the_finished_work() -> None:
    with make_progress("showers", disable=True) as bar:
        task = bar.add_task("x", total=10, status="")
        advance = resumed_counter(bar, task)
        advance(6, 10)  # an interrupted run had finished 6 showers
        state = bar.tasks[0]
        assert state.completed == 6 and not state.finished
        assert state.speed is None  # the 6 kept showers are no progress of this run
        advance(10, 10)
        assert bar.tasks[0].completed == 10 and bar.tasks[0].fields["status"] == "10/10"


def test_plain_lines_where_output_is_a_log(monkeypatch, capsys) -> None:
    """Not a terminal (a batch job's log): plain progress lines at the set interval and at the end."""
    import caloforge.progress as progress

    monkeypatch.delenv("CALOFORGE_NO_PROGRESS", raising=False)
    monkeypatch.setenv("CALOFORGE_PROGRESS_EVERY", "0")
    with make_progress("step") as bar:
        assert isinstance(bar, progress.LineProgress)
        task = bar.add_task("training", total=4, status="")
        for _ in range(4):
            bar.update(task, advance=1, status="loss 1.0")
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("training:")]
    assert len(lines) == 4 and lines[-1].startswith("training: 4/4 step (100 %)") and "loss 1.0" in lines[-1]
