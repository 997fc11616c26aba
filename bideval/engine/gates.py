"""Eligibility gates: pass/fail checks on a bid field or metric, with the actual value kept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bideval.engine.result import GateCheck
from bideval.model.bid import Bid
from bideval.model.fields import field_value
from bideval.model.rubric import Gate


def passes(op: str, actual: Any, value: Any) -> bool:
    """Whether `actual` satisfies `op value`. A value the bid does not state never passes."""
    if actual is None:
        return False
    if op == "true":
        return actual is True
    if op == "in":
        return any(_same(actual, v) for v in value)
    if op == "eq":
        return _same(actual, value)
    if op == "ne":
        return not _same(actual, value)
    comparable = (isinstance(actual, Decimal) and isinstance(value, Decimal)) or (
        isinstance(actual, date) and isinstance(value, date)
    )
    if not comparable:
        return False
    return {"ge": actual >= value, "gt": actual > value, "le": actual <= value, "lt": actual < value}[op]


def _same(actual: Any, value: Any) -> bool:
    # true == 1 in Python; a gate on a boolean must not pass for the number 1.
    return type(actual) is type(value) and actual == value


def check_gates(gates: list[Gate], bid: Bid, metrics: dict[str, Decimal | None]) -> list[GateCheck]:
    checks = []
    for gate in gates:
        actual = field_value(bid, metrics, gate.field)
        checks.append(
            GateCheck(
                id=gate.id, label=gate.label, field=gate.field, op=gate.op, value=gate.value,
                actual=actual, passed=passes(gate.op, actual, gate.value),
            )  # fmt: skip
        )
    return checks
