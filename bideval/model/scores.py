"""Evaluator score file `bideval/scores/v1` (DESIGN §2.3)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bideval.model.common import LabelIn, Number, PartyId, Slug, Strict

SCORES_SCHEMA = "bideval/scores/v1"


class Evaluator(Strict):
    id: PartyId
    name: LabelIn
    conflicts: list[PartyId] = []


class Scores(Strict):
    schema_id: Literal["bideval/scores/v1"] = Field(alias="schema")
    evaluator: Evaluator
    # bidder id -> criterion id -> score (percent or points, per the criterion's scale)
    scores: dict[PartyId, dict[Slug, Number]] = {}
