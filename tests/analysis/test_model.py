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


@pytest.mark.parametrize("sample", [NIPA, KR], ids=["nipa", "kr"])
def test_integer_keys_are_the_fraction_keys_times_one_positive_number(sample):
    """The search ranks integers: every key times one common positive factor, so order and ties are
    exactly those of the Fraction keys."""
    from bideval.analysis.sensitivity import integer_keys_at, integer_lines

    result = evaluate(load_inputs(*sample))
    model = WeightModel.from_result(result)
    criteria = result.rubric.criteria_of(None)
    for node in [c.id for c in criteria if leaves_under(criteria, c.id) != set(model.leaves)]:
        lines = model.linear_keys(leaves_under(criteria, node))
        for delta in DELTAS:
            exact, scaled = model.keys_at(lines, delta), integer_keys_at(integer_lines(lines), delta)
            factors = {Fraction(i) / f for b in exact for f, i in zip(exact[b], scaled[b]) if f}
            assert len(factors) == 1 and factors.pop() > 0, (node, delta)
            assert all(i == 0 for b in exact for f, i in zip(exact[b], scaled[b]) if not f)
