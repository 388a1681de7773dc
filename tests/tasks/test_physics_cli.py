"""`caloforge physics ep-separation` from the command line: outputs, and one-line refusals."""

from __future__ import annotations

import json
from pathlib import Path

from stripkit import synthetic_showers
from typer.testing import CliRunner

from caloforge.cli.app import app
from caloforge.io import write_showers

runner = CliRunner()


def _files(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for name, (n, seed, peak, width, particle) in {"e": (500, 1, 4.0, 1.0, "electron"),
                                                   "p": (600, 2, 9.0, 3.0, "proton")}.items():
        paths[name] = tmp_path / f"{name}.h5"
        write_showers(paths[name], synthetic_showers(n, seed, peak, width, particle))
    return paths


def _one_line_error(result, text: str) -> None:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1 and text in lines[0], result.output


def test_ep_separation_writes_results_and_plots(tmp_path: Path) -> None:
    f = _files(tmp_path)
    out = tmp_path / "ep"
    result = runner.invoke(app, ["physics", "ep-separation", "--electrons", str(f["e"]), "--protons", str(f["p"]),
                                 "--out", str(out), "--bins", "5,100", "--shape-only", "--seed", "4"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "ep_separation.json").read_text())
    assert data["independent_test_sample"] is False and data["n_electrons"] == 250
    assert [r["efficiency"] for r in data["bins"][0]["rejections"]] == [0.9, 0.95]
    assert (out / "plots" / "roc.png").stat().st_size > 1000 and (out / "plots" / "bdt_scores.png").exists()
    again = runner.invoke(app, ["physics", "ep-separation", "--electrons", str(f["e"]), "--protons", str(f["p"]),
                                "--out", str(out), "--bins", "5,100", "--shape-only", "--seed", "4"])
    _one_line_error(again, "--force")


def test_ep_separation_refuses_bad_input(tmp_path: Path) -> None:
    f = _files(tmp_path)
    out = tmp_path / "ep"
    base = ["physics", "ep-separation", "--out", str(out), "--shape-only"]
    _one_line_error(runner.invoke(app, [*base, "--electrons", str(f["p"]), "--protons", str(f["p"])]),
                    "needs electron")
    _one_line_error(runner.invoke(app, [*base, "--electrons", str(f["e"]), "--protons", str(f["p"]),
                                        "--test-electrons", str(f["e"])]), "--test-protons")
    _one_line_error(runner.invoke(app, [*base, "--electrons", str(f["e"]), "--protons", str(f["p"]),
                                        "--bins", "10,5"]), "increasing")
    _one_line_error(runner.invoke(app, [*base, "--electrons", str(f["e"]), "--protons", str(f["p"]),
                                        "--efficiencies", "0.9,x"]), "numbers")
    _one_line_error(runner.invoke(app, [*base, "--electrons", str(f["e"]), "--protons", str(f["p"]),
                                        "--bins", "200,500"]), "no energy bin")
    assert not out.exists() or not any(out.rglob("*.json"))


def test_energy_regression_from_the_command_line(tmp_path: Path) -> None:
    write_showers(tmp_path / "train.h5", synthetic_showers(600, 1, 8.0, 1.5, "electron", e_gev=(8.0, 60.0),
                                                           rear_loss=0.5))
    tests = []
    for i, e in enumerate((10.0, 20.0, 50.0)):
        tests += ["--test", str(tmp_path / f"t{i}.h5")]
        write_showers(tmp_path / f"t{i}.h5", synthetic_showers(60, 10 + i, 8.0, 1.5, "electron", e_gev=(e, e),
                                                               rear_loss=0.5))
    out = tmp_path / "reg"
    base = ["physics", "energy-regression", "--train", str(tmp_path / "train.h5"), "--out", str(out), "--shape-only"]
    result = runner.invoke(app, [*base, *tests])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "energy_regression.json").read_text())
    assert data["energies_gev"] == [10.0, 20.0, 50.0] and data["corrected"]["fit"] is not None
    assert (out / "plots" / "resolution.png").stat().st_size > 1000
    _one_line_error(runner.invoke(app, [*base, "--test", str(tmp_path / "t0.h5"), "--force"]), "energies")


def test_anomaly_from_the_command_line(tmp_path: Path) -> None:
    f = _files(tmp_path)
    write_showers(tmp_path / "held_out.h5", synthetic_showers(200, 9, 4.0, 1.0, "electron"))
    out = tmp_path / "anomaly"
    base = ["physics", "anomaly", "--train", str(f["e"]), "--out", str(out), "--epochs", "5"]
    result = runner.invoke(app, [*base, "--test", str(tmp_path / "held_out.h5"), "--protons", str(f["p"])])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "anomaly.json").read_text())
    assert set(data["flagging"]) == {"proton", "dead_cell", "hot_cell", "noisy_layer"}
    assert (out / "plots" / "anomaly_scores.png").exists()
    _one_line_error(runner.invoke(app, [*base, "--test", str(f["p"]), "--force"]), "needs electron")


def test_same_seed_same_numbers(tmp_path: Path) -> None:
    """The e/p figures and the anomaly scores repeat exactly with the same seed."""
    f = _files(tmp_path)
    outputs = []
    for k in range(2):
        ep, an = tmp_path / f"ep{k}", tmp_path / f"an{k}"
        assert runner.invoke(app, ["physics", "ep-separation", "--electrons", str(f["e"]), "--protons", str(f["p"]),
                                   "--out", str(ep), "--bins", "5,100", "--shape-only", "--seed", "7"]).exit_code == 0
        assert runner.invoke(app, ["physics", "anomaly", "--train", str(f["e"]), "--test", str(f["e"]), "--out",
                                   str(an), "--epochs", "3", "--seed", "7"]).exit_code == 0
        e, a = json.loads((ep / "ep_separation.json").read_text()), json.loads((an / "anomaly.json").read_text())
        outputs.append((e["scores"], e["bins"][0]["rejections"], a["scores"]))
    assert outputs[0] == outputs[1]
