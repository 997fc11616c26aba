"""Score sheets for the procedures of issue 18: stages (every stage's items, grouped and named) and
lots (each bidder asked exactly the judged criteria of its lot), round-tripped into scores files
that evaluate to the numbers of the bundled ones."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from bideval.engine.pipeline import evaluate
from bideval.errors import InputError
from bideval.load.inputs import load_inputs, load_panel_inputs
from bideval.load.strict_yaml import read_document
from bideval.render.json import render_json
from bideval.sheets import FIRST_ROW, HEADER_ROW, ID_ROW, META_SHEET
from bideval.sheets.make import build_sheets
from tests.conftest import RUBRICS, SAMPLES, run
from tests.sheets import copy_sample, edit, excel_number, fill, fill_comments, write_files

SPC = (RUBRICS / "ai-computing-center-spc-2025.yaml", SAMPLES / "ai-computing-center-spc-2025")
RENTAL = (RUBRICS / "gpu-rental-2025.yaml", SAMPLES / "gpu-rental-2025")


def _bundled(sample) -> dict[str, dict[str, dict[str, Decimal]]]:
    inputs = load_inputs(*sample)
    return {s.evaluator.id: {b: dict(c) for b, c in s.scores.items()} for s, _ in inputs.panel}


def _shown(sample, folder: Path, blind: bool, lang: str) -> dict[str, str]:
    """Text in column A → bidder id."""
    if blind:
        return yaml.safe_load((folder / "aliases.yaml").read_text(encoding="utf-8"))["aliases"]
    return {bid.bidder.name.text(lang): bid.bidder.id for bid, _ in load_inputs(*sample).bids}


def _filled(sample, folder: Path, *, blind: bool = False, lang: str = "en", leave=lambda bidder, cid: False):
    """Workbooks made by the CLI, filled in with the sample's own scores (`leave` names cells left empty)."""
    result = run("sheets", *sample, "--out", folder, "--lang", lang, *(["--blind"] if blind else []))
    assert result.exit_code == 0, result.output
    shown = _shown(sample, folder, blind, lang)
    paths = {}
    for evaluator, given in _bundled(sample).items():
        paths[evaluator] = folder / f"{evaluator}.xlsx"

        def score(text, cid, given=given):
            bidder = shown[text]
            return None if leave(bidder, cid) else excel_number(given[bidder][cid])

        fill(paths[evaluator], score)
    return paths


def _import(paths, out: Path, sample, *extra):
    return run("import-scores", *paths, "--out", out, "--rubric", sample[0], "--bids", sample[1], *extra)


def _results(rubric: Path, bids: Path) -> dict:
    """results.json as written, minus the scores files' hashes (the imported files are new text)."""
    import json

    data = json.loads(render_json(evaluate(load_inputs(rubric, bids))))
    data["inputs"] = [i for i in data["inputs"] if i["role"] != "scores"]
    return data


def _round_trip(sample, tmp_path: Path, *, blind: bool = False, lang: str = "en") -> dict:
    paths = _filled(sample, tmp_path / "sheets", blind=blind, lang=lang)
    extra = ["--aliases", tmp_path / "sheets" / "aliases.yaml"] if blind else []
    folder = tmp_path / "imported"
    result = _import(list(paths.values()), folder / "scores", sample, *extra)
    assert result.exit_code == 0, result.output
    for evaluator, given in _bundled(sample).items():
        doc, problems = read_document(folder / "scores" / f"{evaluator}.yaml", evaluator)
        assert not problems and doc.data["scores"] == given  # exact Decimals, every bidder and item
    for bid in sample[1].glob("*.yaml"):
        shutil.copy(bid, folder / bid.name)
    imported = _results(sample[0], folder)
    assert imported == _results(*sample)
    return imported


# -- stages ----------------------------------------------------------------------------------------


def test_spc_sheet_groups_the_items_by_stage_with_every_stage_on_it():
    """Sheets are made before the evaluation: stage 2's items are there too, each heading opening with
    its stage in brackets, and the two stages' headings in different colours."""
    files = build_sheets(load_panel_inputs(*SPC), blind=False, lang="en")
    assert sorted(files) == ["E1.xlsx", "E2.xlsx", "E3.xlsx", "E4.xlsx", "E5.xlsx"]
    sheet = load_workbook(_bytes(files["E1.xlsx"]))["Scores"]
    ids = [sheet.cell(ID_ROW, c).value for c in range(2, 8)]
    assert ids == ["build-plan", "service-plan", "talent", "ecosystem", "investment", "loan-review"]
    headings = [sheet.cell(HEADER_ROW, c).value for c in range(2, 8)]
    assert [h.split("\n")[0] for h in headings] == ["[Stage 1: technical and policy]"] * 4 + [
        "[Stage 2: financial review]"
    ] * 2
    assert headings[4] == "[Stage 2: financial review]\nInvestment plan\n15 points\nenter 0–100 (%)"
    fills = [sheet.cell(HEADER_ROW, c).fill.fgColor.rgb for c in range(2, 8)]
    assert len(set(fills[:4])) == 1 and len(set(fills[4:])) == 1 and fills[0] != fills[4]
    assert "Items are grouped by evaluation stage" in sheet["A3"].value
    assert sheet.cell(FIRST_ROW, 1).value == "Nuri AI Computing consortium"
    ko = load_workbook(_bytes(build_sheets(load_panel_inputs(*SPC), blind=False, lang="ko")["E1.xlsx"]))["점수"]
    assert ko.cell(HEADER_ROW, 2).value.startswith("[1단계 기술·정책 평가]\n구축·운영 계획의 우수성\n배점 10점")


def test_spc_round_trip_evaluates_to_the_bundled_numbers(tmp_path):
    """Two stages, a bonus: the imported scores give the bundled decision, exactly."""
    results = _round_trip(SPC, tmp_path)
    [bid] = results["bids"]
    assert (bid["bidder_id"], bid["status"], bid["total"], bid["base_total"]) == (
        "nuri-ai-center", "selected", "81.0385", "79.0385")  # fmt: skip
    assert [(s["id"], s["score"], s["passed"]) for s in bid["stages"]] == [
        ("technical-policy", "55.5885", True), ("financial", "23.4500", True)]  # fmt: skip
    assert [(a["id"], a["points"]) for a in bid["adjustments"]] == [("multi-csp", "2"), ("sanctions", "0")]
    assert results["outcome"]["kind"] == "negotiation" and results["outcome"]["winners"] == ["nuri-ai-center"]


def test_a_later_stage_left_empty_is_left_out_and_the_evaluation_then_asks_for_it(tmp_path):
    """E1 leaves stage 2 (financial) empty for the consortium: the import writes its stage-1 scores
    only; the evaluation, where the bid reaches stage 2, names E1, the bidder and the items."""
    rubric, bids = copy_sample(SPC, tmp_path / "copy")
    paths = _filled((rubric, bids), tmp_path / "sheets", leave=lambda bidder, cid: cid in ("investment", "loan-review"))
    result = _import([paths["E1"]], tmp_path / "out", (rubric, bids))
    assert result.exit_code == 0, result.output
    scores = yaml.safe_load((tmp_path / "out" / "E1.yaml").read_text(encoding="utf-8"))["scores"]
    assert scores == {"nuri-ai-center": {"build-plan": 86, "service-plan": 85, "talent": 82, "ecosystem": 88}}
    shutil.copy(tmp_path / "out" / "E1.yaml", bids / "scores" / "e1.yaml")
    with pytest.raises(InputError) as raised:
        evaluate(load_inputs(rubric, bids))
    [problem] = raised.value.problems
    assert problem.file.endswith("e1.yaml")
    assert "evaluator 'E1' gave no score for bidder 'nuri-ai-center', which reached this stage, on: investment, " \
           "loan-review" in problem.message  # fmt: skip


def test_a_later_stage_half_filled_is_refused_with_a_hint(tmp_path):
    paths = _filled(SPC, tmp_path / "sheets", leave=lambda bidder, cid: cid == "loan-review")
    result = _import([paths["E2"]], tmp_path / "out", SPC)
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    assert _errors(result) == [
        (f"error: {paths['E2']}: sheet 'Scores' cell G6: missing score ('Nuri AI Computing consortium', item "
         "'loan-review'); fill every item of stage 'financial' for this bidder, or leave them all empty if it will "
         "not reach that stage")
    ]


def test_the_first_stage_is_always_required(tmp_path):
    paths = _filled(SPC, tmp_path / "sheets", leave=lambda bidder, cid: cid in ("build-plan", "investment",
                                                                                 "loan-review"))  # fmt: skip
    result = _import([paths["E3"]], tmp_path / "out", SPC)
    assert result.exit_code == 1
    assert f"{paths['E3']}: sheet 'Scores' cell B6: missing score ('Nuri AI Computing consortium', item " \
           "'build-plan')\n" in result.stderr  # fmt: skip


# -- lots ------------------------------------------------------------------------------------------


def test_rental_sheet_groups_bidders_under_a_heading_per_lot():
    """ev-r3 has a conflict with Sol Datacenter (track 1): its sheet lists the other six, by lot."""
    files = build_sheets(load_panel_inputs(*RENTAL), blind=False, lang="en")
    book = load_workbook(_bytes(files["ev-r3.xlsx"]))
    sheet = book["Scores"]
    column_a = [sheet.cell(r, 1).value for r in range(FIRST_ROW, sheet.max_row + 1)]
    assert column_a == ["Lot: Track 1 (large) (track-1)", "Arum Compute", "Bitnara Cloud",
                        "Lot: Track 2 (medium) (track-2)", "Dasom GPU", "Haneul Infra", "Mirae Hosting", "Nanum AI"]  # fmt: skip
    unlocked = {c.coordinate for row in sheet.iter_rows() for c in row if not c.protection.locked}
    assert unlocked == {f"{col}{row}" for col in "BC" for row in (7, 8, 10, 11, 12, 13)}  # not the headings
    rules = {str(dv.sqref): dv.formula2 for dv in sheet.data_validations.dataValidation}
    assert rules == {"B7:B8 B10:B13": "100", "C7:C8 C10:C13": "100"}
    assert "Bidders are grouped by lot" in sheet["A3"].value
    meta = [[v for v in row if v is not None] for row in book[META_SHEET].iter_rows(values_only=True)]
    assert meta[5:7] == [["criterion", "failure-response", "B", "track-1 track-2"],
                         ["criterion", "monitoring", "C", "track-1 track-2"]]  # fmt: skip
    assert [row[1:] for row in meta[7:13]] == [
        ["arum-compute", 7, "Arum Compute", "track-1"], ["bitnara-cloud", 8, "Bitnara Cloud", "track-1"],
        ["dasom-gpu", 10, "Dasom GPU", "track-2"], ["haneul-infra", 11, "Haneul Infra", "track-2"],
        ["mirae-hosting", 12, "Mirae Hosting", "track-2"], ["nanum-ai", 13, "Nanum AI", "track-2"]]  # fmt: skip


@pytest.mark.parametrize("blind", [False, True], ids=["named", "blind"])
def test_rental_round_trip_evaluates_to_the_bundled_numbers(tmp_path, blind):
    results = _round_trip(RENTAL, tmp_path, blind=blind, lang="ko" if blind else "en")
    totals = {b["bidder_id"]: (b["lot"], b["rank"], b["total"]) for b in results["bids"]}
    assert totals == {
        "arum-compute": ("track-1", 1, "92.0731"), "sol-datacenter": ("track-1", 2, "88.4500"),
        "bitnara-cloud": ("track-1", 3, "82.1209"), "haneul-infra": ("track-2", 1, "89.4000"),
        "dasom-gpu": ("track-2", 2, "85.9841"), "nanum-ai": ("track-2", 3, "78.1771"),
        "mirae-hosting": ("track-2", None, None),
    }  # fmt: skip
    lots = results["outcome"]["lots"]
    assert lots["track-1"]["winners"] == ["arum-compute"]
    assert lots["track-2"]["winners"] == ["haneul-infra", "dasom-gpu"]


def test_a_bid_moved_to_another_lot_after_the_sheets_were_made_is_refused(tmp_path):
    rubric, bids = copy_sample(RENTAL, tmp_path / "copy")
    paths = _filled((rubric, bids), tmp_path / "sheets")
    bid = bids / "nanum-ai.yaml"
    bid.write_text(bid.read_text(encoding="utf-8").replace("lot: track-2", "lot: track-1"), encoding="utf-8")
    result = _import([paths["ev-r1"]], tmp_path / "out", (rubric, bids))
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    assert _errors(result) == [
        (f"error: {paths['ev-r1']}: sheet 'Scores' cell A14: the sheet was made when 'Nanum AI' bid for lot "
         "'track-2'; its bid is now for lot 'track-1': make new sheets with `bideval sheets`")
    ]


# -- a lot with criteria of its own ---------------------------------------------------------------

# Track 2 replaces the rubric's criteria: its own support items, one of them on the points scale, and
# no 'cluster' item (its 15 points go to 'in-service-2').
_TRACK_2_CRITERIA = """    criteria:
      - {id: price-performance, label: {ko: 가격 대비 성능, en: Compute per won}, points: 40, method: ratio_to_best,
         metric: price_per_pflops, better: lower}
      - id: support
        label: {ko: 운영 지원, en: Operations support}
        points: 30
        children:
          - {id: helpdesk, label: {ko: 기술 지원 창구, en: Helpdesk}, points: 10, method: judged, scale: points}
          - {id: reporting, label: {ko: 사용 보고, en: Usage reports}, points: 20, method: judged}
      - {id: in-service-2, label: {ko: 서비스 개시, en: Service start}, points: 30, method: bands, metric: in_service_by,
         bands: [{at_least: 0, ratio: 1}, {at_least: -30, ratio: 0.5}]}
"""


@pytest.fixture
def own_criteria(tmp_path) -> tuple[Path, Path]:
    return with_own_criteria(tmp_path / "own")


def with_own_criteria(into: Path) -> tuple[Path, Path]:
    """The rental sample with track 2's own criteria; its score files scored on them (helpdesk in
    points: a tenth of the percent given for failure-response; reporting: the monitoring score)."""
    rubric, bids = copy_sample(RENTAL, into)
    text = rubric.read_text(encoding="utf-8")
    anchor = "    award: {mode: multiple, max_winners: 2, budget: 60000000000}\n"
    assert anchor in text
    rubric.write_text(text.replace(anchor, anchor + _TRACK_2_CRITERIA), encoding="utf-8")
    track_2 = {path.stem for path in bids.glob("*.yaml") if "lot: track-2" in path.read_text(encoding="utf-8")}
    for path in (bids / "scores").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for bidder, given in data["scores"].items():
            if bidder in track_2:
                data["scores"][bidder] = {"helpdesk": given["failure-response"] / 10, "reporting": given["monitoring"]}
        path.write_text("schema: bideval/scores/v1\n" + yaml.safe_dump({k: v for k, v in data.items() if k != "schema"},
                        allow_unicode=True, sort_keys=False), encoding="utf-8")  # fmt: skip
    return rubric, bids


def test_each_bidder_is_asked_exactly_its_lots_judged_criteria(own_criteria):
    files = build_sheets(load_panel_inputs(*own_criteria), blind=False, lang="en")
    book = load_workbook(_bytes(files["ev-r1.xlsx"]))
    sheet = book["Scores"]
    assert [sheet.cell(ID_ROW, c).value for c in range(2, 6)] == ["failure-response", "monitoring", "helpdesk",
                                                                  "reporting"]  # fmt: skip
    assert sheet.cell(HEADER_ROW, 4).value == "Helpdesk\n10 points\nenter 0–10 points\nonly Track 2 (medium)"
    assert sheet.cell(HEADER_ROW, 2).value.endswith("\nonly Track 1 (large)")
    asked = {(sheet.cell(c.row, 1).value, sheet.cell(ID_ROW, c.column).value)
             for row in sheet.iter_rows() for c in row if not c.protection.locked}  # fmt: skip
    track_1, track_2 = ["Arum Compute", "Bitnara Cloud", "Sol Datacenter"], ["Dasom GPU", "Haneul Infra",
                                                                             "Mirae Hosting", "Nanum AI"]  # fmt: skip
    assert asked == {(name, cid) for name in track_1 for cid in ("failure-response", "monitoring")} | {
        (name, cid) for name in track_2 for cid in ("helpdesk", "reporting")}  # fmt: skip
    grey = sheet.cell(7, 4)  # Arum Compute (track 1), helpdesk
    assert grey.protection.locked and grey.value is None and grey.fill.fgColor.rgb.endswith("BFBFBF")
    rules = {str(dv.sqref): dv.formula2 for dv in sheet.data_validations.dataValidation}
    assert rules == {"B7:B9": "100", "C7:C9": "100", "D11:D14": "10", "E11:E14": "100"}


def test_own_criteria_round_trip_evaluates_to_the_same_numbers(own_criteria, tmp_path):
    """Track 2 bidders get helpdesk and reporting in the imported files, track 1 bidders the rubric's items."""
    rubric, bids = own_criteria
    given = _bundled(own_criteria)
    paths = write_files(build_sheets(load_panel_inputs(rubric, bids), blind=False, lang="en"), tmp_path / "sheets")
    shown = _shown(own_criteria, tmp_path / "sheets", False, "en")
    for name, path in paths.items():
        fill(path, lambda text, cid, ev=name[:-5]: excel_number(given[ev][shown[text]][cid]))
    assert _import(list(paths.values()), tmp_path / "imported" / "scores", own_criteria).exit_code == 0
    text = (tmp_path / "imported" / "scores" / "ev-r1.yaml").read_text(encoding="utf-8")
    assert "  arum-compute:\n    failure-response: 88\n    monitoring: 84\n" in text
    assert "  dasom-gpu:\n    helpdesk: 8.6\n    reporting: 75\n" in text
    for bid in bids.glob("*.yaml"):
        shutil.copy(bid, tmp_path / "imported" / bid.name)
    imported = _results(rubric, tmp_path / "imported")
    assert imported == _results(rubric, bids)
    dasom = next(b for b in imported["bids"] if b["bidder_id"] == "dasom-gpu")
    assert [c["id"] for c in dasom["criteria"]] == ["price-performance", "support", "helpdesk", "reporting",
                                                    "in-service-2"]  # fmt: skip


def test_a_value_typed_into_a_grey_cell_is_refused(own_criteria, tmp_path):
    """Only by lifting the sheet's protection: the cell is an item the bidder's lot does not have."""
    given = _bundled(own_criteria)
    paths = write_files(build_sheets(load_panel_inputs(*own_criteria), blind=False, lang="en"), tmp_path / "sheets")
    shown = _shown(own_criteria, tmp_path / "sheets", False, "en")
    fill(paths["ev-r2.xlsx"], lambda text, cid: excel_number(given["ev-r2"][shown[text]][cid]))
    edit(paths["ev-r2.xlsx"], lambda book: setattr(book["Scores"]["D7"], "value", 9))
    result = _import([paths["ev-r2.xlsx"]], tmp_path / "out", own_criteria)
    assert result.exit_code == 1
    assert _errors(result) == [
        (f"error: {paths['ev-r2.xlsx']}: sheet 'Scores' cell D7: 'Arum Compute' is not scored on item 'helpdesk' "
         "(its lot does not have it); leave the cell empty")
    ]


def test_a_hidden_sheet_whose_columns_miss_a_lots_criterion_is_refused(own_criteria, tmp_path):
    """Someone rewrites the hidden sheet (and its check value) so track 2 is no longer asked 'reporting'."""
    from bideval.sheets import meta_check

    paths = write_files(build_sheets(load_panel_inputs(*own_criteria), blind=False, lang="en"), tmp_path / "sheets")

    def forge(book):
        meta = book[META_SHEET]
        rows = [[c.value for c in row] for row in meta.iter_rows()]
        at = next(i for i, row in enumerate(rows) if row[:2] == ["criterion", "reporting"])
        meta.cell(at + 1, 4).value = "track-1"
        values = [[v for v in row if v is not None] for row in meta.iter_rows(values_only=True)][:-1]
        meta.cell(len(values) + 1, 2).value = meta_check(values)

    edit(paths["ev-r1.xlsx"], forge)
    result = _import([paths["ev-r1.xlsx"]], tmp_path / "out", own_criteria)
    assert result.exit_code == 1
    assert _errors(result) == [
        f"error: {paths['ev-r1.xlsx']}: sheet 'bideval': its criteria do not match the rubric's judged criteria"
    ]


def test_old_samples_keep_their_layout():
    """No stages, no lots: no bracketed stage line, no heading rows, the hidden sheet as 0.2.0 wrote it."""
    from tests.conftest import NIPA

    book = load_workbook(_bytes(build_sheets(load_panel_inputs(*NIPA), blind=False, lang="en")["ev-01.xlsx"]))
    sheet = book["Scores"]
    assert not sheet.cell(HEADER_ROW, 2).value.startswith("[")
    assert sheet.cell(FIRST_ROW, 1).value == "Gaon AI" and sheet.row_dimensions[HEADER_ROW].height == 64
    rows = [[v for v in row if v is not None] for row in book[META_SHEET].iter_rows(values_only=True)]
    assert all(len(row) == 3 for row in rows if row[0] == "criterion")
    assert all(len(row) == 4 for row in rows if row[0] == "bidder")
    assert re.fullmatch(r"[0-9a-f]{64}", rows[-1][1])


def _errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def _bytes(payload: bytes):
    import io

    return io.BytesIO(payload)


@pytest.mark.parametrize("sample", [SPC, RENTAL], ids=["spc", "rental"])
def test_sheets_of_the_new_samples_are_byte_identical_run_to_run(sample):
    first = build_sheets(load_panel_inputs(*sample), blind=True, lang="ko")
    assert build_sheets(load_panel_inputs(*sample), blind=True, lang="ko") == first


def test_blind_rental_sheets_hold_no_bidder_id_or_name():
    """Grouped by lot, the aliases still give nothing away: the hidden sheet names the lot, not the bidder."""
    import io
    import zipfile

    inputs = load_panel_inputs(*RENTAL)
    files = build_sheets(inputs, blind=True, lang="en")
    secret = [text for bid, _ in inputs.bids for text in (bid.bidder.id, bid.bidder.name.ko, bid.bidder.name.en)]
    for name, payload in files.items():
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(payload)) as archive:
                text = b"".join(archive.read(entry) for entry in archive.namelist()).decode("utf-8")
            assert not [s for s in secret if s in text], name
    book = load_workbook(_bytes(files["ev-r1.xlsx"]))
    rows = [[v for v in row if v is not None] for row in book[META_SHEET].iter_rows(values_only=True)]
    assert sorted(row[4] for row in rows if row[0] == "bidder") == ["track-1"] * 3 + ["track-2"] * 4


# -- comments with stages and lots ----------------------------------------------------------------


def test_comments_sheet_greys_the_items_a_lot_does_not_have(own_criteria):
    book = load_workbook(_bytes(build_sheets(load_panel_inputs(*own_criteria), blind=False, lang="en")["ev-r1.xlsx"]))
    scores, notes = book["Scores"], book["Comments"]
    assert notes.cell(HEADER_ROW, 4).value == "Helpdesk\ncomment (up to 2,000 characters)\nonly Track 2 (medium)"
    unlocked = {c.coordinate for sheet in (scores, notes) for row in sheet.iter_rows() for c in row
                if not c.protection.locked and c.parent is sheet}  # fmt: skip
    assert {c.coordinate for row in notes.iter_rows() for c in row if not c.protection.locked} == {
        c.coordinate for row in scores.iter_rows() for c in row if not c.protection.locked} == unlocked  # fmt: skip
    grey = notes.cell(7, 4)  # Arum Compute (track 1), helpdesk
    assert grey.protection.locked and grey.fill.fgColor.rgb.endswith("BFBFBF")
    assert notes.cell(6, 1).value == "Lot: Track 1 (large) (track-1)"
    rules = {str(dv.sqref): dv.type for dv in notes.data_validations.dataValidation}
    assert rules == {"B7:B9": "textLength", "C7:C9": "textLength", "D11:D14": "textLength", "E11:E14": "textLength"}


def test_comments_round_trip_with_lots(own_criteria, tmp_path):
    given = _bundled(own_criteria)
    paths = write_files(build_sheets(load_panel_inputs(*own_criteria), blind=False, lang="en"), tmp_path / "sheets")
    shown = _shown(own_criteria, tmp_path / "sheets", False, "en")
    fill(paths["ev-r1.xlsx"], lambda text, cid: excel_number(given["ev-r1"][shown[text]][cid]))
    fill_comments(paths["ev-r1.xlsx"], lambda text, cid: f"{shown[text]} / {cid}" if cid == "helpdesk" else None)
    assert _import([paths["ev-r1.xlsx"]], tmp_path / "out", own_criteria).exit_code == 0
    comments = yaml.safe_load((tmp_path / "out" / "ev-r1.yaml").read_text(encoding="utf-8"))["comments"]
    assert comments == {b: {"helpdesk": f"{b} / helpdesk"} for b in ("dasom-gpu", "haneul-infra", "mirae-hosting",
                                                                     "nanum-ai")}  # fmt: skip


def test_a_comment_in_a_grey_cell_is_refused(own_criteria, tmp_path):
    given = _bundled(own_criteria)
    paths = write_files(build_sheets(load_panel_inputs(*own_criteria), blind=False, lang="en"), tmp_path / "sheets")
    shown = _shown(own_criteria, tmp_path / "sheets", False, "en")
    fill(paths["ev-r2.xlsx"], lambda text, cid: excel_number(given["ev-r2"][shown[text]][cid]))
    edit(paths["ev-r2.xlsx"], lambda book: setattr(book["Comments"]["D7"], "value", "no helpdesk here"))
    result = _import([paths["ev-r2.xlsx"]], tmp_path / "out", own_criteria)
    assert result.exit_code == 1
    assert _errors(result) == [
        (f"error: {paths['ev-r2.xlsx']}: sheet 'Comments' cell D7: 'Arum Compute' is not scored on item 'helpdesk' "
         "(its lot does not have it); leave the cell empty")
    ]


def test_a_comment_on_a_later_stage_left_empty_is_refused(tmp_path):
    """Stage 2 left empty for a bid that will not reach it: its scores are left out, so a comment there has
    no score to go with."""
    paths = _filled(SPC, tmp_path / "sheets", leave=lambda bidder, cid: cid in ("investment", "loan-review"))
    edit(paths["E1"], lambda book: setattr(book["Comments"]["F6"], "value", "투자 계획 미흡"))
    result = _import([paths["E1"]], tmp_path / "out", SPC)
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    assert _errors(result) == [
        (f"error: {paths['E1']}: sheet 'Comments' cell F6: a comment on an item without a score (sheet 'Scores' "
         "cell F6 is empty); give the score or delete the comment ('Nuri AI Computing consortium', item "
         "'investment')")
    ]


def test_a_recorded_score_left_empty_on_re_import_is_refused(tmp_path):
    """E1's file (e1.yaml: the file replaced is the one named for the evaluator whatever the case) has stage 2
    scores; a sheet leaving them empty would drop them without trace."""
    rubric, bids = copy_sample(SPC, tmp_path / "copy")
    paths = _filled((rubric, bids), tmp_path / "sheets", leave=lambda bidder, cid: cid in ("investment", "loan-review"))
    target = bids / "scores" / "e1.yaml"
    before = target.read_bytes()
    result = _import([paths["E1"]], bids / "scores", (rubric, bids), "--force", "--reason", "x", "--date", "2025-10-01")
    assert result.exit_code == 1 and target.read_bytes() == before
    errors = _errors(result)
    assert [e.split(": ")[1] for e in errors] == [f"{target}:13:17", f"{target}:14:18"]  # at the scores replaced
    assert f"evaluator 'E1' gave 'nuri-ai-center' 78 for 'investment' here; {paths['E1']} leaves it empty: an " \
           "import does not remove a recorded score" in errors[0]  # fmt: skip


def test_a_re_import_replaces_the_file_named_for_the_evaluator_whatever_the_case(tmp_path):
    """The SPC sample keeps evaluator E1 in e1.yaml: the import replaces that file rather than writing E1.yaml
    beside it (which the next evaluation would refuse as a second file of E1)."""
    rubric, bids = copy_sample(SPC, tmp_path / "copy")
    paths = _filled((rubric, bids), tmp_path / "sheets")
    assert _import([paths["E1"]], bids / "scores", (rubric, bids)).stderr.startswith(
        f"error: {bids / 'scores' / 'e1.yaml'}: already exists; use --force")
    result = _import([paths["E1"]], bids / "scores", (rubric, bids), "--force")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (bids / "scores").iterdir()) == [f"e{i}.yaml" for i in range(1, 6)]
    assert "Imported from a score sheet" in (bids / "scores" / "e1.yaml").read_text(encoding="utf-8")
    assert _results(rubric, bids) == _results(*SPC)
