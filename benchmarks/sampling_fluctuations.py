"""EM sampling fluctuations of the reference Monte Carlo in plain sampling stacks, against
Wigmans' rule a = 2.7 % sqrt(d / f_mip) (d: active layer thickness in mm, f_mip: the mip sampling
fraction; "Calorimetry", 2nd ed., ch. 4) and a measured calorimeter (CDF central EM: 1/8" Pb +
5 mm scintillator, 13.5 %/sqrt(E), Balka et al., NIM A 267 (1988) 272).

The sampling term is std(active / deposited) * sqrt(E): leakage is divided out, so only the
sampling fluctuations remain. This is the open deviation of the ams-ecal resolution (README):
the Monte Carlo meets the rule for thin active layers and falls short for thick ones.

    .venv/bin/python benchmarks/sampling_fluctuations.py          # ~2 min on one core
"""

from __future__ import annotations

import argparse

import numpy as np

from caloforge.geometry import Geometry, LayerBinning, Readout, Slab
from caloforge.mc import api as mc
from caloforge.mc import simulate_detailed
from caloforge.units import GeV

# (absorber, mm, active, mm, periods, measured a or None)
STACKS = (("Pb", 4.0, "polystyrene", 1.0, 60, None), ("Pb", 1.07, "polystyrene", 0.61, 150, None),
          ("Pb", 3.18, "polystyrene", 5.0, 31, 0.135), ("Pb", 1.5, "LAr", 4.2, 70, None))
ENERGY_GEV = 4.0


def stack(absorber: str, t_abs: float, active: str, t_act: float, periods: int) -> Geometry:
    slabs = tuple(s for _ in range(periods) for s in (Slab(absorber, t_abs), Slab(active, t_act, True, 0)))
    readout = Readout(layers=(LayerBinning(id=0, r_edges=(0.0, 2000.0)),), particle="electron", pid=11)
    return Geometry(f"{absorber}{t_abs}/{active}{t_act}", "sampling stack", slabs, readout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=150, help="showers per stack")
    args = parser.parse_args()
    if args.n < 10:
        parser.error("--n must be at least 10 (the spread of the sampled fraction needs a sample)")
    for absorber, t_abs, active, t_act, periods, measured in STACKS:
        geo = stack(absorber, t_abs, active, t_act, periods)
        d = simulate_detailed(geo, "e-", np.full(args.n, ENERGY_GEV * GeV), seed=5)
        ratio = d.accounting[:, mc.ACTIVE] / d.deposited
        a = ratio.std(ddof=1) / ratio.mean() * np.sqrt(ENERGY_GEV)
        f_mip = geo.sampling_fraction_mip()
        rule = 0.027 * np.sqrt(t_act / f_mip)
        extra = f", measured {measured * 100:.1f} %" if measured else ""
        print(f"  {geo.name:24s} f_mip {f_mip:.3f}  e/mip {ratio.mean() / f_mip:.2f}  a = {a * 100:5.2f} "
              f"+- {a / np.sqrt(2 * (args.n - 1)) * 100:.2f} %  (Wigmans {rule * 100:.1f} %{extra})")


if __name__ == "__main__":
    main()
