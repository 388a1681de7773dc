"""Self-contained HTML report: every plot is embedded as a base64 PNG data URI, so the single
file can be mailed or attached to an issue. The summary table at the top gives each headline
number with a verdict colour (thresholds in ``caloforge.validate.verdicts``).

``extra_sections`` lets other tools (demo, benchmarks) append (title, html) sections, e.g. a
speed table, a geometry summary or event displays.
"""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from caloforge.atomic import atomic_path, write_text_atomic
from caloforge.validate import verdicts as vd
from caloforge.validate.diversity import DUPLICATE_COSINE

COLOURS = {"green": "#c8e6c9", "amber": "#ffe0b2", "red": "#ffcdd2", "grey": "#eeeeee"}
CSS = """body{font-family:sans-serif;max-width:1200px;margin:auto;padding:1em}
table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #bbb;padding:3px 8px;
font-size:14px;text-align:left}img{max-width:100%;margin:4px 0}h2{border-bottom:1px solid #888}
.fig{display:inline-block;vertical-align:top;max-width:49%}.wide{max-width:100%}"""


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return html.escape(str(value))


def _pm(value: Any, err: Any) -> str:
    return f"{_fmt(value)} &plusmn; {_fmt(err, 2)}" if err is not None else _fmt(value)


def _row(cells: Iterable[str], colour: str | None = None) -> str:
    style = f' style="background:{COLOURS[colour]}"' if colour else ""
    return f"<tr{style}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _null_auc(m: Mapping[str, Any], level: str) -> str:
    detectable = m.get(f"auc_{level}_detectable")
    seen = f" (sees AUC &gt; {_fmt(detectable, 3)})" if detectable is not None else ""
    return _pm(0.5, m.get(f"auc_{level}_noise")) + seen


def power_rows(power: Mapping[str, Any] | None) -> list[str]:
    """The power check's rows: Monte Carlo half against half, as it is and with a known distortion."""
    if not power:
        return []
    pct = f"{100 * power['scale']:.3g} %"
    rows = []
    for level in ("low", "high"):
        colour = "green" if power[f"detected_{level}"] else "amber"
        rows.append(_row([f"power check, {level} level: MC half vs half x (1 + {pct}), {power['n_per_side']} a side",
                          f"{_fmt(power[f'auc_{level}_null'])} (half vs half)",
                          _fmt(power[f"auc_{level}_distorted"]),
                          "seen" if power[f"detected_{level}"] else "not seen"], colour))
    return rows


def summary_rows(m: Mapping[str, Any], v: Mapping[str, Any]) -> list[str]:
    """One row per headline metric: name, reference, generated / value, verdict."""
    rows = [_row(["classifier AUC, low level (voxels)", _null_auc(m, "low"), _fmt(m["auc_low"]),
                  v["auc_low"]], v["auc_low"]),
            _row(["classifier AUC, high level", _null_auc(m, "high"), _fmt(m["auc_high"]),
                  v["auc_high"]], v["auc_high"]),
            *power_rows(m.get("power")),
            _row(["classifier JSD, low level", "0", _fmt(m["jsd_low"]), v["jsd_low"]], v["jsd_low"]),
            _row(["classifier JSD, high level", "0", _fmt(m["jsd_high"]), v["jsd_high"]], v["jsd_high"]),
            _row(["FPD (standardised high-level)", f"floor {_fmt(m['fpd_ref_floor'])}",
                  _pm(m["fpd"], m["fpd_err"]), v["fpd"]], v["fpd"]),
            _row(["KPD (standardised high-level)", f"floor {_fmt(m['kpd_ref_floor'])}",
                  _pm(m["kpd"], m["kpd_err"]), v["kpd"]], v["kpd"])]
    sep = v["separation_power"]
    worst = max(m["separation_power"], key=m["separation_power"].get, default=None)
    if worst is not None:
        colour = vd.worst(list(sep.values()))
        rows.append(_row([f"separation power: {len(m['flagged_features'])} of {len(sep)} features "
                          f"flagged; largest", "0", f"{html.escape(worst)}: "
                          f"{_fmt(m['separation_power'][worst])}", colour], colour))
    for name, w in m["w1"].items():
        c = v["w1"][name]
        unit = f" [{html.escape(w['unit'])}]" if w.get("unit") else ""
        rows.append(_row([f"W1 {html.escape(name)}{unit} (ratio to ref floor)", _pm(w["floor"], w["floor_error"]),
                          f"{_pm(w['value'], w['error'])} (x{_fmt(w['ratio'], 3)})", c], c))
    rows.append(_row(["mean SSIM of energy-neighbour pairs (higher = less diverse)",
                      _pm(m["ssim_ref"], m["ssim_ref_err"]), _pm(m["ssim_gen"], m["ssim_gen_err"]),
                      v["ssim"]], v["ssim"]))
    rows.append(_row([f"near-duplicate pairs among {m['support_k']} (support size; cosine of "
                      f"sqrt voxel energies &gt; {DUPLICATE_COSINE})",
                      f"{m['duplicate_pairs_ref']} ({_support(m, 'ref')})",
                      f"{m['duplicate_pairs_gen']} ({_support(m, 'gen')})", v["duplicates"]],
                     v["duplicates"]))
    rows.append(_row(["multi-peak fraction (rare events)", _pm(m["multipeak_ref"], m["multipeak_ref_err"]),
                      _pm(m["multipeak_gen"], m["multipeak_gen_err"]), v["multipeak"]], v["multipeak"]))
    return rows


def separation_table(m: Mapping[str, Any], v: Mapping[str, Any]) -> str:
    """Every feature's separation power, noise floor and verdict (collapsed by default),
    worst first."""
    sep, floor = m["separation_power"], m.get("separation_noise_floor", {})
    rows = [_row([html.escape(k), _fmt(sep[k]), _fmt(floor.get(k)), v["separation_power"][k]],
                 v["separation_power"][k]) for k in sorted(sep, key=lambda k: -(sep[k] or 0.0))]
    return ("<details><summary>Separation power of all "
            f"{len(sep)} features (flagged: {len(m['flagged_features'])})</summary><table>"
            "<tr><th>feature</th><th>S</th><th>noise floor</th><th>verdict</th></tr>"
            + "".join(rows) + "</table></details>")


def classifier_table(m: Mapping[str, Any]) -> str:
    """Training details of the two classifier tests (best epoch, its test accuracy, N eval)."""
    rows = [_row([name, _fmt(c.get("auc")), _fmt(c.get("jsd")), _fmt(c.get("best_epoch")),
                  _fmt(c.get("test_accuracy")), _fmt(c.get("n_eval"))])
            for name, c in (m.get("classifier") or {}).items()]
    return ("<table><tr><th>inputs</th><th>AUC</th><th>JSD</th><th>best epoch</th>"
            "<th>test accuracy</th><th>showers in evaluation split</th></tr>"
            + "".join(rows) + "</table>")


def _support(m: Mapping[str, Any], which: str) -> str:
    s = m[f"support_{which}"]
    return f"~{_fmt(s, 3)}" if s is not None else f"&gt; {_fmt(m[f'support_{which}_lower'], 3)}"


def _img(png: bytes, name: str, wide: bool) -> str:
    data = base64.b64encode(png).decode("ascii")
    cls = "fig wide" if wide else "fig"
    return (f'<div class="{cls}"><img alt="{html.escape(name)}" '
            f'src="data:image/png;base64,{data}"></div>')


def render(metrics: Mapping[str, Any], figures: Mapping[str, bytes],
           extra_sections: Iterable[tuple[str, str]] = ()) -> str:
    """The report as one HTML string."""
    v = metrics.get("verdicts") or vd.all_verdicts(dict(metrics))
    cond = metrics.get("conditions", {})
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>CaloForge evaluation</title>"
             f"<style>{CSS}</style></head><body><h1>CaloForge evaluation</h1>",
             *(f"<p style='background:{COLOURS['amber']}'>warning: {html.escape(w)}</p>"
               for w in metrics.get("warnings", [])),
             "<h2>Summary</h2><table><tr><th>metric</th><th>Monte Carlo vs itself (noise / floor)</th>"
             "<th>generated</th><th>verdict</th></tr>", *summary_rows(metrics, v), "</table>",
             "<p>Verdicts: AUC green &lt; 0.60, amber &lt; 0.75; JSD green &lt; 0.05, amber &lt; 0.2; "
             "W1 ratio green &lt; 2, amber &lt; 5; FPD/KPD green below max(3 err, ref floor); "
             "diversity (1 - SSIM) ratio green in [0.8, 1.25]; separation power flagged above twice its finite-sample "
             "floor and 0.005. Details: caloforge.validate.verdicts.</p>",
             "<h2>Conditions</h2><table>",
             *(_row([html.escape(str(k)), _fmt(val)]) for k, val in cond.items()), "</table>"]
    tables = {"features": separation_table(metrics, v), "classifier": classifier_table(metrics)}
    for section, wide in (("features", False), ("layers", True), ("profiles", True),
                          ("images", True), ("classifier", False)):
        names = [n for n in figures if n.startswith(section + "_")]
        if names or section in tables:
            parts.append(f"<h2>{section.capitalize()}</h2>{tables.get(section, '')}")
            parts.extend(_img(figures[n], n, wide) for n in names)
    for title, body in extra_sections:
        parts.append(f"<h2>{html.escape(title)}</h2>{body}")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(out_dir: str | os.PathLike[str], metrics: Mapping[str, Any],
                 figures: Mapping[str, bytes], extra_sections: Iterable[tuple[str, str]] = ()) -> Path:
    """Write ``plots/NAME.png`` for each figure and ``report.html``; returns the HTML path.
    ``extra_sections``: (title, html body) pairs appended after the plots."""
    out = Path(out_dir)
    (out / "plots").mkdir(parents=True, exist_ok=True)
    for name, png in figures.items():
        with atomic_path(out / "plots" / f"{name}.png") as tmp:
            tmp.write_bytes(png)
    target = out / "report.html"
    write_text_atomic(target, render(metrics, figures, list(extra_sections)))
    return target
