"""Rubric file `bideval/rubric/v1` (DESIGN §2.1).

The model checks what one node can check alone (a method has its parameters, a gate's
operator fits its value). Checks that need the whole tree or the bid schema — points
adding up, ids unique, metric names known — live in `bideval.load.rubric_checks`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from bideval.model.catalog import Precision
from bideval.model.common import (
    CURRENCY_PATTERN,
    Count,
    Day,
    LabelIn,
    Money,
    Number,
    PositiveNumber,
    Share,
    Slug,
    Strict,
    Text,
)
from bideval.model.procedure import Adjustments, CallRound, Stage, StageScores, Suitability

RUBRIC_SCHEMA = "bideval/rubric/v1"

Method = Literal["ratio_to_best", "linear", "bands", "boolean", "korean_price", "judged"]
GateOp = Literal["eq", "ne", "ge", "gt", "le", "lt", "in", "true"]

# Which optional criterion keys each method needs (required) and accepts (allowed).
METHOD_PARAMS: dict[str, tuple[set[str], set[str]]] = {
    "ratio_to_best": ({"metric", "better"}, set()),
    "linear": ({"metric", "zero_at", "full_at"}, set()),
    "bands": ({"metric", "bands"}, set()),
    "boolean": (set(), {"metric", "field"}),
    "korean_price": ({"metric", "estimated_price"}, set()),
    "judged": (set(), {"scale"}),
}
_PARAM_KEYS = ("metric", "field", "better", "zero_at", "full_at", "bands", "estimated_price", "scale")


class Rounding(Strict):
    places: int = Field(default=4, ge=0, le=10)
    mode: Literal["half_up", "half_even", "down"] = "half_up"
    metric_places: int = Field(default=6, ge=0, le=12)


class Compute(Strict):
    precision: Precision
    domestic_country: str = Field(default="KR", pattern=r"^[A-Z]{2}$")  # whose accelerators are domestic


class Gate(Strict):
    id: Slug
    label: LabelIn
    field: Text
    op: GateOp
    value: Number | bool | date | Text | list[Number | Text] | None = None

    def problems(self) -> list[str]:
        """Whether the operator fits the value (checked with the whole rubric, see load.checks)."""
        v = self.value
        if self.op == "true" and v is not None:
            return ["op 'true' takes no value (the field itself must be true)"]
        if self.op == "in" and not (isinstance(v, list) and v):
            return ["op 'in' needs a non-empty list as value"]
        if self.op in ("ge", "gt", "le", "lt") and not isinstance(v, (Decimal, date)):
            return [f"op '{self.op}' needs a number or a date as value"]
        if self.op in ("eq", "ne") and (v is None or isinstance(v, list)):
            return [f"op '{self.op}' needs a single value (number, text or true/false)"]
        return []


class Band(Strict):
    at_least: Number | None = None
    at_most: Number | None = None
    ratio: Share

    @model_validator(mode="after")
    def _one_bound(self) -> Band:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("a band needs exactly one of at_least or at_most")
        return self


class Criterion(Strict):
    id: Slug
    label: LabelIn
    points: PositiveNumber
    min_ratio: Share | None = None
    children: list[Criterion] | None = None
    method: Method | None = None
    metric: Text | None = None
    field: Text | None = None
    better: Literal["lower", "higher"] | None = None
    zero_at: Number | None = None
    full_at: Number | None = None
    bands: list[Band] | None = None
    estimated_price: Money | None = None
    scale: Literal["percent", "points"] | None = None

    def problems(self) -> list[str]:
        """This node's own consistency: children or a method with its parameters."""
        given = {k for k in _PARAM_KEYS if getattr(self, k) is not None}
        if self.children is not None:
            if self.method is not None or given:
                return ["a criterion has either children or a method, not both"]
            return [] if self.children else ["children must not be empty"]
        if self.method is None:
            return ["a criterion without children needs a method"]
        required, allowed = METHOD_PARAMS[self.method]
        missing = sorted(required - given)
        extra = sorted(given - required - allowed)
        if missing:
            return [f"method '{self.method}' needs: {', '.join(missing)}"]
        if extra:
            return [f"method '{self.method}' does not take: {', '.join(extra)}"]
        if self.method == "boolean" and len(given & {"metric", "field"}) != 1:
            return ["method 'boolean' needs exactly one of metric or field"]
        if self.method == "linear" and self.zero_at == self.full_at:
            return ["zero_at and full_at must differ"]
        if self.method == "bands" and not self.bands:
            return ["bands must not be empty"]
        return []

    @property
    def is_leaf(self) -> bool:
        return self.children is None

    @property
    def source(self) -> str | None:
        """The metric or bid field a computed method reads."""
        return self.metric or self.field

    def walk(self):
        yield self
        for child in self.children or ():
            yield from child.walk()


class Panel(Strict):
    # trimmed_mean: the scores less the highest and lowest, averaged; moderated: the panel agrees one
    # score per item and records why (scores/moderated.yaml), the evaluators' own kept on record.
    method: Literal["trimmed_mean", "moderated"] = "trimmed_mean"
    drop_highest: int = Field(default=1, ge=0)
    drop_lowest: int = Field(default=1, ge=0)
    when_at_least: int = Field(default=5, ge=1)
    spread_warning: Share = Decimal("0.4")
    # A score further than this share of the item's points from the median of the other evaluators'
    # scores (same bid and item) needs a comment; `comment_required: all` asks one for every score.
    comment_required_beyond: Share | None = None
    comment_required: Literal["all"] | None = None


class TechnicalThreshold(Strict):
    criteria: list[Slug] = Field(min_length=1)
    min_ratio: Share
    after_adjustments: bool = False  # count bonus and penalty points in the technical score


class Thresholds(Strict):
    technical: TechnicalThreshold | None = None
    budget: Money | None = None


class Ranking(Strict):
    tie_break: list[Slug] = []


class Award(Strict):
    mode: Literal["single", "multiple"] = "single"
    min_valid_bids: int = Field(default=1, ge=1)
    sole_bid: Literal["negotiate", "fail"] = "fail"
    budget: Money | None = None
    max_winners: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _multiple_only_settings(self) -> Award:
        if self.mode == "single" and (self.budget is not None or self.max_winners is not None):
            raise ValueError("budget and max_winners apply only to mode: multiple")
        return self


class Floor(Strict):
    """One way to meet a lot's size floor: at least `at_least` GPUs of the listed catalog models together."""

    gpus: list[Slug] = Field(min_length=1)
    at_least: Count


class Lot(Strict):
    """A lot (track) of the call: its bids are ranked among themselves, with its own floors and
    winners. `floors` are alternatives (meeting one suffices); `criteria` and `award`, when given,
    replace the rubric's for this lot."""

    id: Slug
    label: LabelIn
    floors: list[Floor] = []
    award: Award | None = None
    criteria: list[Criterion] | None = Field(default=None, min_length=1)


class Rubric(Strict):
    schema_id: Literal["bideval/rubric/v1"] = Field(alias="schema")
    id: Slug
    title: LabelIn
    issuer: LabelIn
    currency: str = Field(pattern=CURRENCY_PATTERN)
    evaluation_date: Day
    service_deadline: Day | None = None
    compute: Compute | None = None
    rounding: Rounding = Rounding()
    eligibility: list[Gate] = []
    criteria: list[Criterion] = Field(min_length=1)
    panel: Panel = Panel()
    thresholds: Thresholds = Thresholds()
    ranking: Ranking = Ranking()
    award: Award = Award()
    # The procedure (issue 18), all optional: earlier rounds of the call, the suitability check of a
    # sole applicant, stages, bonus and penalty points, lots.
    rounds: list[CallRound] = []
    suitability: Suitability | None = None
    stages: list[Stage] = []
    stage_scores: StageScores = "weighted_sum"
    adjustments: Adjustments | None = None
    lots: list[Lot] = []
    # Bid fields the published report leaves out (`--edition public`): unit prices, financing, …
    confidential: list[Text] = []

    def for_lot(self, lot: Lot) -> Rubric:
        """This rubric as one lot is evaluated: the lot's criteria and award where it has its own."""
        return self.model_copy(update={"criteria": lot.criteria or self.criteria, "award": lot.award or self.award,
                                       "lots": []})  # fmt: skip

    def lot_rubrics(self) -> list[tuple[Lot | None, Rubric]]:
        """Each lot with the rubric it is evaluated by; one (None, self) for a call without lots."""
        return [(lot, self.for_lot(lot)) for lot in self.lots] or [(None, self)]

    def lot(self, lot_id: str) -> Lot:
        return next(lot for lot in self.lots if lot.id == lot_id)

    def nodes(self):
        """Every criterion, parents before children, in rubric order."""
        for top in self.criteria:
            yield from top.walk()

    def leaves(self) -> list[Criterion]:
        return [c for c in self.nodes() if c.is_leaf]

    def judged(self) -> list[Criterion]:
        return [c for c in self.leaves() if c.method == "judged"]

    def node(self, criterion_id: str) -> Criterion:
        return next(c for c in self.nodes() if c.id == criterion_id)

    @property
    def total_points(self) -> Decimal:
        return sum((c.points for c in self.criteria), Decimal(0))

