"""What-if: re-run the evaluation with overrides, never touching the input files.

`--set hanbit-cloud.price=800000000` changes one bid field (any path of the bid file,
e.g. `bidder.gpuaas_in_service=false`, or `lot=track-2`); `--points price-performance=20`
changes a leaf's points, and its parents' points follow so that they still add up — in the
rubric's criteria and in every lot's own criteria that have that leaf. Values are read with the
same strict rules as the input files. The whole evaluation is re-run: stage pass rules, bonus and
penalty points and the suitability check are applied again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from pydantic import ValidationError

from bideval.errors import InputError, Problem
from bideval.load.inputs import Inputs
from bideval.load.strict_yaml import resolve_plain
from bideval.model.bid import Bid
from bideval.model.rubric import Criterion


@dataclass(frozen=True)
class Override:
    kind: str  # "set" or "points"
    target: str  # "bidder.path" or criterion id
    value: str  # as given on the command line


def parse(kind: str, text: str) -> Override:
    target, sep, value = text.partition("=")
    if not sep or not target or not value:
        raise InputError([Problem(f"--{kind}", 0, 0, f"'{text}': expected NAME=VALUE")])
    return Override(kind, target.strip(), value.strip())


def apply(inputs: Inputs, overrides: list[Override]) -> Inputs:
    """New inputs with every override applied (all problems reported together)."""
    problems: list[Problem] = []
    for override in overrides:
        try:
            inputs = _set(inputs, override) if override.kind == "set" else _points(inputs, override)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return inputs


def _value(override: Override):
    value, message = resolve_plain(override.value)
    if message:
        raise InputError([Problem(f"--{override.kind} {override.target}", 0, 0, message)])
    return value


def _set(inputs: Inputs, override: Override) -> Inputs:
    bidder, _, path = override.target.partition(".")
    where = f"--set {override.target}"
    pairs = list(inputs.bids)
    index = next((i for i, (b, _) in enumerate(pairs) if b.bidder.id == bidder), None)
    if index is None or not path:
        raise InputError([Problem(where, 0, 0, "expected BIDDER.FIELD=VALUE with a known bidder id")])
    data = pairs[index][0].model_dump(by_alias=True)
    node = data
    parts = path.split(".")
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            raise InputError([Problem(where, 0, 0, f"'{path}' is not a field of a bid")])
        node = node[part]
    node[parts[-1]] = _value(override)
    try:
        changed = Bid.model_validate(data)
    except ValidationError as exc:
        raise InputError([Problem(where, 0, 0, e["msg"]) for e in exc.errors(include_url=False)]) from None
    pairs[index] = (changed, pairs[index][1])
    return replace(inputs, bids=tuple(pairs))


def _points(inputs: Inputs, override: Override) -> Inputs:
    where = f"--points {override.target}"
    value = _value(override)
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value <= 0:
        raise InputError([Problem(where, 0, 0, "expected a number of points greater than 0")])
    rubric = inputs.rubric
    trees = [rubric.criteria] + [lot.criteria for lot in rubric.lots if lot.criteria]
    if not any(c.id == override.target and c.is_leaf for tree in trees for top in tree for c in top.walk()):
        raise InputError([Problem(where, 0, 0, "expected the id of a leaf criterion (one with a method)")])

    def rebuilt(node: Criterion) -> tuple[Criterion, Decimal | None]:
        """The node with the leaf's new points, and by how much its points changed (None: not under it)."""
        if node.id == override.target and node.is_leaf:
            return node.model_copy(update={"points": Decimal(value)}), Decimal(value) - node.points
        if not node.children:
            return node, None
        children, changes = zip(*(rebuilt(c) for c in node.children))
        difference = next((d for d in changes if d is not None), None)
        points = node.points + difference if difference is not None else node.points
        return node.model_copy(update={"children": list(children), "points": points}), difference

    def tree(criteria: list[Criterion]) -> list[Criterion]:
        return [rebuilt(c)[0] for c in criteria]

    lots = [lot.model_copy(update={"criteria": tree(lot.criteria)}) if lot.criteria else lot for lot in rubric.lots]
    return replace(inputs, rubric=rubric.model_copy(update={"criteria": tree(rubric.criteria), "lots": lots}))
