"""Evaluator panel aggregation: trimmed mean with conflicts left out.

Korean practice (brief §2): drop one highest and one lowest score — only one of each
even when several evaluators share the top or bottom score — and average the rest.
Which of several tied evaluators is marked as dropped does not change the mean; we
mark the one with the smallest evaluator id so the record never depends on file order.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from bideval.decimals import exact_operators, operators_are_exact, plain, round_ratio
from bideval.model.rubric import Panel
from bideval.memory import Pool
from bideval.result import PanelScore


class PanelOutcome(NamedTuple):  # a tuple: one is made per bid and judged criterion
    entries: tuple[PanelScore, ...]  # sorted by evaluator id; scores written plainly (27.0 → 27)
    trimmed: bool
    mean: Decimal  # rounded per rubric
    spread: Decimal  # highest - lowest of the scores given (before trimming)


class Seating(NamedTuple):
    """Who scores a bid. Bids with the same conflicts share one, made once."""

    ids: list[str]  # the evaluators without a conflict, sorted
    conflicted: list[str]
    kept: list[Pool]  # each of `ids`' shared "kept" entries, by score


def seating(ids: list[str], conflicted: list[str]) -> Seating:
    return Seating(ids, conflicted, [_KEPT[e] for e in ids])


def aggregate(
    scores: dict[str, Decimal], conflicted: list[str], rule: Panel, places: int, mode: str
) -> PanelOutcome:
    """Trimmed mean of `scores` (evaluator id → score); `conflicted` evaluators take no part."""
    ids = sorted(scores)
    with exact_operators():
        return aggregate_seated(seating(ids, conflicted), [scores[e] for e in ids], rule, places, mode)


def aggregate_seated(seats: Seating, values: list[Decimal], rule: Panel, places: int, mode: str) -> PanelOutcome:
    """`aggregate` of `values`, the scores of `seats.ids` in that order, inside `exact_operators()`:
    the scoring loop seats a bid's panel once for all of its criteria."""
    if not values:
        raise ValueError("a panel needs at least one score")
    if not operators_are_exact():  # a sum rounded to 28 digits would go unnoticed
        raise RuntimeError("aggregate_seated needs exact_operators()")
    top, bottom = max(reversed(values)), min(values)  # the last of equal highest, the first of equal lowest
    total = sum(values)
    count = len(values)
    entries = list(map(Pool.__getitem__, seats.kept, values))  # all kept; the dropped are changed below
    trimmed = count >= rule.when_at_least and count > rule.drop_highest + rule.drop_lowest
    if trimmed:
        for i, status in _dropped(values, rule.drop_highest, rule.drop_lowest, top, bottom):
            total -= values[i]
            entries[i] = _ENTRIES[seats.ids[i], values[i], status]
            count -= 1
    if seats.conflicted:
        entries = sorted(entries + [_ENTRIES[e, None, "conflict"] for e in seats.conflicted])
    numerator, denominator = total.as_integer_ratio()
    return PanelOutcome(
        entries=tuple(entries),
        trimmed=trimmed,
        mean=round_ratio(numerator, denominator * count, places, mode),  # exact at any length
        spread=top - bottom,  # spelled as the scores are (90.0 - 70 is 20.0)
    )


def _dropped(values: list[Decimal], high: int, low: int, top: Decimal, bottom: Decimal) -> list[tuple[int, str]]:
    """(position, status) of the scores trimmed: the `high` highest, then the `low` lowest of
    the rest; among equal scores the earliest position (the smallest evaluator id) goes first."""
    if high <= 1 and low <= 1:  # the usual rule, without sorting
        first_top = values.index(top)
        dropped = [(first_top, "dropped_high")] if high else []
        if low:
            first_bottom = values.index(bottom)
            if high and first_bottom == first_top:  # every score is the same
                first_bottom = values.index(bottom, first_top + 1)
            dropped.append((first_bottom, "dropped_low"))
        return dropped
    # Stable sorts of positions: among tied scores the smallest id comes first both ways.
    highest = sorted(range(len(values)), key=values.__getitem__, reverse=True)[:high]
    lowest = [i for i in sorted(range(len(values)), key=values.__getitem__) if i not in highest][:low]
    return [(i, "dropped_high") for i in highest] + [(i, "dropped_low") for i in lowest]


def _entry(fields: tuple) -> PanelScore:
    """27.0 and 27 are the same score: record it one way, whatever the file's spelling."""
    evaluator, score, status = fields
    if score is not None:
        score = plain(score).copy_abs() if not score else plain(score)  # -0 is recorded as 0
    return tuple.__new__(PanelScore, (evaluator, score, status))


# Panels repeat the same few (evaluator, score, status) entries a million times: share them.
# Keys that differ only in a score's spelling (27 and 27.0) are equal, and share one plain entry.
_ENTRIES = Pool(_entry)
# evaluator -> (score -> entry): a bid's panel looks its "kept" entries up in one pass
_KEPT = Pool(lambda evaluator: Pool(lambda score: _ENTRIES[evaluator, score, "kept"], limit=10_000), limit=10_000)
