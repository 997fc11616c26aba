"""--analysis: the analysis reaches report.pdf and scorecard.xlsx, and an archive of it verifies."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bideval.analysis.run import analyze
from bideval.load.inputs import load_inputs
from bideval.render.html import render_html
from bideval.render.xlsx import render_xlsx
from tests.conftest import KR, run


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
