"""What the ledger keeps of one verified evaluation: its `Result` as rows, table by table.

Pure: a `Result` (read back from the results.json that verification re-ran) and the archived rubric
and score files in, plain dicts out, so a worker process can build them and hand them over for one
transaction. Every raw score is kept, even a bid's that a gate excluded before the panel's scores
counted: what an evaluator gave is on record whatever became of the bid.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from bideval.engine.result import BidResult, Result
from bideval.engine.rounding import plain
from bideval.model.rubric import Rubric
from bideval.model.scores import Scores


@dataclass(frozen=True)
class Archived:
    """Where the evaluation came from: the archive's path as given, the SHA-256 of its manifest.json,
    the bideval version that wrote it, and whether its signature was checked."""

    archive: str
    digest: str
    bideval_version: str
    signature_checked: bool


Rows = dict[str, list[dict]]  # table name → its rows, without evaluation_id (given when inserted)


def evaluation_rows(result: Result, rubric: Rubric, panel: list[Scores], archived: Archived) -> tuple[dict, Rows]:
    """(the `evaluations` row, every other table's rows) for one evaluation: its `Result`, and the
    rubric and score files it was evaluated from."""
    info, outcome = result.rubric, result.outcome
    evaluated = next((r.round for r in outcome.rounds if r.evaluated), 1)
    head = {
        "digest": archived.digest, "archive": archived.archive, "tender": info.id, "round": evaluated,
        "title_ko": info.title.ko, "title_en": info.title.en, "issuer_ko": info.issuer.ko,
        "issuer_en": info.issuer.en, "evaluation_date": info.evaluation_date,
        "rubric_sha256": next(f.sha256 for f in result.inputs if f.role == "rubric"),
        "bideval_version": archived.bideval_version, "outcome": outcome.kind, "valid_bids": outcome.valid_bids,
        "signature_checked": archived.signature_checked,
    }  # fmt: skip
    rows: Rows = {
        "rounds": [{"round": r.round, "announced": r.announced, "applicants": r.applicants, "outcome": r.outcome,
                    "evaluated": r.evaluated} for r in outcome.rounds],
        "lots": [{"lot": lot, "outcome": o.kind, "valid_bids": o.valid_bids} for lot, o in outcome.lots.items()],
        "evaluators": [{"evaluator_id": e.id, "name_ko": e.name.ko, "name_en": e.name.en} for e in result.evaluators],
        "conflicts": [{"evaluator_id": e.id, "bidder_id": b} for e in result.evaluators for b in sorted(set(e.conflicts))],
    }  # fmt: skip
    for table in ("bids", "reasons", "stages", "adjustments", "panels", "scores"):
        rows[table] = []
    for bid in result.bids:
        _bid_rows(result, bid, rows)
    _panel_rows(result, rubric, panel, rows)
    return head, rows


def _bid_rows(result: Result, bid: BidResult, rows: Rows) -> None:
    outcome = result.outcome.lots.get(bid.lot, result.outcome)
    key = {"bidder_id": bid.bidder_id}
    rows["bids"].append({
        **key, "name_ko": bid.name.ko, "name_en": bid.name.en, "lot": bid.lot, "price": bid.price,
        "base_total": bid.base_total, "total": bid.total, "status": bid.status, "rank": bid.rank,
        "winner": bid.bidder_id in outcome.winners, "outcome": outcome.kind,
    })  # fmt: skip
    rows["reasons"] += [{**key, "position": n, "code": r.code, "subject": r.subject} for n, r in enumerate(bid.reasons)]
    rows["stages"] += [{**key, "stage": s.id, "score": s.score, "passed": s.passed} for s in bid.stages]
    rows["adjustments"] += [{**key, "item": a.id, "kind": a.kind, "points": a.points} for a in bid.adjustments]


def _panel_rows(result: Result, rubric: Rubric, panel: list[Scores], rows: Rows) -> None:
    """Every raw score the score files give — those of a bid excluded before scoring too (status
    `unused`) — with the panel's trims and means from the result where it scored the bid."""
    judged = {(b.bidder_id, c.id): c.panel for b in result.bids for c in b.criteria if c.panel is not None}
    lots = {b.bidder_id: b.lot for b in result.bids}
    given: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
    comments: dict[tuple[str, str, str], str] = {}
    for scores in panel:
        for bidder, items in scores.scores.items():
            for criterion, value in items.items():
                given[(bidder, criterion)][scores.evaluator.id] = value
        for bidder, items in scores.comments.items():
            for criterion, text in items.items():
                comments[(bidder, criterion, scores.evaluator.id)] = text
    for bidder, criterion in sorted(given.keys() | judged.keys()):
        node = _rubric_of(rubric, lots[bidder]).node(criterion)
        detail = judged.get((bidder, criterion))
        cell = {"bidder_id": bidder, "criterion": criterion}
        rows["panels"].append({**cell, "points": node.points, "scale": node.scale or "percent",
                               "trimmed": bool(detail and detail.trimmed), "mean": detail.mean if detail else None})  # fmt: skip
        statuses = {s.evaluator: (s.score, s.status) for s in detail.scores} if detail else {}
        for evaluator in sorted(given[(bidder, criterion)].keys() | statuses.keys()):
            raw = given[(bidder, criterion)].get(evaluator)  # as the file spells it; the panel records 27.0 as 27
            score, status = statuses.get(evaluator, (None if raw is None else plain(raw), "unused"))
            rows["scores"].append({**cell, "evaluator_id": evaluator, "score": score, "status": status,
                                   "comment": comments.get((bidder, criterion, evaluator))})  # fmt: skip


def _rubric_of(rubric: Rubric, lot: str | None) -> Rubric:
    return rubric.for_lot(rubric.lot(lot)) if lot else rubric
