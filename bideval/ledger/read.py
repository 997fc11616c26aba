"""Reading the ledger back: plain SELECTs, turned into the rows `statistics` works on.

Each query orders its rows, so what is read (and every answer) is the same on any database.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bideval.ledger import schema as t
from bideval.ledger.statistics import (
    Bid,
    Evaluation,
    Panel,
    Sitting,
    bidder_rows,
    current,
    evaluator_history,
    evaluator_rows,
)


def evaluator_answer(engine: Engine, lang: str, above: Decimal) -> list[dict]:
    """`ledger evaluators`: a row per evaluator (see `statistics.evaluator_rows`), read in one transaction."""
    with engine.connect() as connection:
        counted = current_evaluations(connection)
        names = latest_names(connection, t.evaluators, "evaluator_id", lang)
        return evaluator_rows(sittings(connection, counted), panels(connection, counted), names, above)


def evaluator_history_answer(engine: Engine, evaluator: str, lang: str, above: Decimal) -> list[dict]:
    """`ledger evaluators --evaluator ID`: a row per tender and round it sat on, in the order added
    (empty when the ledger has no such evaluator)."""
    e = t.evaluations.c
    with engine.connect() as connection:
        counted = current_evaluations(connection)
        rows = evaluator_history(sittings(connection, counted), panels(connection, counted), evaluator, above)
        query = sa.select(e.id, e.round, e[f"title_{lang}"], e.evaluation_date)
        about = {key: (rnd, title, day) for key, rnd, title, day in connection.execute(query)}
    for row in rows:
        rnd, title, day = about[row.pop("evaluation")]
        row.update({"round": rnd, "title": title, "evaluation_date": day.isoformat()})
    return rows


def bidder_answer(engine: Engine, lang: str) -> list[dict]:
    """`ledger bidders`: a row per bidder (see `statistics.bidder_rows`)."""
    with engine.connect() as connection:
        counted = current_evaluations(connection)
        return bidder_rows(bids(connection, counted), latest_names(connection, t.bids, "bidder_id", lang))


def tender_answer(engine: Engine, lang: str) -> list[dict]:
    with engine.connect() as connection:
        return tenders(connection, lang)


def current_evaluations(connection: Connection) -> dict[int, str]:
    """id → tender of the evaluations counted (see `statistics.current`)."""
    e = t.evaluations.c
    rows = connection.execute(sa.select(e.id, e.tender, e.round, e.evaluation_date).order_by(e.id)).all()
    counted = current(Evaluation(*row) for row in rows)
    return {key: tender for key, tender, _, _ in rows if key in counted}


def latest_names(connection: Connection, table: sa.Table, key: str, lang: str) -> dict[str, str]:
    """id → its name in `lang` as the most recently added evaluation gives it."""
    c = table.c
    query = sa.select(c[key], c[f"name_{lang}"]).order_by(c.evaluation_id, c[key])
    return dict(connection.execute(query).all())  # later rows overwrite earlier ones


def sittings(connection: Connection, counted: dict[int, str]) -> list[Sitting]:
    c, k = t.evaluators.c, t.conflicts.c
    declared: dict[tuple[int, str], set[str]] = defaultdict(set)
    for evaluation, evaluator, bidder in connection.execute(sa.select(k.evaluation_id, k.evaluator_id, k.bidder_id)):
        declared[(evaluation, evaluator)].add(bidder)
    query = sa.select(c.evaluation_id, c.evaluator_id).order_by(c.evaluation_id, c.evaluator_id)
    return [Sitting(evaluation, counted[evaluation], evaluator, frozenset(declared[(evaluation, evaluator)]))
            for evaluation, evaluator in connection.execute(query) if evaluation in counted]  # fmt: skip


def panels(connection: Connection, counted: dict[int, str]) -> list[Panel]:
    """Every judged item of every counted bid, with all its scores."""
    p, s = t.panels.c, t.scores.c
    key = (s.evaluation_id, s.bidder_id, s.criterion)
    query = sa.select(*key, s.evaluator_id, s.score, s.status).order_by(*key, s.evaluator_id)
    scores: dict[tuple, dict[str, tuple]] = defaultdict(dict)
    for evaluation, bidder, criterion, who, score, status in connection.execute(query):
        scores[(evaluation, bidder, criterion)][who] = (score, status)
    found = []
    items = sa.select(p.evaluation_id, p.bidder_id, p.criterion, p.points, p.scale).order_by(p.evaluation_id,
                                                                                            p.bidder_id, p.criterion)
    for evaluation, bidder, criterion, points, scale in connection.execute(items):
        cell = scores.get((evaluation, bidder, criterion))
        if evaluation in counted and cell:
            found.append(Panel(evaluation, counted[evaluation], bidder, criterion, points, scale,
                               {who: v[0] for who, v in cell.items()}, {who: v[1] for who, v in cell.items()}))
    return found


def bids(connection: Connection, counted: dict[int, str]) -> list[Bid]:
    b, r = t.bids.c, t.reasons.c
    codes: dict[tuple[int, str], set[str]] = defaultdict(set)
    for evaluation, bidder, code in connection.execute(sa.select(r.evaluation_id, r.bidder_id, r.code)):
        codes[(evaluation, bidder)].add(code)
    query = sa.select(b.evaluation_id, b.bidder_id, b.rank, b.winner, b.outcome).order_by(b.evaluation_id, b.bidder_id)
    return [Bid(evaluation, counted[evaluation], bidder, rank, bool(winner), outcome,
                frozenset(codes[(evaluation, bidder)]))
            for evaluation, bidder, rank, winner, outcome in connection.execute(query) if evaluation in counted]  # fmt: skip


def tenders(connection: Connection, lang: str) -> list[dict]:
    """Every evaluation in the ledger, in the order added, with whether it is counted."""
    e, b = t.evaluations.c, t.bids.c
    counted = current_evaluations(connection)
    sizes = dict(connection.execute(sa.select(b.evaluation_id, sa.func.count()).group_by(b.evaluation_id)).all())
    panel = dict(connection.execute(sa.select(t.evaluators.c.evaluation_id, sa.func.count())
                                    .group_by(t.evaluators.c.evaluation_id)).all())  # fmt: skip
    winners: dict[int, list[str]] = defaultdict(list)
    for evaluation, bidder in connection.execute(sa.select(b.evaluation_id, b.bidder_id).where(b.winner)
                                                 .order_by(b.evaluation_id, b.bidder_id)):  # fmt: skip
        winners[evaluation].append(bidder)
    query = sa.select(e.id, e.tender, e.round, e[f"title_{lang}"], e.evaluation_date, e.outcome, e.archive, e.digest,
                      e.bideval_version).order_by(e.id)  # fmt: skip
    return [{"tender": tender, "round": rnd, "title": title, "evaluation_date": day.isoformat(), "bids": sizes.get(key, 0),
             "evaluators": panel.get(key, 0), "outcome": outcome, "winners": winners[key], "counted": key in counted,
             "archive": archive, "digest": digest, "bideval_version": version}
            for key, tender, rnd, title, day, outcome, archive, digest, version in connection.execute(query)]  # fmt: skip
