"""Bid file `bideval/bid/v1` (DESIGN §2.2)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from bideval.model.common import (
    Count,
    Day,
    LabelIn,
    Money,
    Number,
    PartyId,
    PositiveNumber,
    Share,
    Slug,
    Strict,
    Text,
)  # fmt: skip

BID_SCHEMA = "bideval/bid/v1"


class Member(Strict):
    """A consortium member: its sector and kind feed the consortium metrics (public share, number of
    cloud operators) that rules such as "public ≥ 51 %" read (issue 18; brief §1, the SPC)."""

    name: LabelIn
    role: Text | None = None
    share: Share
    sector: Literal["public", "private"] | None = None
    kind: Slug | None = None  # e.g. cloud_operator, bank, telecom, npu_maker


class Bidder(Strict):
    id: PartyId
    name: LabelIn
    main_site_country: Text | None = None
    gpuaas_in_service: bool | None = None
    consortium: list[Member] = []

    @field_validator("consortium")
    @classmethod
    def _shares_sum_to_one(cls, members: list[Member]) -> list[Member]:
        if members and sum(m.share for m in members) != 1:
            total = sum(m.share for m in members)
            raise ValueError(f"consortium shares must add up to 1, they add up to {total}")
        return members


class Cluster(Strict):
    id: Text
    gpu: Text
    nodes: Count
    gpus_per_node: Count
    use: Literal["public", "own"]
    cooling: Literal["liquid", "air"]
    server: Literal["dgx", "hgx", "oem"] | None = None
    domestic_server: bool = False


class Datacenter(Strict):
    name: Text | None = None
    region: Text | None = None
    capital_region: bool | None = None
    power_mw: PositiveNumber | None = None
    pue: Number | None = Field(default=None, ge=1)
    tenure: Literal["owned", "leased", "contracted"] | None = None


class Schedule(Strict):
    service_start: Day | None = None


class Financing(Strict):
    committed: Money | None = None


class Bid(Strict):
    schema_id: Literal["bideval/bid/v1"] = Field(alias="schema")
    lot: Slug | None = None  # the lot (track) bid for, when the rubric has lots
    bidder: Bidder
    price: Money
    clusters: list[Cluster] = []
    datacenter: Datacenter = Datacenter()
    schedule: Schedule = Schedule()
    financing: Financing = Financing()
    facts: dict[Slug, Number | bool] = {}
