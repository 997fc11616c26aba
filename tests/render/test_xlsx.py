"""scorecard.xlsx read back cell by cell against results.json (issue 4)."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from bideval.fields import METRICS
from bideval.load.inputs import load_inputs
from bideval.pipeline import evaluate
from bideval.render.json import render_json
from bideval.render.xlsx import number_format, render_xlsx
from tests.conftest import KR, NIPA, run


@pytest.fixture(scope="module", params=[NIPA, KR], ids=["nipa", "kr"])
def case(request):
    result = evaluate(load_inputs(*request.param))
    payload = render_xlsx(result, "ko")
    return result, json.loads(render_json(result)), load_workbook(io.BytesIO(payload)), payload


def _exact(cell_value) -> Decimal:
    """What Excel holds, as the decimal it displays (floats via their shortest repr)."""
    return Decimal(repr(cell_value)) if isinstance(cell_value, float) else Decimal(cell_value)


def _shown_places(number_format: str) -> int:
    return len(number_format.split(".")[1]) if "." in number_format else 0


def _rows(ws, header_row: int = 4):
    rows = list(ws.iter_rows(min_row=header_row + 1))
    return [r for r in rows if any(c.value is not None for c in r)]


def test_sheets(case):
    _, _, workbook, _ = case
    assert workbook.sheetnames == ["Summary", "Criteria", "Metrics", "Panel", "Gates", "Provenance"]
    for ws in workbook:
        assert ws.freeze_panes is not None and ws.auto_filter.ref


def test_summary_equals_results_json(case):
    _, data, workbook, _ = case
    rows = _rows(workbook["Summary"], header_row=5)
    assert len(rows) == len(data["bids"])
    headers = [c.value for c in workbook["Summary"][5]]
    total_col = next(i for i, h in enumerate(headers) if h.startswith("총점"))
    for row, bid in zip(rows, data["bids"]):
        assert row[0].value == bid["rank"] and row[1].value == bid["bidder_id"]
        assert row[2].value == bid["name"]["ko"]
        assert row[total_col + 1].value == bid["price"] and row[total_col + 1].number_format == "#,##0"
        if bid["total"] is None:
            assert row[total_col].value is None
            continue
        total = row[total_col]
        assert _exact(total.value) == Decimal(bid["total"])
        assert _shown_places(total.number_format) == len(bid["total"].split(".")[1])  # same digits shown
    assert workbook["Summary"]._charts, "native bar chart of category scores"


def test_criteria_matrix_equals_results_json(case):
    _, data, workbook, _ = case
    ws = workbook["Criteria"]
    headers = [c.value for c in ws[4]]
    rows = {r[0].value: r for r in _rows(ws)}
    for index, bid in enumerate(data["bids"]):
        column = 5 + index
        assert headers[column] == bid["name"]["ko"]
        for score in bid["criteria"]:
            cell = rows[score["id"]][column]
            assert _exact(cell.value) == Decimal(score["score"])
            assert cell.number_format.endswith("0" * len(score["score"].split(".")[1]))
    leaf = next(c for c in data["rubric"]["criteria"] if c["formula"])
    assert rows[leaf["id"]][4].value == leaf["formula"]["ko"]


def test_metrics_panel_gates_and_provenance(case):
    _, data, workbook, _ = case
    metrics = {r[0].value: r for r in _rows(workbook["Metrics"])}
    for bid in data["bids"]:
        for offset, name in enumerate(METRICS):
            expected = bid["metrics"][name]
            got = metrics[bid["bidder_id"]][2 + offset].value
            assert (got is None) if expected is None else _exact(got) == Decimal(expected)
    panel = _rows(workbook["Panel"])
    entries = [(b["bidder_id"], c["id"], p) for b in data["bids"] for c in b["criteria"] if c["panel"]
               for p in c["panel"]["scores"]]  # fmt: skip
    assert len(panel) == len(entries)
    for row, (bidder, criterion, entry) in zip(panel, entries):
        assert (row[0].value, row[2].value, row[4].value) == (bidder, criterion, entry["evaluator"])
        assert (row[6].value is None) if entry["score"] is None else _exact(row[6].value) == Decimal(entry["score"])
    gates = _rows(workbook["Gates"])
    assert [(r[0].value, r[2].value, r[8].value) for r in gates] == [
        (b["bidder_id"], g["id"], g["passed"]) for b in data["bids"] for g in b["gates"]]  # fmt: skip
    hashes = {r[2].value for r in _rows(workbook["Provenance"])}
    assert {f["sha256"] for f in data["inputs"]} <= hashes


def test_two_exports_are_byte_identical(case):
    result, _, _, payload = case
    assert render_xlsx(result, "ko") == payload
    archive = zipfile.ZipFile(io.BytesIO(payload))
    assert {info.date_time for info in archive.infolist()} == {(*result.rubric.evaluation_date.timetuple()[:3], 0, 0, 0)}
    # openpyxl stamps `modified` with the clock while saving; it must be the evaluation date.
    core = archive.read("docProps/core.xml").decode()
    day = result.rubric.evaluation_date.isoformat()
    assert f">{day}T00:00:00Z</dcterms:modified>" in core and f">{day}T00:00:00Z</dcterms:created>" in core


def test_english_headers():
    workbook = load_workbook(io.BytesIO(render_xlsx(evaluate(load_inputs(*KR)), "en")))
    assert [c.value for c in workbook["Summary"][5]][:3] == ["Rank", "id", "Bidder"]
    assert workbook["Summary"]["C6"].value == "Alpha Soft"


def test_bidder_text_is_never_a_formula():
    """A bidder named =HYPERLINK(...) stays text: a string cell, quote-prefixed, no <f> in the file."""
    result = evaluate(load_inputs(*KR))
    hostile = '=HYPERLINK("http://x","y")'
    bid = result.bids[0]
    bids = [bid.model_copy(update={"name": bid.name.model_copy(update={"en": hostile, "ko": "+cmd|' /C calc'!A0"})}),
            *result.bids[1:]]  # fmt: skip
    payload = render_xlsx(result.model_copy(update={"bids": bids}), "en")
    cell = load_workbook(io.BytesIO(payload))["Summary"]["C6"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (hostile, "s", True)
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert all(b"<f>" not in sheet for sheet in sheets)


@pytest.mark.parametrize(("value", "expected"), [(Decimal("6.0000"), "#,##0.0000"), (Decimal("3345.2"), "#,##0.0"),
                                                 (17226, "#,##0"), (Decimal("17226"), "#,##0"), ("x", "General")])
def test_number_format_shows_the_recorded_digits(value, expected):
    assert number_format(value) == expected


def test_scorecard_command_matches_evaluate(tmp_path):
    out = tmp_path / "out"
    assert run("evaluate", *KR, "--out", out, "--format", "json,xlsx").exit_code == 0
    assert run("scorecard", out / "results.json", "--out", tmp_path / "again.xlsx").exit_code == 0
    assert (tmp_path / "again.xlsx").read_bytes() == (out / "scorecard.xlsx").read_bytes()
