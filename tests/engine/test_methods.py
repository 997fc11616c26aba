"""Scoring methods (bideval.engine.methods.REGISTRY) against hand-worked examples.

Each method returns the exact share of the criterion's points (`Share.ratio`, a Fraction);
the caller multiplies by the points and rounds once (DESIGN §2.1 `rounding`). Where the
rounded score matters (korean_price, brief §2 "rounded at the 5th decimal, 4 places kept"),
the test goes through `score_bids`, the real caller.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from bideval.engine.criteria import score_bids
from bideval.engine.methods import REGISTRY, MethodError, Peers, Share
from bideval.model.bid import Bid
from bideval.model.rubric import Criterion, Rubric

E = 1_000_000_000  # estimated price (추정가격) used in the korean_price examples
# 0.8E = 800,000,000 and 0.6E = 600,000,000; 0.8E − 0.6E = 200,000,000.


def criterion(**params) -> Criterion:
    return Criterion.model_validate({"id": "item", "label": "Item", **params})


def share_of(c: Criterion, value, peers: list) -> Share:
    """The method's share and working for `value`, among `peers` (every bid that passed the gates)."""
    return REGISTRY[c.method].score(c, value, Peers(peers))


def score(c: Criterion, value, peers: list) -> Fraction:
    return share_of(c, value, peers).ratio


# ---------------------------------------------------------------------------------------------
# ratio_to_best — DESIGN §2.1: lower → points × best/this, higher → points × this/best
# (also the UK / World Bank price score `max × lowest / this`, brief §2 "Elsewhere").
# ---------------------------------------------------------------------------------------------

LOWER = dict(points=10, method="ratio_to_best", metric="price_per_pflops", better="lower")
HIGHER = dict(points=10, method="ratio_to_best", metric="public_gpu_share", better="higher")


def test_ratio_to_best_lower_is_better():
    """DESIGN §2.1 ratio_to_best, better: lower. Values 50, 40, 80 → best = 40.

    50: 10 × 40/50 = 8 (ratio 4/5); 80: 10 × 40/80 = 5 (ratio 1/2); 40: 10 × 40/40 = 10 (ratio 1).
    """
    c = criterion(**LOWER)
    peers = [Decimal(50), Decimal(40), Decimal(80)]
    assert score(c, Decimal(50), peers) == Fraction(4, 5)
    assert score(c, Decimal(80), peers) == Fraction(1, 2)
    assert score(c, Decimal(40), peers) == 1
    scored = share_of(c, Decimal(50), peers)
    assert scored.inputs["best"] == Decimal(40)
    assert scored.inputs["value"] == Decimal(50)


def test_ratio_to_best_higher_is_better():
    """DESIGN §2.1 ratio_to_best, better: higher. Values 0.6, 0.8, 0.75 → best = 0.8.

    0.6: 10 × 0.6/0.8 = 7.5 (ratio 3/4); 0.75: 10 × 0.75/0.8 = 9.375 (ratio 15/16); 0.8 → 1.
    """
    c = criterion(**HIGHER)
    peers = [Decimal("0.6"), Decimal("0.8"), Decimal("0.75")]
    assert score(c, Decimal("0.6"), peers) == Fraction(3, 4)
    assert score(c, Decimal("0.75"), peers) == Fraction(15, 16)
    assert score(c, Decimal("0.8"), peers) == 1
    assert share_of(c, Decimal("0.6"), peers).inputs["best"] == Decimal("0.8")


def test_ratio_to_best_higher_with_best_zero_scores_zero():
    """DESIGN §2.1 ratio_to_best, higher: if every bid has 0 the best is 0; this/best is undefined,
    and nobody offered anything, so each bid earns 0 (no ZeroDivisionError)."""
    c = criterion(**HIGHER)
    assert score(c, Decimal(0), [Decimal(0), Decimal(0)]) == 0


@pytest.mark.parametrize("bad", [Decimal(0), Decimal(-5), 0, -1])
def test_ratio_to_best_lower_rejects_zero_and_negative(bad):
    """DESIGN §2.1: best/this needs this > 0; a zero or negative value cannot be scored
    (MethodError, reported as a problem naming the bid)."""
    c = criterion(**LOWER)
    with pytest.raises(MethodError):
        share_of(c, bad, [Decimal(40), bad])


def test_ratio_to_best_higher_rejects_negative():
    """A negative value gives a negative ratio: not a share of the points (MethodError)."""
    c = criterion(**HIGHER)
    with pytest.raises(MethodError):
        share_of(c, Decimal(-1), [Decimal(-1), Decimal(2)])


@pytest.mark.parametrize("bad", [True, "40", 40.0])
def test_ratio_to_best_rejects_non_numbers(bad):
    """Numbers are int or Decimal only (DESIGN §3: never floats; a boolean is not a number)."""
    c = criterion(**LOWER)
    with pytest.raises(MethodError):
        share_of(c, bad, [Decimal(40)])


# ---------------------------------------------------------------------------------------------
# linear — DESIGN §2.1: straight line through (zero_at, 0) and (full_at, points), clamped.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal(25), Fraction(1, 4)),  # (25 − 0)/(100 − 0) = 1/4 → 10 × 1/4 = 2.5 points
        (Decimal(0), Fraction(0)),  # at zero_at → 0
        (Decimal(100), Fraction(1)),  # at full_at → full points
        (Decimal(-10), Fraction(0)),  # (−10)/100 = −0.1 → clamped to 0
        (Decimal(150), Fraction(1)),  # 150/100 = 1.5 → clamped to 1
    ],
)
def test_linear_higher_is_better_with_clamping(value, expected):
    """DESIGN §2.1 linear, zero_at 0, full_at 100, points 10."""
    c = criterion(points=10, method="linear", metric="facts.score", zero_at=0, full_at=100)
    assert score(c, value, []) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal(90), Fraction(1, 2)),  # (90 − 120)/(60 − 120) = −30/−60 = 1/2 → 5 points
        (Decimal(75), Fraction(3, 4)),  # (75 − 120)/(−60) = −45/−60 = 3/4
        (Decimal(60), Fraction(1)),  # at full_at
        (Decimal(120), Fraction(0)),  # at zero_at
        (Decimal(50), Fraction(1)),  # (50 − 120)/(−60) = 7/6 → clamped to 1
        (Decimal(130), Fraction(0)),  # (130 − 120)/(−60) = −1/6 → clamped to 0
    ],
)
def test_linear_lower_is_better_full_at_below_zero_at(value, expected):
    """DESIGN §2.1 linear with full_at < zero_at (lower is better), e.g. days to service:
    full points at 60 days or fewer, none at 120 or more; points 10."""
    c = criterion(points=10, method="linear", metric="facts.days", zero_at=120, full_at=60)
    assert score(c, value, []) == expected


# ---------------------------------------------------------------------------------------------
# bands — DESIGN §2.1: `bands: [{at_least | at_most, ratio}]`, first match wins, none → 0.
# Cluster-size bands from brief §1 (256 nodes suggested minimum, 512 nodes proof of skill).
# ---------------------------------------------------------------------------------------------

SIZE_BANDS = [{"at_least": 512, "ratio": 1}, {"at_least": 256, "ratio": Decimal("0.6")}]


@pytest.mark.parametrize(
    ("value", "ratio", "band"),
    [
        (Decimal(600), Fraction(1), 1),  # ≥ 512 → band 1
        (Decimal(512), Fraction(1), 1),  # at_least is inclusive
        (Decimal(511), Fraction(3, 5), 2),  # < 512, ≥ 256 → 0.6
        (Decimal(256), Fraction(3, 5), 2),
        (Decimal(255), Fraction(0), None),  # no band → 0
    ],
)
def test_bands_at_least(value, ratio, band):
    c = criterion(points=5, method="bands", metric="largest_cluster_nodes", bands=SIZE_BANDS)
    scored = share_of(c, value, [])
    assert scored.ratio == ratio
    assert scored.inputs["band"] == band


def test_bands_first_match_wins_even_if_a_later_band_pays_more():
    """DESIGN §2.1 "first match wins": with the bands listed [≥256 → 0.6, ≥512 → 1], a value of
    600 matches the first band (≥256) and gets 0.6, not 1."""
    bands = [{"at_least": 256, "ratio": Decimal("0.6")}, {"at_least": 512, "ratio": 1}]
    c = criterion(points=5, method="bands", metric="largest_cluster_nodes", bands=bands)
    scored = share_of(c, Decimal(600), [])
    assert scored.ratio == Fraction(3, 5)
    assert scored.inputs["band"] == 1


@pytest.mark.parametrize(
    ("value", "ratio"),
    [
        (Decimal(20), Fraction(1)),  # ≤ 30 and ≤ 60: first (≤ 30) wins → 1
        (Decimal(30), Fraction(1)),  # at_most is inclusive
        (Decimal(31), Fraction(1, 2)),  # only ≤ 60 → 0.5
        (Decimal(60), Fraction(1, 2)),
        (Decimal(61), Fraction(0)),  # no band → 0
    ],
)
def test_bands_at_most(value, ratio):
    """at_most bands (lower is better), e.g. PUE or days: [≤ 30 → 1, ≤ 60 → 0.5]."""
    bands = [{"at_most": 30, "ratio": 1}, {"at_most": 60, "ratio": Decimal("0.5")}]
    c = criterion(points=5, method="bands", metric="facts.days", bands=bands)
    assert score(c, value, []) == ratio


def test_bands_mixed_at_least_and_at_most():
    """[≥ 0.8 → 1, ≤ 0.5 → 0.2]: 0.9 → 1; 0.5 → 0.2; 0.6 matches neither → 0."""
    bands = [{"at_least": Decimal("0.8"), "ratio": 1}, {"at_most": Decimal("0.5"), "ratio": Decimal("0.2")}]
    c = criterion(points=5, method="bands", metric="public_gpu_share", bands=bands)
    assert score(c, Decimal("0.9"), []) == 1
    assert score(c, Decimal("0.5"), []) == Fraction(1, 5)
    assert score(c, Decimal("0.6"), []) == 0


# ---------------------------------------------------------------------------------------------
# boolean — DESIGN §2.1: full points if true.
# ---------------------------------------------------------------------------------------------


def test_boolean_true_false():
    c = criterion(points=5, method="boolean", field="bidder.gpuaas_in_service")
    assert score(c, True, []) == 1
    assert score(c, False, []) == 0


@pytest.mark.parametrize("bad", [1, 0, Decimal(1), "true", "yes", None])
def test_boolean_rejects_non_bool(bad):
    """Only true/false count: the number 1 or the text 'true' is not a boolean (Python has
    True == 1, which must not leak into scoring)."""
    c = criterion(points=5, method="boolean", field="facts.flag")
    with pytest.raises(MethodError):
        share_of(c, bad, [])


# ---------------------------------------------------------------------------------------------
# korean_price — brief §2, Korean negotiated contracts (협상에 의한 계약), price points 20
# (technical : price = 80 : 20), estimated price E = 1,000,000,000.
#   bid ≥ 0.8E: points × lowest / bid
#   bid < 0.8E: points × lowest / (0.8E) + 2 × (0.8E − bid) / (0.8E − 0.6E)
#   a bid (and the lowest bid) below 0.6E counts as 0.6E; score rounded at the 5th decimal.
# ---------------------------------------------------------------------------------------------

KP = dict(points=20, method="korean_price", metric="price", estimated_price=E)


def test_korean_price_bids_at_or_above_80_percent():
    """brief §2, bid ≥ 80% of E. Bids 900,000,000 and 1,000,000,000 → lowest 900,000,000.

    1,000,000,000: 20 × 900,000,000 / 1,000,000,000 = 18 → ratio 18/20 = 9/10.
    900,000,000:   20 × 900,000,000 / 900,000,000 = 20 → ratio 1.
    """
    c = criterion(**KP)
    peers = [900_000_000, 1_000_000_000]
    assert score(c, 1_000_000_000, peers) == Fraction(9, 10)
    assert score(c, 900_000_000, peers) == 1
    scored = share_of(c, 1_000_000_000, peers)
    assert scored.inputs["lowest"] == 900_000_000
    assert scored.inputs["low_price_rule"] is False


def test_korean_price_bid_below_80_percent():
    """brief §2, bid < 80% of E (the formula with the +2 term). Bids 700,000,000 and 900,000,000.

    lowest = 700,000,000.
    700,000,000 (< 0.8E): 20 × 700,000,000 / 800,000,000 + 2 × (800,000,000 − 700,000,000) / 200,000,000
                        = 17.5 + 2 × 0.5 = 18.5 → ratio 18.5/20 = 37/40.
    900,000,000 (≥ 0.8E): 20 × 700,000,000 / 900,000,000 = 140/9 = 15.5555… → ratio 7/9.
    """
    c = criterion(**KP)
    peers = [700_000_000, 900_000_000]
    assert score(c, 700_000_000, peers) == Fraction(37, 40)
    assert score(c, 900_000_000, peers) == Fraction(7, 9)
    assert share_of(c, 700_000_000, peers).inputs["low_price_rule"] is True


def test_korean_price_bid_below_60_percent_counts_as_60_percent():
    """brief §2: "a bid below 60% of E counted as 60%". Bids 500,000,000 and 900,000,000.

    The 500,000,000 bid counts as 600,000,000, and so does the lowest price:
    20 × 600,000,000 / 800,000,000 + 2 × (800,000,000 − 600,000,000) / 200,000,000 = 15 + 2 = 17
    → ratio 17/20. (Without the floor: 20 × 500/800 + 2 × 300/200 = 12.5 + 3 = 15.5.)
    """
    c = criterion(**KP)
    assert score(c, 500_000_000, [500_000_000, 900_000_000]) == Fraction(17, 20)


def test_korean_price_lowest_below_60_percent_counts_as_60_percent():
    """brief §2 / DESIGN §2.1 korean_price: a lowest price below 0.6E counts as 0.6E for the others.
    Bids 550,000,000 (lowest, < 0.6E) and 900,000,000.

    900,000,000: 20 × 600,000,000 / 900,000,000 = 40/3 = 13.3333… → ratio 2/3.
    (Without the floor: 20 × 550/900 = 12.2222…, ratio 11/18.)
    """
    c = criterion(**KP)
    scored = share_of(c, 900_000_000, [550_000_000, 900_000_000])
    assert scored.ratio == Fraction(2, 3)
    assert scored.inputs["lowest"] == 600_000_000


def test_korean_price_exactly_at_80_percent_uses_the_ordinary_formula():
    """brief §2: the low-price formula applies to bid < 80%; a bid of exactly 0.8E = 800,000,000
    is "≥ 80%". Bids 700,000,000 and 800,000,000: 20 × 700,000,000 / 800,000,000 = 17.5 → 7/8.
    (At exactly 0.8E the two formulas agree — the +2 term is 2 × 0 / 200,000,000 = 0 — so the
    branch shows in the recorded `low_price_rule`.) One won less, 799,999,999, is under 80%.
    """
    c = criterion(**KP)
    peers = [700_000_000, 800_000_000]
    scored = share_of(c, 800_000_000, peers)
    assert scored.ratio == Fraction(7, 8)
    assert scored.inputs["low_price_rule"] is False
    assert share_of(c, 799_999_999, [700_000_000, 799_999_999]).inputs["low_price_rule"] is True


def test_korean_price_ratio_is_clamped_to_one():
    """brief §2 low-price formula with small points (5) can exceed the points; the share is
    clamped to [0, 1] (DESIGN §2.1: a score is a share of the item's points).

    Sole bid 600,000,000 (= 0.6E, < 0.8E), points 5:
    5 × 600,000,000 / 800,000,000 + 2 × (800,000,000 − 600,000,000) / 200,000,000 = 3.75 + 2 = 5.75 > 5
    → raw ratio 5.75/5 = 1.15 → clamped to 1.
    Bid 650,000,000 alone: 5 × 650/800 + 2 × 150/200 = 4.0625 + 1.5 = 5.5625 > 5 → 1.
    """
    c = criterion(points=5, method="korean_price", metric="price", estimated_price=E)
    assert score(c, 600_000_000, [600_000_000]) == 1
    assert score(c, 650_000_000, [650_000_000]) == 1


def test_korean_price_not_clamped_when_within_points():
    """Control for the clamp: points 20, sole bid 600,000,000: 20 × 600/800 + 2 × 200/200
    = 15 + 2 = 17 ≤ 20 → ratio 17/20 (no clamping)."""
    c = criterion(**KP)
    assert score(c, 600_000_000, [600_000_000]) == Fraction(17, 20)


def _price_rubric(mode: str = "half_up") -> Rubric:
    return Rubric.model_validate(
        {
            "schema": "bideval/rubric/v1",
            "id": "kp",
            "title": "Korean price",
            "issuer": "Test",
            "currency": "KRW",
            "evaluation_date": date(2025, 1, 1),
            "rounding": {"places": 4, "mode": mode},
            "criteria": [{"id": "price", "label": "Price", **KP}],
        }
    )


def _bid(bidder: str, price: int) -> Bid:
    return Bid.model_validate({"schema": "bideval/bid/v1", "bidder": {"id": bidder, "name": bidder}, "price": price})


def _price_scores(mode: str, prices: dict[str, int]) -> dict[str, Decimal]:
    rubric = _price_rubric(mode)
    bids = [_bid(b, p) for b, p in prices.items()]
    scores, problems = score_bids(rubric, bids, {b: {} for b in prices}, [])
    assert problems == []
    return {b: next(s.score for s in scores[b] if s.id == "price") for b in prices}


def test_korean_price_rounded_half_up_at_the_fifth_decimal():
    """brief §2: "Rounded at the 5th decimal (4 places kept)", half-up (사사오입).

    Bids 900,002,500 (lowest) and 1,000,000,000, both ≥ 0.8E:
    1,000,000,000: 20 × 900,002,500 / 1,000,000,000 = 18,000,050,000 / 1,000,000,000 = 18.00005
    → 5th decimal is exactly 5 → half-up 18.0001 (half-even would keep 18.0000).
    900,002,500: 20 × 1 = 20.0000.
    """
    got = _price_scores("half_up", {"a": 900_002_500, "b": 1_000_000_000})
    assert got["b"] == Decimal("18.0001")
    assert got["a"] == Decimal("20.0000")
    assert _price_scores("half_even", {"a": 900_002_500, "b": 1_000_000_000})["b"] == Decimal("18.0000")


def test_korean_price_rounded_non_terminating():
    """brief §2 example above: 900,000,000 against lowest 700,000,000 → 140/9 = 15.55555… → 15.5556;
    the 700,000,000 bid → 18.5 → 18.5000."""
    got = _price_scores("half_up", {"a": 700_000_000, "b": 900_000_000})
    assert got["b"] == Decimal("15.5556")
    assert got["a"] == Decimal("18.5000")


def test_registry_lists_every_method():
    """DESIGN §2.1 method names; `judged` has no computed score (the panel scores it)."""
    assert set(REGISTRY) >= {"ratio_to_best", "linear", "bands", "boolean", "korean_price", "judged"}
    assert REGISTRY["judged"].score is None
    assert REGISTRY["ratio_to_best"].relative and REGISTRY["korean_price"].relative
    assert not REGISTRY["linear"].relative
