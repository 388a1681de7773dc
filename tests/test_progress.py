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
