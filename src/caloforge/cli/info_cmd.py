"""``caloforge info PATH``: what is in a shower file (read in chunks) or a training run folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich.table import Table

from caloforge.cli.common import handle_errors, out
from caloforge.errors import GeometryError
from caloforge.geometry import get_geometry, list_geometries
from caloforge.io import ShowerFile
from caloforge.units import format_energy

PROVENANCE_SKIP = {"geometry", "particle", "generator"}  # shown in the summary rows already


def file_summary(path: Path, threshold: float = 0.0) -> dict[str, object]:
    """N, energy range, mean incident and visible energy and sparsity, computed chunk by chunk."""
    with ShowerFile(path) as f:
        energies = f.incident_energies()
        total, nonzero, count = 0.0, 0, 0
        for chunk in f.iter_chunks():
            total += float(chunk.total_energy().sum())
            nonzero += int((chunk.showers > threshold).sum())
            count += chunk.showers.size
        finite = len(energies) > 0
        return {
            "file": str(path),
            "showers": len(f),
            "voxels": f.n_voxels,
            "geometry": f.attrs.get("geometry", "(not recorded)"),
            "particle": f.attrs.get("particle", "(not recorded)"),
            "generator": f.attrs.get("generator", "(not recorded)"),
            "incident energy min": float(energies.min()) if finite else float("nan"),
            "incident energy max": float(energies.max()) if finite else float("nan"),
            "mean incident energy": float(energies.mean()) if finite else float("nan"),
            "mean visible energy (sum of voxels)": total / max(len(f), 1),
            "sparsity (fraction of empty voxels)": 1.0 - nonzero / max(count, 1),
            "provenance": {k: v for k, v in f.attrs.items() if k not in PROVENANCE_SKIP},
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


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{size / 2**10:.1f} KiB"


def run_summary(run: Path) -> dict[str, Any]:
    """What a run folder holds: model, data, training outcome, files and their sizes, exports."""
    from caloforge.models.store import read_record

    record = read_record(run)
    spec, training, data = record["spec"], record.get("training", {}), record.get("data", {})
    summary: dict[str, Any] = {
        "run": str(run), "model": record["model"], "geometry": spec["geometry"],
        "particles": ", ".join(spec["particles"]) or "(one, unnamed)",
        "trained energy range": f"{format_energy(spec['energy_min'])} - {format_energy(spec['energy_max'])}",
        "training showers": spec.get("n_train", ""), "training files": ", ".join(data.get("files", [])),
        "steps": training.get("steps", "(not recorded)"), "stopped by": training.get("reason", ""),
        "training minutes": f"{training['minutes']:.1f}" if "minutes" in training else "",
    }
    if "best_val_loss" in training:
        from caloforge.models import model_class

        unit = model_class(record["model"]).loss_unit
        summary["best validation loss"] = f"{training['best_val_loss']:.4g}" + (f" ({unit})" if unit else "")
    if training.get("augmentation"):
        summary["augmentation"] = training["augmentation"]
    summary["config (model_args)"] = json.dumps({k: v for k, v in record["config"].items() if k != "preprocessing"})
    summary["preprocessing"] = json.dumps(record["config"].get("preprocessing", {}))
    summary["written by"] = f"caloforge {record.get('caloforge_version', '?')} {record.get('git', '')}".strip()
    files = sorted(p for p in run.iterdir() if p.is_file()) if run.is_dir() else [run]
    summary["files"] = ", ".join(f"{p.name} ({_size(p)})" for p in files)
    exports = [p.name for p in files if p.suffix == ".onnx"]
    summary["ONNX exports"] = ", ".join(exports) or "none here (caloforge export)"
    return summary


def _print(title: str, rows: dict[str, Any]) -> None:
    table = Table("property", "value", title=title)
    for key, value in rows.items():
        table.add_row(key, str(value))
    out.print(table)


@handle_errors
def info(
    path: Path = typer.Argument(..., help="CaloChallenge HDF5 shower file, or a run folder of `caloforge train`."),
    geometry: str = typer.Option(None, "--geometry", "-g", help="Check that the file fits this geometry "
                                 "(default: the registered geometry the file records, if any)."),
) -> None:
    """A shower file: N, geometry, energies, mean visible energy, sparsity and provenance. A run
    folder (or model.pt): model, data, training outcome, files and exports."""
    if path.is_dir() or path.suffix == ".pt":
        _print(str(path), run_summary(path))
        return
    summary = file_summary(path)
    provenance = summary.pop("provenance")
    recorded = str(summary["geometry"])
    if geometry:
        summary["fits geometry"] = check_fits(path, geometry)
    elif recorded in list_geometries():  # a file must fit the geometry it claims
        summary["fits geometry"] = check_fits(path, recorded)
    for key, value in list(summary.items()):
        if "energy" in key:
            summary[key] = format_energy(float(value)) if np.isfinite(float(value)) else "n/a"
        elif key.startswith("sparsity"):
            summary[key] = f"{float(value):.4f}"
    _print(str(path), summary)
    if provenance:
        _print("provenance (file attributes)", provenance)
