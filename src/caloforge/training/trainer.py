"""One training loop for every model family.

The loop knows nothing about objectives: each step calls ``model.train_step`` (one optimiser, or
two for GANs). Around it: seeded data order (a function of the step, so resume needs no loader
state), warm-up + cosine learning rate, EMA weights, validation on the EMA weights with early
stopping, JSON-lines statistics, atomic checkpoints every N steps and on Ctrl-C, and a wall-clock
budget. Resuming from a checkpoint reproduces an uninterrupted run bit for bit (same device).
"""

from __future__ import annotations

import json
import math
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from caloforge.models.base import ShowerModel
from caloforge.progress import make_progress
from caloforge.training.batches import ShowerBatches
from caloforge.training.checkpoint import load_checkpoint, rng_state, save_checkpoint, seed_everything, set_rng_state
from caloforge.training.config import TrainConfig
from caloforge.training.ema import EMAModel


@dataclass
class TrainResult:
    """How a run ended: ``reason`` is "max_steps", "early_stopping" or "time_budget"."""

    steps: int
    reason: str
    best_val_loss: float
    minutes: float
    exact_likelihood: bool = False  # best_val_loss is then -log p per feature (flows)
    symmetries: int = 1  # size of the augmentation group (1: none)
    augmentation: str = ""  # why that group (see ``training.augment``)


def lr_factor(step: int, config: TrainConfig) -> float:
    """Linear warm-up, then constant or cosine decay to 0 at ``max_steps``.

    Used through torch's ``LambdaLR``. Why not ``SequentialLR(LinearLR, CosineAnnealingLR)``:
    those compute the same schedule recursively, step from step; it agrees to 1.5e-13 (relative,
    warm-up 200 of 7500 steps) but not bit for bit, and this closed form is exact at any step,
    which is what an exact resume and the reproducibility of earlier runs rest on.
    """
    if step < config.warmup_steps:
        return (step + 1) / config.warmup_steps
    if config.lr_schedule == "constant":
        return 1.0
    progress = min(1.0, (step - config.warmup_steps) / max(1, config.max_steps - config.warmup_steps))
    return 0.5 * (1 + math.cos(math.pi * progress))


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


class Trainer:
    """Trains ``model`` on preprocessed tensors (x, c); ``run_dir`` gets checkpoint.pt and stats.jsonl."""

    def __init__(self, model: ShowerModel, config: TrainConfig, train: ShowerBatches,
                 val: tuple[Tensor, Tensor], run_dir: Path | None = None,
                 on_step: Callable[[int], None] | None = None) -> None:
        self.device = resolve_device(config.device)
        self.model, self.config, self.run_dir, self.on_step = model.to(self.device), config, run_dir, on_step
        self.train_data = train
        self.x_val, self.c_val = (t.to(self.device) for t in val)
        seed_everything(config.seed)
        self.optimizers = model.configure_optimizers(config)
        self.schedulers = [torch.optim.lr_scheduler.LambdaLR(o, lambda s: lr_factor(s, self.config))
                           for o in self.optimizers]
        self.ema = EMAModel(model, config.ema_decay)
        self.step, self.best, self.bad, self.best_state = 0, math.inf, 0, None
        self.sums: dict[str, float] = {}  # losses summed since the last stats line
        self.n_sums = 0
        self._interrupted = False

    # -- data order and validation ----------------------------------------------------------
    def batch_index(self, step: int) -> Tensor:
        """Showers of ``step``: a seeded permutation per epoch, so it depends on the step only."""
        n = len(self.train_data)
        size = min(self.config.batch_size, n)
        per_epoch = n // size
        epoch, pos = divmod(step, per_epoch)
        gen = torch.Generator().manual_seed(self.config.seed * 1_000_003 + epoch)
        return torch.randperm(n, generator=gen)[pos * size:(pos + 1) * size].to(self.device)

    def validate(self) -> float:
        """Validation loss of the EMA weights, with fixed noise; global RNG untouched."""
        state = rng_state()
        averaged = self.ema.module.eval()
        try:
            return averaged.validation_loss(self.x_val, self.c_val, torch.Generator().manual_seed(12345))
        finally:
            set_rng_state(state)

    # -- state ------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        return {
            "step": self.step, "model": self.model.state_dict(), "ema": self.ema.module.state_dict(),
            "optimizers": [o.state_dict() for o in self.optimizers],
            "schedulers": [s.state_dict() for s in self.schedulers],
            "early_stopping": {"best": self.best, "bad": self.bad, "best_state": self.best_state},
            "rng": rng_state(), "loss_sums": {"sums": self.sums, "n": self.n_sums},
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.step = int(state["step"])
        self.model.load_state_dict(state["model"])
        self.ema.module.load_state_dict(state["ema"])
        self.ema.set_step(self.step)
        for opt, s in zip(self.optimizers, state["optimizers"], strict=True):
            opt.load_state_dict(s)
        for sched, s in zip(self.schedulers, state["schedulers"], strict=True):
            sched.load_state_dict(s)
        stop = state["early_stopping"]
        self.best, self.bad, self.best_state = stop["best"], stop["bad"], stop["best_state"]
        self.sums, self.n_sums = dict(state["loss_sums"]["sums"]), int(state["loss_sums"]["n"])
        set_rng_state(state["rng"])

    def save(self, extra: dict[str, Any] | None = None) -> None:
        if self.run_dir is not None:
            save_checkpoint(self.run_dir / "checkpoint.pt", {**self.state_dict(), **(extra or {})})

    def resume(self, path: Path) -> None:
        self.load_state_dict(load_checkpoint(path))
        self._truncate_stats()

    def final_weights(self) -> dict[str, Tensor]:
        """EMA weights at the best validation loss (``keep="best"``), else the last EMA weights."""
        if self.config.keep == "best" and self.best_state is not None:
            return self.best_state
        return self.ema.module.state_dict()

    # -- logging ----------------------------------------------------------------------------
    def _log(self, record: dict[str, Any]) -> None:
        if self.run_dir is not None:
            with open(self.run_dir / "stats.jsonl", "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")

    def _truncate_stats(self) -> None:
        """Drop statistics written after the checkpoint we resume from."""
        path = None if self.run_dir is None else self.run_dir / "stats.jsonl"
        if path is None or not path.is_file():
            return
        lines = [ln for ln in path.read_text().splitlines() if ln and json.loads(ln)["step"] <= self.step]
        path.write_text("".join(ln + "\n" for ln in lines))

    # -- the loop ---------------------------------------------------------------------------
    def _check_validation(self) -> bool:
        """Validate, update early-stopping state; True when patience is exhausted."""
        val = self.validate()
        if val < self.best:
            self.best, self.bad = val, 0
            self.best_state = {k: v.detach().clone() for k, v in self.ema.module.state_dict().items()}
        else:
            self.bad += 1
        self._last_val = val
        return self.config.patience > 0 and self.bad >= self.config.patience

    def _train_one(self) -> None:
        self.model.train()
        index = self.batch_index(self.step)
        x, c = self.train_data.batch(index, self.step)
        losses = self.model.train_step(x, c, self.step, self.optimizers,
                                       self.config.grad_clip)
        for sched in self.schedulers:
            sched.step()
        self.ema.update(self.model, self.step)
        self.step += 1
        for key, value in losses.items():
            self.sums[key] = self.sums.get(key, 0.0) + value
        self.n_sums += 1

    def _sigint(self, *_: Any) -> None:
        if self._interrupted:
            raise KeyboardInterrupt
        self._interrupted = True

    def fit(self) -> TrainResult:
        """Train until max_steps, early stopping or the time budget; Ctrl-C saves and re-raises."""
        cfg, start = self.config, time.monotonic()
        reason, self._last_val = "max_steps", math.nan
        previous = signal.signal(signal.SIGINT, self._sigint) if _main_thread() else None
        try:
            with make_progress("step") as bar:
                task = bar.add_task("training", total=cfg.max_steps, completed=self.step, status="")
                while self.step < cfg.max_steps:
                    self._train_one()
                    stop = self.step % cfg.val_every == 0 and self._check_validation()
                    if self.step % cfg.log_every == 0 or self.step % cfg.val_every == 0:
                        self._write_stats(start)
                        bar.update(task, status=self._status())
                        self.sums, self.n_sums = {}, 0
                    bar.update(task, advance=1)
                    if self.step % cfg.checkpoint_every == 0:
                        self.save()
                    if self.on_step is not None:
                        self.on_step(self.step)
                    if self._interrupted:
                        raise KeyboardInterrupt
                    if stop:
                        reason = "early_stopping"
                        break
                    if cfg.max_minutes > 0 and time.monotonic() - start > 60 * cfg.max_minutes:
                        reason = "time_budget"
                        break
        except KeyboardInterrupt:
            self.save()
            raise
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        self.save()  # before the extra validation below, so that a resume continues the same run
        if self.step % cfg.val_every != 0:  # the final weights are always validated
            self._check_validation()
        return TrainResult(self.step, reason, self.best, (time.monotonic() - start) / 60,
                           self.model.exact_likelihood)

    def _write_stats(self, start: float) -> None:
        n = max(self.n_sums, 1)
        record: dict[str, Any] = {"step": self.step, **{k: v / n for k, v in self.sums.items()}}
        if self.step % self.config.val_every == 0:
            record["val_loss"] = self._last_val
            if self.model.exact_likelihood:  # the loss is -log p per feature: report log p itself
                record["val_log_likelihood"] = -self._last_val
        record["lr"] = self.schedulers[0].get_last_lr()[0]
        record["time"] = round(time.monotonic() - start, 3)
        self._log(record)

    def _status(self) -> str:
        text = " ".join(f"{k} {v / max(self.n_sums, 1):.4f}" for k, v in self.sums.items())
        return f"{text} val {self.best:.4f}" if math.isfinite(self.best) else text


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
