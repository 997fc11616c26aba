"""Console rendering: the ranking table, the outcome, reasons and warnings, in both languages."""

from __future__ import annotations

import pytest
from rich.console import Console

from bideval.load.inputs import load_inputs
from bideval.pipeline import evaluate
from bideval.render.console import render_console
from tests.conftest import KR, NIPA


@pytest.fixture(scope="module")
def nipa():
    return evaluate(load_inputs(*NIPA))


@pytest.fixture(scope="module")
def kr():
    return evaluate(load_inputs(*KR))


def _text(result, lang: str) -> str:
    console = Console(record=True, width=140, color_system=None)
    render_console(result, console, lang)
    return console.export_text()


def _row(text: str, name: str) -> list[str]:
    line = next(line for line in text.splitlines() if f" {name} " in line)
    return [cell.strip() for cell in line.strip("│ ").split("│")]


def test_korean_table_rows_follow_the_ranking(nipa):
    text = _text(nipa, "ko")
    assert _row(text, "한빛클라우드") == ["1", "한빛클라우드", "45.6001", "26.4584", "8.8900", "8.7600", "89.7085",
                                         "857,472,000,000", "선정"]  # fmt: skip
    assert _row(text, "장터마켓")[0] == "–" and _row(text, "장터마켓")[-1] == "제외"
    assert "결과: 선정: 한빛클라우드, 가온AI, 새벽테크" in text
    assert "자격 미충족 GPUaaS 사업 운영 중: 실제 false, 요건 true" in text
    assert "평가위원 편차: 한빛클라우드 / 구축 방식·기술 지원 체계" in text


def test_english_labels_and_tie_break_note(kr):
    text = _text(kr, "en")
    assert "Awarded to: Alpha Soft" in text
    assert "Alpha Soft: tied on total — rank decided by tie-break 'technical'" in text
    assert "Delta Info: technical score below threshold: 65.0000 < 68.00" in text
    assert _row(text, "Delta Info")[-1] == "below threshold"


def test_text_from_inputs_is_not_read_as_markup(kr):
    """A bidder named like rich markup prints literally (untrusted text stays text)."""
    hostile = kr.bids[0].name.model_copy(update={"en": "[bold red]Evil[/] [link=file:///etc/passwd]x[/link]"})
    bids = [kr.bids[0].model_copy(update={"name": hostile}), *kr.bids[1:]]
    text = _text(kr.model_copy(update={"bids": bids}), "en")
    assert "[bold red]Evil[/] [link=file:///etc/passwd]x[/link]" in text
