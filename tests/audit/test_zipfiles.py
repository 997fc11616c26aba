"""Untrusted zips: read_members refuses what is unsafe before unpacking anything; unpack stays
inside its folder; `bideval verify` turns a refusal into a message (no traceback, nothing written)."""

from __future__ import annotations

import io
import json
import stat
import tempfile
import warnings
import zipfile
from datetime import date
from pathlib import Path

import pytest

from bideval.audit import zipfiles
from bideval.audit.zipfiles import read_members, unpack
from bideval.errors import InputError
from bideval.render.reproducible_zip import deterministic_zip
from tests.conftest import run

MANIFEST = json.dumps({"schema": "bideval/archive/v1", "files": {}}).encode()


def _zip(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    """A zip with exactly these entries (duplicates allowed), a plausible manifest first."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns on duplicate names
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", MANIFEST)
            for name, data in members:
                archive.writestr(name, data)
    return path


def _link(name: str, target: str = "/etc/passwd") -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return (info, target.encode())  # type: ignore[return-value]


def _refused(path: Path, *words: str) -> str:
    with pytest.raises(InputError) as caught:
        read_members(path)
    text = " ".join(p.message for p in caught.value.problems)
    for word in words:
        assert word in text, text
    return text


def _zip_bomb(path: Path, megabytes: int) -> Path:
    """`megabytes` MB of zeros, deflated (about 1,000:1), written a chunk at a time."""
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", MANIFEST)
        with archive.open("results.json", "w", force_zip64=True) as stream:
            for _ in range(megabytes):
                stream.write(chunk)
    return path


def _declare_size(path: Path, member: str, size: int) -> None:
    """Patch the central directory so `member` declares an uncompressed size of `size` bytes."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    name = member.encode()  # find this member's central directory entry (fixed header: 46 bytes, then the name)
    entry = data.find(b"PK\x01\x02")
    while data[entry + 46 : entry + 46 + len(name)] != name:
        entry = data.find(b"PK\x01\x02", entry + 4)
    assert int.from_bytes(data[entry + 24 : entry + 28], "little") == info.file_size
    data[entry + 24 : entry + 28] = size.to_bytes(4, "little")
    path.write_bytes(bytes(data))


# -- read_members ----------------------------------------------------------------------------------


def test_a_safe_zip_reads_every_member(tmp_path):
    path = _zip(tmp_path / "ok.zip", [("inputs/bids/a.yaml", b"a: 1\n"), ("results.json", b"{}")])
    assert read_members(path) == {"manifest.json": MANIFEST, "inputs/bids/a.yaml": b"a: 1\n", "results.json": b"{}"}


def test_deterministic_zip_round_trips_through_read_members(tmp_path):
    files = {"b.txt": b"second", "a/x.txt": b"first"}
    payload = deterministic_zip(files, date(2025, 9, 15))
    assert payload == deterministic_zip(dict(files), date(2025, 9, 15))
    assert payload != deterministic_zip(files, date(2025, 9, 16))
    (tmp_path / "d.zip").write_bytes(payload)
    assert list(read_members(tmp_path / "d.zip").items()) == list(files.items())


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("/etc/evil.txt", "absolute path"),
        ("C:/Windows/evil.txt", "absolute path"),
        ("C:evil.txt", "absolute path"),
        ("../evil.txt", "'..'"),
        ("inputs/../../evil.txt", "'..'"),
        ("..\\evil.txt", "unusable name"),
        ("inputs\\bids\\a.yaml", "unusable name"),
    ],
    ids=["absolute", "drive", "drive-relative", "dotdot", "nested-dotdot", "backslash-dotdot", "backslash"],
)
def test_unsafe_names_are_refused(tmp_path, name, reason):
    path = _zip(tmp_path / "bad.zip", [("inputs/ok.yaml", b"x"), (name, b"owned")])
    text = _refused(path, reason, "the archive is refused")
    assert name[:20] in text  # the member is named
    assert "inputs/ok.yaml" not in text  # only the bad one


def test_a_symlink_member_is_refused(tmp_path):
    _refused(_zip(tmp_path / "link.zip", [_link("inputs/bids/a.yaml")]), "'inputs/bids/a.yaml' is a link")


def test_duplicate_names_are_refused(tmp_path):
    path = _zip(tmp_path / "dup.zip", [("results.json", b"{}"), ("results.json", b'{"forged": 1}')])
    _refused(path, "'results.json' appears more than once")


def test_a_real_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    path = _zip_bomb(tmp_path / "bomb.zip", 200)
    assert path.stat().st_size < 1_000_000
    _refused(path, "'results.json' would unpack to 209,715,200 bytes", "zip bomb")


def test_a_small_bomb_is_refused_by_its_ratio(tmp_path):
    """20 MB is under the per-member limit, but 1,000:1 is no report."""
    path = _zip_bomb(tmp_path / "ratio.zip", 20)
    assert 20 * 2**20 < zipfiles.MAX_MEMBER_BYTES
    _refused(path, "zip bomb")


def test_a_member_declaring_a_huge_size_is_refused(tmp_path):
    path = _zip(tmp_path / "huge.zip", [("report.pdf", b"%PDF tiny")])
    _declare_size(path, "report.pdf", 4_000_000_000)
    _refused(path, "'report.pdf' would unpack to 4,000,000,000 bytes")


def test_a_member_lying_about_its_size_is_not_read_past_it(tmp_path):
    """Declared small, really larger: the read stops at the declared size and the CRC fails."""
    path = _zip(tmp_path / "liar.zip", [("results.json", b"x" * 10_000)])
    _declare_size(path, "results.json", 10)
    _refused(path, "'results.json' cannot be read")


def test_too_many_bytes_in_all_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(zipfiles, "MAX_TOTAL_BYTES", 1_000)
    path = _zip(tmp_path / "total.zip", [(f"f{i}.txt", bytes(range(256)) * 2) for i in range(3)])
    _refused(path, "members unpack to", "in all")


def test_too_many_members_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(zipfiles, "MAX_MEMBERS", 5)
    at_limit = _zip(tmp_path / "five.zip", [(f"f{i}.txt", b"x") for i in range(4)])  # + manifest = 5
    assert len(read_members(at_limit)) == 5
    over = _zip(tmp_path / "six.zip", [(f"f{i}.txt", b"x") for i in range(5)])
    _refused(over, "6 members; at most 5 are accepted")


@pytest.mark.parametrize(
    "content", [b"", b"just some text\n", b"PK\x03\x04 truncated"], ids=["empty", "text", "truncated"]
)
def test_not_a_zip_is_refused(tmp_path, content):
    path = tmp_path / "archive.zip"
    path.write_bytes(content)
    _refused(path, "not a readable zip archive")


def test_a_missing_file_is_refused(tmp_path):
    _refused(tmp_path / "absent.zip", "not a readable zip archive")


def test_every_problem_is_listed_and_nothing_is_read(tmp_path):
    path = _zip(tmp_path / "many.zip", [("/abs", b"1"), ("../up", b"2"), _link("ln")])
    with pytest.raises(InputError) as caught:
        read_members(path)
    assert len(caught.value.problems) == 3
    assert all(p.file == str(path) for p in caught.value.problems)


# -- unpack ----------------------------------------------------------------------------------------


def test_unpack_writes_members_under_the_folder(tmp_path):
    unpack({"inputs/bids/scores/p.yaml": b"p", "run.json": b"{}"}, tmp_path / "x")
    assert (tmp_path / "x" / "inputs" / "bids" / "scores" / "p.yaml").read_bytes() == b"p"
    assert (tmp_path / "x" / "run.json").read_bytes() == b"{}"


@pytest.mark.parametrize("escape", ["../escaped.txt", "a/../../escaped.txt", "ABSOLUTE"])
def test_unpack_never_writes_outside_its_folder(tmp_path, escape):
    folder = tmp_path / "inside"
    folder.mkdir()
    name = str(tmp_path / "escaped.txt") if escape == "ABSOLUTE" else escape
    with pytest.raises(InputError) as caught:
        unpack({name: b"owned"}, folder)
    assert "outside the extraction folder" in caught.value.problems[0].message
    assert not (tmp_path / "escaped.txt").exists()
    assert sorted(tmp_path.rglob("*")) == [folder]


def test_unpack_does_not_follow_a_link_out_of_its_folder(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "inside"
    folder.mkdir()
    (folder / "inputs").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InputError):
        unpack({"inputs/evil.yaml": b"owned"}, folder)
    assert list(outside.iterdir()) == []


# -- through `bideval verify` ----------------------------------------------------------------------


@pytest.fixture
def contained(tmp_path, monkeypatch):
    """Run from an empty folder with a private temp dir, to see anything written anywhere near."""
    work, scratch = tmp_path / "work", tmp_path / "scratch"
    work.mkdir()
    scratch.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return tmp_path


def _malicious(case: str, tmp_path: Path) -> tuple[Path, str]:
    """(the zip, the reason verify must give) for one case."""
    victim = str(tmp_path / "victim.txt")
    if case == "bomb":
        return _zip_bomb(tmp_path / "bomb.zip", 120), "zip bomb"
    if case == "not-a-zip":
        (tmp_path / "text.zip").write_text("not a zip", encoding="utf-8")
        return tmp_path / "text.zip", "not a readable zip archive"
    members, reason = {
        "absolute": ([(victim, b"owned")], "absolute path"),
        "dotdot": ([("../../victim.txt", b"owned")], "climbs out"),
        "link": ([_link("inputs/bids/a.yaml", victim)], "is a link"),
        "duplicate": ([("run.json", b"{}"), ("run.json", b"{}")], "appears more than once"),
        "drive": ([("C:/victim.txt", b"owned")], "absolute path"),
    }[case]
    return _zip(tmp_path / f"{case}.zip", members), reason


@pytest.mark.parametrize("case", ["absolute", "dotdot", "link", "duplicate", "drive", "bomb", "not-a-zip"])
def test_verify_refuses_a_malicious_zip(contained, case):
    tmp_path = contained
    path, reason = _malicious(case, tmp_path)
    before = sorted(tmp_path.rglob("*"))
    result = run("verify", path)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    assert reason in result.stderr and path.name in result.stderr, result.stderr
    assert sorted(tmp_path.rglob("*")) == before  # nothing written: not the victim, not in cwd, not in temp
    assert not (tmp_path / "victim.txt").exists()
    assert not Path("/victim.txt").exists()


def test_deterministic_zip_output_is_accepted_by_verify_checks(tmp_path):
    """What bideval writes, bideval reads: fixed permissions are not mistaken for links."""
    payload = deterministic_zip({"manifest.json": MANIFEST, "inputs/a": b"a"}, date(2025, 1, 2))
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        assert all(not stat.S_ISLNK(i.external_attr >> 16) for i in archive.infolist())
        assert {i.date_time for i in archive.infolist()} == {(2025, 1, 2, 0, 0, 0)}
    (tmp_path / "d.zip").write_bytes(payload)
    assert set(read_members(tmp_path / "d.zip")) == {"manifest.json", "inputs/a"}
