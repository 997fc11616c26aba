"""report.pdf: text, fonts, determinism and safety, read back with pypdf (DESIGN §4, issue 3)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from pypdf import PdfReader

from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
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
    assert fonts and all("Bideval-Gothic" in name for name in fonts), fonts
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
    response = pdf_module._fetcher().fetch("bideval-asset:fonts/BidevalGothic-Regular.ttf")
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


# Characters Nanum Gothic lacks: an emoji, Arabic, a CJK Extension B ideograph, a symbol, a rare Hanja.
ODD = "😀 مرحبا 𠀀 ☃ 龘"
ODD_PRINTED = "[U+1F600] [U+0645][U+0631][U+062D][U+0628][U+0627] [U+20000] [U+2603] [U+9F98]"
NANUM_ONLY = re.compile(r"/[A-Z]{6}\+Bideval-Gothic(-Bold|-Oblique)?")


def _renamed(sample: tuple, tmp_path, old: str, new: str):
    bids = tmp_path / "bids"
    shutil.copytree(sample[1], bids)
    changed = False
    for bid in bids.glob("*.yaml"):
        text = bid.read_text(encoding="utf-8")
        if old in text:
            bid.write_text(text.replace(old, new), encoding="utf-8")
            changed = True
    assert changed, old
    return sample[0], bids


@pytest.fixture(scope="module")
def odd_result(tmp_path_factory):
    rubric, bids = _renamed(NIPA, tmp_path_factory.mktemp("odd"), "name: {ko: 가온AI, en: Gaon AI}",
                            f"name: {{ko: '가온AI {ODD}', en: 'Gaon AI {ODD}'}}")
    return evaluate(load_inputs(rubric, bids))


def test_characters_no_bundled_font_has_print_as_code_points_in_nanum_only(odd_result):
    payload = render_pdf(odd_result, "ko")
    fonts = _fonts(payload)
    assert fonts and all(NANUM_ONLY.fullmatch(name) for name in fonts), fonts
    text = re.sub(r"\s+", "", _text(payload))  # the name wraps in the ranking table
    assert re.sub(r"\s+", "", f"가온AI {ODD_PRINTED}") in text
    assert render_pdf(odd_result, "ko") == payload  # same input, same bytes


def test_the_reports_own_text_needs_no_placeholder(nipa_result):
    from bideval.render.html import render_html

    for lang in ("ko", "en"):
        html = render_html(nipa_result, lang)
        assert pdf_module.printable(html) == html, lang


def test_the_bold_font_maps_the_same_characters_as_the_regular_one():
    """printable() reads the regular font's map only: it must stand for the bold one too."""
    from fontTools.ttLib import TTFont

    regular, bold = (TTFont(pdf_module.FONTS / name, lazy=True).getBestCmap() for name in (pdf_module.REGULAR, pdf_module.BOLD))
    assert set(regular) == set(bold) and len(regular) > 11_172  # every Hangul syllable, and more


def test_the_bundled_fonts_are_nanum_gothic_renamed_without_its_design_sources():
    """docs/derive_fonts.py: Nanum Gothic's outlines without the VTT source tables, under a name the OFL allows."""
    from fontTools.ttLib import TTFont

    for name, style in ((pdf_module.REGULAR, "Regular"), (pdf_module.BOLD, "Bold")):
        font = TTFont(pdf_module.FONTS / name, lazy=True)
        assert not {"TSI0", "TSI1", "TSI2", "TSI3", "TSI5"} & set(font.keys())
        assert font["maxp"].numGlyphs > 20_000  # Nanum Gothic 3.021's glyphs, all of them
        names = {record.toUnicode() for record in font["name"].names}
        assert not any("Nanum" in text or "나눔" in text for text in names if "Derived from" not in text)
        assert {"Bideval Gothic", f"BidevalGothic-{style}"} <= names
        assert any(text.startswith("Copyright © 2011 NHN Corporation") for text in names)


def test_font_fallback_never_reaches_the_machine_fonts():
    """Even if a character Nanum lacks reached WeasyPrint, it would not be drawn with a system font."""
    from weasyprint import HTML

    css = (pdf_module.ASSETS.parent / "templates" / "report.css").read_text(encoding="utf-8")
    html = HTML(string=f"<style>{css}</style><p>가온 {ODD} <i>{ODD}</i> <b>{ODD}</b></p>",
                url_fetcher=pdf_module._fetcher())
    fonts = _fonts(html.write_pdf(font_config=pdf_module._font_config()))
    assert fonts and all(NANUM_ONLY.fullmatch(name) for name in fonts), fonts


def test_the_fontconfig_file_is_set_only_while_the_configuration_loads(monkeypatch):
    monkeypatch.setenv("FONTCONFIG_FILE", "/somewhere/fonts.conf")
    monkeypatch.setenv("FONTCONFIG_SYSROOT", "/sysroot")
    with pdf_module._bundled_fonts_only():
        conf = os.environ["FONTCONFIG_FILE"]
        assert f"<dir>{pdf_module.FONTS}</dir>" in open(conf, encoding="utf-8").read()
        assert "FONTCONFIG_SYSROOT" not in os.environ
    assert os.environ["FONTCONFIG_FILE"] == "/somewhere/fonts.conf"
    assert os.environ["FONTCONFIG_SYSROOT"] == "/sysroot"
    assert not os.path.exists(conf)


def _font_covering(path, chars: str) -> None:
    """A tiny TrueType font, family 'LeakTest', with a box glyph for each of `chars`."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box():
        pen = TTGlyphPen(None)
        pen.moveTo((50, 0)), pen.lineTo((50, 700)), pen.lineTo((550, 700)), pen.lineTo((550, 0)), pen.closePath()
        return pen.glyph()

    cmap = {ord(c): f"u{ord(c):X}" for c in set(chars) if not c.isspace()}
    names = [".notdef", *sorted(cmap.values())]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap(cmap)
    builder.setupGlyf({name: box() for name in names})
    builder.setupHorizontalMetrics({name: (600, 50) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "LeakTest", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.save(str(path))


MACHINE = """
import sys
from pathlib import Path
from bideval.load.inputs import load_inputs
from bideval.engine.pipeline import evaluate
from bideval.render import pdf
rubric, bids, out, probe = sys.argv[1:]
Path(out, "report.pdf").write_bytes(pdf.render_pdf(evaluate(load_inputs(Path(rubric), Path(bids))), "ko"))
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
html = HTML(string=probe, url_fetcher=pdf._fetcher())
Path(out, "probe.pdf").write_bytes(html.write_pdf(font_config=pdf._font_config()))
Path(out, "control.pdf").write_bytes(html.write_pdf(font_config=FontConfiguration()))  # the machine's fonts
"""


def test_the_pdf_does_not_depend_on_the_machines_fonts(tmp_path):
    """The same report rendered on a machine with no fonts at all and on one with the system fonts
    plus a font covering every odd character: same bytes as here, and only Nanum Gothic."""
    rubric, bids = _renamed(KR, tmp_path, "name: {ko: 알파소프트, en: Alpha Soft}",
                            f"name: {{ko: '알파소프트 {ODD}', en: 'Alpha Soft {ODD}'}}")
    leak = tmp_path / "leak"
    leak.mkdir()
    _font_covering(leak / "LeakTest.ttf", ODD)
    css = (pdf_module.ASSETS.parent / "templates" / "report.css").read_text(encoding="utf-8")
    probe = f"<style>{css}</style><p>알파 {ODD}</p>"
    machines = {
        "bare": "",  # fontconfig knows no font at all
        "rich": f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{leak}</dir>',
    }
    jobs = {}
    for name, body in machines.items():
        home = tmp_path / name
        (home / "out").mkdir(parents=True)
        conf = home / "fonts.conf"
        cache = f'<cachedir>{home / "cache"}</cachedir>'
        conf.write_text(f'<?xml version="1.0"?>\n<fontconfig>{body}{cache}</fontconfig>\n', encoding="utf-8")
        env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(home), "XDG_CONFIG_HOME": str(home),
               "XDG_DATA_HOME": str(home), "XDG_CACHE_HOME": str(home / "cache")}
        env.pop("FONTCONFIG_PATH", None)
        command = [sys.executable, "-c", MACHINE, str(rubric), str(bids), str(home / "out"), probe]
        jobs[name] = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    here = render_pdf(evaluate(load_inputs(rubric, bids)), "ko")
    for name, job in jobs.items():
        output = job.communicate(timeout=300)[0].decode(errors="replace")
        assert job.returncode == 0, output
    outputs = {name: tmp_path / name / "out" for name in machines}
    # The rich machine would lend its fonts to anyone who asks: the probe is a fair one.
    assert any("LeakTest" in font for font in _fonts((outputs["rich"] / "control.pdf").read_bytes()))
    for name, out in outputs.items():
        assert (out / "report.pdf").read_bytes() == here, name
        fonts = _fonts((out / "probe.pdf").read_bytes())
        assert fonts and all(NANUM_ONLY.fullmatch(font) for font in fonts), (name, fonts)
