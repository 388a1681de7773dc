"""Settings of ``caloforge demo``: the default sizes and a ``--quick`` preset for smoke tests."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoConfig:
    """Sizes chosen so that the full demo fits in about 15 minutes on 2 CPU cores (18 since the
    AMS ECAL has round fibres: its Monte Carlo, 7 of those minutes, is ~2x slower than before).

    n_train / n_test: Monte Carlo showers for training and for the held-out validation sample;
    energy: the CLI energy specification of both samples; train_steps / train_minutes: the
    training length and a wall-clock cap. The learning rate decays (cosine) over train_steps, so
    train_steps is what fits in about 6 minutes on 2 cores (the flow on ams-ecal: ~4.5 steps/s);
    the cap only matters on a slower machine. bench_*: what ``caloforge bench`` measures.
    """

    geometry: str = "ams-ecal"
    particle: str = "electron"
    model: str = "flow"
    energy: str = "1GeV:100GeV"
    n_train: int = 6000
    n_test: int = 2000
    workers: int = 2
    train_minutes: float = 8.0
    train_steps: int = 1600
    classifier_quick: bool = False
    max_eval_showers: int = 2000
    bench_energies: tuple[float, ...] = (1e4, 1e5)
    bench_batches: tuple[int, ...] = (1, 16, 256, 4096)
    bench_rounds: int = 3
    bench_onnx: bool = True
    bench_max_call_s: float = 5.0
    seed: int = 1

    def quick(self) -> DemoConfig:
        """Every stage shrunk to seconds: for CI and smoke tests, not for numbers."""
        return dataclasses.replace(
            self, energy="1GeV:20GeV", n_train=240, n_test=120, workers=1, train_minutes=0.5,
            train_steps=30, classifier_quick=True, max_eval_showers=120, bench_energies=(1e4,),
            bench_batches=(1, 64), bench_rounds=1, bench_onnx=False,
        )
