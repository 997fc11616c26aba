"""The report's HTML: snapshot, languages and escaping (fava-style tests of generated HTML)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
from bideval.render.html import render_html
from bideval.render.i18n import LANGS, messages
from tests.conftest import KR, NIPA

SNAPSHOTS = Path(__file__).parent / "snapshots"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def kr_result():
    return evaluate(load_inputs(*KR))


def _normalise(html: str) -> str:
    """Drop what changes without the report changing: the stylesheet, hashes, the tool version."""
    html = re.sub(r"<style>.*?</style>", "<style/>", html, flags=re.DOTALL)
    html = re.sub(r"\b[0-9a-f]{64}\b", "<sha256>", html)
    return re.sub(r"bideval \d+\.\d+\.\d+", "bideval <version>", html)


def test_snapshot_of_the_english_report(kr_result):
    """Reviewed by rendering to PNG; set BIDEVAL_UPDATE_SNAPSHOTS=1 to accept a deliberate change."""
    html = _normalise(render_html(kr_result, "en"))
    snapshot = SNAPSHOTS / "kr-negotiated-80-20.en.html"
    if os.environ.get("BIDEVAL_UPDATE_SNAPSHOTS"):
        snapshot.write_text(html, encoding="utf-8")
    assert html == snapshot.read_text(encoding="utf-8")


def test_catalogue_has_every_label_in_both_languages():
    ko, en = (messages(lang) for lang in LANGS)
    assert sorted(ko) == sorted(en)
    for key in ko:
        assert ko[key].strip() and en[key].strip(), key
        assert set(re.findall(r"{(\w+)}", ko[key])) == set(re.findall(r"{(\w+)}", en[key])), key


def test_english_report_has_no_korean_when_the_inputs_give_english(kr_result):
    """Labels and names in English; what the committee wrote (comments, a revision's reason) is printed
    as written — the KR sample's evaluators wrote in Korean — and is the only Korean left."""
    html = render_html(kr_result, "en")
    written = re.findall(r'<ol class="notes">.*?</ol>|<table class="revisions">.*?</table>', html, flags=re.DOTALL)
    assert len(written) == 5 and all(HANGUL.findall(part) for part in written)
    for part in written:
        html = html.replace(part, "")
    assert not HANGUL.findall(html)


def test_korean_report_uses_korean_labels_and_names():
    html = render_html(evaluate(load_inputs(*NIPA)), "ko")
    assert "평가 결과 및 순위" in html and "한빛클라우드" in html and "Hanbit Cloud" not in html


def test_bidder_text_is_escaped(kr_result):
    hostile = '<script>alert(1)</script><img src="file:///etc/passwd">'
    name = kr_result.bids[0].name.model_copy(update={"en": hostile})
    bids = [kr_result.bids[0].model_copy(update={"name": name}), *kr_result.bids[1:]]
    html = render_html(kr_result.model_copy(update={"bids": bids}), "en")
    assert "<script>" not in html and '<img src="file' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert html.count("&lt;script&gt;") >= 3  # table, bidder section and chart label
