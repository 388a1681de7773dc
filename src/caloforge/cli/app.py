"""The ``caloforge`` command line. Each command lives in its own module under caloforge.cli."""

from __future__ import annotations

import typer

from caloforge import __version__
from caloforge.cli import (
    bench_cmd,
    demo_cmd,
    evaluate_cmd,
    export_cmd,
    generate_cmd,
    geometry_cmd,
    info_cmd,
    physics_cmd,
    simulate_cmd,
    train_cmd,
)

app = typer.Typer(
    name="caloforge",
    help="Generative fast simulation of calorimeter showers: simulate, train, generate, "
         "evaluate, benchmark.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"caloforge {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """CaloForge command line."""


app.add_typer(geometry_cmd.app, name="geometry")
app.command("info")(info_cmd.info)
# -- commands of later stages register below, one line each ---------------------------------
app.command("train")(train_cmd.train)
app.command("generate")(generate_cmd.generate)
app.command("simulate")(simulate_cmd.simulate)
app.command("export")(export_cmd.export)
app.command("bench")(bench_cmd.bench)
app.command("demo")(demo_cmd.demo)
app.command("evaluate")(evaluate_cmd.evaluate)
app.add_typer(physics_cmd.app, name="physics")


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
