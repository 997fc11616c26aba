"""The ledger's tables (SQLAlchemy Core). Alembic's revisions in `migrations/versions/` create them;
a test checks that the migrated database matches these definitions.

One row of `evaluations` per archive, keyed by the SHA-256 of its manifest.json; every other table
hangs off it and is deleted with it. Scores and points are exact decimals: NUMERIC on a server,
text on SQLite (whose NUMERIC is a float), read back as `Decimal` either way.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

metadata = sa.MetaData()


class ExactDecimal(TypeDecorator):
    """A decimal stored exactly: NUMERIC (no precision limit) where the database has it, text on SQLite."""

    impl = sa.Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(64))
        return dialect.type_descriptor(sa.Numeric(asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"expected a Decimal, got {type(value).__name__}")
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(str(value))


def _evaluation_id() -> sa.Column:
    return sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id", ondelete="CASCADE"), nullable=False)


ID = sa.String(200)  # slugs: tender, bidder, evaluator, criterion, lot, stage ids
NAME = sa.Text

evaluations = sa.Table(
    "evaluations", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("digest", sa.String(64), nullable=False, unique=True),  # SHA-256 of the archive's manifest.json
    sa.Column("archive", NAME, nullable=False),  # the file name it was added from
    sa.Column("tender", ID, nullable=False),  # the rubric id
    sa.Column("round", sa.Integer, nullable=False),  # the call round evaluated (1 without rounds)
    sa.Column("title_ko", NAME, nullable=False),
    sa.Column("title_en", NAME, nullable=False),
    sa.Column("issuer_ko", NAME, nullable=False),
    sa.Column("issuer_en", NAME, nullable=False),
    sa.Column("evaluation_date", sa.Date, nullable=False),
    sa.Column("rubric_sha256", sa.String(64), nullable=False),
    sa.Column("bideval_version", sa.String(40), nullable=False),  # the version that wrote the archive
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("valid_bids", sa.Integer, nullable=False),
    sa.Column("signature_checked", sa.Boolean, nullable=False),
)  # fmt: skip

rounds = sa.Table(
    "rounds", metadata,
    _evaluation_id(),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("announced", sa.Date),
    sa.Column("applicants", sa.Integer, nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("evaluated", sa.Boolean, nullable=False),
    sa.PrimaryKeyConstraint("evaluation_id", "round"),
)  # fmt: skip

lots = sa.Table(
    "lots", metadata,
    _evaluation_id(),
    sa.Column("lot", ID, nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("valid_bids", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("evaluation_id", "lot"),
)  # fmt: skip

bids = sa.Table(
    "bids", metadata,
    _evaluation_id(),
    sa.Column("bidder_id", ID, nullable=False),
    sa.Column("name_ko", NAME, nullable=False),
    sa.Column("name_en", NAME, nullable=False),
    sa.Column("lot", ID),
    sa.Column("price", sa.BigInteger, nullable=False),
    sa.Column("base_total", ExactDecimal),  # before bonus and penalty points
    sa.Column("total", ExactDecimal),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("rank", sa.Integer),
    sa.Column("winner", sa.Boolean, nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),  # of its lot, or of the call
    sa.PrimaryKeyConstraint("evaluation_id", "bidder_id"),
)  # fmt: skip

reasons = sa.Table(
    "reasons", metadata,
    _evaluation_id(),
    sa.Column("bidder_id", ID, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("code", sa.String(40), nullable=False),
    sa.Column("subject", ID),
    sa.PrimaryKeyConstraint("evaluation_id", "bidder_id", "position"),
)  # fmt: skip

stages = sa.Table(
    "stages", metadata,
    _evaluation_id(),
    sa.Column("bidder_id", ID, nullable=False),
    sa.Column("stage", ID, nullable=False),
    sa.Column("score", ExactDecimal),  # None: a stage the bid did not reach
    sa.Column("passed", sa.Boolean),
    sa.PrimaryKeyConstraint("evaluation_id", "bidder_id", "stage"),
)  # fmt: skip

adjustments = sa.Table(
    "adjustments", metadata,
    _evaluation_id(),
    sa.Column("bidder_id", ID, nullable=False),
    sa.Column("item", ID, nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("points", ExactDecimal, nullable=False),  # signed: a penalty is negative
    sa.PrimaryKeyConstraint("evaluation_id", "bidder_id", "item"),
)  # fmt: skip

evaluators = sa.Table(
    "evaluators", metadata,
    _evaluation_id(),
    sa.Column("evaluator_id", ID, nullable=False),
    sa.Column("name_ko", NAME, nullable=False),
    sa.Column("name_en", NAME, nullable=False),
    sa.PrimaryKeyConstraint("evaluation_id", "evaluator_id"),
)  # fmt: skip

conflicts = sa.Table(
    "conflicts", metadata,
    _evaluation_id(),
    sa.Column("evaluator_id", ID, nullable=False),
    sa.Column("bidder_id", ID, nullable=False),
    sa.PrimaryKeyConstraint("evaluation_id", "evaluator_id", "bidder_id"),
)  # fmt: skip

panels = sa.Table(  # one judged criterion of one bid
    "panels", metadata,
    _evaluation_id(),
    sa.Column("bidder_id", ID, nullable=False),
    sa.Column("criterion", ID, nullable=False),
    sa.Column("points", ExactDecimal, nullable=False),  # the item's points
    sa.Column("scale", sa.String(10), nullable=False),  # percent (0–100 % of the points) or points
    sa.Column("trimmed", sa.Boolean, nullable=False),
    sa.Column("mean", ExactDecimal),  # None: not scored by the panel (a gate excluded the bid first)
    sa.PrimaryKeyConstraint("evaluation_id", "bidder_id", "criterion"),
)  # fmt: skip

scores = sa.Table(  # one evaluator's raw score of one panel, as the score file gave it
    "scores", metadata,
    _evaluation_id(),
    sa.Column("bidder_id", ID, nullable=False),
    sa.Column("criterion", ID, nullable=False),
    sa.Column("evaluator_id", ID, nullable=False),
    sa.Column("score", ExactDecimal),  # None: a conflicted evaluator
    sa.Column("status", sa.String(20), nullable=False),  # kept, dropped_high, dropped_low, conflict, recorded; unused: see panels.mean
    sa.Column("comment", NAME),  # the evaluator's written opinion on this score, if any
    sa.PrimaryKeyConstraint("evaluation_id", "bidder_id", "criterion", "evaluator_id"),
    sa.Index("scores_by_evaluator", "evaluator_id"),
)  # fmt: skip

TABLES = (evaluations, rounds, lots, bids, reasons, stages, adjustments, evaluators, conflicts, panels, scores)
