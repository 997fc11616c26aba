"""End-to-end: the CLI on both bundled programmes (DESIGN §5)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest

from tests.conftest import KR, NIPA, RUBRICS, SAMPLES, run


def _evaluate(rubric, bids, out, *extra):
    """Evaluate writing results.json only (the PDF has its own tests in tests/render)."""
    result = run("evaluate", rubric, bids, "--out", out, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return result, json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_nipa_sample_ranks_and_selects_within_budget(tmp_path):
    result, data = _evaluate(*NIPA, tmp_path / "out")
    ranked = [(b["rank"], b["bidder_id"], b["status"]) for b in data["bids"]]
    assert ranked == [
        (1, "hanbit-cloud", "selected"),
        (2, "gaon-ai", "selected"),
        (3, "saebyeok-tech", "selected"),
        (None, "jangteo-market", "excluded"),
    ]
    assert data["outcome"]["kind"] == "awarded"
    newcomer = data["bids"][3]
    assert [g["id"] for g in newcomer["gates"] if not g["passed"]] == ["gpuaas-in-service"]
    assert newcomer["criteria"] == []
    assert "한빛클라우드" in result.stdout and "선정" in result.stdout


def test_nipa_price_per_pflops_matches_hand_computation(tmp_path):
    """BRIEF §3 dense BF16: B200 2,250 TFLOPS, H200 989 TFLOPS per GPU.

    saebyeok-tech: (255 + 95) nodes × 8 H200 = 2,800 × 0.989 PF = 2,769.2 PF;
    32 nodes × 8 B200 = 256 × 2.25 PF = 576 PF; total 3,345.2 PF.
    KRW 266,672,000,000 ÷ 3,345.2 = 79,717,804.615568… → 79,717,804.615569 (6 places, half-up).
    gaon-ai: 2,424 × 2.25 = 5,454 PF; 266,640,000,000 ÷ 5,454 = 48,888,888.888889 (the best).
    hanbit-cloud: 7,656 × 2.25 = 17,226 PF; 857,472,000,000 ÷ 17,226 = 49,777,777.777778.
    """
    _, data = _evaluate(*NIPA, tmp_path / "out")
    bids = {b["bidder_id"]: b for b in data["bids"]}
    assert bids["saebyeok-tech"]["metrics"]["total_pflops"] == "3345.2"
    assert bids["saebyeok-tech"]["metrics"]["price_per_pflops"] == "79717804.615569"
    assert bids["gaon-ai"]["metrics"]["price_per_pflops"] == "48888888.888889"
    assert bids["hanbit-cloud"]["metrics"]["price_per_pflops"] == "49777777.777778"
    # ratio_to_best, lower: 15 × 48,888,888.888889 ÷ 49,777,777.777778 = 14.732142857… → 14.7321
    price_perf = next(c for c in bids["hanbit-cloud"]["criteria"] if c["id"] == "price-performance")
    assert price_perf["score"] == "14.7321"
    # public share of PF: (510 + 255) × 8 × 2.25 = 13,770 of 17,226 PF = 0.799373…
    assert bids["hanbit-cloud"]["metrics"]["public_pflops_share"] == "0.799373"


def test_kr_sample_tie_on_total_is_broken_by_technical_score(tmp_path):
    """Brief §2: order by total; a tie goes to the higher technical score.

    alpha-soft: technical 72, price 20 × 900,000,000 ÷ 1,000,000,000 = 18 → total 90.
    beta-systems: technical 70, lowest price → 20 → total 90. Alpha ranks first.
    delta-info: technical 65 < 68 (85% of 80) → below_threshold, not ranked.
    """
    result, data = _evaluate(*KR, tmp_path / "out", "--lang", "en")
    bids = {b["bidder_id"]: b for b in data["bids"]}
    assert (bids["alpha-soft"]["total"], bids["beta-systems"]["total"]) == ("90.0000", "90.0000")
    assert (bids["alpha-soft"]["rank"], bids["beta-systems"]["rank"]) == (1, 2)
    assert bids["alpha-soft"]["rank_decided_by"] == "technical"
    assert bids["delta-info"]["status"] == "below_threshold"
    assert bids["delta-info"]["rank"] is None
    assert data["outcome"] == {"kind": "awarded", "winners": ["alpha-soft"], "valid_bids": 4, "tied": [],
                               # one round, the one evaluated; no lots, no suitability check (issue 18)
                               "rounds": [{"round": 1, "announced": None, "applicants": 5, "outcome": "awarded",
                                           "evaluated": True, "note": None}],
                               "lots": {}, "suitability": []}  # fmt: skip
    assert "Alpha Soft" in result.stdout


@pytest.mark.parametrize("rubric", sorted(RUBRICS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_rubric_evaluates_its_sample(rubric, tmp_path):
    bids = SAMPLES / rubric.stem
    assert bids.is_dir(), f"no sample bids for {rubric.name}"
    _, data = _evaluate(rubric, bids, tmp_path / "out")
    assert data["rubric"]["id"] == rubric.stem
    assert any(b["status"] == "selected" for b in data["bids"])


def test_results_json_is_byte_identical_across_runs_and_folders(tmp_path):
    _evaluate(*NIPA, tmp_path / "a")
    _evaluate(*NIPA, tmp_path / "b" / "deeper")
    first = (tmp_path / "a" / "results.json").read_bytes()
    assert first == (tmp_path / "b" / "deeper" / "results.json").read_bytes()
    assert str(tmp_path).encode() not in first  # no machine paths in the results


def test_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "out"
    _evaluate(*NIPA, out)
    (out / "results.json").write_text("keep me", encoding="utf-8")
    refused = run("evaluate", *NIPA, "--out", out)
    assert refused.exit_code == 1
    assert "--force" in refused.stderr
    assert (out / "results.json").read_text(encoding="utf-8") == "keep me"
    _evaluate(*NIPA, out, "--force")
    assert (out / "results.json").read_text(encoding="utf-8") != "keep me"


def test_default_output_folder_and_formats(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("evaluate", *NIPA)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out" / "nipa-gpu-2025"
    assert sorted(p.name for p in out.iterdir()) == ["inputs", "report.pdf", "results.json", "run.json", "scorecard.xlsx"]
    # the inputs as evaluated, byte for byte, for `bideval archive`
    assert (out / "inputs" / "rubric" / "nipa-gpu-2025.yaml").read_bytes() == NIPA[0].read_bytes()
    assert (out / "inputs" / "bids" / "scores" / "ev-04.yaml").read_bytes() == (NIPA[1] / "scores" / "ev-04.yaml").read_bytes()


def test_validate_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("validate", *KR)
    assert result.exit_code == 0, result.output
    assert "5 bid(s), 7 evaluator(s)" in result.stdout
    assert list(tmp_path.iterdir()) == []
    assert run("validate", NIPA[0]).exit_code == 0


def test_catalog_lists_dense_figures():
    result = run("catalog", "--precision", "fp64")
    assert result.exit_code == 0
    assert "b300" in result.stdout and "1.25" in result.stdout


def test_catalog_names_each_vendor_country_and_the_npus():
    """Issue 18 §6: the Korean NPUs are domestic; the rubric's domestic_* metrics count them."""
    lines = run("catalog", "--precision", "bf16").stdout.splitlines()
    rngd = next(i for i, line in enumerate(lines) if line.startswith("│ rngd"))
    assert "256" in lines[rngd] and any("KR · NPU" in line for line in lines[rngd : rngd + 4])
    h100 = next(i for i, line in enumerate(lines) if line.startswith("│ h100-sxm"))
    assert any("│ US " in line for line in lines[h100 : h100 + 3])


@pytest.mark.parametrize(
    "args",
    [["evaluate", *NIPA, "--lang", "fr"], ["evaluate", *NIPA, "--format", "docx"], ["catalog", "--precision", "fp16"],
     ["frobnicate"]],
    ids=["bad-lang", "bad-format", "bad-precision", "unknown-command"],
)
def test_usage_errors_exit_2(args, tmp_path):
    assert run(*args).exit_code == 2


RENDERERS_AND_DATABASES = {"weasyprint", "openpyxl", "sqlalchemy", "alembic", "psycopg"}


@pytest.mark.parametrize(("command", "absent"), [
    (["--help"], RENDERERS_AND_DATABASES | {"pydantic", "cryptography", "babel"}),
    # typer itself imports pydantic to read a command's parameters
    (["ledger", "--help"], RENDERERS_AND_DATABASES), (["ledger", "evaluators", "--help"], RENDERERS_AND_DATABASES),
])  # fmt: skip
def test_help_imports_no_heavy_renderers(command, absent):
    """DESIGN §5: `bideval --help` must not import WeasyPrint or openpyxl (nor pydantic, cryptography, Babel),
    nor a database library or driver (SQLAlchemy, Alembic, psycopg); a command's help neither."""
    code = (
        "import sys\n"
        "from bideval.cli import app\n"
        f"try:\n    app({command!r}, prog_name='bideval')\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({sorted(absent)!r})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_totals_are_sums_of_rounded_parts(tmp_path):
    _, data = _evaluate(*NIPA, tmp_path / "out")
    for bid in data["bids"]:
        if bid["total"] is None:
            continue
        assert Decimal(bid["total"]) == sum(Decimal(v) for v in bid["categories"].values())


def test_errors_quoting_the_inputs_show_control_characters_escaped(tmp_path):
    """An error message quotes the input; an escape sequence in it is printed visibly, never sent
    to the terminal (here: a key that would retitle the window and clear the screen)."""
    bids = tmp_path / "bids"
    shutil.copytree(KR[1], bids)
    bid = bids / "alpha-soft.yaml"
    text = bid.read_text(encoding="utf-8")
    bid.write_text(text + '"\\e]0;owned\\a\\e[2J\\x9b": 1\n', encoding="utf-8")
    result = run("validate", KR[0], bids)
    assert result.exit_code == 1, result.output
    line, shown = len(text.splitlines()) + 1, r"\x1b]0;owned\x07\x1b[2J\x9b"
    assert result.stderr.splitlines() == [
        f"error: {bid}:{line}:1: {shown}: unknown key '{shown}'",
        "1 problem(s); nothing was written.",
    ]


def test_error_locations_and_quoted_inputs_are_never_read_as_emoji_codes(tmp_path):
    """rich turns `:100:` into 💯: an error on line 100 (`file:100:8:`) or a quoted `:smile:` key
    must print as written (found by tests/fuzz/fuzz_cli.py)."""
    bids = tmp_path / "bids"
    shutil.copytree(KR[1], bids)
    bid = bids / "alpha-soft.yaml"
    lines = bid.read_text(encoding="utf-8").splitlines()
    price = next(i for i, ln in enumerate(lines) if ln.startswith("price:"))
    lines[price:price] = ["# padding"] * (99 - price)  # the price now sits on line 100
    lines[99] = 'price: "1000000000"'
    bid.write_text("\n".join(lines) + '\n":smile:": 1\n', encoding="utf-8")
    result = run("validate", KR[0], bids)
    assert result.exit_code == 1, result.output
    assert f"{bid}:100:8: price: expected a whole number" in result.stderr, result.stderr
    assert ":smile:" in result.stderr and "💯" not in result.stderr and "😄" not in result.stderr


def test_version_prints_the_package_version_without_heavy_imports():
    """`bideval --version` answers from bideval/__init__ alone, like --help (issue 18 §8)."""
    from bideval import __version__

    done = run("--version")
    assert done.exit_code == 0 and done.stdout == f"bideval {__version__}\n"
    code = (
        "import sys\n"
        "from bideval.cli import app\n"
        "try:\n    app(['--version'], prog_name='bideval')\nexcept SystemExit:\n    pass\n"
        "heavy = {'weasyprint', 'openpyxl', 'pydantic', 'cryptography', 'babel'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines() == [f"bideval {__version__}", "[]"]


def test_every_out_option_has_the_short_form_o(tmp_path):
    """`-o` wherever `--out` exists (issue 18 §8), and it writes where `--out` would."""
    import typer.main

    from bideval.cli import app

    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    outs = {name: p.opts for name, c in commands.items() for p in c.params if "--out" in p.opts}
    assert sorted(outs) == ["evaluate", "import-scores", "regenerate", "report", "scorecard", "sheets"]
    assert all(opts == ["--out", "-o"] for opts in outs.values())
    done = run("evaluate", *NIPA, "-o", tmp_path / "out", "--format", "json")
    assert done.exit_code == 0, done.output
    assert (tmp_path / "out" / "results.json").is_file()
