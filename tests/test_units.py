"""Energy parsing of the CLI, in MeV."""

from __future__ import annotations

import numpy as np
import pytest

from caloforge.errors import InputError
from caloforge.units import GeV, draw_energies, format_energy, parse_energy, parse_energy_spec


def test_parse_energy() -> None:
    assert parse_energy("10GeV") == 10 * GeV
    assert parse_energy("512 MeV") == 512.0
    with pytest.raises(InputError, match="needs a unit"):
        parse_energy("250")
    assert parse_energy("1.5e2keV") == pytest.approx(0.15)


@pytest.mark.parametrize("text", ["", "ten GeV", "10 parsec", "-1GeV", "0"])
def test_bad_energy(text: str) -> None:
    with pytest.raises(InputError):
        parse_energy(text)


def test_specs_and_draws() -> None:
    assert parse_energy_spec("1GeV:100GeV")[0] == "range"
    kind, values = parse_energy_spec("1GeV,2GeV")
    assert kind == "list" and values.tolist() == [1000.0, 2000.0]
    rng = np.random.default_rng(0)
    draws = draw_energies("1GeV:100GeV", 20000, rng)
    assert draws.min() >= 1000 and draws.max() <= 1e5
    # log-uniform: the median sits at the geometric mean, 10 GeV
    assert np.median(draws) == pytest.approx(1e4, rel=0.05)
    assert draw_energies("1GeV,4GeV", 5, rng).tolist() == [1000, 4000, 1000, 4000, 1000]
    with pytest.raises(InputError):
        parse_energy_spec("100GeV:1GeV")
    assert format_energy(1e4) == "10 GeV"
