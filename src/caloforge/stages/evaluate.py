"""Stage ``evaluate``: the whole validation, metrics (``caloforge.validate``), plots and HTML
(``caloforge.report``), in one call that sits above both.

Output directory layout: ``metrics.json`` (finite numbers or null), ``report.html``
(self-contained) and ``plots/*.png``.
"""

from __future__ import annotations

import json
import math
import os
import platform
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import matplotlib
import mplhep
import numpy as np
import skimage
import sklearn
import torch

from caloforge._version import __version__
from caloforge.atomic import write_text_atomic
from caloforge.errors import InputError
from caloforge.geometry import Geometry
from caloforge.io import Showers, read_random
from caloforge.progress import make_progress
from caloforge.report.bench_section import bench_section
from caloforge.report.figures import make_figures
from caloforge.report.html import write_report
from caloforge.report.physics_section import load_physics, physics_section
from caloforge.tasks.in_the_loop import summary as in_the_loop_summary
from caloforge.validate.checks import check_energies, check_fits, resolve_geometry
from caloforge.validate.metrics import compute_metrics
from caloforge.validate.verdicts import all_verdicts


def json_ready(value: Any) -> Any:
    """Recursively convert numpy scalars to Python and non-finite floats to None."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def conditions(ref: Showers, gen: Showers, geometry: Geometry, seed: int, quick: bool,
               threshold: float, files: dict[str, str] | None) -> dict[str, Any]:
    """What the numbers depend on: inputs, sizes, seed, threshold, software versions."""
    return {**(files or {}), "geometry": geometry.name, "n_reference": len(ref),
            "n_generated": len(gen), "seed": seed, "quick": quick, "threshold_MeV": threshold,
            "energy_range_reference_MeV": f"{ref.energies.min():.4g}-{ref.energies.max():.4g}",
            "energy_range_generated_MeV": f"{gen.energies.min():.4g}-{gen.energies.max():.4g}",
            "generator": gen.attrs.get("generator", ""), "caloforge": __version__,
            "python": platform.python_version(), "numpy": np.__version__,
            "torch": torch.__version__, "scikit-learn": sklearn.__version__,
            "scikit-image": skimage.__version__, "matplotlib": matplotlib.__version__,
            "mplhep": mplhep.__version__}


# the names passed to ``evaluate``'s ``step`` callback, in order (progress bars count them)
EVALUATION_STAGES = ("features", "separation", "wasserstein", "classifier", "power", "fpd/kpd", "diversity", "plots",
                     "report")


def evaluate(ref: Showers, gen: Showers, geometry: Geometry, out_dir: str | os.PathLike[str],
             seed: int = 0, quick: bool = False, threshold: float | None = None,
             files: dict[str, str] | None = None,
             extra_sections: Iterable[tuple[str, str]] = (),
             step: Callable[[str], None] = lambda _: None,
             extra_metrics: dict[str, Any] | None = None, power: bool = False) -> dict[str, Any]:
    """Evaluate ``gen`` against ``ref`` and write metrics.json, report.html and plots/ into
    ``out_dir``. ``threshold``: voxel threshold in MeV (None: ``geometry.voxel_threshold``);
    ``power``: also run the classifier recipe on Monte Carlo halves (``validate.power``). Returns the
    metrics dict as written. Raises ``InputError`` for mismatched inputs (see ``checks``)."""
    check_fits(ref, gen, geometry)
    check_energies(ref, gen)
    threshold = geometry.voxel_threshold if threshold is None else float(threshold)
    ev = compute_metrics(ref, gen, geometry, seed, quick, threshold, step, power)
    metrics = ev.metrics
    metrics["verdicts"] = all_verdicts(metrics)
    metrics["conditions"] = conditions(ref, gen, geometry, seed, quick, threshold, files)
    metrics.update(extra_metrics or {})
    metrics = json_ready(metrics)
    figures = make_figures(ev, ref, gen, geometry, threshold)
    step("plots")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out / "metrics.json", json.dumps(metrics, indent=1, allow_nan=False) + "\n")
    write_report(out, metrics, figures, extra_sections)
    step("report")
    return metrics


SectionMaker = Callable[[Showers, Showers, Geometry], list[tuple[str, str]]]


def evaluate_files(reference: Path, generated: Path, out_dir: Path, seed: int = 0, quick: bool = False,
                   geometry: str | None = None, max_showers: int | None = None, threshold: float | None = None,
                   bench: Path | None = None, sections: SectionMaker | None = None,
                   physics: Path | None = None, power: bool = False) -> dict[str, Any]:
    """``evaluate`` on two shower files, with a progress bar over its stages.

    ``max_showers``: at most this many showers of each file, drawn with ``seed`` (all when the
    file is smaller); ``geometry``: override the files' geometry; ``bench``: a ``caloforge bench``
    result to embed (checked before the long part); ``sections(ref, gen, geometry)``: more report
    sections (title, HTML) after the speed table; ``physics``: a ``caloforge physics in-the-loop``
    result (its folder or physics.json) whose table and plots become a section and whose figures go
    into metrics.json as ``physics_in_the_loop``; ``power``: the power check (``validate.power``).
    """
    extra = [bench_section(bench)] if bench is not None else []  # fail before the long part
    extra_metrics = {}
    if physics is not None:
        loop = load_physics(physics)
        extra.append(physics_section(loop))
        extra_metrics["physics_in_the_loop"] = in_the_loop_summary(loop)
    rng = np.random.default_rng(seed)
    ref, gen = read_random(reference, max_showers, rng), read_random(generated, max_showers, rng)
    geo = resolve_geometry(ref, gen, geometry)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a folder")
    if sections is not None:
        extra += sections(ref, gen, geo)
    with make_progress("stages") as bar:
        task = bar.add_task("evaluate", total=len(EVALUATION_STAGES), status="")
        return evaluate(ref, gen, geo, out_dir, seed=seed, quick=quick, threshold=threshold,
                        files={"reference": str(reference), "generated": str(generated)}, extra_sections=extra,
                        step=lambda name: bar.update(task, advance=1, status=name), extra_metrics=extra_metrics,
                        power=power)


def model_labels(paths: list[Path]) -> list[str]:
    """Folder names for several generated files: their stems; where stems repeat (``runs/a/gen.h5``,
    ``runs/b/gen.h5``) the parent folder's name before it; then a counter."""
    stems = [p.stem for p in paths]
    names = stems if len(set(stems)) == len(stems) else [f"{p.parent.name}-{p.stem}" if p.parent.name else p.stem
                                                        for p in paths]
    labels: list[str] = []
    for name in names:
        label, k = name, 2
        while label in labels:
            label, k = f"{name}-{k}", k + 1
        labels.append(label)
    return labels


def evaluate_many(reference: Path, generated: list[Path], out_dir: Path, **options: Any) -> dict[str, Any]:
    """``evaluate_files`` for one generated file (its report in ``out_dir``), or for several: each
    in ``out_dir/LABEL/`` (``model_labels``), then ``out_dir/report.html`` comparing them and
    ``out_dir/metrics.json`` holding ``{"models": {label: metrics}}``. ``options``: those of
    ``evaluate_files``."""
    if not generated:
        raise InputError("give at least one generated file (--generated FILE)")
    if len(generated) == 1:
        return evaluate_files(reference, generated[0], out_dir, **options)
    if options.get("physics") is not None:
        raise InputError("--physics holds the study of one model: give one --generated file with it")
    from caloforge.report.compare import write_comparison

    models = {label: evaluate_files(reference, path, out_dir / label, **options)
              for label, path in zip(model_labels(generated), generated, strict=True)}
    combined = {"models": models, "reference": str(reference)}
    write_text_atomic(out_dir / "metrics.json", json.dumps(combined, indent=1, allow_nan=False) + "\n")
    write_comparison(out_dir, models, str(reference))
    return combined
