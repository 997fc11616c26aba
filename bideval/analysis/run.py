"""One call for the whole analysis: `analyze(inputs, …) -> Analysis`, for every renderer."""

from __future__ import annotations

from dataclasses import dataclass

from bideval.analysis import montecarlo, panel, reversal, sensitivity, whatif
from bideval.load.inputs import Inputs
from bideval.pipeline import evaluate
from bideval.result import Result


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
            alpha: float = montecarlo.DEFAULT_ALPHA, overrides: tuple[whatif.Override, ...] = ()) -> Analysis:  # fmt: skip
    baseline = evaluate(inputs) if overrides else None
    changed = whatif.apply(inputs, list(overrides)) if overrides else inputs
    result = evaluate(changed)
    return Analysis(
        result=result,
        baseline=baseline,
        overrides=tuple(overrides),
        flips=sensitivity.flip_points(result),
        sweeps=sensitivity.sweeps(result),
        stability=montecarlo.stability(result, samples=samples, alpha=alpha, seed=seed),
        samples=samples,
        alpha=alpha,
        seed=seed,
        relative_methods=reversal.uses_relative_methods(changed),
        reversals=reversal.reversals(changed),
        leniency=panel.leniency(result),
        outliers=panel.outliers(result),
        agreement=panel.agreement(result),
    )
