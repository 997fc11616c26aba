"""Limits every input file is held to, whichever reader reads it."""

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 100  # no bideval file needs more than about 10
MAX_INT_DIGITS = 19  # beyond any price or count we accept; keeps arithmetic bounded
MAX_DECIMAL_EXPONENT = 18
