"""Settings of ``caloforge demo``: the default sizes and a ``--quick`` preset for smoke tests."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoConfig:
    """Sizes chosen so that the full demo fits in 15 minutes on 2 CPU cores.

    n_train / n_test: Monte Carlo electrons for training and for the held-out sample; energy:
    their CLI energy specification (1-50 GeV: an electron costs ~0.05 core-seconds there, twice
    that over 1-100 GeV). ``physics`` (on for ams-ecal, the detector the AMS tasks are for): also
    protons (n_protons_train / n_protons_test over proton_energy; 4-200 GeV puts ~1/3 of them
    into the measured-energy bin of the electrons, the rest cross as MIPs or leave less), one
    generator trained on both particles, and the physics tasks with it in the loop. The protons
    in the bin set how well the quoted rejection is known: at ~3000 protons, a rejection of a few
    10^2 rests on ~10 survivors (~30 %), a generator's rejection of ~10 on ~300 (~6 %).
    train_steps / train_minutes: the training length and a wall-clock cap (the learning rate
    decays, cosine, over train_steps; the two-particle flow on ams-ecal makes 3.3-3.8 steps/s on
    2 cores, so 1200 steps take 5.3-6 minutes; the cap leaves room for a slower machine).
    bench_*: what ``caloforge bench`` measures.
    """

    geometry: str = "ams-ecal"
    particle: str = "electron"
    model: str = "flow"
    energy: str = "1GeV:50GeV"
    n_train: int = 4000
    n_test: int = 2000
    physics: bool = True
    proton_energy: str = "4GeV:200GeV"
    n_protons_train: int = 6000
    n_protons_test: int = 8000
    physics_bins_gev: tuple[float, ...] = (2.0, 50.0)
    physics_efficiencies: tuple[float, ...] = (0.90, 0.95)
    physics_use_cells: bool = False  # the shape variables alone separate as well, ~10x faster (README)
    anomaly_epochs: int = 40
    workers: int = 2
    train_minutes: float = 7.0
    train_steps: int = 1200
    classifier_quick: bool = False
    max_eval_showers: int = 2000
    bench_energies: tuple[float, ...] = (1e4, 1e5)
    bench_batches: tuple[int, ...] = (1, 16, 256, 4096)
    bench_rounds: int = 2
    bench_onnx: bool = True
    bench_max_call_s: float = 5.0
    seed: int = 1

    def quick(self) -> DemoConfig:
        """Every stage shrunk to seconds: for CI and smoke tests, not for numbers."""
        return dataclasses.replace(
            self, energy="1GeV:20GeV", n_train=240, n_test=150, n_protons_train=240, n_protons_test=300,
            proton_energy="4GeV:50GeV", physics_bins_gev=(0.5, 50.0), physics_efficiencies=(0.9,),
            anomaly_epochs=3, workers=1, train_minutes=0.5, train_steps=30, classifier_quick=True,
            max_eval_showers=150, bench_energies=(1e4,), bench_batches=(1, 64), bench_rounds=1, bench_onnx=False,
        )
