"""The Result parts held as named tuples (criterion scores, panel details, panel scores): their
JSON shape (DESIGN §4) and their validation when a results.json is read back."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bideval.engine.result import CriterionScore, CriterionScores, Frozen, PanelDetail, PanelScore, Technical

SCORES = (PanelScore("ev-01", Decimal("80"), "dropped_low"), PanelScore("ev-02", None, "conflict"),
          PanelScore("ev-03", Decimal("85.5"), "kept"))  # fmt: skip


def _detail(**override) -> dict:
    return {"scale": "percent", "trimmed": False, "mean": Decimal("85.5000"), "spread": Decimal("5.5"),
            "scores": SCORES, **override}  # fmt: skip


def test_a_criterion_score_is_a_tuple_in_memory_and_an_object_in_json() -> None:
    """DESIGN §4: results.json writes every criterion as an object with named keys, even though
    the Result holds it as a named tuple; reading it back gives an equal tuple."""
    score = CriterionScore("plan", {"panel_mean": Decimal("85.5000")}, Decimal("0.855"), Decimal("29.9250"),
                           PanelDetail(**_detail()), None)  # fmt: skip
    written = json.loads(_Holder(criteria=[score]).model_dump_json())["criteria"][0]
    assert written == {
        "id": "plan", "inputs": {"panel_mean": "85.5000"}, "ratio": "0.855", "score": "29.9250",
        "panel": {"scale": "percent", "trimmed": False, "mean": "85.5000", "spread": "5.5",
                  "scores": [{"evaluator": "ev-01", "score": "80", "status": "dropped_low"},
                             {"evaluator": "ev-02", "score": None, "status": "conflict"},
                             {"evaluator": "ev-03", "score": "85.5", "status": "kept"}]},
        "meets_minimum": None,
    }  # fmt: skip
    back = _Holder.model_validate_json(_Holder(criteria=[score]).model_dump_json()).criteria[0]
    assert back == score and isinstance(back, CriterionScore) and isinstance(back.panel, PanelDetail)
    assert str(back.panel.mean) == "85.5000"  # decimals keep their places through JSON


def test_a_criterion_score_with_an_unknown_or_missing_key_is_refused() -> None:
    good = {"id": "plan", "inputs": {}, "ratio": None, "score": "1"}
    assert _Holder.model_validate({"criteria": [good]}).criteria[0].panel is None
    with pytest.raises(ValueError, match="Extra inputs are not permitted"):
        _Holder.model_validate({"criteria": [{**good, "extra": 1}]})
    with pytest.raises(ValueError, match="score\n  Field required"):
        _Holder.model_validate({"criteria": [{"id": "plan", "inputs": {}, "ratio": None}]})


def test_panel_scores_are_tuples_in_memory_and_objects_in_json() -> None:
    detail = PanelDetail(**_detail())
    assert detail.scores == SCORES and detail.scores[0].evaluator == "ev-01"
    holder = _Holder(criteria=[CriterionScore("plan", {}, None, Decimal(1), detail)])
    written = json.loads(holder.model_dump_json())["criteria"][0]["panel"]["scores"]
    assert written == [{"evaluator": "ev-01", "score": "80", "status": "dropped_low"},
                       {"evaluator": "ev-02", "score": None, "status": "conflict"},
                       {"evaluator": "ev-03", "score": "85.5", "status": "kept"}]  # fmt: skip
    assert _Holder.model_validate_json(holder.model_dump_json()) == holder


def test_a_panel_score_with_an_unknown_key_or_status_is_refused() -> None:
    def criterion(scores: list) -> dict:
        return {"id": "plan", "inputs": {}, "ratio": None, "score": "1",
                "panel": {**_detail(scores=scores), "mean": "1", "spread": "0"}}  # fmt: skip

    with pytest.raises(ValueError, match="Extra inputs are not permitted"):
        _Holder.model_validate({"criteria": [criterion([{"evaluator": "e", "score": "1", "status": "kept", "x": 1}])]})
    with pytest.raises(ValueError, match="status"):
        _Holder.model_validate({"criteria": [criterion([{"evaluator": "e", "score": "1", "status": "maybe"}])]})


def _technical(**override) -> dict:
    return {"criteria": ["plan", "ops"], "score": Decimal("51.25"), "maximum": Decimal(65),
            "required": Decimal("55.25"), "passed": False, **override}  # fmt: skip


def test_trusted_equals_the_validated_model() -> None:
    trusted = Technical.trusted(**_technical())
    validated = Technical.model_validate(json.loads(trusted.model_dump_json()))
    assert validated == trusted and validated.model_dump() == trusted.model_dump()
    assert trusted.model_fields_set == validated.model_fields_set


def test_trusted_needs_every_field() -> None:
    with pytest.raises(TypeError, match="needs every field"):
        Technical.trusted(**{k: v for k, v in _technical().items() if k != "passed"})
    with pytest.raises(TypeError, match="needs every field"):
        Technical.trusted(**_technical(extra=1))


def test_trusted_all_builds_each_row_as_its_own_validated_model() -> None:
    rows = [_technical(), _technical(score=Decimal("60.5"), passed=True), _technical(criteria=["plan"])]
    built = Technical.trusted_all(rows)
    assert built == [Technical.model_validate(row) for row in rows]
    assert [b.score for b in built] == [Decimal("51.25"), Decimal("60.5"), Decimal("51.25")]
    assert all(b.model_fields_set == set(Technical.model_fields) for b in built) and Technical.trusted_all([]) == []


def test_trusted_all_refuses_the_lot_when_one_row_lacks_a_field() -> None:
    with pytest.raises(TypeError, match="needs every field"):
        Technical.trusted_all([_technical(), {k: v for k, v in _technical().items() if k != "score"}])


def test_trusted_models_stay_frozen_and_copy_with_changes() -> None:
    trusted = Technical.trusted(**_technical())
    with pytest.raises(Exception, match="frozen"):
        trusted.score = Decimal(0)  # type: ignore[misc]
    changed = trusted.model_copy(update={"score": Decimal(60), "passed": True})
    assert (changed.score, changed.passed) == (Decimal(60), True) and trusted.score == Decimal("51.25")
    assert changed.criteria is trusted.criteria and changed.model_fields_set == trusted.model_fields_set


class _Holder(Frozen):
    """The smallest model holding criterion scores the way BidResult does."""

    criteria: CriterionScores
