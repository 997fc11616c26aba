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
    assert rows[15] == ["check", meta_check(rows[:15])]
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
