"""Decision analysis on constructed cases whose answers are worked out by hand (issue 6)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bideval.analysis import montecarlo, panel, reversal, sensitivity
from bideval.analysis.run import analyze
from bideval.analysis.whatif import parse
from bideval.engine.pipeline import evaluate
from bideval.errors import InputError
from bideval.load.inputs import load_inputs
from tests.conftest import KR, NIPA, run
from tests.engine.test_pipeline import _rubric, _write


def _two_bids(tmp_path):
    """quality 60 (panel, raw points) + price 40 (ratio_to_best, lower).

    a: quality 60 → share 1;   price 100 → 40 × 75/100 = 30 (share 3/4); total 90.
    b: quality 30 → share 1/2; price 75 (best) → 40 (share 1);          total 70.
    """
    return load_inputs(*_write(tmp_path, _rubric(), {"a": 100, "b": 75}, {"e1": {"a": 60, "b": 30}}))


def test_flip_point_worked_on_paper(tmp_path):
    """Move δ points into price (40 → 40 + δ), out of quality (60 → 60 − δ), pro rata:

    T_a(δ) = (60 − δ)·1 + (40 + δ)·3/4 = 90 − δ/4
    T_b(δ) = (60 − δ)·1/2 + (40 + δ)·1 = 70 + δ/2
    Equal at 90 − δ/4 = 70 + δ/2  ⇒  δ = 80/3 ≈ 26.67 points (2/3 of price's 40).
    For quality it is the same shift seen from the other side: δ = −80/3 (−4/9 of its 60).
    """
    flips = {f.criterion: f for f in sensitivity.flip_points(evaluate(_two_bids(tmp_path)))}
    assert flips["price"].delta == Fraction(80, 3) and flips["price"].share == Fraction(2, 3)
    assert flips["price"].first_after == ("b",) and flips["price"].selected_after == ("b",)
    assert flips["quality"].delta == Fraction(-80, 3) and flips["quality"].share == Fraction(-4, 9)


def test_sweeps_keep_the_order_within_twenty_percent(tmp_path):
    """±20 % of price's 40 points is ±8, well short of the 26.67 flip point: a stays first."""
    rows = sensitivity.sweeps(evaluate(_two_bids(tmp_path)))
    assert {(r.criterion, r.change) for r in rows} == {(c, x) for c in ("quality", "price") for x in sensitivity.SWEEP}
    assert all(r.ranking == ("a", "b") for r in rows)


def test_tie_today_flips_at_zero_in_the_direction_that_breaks_it():
    """KR sample: Alpha and Beta tie at 90 and the technical tie-break picks Alpha (72 > 70).

    Any point moved out of technical (into price, where Beta is best) makes Beta first.
    """
    flips = {f.criterion: f for f in sensitivity.flip_points(evaluate(load_inputs(*KR)))}
    assert (flips["technical"].delta, flips["technical"].direction) == (0, -1)
    assert flips["technical"].first_after == ("beta-systems",)


def test_rank_reversal_when_the_cheapest_bid_leaves(tmp_path):
    """Relative price scores move with the lowest price (brief §2 pitfall).

    With c (price 50, the lowest): a = 50 + 40×50/100 = 70; b = 55 + 40×50/120 = 71.6667 → b ahead.
    Without c (lowest now 100):   a = 50 + 40 = 90;        b = 55 + 40×100/120 = 88.3333 → a ahead.
    """
    inputs = load_inputs(*_write(tmp_path, _rubric(), {"a": 100, "b": 120, "c": 50},
                                 {"e1": {"a": 50, "b": 55, "c": 0}}))  # fmt: skip
    rows = {r.change: r for r in reversal.reversals(inputs)}
    assert rows["without c"].before == ("b", "a") and rows["without c"].after == ("a", "b")
    assert rows["without c"].reversed
    assert not rows["without a"].reversed and not rows["without b"].reversed
    clone = next(r for r in rows.values() if "clone" in r.change)
    assert not clone.reversed  # a worse copy of the last bid does not move the best price


def test_kendall_w_textbook_value():
    """Three raters rank four bids 1-2-3-4, 1-2-3-4, 4-3-2-1: rank sums 6, 7, 8, 9, mean 7.5,
    S = 2.25 + 0.25 + 0.25 + 2.25 = 5, W = 12·5 / (3²·(4³ − 4)) = 60/540 = 1/9."""
    assert panel.kendall_w([[1, 2, 3, 4], [1, 2, 3, 4], [4, 3, 2, 1]]) == pytest.approx(1 / 9)
    assert panel.kendall_w([[1, 2, 3], [1, 2, 3]]) == pytest.approx(1.0)
    assert panel.kendall_w([[1, 2, 3]]) is None


def test_panel_flags_on_the_gpu_sample():
    """ev-07 scored Hanbit about 50 points below the others on two items: flagged, and lenient overall."""
    result = evaluate(load_inputs(*NIPA))
    flagged = {(o.evaluator, o.bidder, o.criterion) for o in panel.outliers(result)}
    assert {("ev-07", "hanbit-cloud", "build-quality"), ("ev-07", "hanbit-cloud", "ecosystem-plan")} <= flagged
    harshest = min(panel.leniency(result), key=lambda row: row.mean_deviation)
    assert harshest.evaluator == "ev-07" and harshest.mean_deviation < -3


def test_monte_carlo_is_reproducible_and_concentrates(tmp_path):
    result = evaluate(_two_bids(tmp_path))
    # A loose concentration (alpha 2) lets price sometimes outweigh quality: b wins some samples.
    first = montecarlo.stability(result, samples=300, alpha=2, seed=7)
    assert first == montecarlo.stability(result, samples=300, alpha=2, seed=7)
    assert 0 < first[1].first < 1
    assert first != montecarlo.stability(result, samples=300, alpha=2, seed=8)
    tight = {row.bidder: row for row in montecarlo.stability(result, samples=300, alpha=1e6, seed=1)}
    assert tight["a"].first == 1.0 and tight["b"].first == 0.0  # weights pinned near 60/40: a wins


def test_what_if_overrides_change_the_result_not_the_files(tmp_path):
    """b at price 75 → 40 points; a cut to 70 becomes the lowest: a = 60 + 40 = 100, b = 30 + 40×70/75."""
    rubric, bids = _write(tmp_path, _rubric(), {"a": 100, "b": 75}, {"e1": {"a": 60, "b": 30}})
    before = (bids / "a.json").read_bytes()
    analysis = analyze(load_inputs(rubric, bids), samples=10, overrides=(parse("set", "a.price=70"),))
    assert str(analysis.result.bid("a").total) == "100.0000"
    assert str(analysis.result.bid("b").total) == "67.3333"  # 30 + 37.3333
    assert str(analysis.baseline.bid("a").total) == "90.0000"
    assert (bids / "a.json").read_bytes() == before
    points = analyze(load_inputs(rubric, bids), samples=10, overrides=(parse("points", "price=60"),))
    assert points.result.rubric.total_points == 120


@pytest.mark.parametrize("override", ["set:nobody.price=1", "set:a.price=-5", "points:quality", "points:ghost=3"])
def test_bad_overrides_are_reported(tmp_path, override):
    kind, text = override.split(":")
    rubric, bids = _write(tmp_path, _rubric(), {"a": 100, "b": 75}, {"e1": {"a": 60, "b": 30}})
    with pytest.raises(InputError):
        analyze(load_inputs(rubric, bids), samples=10, overrides=(parse(kind, text),))


def test_analyze_command_on_the_gpu_sample():
    done = run("analyze", *NIPA, "--samples", "200", "--lang", "en", "--set", "gaon-ai.price=200000000")
    assert done.exit_code == 0, done.output
    for heading in ("What-if", "Weight sensitivity", "Monte Carlo", "Rank reversal", "Panel consistency"):
        assert heading in done.stdout
    bad = run("analyze", *NIPA, "--points", "nothing=1")
    assert bad.exit_code == 1 and "Traceback" not in bad.output


def test_a_programme_too_large_to_analyse_is_refused_before_the_work(tmp_path, monkeypatch):
    """The flip-point search grows with the cube of the bids (50 bids took 47 s, 100 bids 161 s),
    so past `MOST_BIDS` the analysis is refused at once, naming the bids folder: here with room
    for 3, the NIPA sample's 4 bids, by `analyze` and by `evaluate --analysis` (nothing written)."""
    from bideval.analysis import run as analysis_run

    monkeypatch.setattr(analysis_run, "MOST_BIDS", 3)
    refused = run("analyze", *NIPA)
    assert refused.exit_code == 1
    assert f"{NIPA[1]}: 4 bids are more than the decision analysis takes (at most 3)" in refused.stderr
    out = tmp_path / "out"
    refused = run("evaluate", *NIPA, "--out", out, "--analysis", "--format", "json")
    assert refused.exit_code == 1 and "decision analysis takes" in refused.stderr and not out.exists()
    monkeypatch.setattr(analysis_run, "MOST_BIDS", 4)
    assert run("analyze", *NIPA, "--samples", "50").exit_code == 0
