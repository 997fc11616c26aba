"""When every score file is invalid, the folder is not "without score files" (issue 18 §8).

`check_panel` sees only the score files that loaded; the loader tells it how many did not, so
the message says that none could be read (each one's own problems are listed beside it).
"""

from __future__ import annotations

import shutil

import pytest

from bideval.errors import InputError
from bideval.load.inputs import load_inputs, load_panel_inputs
from tests.conftest import KR


def _all_scores_broken(tmp_path):
    rubric, sample = KR
    bids = tmp_path / "bids"
    shutil.copytree(sample, bids)
    for sheet in (bids / "scores").iterdir():  # a wrong schema line: each file fails on its own
        sheet.write_text(sheet.read_text(encoding="utf-8").replace("bideval/scores/v1", "bideval/scores/v9"),
                         encoding="utf-8")  # fmt: skip
    return rubric, bids


def test_every_score_file_invalid_is_not_called_no_score_files(tmp_path):
    with pytest.raises(InputError) as caught:
        load_inputs(*_all_scores_broken(tmp_path))
    messages = [p.message for p in caught.value.problems]
    assert not any("no score files" in m for m in messages)
    assert sum("none of the 7 score file(s) here could be read" in m for m in messages) == 1
    assert sum(p.file.endswith(".yaml") and "schema" in p.message for p in caught.value.problems) == 7


def test_score_sheets_from_invalid_score_files_add_nothing_extra(tmp_path):
    """`bideval sheets` reads evaluators from scores/: their own problems only, no "no score files"."""
    with pytest.raises(InputError) as caught:
        load_panel_inputs(*_all_scores_broken(tmp_path))
    assert caught.value.problems and not any("no score files" in p.message for p in caught.value.problems)


def test_an_empty_scores_folder_is_still_reported(tmp_path):
    rubric, bids = _all_scores_broken(tmp_path)
    shutil.rmtree(bids / "scores")
    with pytest.raises(InputError) as caught:
        load_inputs(rubric, bids)
    expected = ("the rubric has judged criteria (understanding, methodology, management, track-record) but there "
                "are no score files here")  # fmt: skip
    assert [p.message for p in caught.value.problems if "score files" in p.message] == [expected]
