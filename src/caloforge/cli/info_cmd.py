"""``caloforge info FILE``: what is in a shower file, read in chunks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer
from rich.table import Table

from caloforge.cli.common import handle_errors, out
from caloforge.errors import GeometryError
from caloforge.geometry import get_geometry, list_geometries
from caloforge.io import ShowerFile
from caloforge.units import format_energy


def file_summary(path: Path, threshold: float = 0.0) -> dict[str, object]:
    """N, energy range, mean visible energy and sparsity, computed chunk by chunk."""
    with ShowerFile(path) as f:
        energies = f.incident_energies()
        total, nonzero, count = 0.0, 0, 0
        for chunk in f.iter_chunks():
            total += float(chunk.total_energy().sum())
            nonzero += int((chunk.showers > threshold).sum())
            count += chunk.showers.size
        return {
            "file": str(path),
            "showers": len(f),
            "voxels": f.n_voxels,
            "geometry": f.attrs.get("geometry", "(not recorded)"),
            "particle": f.attrs.get("particle", "(not recorded)"),
            "generator": f.attrs.get("generator", "(not recorded)"),
            "energy_min": float(energies.min()) if len(energies) else float("nan"),
            "energy_max": float(energies.max()) if len(energies) else float("nan"),
            "mean_total_energy": total / max(len(f), 1),
            "sparsity": 1.0 - nonzero / max(count, 1),
        }


def check_fits(path: Path, geometry_name: str) -> str:
    """Raise ``GeometryError`` if the file's voxel count differs from the geometry's."""
    geometry = get_geometry(geometry_name)
    with ShowerFile(path) as f:
        if f.n_voxels != geometry.n_voxels:
            raise GeometryError(
                f"{path}: {f.n_voxels} voxels per shower, but geometry {geometry.name} has "
                f"{geometry.n_voxels}"
            )
    return geometry.name


@handle_errors
def info(
    file: Path = typer.Argument(..., help="CaloChallenge HDF5 shower file."),
    geometry: str = typer.Option(None, "--geometry", "-g", help="Check that the file fits this geometry "
                                 "(default: the registered geometry the file records, if any)."),
) -> None:
    """Print N, geometry, energy range, mean total energy and sparsity of a shower file."""
    summary = file_summary(file)
    recorded = str(summary["geometry"])
    if geometry:
        summary["fits geometry"] = check_fits(file, geometry)
    elif recorded in list_geometries():  # a file must fit the geometry it claims
        summary["fits geometry"] = check_fits(file, recorded)
    table = Table("property", "value", title=str(file))
    for key, value in summary.items():
        if key.startswith("energy_") or key == "mean_total_energy":
            value = format_energy(float(value)) if np.isfinite(float(value)) else "n/a"
        elif key == "sparsity":
            value = f"{float(value):.4f}"
        table.add_row(key, str(value))
    out.print(table)
