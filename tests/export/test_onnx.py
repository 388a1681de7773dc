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

pytestmark = pytest.mark.slow  # trains models and exports them to ONNX

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
    result = runner.invoke(app, ["export", "--run", str(run_dirs["vae"]), "--onnx", str(tmp_path / "v.onnx")])
    assert result.exit_code == 0, result.output
    runtime = OnnxSampler(tmp_path / "v.onnx")
    assert runtime.metadata["model"] == "vae" and runtime.metadata["geometry"] == "ams-ecal"
    assert runtime.metadata["n_voxels"] == 1296
    inputs = {i.name: i.shape for i in runtime.session.get_inputs()}
    assert set(inputs) == {"noise", "incident_energy"}
    assert [o.name for o in runtime.session.get_outputs()] == ["showers"]
    result = runner.invoke(app, ["export", "--run", str(run_dirs["vae"]), "--onnx",
                                 str(tmp_path / "v8.onnx"), "--int8"])
    assert result.exit_code == 0 and OnnxSampler(tmp_path / "v8.onnx").metadata["precision"] == "int8"


def test_export_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--run", str(tmp_path), "--onnx", str(tmp_path / "x.onnx")])
    assert result.exit_code == 2 and "no model.pt" in result.output
    (tmp_path / "junk.onnx").write_text("junk")
    with pytest.raises(Exception, match="not a loadable ONNX model"):
        OnnxSampler(tmp_path / "junk.onnx")


def test_generate_onnx_int8_passes_evaluate(run_dirs: dict[str, Path], like_file: Path, tmp_path: Path) -> None:
    """export --int8 -> generate --onnx --like -> evaluate --quick reports finite AUCs."""
    import json

    onnx_path = tmp_path / "c8.onnx"
    assert runner.invoke(app, ["export", "--run", str(run_dirs["cgan"]), "--onnx", str(onnx_path),
                               "--int8"]).exit_code == 0
    gen = tmp_path / "gen.h5"
    args = ["generate", "--onnx", str(onnx_path), "--like", str(like_file), "--batch-size", "64", "--seed", "4"]
    result = runner.invoke(app, [*args, "--out", str(gen)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, [*args, "--out", str(tmp_path / "again.h5")])
    assert again.exit_code == 0
    from caloforge.io import read_showers

    first, second, ref = read_showers(gen), read_showers(tmp_path / "again.h5"), read_showers(like_file)
    assert first.showers.shape == ref.showers.shape and (first.showers >= 0).all()
    np.testing.assert_array_equal(first.showers, second.showers)  # same seed, same showers
    np.testing.assert_array_equal(first.energies, ref.energies)
    assert first.attrs["generator"] == "cgan-onnx-int8" and first.attrs["geometry"] == "ams-ecal"
    result = runner.invoke(app, ["evaluate", "--reference", str(like_file), "--generated", str(gen),
                                 "--out", str(tmp_path / "report"), "--quick", "--seed", "1"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "report" / "metrics.json").read_text())
    text = json.dumps(metrics)
    assert "auc" in text.lower()


def test_generate_needs_model_or_onnx(like_file: Path, run_dirs: dict[str, Path], tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "--like", str(like_file), "--out", str(tmp_path / "g.h5")])
    assert result.exit_code == 2 and "exactly one of --run" in result.output
    result = runner.invoke(app, ["generate", "--onnx", str(tmp_path / "none.onnx"), "--like", str(like_file),
                                 "--out", str(tmp_path / "g.h5")])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert not (tmp_path / "g.h5").exists()


def test_int8_keeps_small_and_selection_matmuls_in_fp32(tmp_path: Path) -> None:
    """Only large learned weights are quantised: a 0/1 layer-sum matrix and a small layer stay
    FP32, so sums over a layer come out as exact as in FP32 while the big layer is INT8."""
    import onnx
    import onnxruntime as ort

    from caloforge.export.onnx import export_onnx, quantize_int8

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            torch.manual_seed(0)
            self.big, self.small = torch.nn.Linear(256, 256), torch.nn.Linear(8, 8)
            self.register_buffer("member", torch.repeat_interleave(torch.eye(8), 32, dim=0))  # (256, 8) 0/1
            self.register_buffer("spread", torch.repeat_interleave(torch.eye(128), 2, dim=1))  # (128, 256) 0/1

        def forward(self, noise: torch.Tensor, energy: torch.Tensor) -> torch.Tensor:
            hidden = torch.relu(self.big(noise))
            layer = self.small(hidden @ self.member)
            return torch.cat([energy.reshape(-1, 1) * torch.sigmoid(layer), noise[:, :128] @ self.spread], dim=1)

    fp32, int8 = tmp_path / "net.onnx", tmp_path / "net8.onnx"
    export_onnx(Net(), (256,), fp32)
    quantize_int8(fp32, int8)
    ops = [node.op_type for node in onnx.load(str(int8)).graph.node]
    assert ops.count("MatMulInteger") == 1  # the 256 x 256 layer only
    noise = np.random.default_rng(0).standard_normal((64, 256)).astype(np.float32)
    energy = np.full((64, 1), 1e4, np.float32)
    out = [ort.InferenceSession(str(p)).run(None, {"noise": noise, "incident_energy": energy})[0] for p in (fp32, int8)]
    np.testing.assert_allclose(out[1][:, 8:], out[0][:, 8:], rtol=1e-6, atol=1e-6)  # the 0/1 spread: exact
    assert np.abs(out[1][:, :8] - out[0][:, :8]).max() > 0  # the big layer was quantised


@pytest.mark.parametrize(("extra", "args"), [
    ({}, {}),
    ({"quantile_condition": "layer", "decorrelate": True}, {}),
    ({"decorrelate": True}, {"shower_transforms": 0}),
])
def test_onnx_reproduces_energy_binned_quantile_flow(tmp_path: Path, extra: dict, args: dict) -> None:
    """The quantile maps binned in E_inc or in E_layer (bin lookup by comparisons, gathers, erf)
    and the whitening (a triangular matmul) export too, with or without coupling layers."""
    from modelkit import TINY_MODEL_ARGS, synthetic_showers

    from caloforge.geometry import get_geometry
    from caloforge.models import DataSpec, build_model, make_config

    showers = synthetic_showers(300, seed=1)
    spec = DataSpec.from_data(get_geometry("ams-ecal"), showers.energies, showers.showers, ())
    preprocessing = {"marginal": "quantile", "quantile_energy_bins": 4, "quantile_knots": 64, **extra}
    model = build_model("flow", make_config("flow", {**TINY_MODEL_ARGS["flow"], **args,
                                                     "preprocessing": preprocessing}), spec)
    model.fit_preprocessing(showers.energies, showers.showers)
    sampler = model.export_sampler()
    export_onnx(sampler, tuple(sampler.noise_shape(1)[1:]), tmp_path / "m.onnx")
    runtime = OnnxSampler(tmp_path / "m.onnx", threads=1)
    noise = runtime.noise(len(ENERGIES), np.random.default_rng(0))
    with torch.no_grad():
        torch_out = sampler(torch.from_numpy(noise), torch.from_numpy(ENERGIES)).numpy()
    onnx_out = runtime(noise, ENERGIES)
    assert np.abs(onnx_out - torch_out).max() / np.abs(torch_out).max() < 1e-4
    quantize_int8(tmp_path / "m.onnx", tmp_path / "m8.onnx")  # the whitening stays FP32: same layer sums
    int8_out = OnnxSampler(tmp_path / "m8.onnx", threads=1)(noise, ENERGIES)
    layer_sums = [out.reshape(len(ENERGIES), 18, 72).sum(-1) for out in (onnx_out, int8_out)]
    # INT8 weights of an untrained flow: layer sums agree to ~2 % typically, the worst of 126 to ~5-6 %
    np.testing.assert_allclose(layer_sums[1], layer_sums[0], rtol=0.08, atol=1.0)
    assert np.median(np.abs(layer_sums[1] / np.maximum(layer_sums[0], 1.0) - 1.0)) < 0.03


def test_same_seed_same_showers_from_torch_and_onnx(run_dirs: dict[str, Path], like_file: Path,
                                                   tmp_path: Path) -> None:
    """`generate --run` and `generate --onnx` (FP32) with one --seed draw the same noise: the same
    showers, up to floating-point rounding; another seed gives other showers."""
    from caloforge.io import read_showers

    onnx_path = tmp_path / "flow.onnx"
    assert runner.invoke(app, ["export", "--run", str(run_dirs["flow"]), "--onnx", str(onnx_path)]).exit_code == 0
    common = ["--like", str(like_file), "--n", "40", "--batch-size", "16"]
    runs = (("torch", ["--run", str(run_dirs["flow"])], "3"), ("onnx", ["--onnx", str(onnx_path)], "3"),
            ("other", ["--onnx", str(onnx_path)], "4"))
    for name, source, seed in runs:
        out = str(tmp_path / f"{name}.h5")
        result = runner.invoke(app, ["generate", *source, *common, "--seed", seed, "--out", out])
        assert result.exit_code == 0, result.output
    torch_s, onnx_s, other = (read_showers(tmp_path / f"{n}.h5").showers for n in ("torch", "onnx", "other"))
    scale = float(np.abs(torch_s).max())
    assert np.abs(onnx_s - torch_s).max() / scale < 1e-4
    assert np.abs(other - torch_s).max() / scale > 1e-2
