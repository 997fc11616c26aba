"""Command line (typer). Commands stay thin: load → evaluate → render → write.

Heavy modules are imported inside the commands so `bideval --help` stays fast. The auditor
commands live in `cli_audit`; both register on the app of `cli_common`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bideval.cli_common import (
    BidsArg, CatalogOpt, LangOpt, RubricArg, app, check_lang, fail, load_and_evaluate, make_console, parse_formats,
    write_archive,
)  # fmt: skip
@app.command("evaluate")
def evaluate_command(
    rubric: RubricArg,
    bids_dir: BidsArg,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default: out/RUBRIC-ID/).")] = None,
    lang: LangOpt = "ko",
    formats: Annotated[str | None, typer.Option("--format", help="Comma-separated: json,pdf,xlsx [default: all].")] = None,
    catalog: CatalogOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing output files.")] = False,
    archive: Annotated[bool, typer.Option("--archive", help="Also write archive.zip (see `bideval archive`).")] = False,
    analysis: Annotated[
        bool, typer.Option("--analysis", help="Add the decision analysis to report.pdf and scorecard.xlsx.")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the analysis' Monte Carlo sampling.")] = 0,
) -> None:
    """Evaluate the bids in BIDS_DIR against RUBRIC: print the ranking and write results.

    The output folder also keeps the inputs as evaluated (inputs/) and run.json, so that
    `bideval archive` and `bideval verify` can reproduce every output later."""
    check_lang(lang)
    chosen = parse_formats(formats)
    from bideval.archive import evaluated_files
    from bideval.output import too_many_bids, write_outputs
    from bideval.render.console import render_console

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
    extra = evaluated_files(inputs, lang, chosen, settings)
    written, problems = write_outputs(result, target, chosen, lang=lang, force=force, extra=extra, analysis=studied)
    if problems:
        fail(problems)
    written = [p for p in written if p.name in {"results.json", "report.pdf", "scorecard.xlsx"}]
    if archive:
        written.append(write_archive(target, target / "archive.zip", force=True))
    console = make_console()
    render_console(result, console, lang)
    for path in written:
        console.print(f"wrote {path}")


@app.command("report")
def report_command(
    results: Annotated[Path, typer.Argument(metavar="RESULTS_JSON", help="A results.json written by evaluate.")],
    out: Annotated[Path | None, typer.Option("--out", help="PDF file (default: report.pdf beside RESULTS_JSON).")] = None,
    lang: LangOpt = "ko",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Render report.pdf from an existing results.json (no re-evaluation)."""
    _render_from_results(results, out, "pdf", lang, force)


@app.command("scorecard")
def scorecard_command(
    results: Annotated[Path, typer.Argument(metavar="RESULTS_JSON", help="A results.json written by evaluate.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Workbook (default: scorecard.xlsx beside RESULTS_JSON).")
    ] = None,
    lang: LangOpt = "ko",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write scorecard.xlsx from an existing results.json (no re-evaluation)."""
    _render_from_results(results, out, "xlsx", lang, force)


def _render_from_results(results: Path, out: Path | None, fmt: str, lang: str, force: bool) -> None:
    check_lang(lang)
    from bideval.errors import InputError, Problem
    from bideval.load.results import load_results
    from bideval.output import FORMATS, render, too_many_bids, write_atomic

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
    write_atomic(target, render(result, fmt, lang))
    typer.echo(f"wrote {target}")


@app.command("sheets")
def sheets_command(
    rubric: RubricArg,
    bids_dir: BidsArg,
    out: Annotated[Path, typer.Option("--out", help="Folder for the evaluators' workbooks.")],
    blind: Annotated[bool, typer.Option("--blind", help="Show aliases (Bidder A, B, …) instead of names.")] = False,
    lang: LangOpt = "ko",
    catalog: CatalogOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing workbooks.")] = False,
) -> None:
    """Write one score-sheet workbook per evaluator (from the scores/ files' evaluator lists)."""
    check_lang(lang)
    from bideval.errors import InputError
    from bideval.load.inputs import load_panel_inputs
    from bideval.output import write_files
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
    out: Annotated[Path, typer.Option("--out", help="Scores folder to write (usually BIDS_DIR/scores).")],
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
    from bideval.output import write_files
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


@app.command("analyze")
def analyze_command(
    rubric: RubricArg,
    bids_dir: BidsArg,
    catalog: CatalogOpt = None,
    lang: LangOpt = "ko",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo sampling.")] = 0,
    samples: Annotated[int, typer.Option("--samples", min=1, help="Monte Carlo weight samples.")] = 2000,
    alpha: Annotated[float, typer.Option("--alpha", min=0.01, help="Dirichlet concentration.")] = 100.0,
    set_: Annotated[list[str] | None, typer.Option("--set", help="What-if: BIDDER.FIELD=VALUE (repeatable).")] = None,
    points: Annotated[list[str] | None, typer.Option("--points", help="What-if: CRITERION=POINTS (repeatable).")] = None,
) -> None:
    """How robust is the ranking, and how consistent the panel? Sensitivity, stability, reversal, what-if."""
    check_lang(lang)
    from bideval.analysis.run import analyze, too_many_bids
    from bideval.analysis.whatif import parse
    from bideval.errors import InputError
    from bideval.load.inputs import load_inputs
    from bideval.render.analysis import render_analysis

    try:
        overrides = tuple([parse("set", s) for s in set_ or []] + [parse("points", p) for p in points or []])
        inputs = load_inputs(rubric, bids_dir, catalog)
        oversized = too_many_bids(inputs, str(bids_dir))
        if oversized:
            fail(oversized)
        analysis = analyze(inputs, seed=seed, samples=samples, alpha=alpha, overrides=overrides)
    except InputError as exc:
        fail(exc.problems)
    render_analysis(analysis, make_console(), lang)


@app.command("schema")
def schema_command(
    kind: Annotated[str, typer.Argument(metavar="KIND", help="rubric, bid, scores or catalog.")],
) -> None:
    """Print the JSON Schema of an input file kind (for editors that validate YAML)."""
    from bideval.schema import KINDS, shipped

    if kind not in KINDS:
        raise typer.BadParameter(f"'{kind}' is not one of: {', '.join(KINDS)}", param_hint="KIND")
    typer.echo(shipped(kind).read_text(encoding="utf-8"), nl=False)


@app.command("validate")
def validate_command(
    rubric: RubricArg,
    bids_dir: Annotated[Path | None, typer.Argument(metavar="BIDS_DIR", help="Folder of bid files (optional).")] = None,
    catalog: CatalogOpt = None,
) -> None:
    """Check RUBRIC (and the bids and scores in BIDS_DIR) without writing anything."""
    inputs, result = load_and_evaluate(rubric, bids_dir, catalog)
    summary = f"OK: rubric {inputs.rubric.id} ({inputs.rubric.total_points} points)"
    if bids_dir is not None:
        summary += f", {len(inputs.bids)} bid(s), {len(inputs.panel)} evaluator(s)"
    typer.echo(summary)


@app.command("catalog")
def catalog_command(
    catalog: CatalogOpt = None,
    precision: Annotated[str | None, typer.Option("--precision", help="Show only this precision.")] = None,
) -> None:
    """List the GPU catalog: dense TFLOPS per precision, memory, power and source."""
    from bideval.model.catalog import PRECISIONS
    from bideval.render.catalog import render_catalog

    if precision is not None and precision not in PRECISIONS:
        raise typer.BadParameter(f"'{precision}' is not one of: {', '.join(PRECISIONS)}", param_hint="--precision")
    inputs_catalog = _load_catalog(catalog)
    render_catalog(inputs_catalog, make_console(), precision)


def _load_catalog(path: Path | None):  # noqa: ANN202
    from bideval.errors import InputError
    from bideval.load.inputs import load_catalog

    try:
        return load_catalog(path)
    except InputError as exc:
        fail(exc.problems)


# The auditor commands register on import; here, so that they are listed after the others.
from bideval.cli_audit import PASSPHRASE_ENV  # noqa: E402, F401  (tests read the name)

__all__ = ["app", "main"]


def main() -> None:
    app(prog_name="bideval")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
