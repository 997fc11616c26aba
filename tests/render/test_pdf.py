"""report.pdf: text, fonts, determinism and safety, read back with pypdf (DESIGN §4, issue 3)."""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest
from pypdf import PdfReader

from bideval.load.inputs import load_inputs
from bideval.pipeline import evaluate
from bideval.render import pdf as pdf_module
from bideval.render.pdf import render_pdf
from tests.conftest import KR, NIPA, run


@pytest.fixture(scope="module")
def nipa_result():
    return evaluate(load_inputs(*NIPA))


@pytest.fixture(scope="module")
def nipa_pdf(nipa_result):
    return render_pdf(nipa_result, "ko")


def _text(payload: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(payload)).pages)


def _fonts(payload: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(payload)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_korean_report_carries_names_totals_and_embedded_font(nipa_pdf, nipa_result):
    reader = PdfReader(io.BytesIO(nipa_pdf))
    assert len(reader.pages) >= 10  # cover, ranking, method, one section per bidder, appendix, signatures
    text = _text(nipa_pdf)
    for bid in nipa_result.bids:
        assert bid.name.ko in text
        if bid.total is not None:
            assert str(bid.total) in text
    assert "평가위원회 서명" in text and "부록" in text
    fonts = _fonts(nipa_pdf)
    assert fonts and all("NanumGothic" in name for name in fonts), fonts
    assert reader.metadata["/CreationDate"].startswith("D:20250801")


def test_totals_in_the_pdf_equal_results_json(tmp_path):
    out = tmp_path / "out"
    assert run("evaluate", *KR, "--out", out, "--lang", "en").exit_code == 0
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    text = _text((out / "report.pdf").read_bytes())
    lines = [line for line in text.splitlines() if line.startswith(("1 Alpha Soft", "2 Beta Systems"))]
    assert lines, text[:2000]
    for bid in data["bids"]:
        assert bid["name"]["en"] in text
        if bid["total"]:
            assert bid["total"] in text
        for score in bid["criteria"]:
            assert score["score"] in text


def test_two_renders_are_byte_identical(nipa_result, nipa_pdf):
    assert render_pdf(nipa_result, "ko") == nipa_pdf


def test_english_report(nipa_result):
    text = _text(render_pdf(nipa_result, "en"))
    assert "Hanbit Cloud" in text and "Committee signatures" in text and "Evaluation method" in text


HOSTILE = '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://example.invalid/x.css">'


def test_hostile_bid_text_prints_as_text_and_fetches_nothing(tmp_path, monkeypatch):
    """A bidder name and a cluster id full of HTML and URLs appear literally; nothing is fetched."""
    bids = tmp_path / "bids"
    shutil.copytree(NIPA[1], bids)
    bid = bids / "gaon-ai.yaml"
    text = bid.read_text(encoding="utf-8")
    text = text.replace("name: {ko: 가온AI, en: Gaon AI}", f"name: {{ko: '{HOSTILE}', en: '{HOSTILE}'}}")
    text = text.replace("{id: public-1,", "{id: '<iframe src=file:///etc/shadow>',")
    bid.write_text(text, encoding="utf-8")
    calls: list[str] = []
    original = pdf_module._fetcher

    def spying_fetcher():
        fetcher = original()
        fetch = fetcher.fetch

        def recording(url, headers=None):
            calls.append(url)
            return fetch(url, headers)

        fetcher.fetch = recording
        return fetcher

    monkeypatch.setattr(pdf_module, "_fetcher", spying_fetcher)
    payload = render_pdf(evaluate(load_inputs(NIPA[0], bids)), "en")
    extracted = re.sub(r"\s+", "", _text(payload))  # table cells wrap: compare without whitespace
    assert re.sub(r"\s+", "", HOSTILE) in extracted and "<iframesrc=file:///etc/shadow>" in extracted
    # Fonts may already be loaded by an earlier render in this process; whatever is fetched is ours.
    assert all(url.startswith("bideval-asset:fonts/") for url in calls), calls


def test_a_real_render_refuses_a_file_url():
    """Had escaping failed, WeasyPrint would ask for the file: the fetcher refuses it, nothing is read."""
    from weasyprint import HTML

    fetcher = pdf_module._fetcher()
    refused_before = len(type(fetcher).refused)
    HTML(string='<p>x</p><img src="file:///etc/passwd">', url_fetcher=fetcher).write_pdf()
    assert type(fetcher).refused[refused_before:] == ["file:///etc/passwd"]


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "http://example.invalid/a.png", "data:text/css,body{}",
            "bideval-asset:../../../etc/passwd", "bideval-asset:fonts/missing.ttf"],
)
def test_fetcher_refuses_everything_but_our_assets(url):
    with pytest.raises(ValueError):
        pdf_module._fetcher().fetch(url)


def test_fetcher_serves_the_bundled_font():
    response = pdf_module._fetcher().fetch("bideval-asset:fonts/NanumGothic.ttf")
    assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType font


def test_report_command_renders_from_results_json(tmp_path):
    out = tmp_path / "out"
    assert run("evaluate", *KR, "--out", out, "--format", "json").exit_code == 0
    assert not (out / "report.pdf").exists()
    done = run("report", out / "results.json", "--lang", "en")
    assert done.exit_code == 0, done.output
    first = (out / "report.pdf").read_bytes()
    assert run("report", out / "results.json").exit_code == 1  # exists, no --force
    assert run("report", out / "results.json", "--lang", "en", "--force").exit_code == 0
    assert (out / "report.pdf").read_bytes() == first
    assert run("evaluate", *KR, "--out", tmp_path / "direct", "--lang", "en").exit_code == 0
    assert (tmp_path / "direct" / "report.pdf").read_bytes() == first  # reloaded Result renders the same


def test_report_command_rejects_a_broken_results_file(tmp_path):
    bad = tmp_path / "results.json"
    bad.write_text('{"schema": "bideval/results/v1", "tool_version": 3}', encoding="utf-8")
    done = run("report", bad)
    assert done.exit_code == 1
    assert "results.json:1:" in done.stderr and "Traceback" not in done.output
    assert not (tmp_path / "report.pdf").exists()
