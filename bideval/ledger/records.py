"""What the ledger keeps of one verified evaluation: its `Result` as rows, table by table.

Pure: a `Result` (read back from the results.json that verification re-ran) in, plain dicts out,
so a worker process can build them and hand them over for one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from bideval.engine.result import BidResult, Result


@dataclass(frozen=True)
class Archived:
    """Where the evaluation came from: the archive's path as given, the SHA-256 of its manifest.json,
    the bideval version that wrote it, and whether its signature was checked."""

    archive: str
    digest: str
    bideval_version: str
    signature_checked: bool


Rows = dict[str, list[dict]]  # table name → its rows, without evaluation_id (given when inserted)


def evaluation_rows(result: Result, archived: Archived) -> tuple[dict, Rows]:
    """(the `evaluations` row, every other table's rows) for one evaluation."""
    rubric, outcome = result.rubric, result.outcome
    evaluated = next((r.round for r in outcome.rounds if r.evaluated), 1)
    head = {
        "digest": archived.digest, "archive": archived.archive, "tender": rubric.id, "round": evaluated,
        "title_ko": rubric.title.ko, "title_en": rubric.title.en, "issuer_ko": rubric.issuer.ko,
        "issuer_en": rubric.issuer.en, "evaluation_date": rubric.evaluation_date,
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
    points = {info.id: info.points for info in result.rubric.criteria_of(bid.lot)}
    for criterion in bid.criteria:
        panel = criterion.panel
        if panel is None:
            continue
        cell = {**key, "criterion": criterion.id}
        rows["panels"].append({**cell, "points": points[criterion.id], "scale": panel.scale, "trimmed": panel.trimmed,
                               "mean": panel.mean})  # fmt: skip
        rows["scores"] += [{**cell, "evaluator_id": s.evaluator, "score": s.score, "status": s.status}
                           for s in panel.scores]  # fmt: skip
