"""``caloforge simulate`` and the resumable runner: determinism, workers, resume, user errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from caloforge.cli.app import app
from caloforge.errors import InputError
from caloforge.io import ShowerWriter, read_showers
from caloforge.mc.runner import RunSpec, run

runner = CliRunner()
SPEC = RunSpec("ams-ecal", "e-", "500MeV:2GeV", n=12, seed=7)


def _same(a: Path, b: Path) -> None:
    x, y = read_showers(a), read_showers(b)
    np.testing.assert_array_equal(x.energies, y.energies)
    np.testing.assert_array_equal(x.showers, y.showers)


def test_same_seed_same_file_and_other_seed_differs(tmp_path: Path) -> None:
    run(SPEC, tmp_path / "a.h5", chunk_size=5)
    run(SPEC, tmp_path / "b.h5", chunk_size=3)  # chunking does not change the showers
    _same(tmp_path / "a.h5", tmp_path / "b.h5")
    other = RunSpec("ams-ecal", "e-", "500MeV:2GeV", n=12, seed=8)
    run(other, tmp_path / "c.h5")
    assert not np.array_equal(read_showers(tmp_path / "a.h5").showers, read_showers(tmp_path / "c.h5").showers)


def test_two_workers_equal_one_worker(tmp_path: Path) -> None:
    run(SPEC, tmp_path / "one.h5", workers=1, chunk_size=4)
    run(SPEC, tmp_path / "two.h5", workers=2, chunk_size=4)
    _same(tmp_path / "one.h5", tmp_path / "two.h5")


def test_interrupted_and_resumed_equals_uninterrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(SPEC, tmp_path / "full.h5", chunk_size=5)
    original, calls = ShowerWriter.append, {"n": 0}

    def interrupt_second(self: ShowerWriter, showers: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        original(self, showers)  # type: ignore[arg-type]

    monkeypatch.setattr(ShowerWriter, "append", interrupt_second)
    with pytest.raises(KeyboardInterrupt):
        run(SPEC, tmp_path / "cut.h5", chunk_size=5)
    monkeypatch.setattr(ShowerWriter, "append", original)
    assert not (tmp_path / "cut.h5").exists() and (tmp_path / "cut.h5.partial").exists()
    assert read_showers(tmp_path / "cut.h5.partial").energies.size == 5
    new = run(SPEC, tmp_path / "cut.h5", resume=True, chunk_size=4)  # other chunking on resume
    assert new == 7
    _same(tmp_path / "full.h5", tmp_path / "cut.h5")


def test_resume_refuses_other_settings(tmp_path: Path) -> None:
    writer = ShowerWriter(tmp_path / "x.h5", 1296, SPEC.attrs())
    writer.close()
    other = RunSpec("ams-ecal", "e-", "1GeV", n=12, seed=7)
    with pytest.raises(InputError, match="energy"):
        run(other, tmp_path / "x.h5", resume=True)


def test_cli_writes_challenge_file_with_provenance(tmp_path: Path) -> None:
    out = tmp_path / "ref.h5"
    args = ["simulate", "--geometry", "ams-ecal", "--particle", "gamma", "--energy", "1GeV,2GeV", "--n", "4",
            "--seed", "3", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    showers = read_showers(out)
    assert showers.showers.shape == (4, 1296)
    np.testing.assert_allclose(showers.energies, [1000, 2000, 1000, 2000])
    assert showers.attrs["generator"] == "caloforge-mc" and showers.particle == "photon"
    assert showers.attrs["seed"] == 3 and "gamma_cut" in showers.attrs["cuts"]
    again = runner.invoke(app, args)  # existing output without --force / --resume
    assert again.exit_code == 2 and "--force" in again.output


@pytest.mark.parametrize("extra, message", [
    (["--geometry", "nope"], "unknown geometry"),
    (["--n", "0"], "positive"),
    (["--energy", "ten GeV"], "energy"),
    (["--energy", "10"], "needs a unit"),
    (["--particle", "tau"], "particle"),
    (["--e-cut", "1keV"], "cut"),
    (["--workers", "0"], "workers"),
])
def test_cli_bad_input_is_one_line_error(tmp_path: Path, extra: list[str], message: str) -> None:
    args = ["simulate", "--energy", "1GeV", "--n", "2", "--out", str(tmp_path / "o.h5")]
    for i in range(0, len(extra), 2):
        if extra[i] in args:
            args[args.index(extra[i]) + 1] = extra[i + 1]
        else:
            args += extra[i:i + 2]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "error:" in result.output and message in result.output.lower()
    assert len(result.output.strip().splitlines()) == 1


def test_cli_refuses_binning_only_geometry(tmp_path: Path) -> None:
    from caloforge.geometry import LayerBinning, Readout, write_binning_xml

    xml = tmp_path / "binning.xml"  # a binning that matches no registered detector: no material stack
    write_binning_xml(Readout(layers=(LayerBinning(id=0, r_edges=(0.0, 5.0, 10.0)),)), xml)
    result = runner.invoke(app, ["simulate", "--geometry", str(xml), "--energy", "1GeV", "--n", "1",
                                 "--out", str(tmp_path / "o.h5")])
    assert result.exit_code == 2 and "cannot be simulated" in result.output


def test_ctrl_c_with_workers_keeps_finished_chunks(tmp_path: Path) -> None:
    import os
    import signal

    def ctrl_c_after_first_chunk(done: int, total: int) -> None:
        if done == 3:
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        run(SPEC, tmp_path / "w.h5", workers=2, chunk_size=3, on_chunk=ctrl_c_after_first_chunk)
    kept = read_showers(tmp_path / "w.h5.partial")
    assert 3 <= len(kept) < SPEC.n
    run(SPEC, tmp_path / "w.h5", workers=2, resume=True, chunk_size=5)
    run(SPEC, tmp_path / "ref.h5")
    _same(tmp_path / "w.h5", tmp_path / "ref.h5")


def test_resume_redoes_a_chunk_cut_off_half_way(tmp_path: Path) -> None:
    import h5py

    def ctrl_c_after_first_chunk(done: int, total: int) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(SPEC, tmp_path / "w.h5", chunk_size=3, on_chunk=ctrl_c_after_first_chunk)
    with h5py.File(tmp_path / "w.h5.partial", "a") as f:  # grown for the next chunk, never written
        f["incident_energies"].resize((5, 1))
        f["showers"].resize((5, f["showers"].shape[1]))
    run(SPEC, tmp_path / "w.h5", resume=True, chunk_size=3)
    run(SPEC, tmp_path / "ref.h5")
    _same(tmp_path / "w.h5", tmp_path / "ref.h5")


def test_matching_binning_xml_stands_for_its_detector(tmp_path: Path) -> None:
    from caloforge.geometry import get_geometry, write_binning_xml

    xml = tmp_path / "ams.xml"
    write_binning_xml(get_geometry("ams-ecal").readout, xml)
    spec = RunSpec(str(xml), "e-", "1GeV", n=2, seed=1)
    assert spec.geometry == "ams-ecal"
    run(spec, tmp_path / "x.h5")
    run(RunSpec("ams-ecal", "e-", "1GeV", n=2, seed=1), tmp_path / "y.h5")
    _same(tmp_path / "x.h5", tmp_path / "y.h5")
