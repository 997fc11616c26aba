"""Reading a metric or bid path from bids (bideval.model.fields), hand-worked.

A criterion and a gate read a metric or a bid path with `field_value`; what they read is what the
results record, so values spelled differently must come back spelled as given.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bideval.model.bid import Bid
from bideval.model.fields import field_value


def bid(bidder_id: str, **extra) -> Bid:
    return Bid.model_validate({"schema": "bideval/bid/v1", "price": extra.pop("price", 100),
                               "bidder": {"id": bidder_id, "name": bidder_id, **extra.pop("bidder", {})}, **extra})  # fmt: skip


def values(name: str, bids: list[Bid], metrics: list[dict] | None = None) -> list:
    return [field_value(one, bid_metrics, name) for one, bid_metrics in zip(bids, metrics or [{} for _ in bids])]


def test_a_path_is_read_from_every_bid_and_a_missing_step_reads_none():
    bids = [bid("a", datacenter={"pue": Decimal("1.25")}, schedule={"service_start": "2026-03-01"}), bid("b")]
    assert values("datacenter.pue", bids) == [Decimal("1.25"), None]
    assert values("schedule.service_start", bids) == [date(2026, 3, 1), None]
    assert values("facts.missing", bids) == [None, None]
    assert values("bidder.gpuaas_in_service", [bid("c", bidder={"gpuaas_in_service": True})]) == [True]


def test_integers_are_read_as_decimal_and_bool_stays_bool():
    """price is an integer in the bid model; a criterion sees it as a Decimal, and sees a fact
    `true` as True, not 1."""
    read = values("price", [bid("a", price=7), bid("b", price=7)])
    assert read == [Decimal(7), Decimal(7)] and all(type(v) is Decimal for v in read)
    assert values("facts.flag", [bid("a", facts={"flag": True})]) == [True]


def test_values_keep_their_spelling_and_kind():
    """96 and 96.0 are equal but recorded differently; 1 and True are equal in Python but are
    different kinds. Each is read as given."""
    bids = [bid("a", facts={"x": Decimal(96)}), bid("b", facts={"x": Decimal("96.0")}), bid("d", facts={"x": 1}),
            bid("e", facts={"x": True})]  # fmt: skip
    assert [str(v) for v in values("facts.x", bids)] == ["96", "96.0", "1", "True"]
    assert [type(v) for v in values("facts.x", bids)] == [Decimal, Decimal, Decimal, bool]


def test_metrics_are_read_as_computed():
    metrics = [{"total_gpus": 8}, {"total_gpus": 16}, {}]
    assert values("total_gpus", [bid("a"), bid("b"), bid("c")], metrics) == [8, 16, None]


def test_field_value_reads_one_bid():
    one = bid("a", facts={"x": Decimal("2.50")}, datacenter={"capital_region": False})
    assert str(field_value(one, {}, "facts.x")) == "2.50"
    assert field_value(one, {}, "datacenter.capital_region") is False
    assert field_value(one, {"public_gpus": 4}, "public_gpus") == 4
    assert field_value(one, {}, "datacenter.region") is None
