"""Commands that evaluate or render one evaluation: evaluate, validate, report, scorecard."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bideval.cli.app import (
    BidsArg,
    CatalogOpt,
    EditionOpt,
    LangOpt,
    RubricArg,
    app,
    check_edition,
    check_lang,
    fail,
    load_and_evaluate,
    make_console,
    parse_formats,
    write_archive,
)  # fmt: skip


@app.command("evaluate")
def evaluate_command(
    rubric: RubricArg,
    bids_dir: BidsArg,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder (default: out/RUBRIC-ID/).")] = None,
    lang: LangOpt = "ko",
    formats: Annotated[str | None, typer.Option("--format", help="Comma-separated: json,pdf,xlsx [default: all].")] = None,
    catalog: CatalogOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing output files.")] = False,
    archive: Annotated[bool, typer.Option("--archive", help="Also write archive.zip (see `bideval archive`).")] = False,
    analysis: Annotated[
        bool, typer.Option("--analysis", help="Add the decision analysis to report.pdf and scorecard.xlsx.")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the analysis' Monte Carlo sampling.")] = 0,
    edition: EditionOpt = "internal",
) -> None:
    """Evaluate the bids in BIDS_DIR against RUBRIC: print the ranking and write results.

    The output folder also keeps the inputs as evaluated (inputs/) and run.json, so that
    `bideval archive` and `bideval verify` can reproduce every output later."""
    check_lang(lang)
    check_edition(edition)
    chosen = parse_formats(formats)
    from bideval.audit.archive import evaluated_files
    from bideval.render.console import render_console
    from bideval.render.output import too_many_bids, write_outputs

    inputs, result = load_and_evaluate(rubric, bids_dir, catalog)
    oversized = too_many_bids(result, chosen, str(bids_dir))
    if analysis:
        from bideval.analysis.run import too_many_bids as too_many_to_analyse

        oversized += too_many_to_analyse(inputs, str(bids_dir))
    if oversized:
        fail(oversized)
    target = out if out is not None else Path("out") / inputs.rubric.id
    settings = {"seed": seed, "samples": 2000, "alpha": 100.0} if analysis else None
    studied = None
    if settings:
        from bideval.analysis.run import analyze

        studied = analyze(inputs, **settings)
    extra = evaluated_files(inputs, lang, chosen, settings, edition)
    written, problems = write_outputs(result, target, chosen, lang=lang, force=force, extra=extra, analysis=studied,
                                      edition=edition)  # fmt: skip
    if problems:
        fail(problems)
    written = [p for p in written if p.name in {"results.json", "report.pdf", "scorecard.xlsx"}]
    if archive:
        written.append(write_archive(target, target / "archive.zip", force=True))
    console = make_console()
    render_console(result, console, lang)
    for path in written:
        console.print(f"wrote {path}")


@app.command("validate")
def validate_command(
    rubric: RubricArg,
    bids_dir: Annotated[Path | None, typer.Argument(metavar="BIDS_DIR", help="Folder of bid files (optional).")] = None,
    catalog: CatalogOpt = None,
) -> None:
    """Check RUBRIC (and the bids and scores in BIDS_DIR) without writing anything."""
    inputs, _ = load_and_evaluate(rubric, bids_dir, catalog)
    summary = f"OK: rubric {inputs.rubric.id} ({inputs.rubric.total_points} points)"
    if bids_dir is not None:
        summary += f", {len(inputs.bids)} bid(s), {len(inputs.panel)} evaluator(s)"
    typer.echo(summary)


@app.command("report")
def report_command(
    results: Annotated[Path, typer.Argument(metavar="RESULTS_JSON", help="A results.json written by evaluate.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="PDF file (default: report.pdf beside RESULTS_JSON).")
    ] = None,
    lang: LangOpt = "ko",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    edition: EditionOpt = "internal",
) -> None:
    """Render report.pdf from an existing results.json (no re-evaluation)."""
    _render_from_results(results, out, "pdf", lang, force, check_edition(edition))


@app.command("scorecard")
def scorecard_command(
    results: Annotated[Path, typer.Argument(metavar="RESULTS_JSON", help="A results.json written by evaluate.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Workbook (default: scorecard.xlsx beside RESULTS_JSON).")
    ] = None,
    lang: LangOpt = "ko",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write scorecard.xlsx from an existing results.json (no re-evaluation)."""
    _render_from_results(results, out, "xlsx", lang, force)


def _render_from_results(results: Path, out: Path | None, fmt: str, lang: str, force: bool,
                         edition: str = "internal") -> None:  # fmt: skip
    check_lang(lang)
    from bideval.engine.result_file import load_results
    from bideval.errors import InputError, Problem
    from bideval.render.output import FORMATS, render, too_many_bids, write_atomic

    try:
        result = load_results(results)
    except InputError as exc:
        fail(exc.problems)
    oversized = too_many_bids(result, [fmt], str(results))
    if oversized:
        fail(oversized)
    target = out if out is not None else results.parent / FORMATS[fmt]
    if target.exists() and not force:
        fail([Problem(str(target), 0, 0, "already exists; use --force to overwrite")])
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, render(result, fmt, lang, edition=edition))
    typer.echo(f"wrote {target}")
