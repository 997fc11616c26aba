"""JSON Schemas of the input files, made from the pydantic models and shipped in the package.

Editors use them to check and complete YAML (see the README). `bideval schema KIND` prints
one; a test keeps the shipped files equal to what the models generate.
"""

from __future__ import annotations

import json
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
KINDS = ("rubric", "bid", "scores", "moderated", "catalog")


def generate(kind: str) -> str:
    from bideval.model.bid import Bid
    from bideval.model.catalog import Catalog
    from bideval.model.rubric import Rubric
    from bideval.model.scores import Moderated, Scores

    model = {"rubric": Rubric, "bid": Bid, "scores": Scores, "moderated": Moderated, "catalog": Catalog}[kind]
    schema = model.model_json_schema(by_alias=True, mode="validation")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$id": f"bideval/{kind}/v1", **schema}  # fmt: skip
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def shipped(kind: str) -> Path:
    return SCHEMAS / f"{kind}.schema.json"


if __name__ == "__main__":  # regenerate the shipped files: python -m bideval.model.json_schema
    for name in KINDS:
        shipped(name).write_text(generate(name), encoding="utf-8")
