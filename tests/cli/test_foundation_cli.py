"""`caloforge geometry` and `caloforge info`: output, and one-line errors on bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
from typer.testing import CliRunner

from caloforge.cli.app import app
from caloforge.io import Showers, write_showers

runner = CliRunner()


def _good_file(path: Path, n_voxels: int = 1296) -> Path:
    rng = np.random.default_rng(1)
    showers = rng.exponential(1.0, (20, n_voxels)) * (rng.random((20, n_voxels)) < 0.3)
    write_showers(path, Showers(np.full(20, 1e4), showers, {"geometry": "ams-ecal"}))
    return path


def test_geometry_list_and_show() -> None:
    result = runner.invoke(app, ["geometry", "list"])
    assert result.exit_code == 0 and "ams-ecal" in result.output and "pbwo4-block" in result.output
    result = runner.invoke(app, ["geometry", "show", "ams-ecal"])
    assert result.exit_code == 0
    assert "1296" in result.output and "17.26" in result.output and "polystyrene" in result.output


def test_geometry_show_xml(tmp_path: Path) -> None:
    from caloforge.geometry import LayerBinning, Readout, write_binning_xml

    write_binning_xml(Readout(layers=(LayerBinning(id=0, r_edges=(0.0, 1.0, 2.0), n_alpha=3),)),
                      tmp_path / "b.xml")
    result = runner.invoke(app, ["geometry", "show", str(tmp_path / "b.xml")])
    assert result.exit_code == 0 and "readout only" in result.output


def test_info_prints_summary(tmp_path: Path) -> None:
    path = _good_file(tmp_path / "s.h5")
    result = runner.invoke(app, ["info", str(path), "--geometry", "ams-ecal"])
    assert result.exit_code == 0, result.output
    for word in ("showers", "20", "10 GeV", "sparsity", "ams-ecal"):
        assert word in result.output


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {"missing": tmp_path / "missing.h5"}
    files["not_hdf5"] = tmp_path / "text.h5"
    files["not_hdf5"].write_text("not hdf5")
    files["no_dataset"] = tmp_path / "nods.h5"
    with h5py.File(files["no_dataset"], "w") as f:
        f["showers"] = np.ones((2, 1296), dtype=np.float32)
    for name, value in (("nan", np.nan), ("inf", np.inf), ("negative", -1.0)):
        files[name] = tmp_path / f"{name}.h5"
        with h5py.File(files[name], "w") as f:
            f["incident_energies"] = np.ones((2, 1), dtype=np.float32)
            showers = np.ones((2, 1296), dtype=np.float32)
            showers[1, 7] = value
            f["showers"] = showers
    return files


@pytest.mark.parametrize("case", ["missing", "not_hdf5", "no_dataset", "nan", "inf", "negative"])
def test_info_bad_input(tmp_path: Path, case: str) -> None:
    path = _bad_files(tmp_path)[case]
    result = runner.invoke(app, ["info", str(path)])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error:") and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_info_wrong_geometry(tmp_path: Path) -> None:
    path = _good_file(tmp_path / "s.h5")
    result = runner.invoke(app, ["info", str(path), "--geometry", "ds1-photon-like"])
    assert result.exit_code == 2 and "368" in result.output
    result = runner.invoke(app, ["info", str(path), "--geometry", "nonsense"])
    assert result.exit_code == 2 and "unknown geometry" in result.output


def test_info_checks_the_geometry_the_file_records(tmp_path: Path) -> None:
    path = tmp_path / "claims.h5"
    write_showers(path, Showers(np.full(2, 1e3), np.ones((2, 368)), {"geometry": "ams-ecal"}))
    result = runner.invoke(app, ["info", str(path)])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1 and "1296" in lines[0], result.output


def test_real_process_gives_one_line_and_exit_code(tmp_path: Path) -> None:
    (tmp_path / "x.h5").write_text("junk")
    proc = subprocess.run([sys.executable, "-m", "caloforge.cli.app", "info", str(tmp_path / "x.h5")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "not an HDF5 file" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
