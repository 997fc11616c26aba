"""`bideval sheets`: one protected workbook per evaluator, with a hidden sheet saying what each cell means."""

from __future__ import annotations

import io
import zipfile

import pytest
import yaml
from openpyxl import load_workbook

from bideval.load.inputs import load_panel_inputs
from bideval.sheets import FIRST_ROW, HEADER_ROW, ID_ROW, META_SHEET, meta_check
from bideval.sheets.make import build_sheets
from tests.conftest import KR, NIPA, run
from tests.sheets import copy_sample

NIPA_JUDGED = [
    "build-quality",
    "datacenter",
    "financing",
    "ecosystem-plan",
    "track-record",
    "recovery",
    "understanding",
]
NIPA_BIDDERS = ["gaon-ai", "hanbit-cloud", "jangteo-market", "saebyeok-tech"]


def _workbook(payload: bytes):
    return load_workbook(io.BytesIO(payload))


def _rows(sheet) -> list[list]:
    return [[v for v in row if v is not None] for row in sheet.iter_rows(values_only=True)]


def test_one_workbook_per_evaluator_listing_only_the_bidders_it_may_score():
    files = build_sheets(load_panel_inputs(*NIPA), blind=False, lang="en")
    assert list(files) == [f"ev-0{i}.xlsx" for i in range(1, 8)]
    sheet = _workbook(files["ev-04.xlsx"])["Scores"]
    # bidder-id order, conflicts left out (ev-04 has a conflict with gaon-ai)
    names = [sheet.cell(r, 1).value for r in range(FIRST_ROW, sheet.max_row + 1)]
    assert names == ["Hanbit Cloud", "Jangteo Market", "Saebyeok Tech"]
    everyone = _workbook(files["ev-01.xlsx"])["Scores"]
    assert [everyone.cell(r, 1).value for r in range(FIRST_ROW, everyone.max_row + 1)] == [
        "Gaon AI",
        "Hanbit Cloud",
        "Jangteo Market",
        "Saebyeok Tech",
    ]
    assert [sheet.cell(ID_ROW, c).value for c in range(2, 9)] == NIPA_JUDGED
    assert sheet["A1"].value == "2025 GPU acquisition, build and operation support — proposal evaluation"
    assert sheet["A2"].value == "Evaluator: Choi Yujin (ev-04)"
    assert "0–100 (% of the item's points)" in sheet["A3"].value
    assert sheet.cell(HEADER_ROW, 5).value == "Support plan for academia and start-ups\n20 points\nenter 0–100 (%)"


def test_hidden_sheet_records_rubric_evaluator_columns_and_rows():
    inputs = load_panel_inputs(*NIPA)
    book = _workbook(build_sheets(inputs, blind=False, lang="en")["ev-04.xlsx"])
    meta = book[META_SHEET]
    assert meta.sheet_state == "veryHidden" and meta.protection.sheet
    rows = _rows(meta)
    assert rows[:5] == [
        ["schema", "bideval/score-sheet/v1"],
        ["rubric", "nipa-gpu-2025", inputs.rubric_source.sha256],
        ["evaluator", "ev-04"],
        ["sheet", "Scores"],
        ["blind", "no"],
    ]
    assert rows[5:12] == [["criterion", cid, "BCDEFGH"[i]] for i, cid in enumerate(NIPA_JUDGED)]
    assert [row[1:3] for row in rows[12:15]] == [["hanbit-cloud", 6], ["jangteo-market", 7], ["saebyeok-tech", 8]]
    assert rows[15] == ["comments", "Comments"]
    assert rows[16] == ["check", meta_check(rows[:16])]
    assert book.security.lockStructure


def test_only_score_cells_are_unlocked_each_with_range_validation():
    """Points scale (KR sample): the range is 0 to the item's points, e.g. 0–15 for understanding."""
    sheet = _workbook(build_sheets(load_panel_inputs(*KR), blind=False, lang="ko")["p-01.xlsx"])["점수"]
    assert sheet.protection.sheet and sheet.protection.password is None
    assert sheet.freeze_panes == "B6"
    unlocked = {c.coordinate for row in sheet.iter_rows() for c in row if not c.protection.locked}
    assert unlocked == {f"{col}{row}" for col in "BCDE" for row in range(6, 11)}
    rules = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    assert set(rules) == {"B6:B10", "C6:C10", "D6:D10", "E6:E10"}
    understanding = rules["B6:B10"]
    assert (understanding.type, understanding.operator) == ("decimal", "between")
    assert (understanding.formula1, understanding.formula2) == ("0", "15")
    assert understanding.showErrorMessage and understanding.error == "0부터 15까지의 숫자를 입력하세요."
    assert sheet.cell(HEADER_ROW, 2).value == "사업 이해도\n배점 15점\n입력 0–15점"
    assert "점수 항목" in sheet["A3"].value
    assert sheet.column_dimensions["A"].width >= 14 and sheet.column_dimensions["B"].width == 18


def test_blind_sheets_show_aliases_and_hold_no_bidder_id_or_name(tmp_path):
    inputs = load_panel_inputs(*NIPA)
    files = build_sheets(inputs, blind=True, lang="ko")
    aliases = yaml.safe_load(files["aliases.yaml"])
    assert aliases["schema"] == "bideval/aliases/v1"
    assert aliases["rubric"] == {"id": "nipa-gpu-2025", "sha256": inputs.rubric_source.sha256}
    assert sorted(aliases["aliases"]) == ["입찰자 A", "입찰자 B", "입찰자 C", "입찰자 D"]
    assert sorted(aliases["aliases"].values()) == NIPA_BIDDERS
    secret = [*NIPA_BIDDERS] + [text for bid, _ in inputs.bids for text in (bid.bidder.name.ko, bid.bidder.name.en)]
    for name, payload in files.items():
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(payload)) as archive:
                text = b"".join(archive.read(entry) for entry in archive.namelist()).decode("utf-8")
            assert not [s for s in secret if s in text], name
    sheet = _workbook(files["ev-04.xlsx"])["점수"]
    conflicted = next(alias for alias, bidder in aliases["aliases"].items() if bidder == "gaon-ai")
    shown = [sheet.cell(r, 1).value for r in range(FIRST_ROW, sheet.max_row + 1)]
    assert shown == sorted(set(aliases["aliases"]) - {conflicted})
    assert _rows(_workbook(files["ev-04.xlsx"])[META_SHEET])[4] == ["blind", "yes"]


def test_english_aliases():
    files = build_sheets(load_panel_inputs(*KR), blind=True, lang="en")
    assert sorted(yaml.safe_load(files["aliases.yaml"])["aliases"]) == [f"Bidder {x}" for x in "ABCDE"]


@pytest.mark.parametrize("blind", [False, True])
def test_two_builds_are_byte_identical(blind):
    first = build_sheets(load_panel_inputs(*NIPA), blind=blind, lang="ko")
    assert build_sheets(load_panel_inputs(*NIPA), blind=blind, lang="ko") == first


def test_a_bidder_name_that_looks_like_a_formula_is_stored_as_text(tmp_path):
    rubric, bids = copy_sample(NIPA, tmp_path)
    bid = bids / "gaon-ai.yaml"
    formula = '=HYPERLINK("http://x","y")'
    bid.write_text(bid.read_text().replace("name: {ko: 가온AI, en: Gaon AI}", f"name: '{formula}'"))
    payload = build_sheets(load_panel_inputs(rubric, bids), blind=False, lang="en")["ev-01.xlsx"]
    cell = _workbook(payload)["Scores"].cell(FIRST_ROW, 1)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (formula, "s", True)
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_sheets_command_writes_the_workbooks(tmp_path):
    result = run("sheets", *NIPA, "--out", tmp_path / "sheets", "--blind", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "sheets").iterdir()) == ["aliases.yaml"] + [
        f"ev-0{i}.xlsx" for i in range(1, 8)
    ]
    again = run("sheets", *NIPA, "--out", tmp_path / "sheets")
    assert again.exit_code == 1 and "--force" in again.stderr


def test_sheets_refuse_a_panel_with_problems(tmp_path):
    """Checks that need no scores still run before sheets are made: duplicate evaluator, unknown conflict."""
    rubric, bids = copy_sample(NIPA, tmp_path / "copy")
    scores = bids / "scores"
    (scores / "ev-99.yaml").write_text((scores / "ev-01.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    ev02 = scores / "ev-02.yaml"
    ev02.write_text(ev02.read_text(encoding="utf-8").replace("conflicts: []", "conflicts: [gaon-al]"), encoding="utf-8")
    result = run("sheets", rubric, bids, "--out", tmp_path / "out")
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    assert "evaluator id 'ev-01' is also used by" in result.stderr
    assert "conflict with unknown bidder 'gaon-al'" in result.stderr


def test_sheets_for_a_rubric_without_judged_criteria(tmp_path):
    _, bids = copy_sample(NIPA, tmp_path / "copy")
    rubric = tmp_path / "price-only.yaml"
    rubric.write_text(
        "schema: bideval/rubric/v1\nid: price-only\ntitle: Price only\nissuer: Test\ncurrency: KRW\n"
        "evaluation_date: 2025-01-01\ncriteria:\n  - {id: price, label: Price, points: 100, method: ratio_to_best,"
        " metric: price, better: lower}\n",
        encoding="utf-8",
    )
    for sheet in (bids / "scores").glob("*.yaml"):  # evaluators only, as before any scoring
        sheet.write_text(sheet.read_text(encoding="utf-8").split("scores:")[0] + "scores: {}\n", encoding="utf-8")
    result = run("sheets", rubric, bids, "--out", tmp_path / "out")
    assert result.exit_code == 1 and "no judged criteria" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


# -- comments (평가의견) ---------------------------------------------------------------------------


def test_comments_sheet_repeats_the_scores_grid_with_wide_text_cells():
    """The comment on the score in C7 goes in C7 of the second sheet: the same rows, columns and ids."""
    book = _workbook(build_sheets(load_panel_inputs(*KR), blind=False, lang="ko")["p-01.xlsx"])
    assert book.sheetnames == ["점수", "평가의견", META_SHEET]
    scores, notes = book["점수"], book["평가의견"]
    assert notes.sheet_state == "visible" and notes.protection.sheet and notes.protection.password is None
    assert "'평가의견' 시트" in scores["A3"].value
    assert "'점수' 시트의 점수와 같은 위치" in notes["A3"].value and "2,000자 이내" in notes["A3"].value
    assert "배점의 0.2배를 넘게 벗어난 점수에는 평가의견이 필요합니다" in notes["A3"].value  # comment_required_beyond
    for row in (ID_ROW, *range(FIRST_ROW, 11)):
        assert [notes.cell(row, c).value for c in range(1, 6)] == [scores.cell(row, c).value for c in range(1, 6)]
    assert notes.cell(HEADER_ROW, 2).value == "사업 이해도\n평가의견 (2,000자 이내)"
    unlocked = {c.coordinate for row in notes.iter_rows() for c in row if not c.protection.locked}
    assert unlocked == {f"{col}{row}" for col in "BCDE" for row in range(6, 11)}
    cell = notes["C7"]
    assert cell.number_format == "@" and cell.alignment.wrap_text and cell.alignment.vertical == "top"
    assert cell.fill.fgColor.rgb.endswith("FFF2CC")  # yellow, as every cell to fill in
    rules = {str(dv.sqref): dv for dv in notes.data_validations.dataValidation}
    assert set(rules) == {"B6:B10", "C6:C10", "D6:D10", "E6:E10"}
    rule = rules["C6:C10"]
    assert (rule.type, rule.operator, rule.formula1) == ("textLength", "lessThanOrEqual", "2000") and rule.allow_blank
    assert rule.showErrorMessage and rule.error == "평가의견은 2,000자 이내로 작성하세요."
    assert notes.column_dimensions["B"].width == 40 and notes.freeze_panes == "B6"
    assert (notes.page_setup.orientation, notes.print_title_rows, notes.print_title_cols) == ("landscape", "$4:$5",
                                                                                            "$A:$A")  # fmt: skip
    assert _rows(book[META_SHEET])[-2] == ["comments", "평가의견"]


def test_comments_sheet_says_when_the_rubric_asks_a_comment_for_every_score(tmp_path):
    rubric, bids = copy_sample(NIPA, tmp_path)
    text = rubric.read_text(encoding="utf-8")
    assert "\npanel:\n" in text
    rubric.write_text(text.replace("\npanel:\n", "\npanel:\n  comment_required: all\n"), encoding="utf-8")
    book = _workbook(build_sheets(load_panel_inputs(rubric, bids), blind=False, lang="en")["ev-01.xlsx"])
    assert "The rubric asks for a comment on every score." in book["Comments"]["A3"].value
    plain = _workbook(build_sheets(load_panel_inputs(*NIPA), blind=False, lang="en")["ev-01.xlsx"])
    assert "The rubric asks" not in plain["Comments"]["A3"].value


def test_sheets_are_made_empty_even_from_a_scores_folder_holding_scores_and_comments():
    """Neither scores nor comments are filled in from the scores files (the KR sample has both)."""
    book = _workbook(build_sheets(load_panel_inputs(*KR), blind=False, lang="en")["p-07.xlsx"])
    for title in ("Scores", "Comments"):
        assert not [c for row in book[title].iter_rows(min_row=FIRST_ROW) for c in row[1:] if c.value is not None]
