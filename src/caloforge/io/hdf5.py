"""CaloChallenge HDF5 shower files: chunked reading, atomic and resumable writing.

Layout (compatible with the CaloChallenge and its tools): datasets ``incident_energies`` (N, 1)
and ``showers`` (N, n_voxels), float32, MeV. CaloForge adds file attributes (geometry,
particle, generator, seed, caloforge_version) that other tools ignore.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from caloforge._version import __version__
from caloforge.atomic import atomic_path
from caloforge.errors import ShowerFileError
from caloforge.io.showers import Showers, check_values

ENERGY_KEY, SHOWER_KEY = "incident_energies", "showers"
DEFAULT_CHUNK = 10_000


def _encode_attr(value: Any) -> Any:
    if isinstance(value, str | int | float | np.integer | np.floating):
        return value
    return json.dumps(value)


def _decode_attr(value: Any) -> Any:
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, np.generic):
        return value.item()
    return value


class ShowerFile:
    """Read access to a shower file without loading it whole. Use as a context manager."""

    def __init__(self, path: str | os.PathLike[str], validate: bool = True) -> None:
        self.path = Path(path)
        self.validate = validate
        if not self.path.exists():
            raise ShowerFileError(f"{self.path}: no such file")
        if not self.path.is_file() or not h5py.is_hdf5(self.path):
            raise ShowerFileError(f"{self.path}: not an HDF5 file")
        try:
            self._file = h5py.File(self.path, "r")
        except OSError as exc:
            raise ShowerFileError(f"{self.path}: cannot open HDF5 file ({exc})") from None
        try:
            self._check_layout()
        except ShowerFileError:
            self._file.close()
            raise

    def _check_layout(self) -> None:
        for key in (ENERGY_KEY, SHOWER_KEY):
            if key not in self._file or not isinstance(self._file[key], h5py.Dataset):
                raise ShowerFileError(f"{self.path}: missing dataset '{key}' (not a CaloChallenge file)")
        energies, showers = self._file[ENERGY_KEY], self._file[SHOWER_KEY]
        for key, dataset in ((ENERGY_KEY, energies), (SHOWER_KEY, showers)):
            if not np.issubdtype(dataset.dtype, np.number) or np.issubdtype(dataset.dtype, np.complexfloating):
                raise ShowerFileError(f"{self.path}: '{key}' holds {dataset.dtype}, expected real numbers (MeV)")
        if showers.ndim != 2:
            raise ShowerFileError(f"{self.path}: 'showers' must be 2-D (N, n_voxels), got {showers.shape}")
        if energies.shape not in ((showers.shape[0], 1), (showers.shape[0],)):
            raise ShowerFileError(
                f"{self.path}: 'incident_energies' has shape {energies.shape}, "
                f"expected ({showers.shape[0]}, 1)"
            )

    def __enter__(self) -> ShowerFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def __len__(self) -> int:
        return int(self._file[SHOWER_KEY].shape[0])

    @property
    def n_voxels(self) -> int:
        return int(self._file[SHOWER_KEY].shape[1])

    @property
    def attrs(self) -> dict[str, Any]:
        return {k: _decode_attr(v) for k, v in self._file.attrs.items()}

    def _load(self, key: str, rows: slice | np.ndarray) -> np.ndarray:
        """Rows of a dataset as float32; a damaged file gives a ShowerFileError, not an OSError."""
        try:
            return np.asarray(self._file[key][rows], dtype=np.float32)
        except OSError as exc:
            raise ShowerFileError(f"{self.path}: cannot read '{key}' ({exc})") from None

    def incident_energies(self) -> np.ndarray:
        """All incident energies (N,) in MeV: small even for 10^6 showers."""
        energies = self._load(ENERGY_KEY, slice(None)).reshape(-1)
        if self.validate:
            check_values(energies, np.zeros((0,)), str(self.path))
        return energies

    def read(self, start: int = 0, stop: int | None = None) -> Showers:
        """Showers ``start:stop`` (only those are read from disk)."""
        stop = len(self) if stop is None else min(stop, len(self))
        energies = self._load(ENERGY_KEY, slice(start, stop)).reshape(-1)
        showers = self._load(SHOWER_KEY, slice(start, stop))
        if self.validate:
            check_values(energies, showers, f"{self.path} (showers {start}-{stop})")
        return Showers(energies, showers, self.attrs)

    def take(self, indices: np.ndarray, chunk_size: int = DEFAULT_CHUNK) -> Showers:
        """The showers at sorted ``indices``, read chunk by chunk: only the chunks that hold a
        chosen shower are read, and memory holds one chunk plus the selection."""
        indices = np.asarray(indices, dtype=np.int64)
        if len(indices) and (np.any(np.diff(indices) <= 0) or indices[0] < 0 or indices[-1] >= len(self)):
            raise ValueError("indices must be sorted, unique and inside the file")
        parts = []
        for start in range(0, len(self), chunk_size):
            chosen = indices[(indices >= start) & (indices < start + chunk_size)]
            if len(chosen):
                chunk = self.read(start, int(chosen[-1]) + 1)
                parts.append(chunk.subset(chosen - start))
        if not parts:
            return Showers(np.zeros(0, np.float32), np.zeros((0, self.n_voxels), np.float32), self.attrs)
        return Showers.concatenate(parts)

    def iter_chunks(self, chunk_size: int = DEFAULT_CHUNK, limit: int | None = None) -> Iterator[Showers]:
        """Yield consecutive chunks of at most ``chunk_size`` showers (the first ``limit`` only)."""
        end = len(self) if limit is None else min(limit, len(self))
        for start in range(0, end, chunk_size):
            yield self.read(start, min(start + chunk_size, end))


def read_showers(path: str | os.PathLike[str], n: int | None = None, start: int = 0) -> Showers:
    """Read ``n`` showers from ``start`` (all by default) into memory."""
    with ShowerFile(path) as f:
        return f.read(start, None if n is None else start + n)


def read_random(path: str | os.PathLike[str], n_max: int | None, rng: np.random.Generator) -> Showers:
    """At most ``n_max`` showers drawn at random without replacement (in file order); only the
    chosen showers' chunks are read, so a subset of a 10^6-shower file costs the subset's memory."""
    with ShowerFile(path) as f:
        if n_max is None or len(f) <= n_max:
            return f.read()
        return f.take(np.sort(rng.choice(len(f), n_max, replace=False)))


def _provenance(attrs: dict[str, Any]) -> dict[str, Any]:
    return {"caloforge_version": __version__, **attrs}


def _create_datasets(f: h5py.File, n_voxels: int, compression: str | None) -> None:
    chunk_rows = max(1, min(1024, 2**20 // max(4 * n_voxels, 1)))
    f.create_dataset(ENERGY_KEY, shape=(0, 1), maxshape=(None, 1), dtype="f4", chunks=(chunk_rows, 1),
                     compression=compression)
    f.create_dataset(SHOWER_KEY, shape=(0, n_voxels), maxshape=(None, n_voxels), dtype="f4",
                     chunks=(chunk_rows, n_voxels), compression=compression)


def _append(f: h5py.File, showers: Showers) -> None:
    energies_ds, showers_ds = f[ENERGY_KEY], f[SHOWER_KEY]
    n0, n1 = showers_ds.shape[0], showers_ds.shape[0] + len(showers)
    energies_ds.resize((n1, 1))
    showers_ds.resize((n1, showers_ds.shape[1]))
    energies_ds[n0:n1] = showers.energies.reshape(-1, 1)
    showers_ds[n0:n1] = showers.showers


def write_showers(path: str | os.PathLike[str], showers: Showers, compression: str | None = "gzip") -> None:
    """Write a whole sample atomically (temporary name, then rename)."""
    with atomic_path(path) as tmp, h5py.File(tmp, "w") as f:
        _create_datasets(f, showers.n_voxels, compression)
        _append(f, showers)
        for key, value in _provenance(showers.attrs).items():
            f.attrs[key] = _encode_attr(value)


COMPLETE_ATTR = "caloforge_n_complete"


def _complete_rows(attrs: dict[str, Any], n_rows: int) -> int:
    """Rows of a ``.partial`` file whose data were flushed (older files: all of them)."""
    return min(int(attrs.get(COMPLETE_ATTR, n_rows)), n_rows)


def partial_energies(path: str | os.PathLike[str]) -> tuple[np.ndarray, dict[str, Any]]:
    """Incident energies of the complete showers of a ``.partial`` file, and its attributes: what
    a resume will keep (a chunk cut off half-way is dropped, see ``ShowerWriter``)."""
    with ShowerFile(path, validate=False) as f:
        energies, attrs = f.incident_energies(), f.attrs
    return energies[:_complete_rows(attrs, len(energies))], attrs


class ShowerWriter:
    """Append showers chunk by chunk to ``PATH.partial``; ``finish`` renames it to ``PATH``.

    An interrupted run leaves only the ``.partial`` file, never a truncated ``PATH``;
    ``resume=True`` reopens it and continues after the last complete chunk. The count of complete
    showers is recorded after each chunk's data is flushed, so a chunk cut off half-way (the
    datasets already grown, the rows not yet written) is dropped on resume, not kept as zeros.
    """

    def __init__(self, path: str | os.PathLike[str], n_voxels: int, attrs: dict[str, Any],
                 resume: bool = False, compression: str | None = "gzip") -> None:
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if resume and self.partial.exists():
            self._file = h5py.File(self.partial, "a")
            if SHOWER_KEY not in self._file or self._file[SHOWER_KEY].shape[1] != n_voxels:
                self._file.close()
                raise ShowerFileError(f"{self.partial}: cannot resume, it holds a different geometry")
            stored = {k: _decode_attr(v) for k, v in self._file.attrs.items()}
            for key in ("geometry", "seed", "particle"):
                if key in attrs and key in stored and str(stored[key]) != str(attrs[key]):
                    self._file.close()
                    raise ShowerFileError(
                        f"{self.partial}: cannot resume, it was written with {key}={stored[key]!r}"
                    )
            complete = _complete_rows(stored, self._file[SHOWER_KEY].shape[0])
            for key in (ENERGY_KEY, SHOWER_KEY):
                self._file[key].resize((complete, self._file[key].shape[1]))
        else:
            self._file = h5py.File(self.partial, "w")
            _create_datasets(self._file, n_voxels, compression)
        for key, value in _provenance(attrs).items():
            self._file.attrs[key] = _encode_attr(value)

    @property
    def n_written(self) -> int:
        return int(self._file[SHOWER_KEY].shape[0])

    def append(self, showers: Showers) -> None:
        """Append a chunk and flush it to disk, so that a later resume keeps it."""
        _append(self._file, showers)
        self._file.flush()
        self._file.attrs[COMPLETE_ATTR] = self.n_written
        self._file.flush()

    def finish(self) -> None:
        """Close the file and move it to its final name."""
        self._file.attrs.pop(COMPLETE_ATTR, None)
        self._file.close()
        os.replace(self.partial, self.path)

    def close(self) -> None:
        """Close without finishing (the ``.partial`` file stays for ``resume``)."""
        if self._file.id.valid:
            self._file.close()
