"""Writing outputs (bideval.render.output): what is refused before anything is rendered.

The report and the scorecard lay out every bid; past `MOST_BIDS` they would run for hours
(a 200-bid report took 160 s and 622 pages, a 1,000-bid scorecard 22 s and 470 MB). Such a
programme is refused for those formats, with every reason at once and nothing written. The
limits are lowered here so the samples (4 and 5 bids) reach them.
"""

from __future__ import annotations

import pytest

from bideval.render import output
from tests.conftest import KR, NIPA, run


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setitem(output.MOST_BIDS, "pdf", 3)
    monkeypatch.setitem(output.MOST_BIDS, "xlsx", 4)


def test_evaluate_refuses_every_format_too_small_for_the_bids_and_writes_nothing(tmp_path, small_limits):
    """KR sample: 5 bids, more than 3 (pdf) and 4 (xlsx): two problems, both naming the bids
    folder, each suggesting the format that fits (json)."""
    out = tmp_path / "out"
    refused = run("evaluate", *KR, "--out", out)
    assert refused.exit_code == 1 and not out.exists()
    assert refused.stderr.count(str(KR[1])) == 2
    assert "5 bids are more than report.pdf lays out (at most 3); write what fits with --format json" in refused.stderr
    assert "5 bids are more than scorecard.xlsx lays out (at most 4); write what fits with --format json" in refused.stderr


def test_evaluate_suggests_each_format_that_fits(tmp_path, small_limits):
    """NIPA sample: 4 bids, more than the report's 3 but within the scorecard's 4."""
    refused = run("evaluate", *NIPA, "--out", tmp_path / "out")
    assert refused.exit_code == 1 and "write what fits with --format json,xlsx" in refused.stderr
    assert "scorecard.xlsx lays out" not in refused.stderr


def test_evaluate_writes_the_formats_that_fit(tmp_path, small_limits):
    out = tmp_path / "out"
    done = run("evaluate", *KR, "--out", out, "--format", "json")
    assert done.exit_code == 0 and (out / "results.json").is_file() and not (out / "report.pdf").exists()


def test_report_and_scorecard_refuse_a_results_json_with_too_many_bids(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert run("evaluate", *KR, "--out", out, "--format", "json").exit_code == 0
    monkeypatch.setitem(output.MOST_BIDS, "pdf", 3)
    monkeypatch.setitem(output.MOST_BIDS, "xlsx", 4)
    for command, name in (("report", "report.pdf"), ("scorecard", "scorecard.xlsx")):
        refused = run(command, out / "results.json")
        assert refused.exit_code == 1 and not (out / name).exists()
        assert f"{out / 'results.json'}: 5 bids are more than {name} lays out" in refused.stderr


def test_outputs_get_the_permissions_of_any_new_file(tmp_path):
    """Written under a temporary name and renamed, but readable by the others sharing the folder as any
    file the user makes is (0666 less the umask): tempfile's owner-only 0600 hid reports from the staff."""
    import os
    import stat

    previous = os.umask(0o022)
    try:
        output.write_atomic(tmp_path / "report.pdf", b"%PDF")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "report.pdf").stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]  # no temporary file left


def test_a_failed_write_leaves_neither_the_target_nor_a_temporary_file(tmp_path, monkeypatch):
    def broken(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(output.os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        output.write_atomic(tmp_path / "report.pdf", b"%PDF")
    assert list(tmp_path.iterdir()) == []
