"""`bideval export ocds` (issue 20): every bundled sample as an OCDS 1.1 release package that the OCDS Data
Review Tool's library (libcoveocds) and the core schema merged with the bids extension both accept
offline, against the copies in tests/ocds/ (OCDS 1.1.5, bids extension v1.1.5)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from libcoveocds.api import ocds_json_output
from libcoveocds.config import LibCoveOCDSConfig

from bideval.cli.export import DEFAULT_PREFIX
from bideval.engine.result_file import load_results
from bideval.render.ocds import BIDS_EXTENSION, DEFAULT_OCID_PREFIX, LOTS_EXTENSION
from tests.conftest import RUBRICS, SAMPLES, run

OCDS = Path(__file__).resolve().parents[1] / "ocds"
STANDARD = OCDS / "standard-1__1__5-schema.zip"
SAMPLE_IDS = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())


def merge_patch(target: object, patch: object) -> object:
    """JSON Merge Patch (RFC 7386): objects merge, a null removes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def merged_release_schema() -> dict:
    with zipfile.ZipFile(STANDARD) as archive:
        core = json.loads(archive.read("standard-1__1__5/schema/release-schema.json"))
    return merge_patch(core, json.loads((OCDS / "bid_extension" / "release-schema.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, tuple[dict, Path]]:
    """Each sample evaluated (results.json) and exported: {sample: (package, results.json)}."""
    packages = {}
    for sample in SAMPLE_IDS:
        folder = tmp_path_factory.mktemp(sample)
        done = run("evaluate", RUBRICS / f"{sample}.yaml", SAMPLES / sample, "--out", folder, "--format", "json")
        assert done.exit_code == 0, done.output
        done = run("export", "ocds", folder / "results.json")
        assert done.exit_code == 0, done.output
        packages[sample] = (json.loads((folder / "ocds.json").read_text(encoding="utf-8")), folder / "results.json")
    return packages


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_libcoveocds_finds_no_error_in_the_package(exported, sample, tmp_path):
    package, _results = exported[sample]
    path = tmp_path / "ocds.json"
    path.write_text(json.dumps(package), encoding="utf-8")
    config = LibCoveOCDSConfig()
    config.config["standard_zip"] = f"file://{STANDARD}"
    config.config["context"] = "api"
    report = ocds_json_output(str(tmp_path / "cove"), str(path), "1.1", convert=False, lib_cove_ocds_config=config)
    assert report["validation_errors"] == []
    assert report["additional_closed_codelist_values"] == {}
    assert report["version_used"] == "1.1"
    # Offline, the declared extensions cannot be fetched (tests/ocds/README.md): the bids one is checked below.
    assert list(report["extensions"]["invalid_extension"]) == package["extensions"]


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_the_release_is_valid_under_the_schema_merged_with_the_bids_extension(exported, sample):
    package, _ = exported[sample]
    validator = Draft4Validator(merged_release_schema())
    for release in package["releases"]:
        assert [e.message for e in validator.iter_errors(release)] == []


def test_the_merged_schema_would_reject_a_bid_status_outside_the_extension(exported):
    """The check above can fail: the bids extension closes `bidStatus`."""
    package, _ = exported["nipa-gpu-2025"]
    release = json.loads(json.dumps(package["releases"][0]))
    release["bids"]["details"][0]["status"] = "eligible"
    assert any("eligible" in e.message for e in Draft4Validator(merged_release_schema()).iter_errors(release))


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_one_award_per_winner_and_one_bid_detail_per_bid(exported, sample):
    package, results = exported[sample]
    result = load_results(results)
    release = package["releases"][0]
    winners = [w for lot in result.outcome.lots.values() for w in lot.winners] if result.rubric.lots \
        else result.outcome.winners  # fmt: skip
    assert sorted(a["relatedBid"] for a in release["awards"]) == sorted(winners)
    assert [d["id"] for d in release["bids"]["details"]] == [b.bidder_id for b in result.bids]
    statuses = {d["id"]: d["status"] for d in release["bids"]["details"]}
    assert all(statuses[b.bidder_id] == ("disqualified" if b.status == "excluded" else "valid") for b in result.bids)
    assert {d["id"]: d["value"]["amount"] for d in release["bids"]["details"]} == {b.bidder_id: b.price for b in result.bids}
    day = f"{result.rubric.evaluation_date.isoformat()}T00:00:00Z"  # from the rubric, never the clock
    assert package["publishedDate"] == release["date"] == day and all(a["date"] == day for a in release["awards"])
    assert package["extensions"] == ([BIDS_EXTENSION, LOTS_EXTENSION] if result.rubric.lots else [BIDS_EXTENSION])


def test_a_negotiated_contract_is_a_pending_award_and_the_consortium_its_tenderers(exported):
    """The SPC sample: rounds 1 and 2 failed (유찰); the sole applicant of round 3, a consortium of six,
    was judged suitable, and the negotiated contract it may sign is recommended, not yet awarded."""
    package, _ = exported["ai-computing-center-spc-2025"]
    release = package["releases"][0]
    assert [(a["relatedBid"], a["status"]) for a in release["awards"]] == [("nuri-ai-center", "pending")]
    assert release["tender"]["status"] == "complete"
    assert release["tender"]["description"].count("\n") == 2  # three rounds, one line each
    members = [p for p in release["parties"] if p["id"].startswith("nuri-ai-center-member-")]
    assert len(members) == 6 and all(p["roles"] == ["tenderer"] for p in members)
    assert sum(p["details"]["share"] for p in members) == pytest.approx(1)
    bid = release["bids"]["details"][0]
    assert [t["id"] for t in bid["tenderers"]] == ["nuri-ai-center"] + [p["id"] for p in members]


def test_lots_are_in_the_tender_and_awards_name_their_lot(exported):
    package, _ = exported["gpu-rental-2025"]
    release = package["releases"][0]
    assert [lot["id"] for lot in release["tender"]["lots"]] == ["track-1", "track-2"]
    assert {a["relatedBid"]: a["relatedLots"] for a in release["awards"]} == {
        "arum-compute": ["track-1"], "haneul-infra": ["track-2"], "dasom-gpu": ["track-2"]}
    per_lot = {s["id"]: s["value"] for s in release["bids"]["statistics"]}
    assert per_lot["bids"] == 7 and per_lot["bids-track-1"] == 3 and per_lot["validBids-track-2"] == 3


def test_the_same_results_give_the_same_bytes(exported, tmp_path):
    _, results = exported["nipa-gpu-2025"]
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert run("export", "ocds", results, "-o", first).exit_code == 0
    assert run("export", "ocds", results, "-o", second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_the_ocid_prefix_is_set_and_checked(exported, tmp_path):
    _, results = exported["kr-negotiated-80-20"]
    assert DEFAULT_PREFIX == DEFAULT_OCID_PREFIX  # the CLI names it without importing the renderer
    assert run("export", "ocds", results, "-o", tmp_path / "x.json", "--ocid-prefix", "ocds-213czf").exit_code == 0
    package = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert package["releases"][0]["ocid"] == "ocds-213czf-kr-negotiated-80-20"
    refused = run("export", "ocds", results, "-o", tmp_path / "y.json", "--ocid-prefix", "OCDS 1")
    assert refused.exit_code == 2 and not (tmp_path / "y.json").exists()


def test_an_existing_file_is_kept_without_force(exported, tmp_path):
    _, results = exported["kr-negotiated-80-20"]
    target = tmp_path / "ocds.json"
    target.write_text("mine", encoding="utf-8")
    done = run("export", "ocds", results, "-o", target)
    assert done.exit_code == 1 and "already exists" in done.output and target.read_text(encoding="utf-8") == "mine"


def test_a_consortium_without_its_bid_file_is_an_error_naming_the_bid(exported, tmp_path):
    _, results = exported["ai-computing-center-spc-2025"]
    alone = tmp_path / "results.json"
    alone.write_bytes(results.read_bytes())  # without the inputs/ folder evaluate writes beside it
    done = run("export", "ocds", alone)
    assert done.exit_code == 1
    assert "bid 'nuri-ai-center' names a consortium" in done.output and not (tmp_path / "ocds.json").exists()


@pytest.mark.parametrize(
    ("leaves", "expected"),
    [([("korean_price", "price"), ("judged", None)], "ratedCriteria"),
     ([("ratio_to_best", "price_per_pflops"), ("linear", "public_gpu_share")], "ratedCriteria"),
     ([("korean_price", "price")], "priceOnly"),
     ([("judged", None), ("boolean", "gpuaas_in_service")], "qualityOnly")],
)  # fmt: skip
def test_award_criteria_follow_what_the_leaves_read(leaves, expected):
    """OCDS awardCriteria codelist: priceOnly (the lowest price wins), qualityOnly (price not evaluated),
    ratedCriteria (weighted criteria such as price and quality)."""
    from types import SimpleNamespace

    from bideval.render.ocds import _award_criteria

    criteria = [SimpleNamespace(method=None, source=None)]  # a parent: read by no rule
    criteria += [SimpleNamespace(method=method, source=source) for method, source in leaves]
    assert _award_criteria(SimpleNamespace(rubric=SimpleNamespace(criteria=criteria))) == expected
