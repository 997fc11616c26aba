"""Score sheets: xlsx workbooks the evaluators fill in, and their import back into scores files.

`make.build_sheets` writes one workbook per evaluator; `read.import_sheets` turns returned
workbooks into `scores/<evaluator>.yaml`. What both sides must agree on lives here.

Each workbook has a visible sheet to fill in and a hidden one (`META_SHEET`, state
veryHidden) that says what the visible cells mean. Its rows, top to bottom::

    schema     | bideval/score-sheet/v1
    rubric     | <rubric id> | <rubric file sha256>
    evaluator  | <evaluator id>
    sheet      | <title of the visible sheet>
    blind      | yes | no
    criterion  | <criterion id> | <column letter>            (one per judged criterion)
    bidder     | <bidder id, or alias if blind> | <row> | <text shown in column A>
    check      | <sha256 of the rows above>

The check value catches edits to the hidden sheet (accidental or by hand); it is not a
seal against forgery — anyone can recompute it.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

import yaml

from bideval.engine.rounding import plain
from bideval.model.rubric import Criterion

SHEET_SCHEMA = "bideval/score-sheet/v1"
ALIASES_SCHEMA = "bideval/aliases/v1"
META_SHEET = "bideval"
ID_ROW = 4  # criterion ids, above the header: lets the import notice moved columns
HEADER_ROW = 5
FIRST_ROW = 6  # first bidder
NAME_COLUMN = 1
FIRST_SCORE_COLUMN = 2
# Fixed places of the header rows in the hidden sheet (1-based), named in error messages.
META_RUBRIC_ROW, META_EVALUATOR_ROW = 2, 3


def meta_check(rows: list[list[Any]]) -> str:
    """The check value of the hidden sheet's rows: strings and ints as written, anything else
    (a date typed into an edited sheet) by its repr, so that it fails the check rather than crashing."""
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"), default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def top_score(criterion: Criterion) -> Decimal:
    """The highest score an evaluator may give: 100 (%) or, on the points scale, the criterion's points."""
    return criterion.points if criterion.scale == "points" else Decimal(100)


def number_text(value: Decimal) -> str:
    """A score as written in YAML: exact, no exponent, no trailing zeros (27.0 → 27, 13.50 → 13.5)."""
    return format(plain(value), "f")


class _Dumper(yaml.SafeDumper):
    """Writes Decimals as plain YAML numbers, exactly (the strict reader reads them back exactly)."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = number_text(value)
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _represent_decimal)


def dump_yaml(schema: str, comment: str, body: dict[str, Any]) -> bytes:
    """A YAML file: the `schema:` line, a comment line, then `body` in its own key order."""
    text = yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096,
                     default_flow_style=False)  # fmt: skip
    return f"schema: {schema}\n# {comment}\n{text}".encode()
