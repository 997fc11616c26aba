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
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing score files.")] = False,
) -> None:
    """Read returned score sheets into scores/<evaluator>.yaml files (all checked first)."""
    from bideval.errors import InputError
    from bideval.render.output import write_files
    from bideval.sheets.read import import_sheets

    try:
        files = import_sheets(rubric, bids_dir if bids_dir is not None else out.parent, sheets, aliases)
    except InputError as exc:
        fail(exc.problems)
    written, problems = write_files(out, files, force=force)
    if problems:
        fail(problems)
    for path in written:
        typer.echo(f"wrote {path}")
