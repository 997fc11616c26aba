"""Evaluator panel aggregation: trimmed mean with conflicts left out.

Korean practice (brief §2): drop one highest and one lowest score — only one of each
even when several evaluators share the top or bottom score — and average the rest.
Which of several tied evaluators is marked as dropped does not change the mean; we
mark the one with the smallest evaluator id so the record never depends on file order.

`aggregate_columns` works one criterion at a time over every bid scored by the same
evaluators: each bid's sum, highest and lowest are found by Python's built-ins over its
row of scores, and the record of who was dropped is written out only when it is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from itertools import repeat
from operator import itemgetter, sub
from typing import Any, NamedTuple

from bideval.engine.rounding import exact_operators, operators_are_exact, plain, round_ratio
from bideval.memory import Pool
from bideval.model.rubric import Panel
from bideval.engine.result import PanelScore

Row = tuple[Decimal, ...]  # one bid's scores, in the order of its seating's evaluator ids
Column = tuple[Decimal, ...]  # one evaluator's scores of a group of bids


class Seating(NamedTuple):
    """Who scores a bid. Bids with the same conflicts share one, made once."""

    ids: list[str]  # the evaluators without a conflict, sorted
    conflicted: list[str]
    kept: list[Pool]  # each of `ids`' shared "kept" entries, by score


def seating(ids: list[str], conflicted: list[str]) -> Seating:
    return Seating(ids, conflicted, [_KEPT[e] for e in ids])


class PanelOutcome(NamedTuple):
    entries: Sequence[PanelScore]  # sorted by evaluator id; scores written plainly (27.0 → 27)
    trimmed: bool
    mean: Decimal  # rounded per rubric
    spread: Decimal  # highest - lowest of the scores given (before trimming)


class Panels(NamedTuple):
    """`PanelOutcome`s of one criterion for many bids with the same seating, as columns."""

    trimmed: bool  # the same for every bid: it depends only on how many evaluators sit
    means: list[Decimal]
    spreads: list[Decimal]
    entries: list[Entries]


def aggregate(
    scores: dict[str, Decimal], conflicted: list[str], rule: Panel, places: int, mode: str
) -> PanelOutcome:
    """Trimmed mean of `scores` (evaluator id → score); `conflicted` evaluators take no part."""
    ids = sorted(scores)
    with exact_operators():
        panels = aggregate_columns(seating(ids, conflicted), [(scores[e],) for e in ids], rule, places, mode)
    return PanelOutcome(panels.entries[0], panels.trimmed, panels.means[0], panels.spreads[0])


def aggregate_columns(seats: Seating, columns: list[Column], rule: Panel, places: int, mode: str) -> Panels:
    """`aggregate` for each of a group of bids with the same seating: `columns[e][b]` is the
    score of bid b by the e-th evaluator of `seats.ids`. Inside `exact_operators()` only (a sum
    rounded to 28 digits would go unnoticed)."""
    if not seats.ids:
        raise ValueError("a panel needs at least one score")
    if not operators_are_exact():
        raise RuntimeError("aggregate_columns needs exact_operators()")
    rows = list(zip(*columns))
    count, high, low = len(seats.ids), rule.drop_highest, rule.drop_lowest
    trimmed = count >= rule.when_at_least and count > high + low
    tops = list(map(max, map(reversed, rows)))  # the last of equal highest, the first of equal lowest:
    bottoms = list(map(min, rows))  # the spread is spelled as these are (90.0 - 70 is 20.0)
    totals: Any = map(sum, rows)
    if trimmed and high <= 1 and low <= 1:  # the usual rule: what is dropped is the extremes
        totals = map(sub, totals, tops) if high else totals
        totals = map(sub, totals, bottoms) if low else totals
    elif trimmed:
        totals = map(sub, totals, [sum(row[i] for i, _ in _dropped(row, high, low)) for row in rows])
    mean_of = Pool(_mean(count - (high + low if trimmed else 0), places, mode))  # equal totals, one mean
    return Panels(
        trimmed=trimmed,
        means=list(map(mean_of.__getitem__, totals)),
        spreads=list(map(sub, tops, bottoms)),
        entries=list(map(Entries, repeat(_Group(seats, rows, (high, low) if trimmed else None, tops, bottoms)),
                         range(len(rows)))),  # fmt: skip
    )


def _mean(kept: int, places: int, mode: str):
    def mean(total: Decimal) -> Decimal:
        numerator, denominator = total.as_integer_ratio()
        return round_ratio(numerator, denominator * kept, places, mode)  # exact at any length

    return mean


class _Group(NamedTuple):
    """What the panels of a group of bids share, kept for the panels' entries and extremes."""

    seats: Seating
    rows: list[Row]
    drop: tuple[int, int] | None  # (highest, lowest) dropped when the panels are trimmed
    tops: list[Decimal]  # each bid's highest score, the last of equal ones
    bottoms: list[Decimal]  # each bid's lowest score, the first of equal ones


class Entries(Sequence):
    """A panel's entries, (evaluator, score, status) sorted by evaluator id, worked out from its
    row of scores when first read: a large evaluation holds 100,000 panels, and a report or a
    results.json reads each entry once, if at all. Compares equal to the same entries as a tuple."""

    __slots__ = ("_group", "_bid", "_built")

    def __init__(self, group: _Group, bid: int):
        # Two references and an empty slot: a large evaluation keeps 100,000 of these.
        self._group, self._bid = group, bid
        self._built: tuple[PanelScore, ...] | None = None

    def built(self) -> tuple[PanelScore, ...]:
        if self._built is None:
            self._built = _entries(self._group.seats, self.row(), self._group.drop)
        return self._built

    def row(self) -> Row:
        return self._group.rows[self._bid]

    def __getitem__(self, index):  # type: ignore[override]
        return self.built()[index]

    def __len__(self) -> int:
        return len(self._group.seats.ids) + len(self._group.seats.conflicted)

    def __iter__(self):
        return iter(self.built())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Entries):
            other = other.built()
        return self.built() == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.built())

    def __repr__(self) -> str:
        return repr(self.built())

    def __reduce__(self):  # noqa: ANN204  # pickled and deep-copied as the plain tuple it stands for
        return tuple, (self.built(),)


def extremes(entries: Sequence[PanelScore]) -> tuple[str, str]:
    """The evaluators who gave the highest and the lowest score (conflicts aside): among equal
    scores, the last by id for the highest and the first for the lowest. A spread warning names
    them for nearly every panel of a divided committee, so `Entries` answer from their row."""
    if isinstance(entries, Entries):  # the extremes' values are known: find who gave them
        group, bid = entries._group, entries._bid
        row = group.rows[bid]
        ids = group.seats.ids
        return ids[len(row) - 1 - row[::-1].index(group.tops[bid])], ids[row.index(group.bottoms[bid])]
    given = [entry for entry in entries if entry.score is not None]
    return max(given, key=_SCORE_THEN_ID).evaluator, min(given, key=_SCORE_THEN_ID).evaluator


_SCORE_THEN_ID = itemgetter(1, 0)  # a PanelScore is (evaluator, score, status)


def _entries(seats: Seating, row: Row, drop: tuple[int, int] | None) -> tuple[PanelScore, ...]:
    entries = list(map(Pool.__getitem__, seats.kept, row))  # all kept; the dropped are changed below
    for i, status in _dropped(row, *drop) if drop else ():
        entries[i] = _ENTRIES[seats.ids[i], row[i], status]
    if seats.conflicted:
        entries = sorted(entries + [_ENTRIES[e, None, "conflict"] for e in seats.conflicted])
    return tuple(entries)


def _dropped(values: Row, high: int, low: int) -> list[tuple[int, str]]:
    """(position, status) of the scores trimmed: the `high` highest, then the `low` lowest of
    the rest; among equal scores the earliest position (the smallest evaluator id) goes first."""
    if high <= 1 and low <= 1:  # the usual rule, without sorting
        top, bottom = max(values), min(values)
        first_top = values.index(top)
        dropped = [(first_top, "dropped_high")] if high else []
        if low:
            first_bottom = values.index(bottom)
            if high and first_bottom == first_top:  # every score is the same
                first_bottom = values.index(bottom, first_top + 1)
            dropped.append((first_bottom, "dropped_low"))
        return dropped
    # Stable sorts of positions: among tied scores the smallest id comes first both ways.
    highest = sorted(range(len(values)), key=values.__getitem__, reverse=True)[:high]
    lowest = [i for i in sorted(range(len(values)), key=values.__getitem__) if i not in highest][:low]
    return [(i, "dropped_high") for i in highest] + [(i, "dropped_low") for i in lowest]


def _entry(fields: tuple) -> PanelScore:
    """27.0 and 27 are the same score: record it one way, whatever the file's spelling."""
    evaluator, score, status = fields
    if score is not None:
        score = plain(score).copy_abs() if not score else plain(score)  # -0 is recorded as 0
    return tuple.__new__(PanelScore, (evaluator, score, status))


# Panels repeat the same few (evaluator, score, status) entries a million times: share them.
# Keys that differ only in a score's spelling (27 and 27.0) are equal, and share one plain entry.
_ENTRIES = Pool(_entry)
# evaluator -> (score -> entry): a bid's panel looks its "kept" entries up in one pass
_KEPT = Pool(lambda evaluator: Pool(lambda score: _ENTRIES[evaluator, score, "kept"], limit=10_000), limit=10_000)
