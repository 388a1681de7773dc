"""The training loop: exact resume, budgets, early stopping, run directory contents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from modelkit import tiny_config_file

from caloforge.models import list_models, load_model
from caloforge.training import TrainConfig, train_run
from caloforge.training.checkpoint import load_checkpoint
from caloforge.training.trainer import lr_factor

pytestmark = pytest.mark.slow  # training runs


def _interrupt_at(step: int):
    def hook(current: int) -> None:
        if current == step:
            raise KeyboardInterrupt

    return hook


def _weights(run: Path) -> dict[str, torch.Tensor]:
    return load_checkpoint(run / "checkpoint.pt")["model"]


@pytest.mark.parametrize("model", list_models())
def test_resume_matches_uninterrupted_run(model: str, tiny_file: Path, tmp_path: Path) -> None:
    config = tiny_config_file(tmp_path, model, max_steps=30, checkpoint_every=1000)
    straight, parts = tmp_path / "straight", tmp_path / "parts"
    train_run([tiny_file], straight, config=config)
    with pytest.raises(KeyboardInterrupt):
        train_run([tiny_file], parts, config=config, on_step=_interrupt_at(13))
    assert load_checkpoint(parts / "checkpoint.pt")["step"] == 13 and not (parts / "model.pt").exists()
    train_run([tiny_file], parts, resume=True)
    a, b = _weights(straight), _weights(parts)
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    lines = [json.loads(x) for x in (parts / "stats.jsonl").read_text().splitlines()]
    straight_lines = [json.loads(x) for x in (straight / "stats.jsonl").read_text().splitlines()]
    assert [x["step"] for x in lines] == [x["step"] for x in straight_lines]
    for resumed, straight_line in zip(lines, straight_lines, strict=True):  # every loss, not the clock
        assert resumed.keys() == straight_line.keys()
        for key in resumed.keys() - {"time", "step"}:
            assert resumed[key] == pytest.approx(straight_line[key], rel=1e-9, nan_ok=True), key
    validated = [x for x in lines if "val_loss" in x]
    if model == "flow":  # the flow's loss is its exact likelihood, reported as such
        assert all(x["val_log_likelihood"] == -x["val_loss"] for x in validated)
    else:
        assert validated and not any("val_log_likelihood" in x for x in validated)


def test_resume_after_a_time_budget_matches_uninterrupted_run(tiny_file: Path, tmp_path: Path) -> None:
    """A budget stop validates its last weights; the checkpoint must not carry that extra
    validation into the early-stopping state, or the resumed run would choose other weights."""
    # lr 0: the validation loss never improves, so every validation counts against patience
    config = tiny_config_file(tmp_path, "diffusion", max_steps=40, val_every=10, patience=3, lr=0.0,
                              warmup_steps=0)
    straight, parts = tmp_path / "straight", tmp_path / "parts"
    done = train_run([tiny_file], straight, config=config)
    first = train_run([tiny_file], parts, config=config, max_minutes=1e-6)  # stops after one step
    assert first.reason == "time_budget" and first.steps < 10
    again = train_run([tiny_file], parts, resume=True, max_minutes=0.0)
    assert (again.steps, again.reason) == (done.steps, done.reason)
    a = torch.load(straight / "model.pt", weights_only=False)["state_dict"]
    b = torch.load(parts / "model.pt", weights_only=False)["state_dict"]
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_run_directory_is_self_describing(tiny_file: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    train_run([tiny_file], run, config=tiny_config_file(tmp_path, "diffusion"))
    assert {p.name for p in run.iterdir()} >= {"config.yaml", "stats.jsonl", "checkpoint.pt", "model.pt"}
    record = torch.load(run / "model.pt", weights_only=False)
    assert record["model"] == "diffusion" and record["caloforge_version"] and "git" in record
    assert record["config"]["width"] == 64  # generation needs no hyper-parameters repeated
    state = load_checkpoint(run / "checkpoint.pt")
    assert {"optimizers", "schedulers", "ema", "rng", "early_stopping"} <= set(state)
    stats = [json.loads(x) for x in (run / "stats.jsonl").read_text().splitlines()]
    assert stats[-1]["step"] == 40 and "val_loss" in stats[-1] and "lr" in stats[-1]
    assert load_model(run).spec.geometry == "ams-ecal"


def test_time_budget_ends_cleanly(tiny_file: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    result = train_run([tiny_file], run, config=tiny_config_file(tmp_path, "diffusion", max_steps=10**6, patience=0),
                       max_minutes=0.02)
    assert result.reason == "time_budget" and 0 < result.steps < 10**6
    assert load_model(run).sample([1e4]).shape == (1, 1296)


def test_early_stopping(tiny_file: Path, tmp_path: Path) -> None:
    """With lr 0 the validation loss never improves: training stops after `patience` validations."""
    config = tiny_config_file(tmp_path, "diffusion", max_steps=1000, lr=0.0, patience=2, warmup_steps=0)
    result = train_run([tiny_file], tmp_path / "run", config=config)
    assert result.reason == "early_stopping" and result.steps == 30


def test_lr_schedule() -> None:
    cfg = TrainConfig(max_steps=100, warmup_steps=10)
    assert lr_factor(0, cfg) == pytest.approx(0.1) and lr_factor(10, cfg) == pytest.approx(1.0)
    assert lr_factor(100, cfg) == pytest.approx(0.0, abs=1e-12)


def test_dequantisation_noise_is_redrawn_each_step_and_reproducible(tiny_showers) -> None:  # noqa: ANN001
    """Fresh noise in empty voxels at every step (so a model cannot memorise it), the same noise
    for the same (seed, step) (so resume is exact), and showers that decode unchanged."""
    from caloforge.geometry import get_geometry
    from caloforge.models import DataSpec, build_model, make_config
    from caloforge.training.batches import ShowerBatches

    spec = DataSpec.from_data(get_geometry("ams-ecal"), tiny_showers.energies, tiny_showers.showers, ())
    model = build_model("flow", make_config("flow", {}), spec)
    model.fit_preprocessing(tiny_showers.energies, tiny_showers.showers)
    batches = ShowerBatches(model, tiny_showers.energies, tiny_showers.showers, None, seed=5)
    index = torch.arange(32)
    x0, c0 = batches.batch(index, step=0)
    x0_again, _ = batches.batch(index, step=0)
    x1, c1 = batches.batch(index, step=1)
    assert torch.equal(x0, x0_again) and torch.equal(c0, c1)
    raw = model.preprocessor.raw_features(torch.from_numpy(tiny_showers.energies[:32]),
                                          torch.from_numpy(tiny_showers.showers[:32]))
    empty = raw < model.preprocessor.logit(torch.tensor(model.config.preprocessing.dequantize))
    empty[:, : model.preprocessor.n_layers] = False
    assert empty.float().mean() > 0.3
    assert (x0[empty] != x1[empty]).float().mean() > 0.99
    e = torch.from_numpy(tiny_showers.energies[:32])
    truth = torch.from_numpy(tiny_showers.showers[:32])
    for x in (x0, x1):  # the noise carries no information: both decode to the same showers
        torch.testing.assert_close(model.preprocessor.inverse(e, x), truth, rtol=1e-3, atol=1e-5 * float(e.max()))


@pytest.mark.parametrize("keep", ["best", "last"])
def test_keep_chooses_best_or_last_ema_weights(keep: str, tiny_file: Path, tmp_path: Path) -> None:
    run = tmp_path / keep
    config = tiny_config_file(tmp_path, "flow", max_steps=40, val_every=10, patience=0, keep=keep)
    train_run([tiny_file], run, config=config)
    checkpoint = load_checkpoint(run / "checkpoint.pt")
    expected = checkpoint["ema"] if keep == "last" else checkpoint["early_stopping"]["best_state"]
    saved = torch.load(run / "model.pt", weights_only=False)["state_dict"]
    assert all(torch.equal(saved[k], expected[k]) for k in expected)
    best_step = min((json.loads(x) for x in (run / "stats.jsonl").read_text().splitlines() if "val_loss" in x),
                    key=lambda x: x["val_loss"])["step"]
    if keep == "best" and best_step != 40:
        assert not all(torch.equal(saved[k], checkpoint["ema"][k]) for k in expected)
