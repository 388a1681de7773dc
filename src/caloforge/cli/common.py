"""Shared CLI plumbing: one-line errors instead of tracebacks, and the console."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from caloforge.errors import CaloForgeError
from caloforge.terminal import console, out

__all__ = ["EXIT_INTERRUPTED", "SEED_OPTION", "console", "fail", "handle_errors", "out"]
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
