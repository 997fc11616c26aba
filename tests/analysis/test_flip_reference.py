"""The flip-point search (bideval.analysis.sensitivity.flip_point) against the plain search it
replaced (issue 19): try every crossing in order of |δ|, just past it, with every leaf's points
shifted and every key summed again in Fractions. Same flip points on the samples and on generated
programmes with single and multiple awards (with a budget and a count)."""

from __future__ import annotations

import json
import sys
from fractions import Fraction
from itertools import combinations
from pathlib import Path

import pytest

from bideval.analysis.model import WeightModel, leaves_under
from bideval.analysis.sensitivity import NUDGE, FlipPoint, flip_point
from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
from tests.conftest import KR, NIPA

BENCH = Path(__file__).resolve().parents[2] / "bench"
AWARDS = {"single": {"mode": "single"}, "three": {"mode": "multiple", "max_winners": 3},
          "budget": {"mode": "multiple", "budget": 20_000_000_000}}  # fmt: skip


def plain_flip_point(model: WeightModel, subset: set[str], node: str, node_points: Fraction) -> FlipPoint:
    inside = sum((p for leaf, p in zip(model.leaves, model.points) if leaf in subset), Fraction(0))
    outside = sum(model.points, Fraction(0)) - inside

    def selection(points):
        keys = model.keys(points)
        order, decision = model.outcome_of(keys)
        leaders = tuple(sorted(b for b, k in keys.items() if k == keys[order[0]]))
        return leaders, tuple(sorted(decision.winners + decision.tied))

    baseline = selection(model.points)
    totals = model.totals(model.points)
    slopes = {}
    for bidder in model.shares:
        before, after = totals[bidder], model.totals(model.shifted(subset, Fraction(1)))[bidder]
        slopes[bidder] = after - before  # the total is linear in δ: its change for one point moved
    crossings = {Fraction(0)}
    for a, b in combinations(model.shares, 2):
        if slopes[a] != slopes[b]:
            delta = (totals[b] - totals[a]) / (slopes[a] - slopes[b])
            if -inside <= delta <= outside:
                crossings.add(delta)
    for delta in sorted(crossings, key=lambda d: (abs(d), d)):
        for step in ((NUDGE, -NUDGE) if delta == 0 else (NUDGE if delta > 0 else -NUDGE,)):
            moved = delta + step
            if -inside <= moved <= outside:
                after = selection(model.shifted(subset, moved))
                if after != baseline:
                    return FlipPoint(node, node_points, delta, 1 if step > 0 else -1, *after)
    return FlipPoint(node, node_points, None, 0, *baseline)


def programme(tmp: Path, bids: int, seed: int, award: dict) -> tuple[Path, Path]:
    sys.path.insert(0, str(BENCH))
    from synthetic import write_programme

    rubric, folder = write_programme(tmp, bids, seed=seed)
    data = json.loads(rubric.read_text(encoding="utf-8"))
    data["award"] = award
    rubric.write_text(json.dumps(data), encoding="utf-8")
    return rubric, folder


def assert_same_flips(result) -> None:
    model = WeightModel.from_result(result)
    criteria = result.rubric.criteria_of(None)
    nodes = [c.id for c in criteria if leaves_under(criteria, c.id) != set(model.leaves)]
    points = {c.id: Fraction(c.points) for c in criteria}
    assert nodes
    for node in nodes:
        subset = leaves_under(criteria, node)
        assert flip_point(model, subset, node, points[node]) == plain_flip_point(model, subset, node, points[node]), node


@pytest.mark.parametrize("sample", [NIPA, KR], ids=["nipa", "kr"])
def test_the_samples_flip_where_the_plain_search_says(sample):
    assert_same_flips(evaluate(load_inputs(*sample)))


@pytest.mark.parametrize("award", sorted(AWARDS))
@pytest.mark.parametrize("seed", [3, 11])
def test_generated_programmes_flip_where_the_plain_search_says(tmp_path, award, seed):
    result = evaluate(load_inputs(*programme(tmp_path, 9, seed, AWARDS[award])))
    assert len([b for b in result.bids if b.rank]) >= 2
    assert_same_flips(result)
