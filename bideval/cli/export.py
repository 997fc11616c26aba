"""`bideval export ocds`: publish an evaluation as an OCDS 1.1 release package."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bideval.cli.app import LangOpt, app, check_lang, fail

export = typer.Typer(help="Publish an evaluation in a standard format.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(export, name="export")

DEFAULT_PREFIX = "ocds-bidevl"  # keep in step with bideval.render.ocds.DEFAULT_OCID_PREFIX (a test checks)


@export.command("ocds")
def ocds_command(
    results: Annotated[Path, typer.Argument(metavar="RESULTS_JSON", help="A results.json written by evaluate.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Release package (default: ocds.json beside RESULTS_JSON).")
    ] = None,
    ocid_prefix: Annotated[str, typer.Option(
        "--ocid-prefix", help="Your publisher's registered OCID prefix (the default is a placeholder).")] = DEFAULT_PREFIX,
    lang: LangOpt = "ko",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """The evaluation as an OCDS 1.1 release package with the bids extension (one award release)."""
    check_lang(lang)
    from bideval.engine.result_file import consortium_members, load_results
    from bideval.errors import InputError, Problem
    from bideval.render.ocds import OCID_PREFIX, render_ocds
    from bideval.render.output import write_atomic

    if not OCID_PREFIX.fullmatch(ocid_prefix):
        raise typer.BadParameter(f"'{ocid_prefix}' is not an OCID prefix (ocds- and 6 letters or digits)",
                                 param_hint="--ocid-prefix")  # fmt: skip
    try:
        result = load_results(results)
        members = consortium_members(results, result)
    except InputError as exc:
        fail(exc.problems)
    target = out if out is not None else results.parent / "ocds.json"
    if target.exists() and not force:
        fail([Problem(str(target), 0, 0, "already exists; use --force to overwrite")])
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, render_ocds(result, lang, members, ocid_prefix))
    typer.echo(f"wrote {target}")
