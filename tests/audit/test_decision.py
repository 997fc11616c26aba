"""The decision read from results.json as plain JSON, and what can explain other bytes (issue 17)."""

from __future__ import annotations

import json

import pytest

from bideval import __version__
from bideval.audit import explain
from bideval.audit.decision import changes, decision, limited
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
        "outcome.kind": "awarded",
        "outcome.winners": '["a"]',
        "outcome.tied": "[]",
        "outcome.valid_bids": "1",
    }  # no tool_version, name, inputs or technical.maximum: they decide nothing


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
