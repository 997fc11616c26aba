"""Command line (typer). Commands stay thin: load → evaluate → render → write.

Heavy modules are imported inside the commands so `bideval --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

app = typer.Typer(
    name="bideval",
    help="Evaluate procurement bids against a published rubric: validate, score, rank, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: typer's rich help imports rich.markdown and markdown-it (~0.2 s of a 0.3 s budget).
    rich_markup_mode=None,
)

FORMATS = ("json", "pdf", "xlsx")  # formats built so far (DESIGN §4); keep in step with bideval.output.FORMATS
LANGS = ("ko", "en")

RubricArg = Annotated[Path, typer.Argument(metavar="RUBRIC", help="Rubric file (YAML or JSON, schema bideval/rubric/v1).")]
BidsArg = Annotated[Path, typer.Argument(metavar="BIDS_DIR", help="Folder of bid files; evaluator scores in its scores/ subfolder.")]
CatalogOpt = Annotated[
    Path | None, typer.Option("--catalog", help="GPU catalog file adding to or overriding the built-in one.")
]
LangOpt = Annotated[str, typer.Option("--lang", help="Language of labels: ko or en.")]


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise typer.BadParameter(f"'{lang}' is not one of: {', '.join(LANGS)}", param_hint="--lang")
    return lang


def _parse_formats(text: str | None) -> list[str]:
    if not text:
        return list(FORMATS)
    chosen = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise typer.BadParameter(f"unknown format(s) {', '.join(unknown)}; available: {', '.join(FORMATS)}",
                                 param_hint="--format")  # fmt: skip
    return chosen


def _fail(problems: list) -> NoReturn:
    """Print every problem, then exit 1 (no traceback, nothing written)."""
    from rich.console import Console
    from rich.markup import escape

    from bideval.render.terminal import visible

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for problem in problems:  # problem text quotes the inputs: never read it as markup, nor send its controls
        err.print(f"[red]error:[/red] {escape(visible(problem))}")
    err.print(f"{len(problems)} problem(s); nothing was written.")
    raise typer.Exit(1)


def _console():  # noqa: ANN202
    """Standard output; wide enough for the tables when it is a pipe or a file, not a terminal."""
    from rich.console import Console

    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=120)


def _load_and_evaluate(rubric: Path, bids_dir: Path | None, catalog: Path | None):  # noqa: ANN202
    from bideval.errors import InputError
    from bideval.load.inputs import load_inputs
    from bideval.pipeline import evaluate

    try:
        inputs = load_inputs(rubric, bids_dir, catalog)
        return inputs, (evaluate(inputs) if bids_dir is not None else None)
    except InputError as exc:
        _fail(exc.problems)


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
    _check_lang(lang)
    chosen = _parse_formats(formats)
    from bideval.archive import evaluated_files
    from bideval.output import write_outputs
    from bideval.render.console import render_console

    inputs, result = _load_and_evaluate(rubric, bids_dir, catalog)
    target = out if out is not None else Path("out") / inputs.rubric.id
    settings = {"seed": seed, "samples": 2000, "alpha": 100.0} if analysis else None
    studied = None
    if settings:
        from bideval.analysis.run import analyze

        studied = analyze(inputs, **settings)
    extra = evaluated_files(inputs, lang, chosen, settings)
    written, problems = write_outputs(result, target, chosen, lang=lang, force=force, extra=extra, analysis=studied)
    if problems:
        _fail(problems)
    written = [p for p in written if p.name in {"results.json", "report.pdf", "scorecard.xlsx"}]
    if archive:
        written.append(_write_archive(target, target / "archive.zip", force=True))
    console = _console()
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
    _check_lang(lang)
    from bideval.errors import InputError, Problem
    from bideval.load.results import load_results
    from bideval.output import FORMATS, render, write_atomic

    try:
        result = load_results(results)
    except InputError as exc:
        _fail(exc.problems)
    target = out if out is not None else results.parent / FORMATS[fmt]
    if target.exists() and not force:
        _fail([Problem(str(target), 0, 0, "already exists; use --force to overwrite")])
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
    _check_lang(lang)
    from bideval.errors import InputError
    from bideval.load.inputs import load_panel_inputs
    from bideval.output import write_files
    from bideval.sheets.make import build_sheets

    try:
        sheets = build_sheets(load_panel_inputs(rubric, bids_dir, catalog), blind=blind, lang=lang)
    except InputError as exc:
        _fail(exc.problems)
    written, problems = write_files(out, sheets, force=force)
    if problems:
        _fail(problems)
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
        _fail(exc.problems)
    written, problems = write_files(out, files, force=force)
    if problems:
        _fail(problems)
    for path in written:
        typer.echo(f"wrote {path}")


@app.command("archive")
def archive_command(
    out_dir: Annotated[Path, typer.Argument(metavar="OUT_DIR", help="A folder written by `bideval evaluate`.")],
    to: Annotated[Path | None, typer.Option("--to", help="Archive file (default: OUT_DIR/archive.zip).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing archive.")] = False,
) -> None:
    """Zip an evaluation's inputs, outputs and a manifest of hashes and versions, reproducibly."""
    typer.echo(f"wrote {_write_archive(out_dir, to or out_dir / 'archive.zip', force=force)}")


def _write_archive(out_dir: Path, target: Path, *, force: bool) -> Path:
    from bideval.archive import build_archive
    from bideval.errors import InputError, Problem
    from bideval.output import write_atomic

    if target.exists() and not force:
        _fail([Problem(str(target), 0, 0, "already exists; use --force to overwrite")])
    try:
        payload = build_archive(out_dir)
    except InputError as exc:
        _fail(exc.problems)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, payload)
    return target


@app.command("verify")
def verify_command(
    archive: Annotated[Path, typer.Argument(metavar="ARCHIVE", help="An archive.zip.")],
    pubkey: Annotated[Path | None, typer.Option("--pubkey", help="Public key to check the signature.")] = None,
) -> None:
    """Check an archive's hashes (and signature), re-run it, compare every output byte for byte."""
    from bideval.errors import InputError
    from bideval.render.verdicts import render_verdict
    from bideval.verify import verify_archive

    try:
        verdict = verify_archive(archive, pubkey)
    except InputError as exc:
        _fail(exc.problems)
    render_verdict(verdict, _console())
    raise typer.Exit(0 if verdict.ok else 1)


@app.command("regenerate")
def regenerate_command(
    archives: Annotated[list[Path], typer.Argument(metavar="ARCHIVE...", help="Archives to regenerate.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the regenerated outputs (one per archive).")],
    jobs: Annotated[int, typer.Option("--jobs", help="Parallel workers [default: one per core].")] = 0,
) -> None:
    """Regenerate and verify many archives in parallel, with a progress bar and a summary."""
    from bideval.regenerate import regenerate_all

    ok = regenerate_all(archives, out, jobs or None, _console())
    raise typer.Exit(0 if ok else 1)


PASSPHRASE_ENV = "BIDEVAL_KEY_PASSPHRASE"


def _passphrase(prompt: str, *, confirm: bool) -> str:
    """The private key's passphrase: $BIDEVAL_KEY_PASSPHRASE when set (scripts), else asked on the terminal."""
    import os

    if PASSPHRASE_ENV in os.environ:
        return os.environ[PASSPHRASE_ENV]
    # default="": an empty answer comes back (and is refused with a message) instead of asking forever
    return typer.prompt(prompt, default="", show_default=False, hide_input=True, confirmation_prompt=confirm, err=True)


@app.command("keygen")
def keygen_command(
    prefix: Annotated[Path, typer.Argument(metavar="PREFIX", help="Writes PREFIX.key (private) and PREFIX.pub.")],
    no_passphrase: Annotated[
        bool, typer.Option("--no-passphrase", help="Write the private key unencrypted (tests, automation).")
    ] = False,
) -> None:
    """Make an Ed25519 key pair for signing archives.

    The private key is encrypted with a passphrase, taken from $BIDEVAL_KEY_PASSPHRASE if set,
    otherwise asked twice on the terminal."""
    from bideval.errors import Problem
    from bideval.output import write_atomic
    from bideval.signing import keygen

    private, public = Path(f"{prefix}.key"), Path(f"{prefix}.pub")
    existing = [p for p in (private, public) if p.exists()]
    if existing:
        _fail([Problem(str(p), 0, 0, "already exists; keys are never overwritten") for p in existing])
    passphrase = None if no_passphrase else _passphrase(f"Passphrase for {private}", confirm=True)
    if passphrase == "":
        _fail([Problem(str(private), 0, 0, "an empty passphrase is refused; "
                       "use --no-passphrase to write the key unencrypted")])  # fmt: skip
    private_pem, public_pem = keygen(passphrase)
    private.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(private, private_pem)
    private.chmod(0o600)
    write_atomic(public, public_pem)
    if no_passphrase:
        typer.echo(f"warning: {private} is not encrypted; whoever can read it can sign archives", err=True)
    typer.echo(f"wrote {private} (keep it secret) and {public}")


@app.command("sign")
def sign_command(
    archive: Annotated[Path, typer.Argument(metavar="ARCHIVE", help="An archive.zip to sign in place.")],
    key: Annotated[Path, typer.Option("--key", help="Private key from `bideval keygen`.")],
) -> None:
    """Add an Ed25519 signature over the archive's manifest (signature.json).

    An encrypted key's passphrase is taken from $BIDEVAL_KEY_PASSPHRASE if set, otherwise asked."""
    from bideval.errors import InputError
    from bideval.output import write_atomic
    from bideval.signing import sign_archive

    try:
        payload = sign_archive(archive, key, lambda: _passphrase(f"Passphrase for {key}", confirm=False))
    except InputError as exc:
        _fail(exc.problems)
    write_atomic(archive, payload)
    typer.echo(f"signed {archive}")


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
    _check_lang(lang)
    from bideval.analysis.run import analyze
    from bideval.analysis.whatif import parse
    from bideval.errors import InputError
    from bideval.load.inputs import load_inputs
    from bideval.render.analysis import render_analysis

    try:
        overrides = tuple([parse("set", s) for s in set_ or []] + [parse("points", p) for p in points or []])
        analysis = analyze(load_inputs(rubric, bids_dir, catalog), seed=seed, samples=samples, alpha=alpha,
                           overrides=overrides)  # fmt: skip
    except InputError as exc:
        _fail(exc.problems)
    render_analysis(analysis, _console(), lang)


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
    inputs, result = _load_and_evaluate(rubric, bids_dir, catalog)
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
    render_catalog(inputs_catalog, _console(), precision)


def _load_catalog(path: Path | None):  # noqa: ANN202
    from bideval.errors import InputError
    from bideval.load.inputs import load_catalog

    try:
        return load_catalog(path)
    except InputError as exc:
        _fail(exc.problems)


def main() -> None:
    app(prog_name="bideval")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
