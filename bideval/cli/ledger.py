"""`bideval ledger`: keep verified evaluations in a database and ask it across tenders."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer

from bideval.cli.app import LangOpt, app, check_lang, fail, make_console
from bideval.cli.audit import JobsOpt

ledger = typer.Typer(help="Every verified evaluation in one database; evaluator and bidder history across tenders.",
                     no_args_is_help=True, rich_markup_mode=None)  # fmt: skip
app.add_typer(ledger, name="ledger")

DbOpt = Annotated[str | None, typer.Option(
    "--db", metavar="URL",
    help="SQLAlchemy URL (postgresql+psycopg://user@host/db) or a SQLite file "
         "[default: $BIDEVAL_DB, else bideval-ledger.sqlite3 here].")]  # fmt: skip
FormatOpt = Annotated[str, typer.Option("--format", help="table, json or csv.")]
OUTPUT_FORMATS = ("table", "json", "csv")

EVALUATOR_COLUMNS = ["evaluator_id", "name", "tenders", "cells", "leniency", "trimmed_high", "trimmed_low",
                     "conflicts", "repeated_favouritism", "favoured"]  # fmt: skip
BIDDER_COLUMNS = ["bidder_id", "name", "tenders", "rounds", "wins", "gate_failures", "threshold_failures",
                  "failed_calls", "average_rank"]  # fmt: skip
HISTORY_COLUMNS = ["tender", "round", "title", "evaluation_date", "cells", "leniency", "trimmed_high", "trimmed_low",
                   "conflicts", "favoured"]  # fmt: skip
TENDER_COLUMNS = ["tender", "round", "title", "evaluation_date", "bids", "evaluators", "outcome", "winners",
                  "counted", "archive", "digest", "bideval_version"]  # fmt: skip


@ledger.command("add")
def add_command(
    archives: Annotated[list[Path], typer.Argument(metavar="ARCHIVE...", help="Archives written by `bideval archive`.")],
    db: DbOpt = None,
    jobs: JobsOpt = 0,
    pubkey: Annotated[Path | None, typer.Option("--pubkey", help="Public key to check signatures with.")] = None,
) -> None:
    """Verify each archive as `bideval verify` does, then add its evaluation (one transaction each).

    An archive that does not verify is refused with the reason and nothing is written for it; one
    the ledger already holds (the same manifest) is left as it is. Exit 1 if any was refused."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from bideval.ledger.add import add_archives
    from bideval.ledger.database import shown
    from bideval.workers import cores

    engine, url = _open(db)
    console = make_console()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=len(archives) < 2) as progress:
        task = progress.add_task("verifying and adding", total=len(archives))
        outcomes = add_archives(engine, archives, pubkey, jobs or cores(), lambda: progress.advance(task))
    engine.dispose()
    style = {"added": "green", "present": "yellow", "refused": "red"}
    for outcome in outcomes:
        console.print(f"[{style[outcome.status]}]{outcome.status}[/]", _text(f"{outcome.archive}: {outcome.detail}"))
    counts = {status: sum(o.status == status for o in outcomes) for status in style}
    console.print(f"{counts['added']} added, {counts['present']} already there, {counts['refused']} refused "
                  f"— ledger {_text(shown(url))}")  # fmt: skip
    raise typer.Exit(1 if counts["refused"] else 0)


@ledger.command("evaluators")
def evaluators_command(
    db: DbOpt = None,
    output: FormatOpt = "table",
    lang: LangOpt = "ko",
    favour_above: Annotated[str, typer.Option(
        "--favour-above", metavar="PERCENT",
        help="A bid scored this far above the rest of the panel (mean over its items, % of their points) "
             "counts as favoured; favoured in two or more tenders is flagged.")] = "10",
    evaluator: Annotated[str | None, typer.Option(
        "--evaluator", metavar="ID", help="One evaluator's history instead: a row per tender it sat on.")] = None,
) -> None:
    """One row per evaluator: tenders, scores given, leniency, times trimmed, conflicts, repeated favouritism.

    leniency: the mean, over the evaluator's scores, of (own score − mean of the other evaluators'
    scores for the same bid and item), as a percentage of the item's points."""
    from bideval.ledger.read import evaluator_answer, evaluator_history_answer

    above = _percent(favour_above)
    _check(output, lang)
    engine, url = _open(db, existing=True)
    if evaluator is None:
        _print(evaluator_answer(engine, lang, above), EVALUATOR_COLUMNS, output, "evaluators")
        return
    rows = evaluator_history_answer(engine, evaluator, lang, above)
    if not rows:
        from bideval.errors import Problem
        from bideval.ledger.database import shown

        fail([Problem(shown(url), 0, 0, f"no evaluator '{evaluator}' in the ledger (`bideval ledger evaluators` lists them)")])
    _print(rows, HISTORY_COLUMNS, output, f"evaluator {evaluator}")


@ledger.command("bidders")
def bidders_command(db: DbOpt = None, output: FormatOpt = "table", lang: LangOpt = "ko") -> None:
    """One row per bidder: tenders, rounds entered, wins, gate and threshold failures, failed calls
    met (유찰), average rank."""
    from bideval.ledger.read import bidder_answer

    _check(output, lang)
    engine, _ = _open(db, existing=True)
    _print(bidder_answer(engine, lang), BIDDER_COLUMNS, output, "bidders")


@ledger.command("tenders")
def tenders_command(db: DbOpt = None, output: FormatOpt = "table", lang: LangOpt = "ko") -> None:
    """Every evaluation in the ledger, in the order added; `counted` is no for one a later
    evaluation of the same tender and round supersedes."""
    from bideval.ledger.read import tender_answer

    _check(output, lang)
    engine, _ = _open(db, existing=True)
    _print(tender_answer(engine, lang), TENDER_COLUMNS, output, "tenders")


def _check(output: str, lang: str) -> None:
    check_lang(lang)
    if output not in OUTPUT_FORMATS:
        raise typer.BadParameter(f"'{output}' is not one of: {', '.join(OUTPUT_FORMATS)}", param_hint="--format")


def _open(db: str | None, existing: bool = False):
    """(engine, url) of the ledger, migrated; a question asked of a SQLite file that is not there fails."""
    from bideval.errors import InputError, Problem
    from bideval.ledger.database import ledger_url, open_ledger

    url = ledger_url(db)
    if existing and url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        fail([Problem(url.removeprefix("sqlite:///"), 0, 0, "no ledger here; add archives with `bideval ledger add`")])
    try:
        return open_ledger(url), url
    except InputError as exc:
        fail(exc.problems)


def _percent(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0:
        raise typer.BadParameter(f"'{text}' is not a percentage (a number, 0 or more)", param_hint="--favour-above")
    return value


def _print(rows: list[dict], columns: list[str], output: str, title: str) -> None:
    from bideval.render.rows import rows_csv, rows_json, rows_table

    if output == "json":
        typer.echo(rows_json(rows), nl=False)
    elif output == "csv":
        typer.echo(rows_csv(rows, columns), nl=False)
    else:  # a title or a digest would wrap every row: the tender id names it (json and csv keep both)
        shown = [c for c in columns if c not in ("title", "digest")]
        make_console().print(rows_table(rows, shown, f"{title} ({len(rows)})"))


def _text(value: str):
    from rich.text import Text

    from bideval.render.terminal import visible

    return Text(visible(value))
