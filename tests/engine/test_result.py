"""The Result's parts (criterion scores, panel details, panel scores): their JSON shape (DESIGN §4),
their validation when a results.json is read back, and that they stay immutable."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bideval.engine.result import READ_BACK, CriterionScore, Frozen, PanelDetail, PanelScore, ResultWarning

SCORES = [PanelScore(evaluator="ev-01", score=Decimal(80), status="dropped_low"),
          PanelScore(evaluator="ev-02", score=None, status="conflict"),
          PanelScore(evaluator="ev-03", score=Decimal("85.5"), status="kept")]  # fmt: skip


def _detail(**override) -> dict:
    return {"scale": "percent", "trimmed": False, "mean": Decimal("85.5000"), "spread": Decimal("5.5"),
            "scores": SCORES, **override}  # fmt: skip


class _Holder(Frozen):
    """The smallest model holding criterion scores the way BidResult does."""

    criteria: list[CriterionScore]


def test_a_criterion_score_is_written_as_an_object_with_named_keys() -> None:
    """DESIGN §4: results.json writes every criterion with its panel detail; reading it back gives
    an equal score, decimals with their places."""
    score = CriterionScore(id="plan", inputs={"panel_mean": Decimal("85.5000")}, ratio=Decimal("0.855"),
                           score=Decimal("29.9250"), panel=PanelDetail(**_detail()))  # fmt: skip
    written = json.loads(_Holder(criteria=[score]).model_dump_json())["criteria"][0]
    assert written == {
        "id": "plan", "inputs": {"panel_mean": "85.5000"}, "ratio": "0.855", "score": "29.9250",
        "panel": {"scale": "percent", "trimmed": False, "mean": "85.5000", "spread": "5.5",
                  "scores": [{"evaluator": "ev-01", "score": "80", "status": "dropped_low", "comment": None},
                             {"evaluator": "ev-02", "score": None, "status": "conflict", "comment": None},
                             {"evaluator": "ev-03", "score": "85.5", "status": "kept", "comment": None}],
                  "method": "trimmed_mean", "rationale": None},
        "meets_minimum": None,
    }  # fmt: skip
    back = _Holder.model_validate_json(_Holder(criteria=[score]).model_dump_json(), context=READ_BACK).criteria[0]
    assert back == score and str(back.panel.mean) == "85.5000"


def test_a_criterion_score_with_an_unknown_or_missing_key_is_refused() -> None:
    good = {"id": "plan", "inputs": {}, "ratio": None, "score": "1"}
    assert _Holder.model_validate({"criteria": [good]}).criteria[0].panel is None
    with pytest.raises(ValueError, match="Unexpected keyword argument"):
        _Holder.model_validate({"criteria": [{**good, "extra": 1}]})
    with pytest.raises(ValueError, match="score\n  Field required"):
        _Holder.model_validate({"criteria": [{"id": "plan", "inputs": {}, "ratio": None}]})


def test_a_panel_score_with_an_unknown_key_or_status_is_refused() -> None:
    def criterion(scores: list) -> dict:
        return {"id": "plan", "inputs": {}, "ratio": None, "score": "1",
                "panel": {**_detail(scores=scores), "mean": "1", "spread": "0"}}  # fmt: skip

    with pytest.raises(ValueError, match="Unexpected keyword argument"):
        _Holder.model_validate({"criteria": [criterion([{"evaluator": "e", "score": "1", "status": "kept", "x": 1}])]})
    with pytest.raises(ValueError, match="status"):
        _Holder.model_validate({"criteria": [criterion([{"evaluator": "e", "score": "1", "status": "maybe"}])]})


def test_parts_are_frozen() -> None:
    from dataclasses import FrozenInstanceError

    with pytest.raises(FrozenInstanceError):
        SCORES[0].score = Decimal(0)  # type: ignore[misc]


def test_text_that_looks_like_a_number_stays_text_until_read_back() -> None:
    """A warning may name evaluator "007": the engine's Result keeps it as text. Only a results.json
    read back revives decimal-looking strings (it writes decimals as strings)."""
    detail = {"highest": "007", "spread": Decimal(45), "limit": Decimal("40.0"), "lowest": "e1"}
    built = ResultWarning(code="panel_spread", bidder="a", criterion="plan", detail=detail)
    assert built.detail["highest"] == "007"
    back = ResultWarning.model_validate_json(built.model_dump_json(), context=READ_BACK)
    assert back.detail["limit"] == Decimal("40.0") and str(back.detail["limit"]) == "40.0"
