"""Bonus and penalty points outside the 100 (가점/감점; issue 18 §3; brief §1: the SPC's later rounds
gave bonus points to consortia with several cloud operators).

Each item earns by its rule — `per_unit`: points × (value − above), at least 0, at most the item's
max; `boolean`: its points when the value is true — then the items of each kind are taken in rubric
order while the cap on that kind's total lasts. total = base total + Σ points, exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bideval.engine.result import Adjustment
from bideval.engine.rounding import EXACT
from bideval.model.procedure import AdjustmentItem, Adjustments

_ZERO = Decimal(0)


def earned_by_rule(item: AdjustmentItem, value: Any) -> tuple[Decimal, str]:
    """What the item's own rule gives for `value` (unsigned), and why: rule, item_cap or not_met."""
    if item.rule == "boolean":
        return (item.points, "rule") if value is True else (_ZERO, "not_met")
    if not isinstance(value, Decimal) or value <= item.above:
        return _ZERO, "not_met"
    earned = EXACT.multiply(item.points, EXACT.subtract(value, item.above))
    if item.max is not None and earned > item.max:
        return item.max, "item_cap"
    return earned, "rule"


def adjust(adjustments: Adjustments | None, values: dict[str, Any]) -> list[Adjustment]:
    """Every item applied to one bid (`values`: item id → the metric or field it reads), in rubric order."""
    if adjustments is None:
        return []
    room = {"bonus": adjustments.max_bonus, "penalty": adjustments.max_penalty}
    applied = []
    for item in adjustments.items:
        value = values[item.id]
        earned, reason = earned_by_rule(item, value)
        granted = min(earned, room[item.kind])  # type: ignore[type-var]  # a kind with items has a cap
        if granted < earned:
            reason = "total_cap"
        room[item.kind] = EXACT.subtract(room[item.kind], granted)  # type: ignore[arg-type]
        points = granted if item.kind == "bonus" else EXACT.minus(granted)
        applied.append(Adjustment(id=item.id, label=item.label, kind=item.kind, value=value, earned=earned,
                                  points=points, reason=reason))  # fmt: skip
    return applied
