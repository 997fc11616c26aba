"""`bideval verify`: tampering is found and named; describe_difference says where (DESIGN §4)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from importlib import metadata

import pytest

from bideval.audit.verify import describe_difference, verify_archive
from tests.conftest import KR, ROOT, run

RUBRIC, BIDS = KR
OUTPUTS = ("results.json", "report.pdf", "scorecard.xlsx")
STATUSES = {"identical", "rendering", "differs", "missing", "unexpected"}
# every member but manifest.json, known before the archive is built (the parametrize ids)
MEMBERS = ["run.json", *OUTPUTS, f"inputs/rubric/{RUBRIC.name}", "inputs/builtin/gpus.yaml",
           *sorted(f"inputs/bids/{p.relative_to(BIDS).as_posix()}" for p in BIDS.rglob("*") if p.is_file())]  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("verify") / "out"
    result = run("evaluate", *KR, "--out", out, "--archive", "--lang", "en")
    assert result.exit_code == 0, result.output
    return out / "archive.zip"


@pytest.fixture
def archive(built, tmp_path):
    return shutil.copyfile(built, tmp_path / "archive.zip")


# -- helpers ---------------------------------------------------------------------------------------


def read(path):
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def rewrite(path, *, replace=None, remove=(), add=None, manifest=False):
    """Rewrite the zip at `path` in place: same entries, order and dates, some members replaced,
    removed or added; `manifest=True` also rewrites manifest.json's hashes to match (a forger's move)."""
    replace = replace or {}
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        data = {i.filename: z.read(i) for i in infos}
    data.update(replace)
    if manifest:
        listed = json.loads(data["manifest.json"])
        for name in replace:
            listed["files"][name] = hashlib.sha256(replace[name]).hexdigest()
        for name in remove:
            listed["files"].pop(name, None)
        data["manifest.json"] = (json.dumps(listed, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for info in infos:
            if info.filename not in remove:
                z.writestr(info, data[info.filename])
        for name, payload in (add or {}).items():
            z.writestr(name, payload)
    path.write_bytes(buffer.getvalue())


def flip_middle_byte(data: bytes) -> bytes:
    i = len(data) // 2
    return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]


def rows(stdout: str) -> list[tuple[str, str, str]]:
    """(file, status, detail) per row of verify's table, wrapped cells joined."""
    found: list[list[str]] = []
    for line in stdout.splitlines():
        cells = line.split("│")
        if len(cells) != 5:
            continue
        name, status, detail = (c.strip() for c in cells[1:4])
        if status in STATUSES:
            found.append([name, status, detail])
        elif found and not status:  # continuation of a wrapped row
            found[-1][0] += name
            found[-1][2] = f"{found[-1][2]} {detail}".strip()
    return [tuple(r) for r in found]


def status_of(found, name):
    return [status for n, status, _ in found if n == name]


def detail_of(found, name, status="differs"):
    details = [d for n, s, d in found if n == name and s == status]
    assert details, (name, found)
    return " ".join(details)


def not_verified(result):
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    assert "NOT verified" in result.stdout, f"no verdict table; refused with: {result.stderr}"
    return rows(result.stdout)


def refused(result, *words):
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr, result.stderr


# -- tampering -------------------------------------------------------------------------------------


def test_the_parametrized_members_are_the_archive(built):
    assert sorted(read(built)) == sorted([*MEMBERS, "manifest.json"])


@pytest.mark.parametrize("member", MEMBERS)
def test_one_changed_byte_in_a_member_is_named(archive, member):
    """The manifest is left as it was: the member's sha256 no longer matches."""
    rewrite(archive, replace={member: flip_middle_byte(read(archive)[member])})
    found = not_verified(run("verify", archive))
    assert "differs" in status_of(found, member), found
    assert "sha256" in detail_of(found, member)
    untouched = [n for n in MEMBERS if n != member and n not in OUTPUTS and n.startswith("inputs/")]
    assert all(status_of(found, n) == ["identical"] for n in untouched), found


def test_a_changed_run_json_language_is_found(archive):
    """run.json still reads (lang en → ko), so the re-run happens — in Korean — and differs too."""
    members = read(archive)
    changed = members["run.json"].replace(b'"lang": "en"', b'"lang": "ko"')
    assert changed != members["run.json"]
    rewrite(archive, replace={"run.json": changed})
    found = not_verified(run("verify", archive))
    assert status_of(found, "run.json") == ["differs"]
    assert status_of(found, "results.json") == ["identical"]  # the language is not in the results
    assert status_of(found, "report.pdf") == ["differs"]
    assert status_of(found, "scorecard.xlsx") == ["differs"]


def test_a_changed_input_with_a_matching_manifest_changes_the_outputs(archive):
    """A forger rewrites the manifest hash too: the hash row passes, the re-run does not."""
    name = "inputs/bids/alpha-soft.yaml"
    original = read(archive)[name]
    forged = original.replace(b"price: 1000000000", b"price: 1100000000")
    assert forged != original
    rewrite(archive, replace={name: forged}, manifest=True)
    result = run("verify", archive)
    found = not_verified(result)
    assert status_of(found, name) == ["identical"]
    detail = detail_of(found, "results.json")
    # a changed decision: names the bid, the field, the archived and the regenerated value
    assert detail.startswith("the decision changed: bid "), detail
    assert "archived" in detail and "now" in detail and "more, below" in detail, detail
    assert "bid alpha-soft: criteria.price.score archived 18.0000, now 16.3636" in " ".join(result.stdout.split())
    assert status_of(found, "report.pdf") == ["differs"]
    assert "sheet '" in detail_of(found, "scorecard.xlsx")


def test_a_changed_results_json_with_a_matching_manifest_names_the_value(archive):
    members = read(archive)
    results = json.loads(members["results.json"])
    first = results["bids"][0]
    assert first["total"] == "90.0000"
    forged = members["results.json"].replace(b'"total": "90.0000"', b'"total": "99.0000"', 1)
    rewrite(archive, replace={"results.json": forged}, manifest=True)
    found = not_verified(run("verify", archive))
    detail = detail_of(found, "results.json")
    assert detail == "the decision changed: bid alpha-soft: total archived 99.0000, now 90.0000", detail
    assert status_of(found, "results.json") == ["differs"]  # one row: the hash agrees, the re-run does not
    assert status_of(found, "report.pdf") == ["identical"]
    assert status_of(found, "scorecard.xlsx") == ["identical"]


def test_a_changed_scorecard_with_a_matching_manifest_names_the_sheet(archive):
    members = read(archive)
    with zipfile.ZipFile(io.BytesIO(members["scorecard.xlsx"])) as book:
        parts = {i.filename: book.read(i) for i in book.infolist()}
        infos = book.infolist()
    sheets = [p for p in parts if p.startswith("xl/worksheets/sheet")]
    assert "xl/worksheets/sheet4.xml" in sheets
    panel = parts["xl/worksheets/sheet4.xml"]
    assert b"p-01" in panel
    parts["xl/worksheets/sheet4.xml"] = panel.replace(b"p-01", b"p-99", 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for info in infos:
            book.writestr(info, parts[info.filename])
    rewrite(archive, replace={"scorecard.xlsx": buffer.getvalue()}, manifest=True)
    found = not_verified(run("verify", archive))
    # the same version, the same recorded environment, the same decision: nothing explains it
    assert detail_of(found, "scorecard.xlsx") == \
        "differs in: sheet 'Panel'; unexplained: same bideval version and recorded rendering environment"  # fmt: skip
    assert status_of(found, "results.json") == ["identical"]


@pytest.mark.parametrize("member", ["inputs/bids/scores/p-03.yaml", "report.pdf"])
def test_a_removed_member_is_missing(archive, member):
    rewrite(archive, remove={member})
    found = not_verified(run("verify", archive))
    assert "missing" in status_of(found, member), found
    assert "differs" not in status_of(found, member)


def test_an_extra_member_is_unexpected(archive):
    rewrite(archive, add={"notes.txt": b"added after archiving\n"})
    found = not_verified(run("verify", archive))
    assert status_of(found, "notes.txt") == ["unexpected"]
    assert "not listed in the manifest" in detail_of(found, "notes.txt", "unexpected")
    assert {s for n, s, _ in found if n != "notes.txt"} == {"identical"}


@pytest.mark.parametrize(
    "manifest", [b"{not json", b"[1, 2]", b'{"files": ["a"]}', None], ids=["garbage", "list", "no-files-map", "absent"]
)
def test_an_unreadable_manifest_is_refused(archive, tmp_path, manifest):
    if manifest is None:
        rewrite(archive, remove={"manifest.json"})
    else:
        rewrite(archive, replace={"manifest.json": manifest})
    refused(run("verify", archive), "manifest.json", "not a bideval archive")


@pytest.mark.parametrize("libraries", [["weasyprint"], "weasyprint"], ids=["list", "string"])
def test_a_malformed_libraries_record_is_not_a_crash(archive, libraries):
    """The manifest is untrusted input: a `libraries` that is not a mapping must not raise."""
    listed = json.loads(read(archive)["manifest.json"])
    listed["libraries"] = libraries
    rewrite(archive, replace={"manifest.json": json.dumps(listed).encode()})
    result = run("verify", archive)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output


def test_a_manifest_from_other_versions_is_noted(archive):
    """Not a failure by itself, but said; it never excuses a changed decision."""
    members = read(archive)
    listed = json.loads(members["manifest.json"])
    listed["libraries"]["weasyprint"] = "0.0-archived"
    listed["bideval"] = "0.0.0-archived"
    forged_results = members["results.json"].replace(b'"total": "90.0000"', b'"total": "91.0000"', 1)
    listed["files"]["results.json"] = hashlib.sha256(forged_results).hexdigest()
    manifest = (json.dumps(listed, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    rewrite(archive, replace={"manifest.json": manifest, "results.json": forged_results})
    result = run("verify", archive)
    not_verified(result)
    text = " ".join(result.stdout.split())
    assert f"weasyprint: archived 0.0-archived, now {metadata.version('weasyprint')}" in text
    assert "archived with bideval 0.0.0-archived, re-run with" in text
    assert "bid alpha-soft: total archived 91.0000, now 90.0000" in text
    assert "NOT verified: the decision changed" in text


def _forge_run(archive, change, remove=()):
    """Rewrite run.json (and the manifest to match it, as a forger would)."""
    members = read(archive)
    run_json = json.loads(members["run.json"])
    change(run_json)
    payload = (json.dumps(run_json, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    rewrite(archive, replace={"run.json": payload}, remove=set(remove), manifest=True)


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.update(formats=["json", "docx"]),
        lambda r: r.update(formats="json"),
        lambda r: r.update(lang="fr"),
        lambda r: r.pop("rubric"),
        lambda r: r.update(analysis={"bogus": 1}),
    ],
    ids=["unknown-format", "formats-not-a-list", "unknown-lang", "no-rubric", "unknown-analysis-setting"],
)
def test_a_forged_run_json_is_reported_not_a_crash(archive, change):
    """run.json comes from the archive: untrusted. A bad one is a message naming it, never a traceback."""
    _forge_run(archive, change)
    result = run("verify", archive)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "run.json" in result.output


@pytest.mark.parametrize("where", ["absolute", "dotdot"])
def test_the_rerun_never_reads_inputs_from_outside_the_archive(archive, tmp_path, monkeypatch, where):
    """An archive holding no inputs, whose run.json points at the verifying machine's own copy of
    the sample, must not verify: the re-run is from the archived inputs only."""
    import os
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # verify's work folder: scratch/<random>/
    if where == "absolute":  # no inputs at all in the archive
        paths = {"rubric": str(RUBRIC), "bids": str(BIDS)}
        gone = "inputs/"
    else:  # the archived rubric, but the bids climb out of the work folder to the host's copy
        paths = {"bids": f"inputs/rubric/../../../{os.path.relpath(BIDS, scratch)}"}
        gone = "inputs/bids/"
    _forge_run(archive, lambda r: r.update(paths), remove={n for n in read(archive) if n.startswith(gone)})
    assert not any(n.startswith(gone) for n in read(archive))
    result = run("verify", archive)
    assert result.exit_code == 1, result.output
    assert "verified: every file identical" not in result.stdout


def test_a_missing_archive_file_is_refused(tmp_path):
    refused(run("verify", tmp_path / "nowhere.zip"), "nowhere.zip")


# -- describe_difference ---------------------------------------------------------------------------


def _json(value) -> bytes:
    return json.dumps(value, sort_keys=True).encode()


def test_json_difference_names_the_path_and_both_values():
    archived = _json({"bids": [{"id": "a", "total": "90.0000"}, {"id": "b", "total": "80.0000"}], "x": 1})
    produced = _json({"bids": [{"id": "a", "total": "90.0000"}, {"id": "b", "total": "81.0000"}], "x": 1})
    assert describe_difference("json", archived, produced) == "bids[1].total: archived '80.0000', now '81.0000'"


def test_json_difference_marks_absent_values_and_counts_the_rest():
    archived = _json({"a": {"k0": 0}, **{f"z{i}": i for i in range(7)}})
    produced = _json({"a": {"k1": 1}, **{f"z{i}": i + 1 for i in range(7)}})
    text = describe_difference("json", archived, produced)
    # changed values first, then what one side has alone; 9 differing paths, 5 shown
    assert text == ("z0: archived 0, now 1; z1: archived 1, now 2; z2: archived 2, now 3; z3: archived 3, now 4; "
                    "z4: archived 4, now 5 (+4 more: 2 changed, 1 only in the re-run, 1 only in the archive)")
    few = describe_difference("json", _json({"a": {"k0": 0}, "z": 1}), _json({"a": {"k1": 1}, "z": 2}))
    assert few == "z: archived 1, now 2; a.k0: archived 0, now '∅'; a.k1: archived '∅', now 1"


def test_json_difference_same_values_other_bytes():
    assert describe_difference("json", b'{"a": 1}', b'{"a":1}') == "same values, different bytes (formatting)"


def test_damaged_json_falls_back_to_bytes():
    text = describe_difference("json", b'{"a": 1', b'{"a": 2}')
    assert text == "unreadable for comparison (JSONDecodeError); first differing byte at offset 6 (sizes 7 and 8)"


def _workbook(panel_value: str, styles: bytes = b"<styleSheet/>") -> bytes:
    """A minimal xlsx-shaped zip: the workbook part lists two sheets in order."""
    workbook = (b'<workbook><sheets><sheet name="Summary" sheetId="1" r:id="rId1"/>'
                b'<sheet name="Panel" sheetId="2" r:id="rId2"/></sheets></workbook>')  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("xl/workbook.xml", workbook)
        book.writestr("xl/styles.xml", styles)
        book.writestr("xl/worksheets/sheet1.xml", b"<worksheet>summary</worksheet>")
        book.writestr("xl/worksheets/sheet2.xml", f"<worksheet>{panel_value}</worksheet>".encode())
    return buffer.getvalue()


def test_xlsx_difference_names_the_sheet():
    assert describe_difference("xlsx", _workbook("1"), _workbook("2")) == "differs in: sheet 'Panel'"
    assert describe_difference("xlsx", _workbook("1"), _workbook("2", b"<styleSheet x='1'/>")) == \
        "differs in: xl/styles.xml, sheet 'Panel'"  # fmt: skip


def test_xlsx_difference_same_parts_other_zip_bytes():
    one = _workbook("1")
    assert describe_difference("xlsx", one, one + b"trailing") == "same parts, different zip bytes"


def test_damaged_xlsx_falls_back_to_bytes():
    text = describe_difference("xlsx", b"PK-not-really", b"PK-not-at-all")
    assert text.startswith("unreadable for comparison (BadZipFile); first differing byte at offset 7")


def test_pdf_difference_counts_pages():
    from pypdf import PdfWriter

    def pdf(pages: int) -> bytes:
        writer = PdfWriter()
        for _ in range(pages):
            writer.add_blank_page(width=100, height=100)
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    assert describe_difference("pdf", pdf(1), pdf(2)) == "1 pages archived, 2 now"


def test_bytes_fallback_names_the_first_differing_offset():
    assert describe_difference("bin", b"abcdef", b"abXdef") == "first differing byte at offset 2 (sizes 6 and 6)"
    assert describe_difference("bin", b"abc", b"abcd") == "first differing byte at offset 3 (sizes 3 and 4)"
    big = bytes(5000)
    assert describe_difference("bin", big, big[:1234] + b"\x01" + big[1235:]) == \
        "first differing byte at offset 1,234 (sizes 5,000 and 5,000)"  # fmt: skip


# -- the procedures of issue 18 (stages, bonus points, rounds, lots): archive and verify end to end --

SPC = (ROOT / "rubrics" / "ai-computing-center-spc-2025.yaml", ROOT / "sample_bids" / "ai-computing-center-spc-2025")
RENTAL = (ROOT / "rubrics" / "gpu-rental-2025.yaml", ROOT / "sample_bids" / "gpu-rental-2025")
PROCEDURES = {"spc": SPC, "rental": RENTAL}


@pytest.mark.parametrize("sample", PROCEDURES, ids=list(PROCEDURES))
def test_archive_and_verify_a_procedure_sample_end_to_end(sample, tmp_path):
    """`evaluate` (every format), then `bideval archive`, then `bideval verify`: every file identical."""
    out = tmp_path / "out"
    done = run("evaluate", *PROCEDURES[sample], "--out", out, "--lang", "en")
    assert done.exit_code == 0, done.output
    archived = run("archive", out, "--to", tmp_path / "kept.zip")
    assert archived.exit_code == 0, archived.output
    verified = run("verify", tmp_path / "kept.zip")
    assert verified.exit_code == 0, verified.output
    found = rows(verified.stdout)
    assert {status for _, status, _ in found} == {"identical"}
    assert {name for name, _, _ in found} >= {*OUTPUTS, "run.json", f"inputs/rubric/{PROCEDURES[sample][0].name}"}
    assert "verified: every file identical" in verified.stdout


@pytest.fixture(scope="module")
def procedure_archives(tmp_path_factory) -> dict:
    """An archive (results.json only, for speed) of each procedure sample, written by this version."""
    archives = {}
    for name, sample in PROCEDURES.items():
        out = tmp_path_factory.mktemp(name) / "out"
        done = run("evaluate", *sample, "--out", out, "--archive", "--format", "json")
        assert done.exit_code == 0, done.output
        archives[name] = out / "archive.zip"
    return archives


def _nuri(results):
    return next(b for b in results["bids"] if b["bidder_id"] == "nuri-ai-center")


def _bonus_points(results):
    assert next(a for a in _nuri(results)["adjustments"] if a["id"] == "multi-csp")["points"] == "2"
    next(a for a in _nuri(results)["adjustments"] if a["id"] == "multi-csp")["points"] = "3"


def _stage_failed(results):
    stage = next(s for s in _nuri(results)["stages"] if s["id"] == "financial")
    assert stage["passed"] is True
    stage["passed"] = False


def _suitability(results):
    check = next(c for c in results["outcome"]["suitability"][0]["checks"] if c["id"] == "min_total")
    check["passed"] = False


def _round_outcome(results):
    results["outcome"]["rounds"][1]["outcome"] = "awarded"


def _lot_winners(results):
    lot = results["outcome"]["lots"]["track-2"]
    assert lot["winners"] == ["haneul-infra", "dasom-gpu"]
    lot["winners"] = ["haneul-infra", "nanum-ai"]


def _bid_lot(results):
    next(b for b in results["bids"] if b["bidder_id"] == "nanum-ai")["lot"] = "track-1"


def _base_total_removed(results):
    del next(b for b in results["bids"] if b["bidder_id"] == "arum-compute")["base_total"]


DOCTORED_030 = {
    "bonus-points": ("spc", _bonus_points, "bid nuri-ai-center: adjustments.multi-csp.points archived 3, now 2"),
    "stage-passed": ("spc", _stage_failed, "bid nuri-ai-center: stages.financial.passed archived false, now true"),
    "suitability": ("spc", _suitability,
                    "suitability of nuri-ai-center: checks.min_total.passed archived false, now true"),
    "round-outcome": ("spc", _round_outcome, "round 2: outcome archived awarded, now failed_tender"),
    "lot-winners": ("rental", _lot_winners,
                    'lot track-2: winners archived ["haneul-infra", "nanum-ai"], now ["haneul-infra", "dasom-gpu"]'),
    "bid-lot": ("rental", _bid_lot, "bid nanum-ai: lot archived track-1, now track-2"),
    # written by 0.3.0, a field it always writes cannot be missing: no allowance for old archives
    "base-total-removed": ("rental", _base_total_removed, "bid arum-compute: base_total archived null, now 92.0731"),
}


@pytest.mark.parametrize("case", DOCTORED_030, ids=list(DOCTORED_030))
def test_a_doctored_procedure_field_in_a_0_3_0_archive_is_named(procedure_archives, tmp_path, case):
    from tests.audit.test_old_archives import doctor, results_change

    sample, edit, line = DOCTORED_030[case]
    archive = doctor(procedure_archives[sample], tmp_path / "a.zip", "results.json", results_change(edit))
    verdict = verify_archive(archive)
    assert not verdict.ok and verdict.decision == [line]
    assert {c.name: c.status for c in verdict.checks}["results.json"] == "differs"


def test_a_doctored_lot_winner_is_named_by_the_cli(procedure_archives, tmp_path):
    from tests.audit.test_old_archives import doctor, results_change

    archive = doctor(procedure_archives["rental"], tmp_path / "a.zip", "results.json", results_change(_lot_winners))
    found = not_verified(run("verify", archive))
    assert detail_of(found, "results.json") == f"the decision changed: {DOCTORED_030['lot-winners'][2]}"


def test_an_archive_of_0_2_0_verifies_as_the_same_decision():
    """It has none of the fields 0.3.0 added; the re-run writes one round and base_total = total."""
    from tests.audit.test_old_archives import KR_020, NIPA_020

    for archive in (KR_020, NIPA_020):
        verdict = verify_archive(archive)
        assert verdict.decision == [] and verdict.ok, verdict


def test_an_archive_of_0_2_0_claiming_0_3_0_gets_no_allowance(tmp_path):
    """The rule goes by the archived results.json's tool_version: said to be 0.3.0, the fields it lacks differ."""
    from tests.audit.test_old_archives import KR_020, doctor, results_change

    def claim(results):
        results["tool_version"] = "0.3.0"

    verdict = verify_archive(doctor(KR_020, tmp_path / "a.zip", "results.json", results_change(claim)))
    assert not verdict.ok
    assert "bid alpha-soft: base_total archived null, now 90.0000" in verdict.decision
    assert "round 1: in the re-run only" in verdict.decision
