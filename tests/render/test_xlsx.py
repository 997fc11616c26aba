"""scorecard.xlsx read back cell by cell against results.json (issue 4), and the procedure in it (issue 18)."""

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
from bideval.engine.result import READ_BACK, Result
from bideval.load.inputs import load_inputs
from bideval.model.fields import METRICS
from bideval.render.i18n import t
from bideval.render.json import render_json
from bideval.render.xlsx import number_format, render_xlsx
from tests.conftest import KR, NIPA, ROOT, run


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
    result, _, workbook, _ = case
    revisions = ["Revisions"] if result.revisions else []  # the KR sample has one (tests/render/test_xlsx_committee.py)
    assert workbook.sheetnames == ["Summary", "Criteria", "Metrics", "Panel", *revisions, "Gates", "Provenance"]
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
        assert row[9].value == entry["comment"]
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


# --- The procedure (issue 18): lots, stages, bonus and penalty points, rounds, suitability ---------------
# Labels are looked up with `t` (the shared vocabulary of render/common.py, the PDF's too); values are
# the samples' own, worked by hand.

RENTAL = (ROOT / "rubrics" / "gpu-rental-2025.yaml", ROOT / "sample_bids" / "gpu-rental-2025")
SPC = (ROOT / "rubrics" / "ai-computing-center-spc-2025.yaml", ROOT / "sample_bids" / "ai-computing-center-spc-2025")


def _values(ws, row: int) -> list:
    values = [c.value for c in ws[row]]
    while values and values[-1] is None:
        values.pop()
    return values


def _row_starting(ws, first) -> int:
    """The number of the first row whose column A holds `first` (or starts with it, for a caption)."""
    return next(c.row for c in ws["A"] if c.value == first or (isinstance(c.value, str) and c.value.startswith(first)))


def _records(ws, header_row: int) -> list[dict]:
    """The rows under a header row down to the first empty row, as header → value."""
    headers = _values(ws, header_row)
    records = []
    for row in ws.iter_rows(min_row=header_row + 1):
        if all(c.value is None for c in row):
            break
        records.append({h: c.value for h, c in zip(headers, row)})
    return records


def _books(result):
    payloads = {lang: render_xlsx(result, lang) for lang in ("ko", "en")}
    return result, payloads, {lang: load_workbook(io.BytesIO(p)) for lang, p in payloads.items()}


@pytest.fixture(scope="module")
def rental():
    return _books(evaluate(load_inputs(*RENTAL)))


@pytest.fixture(scope="module")
def spc():
    return _books(evaluate(load_inputs(*SPC)))


def test_rental_scorecard_shows_both_tracks_with_their_winners(rental):
    """gpu-rental-2025: track 1 (single award) goes to Arum Compute; track 2 (up to two winners within
    KRW 60 billion) to Haneul Infra and Dasom GPU; Mirae Hosting misses track 2's size floor."""
    _, _, books = rental
    ws = books["en"]["Summary"]
    assert books["en"].sheetnames == ["Summary", "Criteria", "Metrics", "Panel", "Gates", "Provenance"]
    assert ws["A4"].value == "Track 1 (large) [track-1]: " + t("outcome.awarded", "en", winners="Arum Compute")
    assert ws["A5"].value == "Track 2 (medium) [track-2]: " + t("outcome.awarded", "en",
                                                                winners="Haneul Infra, Dasom GPU")  # fmt: skip
    top = _row_starting(ws, t("lot", "en"))
    assert ws.freeze_panes == f"A{top + 1}" and ws.auto_filter.ref.startswith(f"A{top}:")
    lot, rank, status = t("lot", "en"), t("rank", "en"), t("status", "en")
    table = [(r[lot], r[rank], r["id"], r[status]) for r in _records(ws, top)]
    selected, eligible, excluded = (t(f"status.{s}", "en") for s in ("selected", "eligible", "excluded"))
    assert table == [
        ("Track 1 (large)", 1, "arum-compute", selected),
        ("Track 1 (large)", 2, "sol-datacenter", eligible),
        ("Track 1 (large)", 3, "bitnara-cloud", eligible),
        ("Track 2 (medium)", 1, "haneul-infra", selected),
        ("Track 2 (medium)", 2, "dasom-gpu", selected),
        ("Track 2 (medium)", 3, "nanum-ai", eligible),
        ("Track 2 (medium)", None, "mirae-hosting", excluded),
    ]  # fmt: skip
    # No rounds, stages or bonus points in this call: none of their columns or blocks.
    assert _values(ws, top)[-4:] == [f"{t('total', 'en')} (100)", f"{t('price', 'en')} (KRW)", status,
                                     t("reasons", "en")]  # fmt: skip
    assert t("rounds.title", "en") not in [c.value for c in ws["A"]]


def test_rental_sheets_carry_the_lot_of_every_bid(rental):
    result, _, books = rental
    lots = {b.bidder_id: {"track-1": "1트랙 (대규모)", "track-2": "2트랙 (중규모)"}[b.lot] for b in result.bids}
    for name in ("Metrics", "Panel", "Gates"):
        ws = books["ko"][name]
        assert ws["A4"].value == t("lot", "ko") and ws["B4"].value == "id"
        rows = _rows(ws)
        assert rows and all(r[0].value == lots[r[1].value] for r in rows), name
    gates = {(r[1].value, r[3].value): r[9].value for r in _rows(books["ko"]["Gates"])}
    assert gates[("mirae-hosting", "floor-track-2")] is False and gates[("arum-compute", "floor-track-1")] is True
    criteria = books["ko"]["Criteria"]
    assert [c.value for c in criteria[3]][5:] == [lots[b.bidder_id] for b in result.bids]
    assert [c.value for c in criteria[4]][5:] == [b.name.text("ko") for b in result.bids]


@pytest.fixture(scope="module")
def own_criteria(tmp_path_factory):
    """gpu-rental-2025 with track 2 scored on criteria of its own (price 70, service start 30): the
    panel's scores of track-2 bidders and the tie-break on `support` go, as that tree has neither."""
    root = tmp_path_factory.mktemp("own")
    shutil.copytree(RENTAL[1], root / "bids")
    for path in (root / "bids" / "scores").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"  (dasom-gpu|haneul-infra|mirae-hosting|nanum-ai):\n(    .*\n)*", "", text),
                        encoding="utf-8")  # fmt: skip
    award = "    award: {mode: multiple, max_winners: 2, budget: 60000000000}\n"
    own = award + ("    criteria:\n"
                   "      - {id: price-performance, label: {ko: 임차 가격, en: Rent per PF}, points: 70,\n"
                   "         method: ratio_to_best, metric: price_per_pflops, better: lower}\n"
                   "      - id: start\n        label: {ko: 서비스 개시, en: Start of service}\n        points: 30\n"
                   "        method: bands\n        metric: in_service_by\n"
                   "        bands: [{at_least: 0, ratio: 1}, {at_least: -30, ratio: 0.5}]\n")  # fmt: skip
    text = RENTAL[0].read_text(encoding="utf-8").replace(award, own, 1)
    text = text.replace("tie_break: [support, largest_item]", "tie_break: [largest_item]")
    (root / "rubric.yaml").write_text(text, encoding="utf-8")
    return evaluate(load_inputs(root / "rubric.yaml", root / "bids"))


def test_a_lot_with_criteria_of_its_own_shows_them(own_criteria):
    result = own_criteria
    assert result.rubric.criteria_of("track-2")[-1].id == "start"
    workbook = load_workbook(io.BytesIO(render_xlsx(result, "en")))
    ws = workbook["Criteria"]
    assert [c.value for c in ws[4]][:6] == ["Lot", "id", "Criterion", "Points", "Method", "Formula"]
    names = [c.value for c in ws[4]][6:]
    assert names == [b.name.text("en") for b in result.bids]
    rows = {(r[0].value, r[1].value): [c.value for c in r[6:]] for r in _rows(ws)}
    assert ("Track 1 (large)", "support") in rows and ("Track 2 (medium)", "support") not in rows
    for index, bid in enumerate(result.bids):
        own = {c.id: c.score for c in bid.criteria}
        track = "Track 1 (large)" if bid.lot == "track-1" else "Track 2 (medium)"
        for (lot, criterion), values in rows.items():
            got = values[index]
            if lot != track:
                assert got is None, (bid.bidder_id, criterion)  # another lot's tree: blank
            elif criterion == "total":
                assert (got is None) if bid.total is None else _exact(got) == bid.total
            elif criterion in own:
                assert _exact(got) == own[criterion]
    # The track-2 'start' row: the points and the scores of that lot's tree, and the right lot's bids only.
    assert rows[("Track 2 (medium)", "start")][names.index("Haneul Infra")] is not None
    assert rows[("Track 2 (medium)", "start")][names.index("Arum Compute")] is None
    summary = workbook["Summary"]
    headers = _values(summary, _row_starting(summary, "Lot"))
    assert "Start of service (30)" in headers and "Service start (15)" in headers
    record = next(r for r in _records(summary, _row_starting(summary, "Lot")) if r["id"] == "haneul-infra")
    assert record["Service start (15)"] is None and _exact(record["Start of service (30)"]) == \
        result.bid("haneul-infra").categories["start"]  # fmt: skip


def _stage_heads(lang: str) -> tuple[str, str, str, str]:
    labels = {"ko": ("1단계 기술·정책 평가", "2단계 금융 심사"), "en": ("Stage 1: technical and policy",
                                                                "Stage 2: financial review")}[lang]  # fmt: skip
    result = t("stages.result", lang)
    return f"{labels[0]} (70)", f"{labels[0]} — {result}", f"{labels[1]} (30)", f"{labels[1]} — {result}"


def test_spc_summary_shows_the_stages_the_bonus_and_the_total(spc):
    """ai-computing-center-spc-2025: stage 1 (70 points, pass 0.7 × 70 = 49) 55.5885 and stage 2 (30, pass
    18) 23.4500 give 79.0385; three cloud operators earn +1 each beyond the first, +2 (item max 2); no
    sanction, no penalty: 79.0385 + 2 = 81.0385 (worked by hand from the sample's bid and scores)."""
    _, _, books = spc
    for lang in ("en", "ko"):
        ws = books[lang]["Summary"]
        top = _row_starting(ws, t("rank", lang))
        (record,) = _records(ws, top)
        assert record["id"] == "nuri-ai-center" and record[t("status", lang)] == t("status.selected", lang)
        first, first_result, second, second_result = _stage_heads(lang)
        assert _exact(record[first]) == Decimal("55.5885") and record[first_result] == t("passed", lang)
        assert _exact(record[second]) == Decimal("23.4500") and record[second_result] == t("passed", lang)
        base_head, bonus_head = f"{t('adj.base_total', lang)} (100)", f"{t('adj.sum', lang)} (+3 / −2)"
        base, bonus, total = record[base_head], record[bonus_head], record[t("total", lang)]
        assert (_exact(base), _exact(bonus), _exact(total)) == (Decimal("79.0385"), 2, Decimal("81.0385"))
        assert _exact(base) + _exact(bonus) == _exact(total)
        headers = _values(ws, top)
        assert ws[top + 1][headers.index(t("total", lang))].number_format == "#,##0.0000"
        assert ws[top + 1][headers.index(bonus_head)].number_format == "#,##0"


def test_spc_summary_shows_the_three_rounds_and_the_suitability_check(spc):
    result, _, books = spc
    lang = "ko"
    ws = books[lang]["Summary"]
    rounds = _records(ws, _row_starting(ws, t("rounds.title", lang)) + 1)
    keys = [t(f"rounds.{k}", lang) for k in ("round", "announced", "applicants", "outcome", "evaluated")]
    assert [tuple(r[k] for k in keys) for r in rounds] == [
        (1, "2025-03-04", 0, "유찰", False),
        (2, "2025-05-30", 1, "유찰", False),
        (3, "2025-09-08", 1, "수의계약 협상", True),
    ]  # fmt: skip
    assert rounds[2][t("rounds.note", lang)] == "재공고 — 공공 지분 30 %로 완화"
    caption = ws.cell(row=_row_starting(ws, t("suitability.title", lang)), column=1)
    assert caption.value.endswith("누리AI컴퓨팅 컨소시엄: " + t("suitability.suitable", lang))
    checks = _records(ws, caption.row + 1)
    (suitability,) = result.outcome.suitability
    passed, label = t("passed", lang), t("suitability.check", lang)
    assert [(c["check"], c[passed]) for c in checks] == [(c.id, c.passed) for c in suitability.checks]
    assert [c["check"] for c in checks] == ["gates", "stages", "thresholds", "min_total", "category:infrastructure",
                                            "category:operations", "category:policy", "category:financial"]  # fmt: skip
    minimum = next(c for c in checks if c["check"] == "min_total")
    assert (minimum[label], minimum[t("required", lang)], _exact(minimum[t("suitability.actual", lang)])) == \
        (t("check.min_total", lang), 70, Decimal("79.0385"))  # fmt: skip
    category = next(c for c in checks if c["check"] == "category:financial")
    assert "재무·투자 심사" in category[label] and _exact(category[t("required", lang)]) == 12  # 0.4 × 30


def test_spc_stage_and_adjustment_sheets(spc):
    _, _, books = spc
    lang = "en"
    workbook = books[lang]
    assert workbook.sheetnames == ["Summary", "Criteria", "Stages", "Adjustments", "Metrics", "Panel", "Gates",
                                   "Provenance"]  # fmt: skip
    keys = ["stage", t("stages.maximum", lang), t("required", lang), t("score", lang), t("passed", lang),
            t("stages.result", lang)]  # fmt: skip
    stages = [[r[k] for k in keys] for r in _records(workbook["Stages"], 4)]
    assert [[s[0], s[1], _exact(s[2]), _exact(s[3]), s[4], s[5]] for s in stages] == [
        ["technical-policy", 70, 49, Decimal("55.5885"), True, t("passed", lang)],
        ["financial", 30, 18, Decimal("23.4500"), True, t("passed", lang)],
    ]  # fmt: skip
    assert all(r[t("stages.pass_rule", lang)] for r in _records(workbook["Stages"], 4))
    keys = ["item", t("adj.kind", lang), t("adj.value", lang), t("adj.earned", lang), t("adj.points", lang),
            t("adj.reason", lang)]  # fmt: skip
    adjustments = [tuple(r[k] for k in keys) for r in _records(workbook["Adjustments"], 4)]
    bonus, penalty = t("adj.kind.bonus", lang), t("adj.kind.penalty", lang)
    assert adjustments == [("multi-csp", bonus, 3, 2, 2, t("adj.reason.rule", lang)),
                           ("sanctions", penalty, False, 0, 0, t("adj.reason.not_met", lang))]  # fmt: skip
    matrix = {r[0].value: r[5].value for r in _rows(workbook["Criteria"])}
    assert (_exact(matrix["base_total"]), matrix["multi-csp"], matrix["sanctions"], _exact(matrix["total"])) == \
        (Decimal("79.0385"), 2, 0, Decimal("81.0385"))  # fmt: skip


def test_a_stage_not_reached(tmp_path):
    """With stage 1 asking 0.9 × 70 = 63 points, the SPC applicant (55.5885) fails it: stage 2 is not
    reached, no bonus is applied, and the suitability check fails."""
    shutil.copytree(SPC[1], tmp_path / "bids")
    text = SPC[0].read_text(encoding="utf-8").replace("pass: {min_ratio: 0.7}", "pass: {min_ratio: 0.9}", 1)
    (tmp_path / "rubric.yaml").write_text(text, encoding="utf-8")
    result = evaluate(load_inputs(tmp_path / "rubric.yaml", tmp_path / "bids"))
    lang = "en"
    workbook = load_workbook(io.BytesIO(render_xlsx(result, lang)))
    (record,) = _records(workbook["Summary"], _row_starting(workbook["Summary"], t("rank", lang)))
    _, first_result, second, second_result = _stage_heads(lang)
    assert record[first_result] == t("failed", lang)
    assert record[second] is None and record[second_result] == t("stages.not_reached", lang)
    assert record[f"{t('adj.sum', lang)} (+3 / −2)"] is None and record[t("total", lang)] is None
    stages = _records(workbook["Stages"], 4)
    keys = (t("required", lang), t("passed", lang), t("stages.result", lang))
    # stage 2 not reached: what its rule asks (30 × 0.6 = 18) is still shown
    assert [r[k] for k in keys for r in stages[1:]] == [18, None, t("stages.not_reached", lang)]
    assert _exact(stages[0][keys[0]]) == 63 and stages[0][keys[1]] is False
    assert _records(workbook["Adjustments"], 4) == []
    caption = workbook["Summary"].cell(row=_row_starting(workbook["Summary"], t("suitability.title", lang)), column=1)
    assert caption.value.endswith(": " + t("suitability.not_suitable", lang))


@pytest.mark.parametrize("which", ["rental", "spc"])
def test_procedure_scorecards_are_byte_identical_and_survive_results_json(which, request):
    result, payloads, _ = request.getfixturevalue(which)
    again = Result.model_validate_json(render_json(result), context=READ_BACK)
    for lang, payload in payloads.items():
        assert render_xlsx(result, lang) == payload
        assert render_xlsx(again, lang) == payload, lang


def test_procedure_headers_follow_the_language(spc, rental):
    """Every header of the new sheets and columns is the language's own text (ids are never printed)."""
    _, _, spc_books = spc
    _, _, rental_books = rental
    for lang in ("ko", "en"):
        stages = [t(i, lang) for i in ("bidder", "stages.stage", "stages.maximum", "stages.pass_rule", "required",
                                       "score", "passed", "stages.result")]  # fmt: skip
        assert _values(spc_books[lang]["Stages"], 4) == ["id", stages[0], "stage", *stages[1:]]
        adjustments = [t(i, lang) for i in ("bidder", "adj.item", "adj.kind", "adj.rule", "adj.value", "adj.earned",
                                            "adj.points", "adj.reason")]  # fmt: skip
        assert _values(spc_books[lang]["Adjustments"], 4) == ["id", adjustments[0], "item", *adjustments[1:]]
        summary = spc_books[lang]["Summary"]
        headers = _values(summary, _row_starting(summary, t("rank", lang)))
        assert headers[7:13] == [*_stage_heads(lang), f"{t('adj.base_total', lang)} (100)",
                                 f"{t('adj.sum', lang)} (+3 / −2)"]  # fmt: skip
        assert rental_books[lang]["Summary"]["A7"].value == t("lot", lang)
    assert _values(spc_books["ko"]["Stages"], 4) != _values(spc_books["en"]["Stages"], 4)
    assert _values(spc_books["ko"]["Stages"], 4)[3:6] == ["단계", "만점", "통과 기준"]
    assert _values(spc_books["en"]["Adjustments"], 4)[3:5] == ["Item", "Kind"]


def test_procedure_text_is_never_a_formula(spc, rental):
    """Lot and stage labels, round notes and bonus item labels come from the rubric: text, never formulas."""
    hostile = '=HYPERLINK("http://x","y")'
    result = spc[0]
    label = result.rubric.stages[0].label.model_copy(update={"en": hostile})
    rubric = result.rubric.model_copy(update={"stages": [result.rubric.stages[0].model_copy(update={"label": label}),
                                                         *result.rubric.stages[1:]]})  # fmt: skip
    rounds = [r.model_copy(update={"note": label}) for r in result.outcome.rounds]
    bid = result.bids[0]
    adjustments = [a.model_copy(update={"label": label}) for a in bid.adjustments]
    spc_hostile = result.model_copy(update={
        "rubric": rubric, "outcome": result.outcome.model_copy(update={"rounds": rounds}),
        "bids": [bid.model_copy(update={"adjustments": adjustments})]})  # fmt: skip
    lots = [lot.model_copy(update={"label": label}) for lot in rental[0].rubric.lots]
    rental_hostile = rental[0].model_copy(update={"rubric": rental[0].rubric.model_copy(update={"lots": lots})})
    for changed in (spc_hostile, rental_hostile):
        payload = render_xlsx(changed, "en")
        workbook = load_workbook(io.BytesIO(payload))
        cells = [c for ws in workbook for row in ws.iter_rows() for c in row if c.value == hostile]
        assert len(cells) >= 2 and all((c.data_type, c.quotePrefix) == ("s", True) for c in cells)
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert all(b"<f>" not in sheet for sheet in sheets)
