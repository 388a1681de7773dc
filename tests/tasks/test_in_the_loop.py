"""Generator in the loop, end to end with a tiny two-particle model: the three arms run and the
command refuses a one-particle model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from stripkit import synthetic_showers
from typer.testing import CliRunner

from caloforge.cli.app import app
from caloforge.io import write_showers

runner = CliRunner()
TINY = {"model": "vae", "model_args": {"latent": 4, "width": 32, "depth": 1, "cond_width": 8},
        "training": {"batch_size": 64, "max_steps": 30, "val_every": 10, "log_every": 5, "checkpoint_every": 30,
                     "warmup_steps": 5, "lr": 3e-3}}


def _write(tmp_path: Path) -> dict[str, Path]:
    specs = {"e": (600, 1, 4.0, 1.0, "electron"), "p": (600, 2, 9.0, 3.0, "proton"),
             "te": (500, 3, 4.0, 1.0, "electron"), "tp": (600, 4, 9.0, 3.0, "proton")}
    paths = {}
    for name, (n, seed, peak, width, particle) in specs.items():
        paths[name] = tmp_path / f"{name}.h5"
        write_showers(paths[name], synthetic_showers(n, seed, peak, width, particle))
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(TINY))
    return paths


@pytest.mark.slow  # ~1 min: three e/p BDTs, two regressions and an autoencoder
def test_in_the_loop_runs_three_arms_and_refuses_one_particle_models(tmp_path: Path) -> None:
    f = _write(tmp_path)
    config = str(tmp_path / "tiny.yaml")
    assert runner.invoke(app, ["train", "--data", str(f["e"]), "--data", str(f["p"]), "--out", str(tmp_path / "ep"),
                               "--config", config]).exit_code == 0
    out = tmp_path / "loop"
    args = ["physics", "in-the-loop", "--electrons", str(f["e"]), "--protons", str(f["p"]), "--test-electrons",
            str(f["te"]), "--test-protons", str(f["tp"]), "--out", str(out), "--bins", "5,100"]
    result = runner.invoke(app, [*args, "--run", str(tmp_path / "ep")])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "physics.json").read_text())
    assert set(data["ep_separation"]["arms"]) == {"mc_mc", "mc_gen", "gen_mc"}
    assert set(data["energy_regression"]) == {"mc_mc", "mc_gen", "gen_mc"}
    assert 0.0 <= data["anomaly"]["auc"] <= 1.0
    assert {p.name for p in (out / "plots").iterdir()} >= {"in_the_loop_rejection.png", "in_the_loop_anomaly.png"}
    report = tmp_path / "report"
    assert runner.invoke(app, ["generate", "--run", str(tmp_path / "ep"), "--like", str(f["te"]), "--particle",
                               "electron", "--out", str(tmp_path / "gen.h5")]).exit_code == 0
    evaluated = runner.invoke(app, ["evaluate", "--reference", str(f["te"]), "--generated", str(tmp_path / "gen.h5"),
                                    "--out", str(report), "--physics", str(out), "--quick"])
    assert evaluated.exit_code == 0, evaluated.output
    metrics = json.loads((report / "metrics.json").read_text())
    assert set(metrics["physics_in_the_loop"]["ep_rejection"]) == {"mc_mc", "mc_gen", "gen_mc"}
    assert "Physics in the loop" in (report / "report.html").read_text()
    assert runner.invoke(app, ["train", "--data", str(f["e"]), "--out", str(tmp_path / "e_only"),
                               "--config", config]).exit_code == 0
    refused = runner.invoke(app, [*args, "--run", str(tmp_path / "e_only"), "--force"])
    lines = [line for line in refused.output.splitlines() if line.strip()]
    assert refused.exit_code == 2 and len(lines) == 1 and "not on proton" in lines[0], refused.output


def test_evaluate_refuses_a_file_that_is_not_a_physics_study(tmp_path: Path) -> None:
    f = _write(tmp_path)
    (tmp_path / "physics.json").write_text('{"speed": 1}')
    result = runner.invoke(app, ["evaluate", "--reference", str(f["te"]), "--generated", str(f["te"]), "--out",
                                 str(tmp_path / "r"), "--physics", str(tmp_path / "physics.json"), "--quick"])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1 and "not a physics.json" in lines[0], result.output
    assert not (tmp_path / "r" / "metrics.json").exists()
