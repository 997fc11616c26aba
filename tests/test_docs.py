"""Generated documentation and schemas stay in step with the code (issue 7)."""

from __future__ import annotations

import json

import pytest

from bideval.cli.reference import reference
from bideval.model.json_schema import KINDS, generate, shipped
from tests.conftest import ROOT, run


def test_cli_reference_is_current():
    """Regenerate with: python -m bideval.cli.reference > docs/cli.md"""
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == reference()


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_schema_is_current(kind):
    """Regenerate with: python -m bideval.model.json_schema"""
    assert shipped(kind).read_text(encoding="utf-8") == generate(kind)


def test_schema_command():
    done = run("schema", "rubric")
    assert done.exit_code == 0
    schema = json.loads(done.stdout)
    assert schema["$id"] == "bideval/rubric/v1" and schema["additionalProperties"] is False
    assert "criteria" in schema["required"]
    assert run("schema", "nope").exit_code == 2
