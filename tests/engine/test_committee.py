"""What the committee writes beside its scores, through the whole evaluation (issue 22): comments kept
with their scores, revisions, and a moderated panel's agreed scores deciding the ranking."""

from __future__ import annotations

from decimal import Decimal

from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
from tests.conftest import KR
from tests.load.test_committee_checks import kr, moderated  # noqa: F401 (kr is a fixture)


def test_comments_and_the_revision_of_the_kr_sample_are_in_the_result():
    result = evaluate(load_inputs(*KR))
    panel = next(c.panel for c in result.bid("alpha-soft").criteria if c.id == "understanding")
    p07 = next(p for p in panel.scores if p.evaluator == "p-07")
    assert (p07.score, p07.status) == (Decimal("10.5"), "dropped_low")
    assert p07.comment.startswith("현행 시스템 분석이 개략적이고")
    assert [p.comment for p in panel.scores if p.evaluator != "p-07"] == [None] * 6
    [revision] = result.revisions
    assert (revision.evaluator, revision.bidder, revision.criterion) == ("p-07", "alpha-soft", "understanding")
    assert (revision.previous, revision.score, revision.date.isoformat()) == (Decimal("11.5"), Decimal("10.5"),
                                                                              "2025-09-12")  # fmt: skip


def test_a_moderated_panel_decides_by_its_agreed_scores(kr):  # noqa: F811
    """Every item agreed at 12 points, except alpha-soft's methodology at 30 (its maximum): the
    technical scores are 4 × 12 = 48 of 80 for every bid but alpha-soft's 3 × 12 + 30 = 66. Each
    understanding ratio is 12/15 = 0.8; every evaluator's own score is on record, none counted."""
    moderated(kr, {"alpha-soft": {"methodology": "30"}})
    result = evaluate(load_inputs(*kr))
    technical = {b.bidder_id: b.categories["technical"] for b in result.bids}
    assert technical == {"alpha-soft": Decimal("66.0000"), **{b: Decimal("48.0000") for b in technical
                                                               if b != "alpha-soft"}}  # fmt: skip
    criterion = next(c for c in result.bid("beta-systems").criteria if c.id == "understanding")
    assert criterion.score == Decimal("12.0000") and criterion.ratio == Decimal("0.800000")
    assert criterion.panel.method == "moderated" and criterion.panel.rationale == "발표 후 위원 합의"
    assert {p.status for p in criterion.panel.scores} == {"recorded"}
