"""Command line (typer). Commands stay thin: load → evaluate → render → write.

One module per command group, each registering its commands on the one `app` (cli.app), in
the order `bideval --help` lists them. Heavy modules are imported inside the commands, so
`bideval --help` stays fast.
"""

from __future__ import annotations

# Imported for their commands, in the order the help lists them.
from bideval.cli import evaluate  # noqa: F401, I001
from bideval.cli import panel  # noqa: F401
from bideval.cli import analyze  # noqa: F401
from bideval.cli import inputs  # noqa: F401
from bideval.cli import audit  # noqa: F401
from bideval.cli.app import app
from bideval.cli.audit import PASSPHRASE_ENV  # noqa: F401  (tests read the name)

__all__ = ["app", "main"]


def main() -> None:
    app(prog_name="bideval")
