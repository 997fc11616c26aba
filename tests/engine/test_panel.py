"""Evaluator panel aggregation (bideval.engine.panel.aggregate), hand-worked.

Rule (brief §2, Korean negotiated contracts): "drop one highest and one lowest score (only one
of each even when tied), average the rest"; evaluators with a conflict of interest are excluded
(제척·기피·회피). DESIGN §2.1 `panel`: drop_highest 1, drop_lowest 1, when_at_least 5; every
panel mean is rounded to the rubric's places (default 4, half-up).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bideval.engine.panel import aggregate, extremes
from bideval.model.rubric import Panel

DEFAULT = Panel()


def d(scores: dict[str, int | str]) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in scores.items()}


def statuses(outcome) -> dict[str, str]:
    return {e.evaluator: e.status for e in outcome.entries}


def test_seven_scores_drop_one_of_the_tied_highest_and_the_lowest():
    """brief §2: 7 scores [80, 85, 85, 90, 90, 90, 70] → drop one 90 (not all three) and the 70
    → (80 + 85 + 85 + 90 + 90) / 5 = 430 / 5 = 86.
    Spread (before trimming) = 90 − 70 = 20."""
    scores = d({"e1": 80, "e2": 85, "e3": 85, "e4": 90, "e5": 90, "e6": 90, "e7": 70})
    out = aggregate(scores, [], DEFAULT, 4, "half_up")
    assert out.trimmed is True
    assert out.mean == Decimal(86)
    assert str(out.mean) == "86.0000"
    assert out.spread == Decimal(20)
    st = statuses(out)
    assert list(st.values()).count("dropped_high") == 1
    assert list(st.values()).count("dropped_low") == 1
    # Among the three tied 90s, the one marked dropped is the smallest id (e4) — panel.py docstring.
    assert st == {"e1": "kept", "e2": "kept", "e3": "kept", "e4": "dropped_high", "e5": "kept", "e6": "kept",
                  "e7": "dropped_low"}  # fmt: skip


def test_ties_at_both_ends_drop_only_one_of_each():
    """brief §2 "only one of each even when tied": [70, 70, 80, 90, 90] → drop one 90 and one 70
    → (70 + 80 + 90) / 3 = 240 / 3 = 80. Marked: smallest ids among the ties (a for 70, d for 90)."""
    scores = d({"a": 70, "b": 70, "c": 80, "d": 90, "e": 90})
    out = aggregate(scores, [], DEFAULT, 4, "half_up")
    assert out.mean == Decimal(80)
    assert statuses(out) == {"a": "dropped_low", "b": "kept", "c": "kept", "d": "dropped_high", "e": "kept"}


def test_all_scores_equal():
    """Five scores of 80: one is dropped as highest and another as lowest; mean (80 × 3)/3 = 80.
    The highest is the smallest id (e1); the lowest is the smallest id among the rest (e2)."""
    scores = d({f"e{i}": 80 for i in range(1, 6)})
    out = aggregate(scores, [], DEFAULT, 4, "half_up")
    assert out.mean == Decimal(80)
    assert out.spread == 0
    st = statuses(out)
    assert st["e1"] == "dropped_high" and st["e2"] == "dropped_low"
    assert [st[f"e{i}"] for i in (3, 4, 5)] == ["kept"] * 3


def test_no_trimming_below_when_at_least():
    """DESIGN §2.1 panel.when_at_least (default 5): with 4 evaluators nothing is dropped.
    [60, 70, 80, 100] → (60 + 70 + 80 + 100) / 4 = 310 / 4 = 77.5."""
    scores = d({"a": 60, "b": 70, "c": 80, "d": 100})
    out = aggregate(scores, [], DEFAULT, 4, "half_up")
    assert out.trimmed is False
    assert out.mean == Decimal("77.5")
    assert set(statuses(out).values()) == {"kept"}


def test_trimming_starts_exactly_at_when_at_least():
    """5 evaluators = when_at_least 5 → trimmed: [60, 70, 80, 90, 100] → (70 + 80 + 90)/3 = 80.
    (Untrimmed it would be 400/5 = 80 too, so also check the statuses.)"""
    scores = d({"a": 60, "b": 70, "c": 80, "d": 90, "e": 100})
    out = aggregate(scores, [], DEFAULT, 4, "half_up")
    assert out.trimmed is True
    assert out.mean == Decimal(80)
    assert statuses(out)["a"] == "dropped_low" and statuses(out)["e"] == "dropped_high"


def test_custom_when_at_least():
    """when_at_least 3: [50, 60, 100] → drop 100 and 50 → mean 60."""
    out = aggregate(d({"a": 50, "b": 60, "c": 100}), [], Panel(when_at_least=3), 4, "half_up")
    assert out.trimmed is True
    assert out.mean == Decimal(60)


def test_conflicted_evaluators_are_listed_and_excluded():
    """brief §2 (제척·기피·회피): a conflicted evaluator gives no score for that bidder.
    Panel of 6, e3 conflicted: the 5 scores [60, 70, 80, 90, 100] are trimmed (5 ≥ 5)
    → (70 + 80 + 90) / 3 = 80; e3 appears with status 'conflict' and no score; the spread
    is over the given scores only: 100 − 60 = 40."""
    scores = d({"e1": 60, "e2": 70, "e4": 80, "e5": 90, "e6": 100})
    out = aggregate(scores, ["e3"], DEFAULT, 4, "half_up")
    assert out.mean == Decimal(80)
    assert out.spread == Decimal(40)
    conflict = [e for e in out.entries if e.evaluator == "e3"]
    assert len(conflict) == 1 and conflict[0].status == "conflict" and conflict[0].score is None
    assert [e.evaluator for e in out.entries] == ["e1", "e2", "e3", "e4", "e5", "e6"]  # sorted by id


def test_conflict_can_bring_the_panel_below_when_at_least():
    """Panel of 5 with e5 conflicted → 4 scores [60, 70, 80, 100] < 5 → not trimmed;
    mean 310 / 4 = 77.5 (the conflicted evaluator does not count towards when_at_least)."""
    scores = d({"e1": 60, "e2": 70, "e3": 80, "e4": 100})
    out = aggregate(scores, ["e5"], DEFAULT, 4, "half_up")
    assert out.trimmed is False
    assert out.mean == Decimal("77.5")


def test_result_does_not_depend_on_insertion_order():
    """panel.py: "the record never depends on file order". Same scores as the 7-score example,
    given in reverse: same mean 86, same statuses (e4 dropped_high, e7 dropped_low), same entries."""
    forward = d({"e1": 80, "e2": 85, "e3": 85, "e4": 90, "e5": 90, "e6": 90, "e7": 70})
    backward = dict(reversed(list(forward.items())))
    assert list(backward) != list(forward)
    a = aggregate(forward, ["e9", "e8"], DEFAULT, 4, "half_up")
    b = aggregate(backward, ["e8", "e9"], DEFAULT, 4, "half_up")
    assert a == b
    assert statuses(b)["e4"] == "dropped_high" and statuses(b)["e7"] == "dropped_low"


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("half_up", "85.3333"), ("half_even", "85.3333"), ("down", "85.3333")],
)
def test_mean_rounded_256_over_3(mode, expected):
    """DESIGN §2.1 rounding applies to every panel mean. [80, 85, 85, 86, 90] → drop 90 and 80
    → (85 + 85 + 86) / 3 = 256 / 3 = 85.3333|33… → 85.3333 in every mode (next digit 3)."""
    out = aggregate(d({"a": 80, "b": 85, "c": 85, "d": 86, "e": 90}), [], DEFAULT, 4, mode)
    assert str(out.mean) == expected


@pytest.mark.parametrize(("mode", "expected"), [("half_up", "85.6667"), ("down", "85.6666")])
def test_mean_rounded_257_over_3(mode, expected):
    """[80, 85, 86, 86, 90] → drop 90 and 80 → (85 + 86 + 86) / 3 = 257 / 3 = 85.6666|66…
    → half-up 85.6667, down 85.6666."""
    out = aggregate(d({"a": 80, "b": 85, "c": 86, "d": 86, "e": 90}), [], DEFAULT, 4, mode)
    assert str(out.mean) == expected


def test_decimal_scores_mean():
    """Scores with decimals: [72.5, 80, 81.5, 90, 95.25] → drop 95.25 and 72.5
    → (80 + 81.5 + 90) / 3 = 251.5 / 3 = 83.8333|33… → 83.8333; spread 95.25 − 72.5 = 22.75."""
    out = aggregate(d({"a": "72.5", "b": "80", "c": "81.5", "d": "90", "e": "95.25"}), [], DEFAULT, 4, "half_up")
    assert out.mean == Decimal("83.8333")
    assert out.spread == Decimal("22.75")


def test_half_at_the_fifth_decimal():
    """A mean whose 5th decimal is exactly 5: 4 evaluators (no trimming) [85.0002, 85, 85, 85]
    → 340.0002 / 4 = 85.00005 → half-up 85.0001, half-even 85.0000 (0 is even), down 85.0000."""
    scores = d({"a": "85.0002", "b": "85", "c": "85", "d": "85"})
    assert str(aggregate(scores, [], DEFAULT, 4, "half_up").mean) == "85.0001"
    assert str(aggregate(scores, [], DEFAULT, 4, "half_even").mean) == "85.0000"
    assert str(aggregate(scores, [], DEFAULT, 4, "down").mean) == "85.0000"


def test_never_drops_every_score():
    """when_at_least 1 but only 2 scores: dropping one high and one low would leave nothing,
    so nothing is dropped: [60, 80] → 140 / 2 = 70."""
    out = aggregate(d({"a": 60, "b": 80}), [], Panel(when_at_least=1), 4, "half_up")
    assert out.trimmed is False
    assert out.mean == Decimal(70)


def test_no_scores_is_an_error():
    with pytest.raises(ValueError):
        aggregate({}, ["e1"], DEFAULT, 4, "half_up")


def test_scores_are_recorded_plainly_whatever_their_spelling_or_order_of_arrival():
    """27.0 and 27 are one score (recorded 27); -0.0 is recorded as 0, whichever spelling a panel meets."""
    first = aggregate(d({"a": "27.0", "b": "-0.0", "c": "50"}), [], DEFAULT, 4, "half_up")
    second = aggregate(d({"a": "27", "b": "0", "c": "50.00"}), [], DEFAULT, 4, "half_up")
    for out in (first, second):
        assert [str(e.score) for e in out.entries] == ["27", "0", "50"]
    assert first.entries == second.entries
    assert str(first.spread) == "50.0" and str(second.spread) == "50.00"  # as given: raw high − raw low


def test_thirty_digit_scores_are_summed_exactly():
    """Five scores of 31 significant digits, x = 80 + 10⁻²⁹ and y = 80 + 2·10⁻²⁹, given as
    a: x, b: x, c: y, d: y, e: y. The first highest (c) and the first lowest (a) are dropped; the
    mean of b, d, e is (x + 2y) ÷ 3 = 80 + (5/3)·10⁻²⁹ → 80.0000 at 4 places. The spread is
    y − x = 10⁻²⁹, and the record keeps every digit of every score."""
    x, y = "80.00000000000000000000000000001", "80.00000000000000000000000000002"
    out = aggregate(d({"a": x, "b": x, "c": y, "d": y, "e": y}), [], DEFAULT, 4, "half_up")
    assert str(out.mean) == "80.0000"
    assert [str(e.score) for e in out.entries] == [x, x, y, y, y]
    assert statuses(out) == {"a": "dropped_low", "b": "kept", "c": "dropped_high", "d": "kept", "e": "kept"}
    assert str(out.spread) == "1E-29"


def test_a_wider_rule_drops_two_highest_and_one_lowest():
    """drop_highest 2, drop_lowest 1 on [72.5, 95.25, 81.5, 90, 80] by a–e: the two highest are
    b (95.25) and d (90), the lowest a (72.5) → (81.5 + 80) ÷ 2 = 80.75. Spread 95.25 − 72.5 = 22.75."""
    out = aggregate(d({"a": "72.5", "b": "95.25", "c": "81.5", "d": "90", "e": "80"}), ["f"],
                    Panel(drop_highest=2, drop_lowest=1), 4, "half_up")  # fmt: skip
    assert str(out.mean) == "80.7500" and str(out.spread) == "22.75"
    assert statuses(out) == {"a": "dropped_low", "b": "dropped_high", "c": "kept", "d": "dropped_high",
                             "e": "kept", "f": "conflict"}  # fmt: skip


def test_the_usual_rule_hand_worked_with_a_conflict():
    """[70, 90, 80, 85, 60] by a–e, f in conflict: drop b (90) and e (60) → (70 + 80 + 85) ÷ 3
    = 78.3333…; spread 90 − 60 = 30; f is listed without a score."""
    out = aggregate(d({"a": 70, "b": 90, "c": 80, "d": 85, "e": 60}), ["f"], DEFAULT, 4, "half_up")
    assert (str(out.mean), out.spread) == ("78.3333", 30)
    assert out.entries[-1].evaluator == "f" and out.entries[-1].score is None


def test_extremes_name_the_last_of_equal_highest_and_the_first_of_equal_lowest():
    """[70, 90, 60, 90, 60] by a–e, f in conflict: the highest is 90 (b and d → d, the last by
    id) and the lowest 60 (c and e → c, the first); the
    spread of 30 is taken between those two."""
    out = aggregate(d({"a": 70, "b": 90, "c": 60, "d": 90, "e": 60}), ["f"], DEFAULT, 4, "half_up")
    assert extremes(out.entries) == ("d", "c")
    assert out.spread == 30


def test_a_panel_outcome_pickles_and_copies():
    """A Result must survive pickling (e.g. to another process) and deep copies."""
    import copy
    import pickle

    out = aggregate(d({"a": 1, "b": 2, "c": 3}), ["z"], Panel(when_at_least=3), 4, "half_up")
    for again in (pickle.loads(pickle.dumps(out)), copy.deepcopy(out)):
        assert again == out


def test_a_moderated_panel_scores_what_it_agreed_and_records_the_rest():
    """Issue 22 (UK-style moderation): the panel agrees 82.5 where its members gave 70, 80 and 95 (the
    trimmed mean would be 80 with three scores, nothing dropped). The item's mean is the agreed 82.5,
    rounded as a mean is (4 places); every member's own score is recorded, none kept or dropped;
    the spread is still 95 − 70 = 25; a conflicted member stays a conflict."""
    from bideval.engine.panel import moderate

    outcome = moderate(d({"a": 70, "b": 80, "c": 95}), ["z"], Decimal("82.5"), 4, "half_up")
    assert outcome.mean == Decimal("82.5000") and not outcome.trimmed
    assert outcome.spread == 25
    assert statuses(outcome) == {"a": "recorded", "b": "recorded", "c": "recorded", "z": "conflict"}
    assert [e.score for e in outcome.entries] == [Decimal(70), Decimal(80), Decimal(95), None]
