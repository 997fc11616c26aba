"""One call for the whole analysis: `analyze(inputs, …) -> Analysis`, for every renderer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from bideval.analysis import montecarlo, panel, reversal, sensitivity, whatif
from bideval.engine.pipeline import evaluate
from bideval.engine.result import Result
from bideval.errors import Problem
from bideval.load.inputs import Inputs

# The flip-point search (sensitivity.flip_point) evaluates the decision at every crossing of
# every pair of bids, for each criterion: 30 bids took 8 s here, 50 bids 47 s and 100 bids
# 161 s. Past this many bids the analysis is refused before it starts.
MOST_BIDS = 50

# The two long steps, as named to `analyze(progress=…)`: progress(step, done, total).
FLIP_POINTS = "flip points"
SAMPLING = "Monte Carlo"


def too_many_bids(inputs: Inputs, where: str) -> list[Problem]:
    """The problem of a programme too large to analyse (`where` names where its bids came from)."""
    count = len(inputs.bids)
    if count <= MOST_BIDS:
        return []
    return [Problem(where, 0, 0, f"{count:,} bids are more than the decision analysis takes (at most {MOST_BIDS}): "
                                 "its flip-point search compares every pair of bids at every crossing")]  # fmt: skip


@dataclass(frozen=True)
class Analysis:
    result: Result  # as evaluated (with the overrides, if any)
    baseline: Result | None  # before the overrides; None without overrides
    overrides: tuple[whatif.Override, ...]
    flips: list[sensitivity.FlipPoint]
    sweeps: list[sensitivity.Sweep]
    stability: list[montecarlo.Stability]
    samples: int
    alpha: float
    seed: int
    relative_methods: bool
    reversals: list[reversal.Reversal]
    leniency: list[panel.Leniency]
    outliers: list[panel.Outlier]
    agreement: list[panel.Agreement]


def analyze(inputs: Inputs, *, seed: int = 0, samples: int = montecarlo.DEFAULT_SAMPLES,
            alpha: float = montecarlo.DEFAULT_ALPHA, overrides: tuple[whatif.Override, ...] = (),
            progress: Callable[[str, int, int], None] | None = None) -> Analysis:  # fmt: skip
    """`progress(step, done, total)` reports the two long steps (FLIP_POINTS, SAMPLING); it changes no number."""
    baseline = evaluate(inputs) if overrides else None
    changed = whatif.apply(inputs, list(overrides)) if overrides else inputs
    result = evaluate(changed)
    sampling = partial(progress, SAMPLING) if progress else None
    return Analysis(
        result=result,
        baseline=baseline,
        overrides=tuple(overrides),
        flips=sensitivity.flip_points(result, partial(progress, FLIP_POINTS) if progress else None),
        sweeps=sensitivity.sweeps(result),
        stability=montecarlo.stability(result, samples=samples, alpha=alpha, seed=seed, progress=sampling),
        samples=samples,
        alpha=alpha,
        seed=seed,
        relative_methods=reversal.uses_relative_methods(changed),
        reversals=reversal.reversals(changed),
        leniency=panel.leniency(result),
        outliers=panel.outliers(result),
        agreement=panel.agreement(result),
    )
