"""How values print in reports: the same digits as results.json, with separators and words."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bideval.render.i18n import t


def number(value: Decimal | int) -> str:
    """Thousands separators, every decimal digit kept: 49777777.777778 → 49,777,777.777778."""
    return f"{value:,}"


def value_text(value: Any, lang: str) -> str:
    """Any recorded value: numbers with separators, booleans as words, None as 'not stated'."""
    if value is None:
        return t("not_stated", lang)
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if isinstance(value, (int, Decimal)):
        return number(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(value_text(v, lang) for v in value)
    return str(value)


def gate_rule(op: str, value: Any, lang: str) -> str:
    symbols = {"eq": "=", "ne": "≠", "ge": "≥", "gt": ">", "le": "≤", "lt": "<", "in": "∈"}
    if op == "true":
        return t("yes", lang)
    if op == "any":  # a lot's size floor: alternatives, meeting one suffices ("b200 ≥ 1000")
        alternatives = value if isinstance(value, list) else [value]
        return f" {t('or', lang)} ".join(value_text(v, lang) for v in alternatives)
    return f"{symbols[op]} {value_text(value, lang)}"
