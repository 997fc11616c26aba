"""One call for the whole analysis: `analyze(inputs, …) -> Analysis`, for every renderer.

With lots, every analysis is made per lot (`LotAnalysis`, in the rubric's lot order): bids compete
only within their lot. A call without lots is one part whose `lot` is None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from bideval import workers
from bideval.analysis import montecarlo, panel, reversal, sensitivity, whatif
from bideval.engine.pipeline import evaluate
from bideval.engine.result import Result
from bideval.errors import Problem
from bideval.load.inputs import Inputs

# The flip-point search (sensitivity.flip_point) finds a crossing for every pair of bids, for each
# criterion: its work grows with the square of the bids (50 bids: about 1.5 s for the whole
# `analyze`, bench/RESULTS.md). Committees score 4 to 50 bids; past this many the analysis is
# refused before it starts.
MOST_BIDS = 50

# The two long steps, as named to `analyze(progress=…)`: progress(step, done, total).
FLIP_POINTS = "flip points"
SAMPLING = "Monte Carlo"

# What the weight analyses (flip points, one at a time, Monte Carlo) hold as evaluated, or how they
# count the procedure, said beside them (message ids `an_held_<code>`), in this order.
HELD = ("stages", "stage_scores", "adjustments", "suitability", "rerun")


def too_many_bids(inputs: Inputs, where: str) -> list[Problem]:
    """The problem of a programme too large to analyse (`where` names where its bids came from)."""
    count = len(inputs.bids)
    if count <= MOST_BIDS:
        return []
    return [Problem(where, 0, 0, f"{count:,} bids are more than the decision analysis takes (at most {MOST_BIDS}): "
                                 "its flip-point search compares every pair of bids at every crossing")]  # fmt: skip


@dataclass(frozen=True)
class LotAnalysis:
    """The analyses of one lot (None: a call without lots)."""

    lot: str | None
    flips: list[sensitivity.FlipPoint]
    sweeps: list[sensitivity.Sweep]
    stability: list[montecarlo.Stability]
    relative_methods: bool
    reversals: list[reversal.Reversal]
    leniency: list[panel.Leniency]
    outliers: list[panel.Outlier]
    agreement: list[panel.Agreement]
    held: tuple[str, ...] = ()  # codes of HELD that apply: empty for a call without the procedures of issue 18


@dataclass(frozen=True)
class Analysis:
    result: Result  # as evaluated (with the overrides, if any)
    baseline: Result | None  # before the overrides; None without overrides
    overrides: tuple[whatif.Override, ...]
    samples: int
    alpha: float
    seed: int
    lots: tuple[LotAnalysis, ...]  # one per lot, in rubric order; one (lot None) without lots


def analyze(inputs: Inputs, *, seed: int = 0, samples: int = montecarlo.DEFAULT_SAMPLES,
            alpha: float = montecarlo.DEFAULT_ALPHA, overrides: tuple[whatif.Override, ...] = (),
            progress: Callable[[str, int, int], None] | None = None) -> Analysis:  # fmt: skip
    """`progress(step, done, total)` reports the two long steps (FLIP_POINTS, SAMPLING) over every
    lot together; it changes no number."""
    baseline = evaluate(inputs) if overrides else None
    changed = whatif.apply(inputs, list(overrides)) if overrides else inputs
    result = evaluate(changed)
    lots = [lot.id for lot in changed.rubric.lots] or [None]
    flips = _Steps(progress, FLIP_POINTS, sum(len(sensitivity.flip_nodes(result, lot)) for lot in lots))
    sampling = _Steps(progress, SAMPLING, samples * sum(montecarlo.sampled(result, lot) for lot in lots))
    parts = []
    for lot in lots:
        # Rank reversal re-runs the evaluation and the panel checks read every score: neither needs the
        # weight analyses, so they run alongside them where there is a core to spare.
        side = workers.alongside(_reversal_and_panel, changed, result, lot)
        lines = sensitivity.node_lines(result, lot)  # read by the flip points and the sweeps alike
        flip_rows = sensitivity.flip_points(result, flips.part() if progress else None, lot, lines)
        sweep_rows = sensitivity.sweeps(result, lot, lines)
        stability = montecarlo.stability(result, samples=samples, alpha=alpha, seed=seed,
                                         progress=sampling.part() if progress else None, lot=lot)  # fmt: skip
        reversals, leniency, outliers, agreement = side()
        parts.append(LotAnalysis(
            lot=lot, flips=flip_rows, sweeps=sweep_rows, stability=stability,
            relative_methods=reversal.uses_relative_methods(changed, lot), reversals=reversals,
            leniency=leniency, outliers=outliers, agreement=agreement, held=held(result, lot),
        ))  # fmt: skip
    return Analysis(result=result, baseline=baseline, overrides=tuple(overrides), samples=samples, alpha=alpha,
                    seed=seed, lots=tuple(parts))  # fmt: skip


def _reversal_and_panel(inputs: Inputs, result: Result, lot: str | None) -> tuple[list, list, list, list]:
    return (reversal.reversals(inputs, lot), panel.leniency(result, lot), panel.outliers(result, lot=lot),
            panel.agreement(result, lot))  # fmt: skip


def held(result: Result, lot: str | None) -> tuple[str, ...]:
    """Which of HELD the analyses of `lot` say: stages held, stage weights counted, bonus and penalty
    points added, a sole applicant's suitability held, and that the re-runs re-apply them all."""
    rubric = result.rubric
    weighted = rubric.stage_scores == "last_stage" or any(stage.weight != 1 for stage in rubric.stages)
    codes = {
        "stages": bool(rubric.stages),
        "stage_scores": bool(rubric.stages) and weighted,
        "adjustments": bool(rubric.adjustments),
        "suitability": any(s.lot == lot for s in result.outcome.suitability),
    }
    codes["rerun"] = any(codes.values())
    return tuple(code for code in HELD if codes[code])


class _Steps:
    """One progress count over every lot: each lot's `progress(done, total)` shifted by the lots before it."""

    def __init__(self, progress: Callable[[str, int, int], None] | None, step: str, total: int) -> None:
        self.report = partial(progress, step) if progress else None
        self.total, self.before, self.last = total, 0, -1

    def part(self) -> Callable[[int, int], None]:
        start = self.before

        def report(done: int, _: int) -> None:
            self.before = start + done
            if self.report is not None and self.before != self.last:  # a lot's 0 is the last one's end
                self.last = self.before
                self.report(self.before, self.total)

        return report
