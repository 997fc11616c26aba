"""Eligibility gates: pass/fail checks on a bid field or metric, with the actual value kept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bideval.engine.result import GateCheck
from bideval.model.bid import Bid
from bideval.model.common import Label
from bideval.model.fields import field_value
from bideval.model.rubric import Gate, Lot


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


def check_floors(lot: Lot | None, bid: Bid) -> list[GateCheck]:
    """A lot's size floor (issue 18 §5; brief §1, the GPU rental tracks: "≥ 1,000 B200 or 2,000
    H100/H200"): one check, passed when the bid has at least `at_least` GPUs of any one alternative's
    models. Value and actual are written out per alternative, e.g. "b200 ≥ 1000" and "b200 1024"."""
    if lot is None or not lot.floors:
        return []
    counts = [sum(c.nodes * c.gpus_per_node for c in bid.clusters if c.gpu in floor.gpus) for floor in lot.floors]
    return [GateCheck(
        id=f"floor-{lot.id}", label=Label(ko=f"{lot.label.ko} 최소 규모", en=f"{lot.label.en}: size floor"), field="gpus", op="any",
        value=[f"{' + '.join(f.gpus)} ≥ {f.at_least}" for f in lot.floors],
        actual="; ".join(f"{' + '.join(f.gpus)} {n}" for f, n in zip(lot.floors, counts)),
        passed=any(n >= f.at_least for f, n in zip(lot.floors, counts)),
    )]  # fmt: skip
