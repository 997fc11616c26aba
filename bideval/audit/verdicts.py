"""Console output of `verify` and `regenerate`: a row per file, notes, the decision, a summary."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bideval.audit.decision import limited
from bideval.audit.verify import Verdict
from bideval.render.terminal import visible

STYLE = {"identical": "green", "rendering": "cyan", "differs": "red", "missing": "red", "unexpected": "yellow"}


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
    if verdict.decision:
        count = len(verdict.decision)
        console.print(Text(f"the decision changed ({count} difference{'s' if count > 1 else ''}):", style="bold red"))
        for line in limited(verdict.decision):
            console.print(Text(visible(f"  {line}"), style="red"))
    console.print(Text(summary(verdict), style="bold green" if verdict.ok else "bold red"))


def summary(verdict: Verdict) -> str:
    """The one-line verdict: what was proven, or why not."""
    if not verdict.ok:
        why = "the decision changed" if verdict.decision else "see the rows above"
        return f"NOT verified: {why}"
    rendering = len(verdict.rendering)
    if not rendering:
        return "verified: every file identical"
    outputs = "1 output differs" if rendering == 1 else f"{rendering} outputs differ"
    return f"verified: the decision is identical; {outputs} in rendering only (explained above)"


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
        first = first_failure(verdict) or _rendering_only(verdict)
        status = Text("verified", style="green") if verdict.ok else Text("differs", style="red")
        table.add_row(Text(visible(name)), f"{same}/{len(verdict.checks)}", status, Text(visible(first)))
    return table


def first_failure(verdict: Verdict) -> str:
    """Why the archive does not verify, in one line ("" when it does)."""
    failing = [f"{c.name}: {c.detail}" for c in verdict.checks if c.status not in ("identical", "rendering")]
    if failing:
        return failing[0]
    if verdict.decision:
        return f"the decision changed: {verdict.decision[0]}"
    return "" if verdict.ok else "the decision could not be compared (no results.json in the archive)"


def _rendering_only(verdict: Verdict) -> str:
    names = ", ".join(c.name for c in verdict.rendering)
    return f"same decision; rendering only: {names}" if names else ""
