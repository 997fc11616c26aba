"""The report and the console show the procedure (issue 18): call rounds and the suitability check of a
sole applicant, stages, bonus and penalty points, lots — with the numbers of the two samples that have them.

The numbers are those results.json records for the samples (tests/engine checks how they are worked out):
the SPC call's rounds 1 and 2 failed (유찰), its round 3 had one applicant, found suitable; stage 1 scored
55.5885 against 49.0 (70 × 0.7), stage 2 23.4500 against 18.0 (30 × 0.6); 79.0385 before bonus points,
+2 for three cloud operators (1 point each above the first, at most 2), 81.0385 in all. The GPU rental
call has two tracks, each with its own floor and winners; Mirae Hosting's 800 H200s miss track 2's floor.
"""

from __future__ import annotations

import io
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader
from rich.console import Console

from bideval.engine.pipeline import evaluate
from bideval.engine.result_file import load_results
from bideval.load.inputs import load_inputs
from bideval.render import pdf as pdf_module
from bideval.render.console import render_console
from bideval.render.html import render_html
from bideval.render.pdf import render_pdf
from tests.conftest import RUBRICS, SAMPLES, run
from tests.render.test_pdf import _renamed as renamed_copy

SPC = (RUBRICS / "ai-computing-center-spc-2025.yaml", SAMPLES / "ai-computing-center-spc-2025")
RENTAL = (RUBRICS / "gpu-rental-2025.yaml", SAMPLES / "gpu-rental-2025")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


class _Tables(HTMLParser):
    """Every <table> of a page as (class, rows of cell texts), and every heading's text, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.headings: list[str] = []
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append((dict(attrs).get("class") or "", []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")
        elif tag in ("h2", "h3"):
            self._heading = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][1][-1].append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag in ("h2", "h3") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None

    def handle_data(self, data):
        for part in (self._cell, self._heading):
            if part is not None:
                part.append(data)


def _parsed(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    return parser


def _table(html: str, css_class: str, index: int = 0) -> list[list[str]]:
    return [rows for cls, rows in _parsed(html).tables if css_class in cls.split()][index]


def _text(html: str) -> str:
    """The page's text: inline tags dropped, block tags a space, entities read."""
    html = re.sub(r"<style>.*?</style>|<svg.*?</svg>", " ", html, flags=re.DOTALL)
    html = re.sub(r"</?(?:b|span)\b[^>]*>", "", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture(scope="module")
def spc():
    return evaluate(load_inputs(*SPC))


@pytest.fixture(scope="module")
def rental():
    return evaluate(load_inputs(*RENTAL))


def _console(result, lang: str, width: int = 140) -> str:
    console = Console(record=True, width=width, color_system=None)
    render_console(result, console, lang)
    return console.export_text()


# ---- call rounds and the suitability check ------------------------------------------------------------


def test_spc_report_lists_each_round_with_its_outcome(spc):
    en = _table(render_html(spc, "en"), "rounds")
    assert en[0] == ["Round", "Announced", "Applicants", "Outcome", "Note"]
    assert en[1:] == [
        ["Round 1", "2025-03-04", "0", "failed tender", "No consortium applied (failed)"],
        ["Round 2", "2025-05-30", "1", "failed tender", "A single consortium applied; no competition (failed)"],
        ["Round 3", "2025-09-08", "1", "negotiated contract evaluated in this report",
         "Re-announced — public share lowered to 30 %"],
    ]  # fmt: skip
    ko = _table(render_html(spc, "ko"), "rounds")
    assert [row[:4] for row in ko[1:]] == [["1차", "2025-03-04", "0", "유찰"], ["2차", "2025-05-30", "1", "유찰"],
                                          ["3차", "2025-09-08", "1", "수의계약 협상 이 보고서의 평가 대상"]]  # fmt: skip


def test_a_call_of_one_round_shows_no_rounds_table(rental):
    assert len(rental.outcome.rounds) == 1
    html = render_html(rental, "en")
    assert not [cls for cls, _ in _parsed(html).tables if cls == "rounds"] and "Call rounds" not in html


def test_spc_report_shows_the_suitability_check_and_its_verdict(spc):
    html = render_html(spc, "en")
    checks = _table(html, "suitability")
    assert checks[0] == ["Check", "Required", "Actual", "Result"]
    assert ["Passes every stage", "yes", "yes", "passed"] in checks
    assert ["Total (before bonus and penalty points)", "≥ 70", "79.0385", "passed"] in checks
    assert ["Financial review (at least 0.4 of its points)", "≥ 12.0", "23.4500", "passed"] in checks
    assert len(checks) == 1 + 8  # gates, stages, thresholds, min_total and the four categories
    assert "Verdict: Suitable — negotiated contract recommended" in _text(html)
    ko = render_html(spc, "ko")
    assert "심사 결과: 적합 — 수의계약 협상 권고" in _text(ko)
    assert ["총점 (가점·감점 반영 전)", "≥ 70", "79.0385", "충족"] in _table(ko, "suitability")


# ---- stages and bonus/penalty points ------------------------------------------------------------------


def test_spc_report_shows_the_stage_scores_against_their_pass_marks(spc):
    html = render_html(spc, "en")
    summary = _table(html, "stages", 0)  # under the ranking: one row per bid
    assert summary[0] == ["Bidder", "Stage 1: technical and policy at least 0.7 of the maximum (49.0 points)",
                          "Stage 2: financial review at least 0.6 of the maximum (18.0 points)", "Combined score"]
    assert summary[1] == ["Nuri AI Computing consortium", "55.5885 passed", "23.4500 passed", "79.0385"]
    own = _table(html, "stages", 1)  # in the bidder's section
    assert own[1:] == [["Stage 1: technical and policy", "55.5885", "70", "≥ 49.0", "passed"],
                       ["Stage 2: financial review", "23.4500", "30", "≥ 18.0", "passed"]]  # fmt: skip
    text = _text(html)
    assert "Combined score: 55.5885 + 23.4500 = 79.0385" in text
    assert "Combined score = Stage 1: technical and policy + Stage 2: financial review" in text
    rules = _table(html, "stage-rules")  # the evaluation method
    categories = "Computing infrastructure plan, Operations capability, Policy fit"
    assert rules[1] == ["Stage 1: technical and policy", categories, "70", "at least 0.7 of the maximum (49.0 points)",
                        "1"]  # fmt: skip


def test_spc_report_makes_the_bonus_arithmetic_visible(spc):
    html = render_html(spc, "en")
    summary = _table(html, "adjustments", 0)
    assert summary[1] == ["Nuri AI Computing consortium", "79.0385", "+2", "0", "81.0385", "79.0385 + 2 = 81.0385"]
    own = _table(html, "adjustments", 1)
    item = "Bonus for several cloud operators +1 for each unit of consortium_cloud_operators above 1 · at most 2 for the item"
    assert own[1] == [item, "bonus", "3", "2", "+2", "as the rule gives"]
    assert own[2] == ["Penalty for past procurement sanctions -2 when facts.past_sanction is yes", "penalty", "no",
                      "0", "0", "not met"]  # fmt: skip
    assert "Base total ± bonus/penalty = total: 79.0385 + 2 = 81.0385" in _text(html)
    ranking = _table(html, "ranking")
    assert ranking[0][-5:] == ["Base total", "Bonus / penalty", "Total (100)", "Bid price (KRW)", "Status"]
    assert ranking[1][-5:] == ["79.0385", "+2", "81.0385", "2,400,000,000,000", "selected"]
    ko = render_html(spc, "ko")
    assert "기본 점수 ± 가점·감점 = 총점: 79.0385 + 2 = 81.0385" in _text(ko)
    assert _table(ko, "adjustments", 1)[1][-1] == "산식대로" and _table(ko, "adjustments", 1)[2][-1] == "해당 없음"


@pytest.fixture(scope="module")
def spc_stage_failed(tmp_path_factory):
    """The SPC call with stage 1 asking 0.9 of its 70 points (63.0): the sole applicant's 55.5885 fails it."""
    folder = tmp_path_factory.mktemp("stage-failed")
    rubric = folder / "rubric.yaml"
    text = SPC[0].read_text(encoding="utf-8")
    assert "pass: {min_ratio: 0.7}" in text
    rubric.write_text(text.replace("pass: {min_ratio: 0.7}", "pass: {min_ratio: 0.9}"), encoding="utf-8")
    return evaluate(load_inputs(rubric, SPC[1]))


def test_a_failed_stage_and_an_unsuitable_applicant_are_worded_in_both_languages(spc_stage_failed):
    result = spc_stage_failed
    assert [r.code for r in result.bids[0].reasons] == ["stage_failed", "not_suitable"]
    en = _text(render_html(result, "en"))
    assert "failed Stage 1: technical and policy: 55.5885 < 63.0 (not scored in the later stages)" in en
    # the failed stage is one failed check (the thresholds are not counted against it twice)
    assert "not suitable for a negotiated contract — failed: Passes every stage Charts" in en
    assert "Verdict: Not suitable — no negotiated contract; the round fails" in en
    assert "Failed tender: the sole applicant Nuri AI Computing consortium was found not suitable" in en
    ko = _text(render_html(result, "ko"))
    assert "1단계 기술·정책 평가 통과 기준 미달: 55.5885 < 63.0 (이후 단계 미평가)" in ko
    assert "수의계약 적격성 심사 부적합 — 미충족: 모든 평가 단계 통과 도표" in ko
    assert "심사 결과: 부적합 — 수의계약 불가 (유찰)" in ko
    assert [row[:4] for row in _table(render_html(result, "ko"), "rounds")[1:]][-1] == ["3차", "2025-09-08", "1",
                                                                                         "유찰 이 보고서의 평가 대상"]


def test_a_stage_not_reached_is_shown_as_such_with_what_it_would_have_asked(spc_stage_failed):
    html = render_html(spc_stage_failed, "en")
    assert _table(html, "stages", 0)[1] == ["Nuri AI Computing consortium", "55.5885 failed", "– not reached", "–"]
    assert _table(html, "stages", 1)[2] == ["Stage 2: financial review", "–", "30", "≥ 18.0", "not reached"]
    criteria = next(rows for cls, rows in _parsed(html).tables if rows and rows[0][:3] == ["Criterion", "Points",
                                                                                              "Working"])  # fmt: skip
    assert ["Investment plan", "15", "not reached", "", "–"] in criteria
    assert ["Computing infrastructure plan", "30", "", "0.781630", "23.4489"] in criteria
    assert not [cls for cls, rows in _parsed(html).tables if cls == "adjustments"]  # no bid has a total


# ---- lots --------------------------------------------------------------------------------------------


def test_rental_report_has_a_part_per_track_with_its_floor_ranking_and_winners(rental):
    html = render_html(rental, "en")
    headings = _parsed(html).headings
    assert headings.index("Track 1 (large)") < headings.index("Track 2 (medium)") < headings.index("Reasons")
    track1, track2 = html.split("<h3>Track 1 (large)</h3>")[1].split("<h3>Track 2 (medium)</h3>")
    assert "b200 ≥ 1,000 or h100-sxm + h200-sxm ≥ 2,000" in _text(track1)
    assert "Awarded to: Arum Compute" in _text(track1)
    assert [row[1] for row in _table(track1, "ranking")[1:]] == ["Arum Compute", "Sol Datacenter", "Bitnara Cloud"]
    assert [row[-1] for row in _table(track1, "ranking")[1:]] == ["selected", "eligible", "eligible"]
    track2 = track2.split("<h3>Reasons</h3>")[0]
    assert "h100-sxm + h200-sxm ≥ 1,000 or b200 ≥ 500" in _text(track2)
    assert "Awarded to: Haneul Infra, Dasom GPU" in _text(track2) and "at most 2 winner(s)" in _text(track2)
    rows = _table(track2, "ranking")[1:]
    assert [(row[0], row[1], row[-1]) for row in rows] == [("1", "Haneul Infra", "selected"),
                                                            ("2", "Dasom GPU", "selected"),
                                                            ("3", "Nanum AI", "eligible"),
                                                            ("–", "Mirae Hosting", "excluded")]  # fmt: skip
    lots = _table(html, "lots")  # the evaluation method
    assert [row[0] for row in lots[1:]] == ["Track 1 (large) track-1", "Track 2 (medium) track-2"]


def test_rental_report_words_the_size_floor_in_the_bidders_gates_and_reasons(rental):
    html = render_html(rental, "en")
    floor = ["Track 2 (medium): size floor", "h100-sxm + h200-sxm ≥ 1000 or b200 ≥ 500", "h100-sxm + h200-sxm 800; b200 0",
             "failed"]  # fmt: skip
    assert floor in [row for _, rows in _parsed(html).tables for row in rows]
    assert ("Mirae Hosting: failed gate Track 2 (medium): size floor: actual h100-sxm + h200-sxm 800; b200 0, "
            "required h100-sxm + h200-sxm ≥ 1000 or b200 ≥ 500") in _text(html)
    assert "Status: excluded · Track 2 (medium) · Bid price 21,000,000,000 KRW" in _text(html)
    gates = html.split("Eligibility gates (failing any excludes the bid)")[1].split("</ul>")[0]
    assert "size floor" not in gates and "Main business site in Korea" in gates  # the floor is shown with its lot
    ko = _text(render_html(rental, "ko"))
    assert "요건 h100-sxm + h200-sxm ≥ 1000 또는 b200 ≥ 500" in ko and "선정: 하늘인프라, 다솜GPU" in ko


def test_the_cover_gives_each_lots_outcome_and_the_rounds(rental, spc):
    cover = _text(render_html(rental, "en").split('<section class="break">')[0])
    assert "Track 1 (large) Awarded to: Arum Compute" in cover
    assert "Track 2 (medium) Awarded to: Haneul Infra, Dasom GPU" in cover
    cover = _text(render_html(spc, "ko").split('<section class="break">')[0])
    assert "1차 유찰 → 2차 유찰 → 3차 수의계약 협상" in cover
    assert "적격성 심사 누리AI컴퓨팅 컨소시엄: 적합 — 수의계약 협상 권고" in cover


# ---- every language, every sample: labels, glyphs, escaping, a results.json read back ------------------


@pytest.mark.parametrize("sample", [SPC, RENTAL], ids=["spc", "rental"])
def test_new_samples_render_with_no_untranslated_text_and_every_glyph_in_the_fonts(sample):
    result = evaluate(load_inputs(*sample))
    for lang in ("ko", "en"):
        html = render_html(result, lang)
        assert pdf_module.printable(html) == html, lang  # no character the bundled fonts lack (no [U+…])
        assert not re.findall(r"\b(?:adj|stages|rounds|suitability|lot|check|round_outcome)\.[a-z_]+\b",
                              _text(html)), lang  # no message id printed in place of its text
    assert not HANGUL.findall(render_html(result, "en"))  # the inputs give English: so does the report


def test_a_reloaded_results_file_renders_the_same_report(tmp_path):
    """`bideval report` prints from results.json: the procedure's settings read back as they were written."""
    for name, sample in (("spc", SPC), ("rental", RENTAL)):
        out = tmp_path / name
        assert run("evaluate", *sample, "--out", out, "--format", "json").exit_code == 0
        reloaded = load_results(out / "results.json")
        direct = evaluate(load_inputs(*sample))
        for lang in ("ko", "en"):
            assert render_html(reloaded, lang) == render_html(direct, lang), (name, lang)


def _renamed(sample: tuple, tmp_path: Path, old: str, new: str):
    """The sample evaluated with `old` replaced by `new` in its bid files (tests/render/test_pdf.py)."""
    return evaluate(load_inputs(*renamed_copy(sample, tmp_path, old, new)))


HOSTILE = '<script>alert(1)</script>[bold]x[/bold]'


def test_bidder_names_are_escaped_in_the_new_sections(tmp_path):
    result = _renamed(SPC, tmp_path, "en: Nuri AI Computing consortium", f"en: '{HOSTILE}'")
    html = render_html(result, "en")
    assert "<script>" not in html
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;[bold]x[/bold]"
    for part in ("suitability", "stages", "adjustments"):
        section = html.split(f'<table class="{part}">')[1].split("</table>")[0] if part != "suitability" else \
            html.split('<h3>Suitability check of the sole applicant (negotiated contract)</h3>')[1].split("</table>")[0]
        assert escaped in section, part
    text = _console(result, "en", width=200)
    assert f"Suitability check: {HOSTILE} — Suitable" in text  # printed literally, never read as markup


# ---- console -----------------------------------------------------------------------------------------


def _row(text: str, name: str) -> list[str]:
    line = next(line for line in text.splitlines() if f" {name} " in line)
    return [cell.strip() for cell in line.strip("│ ").split("│")]


def test_console_shows_stages_bonus_rounds_and_the_suitability_verdict(spc):
    text = _console(spc, "en", width=200)
    assert _row(text, "Nuri AI Computing consortium") == ["1", "Nuri AI Computing consortium", "55.5885 ✓",
                                                          "23.4500 ✓", "79.0385", "+2", "81.0385",
                                                          "2,400,000,000,000", "selected"]  # fmt: skip
    assert "  Round 1 (2025-03-04): failed tender, 0 applicant(s) — No consortium applied (failed)" in text
    assert "  Round 3 (2025-09-08): negotiated contract, 1 applicant(s)" in text
    assert "Suitability check: Nuri AI Computing consortium — Suitable — negotiated contract recommended" in text
    assert "  ✓ Total (before bonus and penalty points): 79.0385 (Required ≥ 70)" in text
    ko = _console(spc, "ko", width=160)
    assert "  1차 공고 (2025-03-04): 유찰, 신청 0건 — 신청 컨소시엄 없음 (유찰)" in ko
    assert "적격성 심사: 누리AI컴퓨팅 컨소시엄 — 적합 — 수의계약 협상 권고" in ko
    assert "결과: 단독 적격 입찰 — 수의계약 협상 대상: 누리AI컴퓨팅 컨소시엄" in ko


def test_console_prints_a_table_and_an_outcome_per_lot(rental):
    text = _console(rental, "en")
    track1, track2 = text.split("Track 1 (large) — Size floor (any one): b200 ≥ 1,000 or h100-sxm + h200-sxm ≥ 2,000")[1] \
        .split("Track 2 (medium) — Size floor (any one): h100-sxm + h200-sxm ≥ 1,000 or b200 ≥ 500")  # fmt: skip

    def names(part: str) -> list[str]:
        return [row.split("│")[2].strip() for row in part.splitlines() if row.startswith("│")]

    assert names(track1) == ["Arum Compute", "Sol Datacenter", "Bitnara Cloud"]
    assert names(track2.split("Outcome: Awarded to: Arum")[0]) == ["Haneul Infra", "Dasom GPU", "Nanum AI",
                                                                    "Mirae Hosting"]  # fmt: skip
    assert "  Outcome: Awarded to: Arum Compute\n" in track1
    assert "  Outcome: Awarded to: Haneul Infra, Dasom GPU\n" in track2
    assert _row(text, "Mirae Hosting")[-1] == "excluded"
    ko = _console(rental, "ko")
    assert "  결과: 선정: 하늘인프라, 다솜GPU" in ko and "1트랙 (대규모) — 최소 규모 (하나 이상 충족)" in ko


def test_old_samples_print_no_procedure_lines():
    from tests.conftest import KR

    text = _console(evaluate(load_inputs(*KR)), "en")
    assert "Call rounds" not in text and "Suitability" not in text and "Base total" not in text


# ---- the PDF -----------------------------------------------------------------------------------------


def test_the_pdfs_carry_the_rounds_the_arithmetic_and_the_tracks(spc, rental):
    spc_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(spc, "ko"))).pages)
    assert "유찰" in spc_text and "수의계약 협상 권고" in spc_text and "79.0385 + 2 = 81.0385" in spc_text
    rental_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(rental, "en"))).pages)
    assert "Track 1 (large)" in rental_text and "Track 2 (medium)" in rental_text
    assert "Awarded to: Haneul Infra, Dasom GPU" in rental_text


# ---- wording of the rules the samples do not use -------------------------------------------------------


def test_a_top_n_stage_a_last_stage_rule_and_a_stage_check_are_worded(spc):
    """A stage passing its top N has no score to reach: the reason names the N, not a missing number."""
    from decimal import Decimal

    from bideval.engine.result import Reason
    from bideval.render.common import Words, check_label, combine_text, reason_text, stage_rule_text

    first, second = spc.rubric.stages
    rubric = spc.rubric.model_copy(update={"stages": [first.model_copy(update={"passing": {"top": 2}}), second],
                                           "stage_scores": "last_stage"})  # fmt: skip
    result = spc.model_copy(update={"rubric": rubric})
    reason = Reason(code="stage_failed", subject="technical-policy", actual=Decimal("40.5"), required=None)
    assert reason_text(reason, Words.of(result, "en")) == ("outside the top 2 in Stage 1: technical and policy: 40.5 "
                                                           "(not scored in the later stages)")  # fmt: skip
    assert reason_text(reason, Words.of(result, "ko")) == "1단계 기술·정책 평가 상위 2위 밖: 40.5점 (이후 단계 미평가)"
    assert stage_rule_text(rubric.stages[0], "en") == "the top 2 (ties at the cut all pass)"
    assert combine_text(result, "en") == "Final score = the last stage's score (Stage 2: financial review)"
    assert check_label("stage:financial", result, "ko") == "2단계 금융 심사 통과"


def test_a_stage_and_a_category_of_the_same_id_keep_their_own_labels(spc):
    """The SPC rubric has a category `financial` and a stage `financial`: each reason names its own."""
    from decimal import Decimal

    from bideval.engine.result import Reason
    from bideval.render.common import Words, reason_text

    words = Words.of(spc, "en")
    minimum = Reason(code="below_minimum", subject="financial", actual=Decimal("10"), required=Decimal("12.0"))
    stage = Reason(code="stage_failed", subject="financial", actual=Decimal("10"), required=Decimal("18.0"))
    assert reason_text(minimum, words) == "below the minimum on Financial review: 10 < 12.0"
    assert reason_text(stage, words) == "failed Stage 2: financial review: 10 < 18.0 (not scored in the later stages)"
