"""Validation against the models (bideval/load/validate.py): every problem located."""

from __future__ import annotations

from bideval.load.strict_yaml import parse_text
from bideval.load.validate import validate
from bideval.model.catalog import CATALOG_SCHEMA, Catalog
from bideval.model.scores import SCORES_SCHEMA, Scores

GPU = "    name: X\n    vendor: Example\n    tflops: {fp64: 50}\n    memory_gb: 192\n    tdp_w: 1000\n    source: T\n"


def problems_of(text: str, model, schema: str) -> list[str]:
    doc, found = parse_text(text, "in.yaml")
    assert doc is not None and found == []
    value, problems = validate(doc, model, schema)
    assert value is None
    return [str(p) for p in problems]


def test_bad_mapping_key_is_located_at_the_key_not_its_value() -> None:
    # the key is on line 3; its value (the entry's first field) starts on line 4
    text = f"schema: bideval/catalog/v1\ngpus:\n  ../../escape:\n{GPU}"
    assert problems_of(text, Catalog, CATALOG_SCHEMA) == [
        (
            "in.yaml:3:3: gpus: key '../../escape': expected an id: up to 64 lowercase letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    ]


def test_bad_key_among_good_ones_and_nested() -> None:
    text = ("schema: bideval/scores/v1\nevaluator: {id: p-01, name: X, conflicts: []}\nscores:\n"
            "  alpha-soft:\n    understanding: 10\n    Method Ology: 20\n")  # fmt: skip
    assert problems_of(text, Scores, SCORES_SCHEMA) == [
        (
            "in.yaml:6:5: scores.alpha-soft: key 'Method Ology': expected an id: up to 64 lowercase letters, digits, "
            "'-' or '_', starting with a letter or digit"
        )
    ]
