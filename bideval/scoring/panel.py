"""Evaluator panel aggregation: trimmed mean with conflicts left out.

Korean practice (brief §2): drop one highest and one lowest score — only one of each
even when several evaluators share the top or bottom score — and average the rest.
Which of several tied evaluators is marked as dropped does not change the mean; we
mark the one with the smallest evaluator id so the record never depends on file order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bideval.decimals import EXACT, plain, round_ratio
from bideval.model.rubric import Panel
from bideval.result import PanelScore


@dataclass(frozen=True)
class PanelOutcome:
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
    by_id = sorted(scores)
    # Stable sorts of the id order: among tied scores the smallest id comes first both ways.
    ranked_low = sorted(by_id, key=scores.__getitem__)
    status = dict.fromkeys(by_id, "kept")
    trimmed = len(scores) >= rule.when_at_least and len(scores) > rule.drop_highest + rule.drop_lowest
    if trimmed:
        for evaluator in sorted(by_id, key=scores.__getitem__, reverse=True)[: rule.drop_highest]:
            status[evaluator] = "dropped_high"
        for evaluator in [e for e in ranked_low if status[e] == "kept"][: rule.drop_lowest]:
            status[evaluator] = "dropped_low"
    kept = [scores[e] for e in by_id if status[e] == "kept"]
    numerator, denominator = _exact_sum(kept).as_integer_ratio()
    entries = [PanelScore(e, _plain(scores[e]), status[e]) for e in by_id]  # type: ignore[arg-type]
    entries += [PanelScore(e, None, "conflict") for e in conflicted]
    return PanelOutcome(
        entries=tuple(sorted(entries)) if conflicted else tuple(entries),
        trimmed=trimmed,
        mean=round_ratio(numerator, denominator * len(kept), places, mode),  # exact at any length
        spread=EXACT.subtract(scores[ranked_low[-1]], scores[ranked_low[0]]),
    )


def _exact_sum(values: list[Decimal]) -> Decimal:
    total = Decimal(0)
    for value in values:
        total = EXACT.add(total, value)
    return total


_PLAIN: dict[Decimal, Decimal] = {}


def _plain(score: Decimal) -> Decimal:
    """27.0 and 27 are the same score: record it one way, whatever the file's spelling.
    Memoised by value — panels repeat the same few scores a million times."""
    found = _PLAIN.get(score)
    if found is None:
        if len(_PLAIN) > 100_000:  # bounded, whatever a long-running process scores
            _PLAIN.clear()
        found = _PLAIN[score] = plain(score)
    return found
