"""The decision read from results.json as plain JSON, and what can explain other bytes (issue 17)."""

from __future__ import annotations

import json

import pytest

from bideval import __version__
from bideval.audit import explain
from bideval.audit.decision import absent_new_fields, changes, compared, decision, limited
from tests.conftest import ROOT

SAMPLE = ROOT / "tests" / "archives" / "0.2.0" / "kr-negotiated-80-20.zip"


def _bid(bidder_id="a", **fields):
    bid = {"bidder_id": bidder_id, "status": "selected", "rank": 1, "total": "90.0000", "within_budget": None,
           "categories": {"price": "18.0000"}, "technical": {"score": "72.0000", "passed": True, "maximum": "80"},
           "criteria": [{"id": "price", "score": "18.0000", "ratio": "0.900000", "meets_minimum": None,
                         "panel": None, "inputs": {"best": "1"}}],
           "name": {"en": "A"}}  # fmt: skip
    bid.update(fields)
    return bid


def _results(*bids, **outcome):
    return {"tool_version": "9.9.9", "bids": list(bids),
            "outcome": {"kind": "awarded", "winners": ["a"], "tied": [], "valid_bids": 1, **outcome}}  # fmt: skip


def test_the_decision_is_flattened_by_ids_and_leaves_the_rest_out():
    flat = decision(_results(_bid()))
    assert flat == {
        "bids[a]": "present",
        "bids[a].status": "selected",
        "bids[a].rank": "1",
        "bids[a].total": "90.0000",
        "bids[a].within_budget": "null",
        "bids[a].categories.price": "18.0000",
        "bids[a].technical.score": "72.0000",
        "bids[a].technical.passed": "true",
        "bids[a].criteria[price]": "present",
        "bids[a].criteria[price].score": "18.0000",
        "bids[a].criteria[price].ratio": "0.900000",
        "bids[a].criteria[price].meets_minimum": "null",
        "bids[a].lot": "null",  # fields 0.3.0 added compare as null when absent (but see `compared`)
        "bids[a].base_total": "null",
        "outcome.kind": "awarded",
        "outcome.winners": '["a"]',
        "outcome.tied": "[]",
        "outcome.valid_bids": "1",
        "revisions": "null",  # 0.5.0: the score revisions, compared as a whole
    }  # no tool_version, name, inputs or technical.maximum: they decide nothing


def test_comments_and_individual_scores_are_part_of_the_decision():
    """Issue 22: verify compares each comment with its score; a comment changed in results.json is a
    changed decision, named by bid, criterion and evaluator."""
    panel = {"mean": "13.5000", "method": "trimmed_mean", "rationale": None,
             "scores": [{"evaluator": "p-07", "score": "10.5", "status": "dropped_low", "comment": "Thin analysis."}]}
    bid = _bid(criteria=[{"id": "understanding", "score": "13.5000", "ratio": "0.9", "meets_minimum": None,
                          "panel": panel}])  # fmt: skip
    before = _results(bid)
    after = json.loads(json.dumps(before))
    after["bids"][0]["criteria"][0]["panel"]["scores"][0]["comment"] = "Excellent analysis."
    found = changes(*compared(before, after))
    assert found == ["bid a: criteria.understanding.panel.scores.p-07.comment archived Thin analysis., now Excellent analysis."]


def test_a_real_results_file_compares_with_itself():
    import zipfile

    with zipfile.ZipFile(SAMPLE) as archive:
        results = json.loads(archive.read("results.json"))
    flat = decision(results)
    assert flat["bids[alpha-soft].criteria[understanding].panel.mean"] == "13.5000"
    assert flat["bids[delta-info].status"] == "below_threshold"
    assert changes(flat, decision(results)) == []


def test_values_compare_as_written_not_as_numbers():
    assert changes(decision(_results(_bid(total="90.0000"))), decision(_results(_bid(total="90.00")))) == [
        "bid a: total archived 90.0000, now 90.00"
    ]


def test_bids_match_by_id_whatever_their_order():
    one, two = _bid("a"), _bid("b", rank=2, status="eligible")
    assert changes(decision(_results(one, two)), decision(_results(two, one))) == []


def test_a_field_an_older_format_lacks_compares_as_null():
    older = _bid()
    del older["within_budget"]
    assert changes(decision(_results(older)), decision(_results(_bid()))) == []
    assert changes(decision(_results(older)), decision(_results(_bid(within_budget=True)))) == [
        "bid a: within_budget archived null, now true"
    ]


def test_a_bid_or_criterion_on_one_side_is_one_line():
    archived, now = decision(_results(_bid("a"), _bid("b"))), decision(_results(_bid("a")))
    assert changes(archived, now) == ["bid b: in the archive only"]
    fewer = _bid("a", criteria=[])
    assert changes(decision(_results(fewer)), decision(_results(_bid("a")))) == [
        "bid a: criteria.price in the re-run only"
    ]


def test_a_repeated_bid_id_is_not_hidden():
    assert changes(decision(_results(_bid("a"), _bid("a"))), decision(_results(_bid("a")))) == [
        "bid a~2: in the archive only"
    ]


@pytest.mark.parametrize("results", [None, [], "x", {"bids": "x"}, {"bids": [1, None, {"criteria": 3}]},
                                     {"outcome": [1]}, {"bids": [{"bidder_id": ["x"]}]}])  # fmt: skip
def test_any_shape_gives_keys_never_an_error(results):
    flat = decision(results)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in flat.items())
    assert changes(flat, decision(_results(_bid())))  # and differs from a real decision


def test_limited_counts_the_rest():
    assert limited(["x"] * 3, limit=5) == ["x"] * 3
    assert limited([str(i) for i in range(25)], limit=20)[-2:] == ["19", "… and 5 more"]


# -- the fields of issue 18 (0.3.0) and the rule for archives written before them ---------------------


def _bid_030(bidder_id="a", **fields):
    """A bid as 0.3.0 writes it: its lot, stages, base total and bonus/penalty points."""
    bid = _bid(bidder_id, lot="track-1", base_total="88.0000", total="90.0000",
               stages=[{"id": "technical", "score": "70.0000", "maximum": "80", "required": "56.0", "passed": True},
                       {"id": "price", "score": "18.0000", "maximum": "20", "required": None, "passed": True}],
               adjustments=[{"id": "multi-csp", "kind": "bonus", "earned": "2", "points": "2", "reason": "rule",
                             "value": "3", "label": {"en": "x"}}])  # fmt: skip
    bid.update(fields)
    return bid


def _results_030(*bids, **outcome):
    results = _results(*bids, **outcome)
    results["tool_version"] = "0.3.0"
    results["outcome"].setdefault("rounds", [
        {"round": 1, "announced": "2025-03-04", "applicants": 0, "outcome": "failed_tender", "evaluated": False,
         "note": None},
        {"round": 2, "announced": None, "applicants": 1, "outcome": "awarded", "evaluated": True, "note": None}])
    results["outcome"].setdefault("lots", {"track-1": {"kind": "awarded", "winners": ["a"], "tied": [],
                                                       "valid_bids": 1}})  # fmt: skip
    results["outcome"].setdefault("suitability", [
        {"bidder": "a", "lot": "track-1", "suitable": True,
         "checks": [{"id": "gates", "actual": True, "required": True, "passed": True},
                    {"id": "min_total", "actual": "88.0000", "required": "70", "passed": True}]}])  # fmt: skip
    return results


def test_the_fields_of_0_3_0_are_flattened_by_their_ids():
    flat = decision(_results_030(_bid_030()))
    new = {k: v for k, v in flat.items() if k not in decision(_results(_bid()))}
    assert new == {
        "bids[a].stages[technical]": "present",
        "bids[a].stages[technical].score": "70.0000",
        "bids[a].stages[technical].passed": "true",
        "bids[a].stages[price]": "present",
        "bids[a].stages[price].score": "18.0000",
        "bids[a].stages[price].passed": "true",
        "bids[a].adjustments[multi-csp]": "present",
        "bids[a].adjustments[multi-csp].points": "2",
        "outcome.rounds[1]": "present",
        "outcome.rounds[1].applicants": "0",
        "outcome.rounds[1].outcome": "failed_tender",
        "outcome.rounds[2]": "present",
        "outcome.rounds[2].applicants": "1",
        "outcome.rounds[2].outcome": "awarded",
        "outcome.lots[track-1]": "present",
        "outcome.lots[track-1].kind": "awarded",
        "outcome.lots[track-1].winners": '["a"]',
        "outcome.lots[track-1].tied": "[]",
        "outcome.lots[track-1].valid_bids": "1",
        "outcome.suitability[a]": "present",
        "outcome.suitability[a].suitable": "true",
        "outcome.suitability[a].checks[gates]": "present",
        "outcome.suitability[a].checks[gates].passed": "true",
        "outcome.suitability[a].checks[min_total]": "present",
        "outcome.suitability[a].checks[min_total].passed": "true",
    }  # stage maximum and required, an adjustment's earned and reason, a round's date: they decide nothing
    assert flat["bids[a].lot"] == "track-1" and flat["bids[a].base_total"] == "88.0000"


def _old(results):
    """As 0.2.0 wrote it: its version, and none of the fields 0.3.0 added."""
    results["tool_version"] = "0.2.0"
    for bid in results["bids"]:
        for key in ("lot", "stages", "base_total", "adjustments"):
            bid.pop(key, None)
    for key in ("rounds", "lots", "suitability"):
        results["outcome"].pop(key, None)
    return results


def _rerun_of_old():
    """What 0.3.0 writes for an old rubric: one round, base total = total, no stages, lots or points."""
    return _results_030(_bid_030(lot=None, base_total="90.0000", stages=[], adjustments=[]),
                        rounds=[{"round": 1, "announced": None, "applicants": 1, "outcome": "awarded",
                                 "evaluated": True, "note": None}], lots={}, suitability=[])  # fmt: skip


def test_an_archive_written_before_0_3_0_compares_without_the_fields_it_could_not_have():
    archived, now = _old(_results(_bid())), _rerun_of_old()
    assert changes(decision(archived), decision(now)), "without the rule the re-run's new fields would differ"
    assert absent_new_fields(archived) == {"bids[a].lot", "bids[a].base_total", "bids[a].stages",
                                           "bids[a].adjustments", "outcome.rounds", "outcome.lots",
                                           "outcome.suitability", "revisions"}  # fmt: skip
    assert changes(*compared(archived, now)) == []
    # … while every field it has still counts
    now["bids"][0]["rank"] = 2
    assert changes(*compared(archived, now)) == ["bid a: rank archived 1, now 2"]


def test_the_rule_goes_by_the_archived_version_not_by_what_is_missing():
    """Written by 0.3.0 (or a version that cannot be read), a missing field is a difference."""
    archived = _results_030(_bid_030())
    del archived["bids"][0]["base_total"]
    del archived["outcome"]["lots"]
    now = _results_030(_bid_030())
    assert absent_new_fields(archived) == {"revisions"}  # 0.5.0 added it, after 0.3.0: left out
    assert changes(*compared(archived, now)) == [
        "bid a: base_total archived null, now 88.0000",
        "lot track-1: in the re-run only",
    ]
    unknown = _old(_results(_bid()))
    unknown["tool_version"] = "dev"
    assert absent_new_fields(unknown) == set()
    assert "bid a: base_total archived null, now 90.0000" in changes(*compared(unknown, _rerun_of_old()))


def test_a_new_field_an_old_file_does_have_is_compared():
    """Put into a 0.2.0 file by hand: what it claims is checked like any other field."""
    archived = _old(_results(_bid()))
    archived["bids"][0]["base_total"] = "80.0000"
    archived["outcome"]["lots"] = {"track-9": {"kind": "awarded", "winners": ["a"], "tied": [], "valid_bids": 1}}
    assert changes(*compared(archived, _rerun_of_old())) == [
        "bid a: base_total archived 80.0000, now 90.0000",
        "lot track-9: in the archive only",
    ]


@pytest.mark.parametrize(("edit", "line"), [
    (lambda r: r["bids"][0]["adjustments"][0].update(points="1"), "bid a: adjustments.multi-csp.points archived 1, now 2"),
    (lambda r: r["bids"][0]["stages"][1].update(passed=False), "bid a: stages.price.passed archived false, now true"),
    (lambda r: r["bids"][0]["stages"][0].update(score="71.0000"),
     "bid a: stages.technical.score archived 71.0000, now 70.0000"),
    (lambda r: r["bids"][0].update(lot="track-2"), "bid a: lot archived track-2, now track-1"),
    (lambda r: r["bids"][0].update(base_total="89.0000"), "bid a: base_total archived 89.0000, now 88.0000"),
    (lambda r: r["outcome"]["lots"]["track-1"].update(winners=[]), 'lot track-1: winners archived [], now ["a"]'),
    (lambda r: r["outcome"]["lots"]["track-1"].update(tied=["a"]), 'lot track-1: tied archived ["a"], now []'),
    (lambda r: r["outcome"]["rounds"][0].update(outcome="awarded"),
     "round 1: outcome archived awarded, now failed_tender"),
    (lambda r: r["outcome"]["rounds"][1].update(applicants=2), "round 2: applicants archived 2, now 1"),
    (lambda r: r["outcome"]["suitability"][0].update(suitable=False),
     "suitability of a: suitable archived false, now true"),
    (lambda r: r["outcome"]["suitability"][0]["checks"][1].update(passed=False),
     "suitability of a: checks.min_total.passed archived false, now true"),
], ids=["adjustment-points", "stage-passed", "stage-score", "lot", "base-total", "lot-winners", "lot-tied",
        "round-outcome", "round-applicants", "suitable", "suitability-check"])  # fmt: skip
def test_a_changed_0_3_0_field_is_named(edit, line):
    archived = _results_030(_bid_030())
    edit(archived)
    assert changes(*compared(archived, _results_030(_bid_030()))) == [line]


def test_a_lot_stage_or_round_on_one_side_is_one_line():
    archived, now = _results_030(_bid_030()), _results_030(_bid_030())
    del archived["bids"][0]["stages"][1]
    archived["outcome"]["rounds"] = archived["outcome"]["rounds"][1:]
    assert changes(*compared(archived, now)) == ["bid a: stages.price in the re-run only",
                                                 "round 1: in the re-run only"]  # fmt: skip


# -- explain ---------------------------------------------------------------------------------------


@pytest.fixture
def environment(monkeypatch):
    """The current rendering environment, fixed for the test."""
    current = {"lxml": "not installed", "pango": "1.50.12", "weasyprint": "70.0"}
    import bideval.render.environment

    monkeypatch.setattr(bideval.render.environment, "rendering_environment", lambda: dict(current))
    monkeypatch.setattr(explain, "library_versions", lambda: {"weasyprint": "70.0", "orjson": "3.13.0"})
    monkeypatch.setattr(explain, "font_hashes", lambda: {"F.ttf": "1"})
    return current


def test_nothing_differs_nothing_explains(environment):
    manifest = {"bideval": __version__, "environment": dict(environment), "libraries": {"weasyprint": "70.0"},
                "fonts": {"F.ttf": "1"}}  # fmt: skip
    assert explain.explanations(manifest) == []


def test_every_recorded_difference_is_named_once(environment):
    """lxml differs too, but bideval's bytes do not depend on it: it explains nothing."""
    manifest = {"bideval": "0.2.0", "environment": {**environment, "lxml": "5.3.0", "weasyprint": "69.0"},
                "libraries": {"weasyprint": "69.0", "orjson": "3.0"}, "fonts": {"F.ttf": "2"}}  # fmt: skip
    assert explain.explanations(manifest) == [
        f"archived with bideval 0.2.0, re-run with {__version__}",
        "weasyprint: archived 69.0, now 70.0",
        "orjson: archived 3.0, now 3.13.0",  # from `libraries`; weasyprint is not said twice
        "font F.ttf: not the archived file",
    ]


def test_an_archive_without_an_environment_is_explained_by_its_libraries(environment):
    manifest = {"bideval": __version__, "libraries": {"weasyprint": "69.0", "Babel": "1.0"}}
    assert explain.explanations(manifest) == ["weasyprint: archived 69.0, now 70.0"]  # Babel: not recorded now


@pytest.mark.parametrize("version", [None, 3, "1.0'; rm -rf ~", "x" * 100])
def test_advice_never_quotes_an_unsafe_version(version):
    advice = explain.other_version_advice({"bideval": version}, "a.zip")
    assert "pip install" not in advice and "no usable bideval version" in advice


def test_advice_for_this_version_is_none_and_for_another_names_it():
    assert explain.other_version_advice({"bideval": __version__}, "a.zip") is None
    advice = explain.other_version_advice({"bideval": "0.2.0"}, "a.zip")
    assert "`python3 -m venv v && v/bin/pip install 'bideval==0.2.0'`" in advice
    assert advice.endswith("run its `bideval verify a.zip`")
