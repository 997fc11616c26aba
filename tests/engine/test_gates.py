"""Eligibility gates (bideval.engine.gates), hand-worked.

DESIGN §2.1 `eligibility`: gates `{id, label, field, op, value}` with op in
eq, ne, ge, gt, le, lt, in, true; a bid failing any gate is excluded with the actual value
recorded. brief §1: the 2025 GPU program's pass/fail gate "main business site in Korea and runs
a GPUaaS business", and a suggested minimum of 256 nodes.
Rules checked here: comparisons are inclusive/exclusive as their names say; a value the bid
does not state (None) never passes — not even `ne`; `true`/`eq true` never match the number 1
(Python's True == 1 must not leak in).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bideval.engine.gates import check_gates, passes
from bideval.model.bid import Bid
from bideval.model.rubric import Gate

D = Decimal
OPS = ["eq", "ne", "ge", "gt", "le", "lt", "in", "true"]


@pytest.mark.parametrize(
    ("op", "actual", "value", "expected"),
    [
        # ge / gt / le / lt around the 256-node minimum (brief §1).
        ("ge", D(256), D(256), True),  # 256 ≥ 256
        ("ge", D(255), D(256), False),
        ("ge", D(257), D(256), True),
        ("gt", D(256), D(256), False),  # 256 > 256 is false
        ("gt", D(257), D(256), True),
        ("le", D("1.3"), D("1.3"), True),  # PUE ≤ 1.3
        ("le", D("1.31"), D("1.3"), False),
        ("lt", D("1.3"), D("1.3"), False),
        ("lt", D("1.29"), D("1.3"), True),
        ("ge", D("0.80"), D("0.8"), True),  # same number, different exponent
        # eq / ne on text, numbers and booleans.
        ("eq", "KR", "KR", True),
        ("eq", "US", "KR", False),
        ("ne", "US", "KR", True),
        ("ne", "KR", "KR", False),
        ("eq", D("8.0"), D(8), True),  # 8.0 = 8
        ("eq", True, True, True),
        ("eq", False, True, False),
        ("ne", False, True, True),
        # in
        ("in", "KR", ["KR", "JP"], True),
        ("in", "US", ["KR", "JP"], False),
        ("in", D(8), [D(4), D(8)], True),
        # true
        ("true", True, None, True),
        ("true", False, None, False),
    ],
)
def test_each_op(op, actual, value, expected):
    assert passes(op, actual, value) is expected


@pytest.mark.parametrize("op", OPS)
def test_unstated_value_never_passes(op):
    """DESIGN §2.1 / gates.passes: a value the bid does not state never passes, whatever the op —
    even `ne` ("not KR" must not be satisfied by an unknown country) and `le`/`lt`."""
    value = {"in": ["KR"], "true": None, "eq": "KR", "ne": "KR"}.get(op, D(0))
    assert passes(op, None, value) is False


@pytest.mark.parametrize(
    ("op", "actual", "value"),
    [
        ("true", D(1), None),  # number 1 is not true
        ("true", 1, None),
        ("true", "true", None),  # text 'true' is not true
        ("eq", D(1), True),  # eq true must not match the number 1
        ("eq", 1, True),
        ("eq", True, D(1)),  # nor eq 1 the boolean true
        ("in", True, [D(1)]),
        ("in", D(1), [True]),
        ("eq", D(0), False),
    ],
)
def test_booleans_never_match_numbers(op, actual, value):
    assert passes(op, actual, value) is False


def test_ne_between_boolean_and_number_holds():
    """The complement of the above: true is *not equal* to the number 1 for a gate."""
    assert passes("ne", D(1), True) is True


@pytest.mark.parametrize("op", ["ge", "gt", "le", "lt"])
def test_ordering_ops_need_a_number(op):
    """A boolean or text field cannot satisfy a numeric comparison (True ≥ 1 is true in Python)."""
    assert passes(op, True, D(0)) is False
    assert passes(op, "300", D(0)) is False


def _bid(**extra) -> Bid:
    return Bid.model_validate(
        {"schema": "bideval/bid/v1", "bidder": {"id": "n", "name": "Operator N", **extra.pop("bidder", {})},
         "price": 1_000_000_000, **extra}  # fmt: skip
    )


def _gate(gid: str, field: str, op: str, value=None) -> Gate:
    data = {"id": gid, "label": gid, "field": field, "op": op}
    if value is not None:
        data["value"] = value
    return Gate.model_validate(data)


def test_check_gates_on_a_bid_records_actual_values():
    """brief §1 eligibility: main business site in Korea and a GPUaaS business in service.
    Bid: country KR, gpuaas_in_service true, facts.flag = 1 (a number), no datacenter power.

    - country eq KR → actual 'KR', pass
    - gpuaas true → actual True, pass
    - facts.flag eq true → actual 1 (number) → fail: the number 1 is not true
    - facts.flag true → fail for the same reason
    - datacenter.power_mw ge 20 → not stated (None) → fail
    - total_gpus ge 2048 (metric 2,048) → pass; metric absent → fail
    """
    bid = _bid(bidder={"main_site_country": "KR", "gpuaas_in_service": True}, facts={"flag": 1})
    gates = [
        _gate("country", "bidder.main_site_country", "eq", "KR"),
        _gate("gpuaas", "bidder.gpuaas_in_service", "true"),
        _gate("flag-eq", "facts.flag", "eq", True),
        _gate("flag-true", "facts.flag", "true"),
        _gate("power", "datacenter.power_mw", "ge", 20),
        _gate("gpus", "total_gpus", "ge", 2048),
    ]
    checks = {c.id: c for c in check_gates(gates, bid, {"total_gpus": D(2048)})}
    assert checks["country"].passed is True and checks["country"].actual == "KR"
    assert checks["gpuaas"].passed is True and checks["gpuaas"].actual is True
    assert checks["flag-eq"].passed is False and checks["flag-eq"].actual == 1
    assert checks["flag-true"].passed is False
    assert checks["power"].passed is False and checks["power"].actual is None
    assert checks["gpus"].passed is True
    missing = check_gates([gates[-1]], bid, {"total_gpus": None})
    assert missing[0].passed is False and missing[0].actual is None


def test_check_gates_false_boolean_fails_true_gate():
    """The e-commerce applicant of brief §1 had no GPUaaS track record: gpuaas_in_service false
    → gate `true` fails with actual False (not None)."""
    bid = _bid(bidder={"gpuaas_in_service": False})
    (check,) = check_gates([_gate("gpuaas", "bidder.gpuaas_in_service", "true")], bid, {})
    assert check.passed is False and check.actual is False
