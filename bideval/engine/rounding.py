"""Exact values, and the one place they are rounded.

Scores are worked out exactly: quotients as `Fraction`s, sums and differences of Decimals in
the `EXACT` context below. A value becomes a rounded `Decimal` once, where the rubric says
(DESIGN §2.1 `rounding`: leaf scores and panel means to `places`, metric ratios to
`metric_places`), so no digit depends on a working precision.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, Inexact, Rounded
from fractions import Fraction

# The engine's Decimal arithmetic runs in this one context, used explicitly (EXACT.add,
# EXACT.subtract, EXACT.multiply): it has room for any number of digits, so every result is
# exact, and a result that were not would raise (Inexact, Rounded) instead of losing a digit.
# It never divides: a quotient is a Fraction, rounded by `round_to`.
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact, Rounded])

MODES = ("half_up", "half_even", "down")  # DESIGN §2.1 rounding.mode

Exact = Fraction | Decimal | int


def round_to(value: Exact, places: int, mode: str = "half_up") -> Decimal:
    """`value` rounded to `places` decimals (see `round_quotient`)."""
    return round_quotient(value, 1, places, mode)


def round_quotient(dividend: Exact, divisor: Exact, places: int, mode: str = "half_up") -> Decimal:
    """dividend ÷ divisor (divisor > 0), exact, rounded once to `places` decimals.

    half_up rounds a half away from zero (사사오입, brief §2: "rounded at the 5th decimal"),
    half_even to the even neighbour, down drops the rest. Worked in integers: the quotient is
    numerator ÷ denominator, and the part dropped is compared with one half exactly."""
    if isinstance(dividend, float) or isinstance(divisor, float):  # a float has already lost the exact value
        raise TypeError("round_to takes exact values (Fraction, Decimal, int), not float")
    if mode not in MODES:
        raise ValueError(f"unknown rounding mode {mode!r}")
    top, bottom = dividend.as_integer_ratio()  # exact, bottom > 0
    per, over = divisor.as_integer_ratio()
    numerator, denominator = top * over, bottom * per
    whole, rest = divmod(abs(numerator) * 10**places, denominator)  # rest ÷ denominator: the part dropped
    if mode == "half_up" and 2 * rest >= denominator or mode == "half_even" and (2 * rest > denominator or (2 * rest == denominator and whole % 2 == 1)):
        whole += 1
    return Decimal(-whole if numerator < 0 else whole).scaleb(-places, EXACT)


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """The sum of Decimals, exact at any length (the default context keeps 28 digits)."""
    total = Decimal(0)
    for value in values:
        total = EXACT.add(total, value)
    return total


def clamp(value: Fraction, low: Fraction = Fraction(0), high: Fraction = Fraction(1)) -> Fraction:
    return max(low, min(high, value))


def plain(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation: 3345.20 → 3345.2, 1E+3 → 1000.
    Exact at any length (the default context would round a 29th digit away)."""
    if value == value.to_integral_value():
        return value.quantize(_ONE, context=_TRIM)
    return value.normalize(_TRIM)


_ONE = Decimal(1)
# Like EXACT, but dropping zeros is allowed: it raises Rounded, yet loses nothing.
_TRIM = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact])
