"""Commands that describe the input files: schema (JSON Schemas) and catalog (the GPU figures)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bideval.cli.app import CatalogOpt, app, fail, make_console


@app.command("schema")
def schema_command(
    kind: Annotated[str, typer.Argument(metavar="KIND", help="rubric, bid, scores, moderated or catalog.")],
) -> None:
    """Print the JSON Schema of an input file kind (for editors that validate YAML)."""
    from bideval.model.json_schema import KINDS, shipped

    if kind not in KINDS:
        raise typer.BadParameter(f"'{kind}' is not one of: {', '.join(KINDS)}", param_hint="KIND")
    typer.echo(shipped(kind).read_text(encoding="utf-8"), nl=False)


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


def _load_catalog(path: Path | None):
    from bideval.errors import InputError
    from bideval.load.inputs import load_catalog

    try:
        return load_catalog(path)
    except InputError as exc:
        fail(exc.problems)


# The auditor commands register on import; here, so that they are listed after the others.
