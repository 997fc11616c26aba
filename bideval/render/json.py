"""results.json: the Result as canonical JSON (sorted keys, decimals as strings, UTF-8)."""

from __future__ import annotations

import json

import orjson

from bideval.engine.result import Result


def render_json(result: Result) -> bytes:
    """The same bytes as `json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)` + newline.
    orjson writes them (the standard library's indenting encoder is pure Python: 23 s at 10,000
    bids); it stops at integers beyond 64 bits, which the standard library then writes."""
    return canonical_json(result.model_dump(mode="json", by_alias=True))


def canonical_json(data: object) -> bytes:
    """JSON data as results.json writes it."""
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    except orjson.JSONEncodeError:
        return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
