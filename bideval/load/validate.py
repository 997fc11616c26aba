"""Turn a `Document` into a pydantic model, with every validation error located."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bideval.errors import Problem
from bideval.load.strict_yaml import Document, Path_
from bideval.model.common import PATTERN_HINTS

M = TypeVar("M", bound=BaseModel)
# How pydantic names a key the schema does not have: in a model, and in a dataclass.
UNKNOWN_KEY = ("extra_forbidden", "unexpected_keyword_argument")


def validate(doc: Document, model: type[M], schema: str, context: dict | None = None) -> tuple[M | None, list[Problem]]:
    """Validate `doc` as `model` (with pydantic's validation `context`, if given); a missing or
    wrong `schema:` line is reported alone."""
    found = doc.data.get("schema")
    if found != schema:
        where = ("schema",) if "schema" in doc.data else ()
        what = f"found '{found}'" if "schema" in doc.data else "it is missing"
        return None, [doc.problem(where, f"expected `schema: {schema}` at the top of the file; {what}")]
    try:
        return model.model_validate(doc.data, context=context), []
    except ValidationError as exc:
        return None, _problems(doc, exc)


def _problems(doc: Document, exc: ValidationError) -> list[Problem]:
    # Errors from the branches of one union share a path: merge them into one message.
    merged: dict[tuple[Path_, bool], list[str]] = {}
    bad_keys: set[Path_] = set()
    for error in exc.errors(include_url=False):
        path = _data_path(doc.data, error["loc"])
        kind = error["type"]
        at_key = kind in UNKNOWN_KEY
        if error["loc"][-1:] == ("[key]",) and path:  # a dict key itself is invalid: locate the key
            at_key = True
            bad_keys.add(path)  # named in front of the message, so no "got …" after it
            message = PATTERN_HINTS.get(error.get("ctx", {}).get("pattern", ""), error["msg"])
        else:
            message = _message(error, path)
        merged.setdefault((path, at_key), [])
        if message not in merged[(path, at_key)]:
            merged[(path, at_key)].append(message)
    problems = []
    for (path, at_key), messages in merged.items():
        text = messages[0] if len(messages) == 1 else "expected one of: " + "; or ".join(messages[:4])
        if at_key and path in bad_keys:
            where = f"{dotted_path(path[:-1])}: " if path[:-1] else ""
            problems.append(doc.problem(path, f"{where}key '{str(path[-1])[:60]}': {text}", key=True))
            continue
        problems.append(doc.problem(path, f"{dotted_path(path)}: {text}" if path else text, key=at_key))
    return problems


def _data_path(data: Any, loc: tuple) -> Path_:
    """The part of a pydantic `loc` that names real places in the data (drops union tags)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node or isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            continue
        path.append(part)
    return tuple(path)


def _message(error: dict, path: Path_) -> str:
    kind, loc = error["type"], error["loc"]
    if kind == "missing":
        return f"missing required key '{loc[-1]}'"
    if kind in UNKNOWN_KEY:
        return f"unknown key '{loc[-1]}'"
    message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "string_pattern_mismatch":
        message = PATTERN_HINTS.get(error.get("ctx", {}).get("pattern", ""), message)
    if kind in ("int_type", "int_from_float"):
        message = "expected a whole number"
    value = error.get("input")
    if "got" not in message and kind != "value_error":
        if isinstance(value, date):
            message += f" (got {value.isoformat()})"
        elif isinstance(value, str):
            message += f" (got '{value[:60]}')"
        elif isinstance(value, bool) or value is None:
            message += f" (got {str(value).lower() if value is not None else 'nothing'})"
        elif isinstance(value, (dict, list)):
            message += f" (got {'a mapping' if isinstance(value, dict) else 'a list'})"
        else:
            message += f" (got {value})"
    return message


def dotted_path(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
