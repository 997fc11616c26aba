"""Evaluator panel aggregation: trimmed mean with conflicts left out.

Korean practice (brief §2): drop one highest and one lowest score — only one of each
even when several evaluators share the top or bottom score — and average the rest.
Which of several tied evaluators is marked as dropped does not change the mean; we
mark the one with the smallest evaluator id so the record never depends on file order.
"""

from __future__ import annotations

from decimal import Decimal
from functools import reduce
from typing import NamedTuple

from bideval.decimals import EXACT, plain, round_ratio
from bideval.model.rubric import Panel
from bideval.memory import Pool
from bideval.result import PanelScore


class PanelOutcome(NamedTuple):  # a tuple: one is made per bid and judged criterion
    entries: tuple[PanelScore, ...]  # sorted by evaluator id; scores written plainly (27.0 → 27)
    trimmed: bool
    mean: Decimal  # rounded per rubric
    spread: Decimal  # highest - lowest of the scores given (before trimming)


def aggregate(
    scores: dict[str, Decimal], conflicted: list[str], rule: Panel, places: int, mode: str
) -> PanelOutcome:
    """Trimmed mean of `scores` (evaluator id → score); `conflicted` evaluators take no part."""
    if not scores:
        raise ValueError("a panel needs at least one score")
    ids = sorted(scores)
    values = [scores[e] for e in ids]
    count = len(values)
    status = ["kept"] * count
    trimmed = count >= rule.when_at_least and count > rule.drop_highest + rule.drop_lowest
    # Stable sorts of positions in id order: among tied scores the smallest id comes first both ways.
    low_first = sorted(range(count), key=values.__getitem__)
    if trimmed:
        for i in sorted(range(count), key=values.__getitem__, reverse=True)[: rule.drop_highest]:
            status[i] = "dropped_high"
        for i in [i for i in low_first if status[i] == "kept"][: rule.drop_lowest]:
            status[i] = "dropped_low"
    kept = [v for v, s in zip(values, status, strict=True) if s == "kept"]
    numerator, denominator = _exact_sum(kept).as_integer_ratio()
    entries = [_ENTRIES[entry] for entry in zip(ids, values, status, strict=True)]
    entries += [_ENTRIES[e, None, "conflict"] for e in conflicted]
    return PanelOutcome(
        entries=tuple(sorted(entries)) if conflicted else tuple(entries),
        trimmed=trimmed,
        mean=round_ratio(numerator, denominator * len(kept), places, mode),  # exact at any length
        spread=EXACT.subtract(values[low_first[-1]], values[low_first[0]]),
    )


def _exact_sum(values: list[Decimal]) -> Decimal:
    return reduce(EXACT.add, values, Decimal(0))


def _entry(fields: tuple) -> PanelScore:
    """27.0 and 27 are the same score: record it one way, whatever the file's spelling."""
    evaluator, score, status = fields
    if score is not None:
        score = plain(score).copy_abs() if not score else plain(score)  # -0 is recorded as 0
    return tuple.__new__(PanelScore, (evaluator, score, status))


# Panels repeat the same few (evaluator, score, status) entries a million times: share them.
# Keys that differ only in a score's spelling (27 and 27.0) are equal, and share one plain entry.
_ENTRIES = Pool(_entry)
