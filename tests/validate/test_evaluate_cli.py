"""`caloforge evaluate` end to end: files written, report self-contained, one-line errors."""

from __future__ import annotations

import base64
import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from showerkit import make_showers
from typer.testing import CliRunner

from caloforge.cli.app import app
from caloforge.errors import InputError
from caloforge.io import Showers, write_showers
from caloforge.report.bench_section import bench_section

pytestmark = pytest.mark.slow  # full evaluations (classifier, plots, browser)

runner = CliRunner()


@pytest.fixture(scope="module")
def files(tmp_path_factory, ds1, ams):
    d = tmp_path_factory.mktemp("eval")
    write_showers(d / "ref.h5", make_showers(ds1, 400, seed=11))
    write_showers(d / "gen.h5", make_showers(ds1, 300, seed=12))
    write_showers(d / "ams.h5", make_showers(ams, 300, seed=13))
    write_showers(d / "far.h5", make_showers(ds1, 300, seed=14, e_range=(2e5, 4e5)))
    write_showers(d / "narrow.h5", make_showers(ds1, 300, seed=16, e_range=(2e4, 2.2e4)))
    renamed = make_showers(ds1, 300, seed=15)  # same voxel count, another geometry's name
    write_showers(d / "renamed.h5", Showers(renamed.energies, renamed.showers,
                                            {**renamed.attrs, "geometry": "ds2-like"}))
    return d


def _finite_or_null(value) -> bool:
    if isinstance(value, dict):
        return all(_finite_or_null(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite_or_null(v) for v in value)
    return not isinstance(value, float) or math.isfinite(value)


@pytest.fixture(scope="module")
def bench_dir(files):
    """A bench folder as ``caloforge bench`` writes it (bench.json + bench.md), made by hand."""
    from caloforge.bench.run import markdown_table

    d = files / "bench"
    d.mkdir()
    result = {"conditions": {"geometry": "ds1-photon-like", "particle": "photon", "threads": 1,
                             "rounds": 3},
              "measurements": [{"contender": "monte-carlo", "energy_mev": 1e4, "batch": 1,
                                "ms_per_shower": {"median": 30.0, "min": 29.0, "max": 31.0}},
                               {"contender": "flow [torch cpu]", "energy_mev": 1e4, "batch": 1,
                                "ms_per_shower": {"median": 3.0, "min": 2.9, "max": 3.1}}],
              "speedups": [{"contender": "flow [torch cpu]", "energy_mev": 1e4, "batch": 1,
                            "speedup": {"median": 10.0, "min": 9.5, "max": 10.5}}],
              "peak_rss_mb": 500.0}
    (d / "bench.json").write_text(json.dumps(result))
    (d / "bench.md").write_text(markdown_table(result))
    return d


@pytest.fixture(scope="module")
def evaluated(files, bench_dir):
    """One full CLI evaluation (with the bench table embedded): (CLI result, output folder)."""
    out = files / "report"
    result = runner.invoke(app, ["evaluate", "--reference", str(files / "ref.h5"), "--generated",
                                 str(files / "gen.h5"), "--out", str(out), "--seed", "3", "--quick",
                                 "--bench", str(bench_dir), "--power"])
    return result, out


def test_evaluate_writes_metrics_report_and_plots(evaluated):
    result, out = evaluated
    assert result.exit_code == 0, result.output
    assert "auc_low" in result.output
    metrics = json.loads((out / "metrics.json").read_text())
    for key in ("auc_low", "auc_high", "jsd_low", "jsd_high", "fpd", "fpd_err", "kpd", "kpd_err",
                "separation_power", "w1", "ssim_ref", "ssim_gen", "support_ref", "support_gen",
                "multipeak_ref", "multipeak_gen", "conditions", "verdicts"):
        assert key in metrics
    assert _finite_or_null(metrics)
    cond = metrics["conditions"]
    assert cond["n_reference"] == 400 and cond["n_generated"] == 300 and cond["seed"] == 3
    assert cond["geometry"] == "ds1-photon-like" and cond["threshold_MeV"] == 1.0
    pngs = sorted((out / "plots").glob("*.png"))
    assert len(pngs) >= 10
    page = (out / "report.html").read_text()
    sources = re.findall(r'<img[^>]*src="([^"]+)"', page)
    assert len(sources) == len(pngs)
    for src in sources:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.index("Summary") < page.index("Conditions") < page.index("<img")  # tables first
    assert "Speed: model vs Monte Carlo" in page and "flow [torch cpu]" in page  # --bench
    assert "10x (9.5-10.5)" in page


CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)
PROBE = ("<script>window.addEventListener('load', () => {const i = [...document.images]; "
         "document.title = 'loaded ' + i.filter(x => x.complete && x.naturalWidth > 0).length "
         "+ ' of ' + i.length;});</script>")


@pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium on this machine")
def test_report_renders_in_headless_chromium(evaluated, tmp_path):
    """The browser decodes every embedded plot (naturalWidth > 0) and takes a screenshot."""
    _, out = evaluated
    probe = tmp_path / "probe.html"  # the report plus a script that counts decoded images
    probe.write_text((out / "report.html").read_text().replace("</body>", PROBE + "</body>"))
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000"]
    dom = subprocess.run([*flags, "--dump-dom", probe.as_uri()], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    n_plots = len(list((out / "plots").glob("*.png")))
    assert f"<title>loaded {n_plots} of {n_plots}</title>" in dom
    shot = tmp_path / "report.png"
    subprocess.run([*flags, f"--screenshot={shot}", "--window-size=1400,4000",
                    (out / "report.html").as_uri()], capture_output=True, timeout=120, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


def test_bench_option_errors_are_one_line_and_early(files, tmp_path):
    bad_json = tmp_path / "bench.json"
    bad_json.write_text("{not json")
    wrong = tmp_path / "other.json"
    wrong.write_text(json.dumps({"rows": []}))
    (tmp_path / "empty").mkdir()
    for bench, message in ((tmp_path / "nope.json", "not found"), (bad_json, "not valid JSON"),
                           (wrong, "not a bench.json"), (tmp_path / "empty", "no bench.json")):
        result = runner.invoke(app, ["evaluate", "-r", str(files / "ref.h5"), "--generated",
                                     str(files / "gen.h5"), "-o", str(tmp_path / "out"),
                                     "--bench", str(bench)])
        assert message in _error(result)
        assert not (tmp_path / "out").exists()  # checked before the evaluation starts


def test_report_reads_bench_json(bench_dir, tmp_path):
    """The report renders bench.json itself (folder, bench.json, or a bench.md beside it) with the
    rows of bench.md; a bench.md alone is refused."""
    from caloforge.bench.table import markdown_table

    alone = tmp_path / "bench.json"
    alone.write_text((bench_dir / "bench.json").read_text())
    title, body = bench_section(alone)
    assert title.startswith("Speed") and "<table>" in body and "monte-carlo" in body
    assert bench_section(bench_dir)[1] == body == bench_section(bench_dir / "bench.md")[1]
    result = json.loads(alone.read_text())
    for row in markdown_table(result).splitlines()[4:]:
        assert all(cell.strip() in body for cell in row.strip("|").split("|"))
    (tmp_path / "md").mkdir()
    (tmp_path / "md" / "bench.md").write_text((bench_dir / "bench.md").read_text())
    with pytest.raises(InputError, match="reads the bench.json"):
        bench_section(tmp_path / "md" / "bench.md")


def test_evaluate_command_imports_no_heavy_modules():
    """`caloforge --help` stays fast: the evaluate command imports torch & co. only when run."""
    code = ("import sys, caloforge.cli.evaluate_cmd; "
            "print(sorted(m for m in ('torch', 'sklearn', 'matplotlib', 'skimage', 'h5py') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _error(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error:"), result.output
    return lines[0]


@pytest.mark.parametrize(("generated", "message"), [("ams.h5", "voxels"),
                                                    ("renamed.h5", "geometry mismatch"),
                                                    ("far.h5", "energy ranges differ"),
                                                    ("narrow.h5", "90 % of the reference"),
                                                    ("missing.h5", "no such file")])
def test_bad_inputs_give_one_line_errors(files, generated, message):
    result = runner.invoke(app, ["evaluate", "-r", str(files / "ref.h5"), "--generated", str(files / generated),
                                 "-o", str(files / "bad")])
    assert message in _error(result)
    assert not (files / "bad" / "metrics.json").exists()


def test_plain_challenge_files_get_their_geometry_from_the_voxel_count(files, tmp_path: Path):
    import h5py

    for name in ("ref", "gen"):  # as a Geant4 / CaloChallenge file: datasets, no attributes
        with h5py.File(files / f"{name}.h5") as src, h5py.File(tmp_path / f"{name}.h5", "w") as dst:
            for key in ("incident_energies", "showers"):
                dst[key] = src[key][:200]
    result = runner.invoke(app, ["evaluate", "-r", str(tmp_path / "ref.h5"), "--generated", str(tmp_path / "gen.h5"),
                                 "-o", str(tmp_path / "out"), "--quick"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert metrics["conditions"]["geometry"] == "ds1-photon-like"


def test_same_seed_same_numbers(files, tmp_path: Path):
    args = ["evaluate", "-r", str(files / "ref.h5"), "--generated", str(files / "gen.h5"), "--quick",
            "--max-showers", "200", "--seed", "5"]
    first = runner.invoke(app, [*args, "-o", str(tmp_path / "a")])
    second = runner.invoke(app, [*args, "-o", str(tmp_path / "b")])
    assert first.exit_code == second.exit_code == 0
    a = json.loads((tmp_path / "a" / "metrics.json").read_text())
    b = json.loads((tmp_path / "b" / "metrics.json").read_text())
    a["conditions"].pop("reference"), b["conditions"].pop("reference")
    assert a == b
    assert a["conditions"]["n_reference"] == 200


def test_several_models_in_one_report_and_force(files, tmp_path: Path):
    """Two --generated files: one sub-report each and a comparison page; the same --out again is
    refused without --force."""
    import shutil

    for model in ("a", "b"):  # two runs' files of one name: labelled by their folders
        (tmp_path / model).mkdir()
        shutil.copy(files / "gen.h5", tmp_path / model / "gen.h5")
    args = ["evaluate", "-r", str(files / "ref.h5"), "--generated", str(tmp_path / "a" / "gen.h5"), "--generated",
            str(tmp_path / "b" / "gen.h5"), "--quick", "--max-showers", "120", "-o", str(tmp_path / "cmp")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    combined = json.loads((tmp_path / "cmp" / "metrics.json").read_text())
    assert set(combined["models"]) == {"a-gen", "b-gen"}
    assert all((tmp_path / "cmp" / label / "report.html").is_file() for label in ("a-gen", "b-gen"))
    page = (tmp_path / "cmp" / "report.html").read_text()
    assert 'href="a-gen/report.html"' in page and "Response and resolution" in page
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "--force" in _error(again)


def test_small_samples_are_said_to_be_small(evaluated):
    """Quick mode and a few hundred showers: warnings in the terminal, metrics.json and the report,
    the AUC's noise and the AUC it can detect next to it, the power check (--power) on halves of the
    reference; JSD is never negative."""
    result, out = evaluated
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["auc_low_noise"] > 0.02 and metrics["auc_low_detectable"] > 0.55
    small, quick = metrics["warnings"][:2]
    assert "cannot be told from the Monte Carlo" in small and quick.startswith("--quick")
    assert "warning:" in result.output and "0.5 ±" in result.output and "sees >" in result.output
    power = metrics["power"]
    assert power["n_per_side"] == 200 and power["scale"] == 0.05 and "power check" in result.output
    assert 0 <= power["auc_low_null"] <= 1 and 0 <= power["auc_high_distorted"] <= 1
    assert "power check, low level" in (out / "report.html").read_text()
    assert metrics["jsd_low"] >= 0 and metrics["jsd_high"] >= 0
    assert "warning: the classifier is tested on" in (out / "report.html").read_text()
    assert all(w["unit"] for w in metrics["w1"].values())
    assert metrics["response"]["reference"]["response"] and "classifier_auc_by_energy.png" in {
        p.name for p in (out / "plots").iterdir()}
