"""`caloforge demo --quick` end to end: every artefact exists, metrics are finite, re-run is instant."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caloforge.cli.app import app

ARTEFACTS = ("data/train.h5", "data/test.h5", "data/protons_train.h5", "data/protons_test.h5", "runs/flow/model.pt",
             "runs/flow/config.yaml", "generated.h5", "bench/bench.json", "bench/bench.md", "physics/physics.json",
             "physics/plots/in_the_loop_roc.png", "report/metrics.json", "report/report.html")


@pytest.mark.slow  # the whole demo, shrunk
def test_quick_demo(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--quick", "--out", str(out), "--seed", "3"])
    assert result.exit_code == 0, result.output
    for name in ARTEFACTS:
        assert (out / name).is_file(), name
    metrics = json.loads((out / "report" / "metrics.json").read_text())
    for key in ("auc_low", "auc_high", "fpd", "kpd"):
        assert isinstance(metrics[key], float) and math.isfinite(metrics[key]), key
    assert 0.0 <= metrics["auc_low"] <= 1.0
    bench = json.loads((out / "bench" / "bench.json").read_text())
    assert bench["speedups"] and all(math.isfinite(r["speedup"]["median"]) for r in bench["speedups"])
    html = (out / "report" / "report.html").read_text()
    assert "Event display" in html and "Speed: model vs Monte Carlo" in html and "Detector geometry" in html
    assert "report.html" in result.output and "AUC" in result.output
    # the generator in the loop: one model of both particles, the tasks measured three ways
    assert "Physics in the loop" in html and "physics in the loop" in result.output
    config = (out / "runs" / "flow" / "config.yaml").read_text()
    assert "proton" in config and "electron" in config
    loop = metrics["physics_in_the_loop"]
    for arm in ("mc_mc", "mc_gen", "gen_mc"):
        (rejection,) = loop["ep_rejection"][arm]["0.5-50"]
        assert rejection["efficiency"] == 0.9 and rejection["rejection_low"] >= 1.0, arm
    assert set(loop["corrected_resolution_fit"]) == {"mc_mc", "mc_gen", "gen_mc"}
    assert 0.0 <= loop["anomaly"]["auc"] <= 1.0

    start = time.perf_counter()
    again = runner.invoke(app, ["demo", "--quick", "--out", str(out), "--seed", "3"])
    assert again.exit_code == 0 and "0 stage(s) run" in again.output
    assert time.perf_counter() - start < 30  # nothing to redo: reads the markers and the metrics


def test_demo_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--quick", "--model", "transformer", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "unknown model" in result.output
