"""A fast path for JSON input files: the standard library's C parser instead of YAML composition.

JSON is YAML to bideval, and the YAML reader stays the authority: this path only ever
*accepts* a file the YAML reader would read to the same values. Anything it is not sure of —
a syntax error, a duplicate key, NaN, a number out of range, deep nesting, a top level that is
not a mapping — makes it step aside (return None), and the YAML reader reads the file and
reports the problems with their lines. A 10,000-bid score file takes ~0.02 s here instead of
~1.5 s of YAML composition.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from typing import Any

from bideval.load.limits import MAX_DECIMAL_EXPONENT, MAX_DEPTH, MAX_INT_DIGITS


class _StepAside(Exception):
    """The YAML reader must read this file (it will say what is wrong)."""


@lru_cache(maxsize=4096)  # score files repeat the same few numbers: one Decimal object for each
def _decimal(text: str) -> Decimal:
    value = Decimal(text)
    if abs(value.adjusted()) > MAX_DECIMAL_EXPONENT:  # zero too, as the YAML reader
        raise _StepAside
    return value


def _constant(text: str) -> Any:
    raise _StepAside  # NaN, Infinity, -Infinity


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):  # a duplicate key: the YAML reader names both lines
        raise _StepAside
    if any(len(key) > _LONGEST_KEY for key in mapping):
        raise _StepAside  # YAML refuses a key of over 1,024 characters as written (escapes count)
    return mapping


_LONGEST_KEY = 80  # decoded; at most 12 characters each as written (a surrogate pair), so < 1,024


def parse_json(text: str) -> dict[str, Any] | None:
    """The file's data if it is plain, unproblematic JSON with a mapping at the top; else None."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(text, parse_float=_decimal, parse_constant=_constant, object_pairs_hook=_mapping)
    except (_StepAside, ValueError, RecursionError):
        return None
    return data if _plain_enough(data) else None


def _plain_enough(value: Any) -> bool:
    """No deeper than the YAML reader allows (it counts mappings and lists inside one another),
    and no integer longer than it reads: one pass over every value, level by level."""
    level, depth = [value], 0
    while True:
        containers = [node for node in level if isinstance(node, (dict, list))]
        if any(type(node) is int and not -_INT_LIMIT < node < _INT_LIMIT for node in level):
            return False
        if not containers:
            return True
        depth += 1
        if depth > MAX_DEPTH:
            return False
        level = [child for node in containers for child in (node.values() if isinstance(node, dict) else node)]


_INT_LIMIT = 10**MAX_INT_DIGITS  # 19 digits at most, as the YAML reader
