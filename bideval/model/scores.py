"""Evaluator score file `bideval/scores/v1` (DESIGN §2.3), and the panel's agreed scores
`bideval/moderated/v1` (`scores/moderated.yaml`, for `panel.method: moderated`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from bideval.model.common import Day, LabelIn, Number, PartyId, Slug, Strict, Text

SCORES_SCHEMA = "bideval/scores/v1"
MODERATED_SCHEMA = "bideval/moderated/v1"
COMMENT_LIMIT = 2000  # characters: a written opinion (평가의견), not a document

# An evaluator's written opinion on one score, or the panel's rationale: untrusted text, kept as written.
Comment = Annotated[str, StringConstraints(min_length=1, max_length=COMMENT_LIMIT)]


class Evaluator(Strict):
    id: PartyId
    name: LabelIn
    conflicts: list[PartyId] = []


class Revision(Strict):
    """An earlier value of a score, replaced on `date` for `reason` (after a presentation, a site visit)."""

    previous: Number
    date: Day
    reason: Text


class Scores(Strict):
    schema_id: Literal["bideval/scores/v1"] = Field(alias="schema")
    evaluator: Evaluator
    # bidder id -> criterion id -> score (percent or points, per the criterion's scale)
    scores: dict[PartyId, dict[Slug, Number]] = {}
    # bidder id -> criterion id -> the evaluator's opinion on that score (평가의견)
    comments: dict[PartyId, dict[Slug, Comment]] = {}
    # bidder id -> criterion id -> the score's earlier values, oldest first
    revisions: dict[PartyId, dict[Slug, list[Revision]]] = {}


class Agreed(Strict):
    """The panel's agreed score of one item of one bid, and why (moderated scoring)."""

    score: Number
    rationale: Comment


class Moderated(Strict):
    schema_id: Literal["bideval/moderated/v1"] = Field(alias="schema")
    # bidder id -> criterion id -> the agreed score
    scores: dict[PartyId, dict[Slug, Agreed]] = {}
