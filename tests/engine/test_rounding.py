"""round_to: exact rounding of exact values (DESIGN §2.1 `rounding`: places + mode, default half-up).

Every expected value below is worked by hand. Sources of the rules:
- half_up = 사사오입 (Korean public-procurement rounding, brief §2: "Rounded at the 5th decimal
  (4 places kept)"): a half rounds away from zero.
- half_even = banker's rounding (IEEE 754 / Python `decimal.ROUND_HALF_EVEN`): a half rounds to
  the even neighbour.
- down = 절사 (truncation toward zero, like `decimal.ROUND_DOWN`).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bideval.engine.rounding import EXACT, clamp, exact_sum, plain, round_to

_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}


@pytest.mark.parametrize(
    ("value", "places", "mode", "expected"),
    [
        # half_up: exact halves go away from zero.
        (Fraction(5, 2), 0, "half_up", "3"),  # 2.5 → 3
        (Fraction(-5, 2), 0, "half_up", "-3"),  # −2.5 → −3 (away from zero, not toward +∞)
        (Decimal("0.5"), 0, "half_up", "1"),
        (Decimal("-0.5"), 0, "half_up", "-1"),
        (Decimal("1.00005"), 4, "half_up", "1.0001"),  # 5th decimal exactly 5 → up
        (Decimal("-1.00005"), 4, "half_up", "-1.0001"),
        (Decimal("1.000049999"), 4, "half_up", "1.0000"),  # just under a half → down
        (Decimal("2.675"), 2, "half_up", "2.68"),  # the float 2.675 is 2.67499…; exact decimal is a half
        # half_even: a half goes to the even neighbour.
        (Fraction(5, 2), 0, "half_even", "2"),  # 2.5 → 2 (2 is even)
        (Fraction(7, 2), 0, "half_even", "4"),  # 3.5 → 4 (4 is even)
        (Fraction(-5, 2), 0, "half_even", "-2"),
        (Fraction(-7, 2), 0, "half_even", "-4"),
        (Decimal("1.00005"), 4, "half_even", "1.0000"),  # 1.0000|5 → last kept digit 0 is even → stays
        (Decimal("1.00015"), 4, "half_even", "1.0002"),  # 1.0001|5 → 1 is odd → up to 2
        (Decimal("1.000051"), 4, "half_even", "1.0001"),  # more than a half → up, whatever the parity
        # down: truncation toward zero, for both signs.
        (Decimal("2.9999"), 0, "down", "2"),
        (Decimal("-2.9999"), 0, "down", "-2"),  # toward zero, not toward −∞
        (Fraction(2, 3), 4, "down", "0.6666"),
        (Fraction(-2, 3), 4, "down", "-0.6666"),
        # Non-terminating fractions.
        (Fraction(2, 3), 4, "half_up", "0.6667"),  # 0.6666|66… → up
        (Fraction(-2, 3), 4, "half_up", "-0.6667"),
        (Fraction(1, 3), 4, "half_up", "0.3333"),  # 0.3333|33… → down
        (Fraction(256, 3), 4, "half_up", "85.3333"),  # 85.3333|33…
        # Integers keep the requested number of places.
        (18, 4, "half_up", "18.0000"),
        (7, 0, "down", "7"),
    ],
)
def test_round_to_hand_worked(value, places, mode, expected):
    result = round_to(value, places, mode)
    assert isinstance(result, Decimal)
    assert result == Decimal(expected)
    # The exponent is the number of places asked for, so "18.0000" prints as such.
    assert str(result) == expected


def test_default_mode_is_half_up():
    """DESIGN §2.1: rounding mode defaults to half-up. 0.125 to 2 places → 0.13."""
    assert round_to(Decimal("0.125"), 2) == Decimal("0.13")


def test_small_negative_rounds_to_plain_zero():
    """−0.1 to 0 places → 0 in every mode; the result prints as "0", never "-0"."""
    for mode in ("half_up", "half_even", "down"):
        assert str(round_to(Fraction(-1, 10), 0, mode)) == "0"


def test_no_float_precision_loss_on_large_money():
    """Exactness beyond the 53-bit float mantissa (≈ 15–16 significant digits).

    12,345,678,901,234,567,890.125 has 23 significant digits; as a float it would already be
    12345678901234567168. Exact half-up to 2 places: …890.125 → …890.13.
    1,459,000,000,000 / 13,136 (brief §1: KRW 1.459 trillion for 13,136 GPUs):
    13,136 × 111,068,818 = 1,458,999,993,248; remainder 6,752; 6,752 / 13,136 = 0.51400…
    → 111,068,818.514007… → 4 places half-up 111,068,818.5140.
    """
    assert round_to(Decimal("12345678901234567890.125"), 2) == Decimal("12345678901234567890.13")
    assert round_to(Fraction(1_459_000_000_000, 13_136), 4) == Decimal("111068818.5140")


def test_unknown_mode_is_rejected():
    with pytest.raises(ValueError):
        round_to(Decimal("1.5"), 0, "ceiling")


def test_clamp_to_unit_interval():
    """decimals.clamp keeps a ratio within [0, 1] (DESIGN §2.1 linear: "clamped to [0, points]")."""
    assert clamp(Fraction(-1, 6)) == 0
    assert clamp(Fraction(7, 6)) == 1
    assert clamp(Fraction(1, 2)) == Fraction(1, 2)


def test_round_to_refuses_floats():
    """2.675 as a float is 2.67499999…; rounding it would print 2.67 where the rubric means 2.68."""
    with pytest.raises(TypeError):
        round_to(2.675, 2)


@pytest.mark.parametrize(
    ("numerator", "denominator", "places", "mode", "expected"),
    [
        (430, 5, 4, "half_up", "86.0000"),  # brief §2 panel: (80+85+85+90+90) ÷ 5
        (1, 3, 4, "half_up", "0.3333"),
        (2, 3, 4, "down", "0.6666"),  # 절사
        (-2, 3, 4, "half_up", "-0.6667"),
        (5, 2, 0, "half_even", "2"),  # 2.5 → even neighbour
        (7, 2, 0, "half_even", "4"),  # 3.5 → even neighbour
        (-1, 1000, 2, "half_up", "0.00"),  # no negative zero
        # 31 significant digits: beyond the default 28-digit context, still exact
        (10**31 + 5, 10, 0, "half_up", "1000000000000000000000000000001"),
    ],
)
def test_round_to_hand_worked_quotients(numerator: int, denominator: int, places: int, mode: str, expected: str) -> None:
    assert str(round_to(Fraction(numerator, denominator), places, mode)) == expected


@given(st.integers(-(10**40), 10**40), st.integers(1, 10**12), st.integers(0, 10), st.sampled_from(sorted(_MODES)))
def test_round_to_agrees_with_decimal_quantize(numerator: int, denominator: int, places: int, mode: str) -> None:
    """round_to's integer arithmetic gives what Python's decimal module gives for the same quotient.

    The quotient is taken to 200 digits first: with a denominator of at most 10^12, a run of
    more than 12 nines (or zeros) cannot follow the digits quantize looks at, so those 200
    digits round exactly like the exact value."""
    wide = Context(prec=200)
    quotient = wide.divide(Decimal(numerator), Decimal(denominator))
    expected = quotient.quantize(Decimal(1).scaleb(-places), rounding=_MODES[mode], context=wide)
    got = round_to(Fraction(numerator, denominator), places, mode)
    assert got == expected
    assert got.as_tuple().exponent == -places


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("27.0", "27"), ("3345.20", "3345.2"), ("1E+3", "1000"), ("-0.0", "-0"), ("0E-5", "0"),
        # 31 significant digits: the default context (28 digits) would round the last ones away
        ("12.34567890123456789012345678900", "12.345678901234567890123456789"),
        ("1234567890123456789012345678901.0", "1234567890123456789012345678901"),
    ],
)  # fmt: skip
def test_plain_drops_trailing_zeros_and_nothing_else(given: str, expected: str) -> None:
    assert str(plain(Decimal(given))) == expected


def test_exact_sums_never_round() -> None:
    """exact_sum and the EXACT context keep every digit of a sum needing more than 28; Python's
    default context would round it."""
    big = Decimal("1234567890.123456789012345678901")
    assert str(exact_sum([big, big])) == "2469135780.246913578024691357802"
    assert str(EXACT.add(big, big)) == "2469135780.246913578024691357802"
    assert str(big + big) != "2469135780.246913578024691357802"


def test_exact_sums_keep_the_places_of_their_parts() -> None:
    """Totals are sums of rounded parts (DESIGN §2.1) and print with their places: 18.0000 + 30.5000."""
    assert str(exact_sum([Decimal("18.0000"), Decimal("30.5000")])) == "48.5000"
    assert str(exact_sum([])) == "0"


def test_the_exact_context_refuses_to_round() -> None:
    """An operation that would drop a digit raises in EXACT instead of rounding silently."""
    from decimal import Inexact

    with pytest.raises(Inexact):
        EXACT.quantize(Decimal("1.25"), Decimal("0.1"))
