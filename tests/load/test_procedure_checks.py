"""Located errors for impossible procedures (issue 18): each mutation of the SPC or rental sample
gives a problem naming the file, the line of the offending value and what was expected; the CLI
exits 1 and writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bideval.errors import InputError
from bideval.load.inputs import load_inputs
from tests.conftest import RUBRICS, SAMPLES

SPC = "ai-computing-center-spc-2025"
RENTAL = "gpu-rental-2025"


def copy(tmp: Path, name: str) -> tuple[Path, Path]:
    rubric = tmp / f"{name}.yaml"
    shutil.copy(RUBRICS / f"{name}.yaml", rubric)
    shutil.copytree(SAMPLES / name, tmp / "bids")
    return rubric, tmp / "bids"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems(rubric: Path, bids: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_inputs(rubric, bids)
    return [str(p) for p in caught.value.problems]


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


CASES = [
    # (sample, file ("rubric" or a bid file), old, new, the line holding this text, words in the message)
    (SPC, "rubric", "criteria: [infrastructure, operations, policy]", "criteria: [infrastructure, operations, polcy]",
     "criteria: [infrastructure, operations, polcy]", ("'polcy' is not a criterion", "the categories are")),
    (SPC, "rubric", "criteria: [infrastructure, operations, policy]", "criteria: [infrastructure, operations]",
     "- id: technical-policy", ("not in any: policy",)),
    (SPC, "rubric", "criteria: [financial]", "criteria: [financial, investment]", "criteria: [financial, investment]",
     ("'investment' is not a top-level criterion",)),
    (SPC, "rubric", "criteria: [financial]", "criteria: [financial, operations]", "criteria: [financial, operations]",
     ("'operations' is already in stage 'technical-policy'",)),
    (SPC, "rubric", "  max_bonus: 3\n", "", "max_penalty: 2", ("bonus items need `max_bonus`",)),
    (SPC, "rubric", "      points: 1\n      max: 2\n", "      points: 1\n", "- id: multi-csp",
     ("per_unit item needs `max`",)),
    (SPC, "rubric", "      metric: consortium_cloud_operators", "      metric: consortium_cloud_operator",
     "metric: consortium_cloud_operator", ("neither a metric nor a bid field", "did you mean 'consortium_cloud_operators'")),
    (SPC, "rubric", "  - round: 2\n", "  - round: 3\n", "  - round: 3", ("round 3 is listed second",)),
    (SPC, "rubric", "    applicants: 1\n", "    applicants: 2\n", "- round: 2",
     ("round 2 had 2 applicant(s), enough for award.min_valid_bids (2): say its outcome",)),
    (SPC, "rubric", "    announced: 2025-09-08\n", "    announced: 2025-09-08\n    applicants: 7\n", "applicants: 7",
     ("round 3 is the round evaluated",)),
    (SPC, "rubric", "    pass: {min_ratio: 0.6}", "    pass: {min_ratio: 0.6, top: 1}", "pass: {min_ratio: 0.6, top: 1}",
     ("exactly one of min_ratio, min_score or top",)),
    (SPC, "nuri-ai-center.yaml", "share: 0.1, sector: private, kind: bank", "share: 0.2, sector: private, kind: bank",
     "National AI Infrastructure", ("shares must add up to 1, they add up to 1.10",)),
    (RENTAL, "arum-compute.yaml", "lot: track-1", "lot: track-3", "lot: track-3",
     ("unknown lot 'track-3'", "track-1, track-2")),
    (RENTAL, "arum-compute.yaml", "lot: track-1\n", "", "id: arum-compute", ("say which one this bid is for",)),
    (RENTAL, "rubric", "{gpus: [b200], at_least: 500}", "{gpus: [b2000], at_least: 500}", "gpus: [b2000]",
     ("unknown GPU 'b2000'",)),
]


@pytest.mark.parametrize(("sample", "file", "old", "new", "at", "words"), CASES,
                         ids=[f"{c[0][:3]}-{i}" for i, c in enumerate(CASES)])  # fmt: skip
def test_a_bad_procedure_is_located(tmp_path, sample, file, old, new, at, words):
    rubric, bids = copy(tmp_path, sample)
    path = rubric if file == "rubric" else bids / file
    edit(path, old, new)
    found = problems(rubric, bids)
    line = line_of(path, at)
    matching = [p for p in found if p.startswith(f"{path}:{line}:") and all(w in p for w in words)]
    assert matching, f"expected {path.name}:{line} with {words}, got:\n" + "\n".join(found)


def test_a_bid_naming_a_lot_in_a_rubric_without_lots(tmp_path):
    rubric, bids = copy(tmp_path, "nipa-gpu-2025")
    edit(bids / "gaon-ai.yaml", "bidder:\n", "lot: track-1\nbidder:\n")
    assert any("gaon-ai.yaml:4:" in p and "the rubric has no lots" in p for p in problems(rubric, bids))


def test_suitability_without_rounds_is_refused(tmp_path):
    rubric, bids = copy(tmp_path, SPC)
    text = rubric.read_text(encoding="utf-8")
    start, end = text.index("rounds:\n"), text.index("eligibility:\n")
    rubric.write_text(text[:start] + text[end:], encoding="utf-8")
    assert any("suitability check is for the sole applicant of a re-announced round" in p
               for p in problems(rubric, bids))  # fmt: skip


def test_the_cli_reports_every_procedure_problem_at_once_and_writes_nothing(tmp_path, cli):
    rubric, bids = copy(tmp_path, SPC)
    edit(rubric, "criteria: [financial]", "criteria: [financial, investment]")
    edit(rubric, "metric: consortium_cloud_operators", "metric: cloud_operators")
    edit(bids / "nuri-ai-center.yaml", "kind: bank}", "kind: bank}\nlot: one")
    out = tmp_path / "out"
    result = cli("evaluate", rubric, bids, "-o", out)
    assert result.exit_code == 1 and "Traceback" not in result.output
    for words in ("not a top-level criterion", "'cloud_operators' is neither", "the rubric has no lots"):
        assert words in result.output
    assert not out.exists()


def test_each_bidder_is_checked_against_its_own_lots_definition_of_a_criterion(tmp_path):
    """Track 2 defines 'monitoring' on the points scale (0–15) where the rubric's is a percentage: the
    track-2 bidders' scores of 70–90 are out of range, the same scores of track-1 bidders are not."""
    import yaml

    rubric, bids = copy(tmp_path, RENTAL)
    data = yaml.safe_load(rubric.read_text(encoding="utf-8"))
    own = yaml.safe_load(yaml.safe_dump(data["criteria"]))
    own[2]["children"][1]["scale"] = "points"
    data["lots"][1]["criteria"] = own
    rubric.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    found = problems(rubric, bids)
    out_of_range = [p for p in found if "score for 'monitoring'" in p and "is outside 0–15 points" in p]
    track_2 = ("dasom-gpu", "haneul-infra", "mirae-hosting", "nanum-ai")
    assert out_of_range and len(out_of_range) == len(found)
    lines = {p.split(":")[0] + ":" + p.split(":")[1] for p in out_of_range}
    for path_line in lines:
        path, line = path_line.rsplit(":", 1)
        text = Path(path).read_text(encoding="utf-8").splitlines()
        owner = next(text[i].strip().rstrip(":") for i in range(int(line) - 1, -1, -1) if text[i].startswith("  ")
                     and not text[i].startswith("    "))  # fmt: skip
        assert owner in track_2
