"""The scoring methods of a rubric (DESIGN §2.1), each a pure function that is its formula.

A method takes the criterion, this bid's value and its peers (the values of every bid that
passed the gates, for the relative methods), and returns the exact share of the criterion's
points it earns, 0…1, with the inputs it used (the working the report prints). The caller
rounds once: points × share to the rubric's places (`criteria.score_computed`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

from bideval.engine.rounding import clamp
from bideval.model.rubric import Criterion


class MethodError(ValueError):
    """The value cannot be scored by this method (e.g. a zero where a ratio needs more than 0)."""


@dataclass(frozen=True)
class Share:
    """What a method gives one bid: the exact share of the criterion's points, and its working."""

    ratio: Fraction  # 0 … 1
    inputs: dict[str, Any]


class Peers:
    """The values of every bid that passed the gates. A relative method takes its best from
    them; the lowest and highest are found once per criterion, not once per bid."""

    def __init__(self, values: Sequence[Any]):
        self.values = tuple(values)

    @cached_property
    def lowest(self) -> Decimal:
        """The lowest value; among equal ones the first, spelled as that bid gave it."""
        return min(self._numbers)

    @cached_property
    def highest(self) -> Decimal:
        return max(self._numbers)

    @property
    def _numbers(self) -> tuple[Decimal, ...]:
        for value in self.values:
            _require_number(value)
        return self.values


def _require_number(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise MethodError(f"needs a number, got {value!r}")


def ratio_to_best(c: Criterion, value: Any, peers: Peers) -> Share:
    """`ratio_to_best` (DESIGN §2.1; the UK / World Bank price score `max × lowest / this`, brief §2).
    better: lower → best ÷ this; better: higher → this ÷ best; best among the bids that passed the gates."""
    _require_number(value)
    if value < 0 or (c.better == "lower" and value == 0):
        raise MethodError(f"ratio_to_best needs values greater than 0, got {value}")
    if c.better == "lower":
        best = peers.lowest
        ratio = Fraction(best) / Fraction(value)
    else:
        best = peers.highest
        ratio = Fraction(value) / Fraction(best) if best else Fraction(0)
    return Share(ratio, {"value": value, "best": best})


def linear(c: Criterion, value: Any, peers: Peers) -> Share:
    """`linear` (DESIGN §2.1): (this − zero_at) ÷ (full_at − zero_at), kept within 0…1."""
    _require_number(value)
    ratio = (Fraction(value) - Fraction(c.zero_at)) / (Fraction(c.full_at) - Fraction(c.zero_at))  # type: ignore[arg-type]
    return Share(clamp(ratio), {"value": value})


def bands(c: Criterion, value: Any, peers: Peers) -> Share:
    """`bands` (DESIGN §2.1): the ratio of the first band the value falls in (at_least: ≥, at_most: ≤), else 0."""
    _require_number(value)
    for number, band in enumerate(c.bands or (), start=1):
        hit = value >= band.at_least if band.at_least is not None else value <= band.at_most  # type: ignore[operator]
        if hit:
            return Share(Fraction(band.ratio), {"value": value, "band": number})
    return Share(Fraction(0), {"value": value, "band": None})


def boolean(c: Criterion, value: Any, peers: Peers) -> Share:
    """`boolean` (DESIGN §2.1): all the points if true, none if false."""
    if not isinstance(value, bool):
        raise MethodError(f"needs true or false, got {value!r}")
    return Share(Fraction(int(value)), {"value": value})


def korean_price(c: Criterion, value: Any, peers: Peers) -> Share:
    """The price score of Korean negotiated contracts (협상에 의한 계약, brief §2), E the estimated price:
    bid ≥ 0.8E: points × lowest ÷ bid;
    bid < 0.8E: points × lowest ÷ 0.8E + 2 × (0.8E − bid) ÷ (0.8E − 0.6E);
    a bid or lowest price under 0.6E counts as 0.6E; the score is kept within 0…points."""
    _require_number(value)
    bid, points = Fraction(value), Fraction(c.points)
    estimate = Fraction(c.estimated_price)  # type: ignore[arg-type]
    floor, eighty = estimate * Fraction(6, 10), estimate * Fraction(8, 10)
    lowest = max(Fraction(peers.lowest), floor)
    if bid >= eighty:
        score = points * lowest / bid
    else:
        score = points * lowest / eighty + 2 * (eighty - max(bid, floor)) / (eighty - floor)
    inputs = {"value": value, "lowest": _as_decimal(lowest), "estimated_price": c.estimated_price,
              "low_price_rule": bid < eighty}  # fmt: skip
    return Share(clamp(score / points), inputs)


def _as_decimal(value: Fraction) -> Decimal | int:
    """The lowest price as the working shows it. It is a bid's Decimal or 0.6 × an integer E, so its
    decimal expansion ends and the division is exact."""
    return value.numerator if value.denominator == 1 else Decimal(value.numerator) / value.denominator


# The one-line formula each method prints in the report and results.json, in both languages.


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


def _linear_formula(c: Criterion) -> dict[str, str]:
    return {
        "en": f"points × ({c.metric} - {c.zero_at}) ÷ ({c.full_at} - {c.zero_at}), kept within 0…points",
        "ko": f"배점 × ({c.metric} - {c.zero_at}) ÷ ({c.full_at} - {c.zero_at}), 0~배점 범위로 제한",
    }


def _band_text(c: Criterion, lang: str) -> str:
    parts = []
    for b in c.bands or ():
        bound = f"≥ {b.at_least}" if b.at_least is not None else f"≤ {b.at_most}"
        parts.append(f"{bound} → {b.ratio}")
    return "; ".join(parts) + ("; 그 외 0" if lang == "ko" else "; otherwise 0")


def _bands_formula(c: Criterion) -> dict[str, str]:
    return {
        "en": f"points × ratio of the first band {c.metric} falls in: {_band_text(c, 'en')}",
        "ko": f"배점 × {c.metric}이(가) 처음 해당하는 구간의 비율: {_band_text(c, 'ko')}",
    }


def _boolean_formula(c: Criterion) -> dict[str, str]:
    return {"en": f"full points if {c.source} is true, otherwise 0", "ko": f"{c.source}이(가) 참이면 배점 전부, 아니면 0"}


def _korean_price_formula(c: Criterion) -> dict[str, str]:
    return {
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
    }


def _judged_formula(c: Criterion) -> dict[str, str]:
    if c.scale == "points":
        return {"en": "trimmed panel mean of raw points (0…points)", "ko": "평가위원 점수(0~배점)의 절사 평균"}
    return {"en": "points × trimmed panel mean (0…100 %) ÷ 100", "ko": "배점 × 평가위원 점수(0~100%)의 절사 평균 ÷ 100"}


@dataclass(frozen=True)
class Method:
    name: str
    relative: bool  # its score depends on the other bids' values
    formula: Callable[[Criterion], dict[str, str]]
    score: Callable[[Criterion, Any, Peers], Share] | None  # None: scored by the panel (`panel.aggregate`)


REGISTRY: dict[str, Method] = {
    "ratio_to_best": Method("ratio_to_best", True, _ratio_formula, ratio_to_best),
    "linear": Method("linear", False, _linear_formula, linear),
    "bands": Method("bands", False, _bands_formula, bands),
    "boolean": Method("boolean", False, _boolean_formula, boolean),
    "korean_price": Method("korean_price", True, _korean_price_formula, korean_price),
    "judged": Method("judged", False, _judged_formula, None),
}
