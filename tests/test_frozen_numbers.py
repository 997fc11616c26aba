"""Same numbers, whatever the code looks like: what the bundled samples and 40 generated
programmes evaluated to before the clarity redesign (bideval 0.2.0 at commit 934f44a).

`tests/frozen/numbers.json` holds, per programme, every bid's rank, status, total, category and
criterion scores, panel means and who was dropped, the reasons and warnings, the outcome, and the
sha256 of results.json (its tool version read as 0.2.0); for the samples also the shape of
results.json (every key path). It was
written once by `python -m tests.test_frozen_numbers --record` from the code before the redesign
and is never re-recorded to make a change pass: a difference here is a changed decision.

The rules themselves are checked against hand-worked examples elsewhere (tests/engine); this
file only guards that restructuring the code changed no number. One value checked by hand
against the frozen data, so the fixture itself is known to be right: in the KR sample
(kr-negotiated-80-20, price 20 points, estimated price E = 1,100,000,000 — see the rubric),
a bid at or above 0.8E scores 20 × lowest ÷ bid (brief §2), see test_one_frozen_price_by_hand.
"""

from __future__ import annotations

import hashlib
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import NIPA
from tests.frozen.programmes import SEEDS, generated, write

FROZEN = Path(__file__).resolve().parent / "frozen" / "numbers.json"
# The KR sample as 0.2.0 evaluated it: the bundled one has since gained comments, a revision and an
# outlying score that the panel drops (issue 22), which changed its files but no number.
KR = (FROZEN.parent / "samples" / "kr-negotiated-80-20.yaml", FROZEN.parent / "samples" / "kr-negotiated-80-20")


def _evaluate(rubric: Path, bids: Path):
    from bideval.engine.pipeline import evaluate
    from bideval.load.inputs import load_inputs
    from bideval.render.json import render_json

    result = evaluate(load_inputs(rubric, bids))
    return result, render_json(result)


def summary(result, written: bytes, *, shape: bool) -> dict:
    """What must not change: every number and decision of the evaluation."""
    bids = []
    for bid in result.bids:
        bids.append({
            "bidder": bid.bidder_id, "rank": bid.rank, "status": bid.status, "total": _text(bid.total),
            "rank_decided_by": bid.rank_decided_by,
            "categories": {k: _text(v) for k, v in bid.categories.items()},
            "technical": None if bid.technical is None else [_text(bid.technical.score), bid.technical.passed],
            "criteria": {c.id: [_text(c.score), _text(c.ratio), c.meets_minimum] for c in bid.criteria},
            "panels": {c.id: [_text(c.panel.mean), _text(c.panel.spread), c.panel.trimmed,
                              [f"{e.evaluator} {e.score} {e.status}" for e in c.panel.scores]]
                       for c in bid.criteria if c.panel is not None},
            "reasons": [[_frozen_code(r.code), r.subject, _text(r.actual), _text(r.required)] for r in bid.reasons],
        })  # fmt: skip
    frozen = {
        "outcome": result.outcome.model_dump(exclude=set(ISSUE_18["outcome"])),
        "bids": bids,
        "warnings": [[w.code, w.bidder, w.criterion, {k: _text(v) for k, v in w.detail.items()}] for w in result.warnings],
        "results_sha256": hashlib.sha256(_as_frozen_version(written)).hexdigest(),
    }
    if shape:
        frozen["results_shape"] = sorted(_key_paths(json.loads(_as_frozen_version(written))))
    return frozen


# What issue 18 (rounds, stages, adjustments, consortia, lots, domestic accelerators) added to
# results.json on purpose. The frozen bytes are compared with results.json without exactly these keys.
ISSUE_18 = {
    "outcome": ("rounds", "lots", "suitability"),
    "bid": ("lot", "stages", "base_total", "adjustments"),
    "metrics": ("fp64_eflops", "npu_share", "domestic_accelerator_share", "domestic_pflops_share",
                "consortium_members", "consortium_public_share", "consortium_cloud_operators"),
    "rubric": ("stages", "stage_scores", "adjustments", "max_bonus", "max_penalty", "suitability", "lots"),
    "technical_threshold": ("after_adjustments",),
}
# What issue 22 (comments, revisions, moderated panels, the public edition) added to results.json.
ISSUE_22 = {
    "result": ("revisions",),
    "rubric": ("confidential",),
    "rubric_panel": ("method", "comment_required_beyond", "comment_required"),
    "panel": ("method", "rationale"),
    "panel_score": ("comment",),
}
# The built-in catalog gained each accelerator's vendor country and NPU flag (issue 18 §6), and the
# two NPUs fuller sources; no figure changed (tests/model/test_catalog.py). Its sha256 at 0.2.0:
CATALOG_SHA256_0_2_0 = "cd700a60e6645db38095aa84d73d559e7951ec86cff0768d08a987333f3c9456"


def _frozen_code(code: str) -> str:
    """The reason code as 0.2.0 wrote it. 0.2.0 never wrote `not_selected_budget`: a bid ranked below
    the winners of a multiple award was `not_selected_rank` even when the award budget had run out.
    Issue 18 gives such a bid the budget reason; the decision (status, rank, winners) is unchanged."""
    return "not_selected_rank" if code == "not_selected_budget" else code


def _as_frozen_version(written: bytes) -> bytes:
    """results.json as the frozen version wrote it: without the keys issue 18 added, with the 0.2.0
    catalog's sha256 and the tool version read as 0.2.0. Everything else must be byte-identical."""
    from bideval.render.json import canonical_json

    data = json.loads(written)
    for key in ISSUE_18["outcome"]:
        del data["outcome"][key]
    for bid in data["bids"]:
        for key in ISSUE_18["bid"]:
            del bid[key]
        for key in ISSUE_18["metrics"]:
            del bid["metrics"][key]
    for key in ISSUE_18["rubric"]:
        del data["rubric"][key]
    _without_issue_22(data)
    for bid in data["bids"]:
        for reason in bid["reasons"]:
            reason["code"] = _frozen_code(reason["code"])
    if data["rubric"]["thresholds"]["technical"] is not None:
        del data["rubric"]["thresholds"]["technical"]["after_adjustments"]
    for entry in data["inputs"]:
        if entry["role"] == "catalog":
            entry["sha256"] = CATALOG_SHA256_0_2_0
    data["tool_version"] = "0.2.0"
    return canonical_json(data)


def _without_issue_22(data: dict) -> None:
    for key in ISSUE_22["result"]:
        del data[key]
    for key in ISSUE_22["rubric"]:
        del data["rubric"][key]
    for key in ISSUE_22["rubric_panel"]:
        del data["rubric"]["panel"][key]
    for bid in data["bids"]:
        for criterion in bid["criteria"]:
            if criterion["panel"] is None:
                continue
            for key in ISSUE_22["panel"]:
                del criterion["panel"][key]
            for entry in criterion["panel"]["scores"]:
                for key in ISSUE_22["panel_score"]:
                    del entry[key]


def _text(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value


def _key_paths(value: object, path: str = "") -> set[str]:
    """Every key path of a JSON document, list positions written as []."""
    if isinstance(value, dict):
        found = {path} if path else set()
        for key, item in value.items():
            found |= _key_paths(item, f"{path}.{key}" if path else key)
        return found
    if isinstance(value, list):
        found = {path}
        for item in value:
            found |= _key_paths(item, f"{path}[]")
        return found
    return {path}


def current(tmp: Path) -> dict[str, dict]:
    numbers = {}
    for name, (rubric, bids) in {"nipa-gpu-2025": NIPA, "kr-negotiated-80-20": KR}.items():
        numbers[name] = summary(*_evaluate(rubric, bids), shape=True)
    for seed in SEEDS:
        numbers[f"generated-{seed}"] = summary(*_evaluate(*write(generated(seed), tmp / str(seed))), shape=False)
    return numbers


@pytest.fixture(scope="module")
def now(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    return current(tmp_path_factory.mktemp("frozen"))


FROZEN_NUMBERS = json.loads(FROZEN.read_text(encoding="utf-8")) if FROZEN.exists() else {}


@pytest.mark.parametrize("name", sorted(FROZEN_NUMBERS))
def test_the_numbers_are_the_ones_frozen(now: dict[str, dict], name: str) -> None:
    expected, got = FROZEN_NUMBERS[name], now[name]
    for key in expected:
        assert got[key] == expected[key], f"{name}: {key} changed"


def test_every_programme_is_frozen(now: dict[str, dict]) -> None:
    assert sorted(now) == sorted(FROZEN_NUMBERS)
    assert len(FROZEN_NUMBERS) == 2 + len(SEEDS)


def test_the_generated_programmes_cover_what_the_redesign_touches() -> None:
    """A frozen set that never ranks, ties, trims or excludes would guard nothing."""
    everything = [FROZEN_NUMBERS[f"generated-{seed}"] for seed in SEEDS]
    statuses = {b["status"] for p in everything for b in p["bids"]}
    assert statuses == {"selected", "eligible", "below_threshold", "excluded"}
    kinds = {p["outcome"]["kind"] for p in everything}
    assert {"awarded", "tie_unresolved"} <= kinds
    entries = {e.split()[2] for p in everything for b in p["bids"] for panel in b["panels"].values() for e in panel[3]}
    assert entries == {"kept", "dropped_high", "dropped_low", "conflict"}
    assert any(w[0] == "panel_spread" for p in everything for w in p["warnings"])


def test_one_frozen_price_by_hand() -> None:
    """Brief §2, bid ≥ 0.8E: points × lowest ÷ bid, rounded half-up to 4 places.
    KR sample: E = 1,100,000,000 (0.8E = 880,000,000), 20 points; every bid is above 0.8E. The
    lowest bid is beta-systems' 900,000,000; delta-info bids 980,000,000:
    20 × 900 ÷ 980 = 18.367346… → 18.3673, and beta-systems itself gets 20 × 900 ÷ 900 = 20."""
    kr = {b["bidder"]: b for b in FROZEN_NUMBERS["kr-negotiated-80-20"]["bids"]}
    assert kr["delta-info"]["criteria"]["price"][0] == "18.3673"
    assert kr["beta-systems"]["criteria"]["price"][0] == "20.0000"


if __name__ == "__main__" and sys.argv[1:] == ["--record"]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        FROZEN.write_text(json.dumps(current(Path(folder)), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                          encoding="utf-8")  # fmt: skip
