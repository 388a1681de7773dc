"""ONNX export: the exported sampler reproduces PyTorch; INT8 runs; CLI contract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from caloforge.cli.app import app
from caloforge.export.onnx import OnnxSampler, export_onnx, quantize_int8
from caloforge.models import list_models, load_model

runner = CliRunner()
ENERGIES = np.array([1e3, 3e3, 1e4, 3e4, 1e5, 5e4, 2e3], dtype=np.float32)


@pytest.mark.parametrize("name", list_models())
def test_onnx_reproduces_torch_sampler(name: str, run_dirs: dict[str, Path], tmp_path: Path) -> None:
    model = load_model(run_dirs[name])
    sampler = model.export_sampler()
    export_onnx(sampler, tuple(sampler.noise_shape(1)[1:]), tmp_path / "m.onnx")
    runtime = OnnxSampler(tmp_path / "m.onnx", threads=1)
    noise = runtime.noise(len(ENERGIES), np.random.default_rng(0))  # a batch size unseen at export
    onnx_out = runtime(noise, ENERGIES)
    with torch.no_grad():
        torch_out = sampler(torch.from_numpy(noise), torch.from_numpy(ENERGIES)).numpy()
    assert onnx_out.shape == (len(ENERGIES), model.spec.n_voxels)
    scale = np.abs(torch_out).max()
    assert scale > 0
    assert np.abs(onnx_out - torch_out).max() / scale < 1e-4
    quantize_int8(tmp_path / "m.onnx", tmp_path / "m8.onnx")
    int8 = OnnxSampler(tmp_path / "m8.onnx")
    int8_out = int8(noise, ENERGIES)
    assert int8.metadata["precision"] == "int8"
    assert int8_out.shape == onnx_out.shape and np.isfinite(int8_out).all() and (int8_out >= 0).all()


def test_export_cli_writes_contract(run_dirs: dict[str, Path], tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--model", str(run_dirs["vae"]), "--onnx", str(tmp_path / "v.onnx")])
    assert result.exit_code == 0, result.output
    runtime = OnnxSampler(tmp_path / "v.onnx")
    assert runtime.metadata["model"] == "vae" and runtime.metadata["geometry"] == "ams-ecal"
    assert runtime.metadata["n_voxels"] == 1296
    inputs = {i.name: i.shape for i in runtime.session.get_inputs()}
    assert set(inputs) == {"noise", "incident_energy"}
    assert [o.name for o in runtime.session.get_outputs()] == ["showers"]
    result = runner.invoke(app, ["export", "--model", str(run_dirs["vae"]), "--onnx",
                                 str(tmp_path / "v8.onnx"), "--int8"])
    assert result.exit_code == 0 and OnnxSampler(tmp_path / "v8.onnx").metadata["precision"] == "int8"


def test_export_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--model", str(tmp_path), "--onnx", str(tmp_path / "x.onnx")])
    assert result.exit_code == 2 and "no model.pt" in result.output
    (tmp_path / "junk.onnx").write_text("junk")
    with pytest.raises(Exception, match="not a loadable ONNX model"):
        OnnxSampler(tmp_path / "junk.onnx")
