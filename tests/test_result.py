"""The Result models: `trusted` construction and the panel scores' JSON shape (DESIGN §4)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bideval.result import CriterionScore, PanelDetail, PanelScore

SCORES = (PanelScore("ev-01", Decimal("80"), "dropped_low"), PanelScore("ev-02", None, "conflict"),
          PanelScore("ev-03", Decimal("85.5"), "kept"))  # fmt: skip


def _detail(**override) -> dict:
    return {"scale": "percent", "trimmed": False, "mean": Decimal("85.5000"), "spread": Decimal("5.5"),
            "scores": SCORES, **override}  # fmt: skip


def test_trusted_equals_the_validated_model() -> None:
    detail = PanelDetail.trusted(**_detail())
    score = CriterionScore.trusted(id="plan", inputs={"panel_mean": Decimal("85.5000")}, ratio=Decimal("0.855"),
                                   score=Decimal("29.9250"), panel=detail, meets_minimum=None)  # fmt: skip
    validated = CriterionScore.model_validate(json.loads(score.model_dump_json()))
    assert validated == score
    assert validated.model_dump() == score.model_dump()
    assert score.model_fields_set == validated.model_fields_set | {"panel", "meets_minimum"}


def test_trusted_needs_every_field() -> None:
    with pytest.raises(TypeError, match="needs every field"):
        CriterionScore.trusted(id="plan", inputs={}, ratio=None, score=Decimal(1))
    with pytest.raises(TypeError, match="needs every field"):
        PanelDetail.trusted(**_detail(extra=1))


def test_trusted_models_stay_frozen() -> None:
    detail = PanelDetail.trusted(**_detail())
    with pytest.raises(Exception, match="frozen"):
        detail.mean = Decimal(0)  # type: ignore[misc]


def test_panel_scores_are_tuples_in_memory_and_objects_in_json() -> None:
    detail = PanelDetail.model_validate(_detail())
    assert detail.scores == SCORES and detail.scores[0].evaluator == "ev-01"
    written = json.loads(detail.model_dump_json())["scores"]
    assert written == [{"evaluator": "ev-01", "score": "80", "status": "dropped_low"},
                       {"evaluator": "ev-02", "score": None, "status": "conflict"},
                       {"evaluator": "ev-03", "score": "85.5", "status": "kept"}]  # fmt: skip
    assert PanelDetail.model_validate_json(detail.model_dump_json()) == detail


def test_a_panel_score_with_an_unknown_key_or_status_is_refused() -> None:
    with pytest.raises(ValueError, match="Extra inputs"):
        PanelDetail.model_validate(_detail(scores=[{"evaluator": "e", "score": "1", "status": "kept", "x": 1}]))
    with pytest.raises(ValueError, match="status"):
        PanelDetail.model_validate(_detail(scores=[{"evaluator": "e", "score": "1", "status": "maybe"}]))


def test_a_trusted_model_can_be_copied_with_changes() -> None:
    detail = PanelDetail.trusted(**_detail())
    changed = detail.model_copy(update={"mean": Decimal("1")})
    assert changed.mean == Decimal("1") and detail.mean == Decimal("85.5000")
    assert changed.scores is detail.scores and changed.model_fields_set == detail.model_fields_set
