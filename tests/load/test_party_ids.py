"""Bidder and evaluator ids as a committee writes them: upper case allowed (A–E, E1, KT), one id
whatever its case (issue 18 §8: "evaluator and bidder ids must accept upper case; uniqueness is
checked case-insensitively")."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.conftest import run
from tests.sheets import fill


def _programme(tmp_path: Path, bidders: dict[str, int], evaluators: list[str]) -> tuple[Path, Path]:
    """A rubric with one judged item (60 points) and price by ratio to the lowest (40 points)."""
    rubric = {"schema": "bideval/rubric/v1", "id": "ids", "title": "Ids", "issuer": "Test", "currency": "KRW",
              "evaluation_date": "2025-01-01",
              "criteria": [{"id": "quality", "label": "Quality", "points": 60, "method": "judged", "scale": "points"},
                           {"id": "price", "label": "Price", "points": 40, "method": "ratio_to_best",
                            "metric": "price", "better": "lower"}]}  # fmt: skip
    bids = tmp_path / "bids"
    (bids / "scores").mkdir(parents=True)
    (tmp_path / "rubric.json").write_text(json.dumps(rubric), encoding="utf-8")
    for n, (bidder, price) in enumerate(bidders.items()):
        bid = {"schema": "bideval/bid/v1", "bidder": {"id": bidder, "name": f"Bidder {bidder}"}, "price": price}
        (bids / f"bid-{n}.json").write_text(json.dumps(bid), encoding="utf-8")
    for n, evaluator in enumerate(evaluators):
        sheet = {"schema": "bideval/scores/v1", "evaluator": {"id": evaluator, "name": evaluator, "conflicts": []},
                 "scores": {bidder: {"quality": 50} for bidder in bidders}}  # fmt: skip
        (bids / "scores" / f"sheet-{n}.json").write_text(json.dumps(sheet), encoding="utf-8")
    return tmp_path / "rubric.json", bids


def test_upper_case_ids_are_accepted(tmp_path: Path) -> None:
    """KT bids 100, SK 80: quality 50 each; price KT 40 × 80 ÷ 100 = 32, SK 40 → SK 90 first, KT 82."""
    rubric, bids = _programme(tmp_path, {"KT": 100, "SK": 80}, ["E1", "E2", "E3"])
    done = run("evaluate", rubric, bids, "--format", "json", "--out", tmp_path / "out")
    assert done.exit_code == 0, done.output
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert [(b["bidder_id"], b["total"]) for b in results["bids"]] == [("SK", "90.0000"), ("KT", "82.0000")]
    assert [e["id"] for e in results["evaluators"]] == ["E1", "E2", "E3"]


def test_ids_that_differ_only_in_case_are_one_id(tmp_path: Path) -> None:
    rubric, bids = _programme(tmp_path, {"KT": 100, "kt": 80}, ["E1", "e1", "E2"])
    done = run("validate", rubric, bids)
    assert done.exit_code == 1
    errors = " ".join(done.output.split())
    assert "bidder id 'kt' is also used by" in errors and "as 'KT' (ids are the same whatever their case)" in errors
    assert "evaluator id 'e1' is also used by" in errors and "as 'E1' (ids are the same whatever their case)" in errors


def test_other_ids_stay_lower_case(tmp_path: Path) -> None:
    """Criterion, gate, GPU and fact ids are the rubric's own vocabulary: still lower case."""
    rubric, bids = _programme(tmp_path, {"KT": 100}, ["E1"])
    data = json.loads(rubric.read_text(encoding="utf-8"))
    data["criteria"][0]["id"] = "Quality"
    rubric.write_text(json.dumps(data), encoding="utf-8")
    done = run("validate", rubric)
    assert done.exit_code == 1 and "lowercase" in done.output


def test_score_sheets_round_trip_upper_case_ids(tmp_path: Path) -> None:
    """`sheets` writes a workbook per evaluator (E1.xlsx …) and `import-scores` reads them back,
    blind (aliases.yaml maps Bidder A … to KT, SK) and not."""
    rubric, bids = _programme(tmp_path, {"KT": 100, "SK": 80}, ["E1", "E2"])
    for blind in ([], ["--blind"]):
        out = tmp_path / ("blind" if blind else "open")
        done = run("sheets", rubric, bids, "--out", out, *blind)
        assert done.exit_code == 0, done.output
        workbooks = sorted(out.glob("*.xlsx"))
        assert [w.stem for w in workbooks] == ["E1", "E2"]
        for workbook in workbooks:
            fill(workbook, lambda row, criterion: 45)
        aliases = ["--aliases", out / "aliases.yaml"] if blind else []
        done = run("import-scores", *workbooks, "--out", out / "scores", "--rubric", rubric, "--bids", bids, *aliases)
        assert done.exit_code == 0, done.output
        back = yaml.safe_load((out / "scores" / "E1.yaml").read_text(encoding="utf-8"))
        assert back["evaluator"]["id"] == "E1" and back["scores"] == {"KT": {"quality": 45}, "SK": {"quality": 45}}
