"""The evaluator panel: a trimmed mean, with conflicted evaluators left out; or, moderated, the
score the panel agreed.

Korean practice (brief §2): "drop one highest and one lowest score (only one of each even when
tied), average the rest"; evaluators with a conflict of interest (제척·기피·회피) take no part.
The rubric's `panel` says how many are dropped and from how many evaluators on (DESIGN §2.1).
Which of several equal scores is marked dropped does not change the mean: the one of the
smallest evaluator id is marked, so the record never depends on file order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from bideval.engine.result import PanelScore
from bideval.engine.rounding import EXACT, exact_sum, plain, round_quotient
from bideval.model.rubric import Panel


@dataclass(frozen=True)
class PanelOutcome:
    entries: tuple[PanelScore, ...]  # every evaluator by id; a conflicted one with no score
    trimmed: bool  # whether the highest and lowest were dropped
    mean: Decimal  # of the scores kept, rounded to the rubric's places
    spread: Decimal  # highest − lowest of the scores given, before trimming


def aggregate(scores: dict[str, Decimal], conflicted: list[str], rule: Panel, places: int, mode: str) -> PanelOutcome:
    """The trimmed mean of `scores` (evaluator id → score), rounded once; `conflicted` evaluators
    are listed without a score. Trimming applies from `rule.when_at_least` evaluators on, and only
    while at least one score is left."""
    if not scores:
        raise ValueError("a panel needs at least one score")
    ids = sorted(scores)
    given = [scores[evaluator] for evaluator in ids]
    trimmed = len(given) >= rule.when_at_least and len(given) > rule.drop_highest + rule.drop_lowest
    dropped = _dropped(given, rule.drop_highest, rule.drop_lowest) if trimmed else {}
    kept = [score for position, score in enumerate(given) if position not in dropped]
    mean = round_quotient(exact_sum(kept), len(kept), places, mode)
    entries = [PanelScore(evaluator=evaluator, score=_recorded(score), status=dropped.get(position, "kept"))
               for position, (evaluator, score) in enumerate(zip(ids, given))]  # fmt: skip
    entries += [PanelScore(evaluator=evaluator, score=None, status="conflict") for evaluator in conflicted]
    return PanelOutcome(tuple(sorted(entries, key=lambda entry: entry.evaluator)), trimmed, mean, _spread(given))


def moderate(scores: dict[str, Decimal], conflicted: list[str], agreed: Decimal, places: int, mode: str) -> PanelOutcome:
    """A moderated panel (UK practice; issue 22): the score the panel agreed stands, rounded as a mean
    is; each evaluator's own score stays on record (`recorded`) and counts for nothing."""
    entries = [PanelScore(evaluator=e, score=_recorded(scores[e]), status="recorded") for e in sorted(scores)]
    entries += [PanelScore(evaluator=evaluator, score=None, status="conflict") for evaluator in conflicted]
    spread = _spread([scores[e] for e in sorted(scores)]) if scores else Decimal(0)
    mean = round_quotient(agreed, 1, places, mode)
    return PanelOutcome(tuple(sorted(entries, key=lambda entry: entry.evaluator)), False, mean, spread)


def _dropped(given: list[Decimal], high: int, low: int) -> dict[int, str]:
    """Position → status of the scores left out: the `high` highest, then the `low` lowest of the
    rest. The sorts are stable, so among equal scores the earliest position (the smallest
    evaluator id) goes first."""
    positions = range(len(given))
    highest = sorted(positions, key=given.__getitem__, reverse=True)[:high]
    lowest = [p for p in sorted(positions, key=given.__getitem__) if p not in highest][:low]
    return {**dict.fromkeys(highest, "dropped_high"), **dict.fromkeys(lowest, "dropped_low")}


def _spread(given: list[Decimal]) -> Decimal:
    """Highest − lowest, exact, spelled as the scores were given (90.0 − 70 is 20.0): of equal
    highest scores the last by evaluator id is taken, of equal lowest the first."""
    return EXACT.subtract(max(reversed(given)), min(given))


def _recorded(score: Decimal) -> Decimal:
    """27.0 and 27 are the same score: record it one way, whatever the file's spelling (-0 as 0)."""
    return plain(score).copy_abs() if not score else plain(score)


def extremes(entries: Sequence[PanelScore]) -> tuple[str, str]:
    """The evaluators who gave the highest and the lowest score (conflicts aside): among equal
    scores, the last by id for the highest and the first for the lowest."""
    given = [entry for entry in entries if entry.score is not None]
    highest = max(given, key=lambda entry: (entry.score, entry.evaluator))
    lowest = min(given, key=lambda entry: (entry.score, entry.evaluator))
    return highest.evaluator, lowest.evaluator
