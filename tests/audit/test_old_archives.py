"""Archives written by released versions verify under the installed one (issue 17): the decision
must be identical, and every rendering difference explained by the version or environment."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from bideval import __version__
from bideval.audit.verify import verify_archive
from bideval.render.reproducible_zip import deterministic_zip
from tests.audit.test_verify import rows
from tests.conftest import KR, ROOT, run

ARCHIVES = sorted((ROOT / "tests" / "archives").glob("*/*.zip"))
NIPA_020 = ROOT / "tests" / "archives" / "0.2.0" / "nipa-gpu-2025.zip"
KR_020 = ROOT / "tests" / "archives" / "0.2.0" / "kr-negotiated-80-20.zip"
OUTPUTS = ("results.json", "report.pdf", "scorecard.xlsx")


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def _canonical(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def doctor(source: Path, target: Path, name: str, change, manifest=None) -> Path:
    """Copy `source` to `target` with member `name` changed (`change(bytes) -> bytes`) and its
    hash rewritten in the manifest, so the hash checks pass; `manifest(dict)` edits the manifest."""
    members = _members(source)
    members[name] = change(members[name])
    listed = json.loads(members["manifest.json"])
    listed["files"][name] = hashlib.sha256(members[name]).hexdigest()
    if manifest is not None:
        manifest(listed)
    members["manifest.json"] = _canonical(listed)
    day = date.fromisoformat(json.loads(members["results.json"])["rubric"]["evaluation_date"])
    target.write_bytes(deterministic_zip(members, day))
    return target


def results_change(edit):
    """A `change` for results.json: edit the parsed document, write it back as bideval does."""

    def change(data: bytes) -> bytes:
        results = json.loads(data)
        edit(results)
        return _canonical(results)

    return change


# -- every kept archive verifies -------------------------------------------------------------------


@pytest.mark.parametrize("archive", ARCHIVES, ids=[f"{p.parent.name}/{p.stem}" for p in ARCHIVES])
def test_every_kept_archive_verifies_with_the_same_decision(archive):
    verdict = verify_archive(archive)
    statuses = {c.name: c.status for c in verdict.checks}
    assert verdict.ok, verdict
    assert verdict.decision == []
    assert all(statuses[n] == "identical" for n in statuses if n not in OUTPUTS), statuses
    written_by = archive.parent.name
    if written_by == __version__:
        # The same bytes, unless a library that shapes them is another version here (a fresh install
        # gets the newest fontTools): verify then names it; an unexplained difference fails above.
        assert {statuses[n] for n in OUTPUTS} <= {"identical", "rendering"}
        assert all("explained: " in c.detail and "archived with bideval" not in c.detail for c in verdict.rendering)
        return
    assert {statuses[n] for n in OUTPUTS} <= {"identical", "rendering"}
    for check in verdict.rendering:
        assert f"explained: archived with bideval {written_by}, re-run with {__version__}" in check.detail
    if statuses["results.json"] == "rendering":
        detail = next(c.detail for c in verdict.checks if c.name == "results.json")
        assert detail.startswith("same decision; other fields differ: tool_version: "), detail


def test_kept_archives_verify_with_lxml_hidden(tmp_path):
    """openpyxl writes through lxml when it can import it: with or without it, the same verdict."""
    script = ("import sys; sys.modules['lxml'] = None\n"
              "from pathlib import Path\nfrom bideval.audit.verify import verify_archive\n"
              "bad = [a for a in sys.argv[1:] if not verify_archive(Path(a)).ok]\n"
              "print('not verified:', bad) if bad else print('all verified')")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", script, *map(str, ARCHIVES)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "all verified", done.stdout


def test_cli_verifies_an_old_archive_and_explains_the_rendering():
    result = run("verify", KR_020)
    assert result.exit_code == 0, result.output
    found = {name: (status, detail) for name, status, detail in rows(result.stdout)}
    for name in OUTPUTS:
        assert found[name][0] == "rendering", found
        # first the version; then any library this machine has in another version (fontTools, say)
        assert f"; explained: archived with bideval 0.2.0, re-run with {__version__}" in found[name][1]
    assert found["results.json"][1].startswith("same decision; other fields differ: tool_version: archived '0.2.0'")
    text = " ".join(result.stdout.split())
    assert "verified: the decision is identical; 3 outputs differ in rendering only (explained above)" in text


# -- a doctored old archive: the decision changed, named -------------------------------------------


def _first_leaf(results):
    """The first bid's first criterion with inputs of its own (a leaf, scored from the bid)."""
    bid = results["bids"][0]
    return bid, next(c for c in bid["criteria"] if c["inputs"])


def _leaf_score(results):
    _first_leaf(results)[1]["score"] = "15.0000"


def _rank(results):
    results["bids"][0]["rank"] = 2


def _status(results):
    next(b for b in results["bids"] if b["bidder_id"] == "jangteo-market")["status"] = "eligible"


def _winners(results):
    results["outcome"]["winners"] = list(reversed(results["outcome"]["winners"]))


def _panel_mean(results):
    bid = results["bids"][0]
    next(c for c in bid["criteria"] if c["panel"])["panel"]["mean"] = "99.0000"


def _dropped_bid(results):
    results["bids"] = [b for b in results["bids"] if b["bidder_id"] != "jangteo-market"]


DOCTORED = {
    "leaf-score": (_leaf_score, "bid hanbit-cloud: criteria.price-performance.score archived 15.0000, now 14.7321"),
    "rank": (_rank, "bid hanbit-cloud: rank archived 2, now 1"),
    "status": (_status, "bid jangteo-market: status archived eligible, now excluded"),
    "outcome": (
        _winners,
        (
            'outcome: winners archived ["saebyeok-tech", "gaon-ai", "hanbit-cloud"], '
            'now ["hanbit-cloud", "gaon-ai", "saebyeok-tech"]'
        ),
    ),
    "panel-mean": (_panel_mean, "bid hanbit-cloud: criteria.build-quality.panel.mean archived 99.0000, now 90.6000"),
    "dropped-bid": (_dropped_bid, "bid jangteo-market: in the re-run only"),
}


def test_the_first_leaf_is_the_one_named():
    results = json.loads(_members(NIPA_020)["results.json"])
    bid, leaf = _first_leaf(results)
    assert (bid["bidder_id"], leaf["id"], leaf["score"]) == ("hanbit-cloud", "price-performance", "14.7321")


def test_a_doctored_leaf_score_in_an_old_archive_is_named(tmp_path):
    archive = doctor(NIPA_020, tmp_path / "a.zip", "results.json", results_change(_leaf_score))
    result = run("verify", archive)
    assert result.exit_code == 1, result.output
    found = rows(result.stdout)
    named = DOCTORED["leaf-score"][1]
    assert ("results.json", "differs", f"the decision changed: {named}") in found
    assert {s for n, s, _ in found if n.startswith("inputs/")} == {"identical"}  # the hash checks pass
    assert "rendering" not in {s for _, s, _ in found}  # a changed decision explains nothing away
    text = " ".join(result.stdout.split())
    assert f"the decision changed (1 difference): {named} NOT verified: the decision changed" in text


@pytest.mark.parametrize("cases", [[c for c in DOCTORED if c != "dropped-bid"], ["dropped-bid"]],
                         ids=["every-field-at-once", "dropped-bid"])  # fmt: skip
def test_every_doctored_decision_field_is_named(tmp_path, cases):
    """Each change is one line naming the bid and the field (a dropped bid: one line for it all)."""

    def edit(results):
        for case in cases:
            DOCTORED[case][0](results)

    verdict = verify_archive(doctor(NIPA_020, tmp_path / "a.zip", "results.json", results_change(edit)))
    assert not verdict.ok
    assert sorted(verdict.decision) == sorted(DOCTORED[c][1] for c in cases)
    statuses = {c.name: c.status for c in verdict.checks}
    assert statuses["results.json"] == "differs"


# -- inputs this version cannot read ---------------------------------------------------------------


def _future_rubric(data: bytes) -> bytes:
    return data.replace(b"schema: bideval/rubric/v1", b"schema: bideval/rubric/v9", 1)


def test_inputs_of_another_version_that_do_not_load_say_how_to_verify(tmp_path):
    archive = doctor(NIPA_020, tmp_path / "a.zip", "inputs/rubric/nipa-gpu-2025.yaml", _future_rubric)
    verdict = verify_archive(archive)
    assert not verdict.ok and verdict.decision is None
    row = next(c for c in verdict.checks if c.name == "evaluation")
    assert row.status == "differs"
    assert row.detail.startswith(f"bideval {__version__} cannot read the archived inputs: inputs/rubric/nipa-gpu-2025.")
    assert "bideval-verify-" not in row.detail  # the member's name, not the temporary folder's
    advice = " ".join(verdict.notes)
    assert "the archive was written by bideval 0.2.0" in advice
    assert "install bideval 0.2.0 in a fresh virtual environment" in advice
    assert "pip install 'bideval==0.2.0'" in advice and f"bideval verify {archive}`" in advice
    assert f"archived with bideval 0.2.0, re-run with {__version__}" in verdict.notes


def test_inputs_of_this_version_that_do_not_load_are_reported_as_before(tmp_path):
    out = tmp_path / "out"
    assert run("evaluate", *KR, "--out", out, "--archive", "--format", "json").exit_code == 0
    name = f"inputs/rubric/{KR[0].name}"
    archive = doctor(out / "archive.zip", tmp_path / "a.zip", name, _future_rubric)
    verdict = verify_archive(archive)
    assert not verdict.ok
    row = next(c for c in verdict.checks if c.name == "evaluation")
    assert row.detail.startswith(f"the archived inputs no longer evaluate: {name}"), row.detail
    assert not any("install bideval" in note for note in verdict.notes)


# -- the same version: only a recorded difference explains other bytes -----------------------------


@pytest.fixture(scope="module")
def json_archive(tmp_path_factory):
    """A KR archive of this version, results.json only (fast)."""
    out = tmp_path_factory.mktemp("same") / "out"
    assert run("evaluate", *KR, "--out", out, "--archive", "--format", "json").exit_code == 0
    return out / "archive.zip"


def _renamed(results):
    results["bids"][0]["name"]["en"] = "Alpha Soft Ltd"  # not part of the decision


def test_other_bytes_with_nothing_to_explain_them_differ(json_archive, tmp_path):
    archive = doctor(json_archive, tmp_path / "a.zip", "results.json", results_change(_renamed))
    verdict = verify_archive(archive)
    assert not verdict.ok and verdict.decision == []
    row = next(c for c in verdict.checks if c.name == "results.json")
    assert row.status == "differs"
    assert row.detail == (
        "same decision; other fields differ: bids[0].name.en: archived 'Alpha Soft Ltd', now "
        "'Alpha Soft'; unexplained: same bideval version and recorded rendering environment"
    )


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda m: m["environment"].update(pango="1.48.0"), "pango: archived 1.48.0, now "),
        (lambda m: m["environment"].pop("pango"), "pango: archived not recorded, now "),
        (lambda m: m.update(bideval="0.2.9"), f"archived with bideval 0.2.9, re-run with {__version__}"),
        (lambda m: m["fonts"].update({"BidevalGothic-Regular.ttf": "0" * 64}), "font BidevalGothic-Regular.ttf: not the archived file"),
    ],
    ids=["environment-entry", "environment-entry-absent", "version", "font"],
)
def test_a_recorded_difference_explains_other_bytes(json_archive, tmp_path, edit, reason):
    """A different version, Pango, or font explains bytes that differ with the same decision."""
    archive = doctor(json_archive, tmp_path / "a.zip", "results.json", results_change(_renamed), manifest=edit)
    verdict = verify_archive(archive)
    assert verdict.ok and verdict.decision == []
    row = next(c for c in verdict.checks if c.name == "results.json")
    assert row.status == "rendering"
    assert f"; explained: {reason}" in row.detail, row.detail


def test_an_optional_library_the_bytes_do_not_depend_on_explains_nothing(json_archive, tmp_path):
    """lxml and HarfBuzz-subset are recorded, but bideval's outputs are the same with or without
    them: a difference in them leaves other bytes unexplained."""

    def edit(manifest: dict) -> None:
        manifest["environment"].update({"lxml": "5.3.0", "harfbuzz-subset": "not available"})

    archive = doctor(json_archive, tmp_path / "a.zip", "results.json", results_change(_renamed), manifest=edit)
    verdict = verify_archive(archive)
    row = next(c for c in verdict.checks if c.name == "results.json")
    assert not verdict.ok and row.status == "differs"
