"""--analysis: the analysis reaches report.pdf and scorecard.xlsx, and an archive of it verifies."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bideval.analysis.run import analyze
from bideval.load.inputs import load_inputs
from bideval.render.html import render_html
from bideval.render.xlsx import render_xlsx
from tests.conftest import KR, NIPA, run


def test_analysis_section_and_sheet():
    analysis = analyze(load_inputs(*KR), samples=50)
    html = render_html(analysis.result, "en", analysis)
    assert "Decision analysis" in html and "Kendall" in html and "Rank reversal" in html
    assert "Decision analysis" not in render_html(analysis.result, "en")
    workbook = load_workbook(io.BytesIO(render_xlsx(analysis.result, "en", analysis)))
    assert workbook.sheetnames[-1] == "Analysis"
    cells = [c for row in workbook["Analysis"].iter_rows(values_only=True) for c in row if c is not None]
    assert "Technical evaluation" in cells and "-0" in cells  # the KR tie flips as soon as points leave technical


def test_evaluate_with_analysis_archives_and_verifies(tmp_path):
    out = tmp_path / "out"
    done = run("evaluate", *KR, "--out", out, "--analysis", "--archive", "--lang", "en", "--format", "json,xlsx")
    assert done.exit_code == 0, done.output
    assert "Analysis" in load_workbook(out / "scorecard.xlsx").sheetnames
    verified = run("verify", out / "archive.zip")
    assert verified.exit_code == 0, verified.output


def test_analysis_of_lots_and_stages_reaches_the_report_and_verifies(tmp_path):
    """The rental sample's analysis, per lot, in the scorecard; the SPC's held note in the report."""
    from tests.conftest import RUBRICS, SAMPLES

    rental = (RUBRICS / "gpu-rental-2025.yaml", SAMPLES / "gpu-rental-2025")
    out = tmp_path / "out"
    done = run("evaluate", *rental, "--out", out, "--analysis", "--archive", "--lang", "en", "--format", "json,xlsx")
    assert done.exit_code == 0, done.output
    cells = [c for row in load_workbook(out / "scorecard.xlsx")["Analysis"].iter_rows(values_only=True) for c in row]
    captions = [c for c in cells if isinstance(c, str) and " · " in c]
    assert captions[0] == "Track 1 (large) · Smallest shift of points that changes the decision (the rest rescaled, " \
                          "total kept)"  # fmt: skip
    assert sum(c.startswith("Track 2 (medium) · ") for c in captions) == 4
    verified = run("verify", out / "archive.zip")
    assert verified.exit_code == 0, verified.output
    spc = analyze(load_inputs(RUBRICS / "ai-computing-center-spc-2025.yaml", SAMPLES / "ai-computing-center-spc-2025"),
                  samples=20)  # fmt: skip
    html = render_html(spc.result, "en", spc)
    assert "What the weight analyses hold as evaluated" in html
    assert "The suitability check of the sole applicant stands as evaluated" in html


def test_analyze_names_evaluators_in_the_chosen_language():
    """Issue 19 §3: with --lang en the panel-consistency table showed the evaluators' Korean names."""
    english = run("analyze", *NIPA, "--lang", "en", "--samples", "100")
    assert english.exit_code == 0, english.output
    assert "Kim Minjun (ev-01)" in english.stdout and "김민준" not in english.stdout
    korean = run("analyze", *NIPA, "--samples", "100")
    assert "김민준 (ev-01)" in korean.stdout


def test_analyze_leads_with_a_verdict_and_prints_only_the_changes_that_reorder():
    """Issue 19 §3. GPU sample: two criteria can change the decision — +71.7712 points on price
    performance (15 points) and +59.3017 on the public share of compute (10 points); the verdict names
    the one needing fewer points, after which Gaon AI ranks first (the three winners stay selected).
    None of the 16 nodes × 4 one-at-a-time changes reorders the bids, so no row of them is printed."""
    done = run("analyze", *NIPA, "--lang", "en", "--samples", "200")
    lines = " ".join(done.stdout.split())
    assert lines.startswith("Verdict: the nearest change of the decision takes +59.3017 points (+593.02% of its 10) "
                            "on Share of compute for public use: then first Gaon AI;")
    assert "0 of the 64 changes reorder the bids; the other 64 leave the ranking as evaluated." in lines
    assert "One at a time: the changes that reorder the bids" not in lines


def test_analyze_prints_who_moves_and_only_the_cases_that_reverse():
    """Issue 19 §3 for longer rankings: a one-at-a-time change lists the bids that move with their places
    (as evaluated → then), not the whole ranking again; rank reversal says in how many cases the order
    of the others is reversed and lists only those. The 80/20 sample: lowering the technical criteria's
    points by 10 % or 20 % lets Beta Systems (2nd as evaluated) overtake Alpha Soft; removing a bid or
    adding a dominated clone reverses nothing (the report and the scorecard keep every row)."""
    done = run("analyze", *KR, "--lang", "en", "--samples", "100")
    lines = " ".join(done.stdout.split())
    assert "who moves (place as evaluated → then)" in lines
    assert "│ Technical evaluation │ -20% │ Beta Systems 2→1, Alpha Soft 1→2 │" in lines
    assert "is added): reversed in 0 of the 6 cases." in lines
    assert "order before" not in lines
