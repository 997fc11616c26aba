"""Scoring methods (DESIGN §2.1): a registry of pure functions.

Each method takes the criterion, this bid's input value and the values of every bid
that passed the gates (for relative methods), and returns the exact share of the
criterion's points earned plus the inputs it used (the working the report prints).
Rounding to the rubric's places happens once, in the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from bideval.engine.rounding import EXACT, clamp
from bideval.model.rubric import Criterion


class MethodError(ValueError):
    """The input value cannot be scored by this method (e.g. a zero where a ratio needs > 0)."""


class Scored(NamedTuple):  # a tuple: one is made per bid and computed criterion
    ratio: Fraction  # exact share of the points, 0..1
    inputs: dict[str, Any]


@dataclass(frozen=True)
class MethodSpec:
    name: str
    relative: bool  # depends on the other bids' values
    formula: Callable[[Criterion], dict[str, str]]  # one line per language
    score: Callable[[Criterion, Any, list[Any]], Scored] | None  # None: scored by the panel


REGISTRY: dict[str, MethodSpec] = {}


def _register(name: str, *, relative: bool, formula: Callable[[Criterion], dict[str, str]]):
    def wrap(fn: Callable[[Criterion, Any, list[Any]], Scored] | None):
        REGISTRY[name] = MethodSpec(name, relative, formula, fn)
        return fn

    return wrap


def _check_number(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise MethodError(f"needs a number, got {value!r}")


def _need_number(value: Any) -> Fraction:
    _check_number(value)
    return Fraction(value)


class Peers(list):
    """The values of every bid that passed the gates, checked and with their extremes found
    once per criterion — not once per bid (which made relative methods quadratic)."""

    def __init__(self, values: list[Any]):
        super().__init__(values)
        self._extremes: tuple[tuple[Fraction, Any], tuple[Fraction, Any]] | None = None

    def extremes(self) -> tuple[tuple[Fraction, Any], tuple[Fraction, Any]]:
        """((lowest, as given), (highest, as given)) as exact numbers."""
        if self._extremes is None:
            for value in self:
                _check_number(value)
            # Decimal and int compare exactly; among equal values the first is taken, as given.
            lowest, highest = min(self), max(self)
            self._extremes = ((Fraction(lowest), lowest), (Fraction(highest), highest))
        return self._extremes


def _peers(values: list[Any]) -> Peers:
    return values if isinstance(values, Peers) else Peers(values)


def _ratio_formula(c: Criterion) -> dict[str, str]:
    if c.better == "lower":
        return {
            "en": f"points × best ÷ this, best = lowest {c.metric} among bids that passed the gates",
            "ko": f"배점 × 최저값 ÷ 해당값 (최저값: 자격 통과 입찰 중 가장 낮은 {c.metric})",
        }
    return {
        "en": f"points × this ÷ best, best = highest {c.metric} among bids that passed the gates",
        "ko": f"배점 × 해당값 ÷ 최고값 (최고값: 자격 통과 입찰 중 가장 높은 {c.metric})",
    }


@_register("ratio_to_best", relative=True, formula=_ratio_formula)
def ratio_to_best(c: Criterion, value: Any, peers: list[Any]) -> Scored:
    _check_number(value)
    if value < 0 or (c.better == "lower" and value == 0):
        raise MethodError(f"ratio_to_best needs values greater than 0, got {value}")
    lowest, highest = _peers(peers).extremes()
    best, best_value = lowest if c.better == "lower" else highest
    # best ÷ this or this ÷ best as one integer ratio: one Fraction instead of three
    this, per = value.as_integer_ratio()
    top, per_best = best.numerator, best.denominator
    if c.better == "lower":
        ratio = Fraction(top * per, per_best * this)
    else:
        ratio = Fraction(this * per_best, per * top) if top else _NONE
    return Scored(ratio, {"value": value, "best": best_value})


@_register(
    "linear",
    relative=False,
    formula=lambda c: {
        "en": f"points × ({c.metric} - {c.zero_at}) ÷ ({c.full_at} - {c.zero_at}), kept within 0…points",
        "ko": f"배점 × ({c.metric} - {c.zero_at}) ÷ ({c.full_at} - {c.zero_at}), 0~배점 범위로 제한",
    },
)
def linear(c: Criterion, value: Any, peers: list[Any]) -> Scored:
    _check_number(value)
    # (x - zero) ÷ (full - zero) kept within 0…1, worked as one integer ratio: exact, and a
    # single Fraction where Fraction arithmetic and comparisons built five.
    offset, per = EXACT.subtract(value, c.zero_at).as_integer_ratio()  # type: ignore[arg-type]
    span, per_span = EXACT.subtract(c.full_at, c.zero_at).as_integer_ratio()  # type: ignore[arg-type]
    numerator, denominator = offset * per_span, per * span
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    if numerator <= 0:
        return Scored(_NONE, {"value": value})
    if numerator >= denominator:
        return Scored(_ALL, {"value": value})
    return Scored(Fraction(numerator, denominator), {"value": value})


_NONE, _ALL = Fraction(0), Fraction(1)


def _band_text(c: Criterion, lang: str) -> str:
    parts = []
    for b in c.bands or ():
        bound = f"≥ {b.at_least}" if b.at_least is not None else f"≤ {b.at_most}"
        parts.append(f"{bound} → {b.ratio}")
    return "; ".join(parts) + ("; 그 외 0" if lang == "ko" else "; otherwise 0")


@_register(
    "bands",
    relative=False,
    formula=lambda c: {
        "en": f"points × ratio of the first band {c.metric} falls in: {_band_text(c, 'en')}",
        "ko": f"배점 × {c.metric}이(가) 처음 해당하는 구간의 비율: {_band_text(c, 'ko')}",
    },
)
def bands(c: Criterion, value: Any, peers: list[Any]) -> Scored:
    x = _need_number(value)
    for index, band in enumerate(c.bands or ()):
        hit = x >= band.at_least if band.at_least is not None else x <= band.at_most  # type: ignore[operator]
        if hit:
            return Scored(Fraction(band.ratio), {"value": value, "band": index + 1})
    return Scored(Fraction(0), {"value": value, "band": None})


@_register(
    "boolean",
    relative=False,
    formula=lambda c: {
        "en": f"full points if {c.source} is true, otherwise 0",
        "ko": f"{c.source}이(가) 참이면 배점 전부, 아니면 0",
    },
)
def boolean(c: Criterion, value: Any, peers: list[Any]) -> Scored:
    if not isinstance(value, bool):
        raise MethodError(f"needs true or false, got {value!r}")
    return Scored(Fraction(int(value)), {"value": value})


@_register(
    "korean_price",
    relative=True,
    formula=lambda c: {
        "en": (
            "E = estimated price; bid ≥ 0.8E: points × lowest ÷ bid; bid < 0.8E: "
            "points × lowest ÷ 0.8E + 2 × (0.8E - bid) ÷ (0.8E - 0.6E); "
            "a bid or lowest price under 0.6E counts as 0.6E"
        ),
        "ko": (
            "E = 추정가격; 입찰가 ≥ 0.8E: 배점 × 최저입찰가 ÷ 입찰가; 입찰가 < 0.8E: "
            "배점 × 최저입찰가 ÷ 0.8E + 2 × (0.8E - 입찰가) ÷ (0.8E - 0.6E); "
            "0.6E 미만의 입찰가·최저입찰가는 0.6E로 계산"
        ),
    },
)
def korean_price(c: Criterion, value: Any, peers: list[Any]) -> Scored:
    """Price score of Korean negotiated contracts (협상에 의한 계약), brief §2."""
    bid = _need_number(value)
    estimate = Fraction(c.estimated_price)  # type: ignore[arg-type]
    floor, eighty = estimate * Fraction(6, 10), estimate * Fraction(8, 10)
    lowest = max(_peers(peers).extremes()[0][0], floor)
    if bid >= eighty:
        score = Fraction(c.points) * lowest / bid
    else:
        counted = max(bid, floor)
        score = Fraction(c.points) * lowest / eighty + 2 * (eighty - counted) / (eighty - floor)
    inputs = {"value": value, "lowest": _as_decimal(lowest), "estimated_price": c.estimated_price,
              "low_price_rule": bid < eighty}  # fmt: skip
    return Scored(clamp(score / Fraction(c.points)), inputs)


def _as_decimal(value: Fraction) -> Decimal | int:
    return value.numerator if value.denominator == 1 else Decimal(value.numerator) / value.denominator


_register(
    "judged",
    relative=False,
    formula=lambda c: (
        {"en": "trimmed panel mean of raw points (0…points)", "ko": "평가위원 점수(0~배점)의 절사 평균"}
        if c.scale == "points"
        else {"en": "points × trimmed panel mean (0…100 %) ÷ 100", "ko": "배점 × 평가위원 점수(0~100%)의 절사 평균 ÷ 100"}
    ),
)(None)
