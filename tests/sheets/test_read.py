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
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bideval.load.inputs import load_inputs, load_panel_inputs
from bideval.load.strict_yaml import read_document
from bideval.sheets import META_SHEET
from bideval.sheets.make import build_sheets
from tests.conftest import KR, NIPA, run
from tests.sheets import copy_sample, edit, excel_number, fill, fill_comments, write_files


def _bundled_scores(sample) -> dict[str, dict[str, dict[str, Decimal]]]:
    """Evaluator id → bidder id → criterion id → score, from the sample's scores files."""
    inputs = load_inputs(*sample)
    return {s.evaluator.id: {b: dict(c) for b, c in s.scores.items()} for s, _ in inputs.panel}


def _bundled_comments(sample) -> dict[str, dict[str, dict[str, str]]]:
    """Evaluator id → bidder id → criterion id → comment, from the sample's scores files."""
    inputs = load_inputs(*sample)
    return {s.evaluator.id: {b: dict(c) for b, c in s.comments.items()} for s, _ in inputs.panel}


def _filled(sample, folder: Path, *, blind: bool = False, lang: str = "en") -> dict[str, Path]:
    """Workbooks made by the CLI and filled in with the sample's own scores and comments."""
    result = run("sheets", *sample, "--out", folder, "--lang", lang, *(["--blind"] if blind else []))
    assert result.exit_code == 0, result.output
    inputs = load_inputs(*sample)
    if blind:
        shown = yaml.safe_load((folder / "aliases.yaml").read_text(encoding="utf-8"))["aliases"]
    else:
        shown = {bid.bidder.name.text(lang): bid.bidder.id for bid, _ in inputs.bids}
    scores = _bundled_scores(sample)
    comments = _bundled_comments(sample)
    paths = {}
    for evaluator, given in scores.items():
        paths[evaluator] = folder / f"{evaluator}.xlsx"
        fill(paths[evaluator], lambda text, cid, given=given: excel_number(given[shown[text]][cid]))
        if comments[evaluator]:
            noted = comments[evaluator]
            fill_comments(paths[evaluator], lambda text, cid, noted=noted: noted.get(shown[text], {}).get(cid))
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
    """Sheets filled with the sample's scores and comments, imported with --force over copies of its scores
    files (which keep the revisions: no score changes, so none is added), evaluate as the sample does."""
    paths = _filled(sample, tmp_path / "sheets", blind=blind, lang=lang)
    extra = ["--aliases", tmp_path / "sheets" / "aliases.yaml"] if blind else []
    folder = tmp_path / "imported"
    shutil.copytree(sample[1] / "scores", folder / "scores")
    result = _import(list(paths.values()), folder / "scores", sample, *extra, "--force")
    assert result.exit_code == 0, result.output
    comments = _bundled_comments(sample)
    for evaluator, given in _bundled_scores(sample).items():
        doc, problems = read_document(folder / "scores" / f"{evaluator}.yaml", evaluator)
        assert not problems
        assert doc.data["scores"] == given  # exact Decimals, read by the strict loader
        assert doc.data.get("comments", {}) == comments[evaluator]  # exactly as written
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


# -- comments (평가의견) ---------------------------------------------------------------------------

# Texts a YAML writer or a spreadsheet could turn into something else, each to come back exactly.
_AWKWARD = {
    ("Gaon AI", "build-quality"): "구축 계획: \"구체적\" — '우수', 다만 일정이 빠듯함.",
    ("Gaon AI", "datacenter"): "Line one\nline two: with a colon\n\n  indented, trailing spaces  \n",
    ("Gaon AI", "financing"): "=SUM(A1:A3)",  # typed into the text cell: text, not a formula
    ("Hanbit Cloud", "build-quality"): "yes",
    ("Hanbit Cloud", "datacenter"): "12",
    ("Hanbit Cloud", "financing"): "2025-01-01",
    ("Hanbit Cloud", "ecosystem-plan"): "# not a YAML comment",
    ("Jangteo Market", "build-quality"): "- not a list item",
    ("Jangteo Market", "datacenter"): "a tab\there, and a line\nbreak",  # (a CR does not survive the xlsx's XML)
    ("Jangteo Market", "financing"): "가" * 2000,  # at the limit, counted in characters
    ("Saebyeok Tech", "build-quality"): "   ",  # spaces only: no comment, as for a score cell
    ("Saebyeok Tech", "datacenter"): "@mention +plus -minus",
}


def test_comments_come_back_exactly_as_written(sheets, tmp_path):
    fill_comments(sheets["ev-01.xlsx"], lambda text, cid: _AWKWARD.get((text, cid)))
    out = tmp_path / "out"
    assert _import([sheets["ev-01.xlsx"]], out).exit_code == 0
    doc, problems = read_document(out / "ev-01.yaml", "ev-01.yaml")
    assert not problems
    ids = {"Gaon AI": "gaon-ai", "Hanbit Cloud": "hanbit-cloud", "Jangteo Market": "jangteo-market",
           "Saebyeok Tech": "saebyeok-tech"}  # fmt: skip
    expected: dict = {}
    for (name, cid), text in _AWKWARD.items():
        if text.strip():
            expected.setdefault(ids[name], {})[cid] = text
    assert doc.data["comments"] == expected
    written = (out / "ev-01.yaml").read_bytes()
    assert '    financing: "=SUM(A1:A3)"\n' in written.decode("utf-8")
    assert '    build-quality: "yes"\n' in written.decode("utf-8")
    # The loader reads the file (it holds every score), and the same sheet gives the same bytes.
    shutil.copytree(NIPA[1], tmp_path / "bids")
    shutil.copy(out / "ev-01.yaml", tmp_path / "bids" / "scores" / "ev-01.yaml")
    [panel] = [s for s, _ in load_inputs(NIPA[0], tmp_path / "bids").panel if s.evaluator.id == "ev-01"]
    assert panel.comments == expected
    assert _import([sheets["ev-01.xlsx"]], tmp_path / "again").exit_code == 0
    assert (tmp_path / "again" / "ev-01.yaml").read_bytes() == written


def test_a_comment_over_the_limit_is_refused_with_its_cell(sheets, tmp_path):
    edit(sheets["ev-01.xlsx"], lambda book: setattr(book["Comments"]["C7"], "value", "x" * 2001))
    assert _refused([sheets["ev-01.xlsx"]], tmp_path / "out") == [
        (
            f"error: {sheets['ev-01.xlsx']}: sheet 'Comments' cell C7: the comment has 2,001 characters; the limit "
            "is 2,000 ('Hanbit Cloud', item 'datacenter')"
        )
    ]


def test_a_comment_on_an_item_without_a_score_is_refused(sheets, tmp_path):
    def spoil(book):
        book["Scores"]["D8"].value = None
        book["Comments"]["D8"].value = "재무 구조 양호"

    edit(sheets["ev-01.xlsx"], spoil)
    where = f"error: {sheets['ev-01.xlsx']}: sheet"
    assert _refused([sheets["ev-01.xlsx"]], tmp_path / "out") == [
        (
            f"{where} 'Comments' cell D8: a comment on an item without a score (sheet 'Scores' cell D8 is empty); "
            "give the score or delete the comment ('Jangteo Market', item 'financing')"
        ),
        f"{where} 'Scores' cell D8: missing score ('Jangteo Market', item 'financing')",
    ]


def test_a_formula_in_a_comment_cell_is_refused_never_computed(sheets, tmp_path):
    """A real formula (not text typed into the text cell) shows its result in Excel, not what was written:
    refused, never evaluated; text that starts with '=' is kept (test above)."""
    fill_comments(sheets["ev-02.xlsx"], lambda text, cid: '=HYPERLINK("http://x","y")' if cid == "datacenter"
                  and text == "Hanbit Cloud" else None, as_text=False)  # fmt: skip
    with zipfile.ZipFile(sheets["ev-02.xlsx"]) as archive:
        assert b"<f>HYPERLINK" in archive.read("xl/worksheets/sheet2.xml")
    assert _refused([sheets["ev-02.xlsx"]], tmp_path / "out") == [
        (
            f"error: {sheets['ev-02.xlsx']}: sheet 'Comments' cell C7: expected the comment as text, found a formula "
            "'=HYPERLINK(\"http://x\",\"y\")' (formulas are not evaluated) ('Hanbit Cloud', item 'datacenter')"
        )
    ]


def test_a_number_in_a_comment_cell_is_refused(sheets, tmp_path):
    edit(sheets["ev-02.xlsx"], lambda book: setattr(book["Comments"]["B6"], "value", 15))
    assert _refused([sheets["ev-02.xlsx"]], tmp_path / "out") == [
        (
            f"error: {sheets['ev-02.xlsx']}: sheet 'Comments' cell B6: expected the comment as text, found int 15; "
            "format the cell as text ('Gaon AI', item 'build-quality')"
        )
    ]


def test_a_workbook_made_before_comments_imports_without_them(sheets, tmp_path):
    """A sheet made by 0.4 has no comments sheet and no `comments` row in its hidden sheet."""
    from bideval.sheets import meta_check

    def as_before(book):
        book.security.lockStructure = False
        book.remove(book["Comments"])
        meta = book[META_SHEET]
        rows = [[v for v in row if v is not None] for row in meta.iter_rows(values_only=True)]
        assert rows[-2][0] == "comments"
        meta.delete_rows(len(rows) - 1, 2)
        meta.append(["check", meta_check(rows[:-2])])

    edit(sheets["ev-01.xlsx"], as_before)
    assert _import([sheets["ev-01.xlsx"]], tmp_path / "out").exit_code == 0
    assert "comments:" not in (tmp_path / "out" / "ev-01.yaml").read_text(encoding="utf-8")


# -- revisions on re-import -------------------------------------------------------------------------


@pytest.fixture
def kr_copy(tmp_path) -> tuple[Path, Path, dict[str, Path]]:
    """A private KR sample and its sheets filled with its own scores and comments."""
    rubric, bids = copy_sample(KR, tmp_path / "copy")
    return rubric, bids, _filled((rubric, bids), tmp_path / "sheets")


def _rescore(path: Path, cell: str, value) -> None:
    edit(path, lambda book: setattr(book["Scores"][cell], "value", value))


def _reimport(kr_copy, *extra, sheets=None):
    rubric, bids, paths = kr_copy
    chosen = [paths[e] for e in sheets] if sheets else list(paths.values())
    return _import(chosen, bids / "scores", (rubric, bids), "--force", *extra)


def test_an_unchanged_re_import_keeps_the_revisions_and_needs_no_reason(kr_copy):
    _, bids, _ = kr_copy
    result = _reimport(kr_copy)
    assert result.exit_code == 0, result.output
    p07 = yaml.safe_load((bids / "scores" / "p-07.yaml").read_text(encoding="utf-8"))
    assert p07["revisions"] == {"alpha-soft": {"understanding": [
        {"previous": 11.5, "date": date(2025, 9, 12), "reason": "발표평가 질의응답 후 조정 (현행 시스템 분석 보완 없음)"}]}}  # fmt: skip
    assert not [e for e in ("p-01", "p-02", "p-03") if "revisions:" in (bids / "scores" / f"{e}.yaml").read_text()]


def test_a_changed_score_without_reason_and_date_is_refused_naming_it(kr_copy):
    _, bids, paths = kr_copy
    _rescore(paths["p-07"], "B6", 9.5)  # alpha-soft, understanding: 10.5 in p-07.yaml
    _rescore(paths["p-01"], "C8", 26)  # delta-info, methodology: 25 in p-01.yaml
    before = {p.name: p.read_bytes() for p in (bids / "scores").iterdir()}
    result = _reimport(kr_copy)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in (bids / "scores").iterdir()} == before  # nothing written
    scores = bids / "scores"
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        (
            f"error: {scores / 'p-01.yaml'}:25:18: evaluator 'p-01' gave 'delta-info' 25 for 'methodology' here; "
            f"{paths['p-01']} (sheet 'Scores' cell C8) gives 26: a changed score is recorded as a revision; pass "
            "--reason TEXT and --date YYYY-MM-DD"
        ),
        (
            f"error: {scores / 'p-07.yaml'}:9:20: evaluator 'p-07' gave 'alpha-soft' 10.5 for 'understanding' here; "
            f"{paths['p-07']} (sheet 'Scores' cell B6) gives 9.5: a changed score is recorded as a revision; pass "
            "--reason TEXT and --date YYYY-MM-DD"
        ),
    ]


def test_a_changed_score_is_recorded_after_the_earlier_revisions(kr_copy):
    rubric, bids, paths = kr_copy
    _rescore(paths["p-07"], "B6", 9.5)
    _rescore(paths["p-01"], "C8", 26)
    reason = '재심의: "보완 자료" 검토 결과 — 일부 조정'
    result = _reimport(kr_copy, "--reason", reason, "--date", "2025-10-02")
    assert result.exit_code == 0, result.output
    p07 = yaml.safe_load((bids / "scores" / "p-07.yaml").read_text(encoding="utf-8"))
    assert p07["scores"]["alpha-soft"]["understanding"] == 9.5
    assert p07["revisions"] == {"alpha-soft": {"understanding": [
        {"previous": 11.5, "date": date(2025, 9, 12), "reason": "발표평가 질의응답 후 조정 (현행 시스템 분석 보완 없음)"},
        {"previous": 10.5, "date": date(2025, 10, 2), "reason": reason}]}}  # fmt: skip
    text = (bids / "scores" / "p-01.yaml").read_text(encoding="utf-8")
    assert text.endswith("revisions:\n  delta-info:\n    methodology:\n    - previous: 25\n      date: 2025-10-02\n"
                         f'      reason: "{reason.replace(chr(34), chr(92) + chr(34))}"\n')  # fmt: skip
    # Every file reads back through the strict loader and evaluates; the revision is in results.json.
    results = _results(rubric, bids, bids.parent / "out")
    assert {(r["evaluator"], r["bidder"], r["criterion"], r["previous"], r["date"])
            for r in results["revisions"]} == {("p-07", "alpha-soft", "understanding", "11.5", "2025-09-12"),
                                               ("p-07", "alpha-soft", "understanding", "10.5", "2025-10-02"),
                                               ("p-01", "delta-info", "methodology", "25", "2025-10-02")}  # fmt: skip
    # The same sheets again: nothing changed since, so no revision is added.
    written = {p.name: p.read_bytes() for p in (bids / "scores").iterdir()}
    assert _reimport(kr_copy, "--reason", "again", "--date", "2025-10-03").exit_code == 0
    assert {p.name: p.read_bytes() for p in (bids / "scores").iterdir()} == written


def test_several_revisions_of_one_import_are_written_without_yaml_aliases(kr_copy):
    """Two changed scores of one evaluator share the import's date: the file must spell it out
    twice (the strict loader refuses anchors and aliases) and evaluate."""
    rubric, bids, paths = kr_copy
    _rescore(paths["p-02"], "B6", 12)
    _rescore(paths["p-02"], "C8", 26)
    assert _reimport(kr_copy, "--reason", "재검토", "--date", "2025-10-02").exit_code == 0
    text = (bids / "scores" / "p-02.yaml").read_text(encoding="utf-8")
    assert text.count("date: 2025-10-02") == 2 and "&id" not in text and "*id" not in text
    results = _results(rubric, bids, bids.parent / "out")
    assert sum(r["evaluator"] == "p-02" for r in results["revisions"]) == 2


def test_a_revision_dated_before_the_last_one_is_refused(kr_copy):
    paths = kr_copy[2]
    _rescore(paths["p-07"], "B6", 9.5)
    result = _reimport(kr_copy, "--reason", "late entry", "--date", "2025-09-01", sheets=["p-07"])
    assert result.exit_code == 1
    assert "--date 2025-09-01 is before this score's last revision (2025-09-12); revisions are kept oldest first" \
        in result.stderr  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--force", "--reason", "x", "--date", "2025-9-1"], "expected a date YYYY-MM-DD, got '2025-9-1'"),
        (["--force", "--reason", "x", "--date", "20251001"], "expected a date YYYY-MM-DD, got '20251001'"),
        (["--force", "--reason", "x", "--date", "2025-02-30"], "expected a date YYYY-MM-DD, got '2025-02-30'"),
        (["--force", "--reason", "x"], "--date is missing"),
        (["--force", "--date", "2025-10-01"], "--reason is missing"),
        (["--force", "--reason", " ", "--date", "2025-10-01"], "expected a reason of 1 to 500 characters"),
        (["--force", "--reason", "x" * 501, "--date", "2025-10-01"], "expected a reason of 1 to 500 characters"),
        (["--reason", "x", "--date", "2025-10-01"], "without --force there is nothing to record"),
    ],
)
def test_reason_and_date_usage_errors(kr_copy, extra, message):
    rubric, bids, paths = kr_copy
    before = {p.name: p.read_bytes() for p in (bids / "scores").iterdir()}
    result = run("import-scores", paths["p-07"], "--out", bids / "scores", "--rubric", rubric, "--bids", bids, *extra)
    assert result.exit_code == 2, result.output
    assert "Invalid value for --" in result.stderr and message in result.stderr
    assert {p.name: p.read_bytes() for p in (bids / "scores").iterdir()} == before


def test_a_score_file_that_does_not_read_is_not_replaced(kr_copy, tmp_path):
    rubric, bids, paths = kr_copy
    out = tmp_path / "elsewhere"
    out.mkdir()
    (out / "p-07.yaml").write_text("schema: bideval/scores/v1\nevaluator: {id: p-07, name: x}\nscores: [\n")
    result = _import([paths["p-07"]], out, (rubric, bids), "--force")
    assert result.exit_code == 1
    assert f"error: {out / 'p-07.yaml'}: --force would replace this file, but it does not read as a scores file" \
        in result.stderr  # fmt: skip
    (out / "p-07.yaml").write_text((bids / "scores" / "p-01.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = _import([paths["p-07"]], out, (rubric, bids), "--force")
    assert result.exit_code == 1
    assert "--force would replace this file with the scores of evaluator 'p-07'" in result.stderr
    assert "but it holds those of 'p-01'" in result.stderr


_ANY_TEXT = [
    "yes", "No", "~", "null", "12", "1e5", "0:30", ".inf", "2025-01-01", "=1+1", "+1", "-", "- a", "? a", ": a",
    "a: b", "a #b", "#", "'", '"', "\\", "|", ">", "{a: 1}", "[1]", "&a", "*a", "!tag", "%x", "@x", "`x", " ",
    " lead", "trail ", "a\nb", "a\n", "a\n\n", "\na", "  a\nb", "a \nb", "a\n \nb", "a\r\nb", "a\rb", "a\x85b",
    "a\u2028b\u2029c", "\ufeffa", "a\tb", "\x07", "\x00", "\x1b[31m", "한국어: \"인용\" '작은'", "😀", "é\u0301",
    "\t" * 2000, "\n" * 1999 + "x", "가" * 2000,
]  # fmt: skip


def test_comments_and_reasons_are_written_so_that_the_strict_reader_reads_the_same_text():
    """Any text the model takes (the sheets' cells and --reason give only some of it) comes back exactly,
    as text, from the file the import writes: quoted, or a literal block when that holds it exactly."""
    import random

    from bideval.load.strict_yaml import parse_text
    from bideval.sheets import Prose, dump_yaml

    pick = random.Random(22)
    alphabet = "ab :#'\"\n\r\t-=\\\x85\u2028\ufeff가😀\x01 "
    texts = _ANY_TEXT + ["".join(pick.choice(alphabet) for _ in range(pick.randint(1, 30))) for _ in range(500)]
    for text in texts:
        body = {"comments": {"b": {"c": Prose(text)}}, "revisions": {"b": {"c": [{"reason": Prose(text)}]}}}
        written = dump_yaml("bideval/scores/v1", "test", body)
        assert dump_yaml("bideval/scores/v1", "test", body) == written
        doc, problems = parse_text(written.decode("utf-8"), "test")
        assert not problems, (text, written)
        assert doc.data["comments"]["b"]["c"] == text and doc.data["revisions"]["b"]["c"][0]["reason"] == text
