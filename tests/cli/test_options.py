"""One meaning per option name across commands (read off the typer app itself)."""

from __future__ import annotations

from typing import Any

import typer

from caloforge.cli.app import app


def _commands() -> dict[str, Any]:
    """Every command of the click tree typer builds (typer vendors click, so duck typing)."""
    group = typer.main.get_command(app)
    commands = dict(group.commands)  # type: ignore[attr-defined]
    for name, sub in list(commands.items()):
        if hasattr(sub, "commands"):
            commands.update({f"{name} {k}": v for k, v in sub.commands.items()})
    return commands


def _visible(command: Any) -> list[Any]:
    return [p for p in command.params if p.param_type_name == "option" and not p.hidden]


def test_short_flags_mean_one_thing() -> None:
    meaning: dict[str, set[str]] = {}
    for command in _commands().values():
        for option in _visible(command):
            for flag in option.opts + option.secondary_opts:
                if not flag.startswith("--"):
                    long = next(o for o in option.opts if o.startswith("--"))
                    meaning.setdefault(flag, set()).add(long)
    assert all(len(longs) == 1 for longs in meaning.values()), meaning
    assert meaning["-g"] == {"--geometry"}


def test_model_is_a_family_and_run_a_folder() -> None:
    commands = _commands()
    with_model = {name for name, c in commands.items() if any("--model" in o.opts for o in _visible(c))}
    with_run = {name for name, c in commands.items() if any(o.opts[0] in ("--run", "--runs") for o in _visible(c))}
    assert with_model == {"train", "demo"}
    assert with_run == {"generate", "export", "bench", "physics in-the-loop"}


def test_every_command_that_writes_refuses_to_overwrite_without_force() -> None:
    commands = _commands()
    for name in ("simulate", "generate", "evaluate", "export", "bench", "physics ep-separation",
                 "physics energy-regression", "physics anomaly", "physics in-the-loop"):
        assert any("--force" in o.opts for o in _visible(commands[name])), name
