"""Comments, revisions and agreed scores checked against the scores and the rubric (issue 22), each
problem located in the file it is about, all of them at once."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bideval.errors import InputError
from bideval.load.committee_checks import median
from bideval.load.inputs import load_inputs
from bideval.model.scores import COMMENT_LIMIT
from tests.conftest import KR

JUDGED = ("understanding", "methodology", "management", "track-record")
BIDDERS = ("alpha-soft", "beta-systems", "delta-info", "epsilon-net", "gamma-data")


@pytest.fixture
def kr(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the KR sample: (rubric, bids folder)."""
    rubric = tmp_path / KR[0].name
    shutil.copy(KR[0], rubric)
    shutil.copytree(KR[1], tmp_path / "bids")
    return rubric, tmp_path / "bids"


def problems(rubric: Path, bids: Path) -> list[str]:
    with pytest.raises(InputError) as raised:
        load_inputs(rubric, bids)
    return [str(p) for p in raised.value.problems]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_median_of_odd_and_even_counts():
    from decimal import Decimal as D
    from fractions import Fraction

    assert median([D(14), D("12.5"), D(13)]) == 13
    assert median([D("12.5"), D(13), D("13.5"), D(14), D("14.5"), D("14.5")]) == Fraction(55, 4)  # 13.75


def test_an_outlying_score_without_its_comment_is_refused_where_it_stands(kr):
    """The KR rubric asks a comment beyond 0.2 × the item's points. p-07 scored alpha-soft's
    understanding (15 points) 10.5; the others gave 12.5, 13, 13.5, 14, 14.5, 14.5, median 13.75:
    10.5 lies 3.25 from it, more than 0.2 × 15 = 3. Without its comment: one error, on line 9 of
    p-07.yaml where that score stands."""
    rubric, bids = kr
    scores = bids / "scores" / "p-07.yaml"
    text = scores.read_text(encoding="utf-8")
    start, end = text.index("comments:\n  alpha-soft:"), text.index("  delta-info:\n    management: 일정")
    scores.write_text(text[:start] + "comments:\n" + text[end:], encoding="utf-8")
    found = problems(rubric, bids)
    assert len(found) == 1, found
    assert found[0].startswith(f"{scores}:9:")  # alpha-soft: understanding: 10.5
    assert ("evaluator 'p-07' scored 'understanding' of 'alpha-soft' 10.5 without a comment: it lies 3.25 from the "
            "median of the other evaluators' scores (13.75), more than 0.2 × 15 points = 3") in found[0]  # fmt: skip


def test_a_score_just_within_the_limit_needs_no_comment(kr):
    """13.75 − 3 = 10.75 lies exactly 3 from the median: not more than the limit."""
    rubric, bids = kr
    scores = bids / "scores" / "p-07.yaml"
    _edit(scores, "    understanding: 10.5\n", "    understanding: 10.75\n")
    text = scores.read_text(encoding="utf-8")
    start, end = text.index("comments:\n  alpha-soft:"), text.index("  delta-info:\n    management: 일정")
    text = text[:start] + "comments:\n" + text[end:]
    scores.write_text(text[: text.index("revisions:")], encoding="utf-8")
    load_inputs(rubric, bids)  # no error


def test_every_score_needs_a_comment_when_the_rubric_says_all(kr):
    """`comment_required: all`: each uncommented score is listed, all at once (7 × 5 × 4 = 140 scores, 5 commented)."""
    rubric, bids = kr
    _edit(rubric, "  comment_required_beyond: 0.2\n", "  comment_required: all\n")
    found = problems(rubric, bids)
    assert len(found) == 140 - 5
    assert all("the rubric asks a comment for every score (panel.comment_required: all)" in p for p in found)
    assert all(re.match(r".*/scores/p-0[1-7]\.yaml:\d+:\d+: ", p) for p in found)


def test_comments_and_revisions_belong_to_scores_given(kr):
    rubric, bids = kr
    scores = bids / "scores" / "p-01.yaml"
    _edit(scores, "comments:\n", "comments:\n  nobody:\n    methodology: who?\n  beta-systems:\n    pricing: no such item\n")
    scores.write_text(scores.read_text(encoding="utf-8") + "revisions:\n  gamma-data:\n    methodology:\n"
                      "      - {previous: 31, date: 2025-09-10, reason: typo}\n"
                      "      - {previous: 27, date: 2025-09-01, reason: re-read}\n", encoding="utf-8")  # fmt: skip
    found = problems(rubric, bids)
    assert any("a comment for unknown bidder 'nobody'" in p for p in found)
    assert any("a comment on a score not given: evaluator 'p-01' gave 'beta-systems' no score for 'pricing'" in p
               for p in found)  # fmt: skip
    assert any("earlier score: 31 is outside 0–30 points" in p for p in found)
    assert any("revisions are listed oldest first; 2025-09-01 comes before 2025-09-10" in p for p in found)
    assert all(p.startswith(str(scores)) for p in found)


def test_a_comment_longer_than_the_limit_is_located(kr):
    rubric, bids = kr
    scores = bids / "scores" / "p-04.yaml"
    _edit(scores, "    track-record: 유사 규모", "    track-record: " + "가" * COMMENT_LIMIT + "유사 규모")
    found = problems(rubric, bids)
    assert len(found) == 1 and found[0].startswith(f"{scores}:")
    assert f"at most {COMMENT_LIMIT} characters" in found[0]


# --- a moderated panel -------------------------------------------------------------------------------


def moderated(kr, agreed: dict[str, dict[str, str]] | None = None, skip: tuple = ()) -> Path:
    """The KR copy under `panel.method: moderated`, with scores/moderated.yaml agreeing 12 on every
    item of every bid (or `agreed`), less the (bidder, item) pairs in `skip`."""
    rubric, bids = kr
    _edit(rubric, "panel:\n", "panel:\n  method: moderated\n")
    lines = ["schema: bideval/moderated/v1", "scores:"]
    for bidder in BIDDERS:
        lines.append(f"  {bidder}:")
        for item in JUDGED:
            if (bidder, item) not in skip:
                score = (agreed or {}).get(bidder, {}).get(item, "12")
                lines.append(f"    {item}: {{score: {score}, rationale: 발표 후 위원 합의}}")
    path = bids / "scores" / "moderated.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_agreed_scores_out_of_range_or_missing_are_located(kr):
    path = moderated(kr, {"alpha-soft": {"methodology": "31"}}, skip=(("gamma-data", "management"),))
    found = problems(*kr)
    assert len(found) == 2, found
    assert found[0].startswith(f"{path}:5:") and "agreed score for 'methodology': 31 is outside 0–30 points" in found[0]
    assert "no agreed score for bidder 'gamma-data' on: management" in found[1]


def test_a_moderated_rubric_needs_the_agreed_scores_and_a_trimmed_one_refuses_them(kr):
    rubric, bids = kr
    _edit(rubric, "panel:\n", "panel:\n  method: moderated\n")
    assert problems(rubric, bids) == [(f"{bids / 'scores'}: the rubric's panel.method is moderated: "
                                       "moderated.yaml here must give the panel's agreed score of every judged item "
                                       "of every bid")]  # fmt: skip
    _edit(rubric, "  method: moderated\n", "")
    path = moderated((rubric, bids))
    _edit(rubric, "  method: moderated\n", "")
    assert problems(rubric, bids) == [(f"{path}: an agreed score file is only read when the rubric's "
                                       "panel.method is moderated (it is trimmed_mean)")]  # fmt: skip
