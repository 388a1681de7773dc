"""A model.pt or checkpoint.pt from someone else cannot run code: both load with weights_only."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from caloforge.errors import InputError
from caloforge.models import load_model
from caloforge.training.checkpoint import load_checkpoint


class Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("loader", [load_model, load_checkpoint])
def test_pickle_with_a_payload_is_refused(loader, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "model.pt"
    with open(path, "wb") as f:
        pickle.dump({"format": "caloforge-model/1", "x": Payload(marker)}, f)
    with pytest.raises(InputError, match="cannot read"):
        loader(path)
    assert not marker.exists()
