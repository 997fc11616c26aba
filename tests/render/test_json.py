"""results.json: canonical, exact, free of machine paths (DESIGN §4)."""

from __future__ import annotations

import json

from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
from bideval.model.common import Label
from bideval.render.json import render_json
from tests.conftest import NIPA


def test_canonical_json():
    payload = render_json(evaluate(load_inputs(*NIPA)))
    text = payload.decode("utf-8")
    data = json.loads(text)
    assert text.endswith("\n")
    assert text == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert data["schema"] == "bideval/results/v1"
    assert "한빛클라우드" in text  # UTF-8, not \\u escapes


def test_decimals_are_strings_and_every_input_is_hashed():
    data = json.loads(render_json(evaluate(load_inputs(*NIPA))))
    bid = data["bids"][0]
    assert isinstance(bid["total"], str) and isinstance(bid["metrics"]["price_per_pflops"], str)
    assert all(isinstance(c["score"], str) for c in bid["criteria"])
    roles = sorted({f["role"] for f in data["inputs"]})
    assert roles == ["bid", "catalog", "rubric", "scores"]
    assert len([f for f in data["inputs"] if f["role"] == "scores"]) == 7
    assert all(len(f["sha256"]) == 64 for f in data["inputs"])
    # Names, never machine paths: files by name, scores under scores/, the built-in catalog by its package path.
    assert all("/" not in f["name"] or f["name"].startswith(("scores/", "bideval/catalog/")) for f in data["inputs"])


def test_the_bytes_are_the_standard_librarys_for_hostile_text():
    """render_json writes with orjson for speed; it must give exactly what
    json.dumps(ensure_ascii=False, indent=2, sort_keys=True) gives, for any text a bidder sends:
    control characters, quotes, backslashes, line separators, emoji, keys that sort by code point."""
    result = evaluate(load_inputs(*NIPA))
    hostile = "\x00\x01\x1f\x7f \u2028\u2029 \"quoted\" back\\slash / \t\n\r\b\f 한국어 🚀 \uffff"
    first = result.bids[0].model_copy(update={"name": Label(ko=hostile, en=hostile),
                                               "metrics": {**result.bids[0].metrics, "é": None, "Z": None, "한": None}})
    result = result.model_copy(update={"bids": [first, *result.bids[1:]]})
    payload = render_json(result)
    assert payload == (json.dumps(json.loads(payload), ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    assert json.loads(payload)["bids"][0]["name"]["ko"] == hostile


def test_integers_beyond_64_bits_are_written_whole():
    """orjson refuses integers beyond 64 bits; such a Result (a bid with 10¹⁹ GPUs, say) is
    written by the standard library instead, with the same layout."""
    result = evaluate(load_inputs(*NIPA))
    huge = 10**25 + 1
    first = result.bids[0].model_copy(update={"price": huge})
    payload = render_json(result.model_copy(update={"bids": [first, *result.bids[1:]]}))
    assert json.loads(payload)["bids"][0]["price"] == huge
    assert payload == (json.dumps(json.loads(payload), ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
