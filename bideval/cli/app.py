"""What the command modules share: the typer app, argument types, and how a command fails.

Heavy modules are imported inside functions so `bideval --help` stays fast.
"""

from __future__ import annotations

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

FORMATS = ("json", "pdf", "xlsx")  # formats built so far (DESIGN §4); keep in step with bideval.render.output.FORMATS
LANGS = ("ko", "en")

RubricArg = Annotated[Path, typer.Argument(metavar="RUBRIC", help="Rubric file (YAML or JSON, schema bideval/rubric/v1).")]
BidsArg = Annotated[Path, typer.Argument(metavar="BIDS_DIR", help="Folder of bid files; evaluator scores in its scores/ subfolder.")]
CatalogOpt = Annotated[
    Path | None, typer.Option("--catalog", help="GPU catalog file adding to or overriding the built-in one.")
]
LangOpt = Annotated[str, typer.Option("--lang", help="Language of labels: ko or en.")]
EditionOpt = Annotated[str, typer.Option(
    "--edition", help="The report's edition: internal (the committee's full record) or public (as published after "
                      "the award, without the bid fields the rubric marks confidential).")]  # fmt: skip
EDITIONS = ("internal", "public")  # keep in step with bideval.render.disclosure.EDITIONS (a test checks)


def check_edition(edition: str) -> str:
    if edition not in EDITIONS:
        raise typer.BadParameter(f"'{edition}' is not one of: {', '.join(EDITIONS)}", param_hint="--edition")
    return edition


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise typer.BadParameter(f"'{lang}' is not one of: {', '.join(LANGS)}", param_hint="--lang")
    return lang


def parse_formats(text: str | None) -> list[str]:
    if not text:
        return list(FORMATS)
    chosen = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise typer.BadParameter(f"unknown format(s) {', '.join(unknown)}; available: {', '.join(FORMATS)}",
                                 param_hint="--format")  # fmt: skip
    return chosen


def fail(problems: list) -> NoReturn:
    """Print every problem, then exit 1 (no traceback, nothing written)."""
    from rich.console import Console
    from rich.markup import escape

    from bideval.render.terminal import visible

    # emoji=False: rich would print `file:100:8:` as `file💯8:` and a quoted `:smile:` as 😄
    err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
    for problem in problems:  # problem text quotes the inputs: never read it as markup, nor send its controls
        err.print(f"[red]error:[/red] {escape(visible(problem))}")
    err.print(f"{len(problems)} problem(s); nothing was written.")
    raise typer.Exit(1)


def make_console():
    """Standard output; wide enough for the tables when it is a pipe or a file, not a terminal."""
    from rich.console import Console

    console = Console(highlight=False, emoji=False)  # input text such as `:100:` prints as written
    return console if console.is_terminal else Console(highlight=False, emoji=False, width=120)


def load_and_evaluate(rubric: Path, bids_dir: Path | None, catalog: Path | None):
    from bideval.engine.pipeline import evaluate
    from bideval.errors import InputError
    from bideval.load.inputs import load_inputs

    try:
        inputs = load_inputs(rubric, bids_dir, catalog)
        return inputs, (evaluate(inputs) if bids_dir is not None else None)
    except InputError as exc:
        fail(exc.problems)


def write_archive(out_dir: Path, target: Path, *, force: bool) -> Path:
    from bideval.audit.archive import build_archive
    from bideval.errors import InputError, Problem
    from bideval.render.output import write_atomic

    if target.exists() and not force:
        fail([Problem(str(target), 0, 0, "already exists; use --force to overwrite")])
    try:
        payload = build_archive(out_dir)
    except InputError as exc:
        fail(exc.problems)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, payload)
    return target


def _print_version(value: bool) -> None:
    """Eager, so `--version` answers before any command is looked for; needs only bideval/__init__."""
    if value:
        from bideval import __version__

        typer.echo(f"bideval {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """The app's own options, before any command (the app's help text is the one given to typer.Typer)."""
