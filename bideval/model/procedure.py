"""How a call proceeds, beyond one sealed round of one lot (issue 18; brief §1): its rounds and the
suitability check of a sole applicant, evaluation stages, bonus and penalty points, and lots.

Every part is optional in `bideval/rubric/v1`: a rubric without them evaluates as before. What
needs the whole rubric (a stage naming an unknown criterion, every category in one stage) is
checked in `bideval.load.procedure_checks`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from bideval.model.common import Count, Day, LabelIn, Number, PositiveNumber, Share, Slug, Strict, Text

RoundOutcome = Literal["failed_tender", "awarded", "negotiation"]


class CallRound(Strict):
    """A round of this call (공고 차수). The last one listed is the round evaluated: its applicants are
    the bid files and its outcome is worked out, so it states neither. An earlier round states its
    applicants; its outcome is `failed_tender` (유찰) when they were fewer than `award.min_valid_bids`,
    and must be stated otherwise (checked in load.procedure_checks)."""

    round: Count
    announced: Day | None = None
    applicants: int | None = Field(default=None, ge=0)
    outcome: RoundOutcome | None = None
    note: LabelIn | None = None


class Suitability(Strict):
    """Absolute criteria a sole applicant of a re-announced round must meet before a negotiated
    contract (수의계약): it passed every gate, and reaches these — none of them relative to other bids."""

    min_total: Number | None = None  # points, out of the rubric's total
    min_category_ratio: Share | None = None  # every top-level criterion at least this share of its points
    after_adjustments: bool = False  # min_total compared with the total after bonus and penalty points

    @model_validator(mode="after")
    def _some_rule(self) -> Suitability:
        if self.min_total is None and self.min_category_ratio is None:
            raise ValueError("suitability needs min_total, min_category_ratio or both")
        return self


class StagePass(Strict):
    """What passes a stage: a share of its points, a score, or the top N (ties at the cut all pass)."""

    min_ratio: Share | None = None
    min_score: Number | None = None
    top: Count | None = None

    @model_validator(mode="after")
    def _one_rule(self) -> StagePass:
        if sum(rule is not None for rule in (self.min_ratio, self.min_score, self.top)) != 1:
            raise ValueError("a stage's pass rule needs exactly one of min_ratio, min_score or top")
        return self


class Stage(Strict):
    id: Slug
    label: LabelIn
    criteria: list[Slug] = Field(min_length=1)  # top-level criterion ids
    passing: StagePass | None = Field(default=None, alias="pass")  # None: every bid goes on
    weight: PositiveNumber = Decimal(1)  # for `combine: weighted_sum`


# How stage scores make the final score (rubric `stage_scores`): `weighted_sum` — Σ weight × stage
# score; `last_stage` — the last stage's score decides among the bids that passed every earlier stage.
StageScores = Literal["weighted_sum", "last_stage"]


class AdjustmentItem(Strict):
    """A bonus or penalty item outside the 100 points (가점/감점). `per_unit`: `points` for each unit
    of `metric` above `above`, at most `max`; `boolean`: `points` when the metric or field is true."""

    id: Slug
    label: LabelIn
    kind: Literal["bonus", "penalty"]
    rule: Literal["per_unit", "boolean"]
    metric: Text | None = None
    field: Text | None = None
    points: PositiveNumber
    above: Number = Decimal(0)
    max: PositiveNumber | None = None

    @model_validator(mode="after")
    def _rule_settings(self) -> AdjustmentItem:
        if (self.metric is None) == (self.field is None):
            raise ValueError("an adjustment item needs exactly one of metric or field")
        if self.rule == "per_unit" and self.max is None:
            raise ValueError("a per_unit item needs `max`, the most points it can give")
        if self.rule == "boolean" and (self.max is not None or self.above != 0):
            raise ValueError("a boolean item gives `points` or nothing: it takes no max or above")
        return self

    @property
    def source(self) -> str:
        return self.metric or self.field or ""


class Adjustments(Strict):
    """Bonus and penalty items, with a cap on each side of the total adjustment (required when that
    side has items). `after_thresholds` (default): the technical threshold is judged before them."""

    max_bonus: PositiveNumber | None = None
    max_penalty: PositiveNumber | None = None
    items: list[AdjustmentItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _caps(self) -> Adjustments:
        for kind, cap in (("bonus", self.max_bonus), ("penalty", self.max_penalty)):
            if cap is None and any(item.kind == kind for item in self.items):
                raise ValueError(f"{kind} items need `max_{kind}`, the cap on the total {kind}")
        return self
