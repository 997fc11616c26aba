"""results.json: the Result as canonical JSON (sorted keys, decimals as strings, UTF-8)."""

from __future__ import annotations

import json

from bideval.result import Result


def render_json(result: Result) -> bytes:
    data = result.model_dump(mode="json", by_alias=True)
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return (text + "\n").encode("utf-8")
