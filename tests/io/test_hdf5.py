"""CaloChallenge HDF5 files: round trip, chunked reading, atomic and resumable writes."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest

from caloforge.errors import ShowerFileError
from caloforge.io import ShowerFile, Showers, ShowerWriter, read_showers, write_showers


def _sample(n: int = 50, n_voxels: int = 12, seed: int = 0) -> Showers:
    rng = np.random.default_rng(seed)
    energies = rng.uniform(1e3, 1e5, n)
    showers = rng.exponential(1.0, (n, n_voxels)) * (rng.random((n, n_voxels)) > 0.5)
    return Showers(energies, showers, {"geometry": "ams-ecal", "particle": "electron", "seed": 3})


def test_round_trip(tmp_path: Path) -> None:
    sample = _sample()
    write_showers(tmp_path / "s.h5", sample)
    again = read_showers(tmp_path / "s.h5")
    np.testing.assert_array_equal(again.energies, sample.energies)
    np.testing.assert_array_equal(again.showers, sample.showers)
    assert again.attrs["geometry"] == "ams-ecal" and again.attrs["seed"] == 3
    assert "caloforge_version" in again.attrs
    with h5py.File(tmp_path / "s.h5") as f:  # the CaloChallenge layout, readable by other tools
        assert f["incident_energies"].shape == (50, 1) and f["incident_energies"].dtype == np.float32
        assert f["showers"].shape == (50, 12) and f["showers"].dtype == np.float32


def test_foreign_file_without_attributes(tmp_path: Path) -> None:
    with h5py.File(tmp_path / "g4.h5", "w") as f:
        f["incident_energies"] = np.array([[1000.0], [2000.0]], dtype=np.float32)
        f["showers"] = np.ones((2, 5), dtype=np.float32)
    sample = read_showers(tmp_path / "g4.h5")
    assert len(sample) == 2 and sample.geometry == ""


def test_chunked_reading_reads_only_the_chunk(tmp_path: Path) -> None:
    sample = _sample(n=1000)
    write_showers(tmp_path / "s.h5", sample)
    with ShowerFile(tmp_path / "s.h5") as f:
        chunks = list(f.iter_chunks(chunk_size=300))
        assert [len(c) for c in chunks] == [300, 300, 300, 100]
        part = f.read(250, 260)
    np.testing.assert_array_equal(np.concatenate([c.showers for c in chunks]), sample.showers)
    np.testing.assert_array_equal(part.showers, sample.showers[250:260])


def test_interrupted_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import caloforge.io.hdf5 as hdf5

    def explode(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(hdf5, "_append", explode)
    with pytest.raises(KeyboardInterrupt):
        write_showers(tmp_path / "s.h5", _sample())
    assert list(tmp_path.iterdir()) == []


def test_writer_resume_continues(tmp_path: Path) -> None:
    sample = _sample(n=30)
    writer = ShowerWriter(tmp_path / "s.h5", 12, {"geometry": "ams-ecal", "seed": 1})
    writer.append(sample.subset(slice(0, 10)))
    writer.close()  # interrupted: only the .partial file exists
    assert not (tmp_path / "s.h5").exists() and (tmp_path / "s.h5.partial").exists()
    writer = ShowerWriter(tmp_path / "s.h5", 12, {"geometry": "ams-ecal", "seed": 1}, resume=True)
    assert writer.n_written == 10
    writer.append(sample.subset(slice(10, 30)))
    writer.finish()
    np.testing.assert_array_equal(read_showers(tmp_path / "s.h5").showers, sample.showers)
    with pytest.raises(ShowerFileError, match="seed"):
        w = ShowerWriter(tmp_path / "t.h5", 12, {"seed": 1})
        w.close()
        ShowerWriter(tmp_path / "t.h5", 12, {"seed": 2}, resume=True)


def _write_raw(path: Path, energies: np.ndarray, showers: np.ndarray) -> None:
    with h5py.File(path, "w") as f:
        f["incident_energies"] = energies
        f["showers"] = showers


@pytest.mark.parametrize(("energies", "showers", "message"), [
    (np.ones((3, 1)), np.full((3, 4), np.nan), "NaN"),
    (np.ones((3, 1)), np.full((3, 4), np.inf), "NaN or inf"),
    (np.ones((3, 1)), -np.ones((3, 4)), "negative"),
    (-np.ones((3, 1)), np.ones((3, 4)), "positive"),
    (np.ones((2, 1)), np.ones((3, 4)), "shape"),
    (np.ones((3, 1)), np.ones(3), "2-D"),
])
def test_bad_content(tmp_path: Path, energies: np.ndarray, showers: np.ndarray, message: str) -> None:
    _write_raw(tmp_path / "bad.h5", energies, showers)
    with pytest.raises(ShowerFileError, match=message):
        read_showers(tmp_path / "bad.h5")


def test_missing_not_hdf5_missing_dataset(tmp_path: Path) -> None:
    with pytest.raises(ShowerFileError, match="no such file"):
        read_showers(tmp_path / "absent.h5")
    (tmp_path / "text.h5").write_text("hello")
    with pytest.raises(ShowerFileError, match="not an HDF5 file"):
        read_showers(tmp_path / "text.h5")
    with h5py.File(tmp_path / "half.h5", "w") as f:
        f["showers"] = np.ones((2, 3))
    with pytest.raises(ShowerFileError, match="incident_energies"):
        read_showers(tmp_path / "half.h5")


def test_take_and_read_random_read_only_the_chosen_showers(tmp_path: Path) -> None:
    from caloforge.io import read_random

    sample = _sample(n=1000)
    write_showers(tmp_path / "s.h5", sample)
    chosen = np.array([3, 299, 300, 301, 998])
    with ShowerFile(tmp_path / "s.h5") as f:
        picked = f.take(chosen, chunk_size=300)
        with pytest.raises(ValueError, match="sorted"):
            f.take(np.array([5, 2]))
    np.testing.assert_array_equal(picked.showers, sample.showers[chosen])
    np.testing.assert_array_equal(picked.energies, sample.energies[chosen].astype(np.float32))
    rng_a, rng_b = np.random.default_rng(4), np.random.default_rng(4)
    subset = read_random(tmp_path / "s.h5", 100, rng_a)
    index = np.sort(rng_b.choice(1000, 100, replace=False))
    np.testing.assert_array_equal(subset.showers, sample.showers[index])
    assert len(read_random(tmp_path / "s.h5", None, rng_a)) == 1000


def test_non_numeric_dataset_is_a_clear_error(tmp_path: Path) -> None:
    with h5py.File(tmp_path / "str.h5", "w") as f:
        f["incident_energies"] = np.array([[b"a"], [b"b"]])
        f["showers"] = np.ones((2, 3), dtype=np.float32)
    with pytest.raises(ShowerFileError, match="real numbers"):
        read_showers(tmp_path / "str.h5")


def test_resume_drops_a_chunk_cut_off_half_way(tmp_path: Path) -> None:
    sample = _sample(n=30)
    writer = ShowerWriter(tmp_path / "s.h5", 12, {"seed": 1})
    writer.append(sample.subset(slice(0, 10)))
    writer.close()
    with h5py.File(tmp_path / "s.h5.partial", "a") as f:  # grown for the next chunk, rows never written
        f["incident_energies"].resize((15, 1))
        f["showers"].resize((15, 12))
    writer = ShowerWriter(tmp_path / "s.h5", 12, {"seed": 1}, resume=True)
    assert writer.n_written == 10
    writer.append(sample.subset(slice(10, 30)))
    writer.finish()
    again = read_showers(tmp_path / "s.h5")
    np.testing.assert_array_equal(again.showers, sample.showers)
    assert "caloforge_n_complete" not in again.attrs


def test_written_files_follow_the_umask(tmp_path: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        write_showers(tmp_path / "s.h5", _sample())
    finally:
        os.umask(old)
    assert (tmp_path / "s.h5").stat().st_mode & 0o777 == 0o644
