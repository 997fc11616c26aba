"""Types shared by the input models: labels, exact numbers, dates, ids."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, WithJsonSchema

STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class Strict(BaseModel):
    model_config = STRICT


def _to_decimal(value: Any) -> Any:
    # The YAML reader gives int or Decimal; never accept float, bool or text for a number.
    kind = type(value)
    if kind is Decimal:
        return value
    if kind is not int:  # bool is a subclass of int, not int
        raise ValueError(f"expected a number, got {_describe(value)}")
    return Decimal(value)


def _to_date(value: Any) -> Any:
    if isinstance(value, str):  # JSON has no date type
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a date YYYY-MM-DD, got '{value}'") from None
    if not isinstance(value, date):
        raise ValueError(f"expected a date YYYY-MM-DD, got {_describe(value)}")
    return value


def _to_label(value: Any) -> Any:
    return {"ko": value, "en": value} if isinstance(value, str) else value


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, str):
        return f"text '{value[:40]}'"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    if isinstance(value, date):  # the reader makes dates only of YYYY-MM-DD: isoformat is the text as written
        return f"{value.isoformat()} (a date)"
    return str(value)  # a number as its digits (never a Python repr such as Decimal('1.5'))


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError(f"must be greater than 0, got {value}")
    return value


def _share(value: Decimal) -> Decimal:
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueError(f"must be between 0 and 1, got {value}")
    return value


# JSON Schema as an editor should see the YAML: numbers are numbers (never quoted), dates are dates.
Number = Annotated[Decimal, BeforeValidator(_to_decimal), WithJsonSchema({"type": "number"})]
PositiveNumber = Annotated[Decimal, BeforeValidator(_to_decimal), AfterValidator(_positive),
                           WithJsonSchema({"type": "number", "exclusiveMinimum": 0})]  # fmt: skip
Share = Annotated[Decimal, BeforeValidator(_to_decimal), AfterValidator(_share),
                  WithJsonSchema({"type": "number", "minimum": 0, "maximum": 1})]  # fmt: skip
Day = Annotated[date, BeforeValidator(_to_date), WithJsonSchema({"type": "string", "format": "date"})]
Money = Annotated[int, Field(gt=0)]
Count = Annotated[int, Field(gt=0)]
SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
# Bidders and evaluators are named as a committee names them: A–E, E1, KT (issue 18 §8). Their ids
# are unique whatever their case (load.checks), as they become file names on case-blind systems.
PARTY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"
PATTERN_HINTS = {
    SLUG_PATTERN: "expected an id: up to 64 lowercase letters, digits, '-' or '_', starting with a letter or digit",
    PARTY_PATTERN: "expected an id: up to 64 letters, digits, '-' or '_', starting with a letter or digit",
    CURRENCY_PATTERN: "expected a three-letter ISO 4217 currency code such as KRW",
}
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
PartyId = Annotated[str, StringConstraints(pattern=PARTY_PATTERN)]  # a bidder's or an evaluator's id
Text = Annotated[str, StringConstraints(min_length=1, max_length=500)]


class Label(Strict):
    """A human label: plain text (used for both languages) or `{ko, en}`."""

    ko: Text
    en: Text

    def text(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


LabelIn = Annotated[
    Label,
    BeforeValidator(_to_label),
    WithJsonSchema({"anyOf": [{"type": "string", "minLength": 1},
                              {"type": "object", "properties": {"ko": {"type": "string"}, "en": {"type": "string"}},
                               "required": ["ko", "en"], "additionalProperties": False}]}),  # fmt: skip
]
