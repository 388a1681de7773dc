"""Shared CLI plumbing: one-line errors instead of tracebacks, and the console."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

from caloforge.errors import CaloForgeError, InputError
from caloforge.terminal import console, out

__all__ = ["EXIT_INTERRUPTED", "FORCE_OPTION", "RUN_NOT_MODEL", "SEED_OPTION", "console", "fail", "handle_errors",
           "out", "refuse_existing", "refuse_model_option"]
F = TypeVar("F", bound=Callable[..., Any])

EXIT_INTERRUPTED = 130


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` on one line and return the Exit to raise."""
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def handle_errors(func: F) -> F:
    """Turn user errors into one line and an exit code; Ctrl-C into a resume hint.

    Only errors a user can cause are caught (``CaloForgeError``, missing files, bad values).
    Bugs still show a traceback, because hiding them would hide the fix.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CaloForgeError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
            raise fail(f"{exc.strerror}: {exc.filename}") from None
        except KeyboardInterrupt:
            console.print("[yellow]interrupted[/]: finished work is kept; run the same command "
                          "again (with --resume where offered) to continue")
            sys.exit(EXIT_INTERRUPTED)

    return wrapper  # type: ignore[return-value]


SEED_OPTION = typer.Option(0, "--seed", help="Random seed; the same seed gives the same numbers.")
FORCE_OPTION = typer.Option(False, "--force", help="Overwrite the output if it exists.")
# ``--model`` names a model family (train, demo); a trained run folder is ``--run`` everywhere
RUN_NOT_MODEL = typer.Option(None, "--model", hidden=True, help="Renamed: give the run folder with --run.")


def refuse_existing(path: Path, force: bool, what: str = "") -> None:
    """One-line error when ``path`` exists and ``--force`` was not given (nothing is written)."""
    if path.exists() and not force:
        raise InputError(f"{path} exists{' (' + what + ')' if what else ''}: use --force to overwrite it")


def refuse_model_option(value: object) -> None:
    """``--model`` means a model family (train, demo); a run folder is given with ``--run``."""
    if value is not None:
        raise InputError("--model names a model family (caloforge train/demo); give the trained run folder "
                         "with --run")
