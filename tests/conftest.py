"""Test-wide settings: no progress bars, few threads (CI has 2 cores), fixed seeds."""

from __future__ import annotations

import os

os.environ.setdefault("CALOFORGE_NO_PROGRESS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _few_threads() -> None:
    """Keep torch to one thread so parallel tests and CI's 2 cores are not oversubscribed."""
    try:
        import torch
    except ImportError:  # pragma: no cover
        return
    torch.set_num_threads(1)
