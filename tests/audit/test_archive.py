"""archive.zip: what `evaluate --archive` and `bideval archive` write (DESIGN §4)."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import zipfile
from datetime import date
from importlib import metadata

import pytest
import yaml

import bideval
from bideval.audit.archive import FONTS
from tests.conftest import KR, run

RUBRIC, BIDS = KR
OUTPUTS = ["results.json", "report.pdf", "scorecard.xlsx"]


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    """One KR evaluation with --archive (rendering the PDF is the slow part: do it once)."""
    out = tmp_path_factory.mktemp("archive") / "out"
    result = run("evaluate", *KR, "--out", out, "--archive", "--lang", "en")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def out_dir(evaluated, tmp_path):
    """A private copy of the evaluated folder."""
    return shutil.copytree(evaluated, tmp_path / "out")


def _members(path):
    with zipfile.ZipFile(path) as archive:
        return archive.infolist(), {i.filename: archive.read(i) for i in archive.infolist()}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _refused(result, *words):
    """Exit 1 through the CLI's own error path: a message, no traceback."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr, result.stderr


def test_evaluate_archive_then_verify_is_identical_on_every_row(evaluated):
    result = run("verify", evaluated / "archive.zip")
    assert result.exit_code == 0, result.output
    rows = [line.split("│") for line in result.stdout.splitlines() if line.startswith("│")]
    named = {cells[1].strip(): cells[2].strip() for cells in rows if cells[1].strip()}
    _, members = _members(evaluated / "archive.zip")
    assert set(named) == set(members) - {"manifest.json"}  # a row for every archived file
    assert set(named.values()) == {"identical"}
    assert "verified: every file identical" in result.stdout


def test_archive_command_is_byte_identical_twice_and_matches_evaluate(out_dir, tmp_path):
    first, second = tmp_path / "a.zip", tmp_path / "deeper" / "b.zip"
    assert run("archive", out_dir, "--to", first).exit_code == 0
    # file times must not leak into the zip: touch everything before the second run
    for path in out_dir.rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    result = run("archive", out_dir, "--to", second)
    assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() == (out_dir / "archive.zip").read_bytes()


def test_archive_members_and_order(evaluated):
    infos, members = _members(evaluated / "archive.zip")
    names = [i.filename for i in infos]
    assert names[0] == "manifest.json"
    assert names[1:5] == ["run.json", *OUTPUTS]
    assert f"inputs/rubric/{RUBRIC.name}" in names
    assert members[f"inputs/rubric/{RUBRIC.name}"] == RUBRIC.read_bytes()
    sample = {p.relative_to(BIDS).as_posix(): p.read_bytes() for p in BIDS.rglob("*") if p.is_file()}
    assert any(n.startswith("scores/") for n in sample)
    archived = {n.removeprefix("inputs/bids/"): d for n, d in members.items() if n.startswith("inputs/bids/")}
    assert archived == sample  # every bid and score file, byte for byte, under inputs/bids/ and inputs/bids/scores/
    assert len(names) == len(set(names))
    run_json = json.loads(members["run.json"])
    assert run_json["lang"] == "en" and run_json["formats"] == ["json", "pdf", "xlsx"]
    assert run_json["rubric"] == f"inputs/rubric/{RUBRIC.name}" and run_json["bids"] == "inputs/bids"
    for name in OUTPUTS:
        assert members[name] == (evaluated / name).read_bytes()


def test_manifest_hashes_every_member_and_records_versions(evaluated):
    _, members = _members(evaluated / "archive.zip")
    manifest = json.loads(members["manifest.json"])
    assert manifest["files"] == {n: _sha256(d) for n, d in members.items() if n != "manifest.json"}
    assert manifest["bideval"] == bideval.__version__
    assert manifest["python"] == platform.python_version()
    for library in ("weasyprint", "pydyf", "openpyxl", "jinja2", "pydantic"):
        assert manifest["libraries"][library] == metadata.version(library)
    # issue 17: the rendering environment, beside `libraries` (kept as it was, for older verifiers)
    from bideval.render.environment import rendering_environment

    assert manifest["environment"] == rendering_environment()
    assert {"weasyprint", "fonttools", "openpyxl", "lxml", "pdf_font_subsetter"} <= set(manifest["environment"])
    fonts = sorted(FONTS.glob("*.ttf"))
    assert fonts, "the package bundles its fonts"
    assert manifest["fonts"] == {p.name: _sha256(p.read_bytes()) for p in fonts}
    assert manifest["lang"] == "en" and manifest["formats"] == ["json", "pdf", "xlsx"]
    # canonical JSON: sorted keys, so the same inputs give the same manifest bytes
    assert members["manifest.json"] == (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
                                        + "\n").encode("utf-8")  # fmt: skip


def test_manifest_records_the_schema_of_each_input_kind_read(evaluated):
    """Issue 18 §8: which schema versions the archived inputs were written in, one entry per kind read
    (the KR sample has rubric, bids and scores; the built-in catalog is read and archived too)."""
    _, members = _members(evaluated / "archive.zip")
    assert json.loads(members["manifest.json"])["schemas"] == {
        "bid": "bideval/bid/v1", "catalog": "bideval/catalog/v1", "rubric": "bideval/rubric/v1",
        "scores": "bideval/scores/v1"}  # fmt: skip


def test_schemas_read_names_disagreeing_files_sorted_and_reads_json_and_quoted_lines():
    from bideval.audit.archive import schemas_read

    files = {
        "inputs/rubric/r.json": b'{"title": "schema: x", "schema": "bideval/rubric/v1"}',
        "inputs/bids/b.yaml": b'# note\nschema: "bideval/bid/v2"\n',
        "inputs/bids/a.yaml": b"schema: bideval/bid/v1  # written by hand\nbidder: {}\n",
        "inputs/bids/scores/e.yaml": b"\xef\xbb\xbfschema: bideval/scores/v1\n",
        "run.json": b'{"schema": "bideval/run/v1"}',
        "results.json": b'{"schema": "bideval/results/v1"}',
    }
    assert schemas_read(files) == {"bid": ["bideval/bid/v1", "bideval/bid/v2"], "rubric": "bideval/rubric/v1",
                                   "scores": "bideval/scores/v1"}  # fmt: skip


def test_every_entry_is_dated_the_evaluation_date(evaluated):
    day = yaml.safe_load(RUBRIC.read_text(encoding="utf-8"))["evaluation_date"]
    day = day if isinstance(day, date) else date.fromisoformat(day)
    infos, _ = _members(evaluated / "archive.zip")
    assert {i.date_time for i in infos} == {(day.year, day.month, day.day, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o600}  # fixed permissions, never a link


def test_archive_of_a_folder_without_run_json_is_refused(out_dir, tmp_path):
    (out_dir / "run.json").unlink()
    target = tmp_path / "x.zip"
    result = run("archive", out_dir, "--to", target)
    _refused(result, "run.json", "bideval evaluate")
    assert not target.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    _refused(run("archive", empty), "run.json")
    assert list(empty.iterdir()) == []


def test_archive_of_a_folder_missing_an_output_names_it(out_dir, tmp_path):
    (out_dir / "report.pdf").unlink()
    target = tmp_path / "x.zip"
    _refused(run("archive", out_dir, "--to", target), "missing report.pdf")
    assert not target.exists()


def test_archive_never_writes_what_verify_would_refuse(out_dir, tmp_path, monkeypatch):
    """verify refuses archives with too many or too large members (zip bombs); archive checks
    the same limits first. The KR evaluation's archive has 19 members, report.pdf the largest:
    with room for 18 members and no member over 1,000 bytes, both are named and nothing is
    written; with room for exactly 19 and the real size limits, it is written and verifies."""
    from bideval.audit import zipfiles

    count = len(_members(out_dir / "archive.zip")[0])
    assert count == 19
    monkeypatch.setattr(zipfiles, "MAX_MEMBERS", count - 1)
    monkeypatch.setattr(zipfiles, "MAX_MEMBER_BYTES", 1000)
    target = tmp_path / "x.zip"
    _refused(run("archive", out_dir, "--to", target), f"{count:,} files; an archive may hold at most {count - 1:,}",
             "report.pdf is ", "an archive member may hold at most 1,000")  # fmt: skip
    assert not target.exists()
    monkeypatch.setattr(zipfiles, "MAX_MEMBERS", count)
    monkeypatch.setattr(zipfiles, "MAX_MEMBER_BYTES", 100 * 1024 * 1024)
    assert run("archive", out_dir, "--to", target).exit_code == 0
    assert run("verify", target).exit_code == 0


def test_archive_refuses_to_overwrite_without_force(out_dir):
    target = out_dir / "archive.zip"
    target.write_bytes(b"keep me")
    _refused(run("archive", out_dir), "already exists", "--force")
    assert target.read_bytes() == b"keep me"
    result = run("archive", out_dir, "--force")
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(target)


def test_a_custom_catalog_is_archived_and_used_when_verifying(tmp_path):
    """NIPA with a catalog overriding the B200's BF16 figure, JSON only (no PDF: fast)."""
    from tests.conftest import NIPA

    catalog = tmp_path / "mycat.yaml"
    catalog.write_text("schema: bideval/catalog/v1\ngpus:\n  b200:\n    name: B200 (derated)\n    vendor: NVIDIA\n"
                       "    tflops: {bf16: 1500}\n    memory_gb: 180\n    tdp_w: 1000\n    source: test\n",
                       encoding="utf-8")  # fmt: skip
    custom, plain = tmp_path / "custom", tmp_path / "plain"
    result = run("evaluate", *NIPA, "--out", custom, "--format", "json", "--catalog", catalog, "--archive")
    assert result.exit_code == 0, result.output
    assert run("evaluate", *NIPA, "--out", plain, "--format", "json").exit_code == 0
    assert (custom / "results.json").read_bytes() != (plain / "results.json").read_bytes()  # the catalog matters

    _, members = _members(custom / "archive.zip")
    assert members["inputs/catalog/mycat.yaml"] == catalog.read_bytes()
    assert json.loads(members["run.json"])["catalog"] == "inputs/catalog/mycat.yaml"
    assert "report.pdf" not in members and "scorecard.xlsx" not in members
    catalog.unlink()  # verify must use the archived copy, not the original file
    verified = run("verify", custom / "archive.zip")
    assert verified.exit_code == 0, verified.output
    assert "inputs/catalog/mycat.yaml" in verified.stdout


def _corrupt(out_dir, name, change):
    data = json.loads((out_dir / name).read_text(encoding="utf-8"))
    change(data)
    (out_dir / name).write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    ("case", "named"),
    [
        ("results-not-json", "results.json"),
        ("results-without-date", "results.json"),
        ("run-unknown-format", "run.json"),
    ],
    ids=["results-not-json", "results-without-date", "run-unknown-format"],
)
def test_archive_of_a_damaged_folder_is_a_message_not_a_traceback(out_dir, tmp_path, case, named):
    if case == "results-not-json":
        (out_dir / "results.json").write_text("{damaged", encoding="utf-8")
    elif case == "results-without-date":
        _corrupt(out_dir, "results.json", lambda d: d["rubric"].pop("evaluation_date"))
    else:
        _corrupt(out_dir, "run.json", lambda d: d.update(formats=["json", "docx"]))
    target = tmp_path / "x.zip"
    _refused(run("archive", out_dir, "--to", target), named)
    assert not target.exists()
