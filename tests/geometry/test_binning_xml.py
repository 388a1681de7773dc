"""Binning XML: round trips, the CaloChallenge files, and voxel layout of the built-ins."""

from __future__ import annotations

from pathlib import Path

import pytest

from caloforge.errors import GeometryError
from caloforge.geometry import (
    LayerBinning,
    Readout,
    get_geometry,
    read_binning_xml,
    readout_from_xml_string,
    readout_to_xml_string,
    write_binning_xml,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "calochallenge"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/calochallenge not present")


def test_round_trip_ds1_like_layers(tmp_path: Path) -> None:
    readout = Readout(layers=(
        LayerBinning(id=0, r_edges=(0.0, 5.0, 10.0, 30.0), n_alpha=1),
        LayerBinning(id=1, r_edges=(0.0, 2.0, 4.0, 6.5), n_alpha=10),
        LayerBinning(id=2, r_edges=(0.0,), n_alpha=1),
    ), particle="photon", pid=22, extra_attributes={"etaMin": "0", "etaMax": "130"})
    path = tmp_path / "binning.xml"
    write_binning_xml(readout, path)
    again = read_binning_xml(path)
    assert again == readout
    assert again.layers == readout.layers
    assert again.n_voxels == 3 + 30
    assert again.extra_attributes == readout.extra_attributes


def test_attribute_values_are_escaped() -> None:
    readout = Readout(layers=(LayerBinning(id=0, r_edges=(0.0, 5.0), n_alpha=1),), particle="e<&>\"",
                      pid=11, extra_attributes={"note": 'a "quoted" & <odd> value'})
    again = readout_from_xml_string(readout_to_xml_string(readout))
    assert again.particle == readout.particle and again.extra_attributes == readout.extra_attributes


def test_round_trip_strip_layers() -> None:
    readout = get_geometry("ams-ecal").readout
    again = readout_from_xml_string(readout_to_xml_string(readout))
    assert again.layers == readout.layers
    assert [layer.axis for layer in again.layers[:6]] == ["x", "x", "y", "y", "x", "x"]


@needs_shared
@pytest.mark.parametrize(("name", "xml", "n_voxels"), [
    ("ds1-photon-like", "binning_dataset_1_photons.xml", 368),
    ("ds2-like", "binning_dataset_2.xml", 6480),
])
def test_builtin_binning_reproduces_challenge(name: str, xml: str, n_voxels: int) -> None:
    ours = get_geometry(name).readout
    theirs = read_binning_xml(SHARED / xml)
    assert ours.n_voxels == theirs.n_voxels == n_voxels
    assert ours.layers == theirs.layers  # same layers, same order, same edges, same alpha bins
    assert (ours.offsets == theirs.offsets).all()


@needs_shared
def test_challenge_files_all_read() -> None:
    counts = {f.name: read_binning_xml(f).n_voxels for f in sorted(SHARED.glob("*.xml"))}
    assert counts["binning_dataset_1_pions.xml"] == 533
    assert counts["binning_dataset_3.xml"] == 40500


@needs_shared
def test_xml_of_registered_binning_gets_its_material_stack() -> None:
    geometry = get_geometry(str(SHARED / "binning_dataset_2.xml"))
    assert geometry.name == "ds2-like" and geometry.simulatable


def test_foreign_xml_is_readout_only(tmp_path: Path) -> None:
    path = tmp_path / "mine.xml"
    write_binning_xml(Readout(layers=(LayerBinning(id=0, r_edges=(0.0, 1.0), n_alpha=4),)), path)
    geometry = get_geometry(str(path))
    assert not geometry.simulatable and geometry.n_voxels == 4


@pytest.mark.parametrize("text", [
    "<Bins><Bin name='x'><Layer id='0' r_edges='5,1' n_bin_alpha='1'/></Bin></Bins>",
    "<Bins><Bin name='x'><Layer r_edges='0,1' n_bin_alpha='1'/></Bin></Bins>",
    "<Other/>",
    "not xml at all <",
])
def test_malformed_xml_is_a_geometry_error(text: str) -> None:
    with pytest.raises(GeometryError):
        readout_from_xml_string(text)
