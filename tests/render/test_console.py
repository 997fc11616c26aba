"""Console rendering: the ranking table, the outcome, reasons and warnings, in both languages."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
from bideval.render.console import render_console
from bideval.render.terminal import visible
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
    assert "자격 미충족 GPUaaS 사업 운영 중: 실제 아니요, 요건 예" in text  # booleans in the report's language
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


def test_control_characters_from_inputs_are_shown_escaped(kr):
    """ESC, BEL and C1 controls in a name (and so in the outcome and the notes) reach the terminal
    as visible escapes, never as the bytes that would clear the screen or retitle the window."""
    hostile = kr.bids[0].name.model_copy(update={"en": "Alpha \x1b[2J\x1b]0;owned\x07Soft\x9b1m\x00"})
    bids = [kr.bids[0].model_copy(update={"name": hostile}), *kr.bids[1:]]
    out = io.StringIO()  # what a terminal would receive, before any export
    render_console(kr.model_copy(update={"bids": bids}), Console(file=out, width=160, color_system=None), "en")
    text = out.getvalue()
    shown = r"Alpha \x1b[2J\x1b]0;owned\x07Soft\x9b1m\x00"
    assert _row(text, shown)[:2] == ["1", shown]
    assert f"Awarded to: {shown}\n" in text
    assert f"  {shown}: tied on total — rank decided by tie-break 'technical'\n" in text
    assert not [c for c in text if c != "\n" and (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F)]


def test_visible_escapes_every_control_character_and_nothing_else():
    assert visible("a\x1b[31mb\x07\x00\x7f\x85\x9b\tc\nd") == r"a\x1b[31mb\x07\x00\x7f\x85\x9b\x09c\x0ad"
    assert visible("가온AI ‮ é [bold] \\x1b") == "가온AI ‮ é [bold] \\x1b"


def test_a_long_summary_prints_the_first_rows_and_counts_the_rest(nipa, monkeypatch):
    """With room for one line of each: the NIPA sample's 4 bids show rank 1 and count the
    other 3; its one note is shown whole; its 2 warnings show the first and count 1."""
    import bideval.render.console as console_module

    monkeypatch.setattr(console_module, "MOST_LINES", 1)
    text = _text(nipa, "en")
    ranked = [line for line in text.splitlines() if line.startswith("│")]
    assert [line.split("│")[1].strip() for line in ranked] == ["1"]
    assert "… 3 more not shown here (the files written have every one)" in text
    assert "Jangteo Market: failed gate" in text and len(nipa.warnings) == 2
    assert text.count("  • ") == 1 and "… 1 more not shown here" in text.split("Warnings:")[1]
    monkeypatch.setattr(console_module, "MOST_LINES", 4)
    assert "not shown" not in _text(nipa, "en")
