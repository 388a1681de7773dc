"""The speed table of a ``bench.json``: one set of rows, rendered as Markdown (``bench.md``) here
and as HTML by the report (``caloforge.report.bench_section``). No torch import: the report
reads bench results without loading the benchmark machinery."""

from __future__ import annotations

from typing import Any

HEADER = ("contender", "energy", "batch", "ms/shower", "speed-up vs MC")


def format_speedup(value: float, unit: str = "x") -> str:
    """``1090x`` rather than ``1.09e+03x``; three significant digits below 100."""
    return (f"{value:,.0f}" if value >= 100 else f"{value:.3g}") + unit


def caption(result: dict[str, Any]) -> str:
    """One line: what was measured and how."""
    cond = result["conditions"]
    return (f"Geometry {cond['geometry']}, {cond['particle']}; {cond['threads']} CPU thread(s); "
            f"median of {cond['rounds']} interleaved rounds (min-max); warm-up excluded; "
            f"peak RSS {result['peak_rss_mb']:.0f} MB.")


def speed_rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    """One row per measured point (``HEADER``'s columns), then one per skipped point."""
    ups = {(r["contender"], r["energy_mev"], r["batch"]): r["speedup"] for r in result["speedups"]}
    rows = []
    for m in result["measurements"]:
        t = m["ms_per_shower"]
        up = ups.get((m["contender"], m["energy_mev"], m["batch"]))
        up_text = (f"{format_speedup(up['median'])} ({format_speedup(up['min'], '')}-{format_speedup(up['max'], '')})"
                   if up else f"1 (reference: {m['showers_per_s']:.3g} showers/s)" if "showers_per_s" in m
                   else "1 (reference)")
        batch = f"{m['batch']} per timed call" if m["contender"] == "monte-carlo" else str(m["batch"])
        rows.append((m["contender"], f"{m['energy_mev'] / 1e3:g} GeV", batch,
                     f"{t['median']:.4g} ({t['min']:.3g}-{t['max']:.3g})", up_text))
    for skip in result.get("skipped", []):
        rows.append((skip["contender"], f"{skip['energy_mev'] / 1e3:g} GeV", str(skip["batch"]),
                     f"skipped: {skip['reason']}", ""))
    return rows


def markdown_table(result: dict[str, Any]) -> str:
    """The speed table (ms/shower and speed-up over the Monte Carlo) as Markdown."""
    lines = [caption(result), "", "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in speed_rows(result)]
    return "\n".join(lines) + "\n"
