"""The README's Python example runs as written (in a temporary folder)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_block(section: str) -> str:
    """The first ```python block after the heading ``section``."""
    text = README.read_text()
    start = text.index(section)
    match = re.search(r"```python\n(.*?)```", text[start:], re.S)
    assert match, f"no python block under {section}"
    return match.group(1)


@pytest.mark.slow  # simulates, trains and evaluates
def test_python_api_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(python_block("## Python API"), "README.md", "exec"), namespace)  # noqa: S102
    showers, test = namespace["showers"], namespace["test"]
    assert len(test.energies) == 200 and showers.shape == (200, 1296)
    assert showers.dtype.name == "float32" and (showers >= 0).all()
    metrics = namespace["metrics"]
    assert 0.0 <= metrics["auc_low"] <= 1.0 and metrics["auc_low_noise"] > 0.03 and metrics["warnings"]
    assert (tmp_path / "report" / "report.html").is_file() and (tmp_path / "runs" / "flow" / "model.pt").is_file()
