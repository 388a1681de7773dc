"""The speed table of ``caloforge bench`` as a report section (``caloforge evaluate --bench``).

``caloforge bench`` writes ``bench.json`` (the measurements) and, for people, ``bench.md``.
The report reads the JSON and renders the same rows as ``bench.md``
(``caloforge.bench.table``); every problem is an ``InputError`` (one-line message, exit 2).
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

from caloforge.bench.table import HEADER, caption, speed_rows
from caloforge.errors import InputError
from caloforge.io.json_input import read_json_input

TITLE = "Speed: model vs Monte Carlo"
REQUIRED_KEYS = ("conditions", "measurements", "speedups", "peak_rss_mb")


def bench_json_path(path: str | os.PathLike[str]) -> Path:
    """The bench.json for ``path``: a folder holding it, the file itself, or a bench.md beside it."""
    p = Path(path)
    if p.is_dir():
        p = p / "bench.json"
        if not p.is_file():
            raise InputError(f"{p.parent}: folder has no bench.json (run caloforge bench first)")
        return p
    if not p.is_file():
        raise InputError(f"bench file not found: {p}")
    if p.suffix == ".md":
        sibling = p.with_name("bench.json")
        if not sibling.is_file():
            raise InputError(f"{p}: the report reads the bench.json that caloforge bench writes beside "
                             f"bench.md, and there is none in {p.parent}")
        return sibling
    return p


def load_bench(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The measurements of a bench.json (see ``bench_json_path``), checked."""
    p = bench_json_path(path)
    result: Any = read_json_input(p)
    if not isinstance(result, dict) or any(k not in result for k in REQUIRED_KEYS):
        raise InputError(f"{p}: not a bench.json written by caloforge bench (needs keys "
                         f"{', '.join(REQUIRED_KEYS)})")
    return result


def bench_table_html(result: dict[str, Any], where: str = "bench.json") -> str:
    """The caption and the speed table of a bench result as HTML (every cell escaped)."""
    try:
        rows, text = speed_rows(result), caption(result)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{where}: malformed bench.json ({exc!r})") from None
    head = "".join(f"<th>{html.escape(c)}</th>" for c in HEADER)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<p>{html.escape(text)}</p><table><tr>{head}</tr>{body}</table>"


def bench_section(path: str | os.PathLike[str]) -> tuple[str, str]:
    """(title, html) of the speed table, for ``write_report``'s ``extra_sections``."""
    return TITLE, bench_table_html(load_bench(path), str(path))
