"""`caloforge bench`: a complete bench.json for a tiny model against the Monte Carlo."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caloforge.cli.app import app

pytestmark = pytest.mark.slow  # times the Monte Carlo and models


def test_bench_writes_all_fields(run_dirs: dict[str, Path], tmp_path: Path) -> None:
    result = CliRunner().invoke(app, [
        "bench", "--geometry", "ams-ecal", "--runs", str(run_dirs["cgan"]), "--energies", "1GeV,5GeV",
        "--batch-sizes", "1,8", "--rounds", "2", "--out", str(tmp_path / "bench"), "--seed", "1",
    ])
    assert result.exit_code == 0, result.output
    bench = json.loads((tmp_path / "bench" / "bench.json").read_text())
    assert {"conditions", "contenders", "measurements", "speedups", "skipped", "peak_rss_mb"} <= set(bench)
    assert bench["conditions"]["threads"] == 1 and bench["conditions"]["warmup_excluded"]
    names = {c["name"] for c in bench["contenders"]}
    assert names == {"monte-carlo", "cgan [torch cpu]", "cgan [onnx fp32]", "cgan [onnx int8]"}
    # MC at 2 energies (one batch) + 3 model contenders x 2 energies x 2 batches
    assert len(bench["measurements"]) == 2 + 3 * 2 * 2
    for m in bench["measurements"]:
        t = m["ms_per_shower"]
        assert 0 < t["min"] <= t["median"] <= t["max"] and math.isfinite(t["max"])
    assert len(bench["speedups"]) == 3 * 2 * 2
    assert all(r["speedup"]["median"] > 0 for r in bench["speedups"])
    assert bench["peak_rss_mb"] > 0
    assert "| monte-carlo | 1 GeV |" in (tmp_path / "bench" / "bench.md").read_text()
    assert not list((tmp_path / "bench").glob(".bench-*"))  # scratch exports removed


def test_bench_bad_input(tmp_path: Path, run_dirs: dict[str, Path]) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["bench", "--runs", str(tmp_path), "--out", str(tmp_path / "b")])
    assert result.exit_code == 2 and "no model.pt" in result.output
    result = runner.invoke(app, ["bench", "--runs", str(run_dirs["vae"]), "--energies", "1GeV:10GeV",
                                 "--out", str(tmp_path / "b")])
    assert result.exit_code == 2 and "fixed energies" in result.output
    result = runner.invoke(app, ["bench", "--geometry", "ds2-like", "--runs", str(run_dirs["vae"]),
                                 "--out", str(tmp_path / "b")])
    assert result.exit_code == 2 and "trained on ams-ecal" in result.output


def test_larger_batches_skipped_when_a_call_is_too_slow() -> None:
    """'Whatever fits': a batch expected to exceed the call-time cap is skipped, and listed."""
    import time

    from caloforge.bench.timing import Contender, interleaved

    def slow_above_4(energy: float, batch: int) -> int:
        time.sleep(0.05 if batch > 4 else 0.0)
        return batch

    contender = Contender("toy", "model", slow_above_4, batch_sizes=(1, 4, 16, 64))
    measured, skipped = interleaved([contender], [1e4], rounds=2, max_call_s=0.02)
    # 16 is measured (nothing said it was slow); at its rate a call of 64 would take 0.2 s
    assert sorted(m.batch for m in measured) == [1, 4, 16]
    assert [s["batch"] for s in skipped] == [64] and "0.02 s" in skipped[0]["reason"]
    assert all(len(m.ms_per_shower) == 2 for m in measured)
