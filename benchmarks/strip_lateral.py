"""Lateral structure of strip-readout showers (ams-ecal): how the centre of gravity of one layer
follows another's, per-layer spread of the centres, and mean widths. Used to see what the
high-level classifier still separates after `caloforge evaluate` flags no single feature.

    python benchmarks/strip_lateral.py bench/flowfinal-ams/data/test.h5 bench/flowfinal-ams/generated/flow.h5

Prints one line per file. Not a test: a measurement.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from caloforge.errors import CaloForgeError, InputError
from caloforge.geometry import get_geometry
from caloforge.io import read_showers


def lateral(path: str, pairs: list[tuple[int, int]], layers: list[int]) -> str:
    showers = read_showers(path)
    readout = get_geometry(showers.geometry).readout
    if any(layer.kind != "strip" for layer in readout.active_layers):
        raise InputError(f"{path}: not a strip readout")
    x, y, _ = readout.voxel_centres
    u = np.where(np.abs(x) > 0, x, y)  # the coordinate each strip measures
    cog, width = [], []
    for position in range(len(readout.layers)):
        part = readout.layer_slice(position)
        e = showers.showers[:, part].astype(np.float64)
        total = np.maximum(e.sum(axis=1), 1e-12)
        mean = (e * u[part]).sum(axis=1) / total
        cog.append(mean)
        width.append(np.sqrt(np.maximum((e * u[part] ** 2).sum(axis=1) / total - mean**2, 0.0)))
    corr = " ".join(f"corr(CoG {a},{b}) {np.corrcoef(cog[a], cog[b])[0, 1]:.3f}" for a, b in pairs)
    spread = " ".join(f"std(CoG {k}) {cog[k].std():.2f} mm" for k in layers)
    widths = " ".join(f"<W {k}> {width[k].mean():.1f} mm" for k in layers)
    return f"{path}: {corr}; {spread}; {widths}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    try:
        for path in args.files:
            print(lateral(path, pairs=[(4, 8), (5, 9)], layers=[4, 12, 17]))
    except CaloForgeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
