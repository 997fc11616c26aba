"""The cells of scorecard.xlsx: numbers with their own digits, safe text, header rows, tables, blocks.

Every sheet of the scorecard is written through these, so every value is put as excel.put puts it
(text never a formula) and every number shows exactly the digits results.json has.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bideval.engine.result import Result
from bideval.render.excel import display_width, put

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
BOLD = Font(bold=True)


def number_format(value: Any) -> str:
    """Excel format showing `value` with exactly the digits results.json has: 6.0000 → 0.0000."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return "General"
    places = -value.as_tuple().exponent if isinstance(value, Decimal) else 0
    return "#,##0" + ("." + "0" * places if places > 0 else "")


def plain(value: Any) -> Any:
    """A recorded value as a cell holds it: a date as its ISO text, anything else as it is."""
    return value.isoformat() if isinstance(value, date) else value


def cell(ws: Worksheet, row: int, column: int, value: Any) -> None:
    written = put(ws.cell(row=row, column=column), plain(value))
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        written.number_format = number_format(value)


def header(ws: Worksheet, row: int, headers: list[str]) -> None:
    for column, text in enumerate(headers, start=1):
        written = put(ws.cell(row=row, column=column), text)
        written.font, written.fill = BOLD, HEADER_FILL
        written.alignment = Alignment(wrap_text=True, vertical="top")


def table(ws: Worksheet, top: int, headers: list[str], rows: list[list[Any]]) -> None:
    """A header row at `top` (frozen, filtered) and the rows under it."""
    header(ws, top, headers)
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell(ws, top + offset, column, value)
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    ws.auto_filter.ref = f"A{top}:{get_column_letter(len(headers))}{top + max(len(rows), 1)}"
    widths(ws, headers, rows)


def block(ws: Worksheet, top: int, caption: str, headers: list[str], rows: list[list[Any]]) -> int:
    """A captioned table under another one (no filter: a sheet has one); returns the next free row."""
    put(ws.cell(row=top, column=1), caption).font = BOLD
    header(ws, top + 1, headers)
    for offset, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            cell(ws, top + offset, column, value)
    return top + len(rows) + 3


def widths(ws: Worksheet, headers: list[str], rows: list[list[Any]]) -> None:
    for column, text in enumerate(headers, start=1):
        texts = [text] + [shown(row[column - 1]) for row in rows if column <= len(row)]
        width = max(display_width(t) for t in texts)
        ws.column_dimensions[get_column_letter(column)].width = min(max(8, width + 2), 60)


def shown(value: Any) -> str:
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(plain(value))


def title(ws: Worksheet, result: Result, lang: str, subtitle: str) -> None:
    put(ws.cell(row=1, column=1), result.rubric.title.text(lang)).font = Font(bold=True, size=14)
    put(ws.cell(row=2, column=1), subtitle)
