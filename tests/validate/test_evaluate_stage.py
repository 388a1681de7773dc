"""The issue's acceptance cases on full evaluations (quick classifier, no plots): same
distribution -> AUC ~ 0.5 and no flags; 5 % energy scale or a one-cell shift -> AUC well above
0.5 and the affected features flagged; bad inputs -> clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from showerkit import make_showers, scale_energy, shift_one_cell

from caloforge.errors import GeometryError, InputError
from caloforge.geometry import get_geometry, list_geometries
from caloforge.io import Showers
from caloforge.stages.evaluate import evaluate
from caloforge.validate.checks import check_energies, resolve_geometry
from caloforge.validate.metrics import compute_metrics
from caloforge.validate.verdicts import all_verdicts

pytestmark = pytest.mark.slow  # full evaluations (classifier)


@pytest.fixture(scope="module")
def same_ams(ams, ams_pair):
    return compute_metrics(*ams_pair, ams, seed=1, quick=True, threshold=0.1).metrics


@pytest.fixture(scope="module")
def scaled_ds1(ds1, ds1_pair):
    ref, gen = ds1_pair
    return compute_metrics(ref, scale_energy(gen, 1.05), ds1, seed=1, quick=True, threshold=1.0).metrics


@pytest.fixture(scope="module")
def shifted_ams(ams, ams_pair):
    ref, gen = ams_pair
    return compute_metrics(ref, shift_one_cell(gen, ams), ams, seed=1, quick=True, threshold=0.1).metrics


def test_same_distribution_is_indistinguishable(same_ams):
    m = same_ams
    assert m["auc_low"] == pytest.approx(0.5, abs=0.05)
    assert m["auc_high"] == pytest.approx(0.5, abs=0.05)
    assert abs(m["jsd_low"]) < 0.05 and abs(m["jsd_high"]) < 0.05
    sep = np.array(list(m["separation_power"].values()))
    assert sep.max() < 0.05 and np.median(sep) < 0.03
    assert len(m["flagged_features"]) <= 0.05 * len(sep)
    assert all(w["ratio"] < 4 for w in m["w1"].values())
    v = all_verdicts(m)
    assert v["auc_low"] == v["auc_high"] == "green"
    assert v["ssim"] == "green" and v["duplicates"] == "green" and v["multipeak"] == "green"


def test_same_distribution_cylindrical(ds1, ds1_pair):
    """The same check on the irregular cylindrical ds1 binning (x, y and r features)."""
    m = compute_metrics(*ds1_pair, ds1, seed=1, quick=True, threshold=1.0).metrics
    assert m["auc_low"] == pytest.approx(0.5, abs=0.05)
    assert m["auc_high"] == pytest.approx(0.5, abs=0.05)
    assert not m["flagged_features"] and max(m["separation_power"].values()) < 0.05
    assert any(k.startswith("Wr_") for k in m["separation_power"])


def test_energy_scale_is_detected(scaled_ds1):
    m = scaled_ds1
    assert m["auc_high"] > 0.65 and m["auc_low"] > 0.6
    assert "E_ratio" in m["flagged_features"]  # E_tot itself is dominated by the E_inc spread
    assert m["w1"]["E_ratio"]["ratio"] > 5
    assert not any(k.startswith(("ECx", "ECy")) for k in m["flagged_features"])
    assert m["fpd"] > 5 * m["fpd_err"] and m["kpd"] > 5 * m["kpd_err"]


def test_one_cell_shift_is_detected(shifted_ams):
    m = shifted_ams
    assert m["auc_low"] > 0.65 and m["auc_high"] > 0.65
    assert {"CoG_x", "CoG_y", "ECx_0", "ECy_2"} <= set(m["flagged_features"])
    assert "E_ratio" not in m["flagged_features"]
    assert all_verdicts(m)["auc_low"] == "red"


def test_geometry_mismatch_is_an_error(ams, ds1, ams_pair, ds1_pair):
    with pytest.raises(GeometryError, match="voxels"):
        resolve_geometry(ams_pair[0], ds1_pair[0])
    other = Showers(ams_pair[1].energies, ams_pair[1].showers, {"geometry": "pbwo4-block"})
    with pytest.raises(GeometryError, match="mismatch"):
        resolve_geometry(ams_pair[0], other)
    bare = Showers(ams_pair[0].energies, ams_pair[0].showers)  # no geometry recorded
    assert resolve_geometry(bare, bare).name == "ams-ecal"  # the only geometry with 1296 voxels
    assert resolve_geometry(bare, bare, "ams-ecal").name == "ams-ecal"
    odd = Showers(ams_pair[0].energies, ams_pair[0].showers[:, :1000])
    with pytest.raises(InputError, match="--geometry"):
        resolve_geometry(odd, odd)
    with pytest.raises(GeometryError, match="voxels"):
        evaluate(ams_pair[0], ams_pair[1], ds1, "unused-folder")


def test_energy_range_mismatch_is_an_error(ams):
    ref = make_showers(ams, 100, seed=5, e_range=(1e3, 1e4))
    inside = make_showers(ams, 100, seed=6, e_range=(2e3, 1.05e4))
    check_energies(ref, inside)
    outside = make_showers(ams, 100, seed=6, e_range=(5e4, 1e5))
    with pytest.raises(InputError, match="energy ranges differ"):
        check_energies(ref, outside)
    narrow = make_showers(ams, 100, seed=7, e_range=(7e3, 8e3))  # inside, but covers little of ref
    with pytest.raises(InputError, match="90 % of the reference"):
        check_energies(ref, narrow)
    with pytest.raises(InputError, match="at least"):
        check_energies(ref, ref.subset(slice(0, 10)))


@pytest.mark.parametrize("name", list_geometries())
def test_every_registered_geometry_evaluates(name, tmp_path):
    """Metrics, plots and the report work for every geometry of the registry."""
    geometry = get_geometry(name)
    ref, gen = make_showers(geometry, 150, seed=21), make_showers(geometry, 150, seed=22)
    m = evaluate(ref, gen, geometry, tmp_path, seed=0, quick=True)
    assert 0.3 < m["auc_low"] < 0.7 and 0.3 < m["auc_high"] < 0.7
    assert (tmp_path / "report.html").stat().st_size > 10_000
    assert len(list((tmp_path / "plots").glob("*.png"))) >= 10


def test_dead_generator_gives_finite_red_metrics(ams, ams_pair):
    """A generator that outputs empty showers must be reported (red), not crash the evaluation."""
    ref, gen = ams_pair
    dead = Showers(gen.energies[:300], np.zeros_like(gen.showers[:300]), dict(gen.attrs))
    m = compute_metrics(ref.subset(slice(0, 300)), dead, ams, seed=0, quick=True, threshold=0.1).metrics
    assert m["auc_low"] > 0.95 and "E_ratio" in m["flagged_features"]
    assert all_verdicts(m)["auc_high"] == "red"
