"""Console output of `verify` and `regenerate`: a row per file, notes, a summary."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bideval.audit.verify import Verdict
from bideval.render.terminal import visible

STYLE = {"identical": "green", "differs": "red", "missing": "red", "unexpected": "yellow"}


def render_verdict(verdict: Verdict, console: Console) -> None:
    table = Table(title=Text(visible(verdict.archive)), title_justify="left")
    table.add_column("file")
    table.add_column("status")
    table.add_column("detail")
    for check in verdict.checks:
        status = Text(check.status, style=STYLE[check.status])
        table.add_row(Text(visible(check.name)), status, Text(visible(check.detail)))
    console.print(table)
    for note in verdict.notes:
        console.print(Text(visible(f"note: {note}"), style="yellow"))
    summary = "verified: every file identical" if verdict.ok else "NOT verified: see the rows above"
    console.print(Text(summary, style="bold green" if verdict.ok else "bold red"))


def summary_table(rows: list[tuple[str, Verdict | None, str]]) -> Table:
    """One row per archive: identical/total files and the verdict (or why it could not be checked)."""
    table = Table(title="regeneration summary", title_justify="left")
    for column in ("archive", "files identical", "verdict", "detail"):
        table.add_column(column)
    for name, verdict, error in rows:
        if verdict is None:
            table.add_row(Text(visible(name)), "–", Text("refused", style="red"), Text(visible(error)))
            continue
        same = sum(c.status == "identical" for c in verdict.checks)
        first = next((f"{c.name}: {c.detail}" for c in verdict.checks if c.status != "identical"), "")
        status = Text("verified", style="green") if verdict.ok else Text("differs", style="red")
        table.add_row(Text(visible(name)), f"{same}/{len(verdict.checks)}", status, Text(visible(first)))
    return table
