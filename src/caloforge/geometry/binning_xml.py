"""Read and write the CaloChallenge binning XML format.

``<Bins><Bin pid=".." name=".."><Layer id=".." r_edges="0,5,.." n_bin_alpha=".."/>...``
(the CaloChallenge 2022 format, arXiv:2410.21611). Strip layers, which the challenge format cannot
express, use a CaloForge extension: ``<Layer id=".." kind="strip" axis="x" n_cells="72"
pitch="9"/>``. Other attributes of ``<Bin>`` (etaMin, etaMax, ...) are kept for round trips.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import quoteattr

from caloforge.atomic import write_text_atomic
from caloforge.errors import GeometryError
from caloforge.geometry.binning import LayerBinning, Readout


def _format_edge(value: float) -> str:
    return f"{value:.10g}"


def _parse_layer(element: ET.Element, source: str) -> LayerBinning:
    attrib = element.attrib
    try:
        layer_id = int(attrib["id"])
        if attrib.get("kind", "polar") == "strip":
            return LayerBinning(
                id=layer_id, kind="strip", axis=attrib.get("axis", "x"),
                n_cells=int(attrib["n_cells"]), pitch=float(attrib["pitch"]),
            )
        edges = tuple(float(v) for v in attrib["r_edges"].split(","))
        return LayerBinning(id=layer_id, r_edges=edges, n_alpha=int(attrib.get("n_bin_alpha", 1)))
    except (KeyError, ValueError) as exc:
        raise GeometryError(f"{source}: malformed <Layer {attrib}>: {exc}") from None


def readout_from_xml_string(text: str, source: str = "<string>", particle: str | None = None) -> Readout:
    """Parse a binning XML document; ``particle`` picks a ``<Bin name=..>`` (default: the first)."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise GeometryError(f"{source}: not a valid XML binning file ({exc})") from None
    bins = root.findall("Bin") if root.tag == "Bins" else []
    if not bins:
        raise GeometryError(f"{source}: no <Bins><Bin> element (not a CaloChallenge binning file)")
    chosen = bins[0] if particle is None else next((b for b in bins if b.get("name") == particle), None)
    if chosen is None:
        raise GeometryError(f"{source}: no <Bin name={particle!r}>")
    layers = tuple(_parse_layer(layer, source) for layer in chosen.findall("Layer"))
    extra = {k: v for k, v in chosen.attrib.items() if k not in ("pid", "name")}
    return Readout(
        layers=layers, particle=chosen.get("name", "unknown"),
        pid=int(chosen.get("pid", "0")), extra_attributes=extra,
    )


def read_binning_xml(path: str | os.PathLike[str], particle: str | None = None) -> Readout:
    """Read a binning XML file (any of the CaloChallenge files, or one written by CaloForge)."""
    path = Path(path)
    if not path.is_file():
        raise GeometryError(f"binning file {path} does not exist")
    return readout_from_xml_string(path.read_text(encoding="utf-8"), str(path), particle)


def readout_to_xml_string(readout: Readout) -> str:
    """Serialise a readout in the CaloChallenge layout (one ``<Layer>`` per line)."""
    bin_attrs = {"pid": str(readout.pid), **readout.extra_attributes, "name": readout.particle}
    head = " ".join(f"{k}={quoteattr(str(v))}" for k, v in bin_attrs.items())
    lines = ["<Bins>", f"   <Bin {head}>"]
    for layer in readout.layers:
        if layer.kind == "strip":
            body = (f'kind="strip" axis="{layer.axis}" n_cells="{layer.n_cells}" '
                    f'pitch="{_format_edge(layer.pitch)}"')
        else:
            edges = ",".join(_format_edge(e) for e in layer.r_edges)
            body = f'r_edges="{edges}" n_bin_alpha="{layer.n_alpha}"'
        lines.append(f'      <Layer id="{layer.id}" {body} />')
    lines += ["   </Bin>", "</Bins>", ""]
    return "\n".join(lines)


def write_binning_xml(readout: Readout, path: str | os.PathLike[str]) -> None:
    """Write a readout as binning XML, atomically."""
    write_text_atomic(path, readout_to_xml_string(readout))
