"""Evaluator panel aggregation: trimmed mean with conflicts left out.

Korean practice (brief §2): drop one highest and one lowest score — only one of each
even when several evaluators share the top or bottom score — and average the rest.
Which of several tied evaluators is marked as dropped does not change the mean; we
mark the one with the smallest evaluator id so the record never depends on file order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from bideval.decimals import round_to
from bideval.model.rubric import Panel

Status = Literal["kept", "dropped_high", "dropped_low", "conflict"]


@dataclass(frozen=True)
class PanelEntry:
    evaluator: str
    score: Decimal | None  # None for a conflicted evaluator
    status: Status


@dataclass(frozen=True)
class PanelOutcome:
    entries: tuple[PanelEntry, ...]  # sorted by evaluator id
    trimmed: bool
    mean: Decimal  # rounded per rubric
    spread: Decimal  # highest - lowest of the scores given (before trimming)


def aggregate(
    scores: dict[str, Decimal], conflicted: list[str], rule: Panel, places: int, mode: str
) -> PanelOutcome:
    """Trimmed mean of `scores` (evaluator id → score); `conflicted` evaluators take no part."""
    if not scores:
        raise ValueError("a panel needs at least one score")
    ranked_high = sorted(scores, key=lambda e: (-scores[e], e))
    ranked_low = sorted(scores, key=lambda e: (scores[e], e))
    status: dict[str, Status] = dict.fromkeys(scores, "kept")
    trimmed = len(scores) >= rule.when_at_least and len(scores) > rule.drop_highest + rule.drop_lowest
    if trimmed:
        for evaluator in ranked_high[: rule.drop_highest]:
            status[evaluator] = "dropped_high"
        low = [e for e in ranked_low if status[e] == "kept"]
        for evaluator in low[: rule.drop_lowest]:
            status[evaluator] = "dropped_low"
    kept = [scores[e] for e in scores if status[e] == "kept"]
    mean = round_to(sum((Fraction(k) for k in kept), Fraction(0)) / len(kept), places, mode)  # exact at any length
    entries = [PanelEntry(e, scores[e], status[e]) for e in scores]
    entries += [PanelEntry(e, None, "conflict") for e in conflicted]
    return PanelOutcome(
        entries=tuple(sorted(entries, key=lambda x: x.evaluator)),
        trimmed=trimmed,
        mean=mean,
        spread=max(scores.values()) - min(scores.values()),
    )
