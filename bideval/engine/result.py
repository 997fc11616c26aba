"""The `Result` of an evaluation: every intermediate value, immutable.

Renderers read only this. It round-trips through results.json (DESIGN §4): decimals
are written as strings, so `Result.model_validate_json(text, context=READ_BACK)` gives back the same values.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo

from bideval.model.common import Label

RESULTS_SCHEMA = "bideval/results/v1"
Status = Literal["selected", "eligible", "below_threshold", "excluded"]
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# The validation context of a results.json read back (`Result.model_validate(data, context=READ_BACK)`).
READ_BACK = {"read_back": True}


def _revive_decimal(value: Any, info: ValidationInfo) -> Any:
    # results.json writes decimals and dates as strings; read them back as such so a reloaded
    # Result renders to the same bytes. Only then: a Result the engine builds keeps its types
    # (an evaluator id "007" stays text).
    if not isinstance(value, str) or not (info.context or {}).get("read_back"):
        return value
    if _DECIMAL_TEXT.fullmatch(value):
        return Decimal(value)
    if _DATE_TEXT.fullmatch(value):
        return date.fromisoformat(value)
    return value


def _revive_nested(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, dict):
        return {k: _revive_nested(v, info) for k, v in value.items()}
    if isinstance(value, list):
        return [_revive_nested(v, info) for v in value]
    return _revive_decimal(value, info)


Settings = Annotated[dict[str, Any], BeforeValidator(_revive_nested)]  # a rubric section, as given
Scalar = Annotated[Decimal | bool | int | date | str | None, BeforeValidator(_revive_decimal)]


class Frozen(BaseModel):
    """A part of the Result: immutable, and no key but its own when read back from results.json."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class InputFile(Frozen):
    role: Literal["rubric", "bid", "scores", "catalog"]
    name: str
    sha256: str


class CriterionInfo(Frozen):
    """A rubric node as the report explains it."""

    id: str
    parent: str | None
    depth: int
    label: Label
    points: Decimal
    method: str | None  # None for a parent (sum of children)
    source: str | None  # metric or bid field the method reads
    formula: Label | None
    min_ratio: Decimal | None


class Evaluator(Frozen):
    id: str
    name: Label
    conflicts: list[str]


class GateCheck(Frozen):
    id: str
    label: Label
    field: str
    op: str
    value: Scalar | list[Scalar]
    actual: Scalar  # None: the bid does not state it (the gate fails)
    passed: bool


# The three parts below are made for every criterion of every bid, and for every evaluator's
# score of each (a million at 10,000 bids): frozen dataclasses with slots, at a seventh of a
# model's memory each. The engine makes them from values it typed itself; a results.json read
# back is validated into them like the models (PART: no key but their own).
PART = ConfigDict(extra="forbid")


@dataclasses.dataclass(frozen=True, slots=True)
class PanelScore:
    """One evaluator's score of one criterion of one bid."""

    __pydantic_config__ = PART

    evaluator: str
    score: Decimal | None  # None for a conflicted evaluator
    # recorded: an evaluator's own score beside a moderated panel's agreed one (it counts for nothing)
    status: Literal["kept", "dropped_high", "dropped_low", "conflict", "recorded"]
    comment: str | None = None  # the evaluator's written opinion on this score (평가의견)


@dataclasses.dataclass(frozen=True, slots=True)
class PanelDetail:
    """How the panel scored one criterion of one bid."""

    __pydantic_config__ = PART

    scale: Literal["percent", "points"]
    trimmed: bool
    mean: Decimal  # the trimmed mean; under moderation, the agreed score
    spread: Decimal
    scores: list[PanelScore]  # sorted by evaluator id
    method: Literal["trimmed_mean", "moderated"] = "trimmed_mean"
    rationale: str | None = None  # why the panel agreed on its score (moderated)


@dataclasses.dataclass(frozen=True, slots=True)
class CriterionScore:
    """One criterion of one bid with its working."""

    __pydantic_config__ = PART

    id: str
    inputs: dict[str, Scalar]  # the working: value, best, lowest, …
    ratio: Decimal | None  # share of the points, shown to the rubric's metric places
    score: Decimal
    panel: PanelDetail | None = None
    meets_minimum: bool | None = None  # None when the node has no min_ratio


class Technical(Frozen):
    criteria: list[str]
    score: Decimal
    maximum: Decimal
    required: Decimal
    passed: bool


class Reason(Frozen):
    """Why a bid is not ranked or not selected: a code plus the facts (renderers word it)."""

    code: Literal["gate_failed", "below_minimum", "below_technical", "over_budget", "not_selected_budget",
                  "not_selected_rank", "failed_tender", "tie_unresolved", "stage_failed", "not_suitable"]  # fmt: skip
    subject: str | None = None  # gate or criterion id
    actual: Scalar = None
    required: Scalar = None


class ClusterWorking(Frozen):
    """One cluster as the petaflop figures were worked out: GPUs × dense TFLOPS ÷ 1000."""

    id: str
    gpu: str
    gpus: int
    use: str
    cooling: str
    tflops: Decimal | None  # per GPU at the rubric's precision; None: no figure or no precision
    pflops: Decimal | None


class StageResult(Frozen):
    """A bid's score in one stage: the sum of the stage's categories. `required` is the score the
    pass rule asks (None for a top-N rule or none); `score` and `passed` are None for a stage the bid
    did not reach."""

    id: str
    score: Decimal | None
    maximum: Decimal
    required: Decimal | None
    passed: bool | None


class Adjustment(Frozen):
    """A bonus or penalty item applied to one bid (가점/감점). `earned` is what the item's rule gives
    (at most its max); `points` is what counts, signed (a penalty is negative), after the cap on the
    total. `reason`: rule — as earned; item_cap — the item's max cut it; total_cap — the cap on all
    bonus (or penalty) points cut it; not_met — the rule gives nothing."""

    id: str
    label: Label
    kind: Literal["bonus", "penalty"]
    value: Scalar  # the metric or field the rule reads
    earned: Decimal
    points: Decimal
    reason: Literal["rule", "item_cap", "total_cap", "not_met"]


class BidResult(Frozen):
    bidder_id: str
    name: Label
    file: str
    price: int
    gates: list[GateCheck]
    clusters: list[ClusterWorking]
    metrics: dict[str, Decimal | None]
    criteria: list[CriterionScore]  # in rubric order; empty when a gate failed
    categories: dict[str, Decimal]  # top-level criterion id → score
    technical: Technical | None
    within_budget: bool | None
    total: Decimal | None  # base_total + Σ adjustments.points
    status: Status
    rank: int | None
    rank_decided_by: str | None  # "total", a tie-break key, or None (unranked or tied on every key)
    reasons: list[Reason]
    # Issue 18 (absent from results.json written by 0.2.0): the lot bid for, each stage in rubric
    # order, the score before and the bonus and penalty points.
    lot: str | None = None
    stages: list[StageResult] = []
    base_total: Decimal | None = None
    adjustments: list[Adjustment] = []


OutcomeKind = Literal["awarded", "negotiation", "failed_tender", "tie_unresolved"]


class SuitabilityCheck(Frozen):
    id: str  # gates | stages | thresholds | min_total | category:<id>
    actual: Scalar
    required: Scalar
    passed: bool


class Suitability(Frozen):
    """The sole applicant of a re-announced round, checked against the rubric's absolute criteria
    before a negotiated contract (수의계약): suitable → negotiation, otherwise the round fails."""

    bidder: str
    lot: str | None = None
    suitable: bool
    checks: list[SuitabilityCheck]


class CallRoundResult(Frozen):
    round: int
    announced: date | None
    applicants: int
    outcome: Literal["awarded", "negotiation", "failed_tender", "tie_unresolved"]
    evaluated: bool  # the round these bids were scored in (the last); earlier ones as the rubric records them
    note: Label | None = None


class LotOutcome(Frozen):
    kind: OutcomeKind
    winners: list[str]
    valid_bids: int
    tied: list[str]


class Outcome(Frozen):
    kind: OutcomeKind  # the evaluated round's outcome; with lots, the best of the lots' (pipeline)
    winners: list[str]
    valid_bids: int
    tied: list[str]  # bidders a lot must decide between (tie_unresolved)
    rounds: list[CallRoundResult] = []  # every round in order, the evaluated one last
    lots: dict[str, LotOutcome] = {}  # lot id → its outcome, in rubric order
    suitability: list[Suitability] = []  # one per sole applicant of a re-announced round


class ScoreRevision(Frozen):
    """An evaluator's earlier value of a score, replaced on `date` for `reason`; `score` is the one that counts."""

    evaluator: str
    bidder: str
    criterion: str
    previous: Decimal
    score: Decimal
    date: date
    reason: str


class ResultWarning(Frozen):
    code: Literal["panel_spread", "tie_unresolved", "uncertain_gpu_figure"]
    bidder: str | None = None
    criterion: str | None = None
    detail: dict[str, Scalar | list[str]] = {}


class StageInfo(Frozen):
    id: str
    label: Label
    criteria: list[str]
    maximum: Decimal
    passing: Settings | None  # {min_ratio | min_score | top}
    weight: Decimal


class AdjustmentInfo(Frozen):
    id: str
    label: Label
    kind: Literal["bonus", "penalty"]
    rule: Literal["per_unit", "boolean"]
    source: str
    points: Decimal
    above: Decimal
    max: Decimal | None


class LotInfo(Frozen):
    id: str
    label: Label
    floors: list[Settings]  # alternatives: {gpus: [catalog ids], at_least}
    award: Settings
    criteria: list[CriterionInfo] | None  # None: the rubric's criteria


class RubricInfo(Frozen):
    id: str
    title: Label
    issuer: Label
    currency: str
    evaluation_date: date
    precision: str | None
    total_points: Decimal
    rounding: Settings
    panel: Settings
    thresholds: Settings
    tie_break: list[str]
    award: Settings
    criteria: list[CriterionInfo]
    stages: list[StageInfo] = []
    stage_scores: str = "weighted_sum"
    adjustments: list[AdjustmentInfo] = []
    max_bonus: Decimal | None = None
    max_penalty: Decimal | None = None
    suitability: Settings | None = None
    lots: list[LotInfo] = []
    confidential: list[str] = []  # bid fields the public edition of the report leaves out

    def criteria_of(self, lot: str | None) -> list[CriterionInfo]:
        """The criteria a bid of `lot` was scored on: the lot's own, or the rubric's."""
        own = next((info.criteria for info in self.lots if info.id == lot), None)
        return own or self.criteria


class Result(Frozen):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, serialize_by_alias=True)

    schema_id: Literal["bideval/results/v1"] = Field(default=RESULTS_SCHEMA, alias="schema")
    tool_version: str
    rubric: RubricInfo
    inputs: list[InputFile]
    evaluators: list[Evaluator]
    bids: list[BidResult]  # ranked bids first, in rank order, then the rest by bidder id
    outcome: Outcome
    warnings: list[ResultWarning]
    revisions: list[ScoreRevision] = []  # by bidder, criterion, evaluator, then date

    def bid(self, bidder_id: str) -> BidResult:
        return next(b for b in self.bids if b.bidder_id == bidder_id)
