"""Monte Carlo stability: sample weights around the published ones, count who wins.

Weights are drawn from a Dirichlet distribution centred on the published points
(concentration `alpha`: larger means closer to the published weights), scaled back to the
same total. Sampling is seeded with Python's own generator, so a seed always gives the
same numbers. These are probabilities, not money: floats are fine here.

Per lot (`lot`; None for a call without lots), each with its own generator seeded alike, over the
bids the lot ranked, by the totals they were ranked by (stage weights, bonus and penalty points: see
`model`). A sole applicant's suitability check is held as evaluated: its outcome in every sample.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from operator import mul
from dataclasses import dataclass

from bideval.analysis.model import WeightModel
from bideval.engine.rank import Candidate, rank
from bideval.engine.result import Result

DEFAULT_SAMPLES = 2000
DEFAULT_ALPHA = 100.0


@dataclass(frozen=True)
class Stability:
    bidder: str
    first: float  # share of samples ranked first (ties count for each tied bid)
    selected: float  # share of samples in which it is selected (or tied for selection)


def sampled(result: Result, lot: str | None = None) -> bool:
    """Whether `stability` samples `lot` (it ranked a bid)."""
    return bool(WeightModel.from_result(result, lot).shares)


def stability(result: Result, *, samples: int = DEFAULT_SAMPLES, alpha: float = DEFAULT_ALPHA,
              seed: int = 0, progress: Callable[[int, int], None] | None = None,
              lot: str | None = None) -> list[Stability]:  # fmt: skip
    """`progress(done, samples)` after each sample (a progress bar); it never touches the generator."""
    model = WeightModel.from_result(result, lot)
    if not model.shares:
        return []
    rng = random.Random(seed)
    base = [float(p) for p in model.points]
    total = sum(base)
    shapes = [alpha * p / total for p in base]  # Dirichlet(α × published share) as normalised gamma draws
    # Each share as it counts in the total (a stage's weight); the bonus and penalty points on top.
    shares = {bidder: [float(s * model.count(i)) for i, s in enumerate(values)]
              for bidder, values in model.shares.items()}  # fmt: skip
    offsets = {bidder: float(points) for bidder, points in model.offsets.items()}
    first = dict.fromkeys(shares, 0)
    selected = dict.fromkeys(shares, 0)
    for done in range(1, samples + 1):
        draws = [rng.gammavariate(shape, 1.0) for shape in shapes]
        scale = total / sum(draws)
        weights = [d * scale for d in draws]
        totals = {b: sum(map(mul, weights, values)) for b, values in shares.items()}  # Σ weight × share
        for bidder, points in offsets.items():
            totals[bidder] += points
        placed = rank([Candidate(b, model.prices[b], (t,)) for b, t in totals.items()])  # type: ignore[arg-type]
        for p in placed:
            if p.rank == 1:
                first[p.bidder] += 1
        decision = model.decide(placed)
        for bidder in decision.winners + decision.tied:
            selected[bidder] += 1
        if progress is not None:
            progress(done, samples)
    return [Stability(b, first[b] / samples, selected[b] / samples) for b in shares]
