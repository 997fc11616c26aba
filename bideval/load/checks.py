"""Checks that need more than one node or one file: the rubric as a whole, bids against
the catalog, and the panel's score files against the rubric and the bids."""

from __future__ import annotations

import difflib
from datetime import date
from decimal import Decimal

from bideval.errors import Problem
from bideval.load.strict_yaml import Document
from bideval.model.bid import Bid
from bideval.model.catalog import Catalog
from bideval.model.fields import METRICS, NEEDS_DEADLINE, NEEDS_PRECISION, bid_paths, field_kind
from bideval.model.rubric import Criterion, Gate, Rubric
from bideval.model.scores import Scores


def criterion_paths(rubric: Rubric, root: tuple = ()) -> dict[str, tuple]:
    """Criterion id → its path in the rubric document (for locating problems); `root`: where the
    criteria list stands (a lot's own criteria stand under ("lots", i))."""
    paths: dict[str, tuple] = {}
    for node, path in _walk_with_paths(rubric, root):
        paths.setdefault(node.id, path)
    return paths


def largest_items(rubric: Rubric) -> list[Criterion]:
    leaves = rubric.leaves()
    most = max(c.points for c in leaves)
    return [c for c in leaves if c.points == most]


def tie_break_meaning(rubric: Rubric, entry: str) -> tuple[str, str | None]:
    """What one `ranking.tie_break` entry means: ("criterion", id) when a criterion has that id —
    even `technical` or `largest_item`, since an author who names a criterion so means it;
    else the keyword ("technical", None) or ("largest_item", id of the leaf with the most points);
    ("unknown", None) for anything else (issue 18 §8). Checks and ranking both read it."""
    if any(node.id == entry for node in rubric.nodes()):
        return "criterion", entry
    if entry == "technical":
        return "technical", None
    if entry == "largest_item":
        return "largest_item", largest_items(rubric)[0].id
    return "unknown", None


def check_rubric(rubric: Rubric, doc: Document, root: tuple = ()) -> list[Problem]:
    """The rubric as a whole; `root` locates the criteria of a lot that has its own (see
    load.procedure_checks, which checks the procedure: rounds, stages, adjustments, lots)."""
    problems: list[Problem] = []
    paths = criterion_paths(rubric, root)
    seen: set[str] = set()
    for criterion, path in _walk_with_paths(rubric, root):
        own = criterion.problems()
        problems += [doc.problem(path, f"criterion '{criterion.id}': {message}") for message in own]
        if -criterion.points.normalize().as_tuple().exponent > rubric.rounding.places:  # type: ignore[operator]
            problems.append(doc.problem(path + ("points",), f"criterion '{criterion.id}' has {criterion.points} "
                                        f"points, finer than the {rubric.rounding.places} decimal(s) scores are "
                                        "rounded to; a full score could round above the points"))  # fmt: skip
        if criterion.id in seen:
            problems.append(doc.problem(path + ("id",), f"criterion id '{criterion.id}' is used more than once"))
        seen.add(criterion.id)
        if criterion.children:
            total = sum((c.points for c in criterion.children), Decimal(0))
            if total != criterion.points:
                problems.append(doc.problem(path + ("points",), f"criterion '{criterion.id}' has {criterion.points} "
                                            f"points but its children add up to {total}"))  # fmt: skip
        elif criterion.source is not None and not own:
            problems += _check_source(rubric, criterion, doc, path)
    gate_ids = [g.id for g in rubric.eligibility]
    for i, gate in enumerate(rubric.eligibility):
        if gate_ids.index(gate.id) != i:
            problems.append(doc.problem(("eligibility", i, "id"), f"gate id '{gate.id}' is used more than once"))
        where = ("eligibility", i, "value" if "value" in doc.get(("eligibility", i)) else "op")
        own = [doc.problem(where, f"gate '{gate.id}': {m}") for m in gate.problems()]
        problems += own or _check_gate(rubric, gate, doc, ("eligibility", i))
    technical = rubric.thresholds.technical
    if technical:
        counted: set[str] = set()
        for i, cid in enumerate(technical.criteria):
            where = ("thresholds", "technical", "criteria", i)
            if cid not in paths:
                problems.append(doc.problem(where, f"unknown criterion '{cid}'"))
                continue
            leaves = {c.id for c in rubric.node(cid).walk() if c.is_leaf}
            if leaves & counted:  # a repeated id, or a child of a criterion already named
                problems.append(doc.problem(where, f"'{cid}' is already counted in the technical threshold"))
            counted |= leaves
    for i, entry in enumerate(rubric.ranking.tie_break):
        message = _tie_break_problem(rubric, entry)
        if message:
            problems.append(doc.problem(("ranking", "tie_break", i), message))
    return problems


def _tie_break_problem(rubric: Rubric, entry: str) -> str | None:
    """Why a tie-break entry cannot be used as written, or None (see `tie_break_meaning`)."""
    kind, _ = tie_break_meaning(rubric, entry)
    technical = rubric.thresholds.technical
    if kind == "criterion" and entry == "technical" and technical is not None:
        # Issue 18 §8: `technical` names both a criterion and the threshold's criteria. Harmless
        # when they count the same items (the KR sample); otherwise a reader may take either.
        if _leaves_under(rubric, technical.criteria) != _leaves_under(rubric, ["technical"]):
            return ("tie-break 'technical' is ambiguous: it names the criterion 'technical' (used), but "
                    f"thresholds.technical counts other items ({', '.join(technical.criteria)}); rename the "
                    "criterion and list the one you mean: its new id, or 'technical' for the threshold's criteria")
    elif kind == "technical" and technical is None:
        return ("tie-break 'technical' needs thresholds.technical to say which criteria "
                "(no criterion has the id 'technical')")
    elif kind == "largest_item" and len(largest_items(rubric)) > 1:
        tied = ", ".join(c.id for c in largest_items(rubric))
        return f"tie-break 'largest_item' is ambiguous: {tied} share the most points"
    elif kind == "unknown":
        return f"tie-break '{entry}' is not 'technical', 'largest_item' or a criterion id"
    return None


def _leaves_under(rubric: Rubric, ids: list[str]) -> set[str]:
    """The leaf ids counted by the criteria `ids` (unknown ids are reported elsewhere)."""
    return {leaf.id for node in rubric.nodes() if node.id in ids for leaf in node.walk() if leaf.is_leaf}


def _walk_with_paths(rubric: Rubric, root: tuple = ()):
    def visit(node: Criterion, path: tuple):
        yield node, path
        for i, child in enumerate(node.children or ()):
            yield from visit(child, path + ("children", i))

    for i, top in enumerate(rubric.criteria):
        yield from visit(top, (*root, "criteria", i))


def _check_source(rubric: Rubric, c: Criterion, doc: Document, path: tuple) -> list[Problem]:
    key = "metric" if c.metric is not None else "field"
    message = field_problem(rubric, c.source or "", "bool" if c.method == "boolean" else "number",
                            f"method '{c.method}'", key)  # fmt: skip
    return [doc.problem(path + (key,), message)] if message else []


def field_problem(rubric: Rubric, name: str, wanted: str, user: str = "it", noun: str = "value") -> str | None:
    """Why the metric or bid field `name` cannot be read as `wanted` ("number" or "bool"), or None."""
    kind = field_kind(name)
    if kind is None:
        return f"'{name}' is neither a metric nor a bid field{_suggest(name)}"
    if kind not in (wanted, "any"):
        return f"{user} needs a {'true/false' if wanted == 'bool' else 'numeric'} {noun}; '{name}' is {kind}"
    return _settings_problem(rubric, name)


def _suggest(name: str) -> str:
    close = difflib.get_close_matches(name, [*METRICS, *bid_paths()], n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else " (the README lists the metrics)"


def _needs_settings(rubric: Rubric, name: str, doc: Document, where: tuple) -> list[Problem]:
    message = _settings_problem(rubric, name)
    return [doc.problem(where, message)] if message else []


def _settings_problem(rubric: Rubric, name: str) -> str | None:
    if name in NEEDS_PRECISION and rubric.compute is None:
        return f"'{name}' needs `compute.precision` in the rubric (fp64 … fp4)"
    if name in NEEDS_DEADLINE and rubric.service_deadline is None:
        return f"'{name}' needs `service_deadline` (a date) in the rubric"
    return None


def _check_gate(rubric: Rubric, gate: Gate, doc: Document, path: tuple) -> list[Problem]:
    kind = field_kind(gate.field)
    if kind is None:
        return [doc.problem(path + ("field",), f"'{gate.field}' is neither a metric nor a bid field{_suggest(gate.field)}")]
    values = gate.value if isinstance(gate.value, list) else [gate.value]
    fits = {
        "number": lambda v: isinstance(v, Decimal),
        "bool": lambda v: isinstance(v, bool),
        "text": lambda v: isinstance(v, str),
        "date": lambda v: isinstance(v, date),
        "any": lambda v: True,
    }[kind]
    if gate.op == "true" and kind not in ("bool", "any"):
        return [doc.problem(path + ("op",), f"op 'true' needs a true/false field; '{gate.field}' is {kind}")]
    if gate.op != "true" and not all(fits(v) for v in values):
        return [doc.problem(path + ("value",), f"value does not fit op '{gate.op}' on '{gate.field}', which is {kind}")]
    return _needs_settings(rubric, gate.field, doc, path + ("field",))


def check_bids(rubric: Rubric, catalog: Catalog, bids: list[tuple[Bid, Document]]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, tuple[str, str]] = {}
    precision = rubric.compute.precision if rubric.compute else None
    for bid, doc in bids:
        problems += _used_before("bidder", bid.bidder.id, doc, ("bidder", "id"), seen)
        cluster_ids: list[str] = []
        for i, cluster in enumerate(bid.clusters):
            if cluster.id in cluster_ids:
                problems.append(doc.problem(("clusters", i, "id"), f"cluster id '{cluster.id}' is used more than once"))
            cluster_ids.append(cluster.id)
            gpu = catalog.gpus.get(cluster.gpu)
            where = ("clusters", i, "gpu")
            if gpu is None:
                problems.append(doc.problem(where, f"unknown GPU '{cluster.gpu}'; the catalog has: "
                                            f"{', '.join(sorted(catalog.gpus))} (add it with --catalog FILE)"))  # fmt: skip
            elif precision and getattr(gpu.tflops, precision) is None:
                problems.append(doc.problem(where, f"GPU '{cluster.gpu}' has no {precision} figure in the catalog, "
                                            f"and the rubric counts petaflops at {precision}"))  # fmt: skip
    return problems


def _used_before(kind: str, ident: str, doc: Document, path: tuple, seen: dict[str, tuple[str, str]]) -> list[Problem]:
    """A bidder's or evaluator's id given by an earlier file too. Ids are compared whatever their case
    ("KT" and "kt" are one id): score sheets and score files are named by them, and a case-blind disk
    would make the two one file."""
    first = seen.setdefault(ident.casefold(), (ident, doc.file))
    if first == (ident, doc.file):
        return []
    spelled = "" if first[0] == ident else f" as '{first[0]}' (ids are the same whatever their case)"
    return [doc.problem(path, f"{kind} id '{ident}' is also used by {first[1]}{spelled}")]


def score_problem(value: Decimal, criterion: Criterion) -> str | None:
    """What is wrong with `value` as a score for `criterion`, or None: it must lie within 0–100 (%)
    or, on the points scale, 0–the item's points. Scores files and score sheets are checked by it."""
    top = top_score(criterion)
    if _ZERO <= value <= top:
        return None
    unit = " points" if criterion.scale == "points" else " (%)"
    return f"{digits(value)} is outside 0–{digits(top)}{unit}"


_ZERO, _HUNDRED = Decimal(0), Decimal(100)


def top_score(criterion: Criterion) -> Decimal:
    return criterion.points if criterion.scale == "points" else _HUNDRED


def digits(value: Decimal) -> str:
    """Every digit of `value`, without an exponent or trailing zeros (1E+2 → 100, 13.50 → 13.5)."""
    text = format(value, "f")  # exact: no context rounding, so no digit is lost
    return text.rstrip("0").rstrip(".") if "." in text else text


def check_panel(
    rubric: Rubric, bidder_ids: dict[str, str], other_ids: list[str], panel: list[tuple[Scores, Document]],
    scores_dir: str, *, complete: bool = True, unread: int = 0, lots: dict[str, str | None] | None = None,
) -> list[Problem]:
    """Score files against the rubric and the bids. `bidder_ids`: bids that loaded (id → file name); `other_ids`:
    ids claimed by bid files with problems (neither unknown nor checked for completeness).
    `complete=False` (before scoring, for score sheets): every check but "a score is missing".
    `unread`: score files that did not load (their own problems are reported); with none loaded, the
    folder is not "without score files" (issue 18 §8). `lots`: each bidder's lot, whose criteria it is
    scored on (a lot may have its own)."""
    judged = {c.id: c for _, lot_rubric in rubric.lot_rubrics() for c in lot_rubric.judged()}
    bidder_lots = {bidder: (lots or {}).get(bidder) for bidder in bidder_ids}
    required = required_scores(rubric, bidder_lots)
    # Each bidder's judged criteria as its lot defines them (two lots may define one id differently).
    of_lot = {lot.id if lot else None: {c.id: c for c in r.judged()} for lot, r in rubric.lot_rubrics()}
    allowed = {bidder: of_lot[lot] if lot in of_lot else judged for bidder, lot in bidder_lots.items()}
    if judged and not panel and complete:
        if unread:
            return [Problem(scores_dir, 0, 0, f"none of the {unread} score file(s) here could be read (their "
                            "problems are listed), so nobody's scores count for the judged criteria "
                            f"({', '.join(judged)})")]  # fmt: skip
        return [Problem(scores_dir, 0, 0, f"the rubric has judged criteria ({', '.join(judged)}) but there are "
                        "no score files here")]  # fmt: skip
    problems: list[Problem] = []
    seen: dict[str, tuple[str, str]] = {}
    for scores, doc in panel:
        problems += _used_before("evaluator", scores.evaluator.id, doc, ("evaluator", "id"), seen)
        problems += _check_one_sheet(scores, doc, judged, bidder_ids, set(other_ids), complete, required, allowed)
    for bidder in bidder_ids:
        if judged and all(bidder in s.evaluator.conflicts for s, _ in panel):
            problems.append(Problem(scores_dir, 0, 0, f"every evaluator has a conflict with '{bidder}'; "
                                    "nobody can score its judged criteria"))  # fmt: skip
    return problems


def required_scores(rubric: Rubric, lots: dict[str, str | None]) -> dict[str, list[str]]:
    """The judged criteria each bidder must be scored on before evaluating: those of its lot's criteria
    (the rubric's, or the lot's own) — without a later stage's, which only the bids that reach that
    stage need (engine.lot checks those)."""
    by_lot = {lot.id if lot else None: lot_rubric for lot, lot_rubric in rubric.lot_rubrics()}
    later = {cid for stage in rubric.stages[1:] for cid in stage.criteria}
    required = {}
    for bidder, lot in lots.items():
        lot_rubric = by_lot.get(lot) or rubric
        required[bidder] = [leaf.id for top in lot_rubric.criteria if top.id not in later
                            for leaf in top.walk() if leaf.is_leaf and leaf.method == "judged"]  # fmt: skip
    return required


def _check_one_sheet(
    scores: Scores, doc: Document, judged: dict[str, Criterion], bidders: dict[str, str], others: set[str],
    complete: bool, required: dict[str, list[str]], allowed: dict[str, dict[str, Criterion]],
) -> list[Problem]:
    problems: list[Problem] = []
    evaluator = scores.evaluator.id
    for i, bidder in enumerate(scores.evaluator.conflicts):
        if bidder not in bidders and bidder not in others:
            problems.append(doc.problem(("evaluator", "conflicts", i), f"conflict with unknown bidder '{bidder}'"))
    for bidder, given in scores.scores.items():
        if bidder in others:
            continue
        if bidder not in bidders:
            problems.append(doc.problem(("scores", bidder), f"scores for unknown bidder '{bidder}'", key=True))
            continue
        if bidder in scores.evaluator.conflicts:
            problems.append(doc.problem(("scores", bidder), f"evaluator '{evaluator}' declared a conflict with "
                                        f"'{bidder}' and must not score it", key=True))  # fmt: skip
            continue
        own = allowed[bidder]
        for cid, value in given.items():
            criterion = own.get(cid)
            if criterion is not None and _ZERO <= value <= top_score(criterion):
                continue  # the usual case: no message
            where = ("scores", bidder, cid)
            if cid not in judged:
                problems.append(doc.problem(where, f"'{cid}' is not a judged criterion of this rubric", key=True))
            elif criterion is None:
                problems.append(doc.problem(where, f"'{cid}' is not a judged criterion of the lot bidder '{bidder}' "
                                            "bids for", key=True))  # fmt: skip
            else:
                problems.append(doc.problem(where, f"score for '{cid}': {score_problem(value, own[cid])}"))
    for bidder in sorted(bidders):
        if bidder in scores.evaluator.conflicts or not complete:
            continue
        missing = [cid for cid in required[bidder] if cid not in scores.scores.get(bidder, {})]
        if missing:
            listed = bidder in scores.scores
            problems.append(doc.problem(("scores", bidder) if listed else ("scores",), f"evaluator '{evaluator}' "
                                        f"gave no score for bidder '{bidder}' ({bidders[bidder]}) on: "
                                        f"{', '.join(missing)}", key=listed))  # fmt: skip
    return problems
