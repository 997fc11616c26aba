"""Weight sensitivity: how far a criterion's points must move before the decision changes.

For a node S, moving δ points into S (pro rata over its leaves) and out of the rest (pro
rata) keeps the total. Every bid's total is then linear in δ, so two bids swap places at
one δ, found exactly: T_a + δ·slope_a = T_b + δ·slope_b. The flip point of S is the
smallest |δ| at which the winner (or selected set) changes — or none inside the range
where no criterion's points go below zero.

Per lot (`lot`; None for a call without lots), over the bids the lot ranked, with the totals they
were ranked by (stage weights, bonus and penalty points: see `model`); what the model holds as
evaluated (stage results, a sole applicant's suitability check) is not re-derived at other points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from math import lcm

from bideval.analysis.model import WeightModel, leaves_under
from bideval.engine.result import Result

SWEEP = (Fraction(-20, 100), Fraction(-10, 100), Fraction(10, 100), Fraction(20, 100))
NUDGE = Fraction(1, 10**9)  # just past a crossing, to see which side wins
Lines = dict[str, tuple[tuple, tuple]]  # bidder → (keys at δ = 0, change per point moved): WeightModel.linear_keys


@dataclass(frozen=True)
class FlipPoint:
    criterion: str
    points: Fraction  # the node's published points
    delta: Fraction | None  # points moved in (+) or out (-) at which the outcome changes; None: never
    direction: int  # +1: the change comes moving points in; -1: moving them out (tells the sign of a 0)
    first_after: tuple[str, ...]  # ranked first just past the flip point (several if tied)
    selected_after: tuple[str, ...]  # selected (or tied for selection) just past the flip point

    @property
    def share(self) -> Fraction | None:
        return None if self.delta is None else self.delta / self.points


@dataclass(frozen=True)
class Sweep:
    criterion: str
    change: Fraction  # -0.2 … +0.2 of the node's points
    ranking: tuple[str, ...]  # bidders in order under the changed points


def _selection(model: WeightModel, keys: dict[str, tuple]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What counts as the decision under `keys`: who ranks first, and who is selected (or tied for it)."""
    order, decision = model.outcome_of(keys)
    first = keys[order[0]]
    leaders = tuple(sorted(b for b, k in keys.items() if k == first))
    return leaders, tuple(sorted(decision.winners + decision.tied))


def integer_lines(lines: Lines) -> Lines:
    """The same lines times one common denominator: integers, which order and compare exactly as the
    Fractions they stand for (all scaled alike, by a positive number), and much faster."""
    scale = lcm(*(x.denominator for base, slope in lines.values() for x in (*base, *slope)))
    return {bidder: (tuple(x.numerator * (scale // x.denominator) for x in base),
                     tuple(x.numerator * (scale // x.denominator) for x in slope))
            for bidder, (base, slope) in lines.items()}  # fmt: skip


def integer_keys_at(lines: Lines, delta: Fraction) -> dict[str, tuple[int, ...]]:
    """The keys at δ = p/q of `integer_lines`, times q (> 0): base × q + slope × p."""
    p, q = delta.numerator, delta.denominator
    return {bidder: tuple(k * q + m * p for k, m in zip(base, slope)) for bidder, (base, slope) in lines.items()}


def _above(lines: Lines, delta: Fraction, bidder: str) -> int:
    """How many bids have a strictly higher total than `bidder` at δ (integer lines, total first)."""
    p, q = delta.numerator, delta.denominator
    base, slope = lines[bidder]
    mine = base[0] * q + slope[0] * p
    return sum(b[0] * q + m[0] * p > mine for b, m in lines.values())


def flip_point(model: WeightModel, subset: set[str], node: str, node_points: Fraction,
               exact: Lines | None = None) -> FlipPoint:  # fmt: skip
    """`exact`: the node's lines (`node_lines`) when the caller has them."""
    inside = sum((p for leaf, p in zip(model.leaves, model.points) if leaf in subset), Fraction(0))
    outside = sum(model.points, Fraction(0)) - inside
    if exact is None:  # every bid's keys as a line in δ: total first
        exact = integer_lines(model.linear_keys(subset))
    baseline = _selection(model, integer_keys_at(exact, Fraction(0)))
    crossings: dict[Fraction, list[str]] = {Fraction(0): []}  # a tie today flips at once
    totals = [(bidder, base[0], slope[0]) for bidder, (base, slope) in exact.items()]
    for (a, total_a, slope_a), (_, total_b, slope_b) in combinations(totals, 2):
        if slope_a != slope_b:  # the totals meet where base_a + δ·slope_a = base_b + δ·slope_b: δ = n / d
            n, d = (total_b - total_a, slope_a - slope_b) if slope_a > slope_b else (total_a - total_b, slope_b - slope_a)
            # -inside ≤ n/d ≤ outside, multiplied out (d and the denominators are positive): integers only,
            # and a Fraction made only for a crossing inside the range
            if -inside.numerator * d <= n * inside.denominator and n * outside.denominator <= outside.numerator * d:
                crossings.setdefault(Fraction(n, d), []).append(a)  # b has the same total there
    # Until the decision changes, it is the baseline's: the selected (or tied) bids and, behind them,
    # the first one not selected are all it reads. Two bids crossing below that many others cannot
    # change it, so that point need not be tried.
    reads = len(baseline[1]) + 1
    for delta in sorted(crossings, key=_nearest_first):
        if delta and all(_above(exact, delta, bidder) >= reads for bidder in crossings[delta]):
            continue
        for step in ((NUDGE, -NUDGE) if delta == 0 else (NUDGE if delta > 0 else -NUDGE,)):
            moved = delta + step
            if not -inside <= moved <= outside:
                continue
            after = _selection(model, integer_keys_at(exact, moved))
            if after != baseline:
                return FlipPoint(node, node_points, delta, 1 if step > 0 else -1, *after)
    return FlipPoint(node, node_points, None, 0, *baseline)


def _nearest_first(delta: Fraction) -> tuple[float, Fraction, Fraction]:
    """Sort key: nearest to 0 first, the decrease before the increase at the same distance. The float
    is there to compare quickly: rounding to a float never reverses two numbers' order, and where two
    round alike the exact values decide, so the order is exactly that of (|δ|, δ)."""
    return abs(float(delta)), abs(delta), delta


def flip_nodes(result: Result, lot: str | None = None) -> list[str]:
    """The nodes a flip point is searched for; none with fewer than two ranked bids."""
    return _movable_nodes(result, lot) if len(WeightModel.from_result(result, lot).shares) >= 2 else []


def _movable_nodes(result: Result, lot: str | None) -> list[str]:
    """Every node but one over all leaves (moving its points moves nothing)."""
    model = WeightModel.from_result(result, lot)
    criteria = result.rubric.criteria_of(lot)
    return [c.id for c in criteria if leaves_under(criteria, c.id) != set(model.leaves)]


def node_lines(result: Result, lot: str | None = None) -> dict[str, Lines]:
    """Per node whose points can move, every ranked bid's keys as exact integer lines in the points
    moved: what the flip-point search and the sweeps both read, worked out once."""
    model = WeightModel.from_result(result, lot)
    if not model.shares:
        return {}
    criteria = result.rubric.criteria_of(lot)
    base = model.keys(model.points)
    return {node: integer_lines(model.linear_keys(leaves_under(criteria, node), base))
            for node in _movable_nodes(result, lot)}  # fmt: skip


def flip_points(result: Result, progress: Callable[[int, int], None] | None = None,
                lot: str | None = None, lines: dict[str, Lines] | None = None) -> list[FlipPoint]:  # fmt: skip
    """A flip point per criterion node (rubric order), for the bids `lot` ranked (`lines`: `node_lines`).

    `progress(done, nodes)` before the first node and after each: the search can take a minute."""
    model = WeightModel.from_result(result, lot)
    if len(model.shares) < 2:
        return []
    criteria = result.rubric.criteria_of(lot)
    points_of = {c.id: Fraction(c.points) for c in criteria}
    lines = node_lines(result, lot) if lines is None else lines
    nodes = flip_nodes(result, lot)
    flips = []
    for node in nodes:
        if progress is not None:
            progress(len(flips), len(nodes))
        flips.append(flip_point(model, leaves_under(criteria, node), node, points_of[node], lines[node]))
    if progress is not None:
        progress(len(flips), len(nodes))
    return flips


def sweeps(result: Result, lot: str | None = None, lines: dict[str, Lines] | None = None) -> list[Sweep]:
    """One at a time: each node's points ±10 % and ±20 %, the rest rescaled; the resulting order
    (`lines`: `node_lines`, the keys at δ as in flip_point)."""
    model = WeightModel.from_result(result, lot)
    if not model.shares:
        return []
    criteria = result.rubric.criteria_of(lot)
    lines = node_lines(result, lot) if lines is None else lines
    rows = []
    for info in criteria:
        if info.id not in lines:  # the node over every leaf: moving it moves nothing
            continue
        inside = sum((p for leaf, p in zip(model.leaves, model.points) if leaf in leaves_under(criteria, info.id)),
                     Fraction(0))  # fmt: skip
        for change in SWEEP:
            order, _ = model.outcome_of(integer_keys_at(lines[info.id], inside * change))
            rows.append(Sweep(info.id, change, tuple(order)))
    return rows
