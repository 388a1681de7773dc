"""`caloforge train` and `caloforge generate` end to end on tiny data, and their one-line errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from modelkit import tiny_config_file
from typer.testing import CliRunner

from caloforge.cli.app import app
from caloforge.io import ShowerFile, Showers, read_showers, write_showers

pytestmark = pytest.mark.slow  # training runs through the CLI

runner = CliRunner()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory, tiny_file: Path) -> Path:
    tmp = tmp_path_factory.mktemp("cli")
    config = tiny_config_file(tmp, "diffusion")
    result = runner.invoke(app, ["train", "--data", str(tiny_file), "--out", str(tmp / "run"), "--config", str(config),
                                 "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "trained 40 steps" in result.output
    return tmp / "run"


def test_generate_like(run_dir: Path, tiny_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "gen.h5"
    result = runner.invoke(app, ["generate", "--run", str(run_dir), "--like", str(tiny_file), "--n", "50",
                                 "--out", str(out), "--batch-size", "16", "--seed", "5"])
    assert result.exit_code == 0, result.output
    gen, ref = read_showers(out), read_showers(tiny_file, n=50)
    np.testing.assert_array_equal(gen.energies, ref.energies)
    assert gen.showers.shape == (50, 1296) and (gen.showers >= 0).all()
    with ShowerFile(out) as f:
        assert f.attrs["generator"] == "diffusion" and f.attrs["geometry"] == "ams-ecal"
        assert f.attrs["seed"] == 5 and f.attrs["particle"] == "electron"


def test_generate_energy_range_is_reproducible(run_dir: Path, tmp_path: Path) -> None:
    args = ["generate", "--run", str(run_dir), "--n", "20", "--energy", "1GeV:100GeV", "--steps", "3",
            "--sampler", "ddpm"]
    for name in ("a.h5", "b.h5"):
        assert runner.invoke(app, [*args, "--out", str(tmp_path / name)]).exit_code == 0
    a, b = read_showers(tmp_path / "a.h5"), read_showers(tmp_path / "b.h5")
    np.testing.assert_array_equal(a.showers, b.showers)
    assert 1e3 <= a.energies.min() and a.energies.max() <= 1e5


def test_generate_warns_outside_training_range(run_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "--run", str(run_dir), "--n", "2", "--energy", "1TeV",
                                 "--out", str(tmp_path / "x.h5")])
    assert result.exit_code == 0 and "outside the training range" in result.output


def test_train_refuses_to_overwrite_and_resume_needs_a_run(run_dir: Path, tiny_file: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["train", "--data", str(tiny_file), "--out", str(run_dir)])
    assert result.exit_code == 2 and "--resume" in result.output
    result = runner.invoke(app, ["train", "--data", str(tiny_file), "--out", str(tmp_path / "new"), "--resume"])
    assert result.exit_code == 2 and "nothing to resume" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["generate", "--run", "NOPE", "--n", "2", "--energy", "1GeV", "--out", "x.h5"], "no trained model"),
        (["generate", "--run", "RUN", "--n", "2", "--out", "x.h5"], "exactly one of --energy"),
        (["generate", "--run", "RUN", "--energy", "1GeV", "--out", "x.h5"], "--n"),
        (["generate", "--run", "RUN", "--n", "2", "--energy", "1 parsec", "--out", "x.h5"], "unknown energy unit"),
        (["generate", "--run", "RUN", "--n", "2", "--energy", "1GeV", "--sampler", "magic", "--out", "x.h5"],
         "unknown sampler"),
        (["generate", "--model", "RUN", "--n", "2", "--energy", "1GeV", "--out", "x.h5"], "names a model family"),
        (["generate", "--run", "RUN", "--n", "2", "--energy", "10", "--out", "x.h5"], "needs a unit"),
        (["generate", "--run", "RUN", "--n", "2", "--energy", "1GeV", "--out", "DATA"], "use --force"),
        (["export", "--model", "RUN", "--onnx", "x.onnx"], "names a model family"),
        (["bench", "--models", "RUN"], "now --runs"),
        (["train", "--data", "missing.h5", "--out", "r"], "no such file"),
        (["train", "--data", "DATA", "--out", "r", "--model", "transformer"], "unknown model"),
    ],
)
def test_bad_input_gives_one_line(args: list[str], message: str, run_dir: Path, tiny_file: Path,
                                  tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = [{"RUN": str(run_dir), "DATA": str(tiny_file)}.get(a, a) for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_bad_config_key(tiny_file: Path, tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("model: diffusion\nmodel_args: {widht: 3}\n")
    result = runner.invoke(app, ["train", "--data", str(tiny_file), "--out", str(tmp_path / "r"), "--config",
                                 str(config)])
    assert result.exit_code == 2 and "widht" in result.output


def test_ctrl_c_saves_a_checkpoint_and_resume_finishes(tiny_file: Path, tmp_path: Path) -> None:
    """A real SIGINT: the step in flight finishes, checkpoint.pt is written, exit code 130."""
    config = tiny_config_file(tmp_path, "diffusion", max_steps=100000, patience=0, log_every=1)
    run = tmp_path / "run"
    cmd = [sys.executable, "-m", "caloforge", "train", "--data", str(tiny_file), "--out", str(run), "--config",
           str(config)]
    env = {**os.environ, "CALOFORGE_NO_PROGRESS": "1", "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while not (run / "stats.jsonl").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130, output
    assert "--resume" in output and (run / "checkpoint.pt").exists()
    result = runner.invoke(app, ["train", "--data", str(tiny_file), "--out", str(run), "--resume",
                                 "--max-steps", "60"])
    assert result.exit_code == 0, result.output
    assert (run / "model.pt").exists()


def test_several_particles_need_a_particle(tiny_showers: Showers, tmp_path: Path) -> None:
    photons = Showers(tiny_showers.energies, tiny_showers.showers * 0.9, {"geometry": "ams-ecal", "particle": "photon"})
    write_showers(tmp_path / "e.h5", tiny_showers)
    write_showers(tmp_path / "g.h5", photons)
    config = tiny_config_file(tmp_path, "diffusion", max_steps=5)
    run = tmp_path / "run"
    result = runner.invoke(app, ["train", "--data", str(tmp_path / "e.h5"), "--data", str(tmp_path / "g.h5"),
                                 "--out", str(run), "--config", str(config)])
    assert result.exit_code == 0, result.output
    args = ["generate", "--run", str(run), "--n", "3", "--energy", "10GeV", "--out", str(tmp_path / "o.h5")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "particle" in result.output
    assert runner.invoke(app, [*args, "--particle", "photon"]).exit_code == 0
    assert read_showers(tmp_path / "o.h5").particle == "photon"


def test_info_describes_a_run_folder(run_dir: Path) -> None:
    """`caloforge info RUN`: family, steps, the validation loss with its unit, files and sizes."""
    result = runner.invoke(app, ["info", str(run_dir)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    for expected in ("diffusion", "ams-ecal", "40", "mean squared error", "model.pt", "checkpoint.pt", "MiB",
                     "ONNX exports"):
        assert expected in text, expected


def test_model_only_keeps_just_the_model(tiny_file: Path, tmp_path: Path) -> None:
    config = tiny_config_file(tmp_path, "vae", max_steps=10)
    result = runner.invoke(app, ["train", "--data", str(tiny_file), "--out", str(tmp_path / "run"), "--config",
                                 str(config), "--model-only"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "run").iterdir()} == {"config.yaml", "stats.jsonl", "model.pt"}
    assert "stats_units" in (tmp_path / "run" / "config.yaml").read_text()


def test_trained_range_is_the_range_the_data_was_drawn_from(tiny_showers: Showers, tmp_path: Path) -> None:
    """A file that says it was drawn from 1GeV:100GeV (as `caloforge simulate` writes) trains a
    model whose range is 1-100 GeV, not its sample's extremes: a held-out sample from the same
    range draws no out-of-range warning."""
    from caloforge.models import load_model

    data = tmp_path / "drawn.h5"
    write_showers(data, Showers(tiny_showers.energies, tiny_showers.showers,
                                {**tiny_showers.attrs, "energy": "1GeV:100GeV"}))
    config = tiny_config_file(tmp_path, "vae", max_steps=5)
    assert runner.invoke(app, ["train", "--data", str(data), "--out", str(tmp_path / "run"), "--config",
                               str(config)]).exit_code == 0
    spec = load_model(tmp_path / "run").spec
    assert (spec.energy_min, spec.energy_max) == (1e3, 1e5)
    result = runner.invoke(app, ["generate", "--run", str(tmp_path / "run"), "--n", "50", "--energy",
                                 "1GeV:100GeV", "--out", str(tmp_path / "g.h5")])
    assert result.exit_code == 0 and "outside" not in result.output
