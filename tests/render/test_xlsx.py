"""scorecard.xlsx read back cell by cell against results.json (issue 4)."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
from bideval.model.fields import METRICS
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
    # The table ends at the first empty row; the chart's own data block follows it.
    rows = list(workbook["Summary"].iter_rows(min_row=6, max_row=6 + len(data["bids"])))
    assert all(c.value is None for c in rows.pop()) and all(c.value is not None for c in rows[-1][1:3])
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
                                                 (17226, "#,##0"), (Decimal(17226), "#,##0"), ("x", "General")])
def test_number_format_shows_the_recorded_digits(value, expected):
    assert number_format(value) == expected


def test_scorecard_command_matches_evaluate(tmp_path):
    out = tmp_path / "out"
    assert run("evaluate", *KR, "--out", out, "--format", "json,xlsx").exit_code == 0
    assert run("scorecard", out / "results.json", "--out", tmp_path / "again.xlsx").exit_code == 0
    assert (tmp_path / "again.xlsx").read_bytes() == (out / "scorecard.xlsx").read_bytes()


def _chart_cells(workbook, reference: str) -> list:
    """The values a chart reference such as 'Summary'!$D$6:$D$9 points at."""
    match = re.fullmatch(r"'?([^'!]+)'?!\$?([A-Z]+)\$?([0-9]+)(?::\$?([A-Z]+)\$?([0-9]+))?", reference)
    assert match, reference
    sheet, first_col, first_row, last_col, last_row = match.groups()
    cells = workbook[sheet][f"{first_col}{first_row}:{last_col or first_col}{last_row or first_row}"]
    return [cell.value for row in cells for cell in row]


def _category_chart_data(workbook):
    """The Summary chart as read back: bidder names, and each series' title and values."""
    (chart,) = workbook["Summary"]._charts
    names = None
    series = []
    for s in chart.series:
        cat = s.cat.strRef or s.cat.numRef
        got = _chart_cells(workbook, cat.f)
        assert names is None or got == names  # every series over the same bidders
        names = got
        series.append((_chart_cells(workbook, s.tx.strRef.f)[0], _chart_cells(workbook, s.val.numRef.f)))
    return names, series


def _expected_chart(result, lang: str):
    scored = [b for b in result.bids if b.total is not None]
    tops = [c for c in result.rubric.criteria if c.parent is None]
    return [b.name.text(lang) for b in scored], [
        (f"{c.label.text(lang)} ({c.points})", [b.categories.get(c.id) for b in scored]) for c in tops]


def _as_decimals(series):
    return [(title, [None if v is None else _exact(v) for v in values]) for title, values in series]


def test_category_chart_covers_the_bids_with_a_total(case):
    result, _, workbook, _ = case
    names, series = _category_chart_data(workbook)
    assert (names, _as_decimals(series)) == _expected_chart(result, "ko")


@pytest.fixture(scope="module")
def mixed_unranked(tmp_path_factory):
    """KR with beta-systems failing a gate: unranked by bidder id, the excluded beta-systems (no total)
    comes before the below-threshold delta-info (a total)."""
    root = tmp_path_factory.mktemp("mixed")
    shutil.copytree(KR[1], root / "bids")
    gate = ("eligibility:\n  - id: not-beta\n    label: {ko: 시험 자격, en: Test gate}\n"
            "    field: bidder.id\n    op: ne\n    value: beta-systems\n\ncriteria:\n")
    text = KR[0].read_text(encoding="utf-8").replace("\ncriteria:\n", "\n" + gate, 1)
    (root / "rubric.yaml").write_text(text, encoding="utf-8")
    return evaluate(load_inputs(root / "rubric.yaml", root / "bids"))


def test_category_chart_skips_an_excluded_bid_between_scored_ones(mixed_unranked):
    result = mixed_unranked
    assert [(b.bidder_id, b.status) for b in result.bids if b.rank is None] == [
        ("beta-systems", "excluded"), ("delta-info", "below_threshold")]  # fmt: skip
    for lang in ("en", "ko"):
        workbook = load_workbook(io.BytesIO(render_xlsx(result, lang)))
        names, series = _category_chart_data(workbook)
        assert (names, _as_decimals(series)) == _expected_chart(result, lang)
        assert "Beta Systems" not in names and names[-1] == result.bid("delta-info").name.text(lang)
        # The Summary table itself still lists every bid in results.json order.
        table_ids = [c.value for c in workbook["Summary"]["B"][5:5 + len(result.bids)]]
        assert table_ids == [b.bidder_id for b in result.bids]


def test_no_category_chart_without_a_bid_with_a_total(mixed_unranked):
    bids = [b.model_copy(update={"total": None, "categories": {}}) for b in mixed_unranked.bids]
    workbook = load_workbook(io.BytesIO(render_xlsx(mixed_unranked.model_copy(update={"bids": bids}), "en")))
    assert not workbook["Summary"]._charts


def test_category_chart_reads_top_down_with_the_score_axis_below(case):
    """A bar chart draws its first category lowest; the table and the report put rank 1 first, so the
    category axis is reversed and the score axis crosses at the last category (below the bars).
    Checked by eye in LibreOffice Calc 7.4 as well (rank 1 at the top, axis at the bottom)."""
    _, _, workbook, _ = case
    (chart,) = workbook["Summary"]._charts
    assert chart.x_axis.scaling.orientation == "maxMin"
    assert chart.y_axis.crosses == "max"
    assert chart.y_axis.number_format.formatCode == "0" and chart.y_axis.scaling.min == 0
