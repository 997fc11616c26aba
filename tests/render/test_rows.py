"""Answer rows (`bideval ledger`) as JSON, CSV and a console table: exact decimals, text kept text."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from rich.console import Console

from bideval.render.rows import rows_csv, rows_json, rows_table

ROWS = [
    {"id": "e1", "name": "=HYPERLINK(\"http://x\")", "leniency": Decimal("-3.3333"), "flag": True, "favoured": {}},
    {"id": "e2", "name": "Kim\x1b[2J", "leniency": None, "flag": False, "favoured": {"x": ["t1", "t2"]}},
]
COLUMNS = ["id", "name", "leniency", "flag", "favoured"]


def test_json_writes_decimals_as_exact_strings():
    data = json.loads(rows_json(ROWS))
    assert data[0]["leniency"] == "-3.3333" and data[1]["leniency"] is None
    assert data[1]["favoured"] == {"x": ["t1", "t2"]} and data[0]["flag"] is True


def test_csv_keeps_a_formula_as_text_but_a_negative_number_as_a_number():
    rows = list(csv.reader(io.StringIO(rows_csv(ROWS, COLUMNS))))
    assert rows[0] == COLUMNS
    assert rows[1] == ["e1", "'=HYPERLINK(\"http://x\")", "-3.3333", "true", ""]
    assert rows[2] == ["e2", "Kim\x1b[2J", "", "false", "x: t1, t2"]


def test_the_table_shows_control_characters_instead_of_obeying_them():
    console = Console(width=200, record=True, color_system=None)
    console.print(rows_table(ROWS, COLUMNS, "evaluators (2)"))
    text = console.export_text()
    assert "Kim\\x1b[2J" in text and "\x1b" not in text
    assert "-3.3333" in text and "x: t1, t2" in text
