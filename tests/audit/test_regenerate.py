"""`bideval regenerate`: many archives in parallel, one folder of outputs each, one summary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bideval.audit.regenerate import _folders
from tests.audit.test_verify import read, rewrite
from tests.conftest import KR, run

OUTPUTS = ("results.json", "report.pdf", "scorecard.xlsx")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("regenerate") / "out"
    result = run("evaluate", *KR, "--out", out, "--archive", "--lang", "en")
    assert result.exit_code == 0, result.output
    return out / "archive.zip"


def summary(stdout: str) -> dict[str, list[str]]:
    """archive → its cells in the summary table (first line of each row)."""
    found = {}
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.split("│")]
        if len(cells) == 6 and cells[1]:
            found[cells[1]] = cells[2:5]
    return found


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """Work in tmp_path, so the archives are named by short relative paths in the table."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_regenerate_names_each_archive_and_keeps_its_outputs(built, folder):
    for name in ("march.zip", "april.zip", "forged.zip"):
        shutil.copyfile(built, folder / name)
    bid = "inputs/bids/alpha-soft.yaml"
    rewrite(folder / "forged.zip", replace={bid: read(built)[bid].replace(b"price: 1000000000", b"price: 1100000000")},
            manifest=True)  # fmt: skip
    (folder / "junk.zip").write_text("not a zip", encoding="utf-8")

    result = run("regenerate", "march.zip", "april.zip", "forged.zip", "junk.zip", "--out", "regen", "--jobs", "2")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    table = summary(result.stdout)
    assert table["march.zip"][1] == table["april.zip"][1] == "verified", result.stdout
    every = len(read(built)) - 1  # a row per member but the manifest
    assert table["march.zip"][0] == f"{every}/{every}"
    assert table["forged.zip"][1] == "differs"
    assert table["forged.zip"][2].startswith("results.json")  # the first differing file
    assert table["junk.zip"][1] == "refused"
    assert "not a readable zip" in " ".join(result.stdout.split())
    # rows in the order given, whatever finished first
    order = [line for line in result.stdout.splitlines() if any(f"│ {n}" in line for n in table)]
    assert [next(n for n in table if f"│ {n}" in line) for line in order] == [
        "march.zip",
        "april.zip",
        "forged.zip",
        "junk.zip",
    ]

    archived = read(built)
    for stem in ("march", "april"):
        for name in OUTPUTS:
            assert (folder / "regen" / stem / name).read_bytes() == archived[name], (stem, name)
    regenerated = (folder / "regen" / "forged" / "results.json").read_bytes()
    assert regenerated != archived["results.json"]
    assert b'"1100000000"' in regenerated  # what the forged inputs really give
    assert sorted(p.name for p in (folder / "regen").iterdir()) == ["april", "forged", "march"]  # none for junk


def test_regenerate_good_archives_exits_0(built, folder):
    first = shutil.copyfile(built, folder / "one.zip")
    (folder / "sub").mkdir()
    second = shutil.copyfile(built, folder / "sub" / "one.zip")  # same name: a folder each
    result = run("regenerate", "one.zip", "sub/one.zip", "--out", "regen", "--jobs", "2")
    assert result.exit_code == 0, result.output
    table = summary(result.stdout)
    assert [table["one.zip"][1], table["sub/one.zip"][1]] == ["verified", "verified"]
    for stem in ("one", "one-2"):
        assert (folder / "regen" / stem / "results.json").read_bytes() == read(built)["results.json"]
    assert first.read_bytes() == second.read_bytes() == built.read_bytes()  # archives are only read


def test_output_folders_are_distinct_and_named_after_the_archives():
    archives = [Path("a/run.zip"), Path("b/run.zip"), Path("c/run.zip"), Path("other.zip")]
    folders = _folders(archives, Path("out"))
    assert [folders[a] for a in archives] == [Path("out/run"), Path("out/run-2"), Path("out/run-3"), Path("out/other")]


def test_one_unreadable_run_json_does_not_sink_the_batch(built, folder):
    """A forged run.json (unknown format, manifest rewritten to match) is that archive's problem:
    the others are still reported, and the command ends with a summary, not a traceback."""
    shutil.copyfile(built, folder / "good.zip")
    shutil.copyfile(built, folder / "odd.zip")
    forged = read(built)["run.json"].replace(b'"pdf"', b'"docx"')
    assert forged != read(built)["run.json"]
    rewrite(folder / "odd.zip", replace={"run.json": forged}, manifest=True)
    result = run("regenerate", "good.zip", "odd.zip", "--out", "regen", "--jobs", "2")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    table = summary(result.stdout)
    assert table["good.zip"][1] == "verified"
    assert table["odd.zip"][1] in {"refused", "differs"}
    assert "run.json" in table["odd.zip"][2]


def test_an_older_versions_archive_is_verified_with_its_rendering_differences_named(folder):
    """A 0.2.0 archive: the same decision, the outputs differ in rendering only (issue 17)."""
    from tests.conftest import ROOT

    old = ROOT / "tests" / "archives" / "0.2.0" / "kr-negotiated-80-20.zip"
    shutil.copyfile(old, folder / "old.zip")
    result = run("regenerate", "old.zip", "--out", "regen", "--jobs", "1")
    assert result.exit_code == 0, result.output
    every = len(read(old)) - 1
    cells = summary(result.stdout)["old.zip"]
    assert cells[:2] == [f"{every - len(OUTPUTS)}/{every}", "verified"], cells
    assert "same decision; rendering only: results.json, report.pdf, scorecard.xlsx" in " ".join(result.stdout.split())
    assert (folder / "regen" / "old" / "results.json").read_bytes() != read(old)["results.json"]  # this version's
