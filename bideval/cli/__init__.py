"""Command line (typer). Commands stay thin: load → evaluate → render → write.

One module per command group, each registering its commands on the one `app` (cli.app), in
the order `bideval --help` lists them. Heavy modules are imported inside the commands, so
`bideval --help` stays fast.
"""

from __future__ import annotations

from importlib import import_module

from bideval.cli.app import app

# Each group registers its commands on the app when imported, in the order the help lists them.
COMMAND_GROUPS = ("evaluate", "panel", "analyze", "inputs", "audit", "export", "ledger")
for _group in COMMAND_GROUPS:
    import_module(f"bideval.cli.{_group}")

__all__ = ["app", "main"]


def main() -> None:
    app(prog_name="bideval")
