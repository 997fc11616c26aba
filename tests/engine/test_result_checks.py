"""results.json cross-checks (bideval/load/results_checks.py): each test makes ONE small hand edit
to a consistent results.json and expects every problem it causes, at the line and column of the
offending value. Lines are found in the edited text here, never copied from what bideval prints.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bideval.engine.result_file import load_results
from bideval.errors import InputError
from tests.conftest import KR, NIPA, run

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "results"
# The corpus's two-bid evaluation (beta selected, alpha second) with its forged total put back.
BASE = json.loads((CORPUS / "huge-total-exponent.json").read_text(encoding="utf-8").replace("1E+999", "92.3684"))


def _write(tmp_path: Path, data: dict) -> tuple[Path, str]:
    """Written the way bideval writes results.json (render_json): sorted keys, indent 2."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    path = tmp_path / "results.json"
    path.write_text(text, encoding="utf-8")
    return path, text


def _problems(tmp_path: Path, edit: Callable[[dict], None]) -> tuple[list[str], Callable[..., str]]:
    """Every problem `load_results` finds after `edit`, and a locator: `where(needle)` is
    `FILE:LINE:COLUMN` of the nth occurrence of `needle` (plus `offset` characters) in the file."""
    data = copy.deepcopy(BASE)
    edit(data)
    path, text = _write(tmp_path, data)
    with pytest.raises(InputError) as raised:
        load_results(path)

    def where(needle: str, nth: int = 0, offset: int = 0) -> str:
        start = -1
        for _ in range(nth + 1):
            start = text.index(needle, start + 1)
        start += offset
        return f"{path}:{text.count(chr(10), 0, start) + 1}:{start - text.rfind(chr(10), 0, start)}"

    return [str(p) for p in raised.value.problems], where


def test_the_base_is_consistent(tmp_path: Path) -> None:
    path, _ = _write(tmp_path, BASE)
    assert load_results(path).outcome.winners == ["beta"]


# -- numbers -------------------------------------------------------------------------------

OUT_OF_RANGE = "is out of range (bideval writes none beyond 1E±100)"


def test_a_total_with_an_absurd_exponent(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["bids"][0].update(total="1E+999"))
    assert problems == [at('"1E+999"') + f": bids[0].total: number 1E+999 {OUT_OF_RANGE}"]


def test_a_ratio_too_close_to_zero(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["bids"][1]["criteria"][0].update(ratio="1E-101"))
    assert problems == [at('"1E-101"') + f": bids[1].criteria[0].ratio: number 1E-101 {OUT_OF_RANGE}"]


def test_a_metric_of_a_hundred_and_two_digits(tmp_path: Path) -> None:
    huge = "9" * 102
    problems, at = _problems(tmp_path, lambda d: d["bids"][1]["metrics"].update(total_gpus=huge))
    assert problems == [at(f'"{huge}"') + f": bids[1].metrics.total_gpus: number of 102 digits {OUT_OF_RANGE}"]


def test_a_panel_score_with_an_absurd_exponent(tmp_path: Path) -> None:
    edit = lambda d: d["bids"][0]["criteria"][0]["panel"]["scores"][0].update(score="4.5E+200")
    problems, at = _problems(tmp_path, edit)
    assert problems == [at('"4.5E+200"') + f": bids[0].criteria[0].panel.scores[0].score: number 4.5E+200 "
                        f"{OUT_OF_RANGE}"]  # fmt: skip


def test_a_rubric_setting_too_close_to_zero(tmp_path: Path) -> None:
    tiny = "0." + "0" * 100 + "4"  # a rubric section keeps only plain decimals as numbers (result.py)
    problems, at = _problems(tmp_path, lambda d: d["rubric"]["panel"].update(spread_warning=tiny))
    assert problems == [at(f'"{tiny}"') + f": rubric.panel.spread_warning: number 4E-101 {OUT_OF_RANGE}"]


# -- references ----------------------------------------------------------------------------


def test_a_winner_that_is_not_a_bid(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["outcome"].update(winners=["ghost-bidder"]))
    assert problems == [
        at('"selected"') + ": bids[0].status: 'beta' is selected but not among outcome.winners",
        at('"ghost-bidder"') + ": outcome.winners[0]: 'ghost-bidder' is not one of the bids",
    ]


def test_a_winner_that_is_not_selected(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["outcome"].update(winners=["alpha"]))
    assert problems == [
        at('"selected"') + ": bids[0].status: 'beta' is selected but not among outcome.winners",
        at('"alpha"', nth=1) + ": outcome.winners[0]: 'alpha' has status 'eligible', not 'selected'",
    ]


def test_a_tied_bidder_that_is_not_a_bid(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["outcome"].update(tied=["ghost"]))
    assert problems == [at('"ghost"') + ": outcome.tied[0]: 'ghost' is not one of the bids"]


def test_a_panel_score_by_an_unknown_evaluator(tmp_path: Path) -> None:
    edit = lambda d: d["bids"][1]["criteria"][0]["panel"]["scores"][0].update(evaluator="ghost-evaluator")
    problems, at = _problems(tmp_path, edit)
    assert problems == [at('"ghost-evaluator"') + ": bids[1].criteria[0].panel.scores[0].evaluator: "
                        "'ghost-evaluator' is not one of the evaluators"]  # fmt: skip


def test_a_criterion_the_rubric_section_does_not_have(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["bids"][0]["criteria"][0].update(id="ghost-criterion"))
    assert problems == [at('"ghost-criterion"') + ": bids[0].criteria[0].id: 'ghost-criterion' is not a criterion "
                        "of the rubric section"]  # fmt: skip


def test_criteria_out_of_rubric_order(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["bids"][0]["criteria"].reverse())
    # the first "price" and "quality" are keys of bids[0].categories
    assert problems == [
        at('"price"', nth=1) + ": bids[0].criteria[0].id: 'price' is out of rubric order; expected 'quality'",
        at('"quality"', nth=1) + ": bids[0].criteria[1].id: 'quality' is out of rubric order; expected 'price'",
    ]


def test_a_bid_missing_a_criterion(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["bids"][0]["criteria"].pop())
    assert problems == [at('"criteria": [', offset=12) + ": bids[0].criteria: missing the rubric's 'price'"]


def test_a_category_that_is_not_a_top_level_criterion(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["bids"][1]["categories"].update(ghost="1.0000"))
    assert problems == [at('"1.0000"') + ": bids[1].categories.ghost: 'ghost' is not a top-level criterion of the "
                        "rubric"]  # fmt: skip


def test_a_technical_score_over_an_unknown_criterion(tmp_path: Path) -> None:
    technical = {"criteria": ["ghost"], "score": "45.0000", "maximum": "50", "required": "35", "passed": True}
    problems, at = _problems(tmp_path, lambda d: d["bids"][0].update(technical=technical))
    assert problems == [at('"ghost"') + ": bids[0].technical.criteria[0]: 'ghost' is not a criterion of the rubric"]


def test_a_warning_about_an_unknown_bidder_and_criterion(tmp_path: Path) -> None:
    warning = {"code": "panel_spread", "bidder": "ghost-bidder", "criterion": "ghost-criterion", "detail": {}}
    problems, at = _problems(tmp_path, lambda d: d["warnings"].append(warning))
    assert problems == [
        at('"ghost-bidder"') + ": warnings[0].bidder: 'ghost-bidder' is not one of the bids",
        at('"ghost-criterion"') + ": warnings[0].criterion: 'ghost-criterion' is not a criterion of the rubric",
    ]


def test_a_reason_about_an_unknown_subject(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["bids"][1]["reasons"][0].update(subject="ghost"))
    assert problems == [at('"ghost"') + ": bids[1].reasons[0].subject: 'ghost' is neither a criterion of the rubric "
                        "nor a gate of this bid"]  # fmt: skip


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    def edit(d: dict) -> None:
        d["bids"][0].update(total="1E+999")
        d["bids"][0]["criteria"][0]["id"] = "ghost-criterion"
        d["bids"][1]["criteria"][0]["panel"]["scores"][0]["evaluator"] = "ghost-evaluator"
        d["outcome"]["tied"] = ["ghost-bidder"]

    problems, at = _problems(tmp_path, edit)
    assert problems == [
        at('"ghost-criterion"') + ": bids[0].criteria[0].id: 'ghost-criterion' is not a criterion of the rubric "
        "section",
        at('"1E+999"') + f": bids[0].total: number 1E+999 {OUT_OF_RANGE}",
        at('"ghost-evaluator"') + ": bids[1].criteria[0].panel.scores[0].evaluator: 'ghost-evaluator' is not one of "
        "the evaluators",
        at('"ghost-bidder"') + ": outcome.tied[0]: 'ghost-bidder' is not one of the bids",
    ]  # fmt: skip


# -- duplicates and the rubric section -----------------------------------------------------------


def test_a_bidder_listed_twice(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["bids"][1].update(bidder_id="beta"))
    assert problems == [at('"bidder_id": "beta"', nth=1, offset=13) + ": bids[1].bidder_id: bidder 'beta' is listed "
                        "twice (first as bids[0])"]  # fmt: skip


def test_an_evaluator_listed_twice(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["evaluators"].append(copy.deepcopy(d["evaluators"][0])))
    assert problems == [at('"id": "ev-1"', nth=1, offset=6) + ": evaluators[1].id: evaluator 'ev-1' is listed twice "
                        "(first as evaluators[0])"]  # fmt: skip


def test_a_criterion_listed_twice_in_the_rubric_section(tmp_path: Path) -> None:
    """The rubric section then has no 'price': every place that names it is reported too."""
    problems, at = _problems(tmp_path, lambda d: d["rubric"]["criteria"][1].update(id="quality"))
    assert problems == [
        at('"price": "47.3684"', offset=9) + ": bids[0].categories.price: 'price' is not a top-level criterion of "
        "the rubric",
        at('"id": "price"', offset=6) + ": bids[0].criteria[1].id: 'price' is not a criterion of the rubric section",
        at('"price": "50.0000"', offset=9) + ": bids[1].categories.price: 'price' is not a top-level criterion of "
        "the rubric",
        at('"id": "price"', nth=1, offset=6) + ": bids[1].criteria[1].id: 'price' is not a criterion of the rubric "
        "section",
        at('"id": "quality"', nth=3, offset=6) + ": rubric.criteria[1].id: criterion 'quality' is listed twice "
        "(first as rubric.criteria[0])",
    ]  # fmt: skip


def test_a_criterion_under_an_unknown_parent(tmp_path: Path) -> None:
    """'price' is then no top-level criterion: the bids' categories naming it are reported too."""
    problems, at = _problems(tmp_path, lambda d: d["rubric"]["criteria"][1].update(parent="ghost", depth=1))
    assert problems == [
        at('"price": "47.3684"', offset=9) + ": bids[0].categories.price: 'price' is not a top-level criterion of "
        "the rubric",
        at('"price": "50.0000"', offset=9) + ": bids[1].categories.price: 'price' is not a top-level criterion of "
        "the rubric",
        at('"ghost"') + ": rubric.criteria[1].parent: 'ghost' is not a criterion listed before 'price'",
    ]  # fmt: skip


def test_a_top_level_criterion_with_a_depth(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["rubric"]["criteria"][0].update(depth=1))
    assert problems == [at('"depth": 1', offset=9) + ": rubric.criteria[0].depth: 1 does not match its parent; "
                        "expected 0"]  # fmt: skip


def test_a_missing_rounding_setting(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["rubric"]["rounding"].pop("places"))
    assert problems == [at('"rounding": {', offset=12) + ": rubric.rounding: missing key 'places'"]


def test_a_budget_that_is_not_a_number(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["rubric"]["thresholds"].update(budget="lots"))
    assert problems == [at('"lots"') + ": rubric.thresholds.budget: expected a number or null"]


def test_a_technical_threshold_over_an_unknown_criterion(tmp_path: Path) -> None:
    rule = {"criteria": ["ghost"], "min_ratio": "0.7"}
    problems, at = _problems(tmp_path, lambda d: d["rubric"]["thresholds"].update(technical=rule))
    assert problems == [at('"ghost"') + ": rubric.thresholds.technical.criteria[0]: 'ghost' is not a criterion of "
                        "the rubric"]  # fmt: skip


def test_a_technical_threshold_that_is_not_a_mapping(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["rubric"]["thresholds"].update(technical="quality"))
    assert problems == [at('"technical": "quality"', offset=13) + ": rubric.thresholds.technical: expected a mapping "
                        "with 'criteria' and 'min_ratio', or null"]  # fmt: skip


def test_a_technical_threshold_naming_one_criterion_as_text(tmp_path: Path) -> None:
    rule = {"criteria": "quality", "min_ratio": "0.7"}
    problems, at = _problems(tmp_path, lambda d: d["rubric"]["thresholds"].update(technical=rule))
    assert problems == [at('"criteria": "quality"', offset=12) + ": rubric.thresholds.technical.criteria: expected a "
                        "list of criterion ids"]  # fmt: skip


def test_a_total_of_zero_points(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["rubric"].update(total_points="0"))
    assert problems == [at('"total_points": "0"', offset=16) + ": rubric.total_points: must be greater than 0, got 0"]


# -- rank order --------------------------------------------------------------------------------

TIES = "(ties share a rank: 1, 1, 3)"


def test_a_rank_out_of_order(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["bids"][1].update(rank=3))
    assert problems == [at('"rank": 3', offset=8) + f": bids[1].rank: 3 is out of order; expected 1 or 2 {TIES}"]


def test_bids_in_reverse_rank_order(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["bids"].reverse())
    assert problems == [
        at('"rank": 2', offset=8) + f": bids[0].rank: 2 is out of order; expected 1 {TIES}",
        at('"rank": 1', offset=8) + f": bids[1].rank: 1 is out of order; expected 2 {TIES}",
    ]


def test_an_eligible_bid_without_a_rank(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["bids"][1].update(rank=None))
    assert problems == [at('"rank": null', offset=8) + ": bids[1].rank: no rank with status 'eligible'; only selected "
                        "and eligible bids are ranked"]  # fmt: skip


def test_an_excluded_bid_with_a_rank(tmp_path: Path) -> None:
    problems, at = _problems(tmp_path, lambda d: d["bids"][1].update(status="excluded"))
    assert problems == [at('"rank": 2', offset=8) + ": bids[1].rank: rank 2 with status 'excluded'; only selected "
                        "and eligible bids are ranked"]  # fmt: skip


def test_a_ranked_bid_after_an_unranked_one(tmp_path: Path) -> None:
    def edit(d: dict) -> None:
        d["bids"][0].update(rank=None, status="excluded", rank_decided_by=None)
        d["outcome"].update(winners=[], kind="failed_tender")

    problems, at = _problems(tmp_path, edit)
    assert problems == [at('"rank": 2', offset=8) + ": bids[1].rank: ranked bids come first, before every unranked bid"]


def test_unranked_bids_out_of_id_order(tmp_path: Path) -> None:
    def edit(d: dict) -> None:
        for bid in d["bids"]:
            bid.update(rank=None, status="excluded", rank_decided_by=None)
        d["outcome"].update(winners=[], kind="failed_tender")

    problems, at = _problems(tmp_path, edit)
    assert problems == [at('"alpha"') + ": bids[1].bidder_id: 'alpha' is out of order; unranked bids follow by "
                        "bidder id"]  # fmt: skip


# -- what bideval writes loads -----------------------------------------------------------------


@pytest.mark.parametrize("sample", [KR, NIPA], ids=["kr", "nipa"])
def test_results_of_the_samples_load(sample: tuple[Path, Path], tmp_path: Path) -> None:
    rubric, bids = sample
    assert run("evaluate", rubric, bids, "--out", tmp_path, "--format", "json").exit_code == 0
    assert load_results(tmp_path / "results.json").bids


def test_exponent_notation_bideval_writes_loads(tmp_path: Path) -> None:
    """results.json holds str(Decimal): "0E-12" at metric_places 12, "5E+1" for `points: 5e1`."""
    text = NIPA[0].read_text(encoding="utf-8")
    assert text.count("\n  mode: half_up\n") == 1 and text.count("\n    points: 50\n") == 1
    text = text.replace("\n  mode: half_up\n", "\n  mode: half_up\n  metric_places: 12\n")
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(text.replace("\n    points: 50\n", "\n    points: 5e1\n"), encoding="utf-8")
    assert run("evaluate", rubric, NIPA[1], "--out", tmp_path / "out", "--format", "json").exit_code == 0
    written = (tmp_path / "out" / "results.json").read_text(encoding="utf-8")
    assert '"points": "5E+1"' in written and '"ratio": "0E-12"' in written
    assert load_results(tmp_path / "out" / "results.json").rubric.criteria[0].points == 50


# -- the numbers worked out again from the criterion scores (issue 18 §8) -------------------------
# BASE: beta 45 + 47.3684 = 92.3684 ranks first and wins; alpha 40 + 50 = 90 second. quality is
# judged on the points scale by one evaluator, so its panel mean is that one score.


def _set_total(data: dict, value: str) -> None:
    data["bids"][1]["total"] = value


def test_a_total_that_is_not_the_sum_of_its_categories(tmp_path: Path) -> None:
    """alpha's categories add up to 40 + 50 = 90; a total of 91 was typed in by hand (still below
    beta's 92.3684, so the ranks hold and the total is the one problem)."""
    problems, at = _problems(tmp_path, lambda d: _set_total(d, "91.0000"))
    assert problems == [at('"91.0000"') + (": bids[1].total: 91.0000 is not the sum of the categories (90.0000): "
                                          "the file was changed after bideval wrote it")]  # fmt: skip


def test_a_raised_total_that_would_change_the_winner_names_the_rank_and_the_outcome(tmp_path: Path) -> None:
    """alpha's scores raised consistently (quality 40 → 45, so 95 > beta's 92.3684) but its rank,
    status and the outcome left as they were: the ranks and the winner no longer follow."""

    def edit(data: dict) -> None:
        alpha = data["bids"][1]
        quality = alpha["criteria"][0]
        quality["score"] = quality["panel"]["mean"] = quality["inputs"]["panel_mean"] = "45.0000"
        quality["panel"]["scores"][0]["score"] = "45"
        alpha["categories"]["quality"], alpha["total"] = "45.0000", "95.0000"

    problems, at = _problems(tmp_path, edit)
    assert any(p.endswith("bids[0].rank: 1 is not what the totals and tie-breaks give (2): the file was changed "
                          "after bideval wrote it") for p in problems), problems  # fmt: skip
    assert any(": outcome.winners: beta is not what the ranks and the award rule give (alpha)" in p for p in problems)


def test_a_panel_mean_that_is_not_the_mean_of_its_scores(tmp_path: Path) -> None:
    """One evaluator gave beta 45 on quality; a mean of 50 cannot come from that score."""

    def edit(data: dict) -> None:
        data["bids"][0]["criteria"][0]["panel"]["mean"] = "50.0000"

    problems, _ = _problems(tmp_path, edit)
    assert any("bids[0].criteria[0].panel.mean: 50.0000 is not the trimmed mean of the scores (45.0000)" in p
               for p in problems), problems  # fmt: skip


def test_every_sample_reads_back_without_a_problem(tmp_path: Path) -> None:
    """The checks find nothing in what bideval itself writes."""
    for rubric, bids in (NIPA, KR):
        out = tmp_path / rubric.stem
        assert run("evaluate", rubric, bids, "--format", "json", "--out", out).exit_code == 0
        assert load_results(out / "results.json").bids
