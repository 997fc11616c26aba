"""Bounded analysis settings and the progress bar of `bideval analyze` (issue 18 §8)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from bideval.analysis.limits import MOST_ALPHA, MOST_SAMPLES
from bideval.analysis.run import FLIP_POINTS, SAMPLING, analyze
from bideval.audit.archive import _Analysis
from bideval.cli.analyze import ProgressBar
from bideval.load.inputs import load_inputs
from tests.conftest import KR, NIPA, run

TOO_MUCH = [("--samples", "0"), ("--samples", str(MOST_SAMPLES + 1)), ("--samples", "1000000000"),
            ("--alpha", "0.001"), ("--alpha", "1e7")]  # fmt: skip


@pytest.mark.parametrize("option, value", TOO_MUCH)
def test_out_of_range_settings_are_usage_errors_before_any_work(option, value):
    refused = run("analyze", *NIPA, option, value)
    assert refused.exit_code == 2
    assert f"Invalid value for '{option}'" in refused.stderr and "Traceback" not in refused.output


def test_the_cli_and_run_json_share_one_bound():
    """An archive's run.json takes exactly what `analyze` takes, no more."""
    assert _Analysis(seed=0, samples=MOST_SAMPLES, alpha=MOST_ALPHA).samples == MOST_SAMPLES
    with pytest.raises(ValueError):
        _Analysis(seed=0, samples=MOST_SAMPLES + 1, alpha=1.0)


@pytest.mark.parametrize("jobs", ["-1", "65"])
def test_regenerate_jobs_out_of_range_is_a_usage_error(jobs, tmp_path):
    refused = run("regenerate", tmp_path / "a.zip", "-o", tmp_path / "out", "--jobs", jobs)
    assert refused.exit_code == 2 and "Invalid value for '--jobs'" in refused.stderr
    assert not (tmp_path / "out").exists()


def test_progress_reports_both_long_steps_and_changes_no_number():
    inputs = load_inputs(*NIPA)
    seen: dict[str, list[tuple[int, int]]] = {}
    watched = analyze(inputs, samples=50, seed=4, progress=lambda step, done, total: seen.setdefault(step, []).append(
        (done, total)))  # fmt: skip
    assert watched == analyze(inputs, samples=50, seed=4)
    assert seen[SAMPLING] == [(n, 50) for n in range(1, 51)]
    nodes = len(watched.lots[0].flips)
    assert seen[FLIP_POINTS] == [(n, nodes) for n in range(nodes + 1)]


def test_progress_bar_shows_only_on_a_terminal_after_the_delay_and_is_transient(monkeypatch):
    def bar(terminal: bool) -> tuple[ProgressBar, io.StringIO]:
        out = io.StringIO()
        return ProgressBar(Console(file=out, force_terminal=terminal, width=80)), out

    quiet, out = bar(terminal=False)
    quiet.started -= 10  # long past the delay: still nothing, stderr is not a terminal
    with quiet:
        quiet(SAMPLING, 1, 2)
    assert quiet.bar is None and out.getvalue() == ""
    quick, out = bar(terminal=True)
    with quick:
        quick(SAMPLING, 1, 2)  # within the first second: nothing
    assert quick.bar is None and out.getvalue() == ""
    slow, out = bar(terminal=True)
    slow.started -= 10
    with slow:
        slow(SAMPLING, 1, 2)
        slow(SAMPLING, 2, 2)
        assert slow.bar is not None and slow.bar.tasks[0].completed == 2
    assert SAMPLING in out.getvalue()  # drawn, then erased (transient): the last write clears the line
    assert slow.bar.live.transient


def test_analyze_prints_nothing_on_stderr_when_not_a_terminal():
    done = run("analyze", *KR, "--samples", "100", "--lang", "en")
    assert done.exit_code == 0, done.output
    assert done.stderr == "" and "Monte Carlo stability: 100 weight samples" in done.stdout
