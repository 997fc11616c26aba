"""Limits every input file is held to, whichever reader reads it."""

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 100  # no bideval file needs more than about 10
MAX_INT_DIGITS = 19  # beyond any price or count we accept; keeps arithmetic bounded
MAX_DECIMAL_EXPONENT = 18
# A number's text, sign, point and exponent included: far beyond any real number (the exact
# decimals of the corpus have 31 digits), yet well below Python's int-string limit of 4,300
# digits. Longer ones are refused before any conversion, and counted, not echoed, in the message
# (issue 18 §8); shorter ones get the usual "too large" / "out of range", which quote them.
MAX_NUMBER_CHARS = 1000


def too_long(text: str) -> str:
    """The message for a number of absurd length: its digits counted, never echoed."""
    return f"number of {sum(c.isdigit() for c in text):,} digits is out of range"
