"""Rows of answers (a list of flat dicts, as `bideval ledger` gives them) as a console table, JSON or CSV.

Decimals are written as strings (exact), lists joined, and text from the inputs kept text: escaped
on the terminal, and in CSV a cell that a spreadsheet would read as a formula gets a leading `'`.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from rich.table import Table
from rich.text import Text

from bideval.render.terminal import visible

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def rows_json(rows: list[dict]) -> str:
    return json.dumps([_plain(row) for row in rows], ensure_ascii=False, indent=2) + "\n"


def cell_text(value: object) -> str:
    """One value as a line of text: nothing for None, yes/no, lists and maps written out."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(cell_text, value))
    if isinstance(value, dict):
        return "; ".join(f"{k}: {cell_text(v)}" for k, v in value.items())
    return str(value)


def rows_csv(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row[column]) for column in columns])
    return out.getvalue()


def _csv_cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = cell_text(value)
    if isinstance(value, str) and text.startswith(FORMULA_START):
        return "'" + text  # a spreadsheet shows it as written instead of computing it
    return text


def _number(value: object) -> bool:
    return value is None or isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def rows_table(rows: list[dict], columns: list[str], title: str) -> Table:
    numeric = {c for c in columns if rows and all(_number(r[c]) for r in rows)}
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column.replace("_", " "), justify="right" if column in numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*(Text(visible(cell_text(row[c]))) for c in columns))
    return table
