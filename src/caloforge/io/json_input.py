"""JSON files written by other CaloForge commands and read back as inputs (bench.json,
physics.json): one-line errors for a file that is not JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from caloforge.errors import InputError


def read_json_input(path: Path) -> Any:
    """The parsed JSON of ``path``; ``InputError`` if it is not UTF-8 JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from None
