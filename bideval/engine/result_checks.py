"""Cross-checks of a reloaded results.json that the model alone cannot see.

`report` and `scorecard` render a Result as they find it: a hand-edited file whose parts
disagree would crash a renderer (a winner that is not a bid) or render nonsense silently (a
criterion the rubric section does not have). Each check reads the validated Result and yields
(path, message) pairs; `check_result` locates them all in the file, like model errors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from bideval.engine.result import BidResult, Result
from bideval.engine.result_arithmetic import adjustments, panels, ranking, sums
from bideval.errors import Problem
from bideval.load.strict_yaml import Document, Path_
from bideval.load.validate import dotted_path

Found = Iterator[tuple[Path_, str]]

# Inputs are read with at most 19 digits and exponents of ±18 (strict_yaml); nothing bideval
# works out from them comes near 10^±100. Exponent notation itself is no sign of a forgery:
# results.json writes str(Decimal), e.g. "0E-12" (metric_places: 12) or "8E+1" (points: 8e1).
MAX_EXPONENT = 100
RANKED = ("selected", "eligible")  # the statuses of ranked bids; the others are never ranked
SETTINGS = {  # rubric sections the renderers read by key
    "rounding": ("places", "mode", "metric_places"),
    "panel": ("when_at_least", "drop_highest", "drop_lowest", "spread_warning"),
    "award": ("mode", "min_valid_bids"),
}


def check_result(result: Result, doc: Document) -> list[Problem]:
    """Every inconsistency of `result`, located at the offending value of `doc`."""
    checks = (_numbers, _settings, _technical_rule, _rubric_criteria, _duplicate_ids, _bid_criteria, _panels,
              _rank_order, _outcome, _warnings, _reasons)  # fmt: skip
    found = [(path, message) for check in checks for path, message in check(result)]
    if not found:  # the parts agree: now the numbers, worked out again from the criterion scores
        found = [(path, message) for check in (sums, adjustments, panels, ranking) for path, message in check(result)]
    return [doc.problem(path, f"{dotted_path(path)}: {message}") for path, message in found]


def _numbers(node: Any, path: Path_ = ()) -> Found:
    """Every decimal finite and of a magnitude bideval can write."""
    if isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            yield from _numbers(getattr(node, name), (*path, info.alias or name))
    elif dataclasses.is_dataclass(node):  # a part of a bid's criteria, an object in the file
        for field in dataclasses.fields(node):
            yield from _numbers(getattr(node, field.name), (*path, field.name))
    elif isinstance(node, (dict, list, tuple)):
        for key, value in node.items() if isinstance(node, dict) else enumerate(node):
            yield from _numbers(value, (*path, key))
    elif isinstance(node, Decimal) and not node.is_finite():
        yield path, f"'{node}' is not a finite number"
    elif isinstance(node, Decimal) and abs(node.adjusted()) > MAX_EXPONENT:
        shown = str(node) if len(str(node)) <= 40 else f"of {len(node.as_tuple().digits)} digits"
        yield path, f"number {shown} is out of range (bideval writes none beyond 1E±{MAX_EXPONENT})"


def _settings(result: Result) -> Found:
    """The rubric settings the renderers read by key, and a positive total (charts divide by it)."""
    rubric = result.rubric
    for section, keys in SETTINGS.items():
        for key in keys:
            if key not in getattr(rubric, section):
                yield ("rubric", section), f"missing key '{key}'"
    for section in ("thresholds", "award"):
        budget = getattr(rubric, section).get("budget")
        if budget is not None and (isinstance(budget, bool) or not isinstance(budget, (int, Decimal))):
            yield ("rubric", section, "budget"), "expected a number or null"
    if rubric.total_points <= 0:
        yield ("rubric", "total_points"), f"must be greater than 0, got {rubric.total_points}"


def _technical_rule(result: Result) -> Found:
    """The technical threshold, when there is one: the criteria the report's rules list."""
    rule, path = result.rubric.thresholds.get("technical"), ("rubric", "thresholds", "technical")
    if rule is None:
        return
    if not isinstance(rule, dict) or not {"criteria", "min_ratio"} <= rule.keys():
        yield path, "expected a mapping with 'criteria' and 'min_ratio', or null"
    elif not isinstance(rule["criteria"], list):
        yield (*path, "criteria"), "expected a list of criterion ids"
    else:
        known = _every_criterion(result)
        for i, c in enumerate(rule["criteria"]):
            if not isinstance(c, str) or c not in known:
                yield (*path, "criteria", i), f"'{c}' is not a criterion of the rubric"


def _rubric_criteria(result: Result) -> Found:
    """Criteria listed depth first: each parent before its children, one level deeper."""
    depths: dict[str, int] = {}
    for i, info in enumerate(result.rubric.criteria):
        path = ("rubric", "criteria", i)
        expected = depths.get(info.parent, -1) + 1 if info.parent is not None else 0
        if info.parent is not None and info.parent not in depths:
            yield (*path, "parent"), f"'{info.parent}' is not a criterion listed before '{info.id}'"
        elif info.depth != expected:
            yield (*path, "depth"), f"{info.depth} does not match its parent; expected {expected}"
        depths.setdefault(info.id, info.depth)


def _duplicate_ids(result: Result) -> Found:
    lists = [(("rubric", "criteria"), "criterion", [c.id for c in result.rubric.criteria], "id"),
             (("bids",), "bidder", [b.bidder_id for b in result.bids], "bidder_id"),
             (("evaluators",), "evaluator", [e.id for e in result.evaluators], "id")]  # fmt: skip
    for where, what, ids, key in lists:
        first: dict[str, int] = {}
        for i, id_ in enumerate(ids):
            if id_ in first:
                yield (*where, i, key), f"{what} '{id_}' is listed twice (first as {dotted_path((*where, first[id_]))})"
            first.setdefault(id_, i)


def expected_criteria(result: Result, bid: BidResult) -> list[str]:
    """The criterion ids a bid's scores list, in order: its lot's criteria (none when a gate failed),
    without the categories of the stages it did not reach."""
    if not bid.criteria:
        return []
    reached = {cid for stage, info in zip(bid.stages, result.rubric.stages) if stage.score is not None
               for cid in info.criteria}  # fmt: skip
    unreached = {cid for info in result.rubric.stages for cid in info.criteria} - reached
    tops: dict[str, str] = {}
    for info in result.rubric.criteria_of(bid.lot):
        tops[info.id] = info.id if info.parent is None else tops.get(info.parent, info.id)
    return [cid for cid, top in tops.items() if top not in unreached]


def _bid_criteria(result: Result) -> Found:
    """A bid's scores follow its criteria node by node (none when a gate failed; a later stage's none
    when it failed an earlier one)."""
    for b, bid in enumerate(result.bids):
        path = ("bids", b)
        known = {c.id for c in result.rubric.criteria_of(bid.lot)}
        order = expected_criteria(result, bid)
        top = {c.id for c in result.rubric.criteria_of(bid.lot) if c.parent is None}
        for i, score in enumerate(bid.criteria):
            if score.id not in known:
                yield (*path, "criteria", i, "id"), f"'{score.id}' is not a criterion of the rubric section"
            elif i >= len(order) or score.id != order[i]:
                expected = f"'{order[i]}'" if i < len(order) else "nothing more"
                yield (*path, "criteria", i, "id"), f"'{score.id}' is out of rubric order; expected {expected}"
        if bid.criteria and len(bid.criteria) < len(order):
            missing = ", ".join(f"'{c}'" for c in order[len(bid.criteria) :])
            yield (*path, "criteria"), f"missing the rubric's {missing}"
        for key in bid.categories:
            if key not in top:
                yield (*path, "categories", key), f"'{key}' is not a top-level criterion of the rubric"
        for i, c in enumerate(bid.technical.criteria if bid.technical else []):
            if c not in known:
                yield (*path, "technical", "criteria", i), f"'{c}' is not a criterion of the rubric"
        stages = [s.id for s in bid.stages]
        if stages and stages != [info.id for info in result.rubric.stages]:
            yield (*path, "stages"), f"stages {', '.join(stages)} are not the rubric's, in its order"
        if bid.lot is not None and bid.lot not in {info.id for info in result.rubric.lots}:
            yield (*path, "lot"), f"'{bid.lot}' is not a lot of the rubric"


def _panels(result: Result) -> Found:
    evaluators = {e.id for e in result.evaluators}
    for b, bid in enumerate(result.bids):
        for i, score in enumerate(bid.criteria):
            for j, entry in enumerate(score.panel.scores if score.panel else []):
                if entry.evaluator not in evaluators:
                    yield (("bids", b, "criteria", i, "panel", "scores", j, "evaluator"),
                           f"'{entry.evaluator}' is not one of the evaluators")  # fmt: skip


def _rank_order(result: Result) -> Found:
    """Bids lot by lot, in the rubric's lot order; in each, ranked bids first, ranks 1, 2, … (tied
    bids share one: 1, 1, 3); then the rest by bidder id."""
    lots = [info.id for info in result.rubric.lots] or [None]
    previous, position = None, 0
    for i, bid in enumerate(result.bids):
        path = ("bids", i)
        if previous is not None and bid.lot != previous.lot:
            if bid.lot in lots and previous.lot in lots and lots.index(bid.lot) < lots.index(previous.lot):
                yield (*path, "lot"), f"lot '{bid.lot}' is listed after lot '{previous.lot}'; bids follow the rubric's lots"
            previous, position = None, 0
        position += 1
        if (bid.rank is not None) != (bid.status in RANKED):
            has = f"rank {bid.rank}" if bid.rank is not None else "no rank"
            yield (*path, "rank"), f"{has} with status '{bid.status}'; only selected and eligible bids are ranked"
        if bid.rank is not None and previous is not None and previous.rank is None:
            yield (*path, "rank"), "ranked bids come first, before every unranked bid"
        elif bid.rank is not None and bid.rank not in (allowed := {position, previous.rank if previous else 1}):
            expected = " or ".join(map(str, sorted(allowed)))
            yield (*path, "rank"), f"{bid.rank} is out of order; expected {expected} (ties share a rank: 1, 1, 3)"
        elif bid.rank is None and previous is not None and previous.rank is None and bid.bidder_id < previous.bidder_id:
            yield (*path, "bidder_id"), f"'{bid.bidder_id}' is out of order; unranked bids follow by bidder id"
        previous = bid


def _outcome(result: Result) -> Found:
    """Winners and tied bidders are bids; the winners are exactly the selected bids."""
    status = {b.bidder_id: b.status for b in reversed(result.bids)}  # the first of a bidder listed twice
    for key in ("winners", "tied"):
        for i, bidder in enumerate(getattr(result.outcome, key)):
            if bidder not in status:
                yield ("outcome", key, i), f"'{bidder}' is not one of the bids"
            elif key == "winners" and status[bidder] != "selected":
                yield ("outcome", key, i), f"'{bidder}' has status '{status[bidder]}', not 'selected'"
    for i, bid in enumerate(result.bids):
        if bid.status == "selected" and bid.bidder_id not in result.outcome.winners:
            yield ("bids", i, "status"), f"'{bid.bidder_id}' is selected but not among outcome.winners"


def _every_criterion(result: Result) -> set[str]:
    """The ids of the rubric's criteria and of every lot's own."""
    return {c.id for lot in [None, *(info.id for info in result.rubric.lots)] for c in result.rubric.criteria_of(lot)}


def _warnings(result: Result) -> Found:
    bidders = {b.bidder_id for b in result.bids}
    criteria = _every_criterion(result)
    for i, warning in enumerate(result.warnings):
        if warning.bidder is not None and warning.bidder not in bidders:
            yield ("warnings", i, "bidder"), f"'{warning.bidder}' is not one of the bids"
        if warning.criterion is not None and warning.criterion not in criteria:
            yield ("warnings", i, "criterion"), f"'{warning.criterion}' is not a criterion of the rubric"


def _reasons(result: Result) -> Found:
    criteria = _every_criterion(result) | {s.id for s in result.rubric.stages}
    for b, bid in enumerate(result.bids):
        gates = {g.id for g in bid.gates}
        for i, reason in enumerate(bid.reasons):
            if reason.code == "not_suitable":
                continue  # its subject lists the suitability checks failed (outcome.suitability)
            if reason.subject is not None and reason.subject not in criteria | gates:
                yield (("bids", b, "reasons", i, "subject"),
                       f"'{reason.subject}' is neither a criterion of the rubric nor a gate of this bid")  # fmt: skip
