"""`bideval import-scores`: filled score sheets back into scores files — exactly, or not at all.

Every rejection goes through the CLI: exit 1, every problem names the workbook and the
sheet and cell, no traceback, and nothing is written to --out.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bideval.load.inputs import load_inputs, load_panel_inputs
from bideval.load.strict_yaml import read_document
from bideval.sheets import META_SHEET
from bideval.sheets.make import build_sheets
from tests.conftest import KR, NIPA, run
from tests.sheets import copy_sample, edit, excel_number, fill, write_files


def _bundled_scores(sample) -> dict[str, dict[str, dict[str, Decimal]]]:
    """Evaluator id → bidder id → criterion id → score, from the sample's scores files."""
    inputs = load_inputs(*sample)
    return {s.evaluator.id: {b: dict(c) for b, c in s.scores.items()} for s, _ in inputs.panel}


def _filled(sample, folder: Path, *, blind: bool = False, lang: str = "en") -> dict[str, Path]:
    """Workbooks made by the CLI and filled in with the sample's own scores."""
    result = run("sheets", *sample, "--out", folder, "--lang", lang, *(["--blind"] if blind else []))
    assert result.exit_code == 0, result.output
    inputs = load_inputs(*sample)
    if blind:
        shown = yaml.safe_load((folder / "aliases.yaml").read_text(encoding="utf-8"))["aliases"]
    else:
        shown = {bid.bidder.name.text(lang): bid.bidder.id for bid, _ in inputs.bids}
    scores = _bundled_scores(sample)
    paths = {}
    for evaluator, given in scores.items():
        paths[evaluator] = folder / f"{evaluator}.xlsx"
        fill(paths[evaluator], lambda text, cid, given=given: excel_number(given[shown[text]][cid]))
    return paths


@pytest.fixture(scope="module")
def nipa_sheets(tmp_path_factory) -> dict[str, Path]:
    """Filled NIPA workbooks (English, named), made once; tests copy them before changing any."""
    return _filled(NIPA, tmp_path_factory.mktemp("nipa-sheets"))


@pytest.fixture
def sheets(nipa_sheets, tmp_path) -> dict[str, Path]:
    """This test's own copy of the filled NIPA workbooks."""
    return write_files({p.name: p.read_bytes() for p in nipa_sheets.values()}, tmp_path / "returned")


def _import(paths, out: Path, sample=NIPA, *extra):
    return run("import-scores", *paths, "--out", out, "--rubric", sample[0], "--bids", sample[1], *extra)


def _results(rubric: Path, bids: Path, out: Path) -> dict:
    result = run("evaluate", rubric, bids, "--out", out, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def _without_score_files(results: dict) -> dict:
    """results.json minus the scores files' hashes (the imported files are new text) and with
    panel scores compared as numbers (the bundled files spell some as 27.0; a cell holds 27)."""
    data = copy.deepcopy(results)
    data["inputs"] = [i for i in data["inputs"] if i["role"] != "scores"]
    for bid in data["bids"]:
        for criterion in bid["criteria"]:
            for score in (criterion.get("panel") or {}).get("scores", []):
                if score["score"] is not None:
                    score["score"] = str(Decimal(score["score"]).normalize())
    return data


def _round_trip(sample, tmp_path: Path, *, blind: bool, lang: str) -> None:
    paths = _filled(sample, tmp_path / "sheets", blind=blind, lang=lang)
    extra = ["--aliases", tmp_path / "sheets" / "aliases.yaml"] if blind else []
    folder = tmp_path / "imported"
    result = _import(list(paths.values()), folder / "scores", sample, *extra)
    assert result.exit_code == 0, result.output
    for evaluator, given in _bundled_scores(sample).items():
        doc, problems = read_document(folder / "scores" / f"{evaluator}.yaml", evaluator)
        assert not problems
        assert doc.data["scores"] == given  # exact Decimals, read by the strict loader
    for bid in sample[1].glob("*.yaml"):
        shutil.copy(bid, folder / bid.name)
    bundled = _results(*sample, tmp_path / "out-bundled")
    imported = _results(sample[0], folder, tmp_path / "out-imported")
    assert _without_score_files(imported) == _without_score_files(bundled)
    assert [i["name"] for i in imported["inputs"]] == [i["name"] for i in bundled["inputs"]]


@pytest.mark.parametrize("sample", [NIPA, KR], ids=["nipa", "kr"])
def test_round_trip_reproduces_the_sample_results(sample, tmp_path):
    _round_trip(sample, tmp_path, blind=False, lang="en")


def test_blind_round_trip_with_aliases(tmp_path):
    _round_trip(NIPA, tmp_path, blind=True, lang="ko")


def test_nipa_results_json_is_byte_identical_but_for_the_score_files_hashes(tmp_path):
    """The NIPA scores are all integers, so nothing but the scores files' sha256 may differ."""
    folder = tmp_path / "imported"
    assert _import(list(_filled(NIPA, tmp_path / "sheets").values()), folder / "scores").exit_code == 0
    for bid in NIPA[1].glob("*.yaml"):
        shutil.copy(bid, folder / bid.name)
    _results(*NIPA, tmp_path / "bundled")
    _results(NIPA[0], folder, tmp_path / "imported-out")

    def masked(results: Path) -> str:
        text = results.read_text(encoding="utf-8")
        for entry in json.loads(text)["inputs"]:
            if entry["role"] == "scores":
                text = text.replace(entry["sha256"], "<scores file sha256>")
        return text

    assert masked(tmp_path / "imported-out" / "results.json") == masked(tmp_path / "bundled" / "results.json")


def test_imported_file_keeps_decimals_exact(tmp_path):
    """KR p-01 gives 13.5, 14.2 and 23.6 points; 27.0 in the bundled file is the number 27."""
    paths = _filled(KR, tmp_path / "sheets")
    assert _import([paths["p-01"]], tmp_path / "scores", KR).exit_code == 0
    text = (tmp_path / "scores" / "p-01.yaml").read_text(encoding="utf-8")
    assert text.startswith("schema: bideval/scores/v1\n")
    assert "    understanding: 14.2\n    methodology: 23.6\n    management: 16.5\n    track-record: 13.5\n" in text
    assert "methodology: 27\n" in text and "27.0" not in text
    assert "name:\n    ko: 한지민\n    en: Han Jimin\n  conflicts: []\n" in text


def _refused(paths, out: Path, sample=NIPA, *extra) -> list[str]:
    """The error lines of an import that must fail cleanly."""
    result = _import(paths, out, sample, *extra)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert not out.exists()
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_not_an_xlsx_file(tmp_path):
    fake = tmp_path / "ev-01.xlsx"
    fake.write_text("evaluator,score\n")
    assert _refused([fake], tmp_path / "out") == [f"error: {fake}: not a readable xlsx workbook (not a zip archive)"]


def test_huge_file_is_refused_before_reading(tmp_path):
    huge = tmp_path / "ev-01.xlsx"
    huge.write_bytes(b"\0" * (5 * 1024 * 1024 + 1))
    assert _refused([huge], tmp_path / "out") == [
        f"error: {huge}: file is 5,242,881 bytes; the limit is 5,242,880 (5 MiB)"
    ]


def test_zip_bomb_is_refused_before_openpyxl(tmp_path):
    bomb = tmp_path / "ev-01.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (51 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    [error] = _refused([bomb], tmp_path / "out")
    assert error.startswith(f"error: {bomb}: not a readable xlsx workbook: it would unpack to 53,477,376 bytes")


def test_missing_hidden_sheet(sheets, tmp_path):
    edit(sheets["ev-01.xlsx"], lambda book: book.remove(book[META_SHEET]))
    [error] = _refused([sheets["ev-01.xlsx"]], tmp_path / "out")
    assert error.startswith(f"error: {sheets['ev-01.xlsx']}: sheet 'bideval' (hidden) is missing")


def test_tampered_hidden_sheet(sheets, tmp_path):
    """Changing which evaluator the sheet is for would file its scores under someone else."""
    edit(sheets["ev-01.xlsx"], lambda book: setattr(book[META_SHEET]["B3"], "value", "ev-02"))
    [error] = _refused([sheets["ev-01.xlsx"]], tmp_path / "out")
    assert error.startswith(f"error: {sheets['ev-01.xlsx']}: sheet 'bideval' (hidden) was changed after bideval")


def test_sheet_made_for_another_rubric(tmp_path):
    rubric, bids = copy_sample(NIPA, tmp_path / "copy")
    rubric.write_text(rubric.read_text(encoding="utf-8") + "# amended\n", encoding="utf-8")
    paths = write_files(build_sheets(load_panel_inputs(rubric, bids), blind=False, lang="en"), tmp_path / "sheets")
    [error] = _refused([paths["ev-01.xlsx"]], tmp_path / "out")
    assert error.startswith(f"error: {paths['ev-01.xlsx']}: sheet 'bideval' cell C2: made for rubric 'nipa-gpu-2025'")
    assert f"not for {NIPA[0]}" in error


def test_missing_out_of_range_and_text_values_are_all_reported(sheets, tmp_path):
    def spoil(book):
        scores = book["Scores"]
        scores["C6"].value = None  # gaon-ai, datacenter
        scores["D7"].value = 100.5  # hanbit-cloud, financing: over 100 %
        scores["E8"].value = -1
        scores["F9"].value = "eighty"
        scores["B7"].value = True

    edit(sheets["ev-01.xlsx"], spoil)
    where = f"error: {sheets['ev-01.xlsx']}: sheet 'Scores' cell"
    assert _refused([sheets["ev-01.xlsx"]], tmp_path / "out") == [
        f"{where} B7: expected a number, found TRUE ('Hanbit Cloud', item 'build-quality')",
        f"{where} C6: missing score ('Gaon AI', item 'datacenter')",
        f"{where} D7: 100.5 is outside 0–100 (%) ('Hanbit Cloud', item 'financing')",
        f"{where} E8: -1 is outside 0–100 (%) ('Jangteo Market', item 'ecosystem-plan')",
        f"{where} F9: expected a number, found text 'eighty' (formulas are not evaluated) ('Saebyeok Tech', "
        + "item 'track-record')",
    ]


def test_points_scale_range_is_the_items_points(tmp_path):
    paths = _filled(KR, tmp_path / "sheets")
    edit(paths["p-03"], lambda book: setattr(book["Scores"]["B6"], "value", 15.5))  # understanding: 15 points
    [error] = _refused([paths["p-03"]], tmp_path / "out", KR)
    assert error == (f"error: {paths['p-03']}: sheet 'Scores' cell B6: 15.5 is outside 0–15 points "
                     "('Alpha Soft', item 'understanding')")  # fmt: skip


def test_a_formula_is_text_not_a_number(sheets, tmp_path):
    edit(sheets["ev-02.xlsx"], lambda book: setattr(book["Scores"]["C7"], "value", "=1+1"))
    [error] = _refused([sheets["ev-02.xlsx"]], tmp_path / "out")
    assert error == (f"error: {sheets['ev-02.xlsx']}: sheet 'Scores' cell C7: expected a number, found text '=1+1' "
                     "(formulas are not evaluated) ('Hanbit Cloud', item 'datacenter')")  # fmt: skip


def test_row_for_an_unknown_bidder(tmp_path):
    """Sheets made while a bid was on file that is gone by the import."""
    rubric, bids = copy_sample(NIPA, tmp_path / "copy")
    text = (bids / "gaon-ai.yaml").read_text(encoding="utf-8")
    (bids / "zeta-new.yaml").write_text(text.replace("id: gaon-ai", "id: zeta-new"), encoding="utf-8")
    paths = write_files(build_sheets(load_panel_inputs(rubric, bids), blind=False, lang="en"), tmp_path / "sheets")
    fill(paths["ev-01.xlsx"], lambda text, cid: 80)
    [error] = _refused([paths["ev-01.xlsx"]], tmp_path / "out")
    assert error == (f"error: {paths['ev-01.xlsx']}: sheet 'Scores' cell A10: bidder 'zeta-new' is not among the "
                     f"bids in {NIPA[1]}")  # fmt: skip


def test_row_for_a_bidder_the_evaluator_has_a_conflict_with(sheets, tmp_path):
    rubric, bids = copy_sample(NIPA, tmp_path / "copy")
    own = bids / "scores" / "ev-01.yaml"
    text = own.read_text(encoding="utf-8").replace("conflicts: []", "conflicts: [hanbit-cloud]")
    own.write_text(re.sub(r"^  hanbit-cloud:\n(    .*\n)+", "", text, flags=re.MULTILINE), encoding="utf-8")
    result = run("import-scores", sheets["ev-01.xlsx"], "--out", tmp_path / "out", "--rubric", rubric, "--bids", bids)
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    assert result.stderr.splitlines()[0] == (
        f"error: {sheets['ev-01.xlsx']}: sheet 'Scores' cell A7: evaluator 'ev-01' declared a conflict with "
        "'hanbit-cloud' and must not score it"
    )


def test_two_workbooks_for_the_same_evaluator(sheets, tmp_path):
    twin = tmp_path / "ev-01 (copy).xlsx"
    shutil.copy(sheets["ev-01.xlsx"], twin)
    [error] = _refused([sheets["ev-01.xlsx"], sheets["ev-02.xlsx"], twin], tmp_path / "out")
    assert error == (f"error: {twin}: sheet 'bideval' cell B3: evaluator 'ev-01' also returned {sheets['ev-01.xlsx']}; "
                     "import one workbook per evaluator")  # fmt: skip


def test_blind_sheet_without_aliases(tmp_path):
    paths = _filled(NIPA, tmp_path / "sheets", blind=True)
    [error] = _refused([paths["ev-03"]], tmp_path / "out")
    assert (
        error
        == f"error: {paths['ev-03']}: sheet 'Scores': made with --blind; pass the aliases.yaml written with it (--aliases)"
    )


def test_blind_sheet_with_an_alias_missing_from_the_aliases_file(tmp_path):
    paths = _filled(NIPA, tmp_path / "sheets", blind=True)
    aliases = tmp_path / "sheets" / "aliases.yaml"
    aliases.write_text(aliases.read_text(encoding="utf-8").replace("  Bidder C: jangteo-market\n", ""))
    [error] = _refused([paths["ev-03"]], tmp_path / "out", NIPA, "--aliases", aliases)
    assert error == f"error: {paths['ev-03']}: sheet 'Scores' cell A8: alias 'Bidder C' is not in {aliases}"


def test_problems_of_every_workbook_are_reported_together(sheets, tmp_path):
    edit(sheets["ev-05.xlsx"], lambda book: setattr(book["Scores"]["H9"], "value", "n/a"))
    fake = tmp_path / "notes.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really")
    errors = _refused([sheets["ev-04.xlsx"], sheets["ev-05.xlsx"], fake], tmp_path / "out")
    assert [e.split(": ")[1] for e in errors] == [str(fake), str(sheets["ev-05.xlsx"])]


def test_a_name_that_looks_like_a_formula_reads_back_as_its_text(tmp_path):
    rubric, bids = copy_sample(NIPA, tmp_path / "copy")
    formula = '=HYPERLINK("http://x","y")'
    bid = bids / "gaon-ai.yaml"
    bid.write_text(bid.read_text(encoding="utf-8").replace("name: {ko: 가온AI, en: Gaon AI}", f"name: '{formula}'"))
    paths = write_files(build_sheets(load_panel_inputs(rubric, bids), blind=False, lang="en"), tmp_path / "sheets")
    fill(paths["ev-01.xlsx"], lambda text, cid: 90 if text == formula else 70)
    result = run("import-scores", paths["ev-01.xlsx"], "--out", tmp_path / "out", "--rubric", rubric, "--bids", bids)
    assert result.exit_code == 0, result.output
    scores = yaml.safe_load((tmp_path / "out" / "ev-01.yaml").read_text(encoding="utf-8"))["scores"]
    assert set(scores["gaon-ai"].values()) == {90} and set(scores["hanbit-cloud"].values()) == {70}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(1e308, "number 1e+308 is out of range", id="huge"),  # crashed: its digits overflowed
        pytest.param(1e-30, "number 1e-30 is out of range", id="tiny"),  # was written, then refused by the loader
        pytest.param(10**25, "number 1e+25 is out of range", id="huge-integer"),  # Excel keeps doubles
        # Only a hand-made file holds an integer no double can: it crashed the old finiteness check.
        pytest.param("1" + "0" * 400, "number 10000000000000000000… is too large", id="integer-beyond-a-double"),
    ],
)
def test_a_score_the_scores_file_loader_would_refuse_is_refused_with_its_cell(sheets, tmp_path, value, message):
    """A cell is checked as the loader checks the scores file it would become: the same reader, the same range."""
    if isinstance(value, str):  # the digits go into the sheet's XML as they are
        _set_cell_xml(sheets["ev-01.xlsx"], "B6", f'<c r="B6" t="n"><v>{value}</v></c>')
    else:
        edit(sheets["ev-01.xlsx"], lambda book: setattr(book["Scores"]["B6"], "value", value))
    assert _refused([sheets["ev-01.xlsx"]], tmp_path / "out") == [
        f"error: {sheets['ev-01.xlsx']}: sheet 'Scores' cell B6: {message} ('Gaon AI', item 'build-quality')"
    ]


def test_the_smallest_score_the_loader_reads_is_imported_exactly(sheets, tmp_path):
    edit(sheets["ev-01.xlsx"], lambda book: setattr(book["Scores"]["B6"], "value", 1e-18))
    assert _import([sheets["ev-01.xlsx"]], tmp_path / "out").exit_code == 0
    doc, problems = read_document(tmp_path / "out" / "ev-01.yaml", "ev-01.yaml")
    assert not problems and doc.data["scores"]["gaon-ai"]["build-quality"] == Decimal("1E-18")
    assert "build-quality: 0.000000000000000001\n" in (tmp_path / "out" / "ev-01.yaml").read_text(encoding="utf-8")


def _set_cell_xml(path: Path, cell: str, xml: str) -> None:
    """Replace one cell of the visible sheet's XML, as a hand-edited file would."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rf'<c r="{cell}"[^>]*?(/>|>.*?</c>)'.encode(), xml.encode(), data, count=1)
                assert count == 1
            target.writestr(info, data)
