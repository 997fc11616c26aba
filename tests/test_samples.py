"""Every shipped rubric is evaluated with its sample bids (DESIGN §6), and the two procedure samples
(issue 18) decide what their seeds describe (brief §1), checked by hand below."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
from tests.conftest import RUBRICS, SAMPLES

SHIPPED = sorted(p.stem for p in RUBRICS.glob("*.yaml"))


def test_every_rubric_has_its_sample():
    assert SHIPPED == sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())
    assert {"ai-computing-center-spc-2025", "gpu-rental-2025", "kr-negotiated-80-20", "nipa-gpu-2025"} <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_sample_evaluates_and_writes_all_outputs(name, cli, tmp_path):
    for lang in ("ko", "en"):
        out = tmp_path / lang
        done = cli("evaluate", RUBRICS / f"{name}.yaml", SAMPLES / name, "-o", out, "--lang", lang)
        assert done.exit_code == 0, done.output
        assert {"report.pdf", "results.json", "scorecard.xlsx"} <= {p.name for p in out.iterdir()}
        assert all((out / name).stat().st_size > 0 for name in ("report.pdf", "results.json", "scorecard.xlsx"))


def _evaluate(name: str):
    return evaluate(load_inputs(RUBRICS / f"{name}.yaml", SAMPLES / name))


def test_the_spc_sample_fails_twice_then_negotiates_with_its_sole_applicant():
    """Rounds 1 (0 applicants) and 2 (1) had fewer than the 2 required: 유찰. Round 3, re-announced,
    has one applicant, judged suitable → negotiation (수의계약).

    By hand, stage 1 (70 points): compute-scale — 27,200 B200 × 37 TFLOPS = 1.0064 EF ≥ 1 → band
    0.6 × 10 = 6; price-performance — 2.4 trillion ÷ 65,296 PF = 36,755,697.133056 KRW/PF,
    (80,000,000 − 36,755,697.133056) ÷ 50,000,000 = 0.864886… × 10 = 8.6489; build-plan — scores
    86, 90, 88, 92, 84, the highest and lowest dropped: (86 + 90 + 88) ÷ 3 = 88 % of 10 = 8.8;
    infrastructure 23.4489. Stage 2: investment (78, 82, 80, 85, 75 → 80 % of 15 = 12) + loan-review
    (74, 79, 76, 81, 70 → 76.3333 % of 15 = 11.45) = 23.45 ≥ 18. Bonus: 3 cloud operators − 1 = +2
    (at most 2); no sanction. Total = 79.0385 + 2 = 81.0385."""
    result = _evaluate("ai-computing-center-spc-2025")
    outcome = result.outcome
    assert [(r.round, r.applicants, r.outcome) for r in outcome.rounds] == [
        (1, 0, "failed_tender"), (2, 1, "failed_tender"), (3, 1, "negotiation")]  # fmt: skip
    assert (outcome.kind, outcome.winners) == ("negotiation", ["nuri-ai-center"])
    assert outcome.suitability[0].suitable
    [bid] = result.bids
    assert {c.id: str(c.score) for c in bid.criteria if c.id in ("compute-scale", "price-performance", "build-plan",
                                                                 "infrastructure", "financial")} == {
        "compute-scale": "6.0000", "price-performance": "8.6489", "build-plan": "8.8000",
        "infrastructure": "23.4489", "financial": "23.4500"}  # fmt: skip
    assert [(s.id, s.passed) for s in bid.stages] == [("technical-policy", True), ("financial", True)]
    assert sum((s.score for s in bid.stages), Decimal(0)) == bid.base_total == Decimal("79.0385")
    assert [(a.id, a.points) for a in bid.adjustments] == [("multi-csp", Decimal(2)), ("sanctions", Decimal(0))]
    assert bid.total == bid.base_total + sum(a.points for a in bid.adjustments) == Decimal("81.0385")


def test_the_rental_sample_has_its_two_tracks_with_their_own_winners():
    """Track 1 takes one winner, track 2 up to two within KRW 60 billion; mirae-hosting's 800 H200 miss
    track 2's floor (1,000 H100/H200 or 500 B200) and it is excluded."""
    result = _evaluate("gpu-rental-2025")
    lots = result.outcome.lots
    assert list(lots) == ["track-1", "track-2"]
    assert lots["track-1"].winners == ["arum-compute"]
    assert lots["track-2"].winners == ["haneul-infra", "dasom-gpu"]  # 27.5 + 30 = 57.5 billion ≤ 60
    mirae = result.bid("mirae-hosting")
    assert (mirae.status, [r.subject for r in mirae.reasons]) == ("excluded", ["floor-track-2"])
    assert {b.lot for b in result.bids} == {"track-1", "track-2"}
