"""results.json: canonical, exact, free of machine paths (DESIGN §4)."""

from __future__ import annotations

import json

from bideval.load.inputs import load_inputs
from bideval.pipeline import evaluate
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
