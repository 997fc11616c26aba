"""The weight model's keys as lines in δ (bideval.analysis.model.WeightModel.linear_keys): exactly the
keys worked out leaf by leaf at the shifted points, for every node, at any δ — the flip-point search
reads them instead of summing every leaf again at each point it tries (issue 19)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bideval.analysis.model import WeightModel, leaves_under
from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
from tests.conftest import KR, NIPA, RUBRICS, SAMPLES

SPC = (RUBRICS / "ai-computing-center-spc-2025.yaml", SAMPLES / "ai-computing-center-spc-2025")
DELTAS = (Fraction(0), Fraction(1, 3), Fraction(-7, 2), Fraction(12), Fraction(-1, 10**9), Fraction(29, 7))


@pytest.mark.parametrize("sample", [NIPA, KR, SPC], ids=["nipa", "kr", "spc"])
def test_linear_keys_are_the_keys_at_the_shifted_points(sample):
    result = evaluate(load_inputs(*sample))
    model = WeightModel.from_result(result)
    criteria = result.rubric.criteria_of(None)
    nodes = [c.id for c in criteria if leaves_under(criteria, c.id) != set(model.leaves)]
    assert nodes and model.shares
    for node in nodes:
        subset = leaves_under(criteria, node)
        lines = model.linear_keys(subset)
        for delta in DELTAS:
            assert model.keys_at(lines, delta) == model.keys(model.shifted(subset, delta)), (node, delta)
