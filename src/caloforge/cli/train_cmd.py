"""``caloforge train``: fit a generative model on shower files into a run directory."""

from __future__ import annotations

from pathlib import Path

import typer

from caloforge.cli.common import handle_errors, out


@handle_errors
def train(
    data: list[Path] = typer.Option(..., "--data", help="Training shower file(s) (CaloChallenge HDF5); "
                                    "repeat for several particles of one geometry."),
    out_dir: Path = typer.Option(..., "--out", "-o",
                                 help="Run directory (config.yaml, stats.jsonl, checkpoint, model)."),
    model: str = typer.Option(None, "--model", help="Model family: flow (default), diffusion, vae, cgan."),
    config: Path = typer.Option(None, "--config", help="YAML run config (model, model_args, training)."),
    resume: bool = typer.Option(False, "--resume", help="Continue the run in --out exactly where it stopped."),
    max_steps: int = typer.Option(None, "--max-steps", help="Train for this many optimiser steps in total."),
    max_minutes: float = typer.Option(None, "--max-minutes", help="Stop cleanly after this many minutes."),
    seed: int = typer.Option(None, "--seed", help="Random seed (default: the config's, 0)."),
    device: str = typer.Option(None, "--device", help="auto (CUDA when available), cpu, cuda, cuda:1 ..."),
    keep_checkpoint: bool = typer.Option(True, "--keep-checkpoint/--model-only", help="--model-only deletes "
                                         "checkpoint.pt at the end (the run folder shrinks to model.pt, config and "
                                         "stats; it can no longer be resumed)."),
) -> None:
    """Train a conditional shower generator; Ctrl-C saves a checkpoint (continue with --resume)."""
    from caloforge.stages.train import train_model

    result = train_model(list(data), out_dir, model, config, resume, keep_checkpoint=keep_checkpoint,
                         max_steps=max_steps, max_minutes=max_minutes, seed=seed, device=device)
    out.print(f"trained {result.steps} steps in {result.minutes:.1f} min (stopped by {result.reason}), "
              f"best validation loss {result.best_val_loss:.4g}; model in {out_dir / 'model.pt'}")
    if result.augmentation:
        out.print(result.augmentation)
    if result.exact_likelihood:
        out.print(f"exact validation log-likelihood: {-result.best_val_loss:.4g} nats per feature")
