"""The two consoles every part of CaloForge writes to: messages and progress on stderr, results
on stdout. A base module, so that samplers and the trainer can show progress without depending
on the command line."""

from __future__ import annotations

from rich.console import Console

console = Console(stderr=True)  # progress bars, warnings, errors
out = Console()  # results a user may pipe into a file
