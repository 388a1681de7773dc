"""`caloforge evaluate` end to end: files written, report self-contained, one-line errors."""

from __future__ import annotations

import base64
import json
import math
import re
from pathlib import Path

import pytest
from showerkit import make_showers
from typer.testing import CliRunner

from caloforge.cli.app import app
from caloforge.io import write_showers

runner = CliRunner()


@pytest.fixture(scope="module")
def files(tmp_path_factory, ds1, ams):
    d = tmp_path_factory.mktemp("eval")
    write_showers(d / "ref.h5", make_showers(ds1, 400, seed=11))
    write_showers(d / "gen.h5", make_showers(ds1, 300, seed=12))
    write_showers(d / "ams.h5", make_showers(ams, 300, seed=13))
    write_showers(d / "far.h5", make_showers(ds1, 300, seed=14, e_range=(2e5, 4e5)))
    return d


def _finite_or_null(value) -> bool:
    if isinstance(value, dict):
        return all(_finite_or_null(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite_or_null(v) for v in value)
    return not isinstance(value, float) or math.isfinite(value)


def test_evaluate_writes_metrics_report_and_plots(files):
    out = files / "report"
    result = runner.invoke(app, ["evaluate", "--reference", str(files / "ref.h5"), "--generated",
                                 str(files / "gen.h5"), "--out", str(out), "--seed", "3", "--quick"])
    assert result.exit_code == 0, result.output
    assert "auc_low" in result.output
    metrics = json.loads((out / "metrics.json").read_text())
    for key in ("auc_low", "auc_high", "jsd_low", "jsd_high", "fpd", "fpd_err", "kpd", "kpd_err",
                "separation_power", "w1", "ssim_ref", "ssim_gen", "support_ref", "support_gen",
                "multipeak_ref", "multipeak_gen", "conditions", "verdicts"):
        assert key in metrics
    assert _finite_or_null(metrics)
    cond = metrics["conditions"]
    assert cond["n_reference"] == 400 and cond["n_generated"] == 300 and cond["seed"] == 3
    assert cond["geometry"] == "ds1-photon-like" and cond["threshold_MeV"] == 1.0
    pngs = sorted((out / "plots").glob("*.png"))
    assert len(pngs) >= 10
    page = (out / "report.html").read_text()
    sources = re.findall(r'<img[^>]*src="([^"]+)"', page)
    assert len(sources) == len(pngs)
    for src in sources:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.index("Summary") < page.index("<img")  # the summary table comes first


def _error(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error:"), result.output
    return lines[0]


@pytest.mark.parametrize(("generated", "message"), [("ams.h5", "voxels"),
                                                    ("far.h5", "energy ranges differ"),
                                                    ("missing.h5", "no such file")])
def test_bad_inputs_give_one_line_errors(files, generated, message):
    result = runner.invoke(app, ["evaluate", "-r", str(files / "ref.h5"), "-g", str(files / generated),
                                 "-o", str(files / "bad")])
    assert message in _error(result)
    assert not (files / "bad" / "metrics.json").exists()


def test_same_seed_same_numbers(files, tmp_path: Path):
    args = ["evaluate", "-r", str(files / "ref.h5"), "-g", str(files / "gen.h5"), "--quick",
            "--max-showers", "200", "--seed", "5"]
    first = runner.invoke(app, [*args, "-o", str(tmp_path / "a")])
    second = runner.invoke(app, [*args, "-o", str(tmp_path / "b")])
    assert first.exit_code == second.exit_code == 0
    a = json.loads((tmp_path / "a" / "metrics.json").read_text())
    b = json.loads((tmp_path / "b" / "metrics.json").read_text())
    a["conditions"].pop("reference"), b["conditions"].pop("reference")
    assert a == b
    assert a["conditions"]["n_reference"] == 200
