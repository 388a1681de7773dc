"""``caloforge geometry list|show``."""

from __future__ import annotations

import typer
from rich.table import Table

from caloforge.cli.common import handle_errors, out
from caloforge.geometry import get_geometry, get_material, list_geometries

app = typer.Typer(help="Detector geometries: list them, or show one (by name or binning XML file).",
                  no_args_is_help=True)


@app.command("list")
@handle_errors
def list_command() -> None:
    """List the registered geometries."""
    table = Table("name", "depth [X0]", "layers", "voxels", "description")
    for name in list_geometries():
        g = get_geometry(name)
        table.add_row(name, f"{g.depth_X0():.1f}", str(len(g.readout.active_layers)),
                      str(g.n_voxels), g.description)
    out.print(table)


@app.command("show")
@handle_errors
def show_command(name: str = typer.Argument(..., help="Geometry name or binning .xml file.")) -> None:
    """Materials, depth in X0, cells per layer and voxel count of one geometry."""
    g = get_geometry(name)
    summary = g.summary()
    table = Table("property", "value", title=f"geometry {g.name}")
    for key, value in summary.items():
        table.add_row(key, str(value))
    out.print(table)
    if g.slabs:
        mats = Table("material", "density [g/cm3]", "X0 [g/cm2]", "X0 [mm]", "R_M [mm]", "E_c [MeV]",
                     "lambda_I [mm]", "dE/dx_min [MeV cm2/g]", "Birks kB [mm/MeV]", "active", title="materials (PDG)")
        active = {name for s in g.slabs for name, _, read_out in s.composition() if read_out}
        for mname in g.material_names():
            m = get_material(mname)
            mats.add_row(mname, f"{m.density:.3f}", f"{m.X0_g_cm2:.2f}", f"{m.X0_mm:.2f}",
                         f"{10 * m.moliere_radius_cm:.2f}", f"{m.critical_energy_mev:.2f}",
                         f"{10 * m.interaction_length_cm:.0f}", f"{m.dedx_min:.3f}",
                         f"{m.birks_mm_per_mev:.4f}" if m.birks_mm_per_mev else "-", "yes" if mname in active else "no")
        out.print(mats)
    layers = Table("id", "kind", "measures", "shape", "voxels", title="readout layers")
    for layer in g.readout.active_layers:
        layers.add_row(str(layer.id), layer.kind, layer.measures, str(layer.shape), str(layer.n_voxels))
    out.print(layers)
