"""Bad input through the real CLI: every malformed file gives a located error and exit 1.

Each case copies the bundled NIPA 2025 sample (rubric + bids + scores) into tmp_path,
changes ONE thing (a text replacement, or one file written), runs
`bideval evaluate RUBRIC BIDS --out OUT` with typer's CliRunner and checks (DESIGN §2, §5, §6):

* exit code 1, and no crash (no exception other than the CLI's own exit, no "Traceback");
* an `error:` line on stderr naming the file and `:line:column:`, where the expected
  line (and, where it is well defined, the column) is computed here from the mutated
  text — never copied from what the program prints;
* nothing was written: OUT does not exist or holds no results.json.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bideval.cli import app

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_BIDS = ROOT / "sample_bids" / "nipa-gpu-2025"
RUBRIC = "nipa-gpu-2025.yaml"  # as copied by the `sample_copy` fixture (tests/load/conftest.py)
BIDS = "bids"
EV01_TEXT = (SAMPLE_BIDS / "scores" / "ev-01.yaml").read_text(encoding="utf-8")

GAON_CLUSTERS = (
    "clusters:\n"
    "  - {id: public-1, gpu: b200, nodes: 255, gpus_per_node: 8, use: public, cooling: liquid, server: dgx}\n"
    "  - {id: own-1, gpu: b200, nodes: 48, gpus_per_node: 8, use: own, cooling: air, server: hgx}\n"
)

# A bid in JSON (accepted like YAML, DESIGN §2) with one error: a negative price.
JSON_BID = """{
  "schema": "bideval/bid/v1",
  "bidder": {
    "id": "zeta-compute",
    "name": {"ko": "제타컴퓨트", "en": "Zeta Compute"},
    "main_site_country": "KR",
    "gpuaas_in_service": true
  },
  "price": -1,
  "clusters": [
    {"id": "c1", "gpu": "b200", "nodes": 10, "gpus_per_node": 8, "use": "public", "cooling": "air"}
  ]
}
"""

ERROR_LINE = re.compile(r"^error: (?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<message>.*)$")


@dataclass(frozen=True)
class Edit:
    """Replace `old` (which must occur exactly once) by `new` in `file`; `old=None` writes `new` as the file.

    `file` is relative to the case folder. str edits work on UTF-8 text, bytes edits on raw bytes.
    """

    file: str
    old: str | bytes | None
    new: str | bytes


@dataclass(frozen=True)
class Expect:
    """One error the run must report.

    `anchor`: text on the line the error must point at, in the mutated `file` (a tuple:
    any of these lines is right). `nth`: which line containing the anchor. `column_at`:
    text on that line whose first character the column must point at; a `^` inside it
    marks the character instead. `words`: substrings of the message; `{line:TEXT}` in a
    word is replaced by the number of the first line containing TEXT. `absent`: text the
    message must not contain (e.g. a Python repr leaking into a user message).
    """

    file: str
    anchor: str | tuple[str, ...]
    words: tuple[str, ...] = ()
    nth: int = 1
    column_at: str | None = None
    absent: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    """`exact`: the expected errors are the only ones — one mistake must not drown in follow-on errors.
    Set it False where other errors are genuine consequences (e.g. a new bid nobody has scored)."""

    id: str
    edits: tuple[Edit, ...]
    expect: tuple[Expect, ...]
    exact: bool = True
    marks: tuple = field(default=())


GAON = f"{BIDS}/gaon-ai.yaml"
SAEBYEOK = f"{BIDS}/saebyeok-tech.yaml"
JANGTEO = f"{BIDS}/jangteo-market.yaml"


def score(n: str) -> str:
    return f"{BIDS}/scores/ev-{n}.yaml"


CASES = [
    # ---- bid files (DESIGN §2.2) -------------------------------------------------------
    Case(
        "bid-unknown-key",
        (Edit(GAON, "  gpuaas_in_service: true\n", "  gpuaas_in_service: true\n  website: gaon.example\n"),),
        (Expect(GAON, "website:", ("unknown key 'website'",), column_at="website"),),
    ),
    Case(
        "bid-missing-price",
        (Edit(GAON, "price: 266640000000\n", ""),),
        # a missing key is reported where its mapping (here: the whole file) starts
        (Expect(GAON, "schema: bideval/bid/v1", ("missing required key 'price'",), column_at="schema"),),
    ),
    Case(
        "bid-negative-price",
        (Edit(GAON, "price: 266640000000", "price: -266640000000"),),
        (Expect(GAON, "price: -266640000000", ("price",), column_at="-266640000000"),),
    ),
    Case(
        "bid-float-price",
        (Edit(GAON, "price: 266640000000", "price: 266640000000.5"),),
        (Expect(GAON, "price: 266640000000.5", ("price",), column_at="266640000000.5"),),
    ),
    Case(
        "bid-zero-nodes",
        (Edit(GAON, "nodes: 255, gpus_per_node: 8, use: public", "nodes: 0, gpus_per_node: 8, use: public"),),
        (Expect(GAON, "nodes: 0,", ("clusters[0].nodes",), column_at="nodes: ^0"),),
    ),
    Case(
        "bid-leading-zero-count",
        (Edit(GAON, "nodes: 48, gpus_per_node: 8", "nodes: 48, gpus_per_node: 010"),),
        (Expect(GAON, "gpus_per_node: 010", ("'010'", "leading zero"), column_at="010"),),
    ),
    Case(
        "bid-sexagesimal-number",
        (Edit(GAON, "  power_mw: 12\n", "  power_mw: 1:30\n"),),
        (Expect(GAON, "power_mw: 1:30", ("'1:30'",), column_at="1:30"),),
    ),
    Case(
        "bid-impossible-date",
        (Edit(GAON, "service_start: 2026-01-20", "service_start: 2026-02-30"),),
        (Expect(GAON, "service_start: 2026-02-30", ("2026-02-30",), column_at="2026-02-30"),),
    ),
    Case(
        "bid-unknown-cooling",
        (Edit(GAON, "cooling: liquid, server: dgx}", "cooling: water, server: dgx}"),),
        (Expect(GAON, "cooling: water", ("clusters[0].cooling", "water"), column_at="water"),),
    ),
    Case(
        "bid-duplicate-cluster-id",
        (Edit(GAON, "{id: own-1, gpu: b200, nodes: 48", "{id: public-1, gpu: b200, nodes: 48"),),
        # the repeated id is the second one
        (Expect(GAON, "nodes: 48", ("public-1",), column_at="public-1"),),
    ),
    Case(
        "consortium-share-above-1",
        (Edit(SAEBYEOK, "share: 0.8}", "share: 1.2}"),),
        (Expect(SAEBYEOK, "share: 1.2}", ("consortium[0].share", "between 0 and 1"), column_at="1.2"),),
    ),
    Case(
        "consortium-shares-not-adding-to-1",
        (Edit(SAEBYEOK, "share: 0.2}", "share: 0.3}"),),
        # about the list as a whole: the `consortium:` key or the list's first line is right
        (Expect(SAEBYEOK, ("consortium:", "share: 0.8}"), ("add up to 1", "1.1")),),
    ),
    Case(
        "bid-unknown-gpu",
        (Edit(GAON, "gpu: b200, nodes: 255", "gpu: b999, nodes: 255"),),
        (Expect(GAON, "gpu: b999", ("unknown GPU 'b999'",), column_at="b999"),),
    ),
    Case(
        "gpu-without-figure-at-precision",
        (
            Edit(RUBRIC, "precision: bf16", "precision: fp64"),
            Edit(GAON, "gpu: b200, nodes: 255", "gpu: gaudi3, nodes: 255"),
        ),
        (Expect(GAON, "gpu: gaudi3", ("gaudi3", "fp64"), column_at="gaudi3"),),
    ),
    Case(
        "rubric-precision-drops-h200",
        (Edit(RUBRIC, "precision: bf16", "precision: fp4"),),
        # h200-sxm has no fp4 figure: both of Saebyeok's H200 clusters are reported
        (
            Expect(SAEBYEOK, "id: public-h200,", ("h200-sxm", "fp4"), column_at="h200-sxm"),
            Expect(SAEBYEOK, "id: own-h200,", ("h200-sxm", "fp4"), column_at="h200-sxm"),
        ),
    ),
    Case(
        "country-NO-yaml11-boolean",
        (Edit(GAON, "main_site_country: KR", "main_site_country: NO"),),
        (Expect(GAON, "main_site_country: NO", ("'NO'",), column_at="NO"),),
    ),
    Case(
        "yaml-syntax-error",
        (Edit(GAON, "  main_site_country: KR\n", "  main_site_country: KR: extra\n"),),
        (Expect(GAON, "main_site_country: KR: extra", ("not valid YAML",), column_at="KR^: extra"),),
    ),
    Case(
        "yaml-anchor",
        (Edit(GAON, "datacenter:\n", "datacenter: &dc\n"),),
        (Expect(GAON, "datacenter: &dc", ("anchors",), column_at="&dc"),),
    ),
    Case(
        "yaml-alias",
        (Edit(GAON, "  committed: 270000000000", "  committed: *money"),),
        (Expect(GAON, "committed: *money", ("aliases",), column_at="*money"),),
    ),
    Case(
        "yaml-duplicate-key",
        (Edit(GAON, "price: 266640000000\n", "price: 266640000000\nprice: 999\n"),),
        (
            Expect(GAON, "price: 999", ("duplicate key 'price'", "first given on line {line:price: 266640000000}"),
                   column_at="price"),
        ),
    ),
    Case(
        "bid-latin1-byte",
        (Edit(GAON, b"  region: Gyeonggi\n", b"  region: Gyeongg\xee\n"),),
        (Expect(GAON, "  region: Gyeongg", ("UTF-8",), column_at="Gyeongg^"),),
    ),
    Case(
        "bid-price-too-large",
        (Edit(GAON, "price: 266640000000", "price: 26664000000000000000"),),
        (Expect(GAON, "price: 26664000000000000000", ("too large",), column_at="26664000000000000000"),),
    ),
    Case(
        "yaml-tab-indentation",
        (Edit(GAON, "  main_site_country: KR\n", "\tmain_site_country: KR\n"),),
        (Expect(GAON, "\tmain_site_country", ("not valid YAML",), column_at="\t"),),
    ),
    Case(
        "bid-top-level-is-a-list",
        (Edit(GAON, None, "- schema: bideval/bid/v1\n- price: 1\n"),),
        (Expect(GAON, "- schema", ("mapping",), column_at="-"),),
    ),
    Case(
        "duplicate-bidder-id-across-files",
        (Edit(JANGTEO, "  id: jangteo-market\n", "  id: gaon-ai\n"),),
        (Expect(JANGTEO, "  id: gaon-ai", ("'gaon-ai'", "gaon-ai.yaml"), column_at="gaon-ai"),),
        exact=False,  # the scores for 'jangteo-market' now name a bidder no bid has: also right
    ),
    Case(
        "score-file-in-bids-folder",
        (Edit(f"{BIDS}/ev-08.yaml", None, EV01_TEXT),),
        (Expect(f"{BIDS}/ev-08.yaml", "schema:", ("bideval/bid/v1", "bideval/scores/v1"),
                column_at="bideval/scores/v1"),),
    ),
    Case(
        "json-bid-negative-price",
        (Edit(f"{BIDS}/zeta-compute.json", None, JSON_BID),),
        (Expect(f"{BIDS}/zeta-compute.json", '"price": -1', ("price",), column_at="-1"),),
        exact=False,  # nobody scored the new bidder: also right
    ),
    Case(
        "bid-no-clusters-empty-list",
        (Edit(GAON, GAON_CLUSTERS, "clusters: []\n"),),
        (Expect(GAON, "clusters: []", ("gaon-ai", "price_per_pflops"), column_at="[]"),),
        exact=False,  # every cluster metric of the rubric is reported, one error each
    ),
    Case(
        "bid-no-clusters-key",
        (Edit(GAON, GAON_CLUSTERS, ""),),
        # the bid has no `clusters:` at all: the error points at the start of the file
        (Expect(GAON, "schema: bideval/bid/v1", ("gaon-ai", "price_per_pflops"), column_at="schema"),),
        exact=False,
    ),
    Case(
        "rich-markup-closing-tag-in-key",
        (Edit(GAON, "price: 266640000000\n", 'price: 266640000000\n"[/red]": 1\n'),),
        # user text must be printed literally, never read as console markup (DESIGN §6)
        (Expect(GAON, '"[/red]": 1', ("unknown key '[/red]'",), column_at='"[/red]"'),),
    ),
    Case(
        "rich-markup-tag-in-key",
        (Edit(GAON, "price: 266640000000\n", 'price: 266640000000\n"[bold]x": 1\n'),),
        (Expect(GAON, '"[bold]x": 1', ("unknown key '[bold]x'",), column_at='"[bold]x"'),),
    ),
    # ---- rubric (DESIGN §2.1) -----------------------------------------------------------
    Case(
        "rubric-missing-schema-line",
        (Edit(RUBRIC, "schema: bideval/rubric/v1\n", ""),),
        (Expect(RUBRIC, "id: nipa-gpu-2025", ("schema: bideval/rubric/v1", "missing"), column_at="id"),),
    ),
    Case(
        "rubric-unknown-metric",
        (Edit(RUBRIC, "metric: liquid_cooled_share", "metric: liquid_share"),),
        (Expect(RUBRIC, "metric: liquid_share", ("'liquid_share'",), column_at="liquid_share"),),
    ),
    Case(
        "rubric-unknown-method",
        (Edit(RUBRIC, "method: linear", "method: lineal"),),
        (Expect(RUBRIC, "method: lineal", ("lineal",), column_at="lineal"),),
    ),
    Case(
        "rubric-unknown-key-in-criterion",
        (Edit(RUBRIC, "metric: price_per_pflops\n", "metric: price_per_pflops\n            weight: 2\n"),),
        (Expect(RUBRIC, "weight: 2", ("unknown key 'weight'",), column_at="weight"),),
    ),
    Case(
        "rubric-band-ratio-above-1",
        (Edit(RUBRIC, "{at_least: 512, ratio: 1}", "{at_least: 512, ratio: 1.5}"),),
        (Expect(RUBRIC, "ratio: 1.5", ("bands[0].ratio", "between 0 and 1"), column_at="1.5"),),
    ),
    Case(
        "gate-unknown-bid-field",
        (Edit(RUBRIC, "field: bidder.main_site_country", "field: bidder.country"),),
        (Expect(RUBRIC, "field: bidder.country", ("'bidder.country'",), column_at="bidder.country"),),
    ),
    Case(
        "children-points-not-summing",
        (Edit(RUBRIC, "points: 8\n            method: bands", "points: 9\n            method: bands"),),
        # build-plan says 35, its children now add up to 15 + 9 + 4 + 8 = 36
        (Expect(RUBRIC, "points: 35", ("build-plan", "35", "36"), column_at="35"),),
    ),
    Case(
        "gate-op-ge-with-text-value",
        (Edit(RUBRIC, "    op: eq\n    value: KR\n", "    op: ge\n    value: KR\n"),),
        # the mismatch is between op and value: either line is right, the gate's first line is not
        (Expect(RUBRIC, ("op: ge", "value: KR"), ("'ge'",)),),
    ),
    Case(
        "gate-op-in-with-scalar",
        (Edit(RUBRIC, "    op: eq\n    value: KR\n", "    op: in\n    value: KR\n"),),
        (Expect(RUBRIC, ("op: in", "value: KR"), ("'in'",)),),
    ),
    Case(
        "gate-op-true-with-value",
        (Edit(RUBRIC, '    op: "true"\n', '    op: "true"\n    value: true\n'),),
        (Expect(RUBRIC, ('op: "true"', "value: true"), ("'true'",)),),
    ),
    Case(
        "rubric-precision-missing",
        (Edit(RUBRIC, "compute:\n  precision: bf16", "# compute:\n#   precision: bf16"),),
        (Expect(RUBRIC, "metric: price_per_pflops", ("'price_per_pflops'", "compute.precision"),
                column_at="price_per_pflops"),
         Expect(RUBRIC, "metric: public_pflops_share", ("'public_pflops_share'", "compute.precision"),
                column_at="public_pflops_share")),
    ),
    Case(
        "criterion-children-and-method",
        (Edit(RUBRIC, "    points: 30\n    children:\n", "    points: 30\n    method: judged\n    children:\n"),),
        (Expect(RUBRIC, "- id: ecosystem", ("'ecosystem'", "children or a method"), column_at="id: ecosystem"),),
    ),
    Case(
        "gate-date-value-on-text-field",
        (Edit(RUBRIC, "    op: eq\n    value: KR\n", "    op: le\n    value: 2025-12-31\n"),),
        # a date fits only a date field; the message never shows a Python repr of the date
        (Expect(RUBRIC, "value: 2025-12-31", ("does not fit", "bidder.main_site_country"), absent=("datetime",)),),
    ),
    Case(
        "duplicate-criterion-id",
        (Edit(RUBRIC, "      - id: recovery\n", "      - id: track-record\n"),),
        (Expect(RUBRIC, "id: track-record", ("'track-record'", "more than once"), nth=2, column_at="track-record"),),
        exact=False,  # 'recovery' is gone, so its scores name an unknown criterion: also right
    ),
    Case(
        "tie-break-unknown-criterion",
        (Edit(RUBRIC, "tie_break: [build-plan, ecosystem]", "tie_break: [build-plan, eco-system]"),),
        (Expect(RUBRIC, "tie_break:", ("'eco-system'",), column_at="eco-system"),),
    ),
    # ---- evaluator scores (DESIGN §2.3) -------------------------------------------------
    Case(
        "judged-score-missing",
        (Edit(score("01"), "    understanding: 80\n", ""),),
        (Expect(score("01"), "  gaon-ai:", ("'ev-01'", "'gaon-ai'", "understanding"), column_at="gaon-ai"),),
    ),
    Case(
        # Found by the fuzzer: a bid file renamed its bidder. The scores now name an unknown
        # bidder, and the message about the missing scores names the bid file that says 'gaon-x'.
        "bidder-id-changed-in-its-bid-file",
        (Edit(GAON, "  id: gaon-ai\n", "  id: gaon-x\n"),),
        # "no score" is located where the scores mapping starts, its first entry
        (Expect(score("01"), "  hanbit-cloud:", ("'ev-01'", "'gaon-x'", "(gaon-ai.yaml)"), column_at="hanbit-cloud"),
         Expect(score("01"), "  gaon-ai:", ("unknown bidder", "'gaon-ai'"), column_at="gaon-ai")),
        exact=False,  # every score file says the same two things
    ),
    Case(
        "score-for-conflicted-bidder",
        (Edit(score("01"), "conflicts: []", "conflicts: [gaon-ai]"),),
        (Expect(score("01"), "  gaon-ai:", ("conflict", "'gaon-ai'"), column_at="gaon-ai"),),
    ),
    Case(
        "score-out-of-range",
        (Edit(score("03"), "understanding: 86\n", "understanding: 120\n"),),
        (Expect(score("03"), "understanding: 120", ("120", "understanding"), column_at="120"),),
    ),
    Case(
        "score-not-a-number",
        (Edit(score("03"), "understanding: 86\n", "understanding: high\n"),),
        (Expect(score("03"), "understanding: high", ("understanding", "number"), column_at="high"),),
    ),
    Case(
        "score-for-unknown-bidder",
        (Edit(score("05"), "scores:\n", "scores:\n  nobody-inc:\n    understanding: 50\n"),),
        (Expect(score("05"), "nobody-inc:", ("'nobody-inc'",), column_at="nobody-inc"),),
    ),
    Case(
        "score-for-non-judged-criterion",
        (Edit(score("01"), "    understanding: 80\n", "    understanding: 80\n    price-performance: 50\n"),),
        (Expect(score("01"), "price-performance: 50", ("'price-performance'", "judged"), column_at="price-performance"),),
    ),
    Case(
        "conflict-with-unknown-bidder",
        (Edit(score("01"), "conflicts: []", "conflicts: [nobody-inc]"),),
        (Expect(score("01"), "conflicts: [nobody-inc]", ("'nobody-inc'",), column_at="nobody-inc"),),
    ),
    Case(
        "duplicate-evaluator-id",
        (Edit(score("02"), "  id: ev-02\n", "  id: ev-01\n"),),
        (Expect(score("02"), "  id: ev-01", ("'ev-01'", "ev-01.yaml"), column_at="ev-01"),),
    ),
    # ---- several errors, several files: all reported in one run (DESIGN §2) ----------------
    Case(
        "two-errors-two-files",
        (
            Edit(GAON, "price: 266640000000", "price: -266640000000"),
            Edit(score("01"), "  conflicts: []\n", "  conflicts: []\n  email: kim@example.org\n"),
        ),
        (
            Expect(GAON, "price: -266640000000", ("price",), column_at="-266640000000"),
            Expect(score("01"), "email:", ("unknown key 'email'",), column_at="email"),
        ),
    ),
    Case(
        "two-errors-rubric-check-and-bid-check",
        (
            Edit(RUBRIC, "tie_break: [build-plan, ecosystem]", "tie_break: [build-plan, eco-system]"),
            Edit(GAON, "gpu: b200, nodes: 255", "gpu: b999, nodes: 255"),
        ),
        # a typo in the rubric must not hide an unknown GPU in a bid: both are independent
        (
            Expect(RUBRIC, "tie_break:", ("'eco-system'",), column_at="eco-system"),
            Expect(GAON, "gpu: b999", ("unknown GPU 'b999'",), column_at="b999"),
        ),
    ),
]


def apply(edit: Edit, folder: Path) -> None:
    path = folder / edit.file
    if edit.old is None:
        if isinstance(edit.new, bytes):
            path.write_bytes(edit.new)
        else:
            path.write_text(edit.new, encoding="utf-8")
        return
    if isinstance(edit.old, bytes):
        raw = path.read_bytes()
        assert raw.count(edit.old) == 1, f"{edit.old!r} must occur once in {edit.file}"
        path.write_bytes(raw.replace(edit.old, edit.new))  # type: ignore[arg-type]
        return
    text = path.read_text(encoding="utf-8")
    assert text.count(edit.old) == 1, f"{edit.old!r} must occur once in {edit.file}"
    path.write_text(text.replace(edit.old, edit.new), encoding="utf-8")  # type: ignore[arg-type]


def mutated_lines(folder: Path, file: str) -> list[str]:
    """Lines of a mutated file; undecodable bytes (the Latin-1 case) shown as U+FFFD, one character each."""
    return (folder / file).read_bytes().decode("utf-8", errors="replace").splitlines()


def expected_location(folder: Path, expect: Expect) -> tuple[set[int], int | None]:
    lines = mutated_lines(folder, expect.file)
    anchors = expect.anchor if isinstance(expect.anchor, tuple) else (expect.anchor,)
    wanted: set[int] = set()
    for anchor in anchors:
        hits = [n for n, text in enumerate(lines, 1) if anchor in text]
        assert len(hits) >= expect.nth, f"anchor {anchor!r} not found {expect.nth}x in {expect.file}"
        wanted.add(hits[expect.nth - 1])
    column = None
    if expect.column_at is not None:
        (line,) = wanted
        text = lines[line - 1]
        marker = expect.column_at.index("^") if "^" in expect.column_at else 0
        needle = expect.column_at.replace("^", "")
        assert needle in text, f"{needle!r} not on line {line} of {expect.file}"
        column = text.index(needle) + marker + 1
    return wanted, column


def expected_words(folder: Path, expect: Expect) -> list[str]:
    lines = mutated_lines(folder, expect.file)

    def line_of(match: re.Match) -> str:
        return str(next(n for n, text in enumerate(lines, 1) if match.group(1) in text))

    return [re.sub(r"\{line:(.+?)\}", line_of, word) for word in expect.words]


def reported(stderr: str) -> list[dict]:
    found = []
    for text in stderr.splitlines():
        match = ERROR_LINE.match(text)
        if match:
            found.append({**match.groupdict(), "text": text})
    return found


def names(file: str, display: str) -> bool:
    """Whether `display` (as printed) is the case file `file` (relative to the case folder)."""
    return display.replace("\\", "/").endswith("/" + file)


def run(folder: Path):
    runner = CliRunner()
    out = folder / "out"
    result = runner.invoke(app, ["evaluate", str(folder / RUBRIC), str(folder / BIDS), "--out", str(out)])
    return result, out


def assert_failed_cleanly(result, out: Path) -> None:
    crash = result.exception if not isinstance(result.exception, SystemExit) else None
    assert crash is None, f"the CLI crashed: {crash!r}\n{result.output}"
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    assert not (out / "results.json").exists(), "results.json written despite bad input"
    assert not out.exists() or not any(out.iterdir()), f"files left in {out}: {list(out.iterdir())}"


def test_unmodified_sample_is_valid(sample_copy: Path) -> None:
    """Baseline: without a mutation the copied sample evaluates, so each failure below is the mutation's."""
    result, out = run(sample_copy)
    assert result.exit_code == 0, result.output
    assert (out / "results.json").is_file()


def test_cli_captures_stderr_separately(sample_copy: Path) -> None:
    """This typer/CliRunner keeps stderr apart (`result.stderr`); `result.output` holds both streams."""
    apply(Edit(GAON, "price: 266640000000", "price: -266640000000"), sample_copy)
    result, _ = run(sample_copy)
    assert "error:" in result.stderr
    assert "error:" not in result.stdout
    assert all(line in result.output.splitlines() for line in result.stderr.splitlines())


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_bad_input_is_located(case: Case, sample_copy: Path) -> None:
    for edit in case.edits:
        apply(edit, sample_copy)
    result, out = run(sample_copy)
    assert_failed_cleanly(result, out)
    errors = reported(result.stderr)
    assert errors, f"no `error: file:line:column:` line on stderr:\n{result.output}"
    every = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert re.search(rf"^{len(every)} problem\(s\); nothing was written\.$", result.stderr, re.MULTILINE), result.stderr
    listing = "\n".join(every)
    matched: set[str] = set()
    for expect in case.expect:
        lines, column = expected_location(sample_copy, expect)
        words = expected_words(sample_copy, expect)
        about = [e for e in errors if names(expect.file, e["file"]) and all(w in e["message"] for w in words)]
        assert about, f"no error about {expect.file} containing {words}; reported:\n{listing}"
        where = sorted(lines)
        want = f"{expect.file}:{'|'.join(map(str, where))}:{column if column else '*'}"
        located = [e for e in about if int(e["line"]) in lines and (column is None or int(e["column"]) == column)]
        assert located, f"expected at {want}, got:\n" + "\n".join(e["text"] for e in about)
        for e in located:
            assert not [a for a in expect.absent if a in e["message"]], f"message shows {expect.absent}: {e['text']}"
        matched.update(e["text"] for e in located)
    if case.exact:
        extra = [line for line in every if line not in matched]
        assert not extra, "follow-on errors besides the expected ones:\n" + "\n".join(extra)


WHOLE_FILE_CASES = [
    pytest.param("empty.yaml", b"", ("empty",), id="empty-bid-file"),
    pytest.param("comments.yaml", b"# nothing here\n", ("empty",), id="comment-only-bid-file"),
    pytest.param("utf16.yaml", "schema: bideval/bid/v1\n".encode("utf-16"), ("UTF-16",), id="utf16-bid-file"),
    pytest.param("nul.yaml", b"schema: bideval/bid/v1\x00\n", ("NUL",), id="nul-bytes-in-bid-file"),
    pytest.param("huge.yaml", None, ("5 MiB",), id="bid-file-over-5MiB"),
]


@pytest.mark.parametrize(("name", "content", "words"), WHOLE_FILE_CASES)
def test_whole_file_problem(name: str, content: bytes | None, words: tuple[str, ...], sample_copy: Path) -> None:
    """Problems of a file as a whole have no line: `file: message`, still exit 1 and nothing written."""
    path = sample_copy / BIDS / name
    if content is None:
        with path.open("wb") as stream:  # sparse: the size is refused before anything is read
            stream.truncate(5 * 1024 * 1024 + 1)
    else:
        path.write_bytes(content)
    result, out = run(sample_copy)
    assert_failed_cleanly(result, out)
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ") and f"/{name}" in line]
    assert lines, result.output
    assert any(all(w in line for w in words) for line in lines), lines


def test_bids_folder_missing(sample_copy: Path) -> None:
    shutil.rmtree(sample_copy / BIDS)
    result, out = run(sample_copy)
    assert_failed_cleanly(result, out)
    assert f"{sample_copy / BIDS}: " in result.stderr


def _only_error(sample_copy: Path) -> str:
    result, out = run(sample_copy)
    assert_failed_cleanly(result, out)
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    return error


def test_a_date_where_a_score_belongs_is_shown_as_written(sample_copy: Path) -> None:
    """`understanding: 2025-01-01` reads as a date; the message quotes it as typed, never as
    datetime.date(2025, 1, 1)."""
    apply(Edit(score("03"), "    understanding: 86\n", "    understanding: 2025-01-01\n"), sample_copy)
    line = mutated_lines(sample_copy, score("03")).index("    understanding: 2025-01-01") + 1
    assert _only_error(sample_copy) == (
        f"error: {sample_copy / score('03')}:{line}:20: "
        "scores.hanbit-cloud.understanding: expected a number, got 2025-01-01 (a date)"
    )


def test_a_number_where_a_date_belongs_is_shown_as_its_digits(sample_copy: Path) -> None:
    apply(Edit(GAON, "service_start: 2026-01-20", "service_start: 2026.10"), sample_copy)
    line = next(i for i, text in enumerate(mutated_lines(sample_copy, GAON), 1) if "service_start: 2026.10" in text)
    column = mutated_lines(sample_copy, GAON)[line - 1].index("2026.10") + 1
    assert _only_error(sample_copy) == (f"error: {sample_copy / GAON}:{line}:{column}: schedule.service_start: "
                                        "expected a date YYYY-MM-DD, got 2026.10")  # not Decimal('2026.10')
