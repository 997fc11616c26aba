"""What the committee writes beside its scores, checked against the scores and the rubric (issue 22):
comments (평가의견) and revisions in the score files, comments the rubric requires, and the agreed
scores of a moderated panel (scores/moderated.yaml). Each problem is located in the file it is about.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Context, Decimal
from fractions import Fraction

from bideval.errors import Problem
from bideval.load.checks import digits, required_scores, score_problem, top_score
from bideval.load.strict_yaml import Document
from bideval.model.rubric import Criterion, Panel, Rubric
from bideval.model.scores import Moderated, Scores

_WIDE = Context(prec=100)  # wider than any score's digits (load.limits), so a half is exact
Judged = dict[str, dict[str, Criterion]]  # bidder id → its lot's judged criteria by id


def check_committee(rubric: Rubric, lots: dict[str, str | None], others: list[str],
                    panel: list[tuple[Scores, Document]], moderated: tuple | None, scores_dir: str, *,
                    complete: bool = True) -> list[Problem]:  # fmt: skip
    """`lots`: each bid's lot (None without lots); `others`: ids claimed by bid files with problems of
    their own (nothing is said of their comments); `moderated`: (Moderated | None, its Source), or
    None without scores/moderated.yaml. `complete=False` (making score sheets): the required
    comments and agreed scores are not asked for yet."""
    of_lot = {lot.id if lot else None: {c.id: c for c in r.judged()} for lot, r in rubric.lot_rubrics()}
    judged = {bidder: of_lot.get(lot, of_lot.get(None, {})) for bidder, lot in lots.items()}
    problems = [p for scores, doc in panel for p in _written_beside(scores, doc, judged, set(others))]
    if complete:
        problems += required_comments(rubric.panel, panel, judged)
        problems += _agreed_scores(rubric, lots, judged, moderated, scores_dir)
    return problems


def _written_beside(scores: Scores, doc: Document, judged: Judged, others: set[str]) -> list[Problem]:
    """Each comment and revision belongs to a score this evaluator gave; revisions oldest first,
    each earlier value a possible score."""
    problems = []
    given = scores.scores
    for part, entries in (("comments", scores.comments), ("revisions", scores.revisions)):
        what = "a comment" if part == "comments" else "a revision"
        for bidder, items in entries.items():
            if bidder in others:
                continue
            if bidder not in judged:
                problems.append(doc.problem((part, bidder), f"{what} for unknown bidder '{bidder}'", key=True))
                continue
            for cid in items:
                if cid not in given.get(bidder, {}):
                    problems.append(doc.problem((part, bidder, cid), f"{what} on a score not given: evaluator "
                                                f"'{scores.evaluator.id}' gave '{bidder}' no score for '{cid}'",
                                                key=True))  # fmt: skip
    for bidder, items in scores.revisions.items():
        for cid, history in items.items():
            criterion = judged.get(bidder, {}).get(cid)
            if criterion is None or cid not in given.get(bidder, {}):
                continue
            for i, revision in enumerate(history):
                wrong = score_problem(revision.previous, criterion)
                if wrong:
                    problems.append(doc.problem(("revisions", bidder, cid, i, "previous"), f"earlier score: {wrong}"))
                if i and revision.date < history[i - 1].date:
                    problems.append(doc.problem(("revisions", bidder, cid, i, "date"), "revisions are listed "
                                                f"oldest first; {revision.date} comes before {history[i - 1].date}"))  # fmt: skip
    return problems


def required_comments(rule: Panel, panel: list[tuple[Scores, Document]], judged: Judged) -> list[Problem]:
    """A score without a comment where the rubric asks for one: every score (`comment_required: all`),
    or one further than `comment_required_beyond` × the item's points from the median of the other
    evaluators' scores for the same bid and item."""
    if rule.comment_required is None and rule.comment_required_beyond is None:
        return []
    cells: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
    for scores, _ in panel:
        for bidder, items in scores.scores.items():
            for cid, value in items.items():
                cells[(bidder, cid)][scores.evaluator.id] = value
    problems = []
    for scores, doc in panel:
        evaluator = scores.evaluator.id
        for bidder, items in scores.scores.items():
            for cid, value in items.items():
                criterion = judged.get(bidder, {}).get(cid)
                if criterion is None or cid in scores.comments.get(bidder, {}):
                    continue
                why = _why_a_comment(rule, criterion, value, [s for e, s in cells[(bidder, cid)].items() if e != evaluator])
                if why:
                    problems.append(doc.problem(("scores", bidder, cid), f"evaluator '{evaluator}' scored '{cid}' of "
                                                f"'{bidder}' {digits(value)} without a comment: {why}; add one under "
                                                f"comments: {bidder}: {cid}"))  # fmt: skip
    return problems


def _why_a_comment(rule: Panel, criterion: Criterion, value: Decimal, others: list[Decimal]) -> str | None:
    if rule.comment_required == "all":
        return "the rubric asks a comment for every score (panel.comment_required: all)"
    if not others or rule.comment_required_beyond is None:
        return None
    middle = median(others)
    top = top_score(criterion)
    limit = Fraction(rule.comment_required_beyond) * Fraction(top)
    if abs(Fraction(value) - middle) <= limit:
        return None
    unit = " points" if criterion.scale == "points" else " (%)"
    return (f"it lies {_fraction_text(abs(Fraction(value) - middle))} from the median of the other evaluators' "
            f"scores ({_fraction_text(middle)}), more than {digits(rule.comment_required_beyond)} × {digits(top)}"
            f"{unit} = {_fraction_text(limit)} (panel.comment_required_beyond)")  # fmt: skip


def median(values: list[Decimal]) -> Fraction:
    """The middle value; of an even count, the mean of the two middle ones (exact)."""
    ordered = sorted(map(Fraction, values))
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def _fraction_text(value: Fraction) -> str:
    """A median or a gap as digits: these are halves and sums of decimals, so they always end."""
    return digits(_WIDE.divide(Decimal(value.numerator), Decimal(value.denominator)))


def _agreed_scores(rubric: Rubric, lots: dict[str, str | None], judged: Judged, moderated: tuple | None,
                   scores_dir: str) -> list[Problem]:  # fmt: skip
    """Under `panel.method: moderated`, scores/moderated.yaml gives an agreed score, in range, for every
    judged item every bid needs; otherwise there must be no such file."""
    value, source = moderated if moderated else (None, None)
    if rubric.panel.method != "moderated":
        if source is None:
            return []
        return [Problem(source.doc.file, 0, 0, "an agreed score file is only read when the rubric's panel.method "
                        f"is moderated (it is {rubric.panel.method})")]  # fmt: skip
    if source is None:
        needed = any(judged.values())
        return [Problem(scores_dir, 0, 0, "the rubric's panel.method is moderated: moderated.yaml here must give "
                        "the panel's agreed score of every judged item of every bid")] if needed else []  # fmt: skip
    if value is None:
        return []  # its own problems are listed
    return _agreed_in_file(value, source.doc, judged, required_scores(rubric, lots))


def _agreed_in_file(value: Moderated, doc: Document, judged: Judged, required: dict[str, list[str]]) -> list[Problem]:
    problems = []
    for bidder, items in value.scores.items():
        if bidder not in judged:
            problems.append(doc.problem(("scores", bidder), f"an agreed score for unknown bidder '{bidder}'", key=True))
            continue
        for cid, agreed in items.items():
            criterion = judged[bidder].get(cid)
            if criterion is None:
                problems.append(doc.problem(("scores", bidder, cid), f"'{cid}' is not a judged criterion of "
                                            f"bidder '{bidder}'", key=True))  # fmt: skip
            elif wrong := score_problem(agreed.score, criterion):
                problems.append(doc.problem(("scores", bidder, cid, "score"), f"agreed score for '{cid}': {wrong}"))
    for bidder in sorted(judged):
        missing = [cid for cid in required.get(bidder, []) if cid not in value.scores.get(bidder, {})]
        if missing:
            listed = bidder in value.scores
            problems.append(doc.problem(("scores", bidder) if listed else ("scores",), f"no agreed score for bidder "
                                        f"'{bidder}' on: {', '.join(missing)}", key=listed))  # fmt: skip
    return problems
