"""The ledger's first tables: evaluations and what each one decided.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from bideval.ledger.schema import ExactDecimal

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(200)


def _evaluation_id() -> sa.Column:
    return sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("archive", sa.Text, nullable=False),
        sa.Column("tender", ID, nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("title_ko", sa.Text, nullable=False),
        sa.Column("title_en", sa.Text, nullable=False),
        sa.Column("issuer_ko", sa.Text, nullable=False),
        sa.Column("issuer_en", sa.Text, nullable=False),
        sa.Column("evaluation_date", sa.Date, nullable=False),
        sa.Column("rubric_sha256", sa.String(64), nullable=False),
        sa.Column("bideval_version", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("valid_bids", sa.Integer, nullable=False),
        sa.Column("signature_checked", sa.Boolean, nullable=False),
    )
    op.create_table(
        "rounds",
        _evaluation_id(),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("announced", sa.Date),
        sa.Column("applicants", sa.Integer, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("evaluated", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("evaluation_id", "round"),
    )
    op.create_table(
        "lots",
        _evaluation_id(),
        sa.Column("lot", ID, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("valid_bids", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("evaluation_id", "lot"),
    )
    op.create_table(
        "bids",
        _evaluation_id(),
        sa.Column("bidder_id", ID, nullable=False),
        sa.Column("name_ko", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text, nullable=False),
        sa.Column("lot", ID),
        sa.Column("price", sa.BigInteger, nullable=False),
        sa.Column("base_total", ExactDecimal),
        sa.Column("total", ExactDecimal),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("rank", sa.Integer),
        sa.Column("winner", sa.Boolean, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("evaluation_id", "bidder_id"),
    )
    op.create_table(
        "reasons",
        _evaluation_id(),
        sa.Column("bidder_id", ID, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("subject", ID),
        sa.PrimaryKeyConstraint("evaluation_id", "bidder_id", "position"),
    )
    op.create_table(
        "stages",
        _evaluation_id(),
        sa.Column("bidder_id", ID, nullable=False),
        sa.Column("stage", ID, nullable=False),
        sa.Column("score", ExactDecimal),
        sa.Column("passed", sa.Boolean),
        sa.PrimaryKeyConstraint("evaluation_id", "bidder_id", "stage"),
    )
    op.create_table(
        "adjustments",
        _evaluation_id(),
        sa.Column("bidder_id", ID, nullable=False),
        sa.Column("item", ID, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("points", ExactDecimal, nullable=False),
        sa.PrimaryKeyConstraint("evaluation_id", "bidder_id", "item"),
    )
    op.create_table(
        "evaluators",
        _evaluation_id(),
        sa.Column("evaluator_id", ID, nullable=False),
        sa.Column("name_ko", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("evaluation_id", "evaluator_id"),
    )
    op.create_table(
        "conflicts",
        _evaluation_id(),
        sa.Column("evaluator_id", ID, nullable=False),
        sa.Column("bidder_id", ID, nullable=False),
        sa.PrimaryKeyConstraint("evaluation_id", "evaluator_id", "bidder_id"),
    )
    op.create_table(
        "panels",
        _evaluation_id(),
        sa.Column("bidder_id", ID, nullable=False),
        sa.Column("criterion", ID, nullable=False),
        sa.Column("points", ExactDecimal, nullable=False),
        sa.Column("scale", sa.String(10), nullable=False),
        sa.Column("trimmed", sa.Boolean, nullable=False),
        sa.Column("mean", ExactDecimal),
        sa.PrimaryKeyConstraint("evaluation_id", "bidder_id", "criterion"),
    )
    op.create_table(
        "scores",
        _evaluation_id(),
        sa.Column("bidder_id", ID, nullable=False),
        sa.Column("criterion", ID, nullable=False),
        sa.Column("evaluator_id", ID, nullable=False),
        sa.Column("score", ExactDecimal),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text),
        sa.PrimaryKeyConstraint("evaluation_id", "bidder_id", "criterion", "evaluator_id"),
    )
    op.create_index("scores_by_evaluator", "scores", ["evaluator_id"])


def downgrade() -> None:
    for table in ("scores", "panels", "conflicts", "evaluators", "adjustments", "stages", "reasons", "bids", "lots",
                  "rounds", "evaluations"):  # fmt: skip
        op.drop_table(table)
