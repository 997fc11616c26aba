"""Rank reversal re-runs a removal only when the removed bid alone holds a relative criterion's
extreme value (bideval.analysis.reversal.can_change_others); every other removal keeps the order as
evaluated. Checked against re-running every case, on the samples and a generated programme."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bideval.analysis.reversal import can_change_others, reversals
from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
from tests.conftest import KR, NIPA, RUBRICS, SAMPLES

RENTAL = (RUBRICS / "gpu-rental-2025.yaml", SAMPLES / "gpu-rental-2025")
BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, Path]:
    sys.path.insert(0, str(BENCH))
    from synthetic import write_programme

    return write_programme(tmp_path_factory.mktemp("reversal"), 12, seed=7)


@pytest.mark.parametrize("name", ["nipa", "kr", "rental", "generated"])
def test_the_bounded_reversals_are_those_of_re_running_every_case(name, generated):
    rubric, bids = {"nipa": NIPA, "kr": KR, "rental": RENTAL, "generated": generated}[name]
    inputs = load_inputs(rubric, bids)
    lots = [lot.id for lot in inputs.rubric.lots] or [None]
    for lot in lots:
        assert reversals(inputs, lot) == reversals(inputs, lot, every_case=True), (name, lot)


def test_only_the_holder_of_an_extreme_is_re_run(generated):
    """In the generated programme the one relative criterion is the price (ratio_to_best, lower is
    better): only the bids with the lowest or the highest price are re-run."""
    inputs = load_inputs(*generated)
    result = evaluate(inputs)
    prices = {bid.bidder.id: bid.price for bid, _ in inputs.bids}
    extremes = {min(prices, key=prices.get), max(prices, key=prices.get)}
    assert {b for b in prices if can_change_others(result, inputs, None, b)} == extremes
