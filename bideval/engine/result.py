"""The `Result` of an evaluation: every intermediate value, immutable.

Renderers read only this. It round-trips through results.json (DESIGN §4): decimals
are written as strings, so `Result.model_validate_json(text)` gives back the same values.
"""

from __future__ import annotations

import re
from collections import deque
from datetime import date
from decimal import Decimal
from itertools import repeat
from operator import eq
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from bideval.model.common import Label

RESULTS_SCHEMA = "bideval/results/v1"
Status = Literal["selected", "eligible", "below_threshold", "excluded"]
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _revive_decimal(value: Any) -> Any:
    # results.json writes decimals and dates as strings; read them back as such so a
    # reloaded Result renders to the same bytes.
    if isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value):
        return Decimal(value)
    if isinstance(value, str) and _DATE_TEXT.fullmatch(value):
        return date.fromisoformat(value)
    return value


def _revive_nested(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _revive_nested(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_revive_nested(v) for v in value]
    return _revive_decimal(value)


Settings = Annotated[dict[str, Any], BeforeValidator(_revive_nested)]  # a rubric section, as given
Scalar = Annotated[Decimal | bool | int | date | str | None, BeforeValidator(_revive_decimal)]


_ALL_FIELDS: dict[type, frozenset[str]] = {}


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def trusted(cls, **values: Any):  # noqa: ANN206
        """One model of `trusted_all` (for a few; a loop should build its models together)."""
        return cls.trusted_all([values])[0]

    @classmethod
    def trusted_all(cls, rows: list[dict[str, Any]]) -> list:
        """A model of each row of values this package computed and typed itself, without
        validation: what `model_construct` does for a model whose every field is given, at a
        quarter of its cost each, by one pass of the built-ins per attribute. Scoring 10,000
        bids builds 20,000 of these, and 90,000 more for a divided panel's spread warnings
        (tests compare them with validated models)."""
        fields = _ALL_FIELDS.get(cls) or _ALL_FIELDS.setdefault(cls, frozenset(cls.model_fields))
        if not all(map(eq, map(dict.keys, rows), repeat(fields))):
            raise TypeError(f"{cls.__name__}.trusted needs every field: {sorted(fields)}")
        built = list(map(object.__new__, repeat(cls, len(rows))))
        for name, values in (("__dict__", rows), ("__pydantic_fields_set__", repeat(fields)),
                             ("__pydantic_extra__", repeat(None)), ("__pydantic_private__", repeat(None))):  # fmt: skip
            deque(map(object.__setattr__, built, repeat(name), values), maxlen=0)  # run for its effect only
        return built

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False):  # noqa: ANN201
        # pydantic adds the updated names to the copy's fields set in place: a trusted model
        # shares one frozenset per class, so give this one a set of its own first.
        if isinstance(self.__pydantic_fields_set__, frozenset):
            object.__setattr__(self, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        return super().model_copy(update=update, deep=deep)


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


class PanelScore(NamedTuple):
    """One evaluator's score: a tuple in memory (10,000 bids hold a million of them), an
    object with these keys in results.json."""

    evaluator: str
    score: Decimal | None  # None for a conflicted evaluator
    status: Literal["kept", "dropped_high", "dropped_low", "conflict"]


def _score_objects(scores: tuple[PanelScore, ...]) -> list[dict]:
    return [dict(zip(PanelScore._fields, score)) for score in scores]


PanelScores = Annotated[tuple[PanelScore, ...], PlainSerializer(_score_objects)]


class PanelDetail(NamedTuple):
    """How the panel scored one criterion of one bid. Like CriterionScore, a tuple in memory
    and an object in results.json."""

    scale: Literal["percent", "points"]
    trimmed: bool
    mean: Decimal
    spread: Decimal
    scores: PanelScores  # sorted by evaluator id


class CriterionScore(NamedTuple):
    """One criterion of one bid with its working. A named tuple, not a model: scoring 10,000
    bids makes 220,000 of them, and as models they took most of the run's time and memory.
    Validated like a model when a Result is read (unknown or missing keys are refused)."""

    id: str
    inputs: dict[str, Scalar]  # the working: value, best, lowest, …
    ratio: Decimal | None  # share of the points, shown to the rubric's metric places
    score: Decimal
    panel: PanelDetail | None = None
    meets_minimum: bool | None = None  # None when the node has no min_ratio


def _criterion_objects(scores: list[CriterionScore]) -> list[dict]:
    """Criterion scores as results.json writes them: objects keyed by the tuples' field names."""
    objects = []
    for score in scores:
        written = dict(zip(CriterionScore._fields, score))
        if score.panel is not None:
            panel = written["panel"] = dict(zip(PanelDetail._fields, score.panel))
            panel["scores"] = _score_objects(score.panel.scores)
        objects.append(written)
    return objects


CriterionScores = Annotated[list[CriterionScore], PlainSerializer(_criterion_objects)]


class Technical(Frozen):
    criteria: list[str]
    score: Decimal
    maximum: Decimal
    required: Decimal
    passed: bool


class Reason(Frozen):
    """Why a bid is not ranked or not selected: a code plus the facts (renderers word it)."""

    code: Literal["gate_failed", "below_minimum", "below_technical", "over_budget", "not_selected_budget",
                  "not_selected_rank", "failed_tender", "tie_unresolved"]  # fmt: skip
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


class BidResult(Frozen):
    bidder_id: str
    name: Label
    file: str
    price: int
    gates: list[GateCheck]
    clusters: list[ClusterWorking]
    metrics: dict[str, Decimal | None]
    criteria: CriterionScores  # in rubric order; empty when a gate failed
    categories: dict[str, Decimal]  # top-level criterion id → score
    technical: Technical | None
    within_budget: bool | None
    total: Decimal | None
    status: Status
    rank: int | None
    rank_decided_by: str | None  # "total", a tie-break key, or None (unranked or tied on every key)
    reasons: list[Reason]


class Outcome(Frozen):
    kind: Literal["awarded", "negotiation", "failed_tender", "tie_unresolved"]
    winners: list[str]
    valid_bids: int
    tied: list[str]  # bidders a lot must decide between (tie_unresolved)


class ResultWarning(Frozen):
    code: Literal["panel_spread", "tie_unresolved", "uncertain_gpu_figure"]
    bidder: str | None = None
    criterion: str | None = None
    detail: dict[str, Scalar | list[str]] = {}


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

    def bid(self, bidder_id: str) -> BidResult:
        return next(b for b in self.bids if b.bidder_id == bidder_id)
