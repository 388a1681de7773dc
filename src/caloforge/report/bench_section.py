"""The speed table of ``caloforge bench`` as a report section (``caloforge evaluate --bench``).

``caloforge bench`` writes ``bench.json`` (the measurements) and ``bench.md`` (a caption line and
one Markdown pipe table) into its output folder. This module finds and checks them and renders
the table as HTML; every problem is an ``InputError`` (one-line message, exit code 2).
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

from caloforge.errors import InputError

TITLE = "Speed: model vs Monte Carlo"
REQUIRED_KEYS = ("conditions", "measurements", "speedups", "peak_rss_mb")


def markdown_table_html(markdown: str) -> str:
    """HTML for Markdown made of caption lines and one pipe table (header, rule, rows)."""
    lines = [line.strip() for line in markdown.splitlines() if line.strip()]
    caption = [line for line in lines if not line.startswith("|")]
    table = [line for line in lines if line.startswith("|") and not set(line) <= set("|-: ")]
    cells = [[html.escape(c.strip()) for c in line.strip("|").split("|")] for line in table]
    if not cells:
        raise InputError("the bench Markdown has no table (expected bench.md from caloforge bench)")
    head = "".join(f"<th>{c}</th>" for c in cells[0])
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in cells[1:])
    return f"<p>{html.escape(' '.join(caption))}</p><table><tr>{head}</tr>{body}</table>"


def _from_json(path: Path) -> str:
    """Markdown of a bench.json: its sibling bench.md when present, else rendered from the JSON."""
    try:
        result: Any = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(result, dict) or any(k not in result for k in REQUIRED_KEYS):
        raise InputError(f"{path}: not a bench.json written by caloforge bench (needs keys "
                         f"{', '.join(REQUIRED_KEYS)})")
    sibling = path.with_name("bench.md")
    if sibling.is_file():
        return sibling.read_text()
    from caloforge.bench.run import markdown_table  # heavy (torch); only needed here

    try:
        return markdown_table(result)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{path}: malformed bench.json ({exc!r})") from None


def load_bench_markdown(path: str | os.PathLike[str]) -> str:
    """The Markdown speed table for ``path``: a folder holding bench.md (or bench.json), a
    bench.json, or a bench.md. Raises ``InputError`` when missing or invalid."""
    p = Path(path)
    if p.is_dir():
        if (p / "bench.md").is_file():
            return (p / "bench.md").read_text()
        if (p / "bench.json").is_file():
            return _from_json(p / "bench.json")
        raise InputError(f"{p}: folder has no bench.md or bench.json (run caloforge bench first)")
    if not p.is_file():
        raise InputError(f"bench file not found: {p}")
    if p.suffix == ".json":
        return _from_json(p)
    try:
        return p.read_text()
    except UnicodeDecodeError:
        raise InputError(f"{p}: not a text file (expected bench.md or bench.json)") from None


def bench_section(path: str | os.PathLike[str]) -> tuple[str, str]:
    """(title, html) of the speed table, for ``write_report``'s ``extra_sections``."""
    return TITLE, markdown_table_html(load_bench_markdown(path))
