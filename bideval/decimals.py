"""Exact rounding of exact values.

Intermediate arithmetic is done on `Fraction`s (exact); a value becomes a `Decimal` only
when the rubric says it is rounded, so no digit depends on a working precision.
"""

from __future__ import annotations

from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, Inexact, Rounded
from fractions import Fraction

from bideval.memory import Pool

Exact = Fraction | Decimal | int
# Addition, multiplication and scaling in this context are exact or raise: it has room
# for any number of digits (libmpdec allocates only the digits a value has). Never divide in it.
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact, Rounded])


def round_to(value: Exact, places: int, mode: str = "half_up") -> Decimal:
    """Round `value` to `places` decimals. half_up rounds halves away from zero (사사오입)."""
    if isinstance(value, float):  # a float has already lost the exact value
        raise TypeError("round_to takes exact values (Fraction, Decimal, int), not float")
    return round_ratio(*value.as_integer_ratio(), places, mode)


def round_ratio(numerator: int, denominator: int, places: int, mode: str = "half_up") -> Decimal:
    """Round the exact quotient numerator ÷ denominator (denominator > 0) to `places` decimals.

    Integers only: no Fraction is built, which matters at a million panel scores."""
    numerator *= 10**places
    sign = -1 if numerator < 0 else 1
    whole, rest = divmod(abs(numerator), denominator)
    twice = 2 * rest  # compare the remainder with one half in integers: exact and fast
    if mode == "down":
        pass
    elif mode == "half_up":
        whole += twice >= denominator
    elif mode == "half_even":
        whole += twice > denominator or (twice == denominator and whole % 2 == 1)
    else:
        raise ValueError(f"unknown rounding mode {mode!r}")
    return _ROUNDED[sign * whole, places]


# (digits, places) -> Decimal: the same few thousand results recur across a large evaluation
_ROUNDED = Pool(lambda key: Decimal(key[0]).scaleb(-key[1], EXACT))


def clamp(value: Fraction, low: Fraction = Fraction(0), high: Fraction = Fraction(1)) -> Fraction:
    return max(low, min(high, value))


def plain(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation: 3345.20 → 3345.2, 1E+3 → 1000."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
