"""JSON input files read with the standard library's parser, which is far faster than YAML composition.

JSON is YAML to bideval, and the YAML reader stays the authority: `read_json` only reads a text
the YAML reader would read to the same values. For any other text — a syntax error, a duplicate
key, NaN, a number or nesting over the limits, a top level that is not a mapping, or text that
YAML reads differently from JSON — it returns None, and the YAML reader reads the text and
reports each problem with its line and column.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from bideval.load.limits import MAX_DECIMAL_EXPONENT, MAX_DEPTH, MAX_INT_DIGITS, MAX_NUMBER_CHARS

# Raw characters YAML does not read as JSON does: those it refuses (controls, DEL, U+FFFE, ...: see
# yaml_errors.NON_PRINTABLE), tabs (JSON allows them only between tokens, where YAML refuses some),
# and NEL, LS and PS, which are line breaks to YAML (folded inside quotes).
_NOT_READ_ALIKE = re.compile("[^\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# One difference is kept on purpose: an escaped surrogate pair (\ud83d\ude00, as Python's json.dumps
# writes an emoji) is read as the character it stands for, as JSON means it; LibYAML refuses it.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB]")
# YAML wants a key and its colon on one line, at most 1,024 characters from the key's opening quote.
# JSON writers put none between them; any space there is left to the YAML reader. Strings are
# blanked first, so a key or value that itself holds '" :' is no such space.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_SPACE_BEFORE_COLON = re.compile(r'"[ \r\n]+:')
# The YAML reader refuses a longer key as written. With no surrogate escapes, a character takes at
# most 6 as written (\u00e9), so a key of 80 is at most 482 with its quotes: well within the limit.
_LONGEST_KEY = 80


def read_json(text: str) -> dict[str, Any] | None:
    """The data of a JSON text with a mapping at the top, or None to leave the text to the YAML reader."""
    if _NOT_READ_ALIKE.search(text) or _SPACE_BEFORE_COLON.search(_STRING.sub('""', text)):
        return None
    try:
        data = json.loads(
            text, parse_int=_int, parse_float=_decimal, parse_constant=_refuse_constant, object_pairs_hook=_mapping
        )
    except (ValueError, ArithmeticError, RecursionError):  # JSONDecodeError is a ValueError; so are our refusals
        return None
    if not isinstance(data, dict) or _deeper_than(MAX_DEPTH, data):
        return None
    return data


def _int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:  # before int(): 200,000 digits would raise there
        raise ValueError("integer too large")  # the YAML reader reports it, located (issue 18 §8)
    return int(digits)


def _decimal(text: str) -> Decimal:
    if len(text) > MAX_NUMBER_CHARS:  # before Decimal(), as for the YAML reader (issue 18 §8)
        raise ValueError("number too long")
    value = Decimal(text)  # an exponent beyond Decimal's own range raises InvalidOperation
    if abs(value.adjusted()) > MAX_DECIMAL_EXPONENT:  # zero too, as the YAML reader: 0E-999 is no score
        raise ValueError("number out of range")
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a finite number")


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):  # JSON parsers keep the last; the YAML reader names both lines
        raise ValueError("duplicate key")
    if any(len(key) > _LONGEST_KEY for key in mapping):
        raise ValueError("key too long")
    return mapping


def _deeper_than(levels: int, container: dict | list) -> bool:
    """Whether mappings and lists nest inside `container` (itself one level) more than `levels` deep,
    counted as the YAML reader counts them."""
    if levels == 0:
        return True
    children = container.values() if isinstance(container, dict) else container
    return any(_deeper_than(levels - 1, child) for child in children if isinstance(child, (dict, list)))
