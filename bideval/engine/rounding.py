"""Exact rounding of exact values.

Intermediate arithmetic is done on `Fraction`s (exact); a value becomes a `Decimal` only
when the rubric says it is rounded, so no digit depends on a working precision.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, Inexact, Rounded, getcontext, localcontext
from fractions import Fraction

from bideval.memory import Pool

Exact = Fraction | Decimal | int
# Addition, multiplication and scaling in this context are exact or raise: it has room
# for any number of digits (libmpdec allocates only the digits a value has). Never divide in it.
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact, Rounded])


@contextmanager
def exact_operators() -> Iterator[None]:
    """Decimal `+`, `-` and `sum()` work in the EXACT context inside the block. In the hot loop
    of scoring they cost half as much as `EXACT.add` calls. Never divide inside: EXACT has no
    room for a quotient that does not end."""
    with localcontext(EXACT):
        yield


def operators_are_exact() -> bool:
    return getcontext().prec == MAX_PREC


def round_to(value: Exact, places: int, mode: str = "half_up") -> Decimal:
    """Round `value` to `places` decimals. half_up rounds halves away from zero (사사오입)."""
    if isinstance(value, float):  # a float has already lost the exact value
        raise TypeError("round_to takes exact values (Fraction, Decimal, int), not float")
    return round_ratio(*value.as_integer_ratio(), places, mode)


def round_ratio(numerator: int, denominator: int, places: int, mode: str = "half_up") -> Decimal:
    """Round the exact quotient numerator ÷ denominator (denominator > 0) to `places` decimals.

    Integers only: no Fraction is built, which matters at a million panel scores."""
    negative = numerator < 0
    whole, rest = divmod(-numerator * 10**places if negative else numerator * 10**places, denominator)
    if rest:  # compare the remainder with one half in integers: exact and fast
        twice = 2 * rest
        if mode == "half_up":
            whole += twice >= denominator
        elif mode == "half_even":
            whole += twice > denominator or (twice == denominator and whole % 2 == 1)
        elif mode != "down":
            raise ValueError(f"unknown rounding mode {mode!r}")
    elif mode not in _MODES:
        raise ValueError(f"unknown rounding mode {mode!r}")
    return _ROUNDED[places][-whole if negative else whole]


_MODES = ("half_up", "half_even", "down")
# places -> (digits -> Decimal): the same few thousand results recur across a large evaluation
_ROUNDED = Pool(lambda places: Pool(lambda digits: Decimal(digits).scaleb(-places, EXACT)), limit=64)


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
