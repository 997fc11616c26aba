"""Commands of the score-sheet round trip: sheets out to the evaluators, import-scores back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bideval.cli.app import BidsArg, CatalogOpt, LangOpt, RubricArg, app, check_lang, fail


@app.command("sheets")
def sheets_command(
    rubric: RubricArg,
    bids_dir: BidsArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the evaluators' workbooks.")],
    blind: Annotated[bool, typer.Option("--blind", help="Show aliases (Bidder A, B, …) instead of names.")] = False,
    lang: LangOpt = "ko",
    catalog: CatalogOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing workbooks.")] = False,
) -> None:
    """Write one score-sheet workbook per evaluator (from the scores/ files' evaluator lists)."""
    check_lang(lang)
    from bideval.errors import InputError
    from bideval.load.inputs import load_panel_inputs
    from bideval.render.output import write_files
    from bideval.sheets.make import build_sheets

    try:
        sheets = build_sheets(load_panel_inputs(rubric, bids_dir, catalog), blind=blind, lang=lang)
    except InputError as exc:
        fail(exc.problems)
    written, problems = write_files(out, sheets, force=force)
    if problems:
        fail(problems)
    for path in written:
        typer.echo(f"wrote {path}")


@app.command("import-scores")
def import_scores_command(
    sheets: Annotated[list[Path], typer.Argument(metavar="SHEETS...", help="Filled score-sheet workbooks.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Scores folder to write (usually BIDS_DIR/scores).")],
    rubric: Annotated[Path, typer.Option("--rubric", help="The rubric the sheets were made for.")],
    bids_dir: Annotated[
        Path | None, typer.Option("--bids", help="Folder of bid files [default: the parent of --out].")
    ] = None,
    aliases: Annotated[
        Path | None, typer.Option("--aliases", help="aliases.yaml written by `sheets --blind`.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite existing score files (keeping their revisions).")
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="With --force: why scores the sheets change were changed "
                                                  "(recorded with each changed score's previous value).")
    ] = None,
    day: Annotated[
        str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="With --force: when scores the sheets "
                                                                      "change were changed (recorded likewise).")
    ] = None,
) -> None:
    """Read returned score sheets into scores/<evaluator>.yaml files (all checked first).

    With --force, a score that differs from the file it replaces is recorded under revisions: (its
    previous value, --date and --reason); without both options such a change is refused."""
    from bideval.errors import InputError
    from bideval.render.output import write_files
    from bideval.sheets.read import import_sheets

    change = _change(reason, day, force)
    try:
        files = import_sheets(rubric, bids_dir if bids_dir is not None else out.parent, sheets, aliases,
                              out=out, force=force, change=change)  # fmt: skip
    except InputError as exc:
        fail(exc.problems)
    written, problems = write_files(out, files, force=force)
    if problems:
        fail(problems)
    for path in written:
        typer.echo(f"wrote {path}")


def _change(reason: str | None, day: str | None, force: bool):
    """--reason and --date as a revision's reason and date: both or neither, and only with --force."""
    import re
    from datetime import date

    from bideval.sheets.read import Change

    if reason is None and day is None:
        return None
    if not force:
        raise typer.BadParameter("--reason and --date record why and when scores were changed when --force "
                                 "replaces score files; without --force there is nothing to record",
                                 param_hint="--reason" if reason is not None else "--date")  # fmt: skip
    if reason is None or day is None:
        missing = "--reason" if reason is None else "--date"
        raise typer.BadParameter(f"--reason and --date go together (a revision records both); {missing} is missing",
                                 param_hint=missing)  # fmt: skip
    if not reason.strip() or len(reason) > 500:  # a revision's reason is `Text`: 1 to 500 characters
        raise typer.BadParameter(f"expected a reason of 1 to 500 characters, got {len(reason.strip())}",
                                 param_hint="--reason")  # fmt: skip
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", day):
            raise ValueError
        when = date.fromisoformat(day)
    except ValueError:
        raise typer.BadParameter(f"expected a date YYYY-MM-DD, got '{day}'", param_hint="--date") from None
    return Change(when, reason)
