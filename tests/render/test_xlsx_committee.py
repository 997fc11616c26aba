"""The committee in scorecard.xlsx (issue 22 §3–5): each comment beside its score on the Panel sheet, a
moderated panel's agreed score and rationale, every revision on the Revisions sheet — read back with
openpyxl, the untrusted text stored as text.

The KR sample (kr-negotiated-80-20) has five comments and one revision: p-07 lowered alpha-soft's
`understanding` from 11.5 to 10.5 on 2025-09-12 after the presentation, and says why in a comment; 10.5 is
the lowest of the seven scores, so it is dropped from the trimmed mean (13.5) as before.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from bideval.engine.pipeline import evaluate
from bideval.engine.result import READ_BACK, Result
from bideval.load.inputs import load_inputs
from bideval.render.i18n import t
from bideval.render.json import render_json
from bideval.render.xlsx import render_xlsx
from tests.conftest import KR, NIPA

P07_COMMENT = ("현행 시스템 분석이 개략적이고 연계 대상 시스템 목록이 빠져 있음. 발표 질의응답에서도 "
               "보완되지 않아 하향 조정함.")  # fmt: skip
P07_REASON = "발표평가 질의응답 후 조정 (현행 시스템 분석 보완 없음)"
BIDDERS = ("alpha-soft", "beta-systems", "gamma-data", "delta-info", "epsilon-net")
ITEMS = ("understanding", "methodology", "management", "track-record")


def _records(ws, header_row: int = 4) -> list[dict]:
    """The rows under a header row down to the first empty row, as header → cell."""
    headers = [c.value for c in ws[header_row] if c.value is not None]
    records = []
    for row in ws.iter_rows(min_row=header_row + 1):
        if all(c.value is None for c in row):
            break
        records.append(dict(zip(headers, row)))
    return records


def _panel_headers(lang: str, last: str = "panel_mean", text: str = "scorecard.comment") -> list[str]:
    return ["id", t("bidder", lang), "criterion", t("criterion", lang), t("evaluator", lang) + " id",
            t("evaluator", lang), t("score", lang), t("status", lang), t(last, lang), t(text, lang)]  # fmt: skip


def _revision_headers(lang: str) -> list[str]:
    return ["id", t("bidder", lang), "criterion", t("criterion", lang), t("evaluator", lang) + " id",
            t("evaluator", lang), t("scorecard.previous", lang), t("scorecard.current", lang),
            t("scorecard.revised_on", lang), t("scorecard.reason", lang)]  # fmt: skip


def _workbook(result: Result, lang: str):
    return load_workbook(io.BytesIO(render_xlsx(result, lang)))


@pytest.fixture(scope="module")
def kr():
    return evaluate(load_inputs(*KR))


@pytest.fixture(scope="module")
def kr_books(kr):
    return {lang: _workbook(kr, lang) for lang in ("ko", "en")}


# --- comments on the Panel sheet ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_panel_sheet_has_each_comment_in_the_row_of_its_score(kr, kr_books, lang):
    ws = kr_books[lang]["Panel"]
    assert [c.value for c in ws[4]] == _panel_headers(lang)
    records = _records(ws)
    comment, status = t("scorecard.comment", lang), t("status", lang)
    expected = [(b.bidder_id, c.id, p.evaluator, p.score, t(f"panel.{p.status}", lang), p.comment)
                for b in kr.bids for c in b.criteria if c.panel for p in c.panel.scores]  # fmt: skip
    got = [(r["id"].value, r["criterion"].value, r[t("evaluator", lang) + " id"].value,
            r[t("score", lang)].value, r[status].value, r[comment].value) for r in records]  # fmt: skip
    assert [g[:3] + g[4:] for g in got] == [e[:3] + e[4:] for e in expected]
    assert [Decimal(str(g[3])) for g in got] == [e[3] for e in expected]
    assert sum(1 for g in got if g[5]) == 5  # the sample's five comments, no more
    # p-07's lowered score of alpha-soft keeps its mark (the lowest, dropped) and has its comment beside it
    (row,) = [r for r in records if (r["id"].value, r["criterion"].value, r[t("evaluator", lang) + " id"].value)
              == ("alpha-soft", "understanding", "p-07")]  # fmt: skip
    assert row[t("score", lang)].value == 10.5 and row[status].value == t("panel.dropped_low", lang)
    assert row[t("panel_mean", lang)].value == 13.5
    assert row[comment].value == P07_COMMENT and row[comment].data_type == "s"
    # the long text wraps in a column of bounded width, the row's other cells aligned to its top
    assert row[comment].alignment.wrap_text and row[comment].alignment.vertical == "top"
    assert row[status].alignment.vertical == "top"
    assert ws.column_dimensions[row[comment].column_letter].width == 60
    assert ws.auto_filter.ref == f"A4:J{4 + len(records)}" and ws.freeze_panes == "A5"


def test_the_panel_sheet_reads_row_by_row(kr_books):
    """The first judged item of the first bid, as a reader of the Korean sheet sees it."""
    rows = [[c.value for c in row] for row in kr_books["ko"]["Panel"].iter_rows(min_row=4, max_row=11)]
    assert rows == [
        ["id", "입찰자", "criterion", "평가 항목", "평가위원 id", "평가위원", "점수", "상태", "절사 평균", "평가의견"],
        ["alpha-soft", "알파소프트", "understanding", "사업 이해도", "p-01", "한지민", 12.5, "반영", 13.5, None],
        ["alpha-soft", "알파소프트", "understanding", "사업 이해도", "p-02", "오세훈", 13, "반영", 13.5, None],
        ["alpha-soft", "알파소프트", "understanding", "사업 이해도", "p-03", "윤하늘", 13.5, "반영", 13.5, None],
        ["alpha-soft", "알파소프트", "understanding", "사업 이해도", "p-04", "임도현", 14, "반영", 13.5, None],
        ["alpha-soft", "알파소프트", "understanding", "사업 이해도", "p-05", "서가은", 14.5, "최고점 제외", 13.5, None],
        ["alpha-soft", "알파소프트", "understanding", "사업 이해도", "p-06", "문태오", 14.5, "반영", 13.5, None],
        ["alpha-soft", "알파소프트", "understanding", "사업 이해도", "p-07", "배나래", 10.5, "최저점 제외", 13.5, P07_COMMENT],
    ]  # fmt: skip


# --- revisions ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_revision_is_listed_with_its_date_and_reason(kr, kr_books, lang):
    workbook = kr_books[lang]
    assert workbook.sheetnames == ["Summary", "Criteria", "Metrics", "Panel", "Revisions", "Gates", "Provenance"]
    ws = workbook["Revisions"]
    assert ws["B2"].value is None and ws["A2"].value == t("scorecard.revisions", lang)
    assert [c.value for c in ws[4]] == _revision_headers(lang)
    (row,) = [[c.value for c in r] for r in ws.iter_rows(min_row=5) if any(c.value is not None for c in r)]
    name = {"ko": ("알파소프트", "사업 이해도", "배나래"), "en": ("Alpha Soft", "Understanding of the project", "Bae Narae")}
    bidder, criterion, evaluator = name[lang]
    assert row == ["alpha-soft", bidder, "understanding", criterion, "p-07", evaluator, 11.5, 10.5, "2025-09-12",
                   P07_REASON]  # fmt: skip
    assert len(kr.revisions) == 1 and kr.revisions[0].reason == P07_REASON
    reason = ws["J5"]
    assert reason.data_type == "s" and reason.alignment.wrap_text
    assert ws.freeze_panes == "A5" and ws.auto_filter.ref == "A4:J5"


def test_no_revisions_sheet_without_revisions():
    result = evaluate(load_inputs(*NIPA))
    assert not result.revisions
    assert "Revisions" not in _workbook(result, "en").sheetnames


# --- untrusted text ----------------------------------------------------------------------------------------

HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The KR sample with p-02 commenting `=1+1` on beta-systems' methodology, and revising it for a
    reason that is a formula."""
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(KR[1], root / "bids")
    scores = root / "bids" / "scores" / "p-02.yaml"
    scores.write_text(scores.read_text(encoding="utf-8") + (
        "comments:\n  beta-systems:\n    methodology: '=1+1'\n"
        "revisions:\n  beta-systems:\n    methodology:\n"
        f"      - {{previous: 25, date: 2025-09-11, reason: '{HYPERLINK}'}}\n"), encoding="utf-8")  # fmt: skip
    return evaluate(load_inputs(KR[0], root / "bids"))


def test_a_comment_or_reason_that_looks_like_a_formula_is_stored_as_text(hostile):
    payload = render_xlsx(hostile, "en")
    workbook = load_workbook(io.BytesIO(payload))
    comment = t("scorecard.comment", "en")
    (row,) = [r for r in _records(workbook["Panel"]) if (r["id"].value, r["criterion"].value,
              r["Evaluator id"].value) == ("beta-systems", "methodology", "p-02")]  # fmt: skip
    cell = row[comment]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)
    reasons = [r[t("scorecard.reason", "en")] for r in _records(workbook["Revisions"])]
    assert [c.value for c in reasons] == [P07_REASON, HYPERLINK]
    assert (reasons[1].data_type, reasons[1].quotePrefix) == ("s", True)
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert all(b"<f>" not in sheet for sheet in sheets)


# --- a moderated panel -------------------------------------------------------------------------------------

AGREED = {"understanding": Decimal("13.5"), "methodology": 26, "management": Decimal("16.5"), "track-record": 14}


def _rationale(bidder: str, item: str) -> str:
    if (bidder, item) == ("beta-systems", "methodology"):
        return "+1점 상향 합의: 발표 후 제출한 이관 시험 계획을 위원 전원이 확인함."  # starts like a formula
    return f"{bidder} {item}: 위원 간 이견을 검토하여 합의함."


@pytest.fixture(scope="module")
def moderated(tmp_path_factory):
    """The KR sample under `panel: {method: moderated}` with an agreed score and rationale for every bid
    and judged item (scores/moderated.yaml); the evaluators' files, comments and revision unchanged."""
    root = tmp_path_factory.mktemp("moderated")
    shutil.copytree(KR[1], root / "bids")
    rubric = KR[0].read_text(encoding="utf-8")
    assert rubric.count("\npanel:\n") == 1
    (root / "rubric.yaml").write_text(rubric.replace("\npanel:\n", "\npanel:\n  method: moderated\n"),
                                      encoding="utf-8")  # fmt: skip
    lines = ["schema: bideval/moderated/v1", "scores:"]
    for bidder in BIDDERS:
        lines.append(f"  {bidder}:")
        lines += [f"    {item}: {{score: {AGREED[item]}, rationale: '{_rationale(bidder, item)}'}}" for item in ITEMS]
    (root / "bids" / "scores" / "moderated.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = evaluate(load_inputs(root / "rubric.yaml", root / "bids"))
    assert {c.panel.method for b in result.bids for c in b.criteria if c.panel} == {"moderated"}
    return result


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_moderated_item_shows_the_agreed_score_with_its_rationale_then_the_recorded_scores(moderated, lang):
    ws = _workbook(moderated, lang)["Panel"]
    assert [c.value for c in ws[4]] == _panel_headers(lang, "scorecard.agreed_score", "scorecard.comment_rationale")
    records = _records(ws)
    evaluator_id, status, text = t("evaluator", lang) + " id", t("status", lang), t("scorecard.comment_rationale", lang)
    agreed, recorded = t("scorecard.agreed", lang), t("panel.recorded", lang)
    judged = [(b, c) for b in moderated.bids for c in b.criteria if c.panel]
    assert len(records) == sum(1 + len(c.panel.scores) for _, c in judged)
    position = 0
    for bid, score in judged:
        first, *others = records[position:position + 1 + len(score.panel.scores)]
        position += 1 + len(score.panel.scores)
        assert (first["id"].value, first["criterion"].value) == (bid.bidder_id, score.id)
        assert first[evaluator_id].value is None and first[t("evaluator", lang)].value == t("scorecard.panel", lang)
        assert first[status].value == agreed
        assert Decimal(str(first[t("score", lang)].value)) == AGREED[score.id] == score.panel.mean
        assert Decimal(str(first[t("scorecard.agreed_score", lang)].value)) == AGREED[score.id]
        assert first[text].value == _rationale(bid.bidder_id, score.id) and first[text].alignment.wrap_text
        assert [r[evaluator_id].value for r in others] == [p.evaluator for p in score.panel.scores]
        # the evaluators' own scores: recorded, never kept or dropped; each comment still beside its score
        assert {r[status].value for r in others} == {recorded}
        assert [r[text].value for r in others] == [p.comment for p in score.panel.scores]
        assert all(Decimal(str(r[t("scorecard.agreed_score", lang)].value)) == AGREED[score.id] for r in others)
    hostile = next(r[text] for r in records if (r["id"].value, r["criterion"].value, r[status].value)
                   == ("beta-systems", "methodology", agreed))  # fmt: skip
    assert (hostile.value, hostile.data_type, hostile.quotePrefix) == (
        _rationale("beta-systems", "methodology"), "s", True)  # fmt: skip
    commented = next(r for r in records if (r["id"].value, r["criterion"].value, r[evaluator_id].value)
                     == ("alpha-soft", "understanding", "p-07"))  # fmt: skip
    assert (commented[status].value, commented[text].value) == (recorded, P07_COMMENT)


# --- bytes ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["kr", "moderated", "hostile"])
def test_committee_scorecards_are_byte_identical_and_survive_results_json(which, request):
    result = request.getfixturevalue(which)
    again = Result.model_validate_json(render_json(result), context=READ_BACK)
    for lang in ("ko", "en"):
        payload = render_xlsx(result, lang)
        assert render_xlsx(result, lang) == payload
        assert render_xlsx(again, lang) == payload, lang
