"""report.pdf: the HTML report printed by WeasyPrint, fetching nothing but our own assets and
using no font but our own (bideval/render/assets/fonts), whatever fonts the machine has.

WeasyPrint is imported here only, so commands that do not render PDFs stay fast.
"""

from __future__ import annotations

import calendar
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar
from xml.sax.saxutils import escape

from bideval import workers
from bideval.engine.result import Result
from bideval.render.html import render_furniture, render_html, report_parts

if TYPE_CHECKING:
    from bideval.analysis.run import Analysis

ASSETS = Path(__file__).resolve().parent / "assets"
FONTS = ASSETS / "fonts"
REGULAR, BOLD = "BidevalGothic-Regular.ttf", "BidevalGothic-Bold.ttf"
ASSET_SCHEME = "bideval-asset:"


def render_pdf(result: Result, lang: str, analysis: Analysis | None = None, edition: str = "internal") -> bytes:
    """The report. A long one is printed in parts (render/html.py report_parts), side by side where the
    machine has more than one core, then joined with its running header and footer (render/pdf_join.py):
    a part's layout needs a fraction of the memory of the whole, and the cores share the work. How the
    report is cut depends on its bids only, so the bytes are the same on every machine."""
    job = PrintJob(result, lang, analysis, edition=edition)
    try:
        return job.pdf()
    finally:
        job.close()


class PrintJob:
    """A report being printed: started when made by worker processes, where the machine has cores to
    share (bideval/workers.py), and finished when its bytes are asked for — so a caller can render
    other formats meanwhile (`alongside`: then even a one-part report goes to a worker). Without
    workers, it is printed here when its bytes are asked for."""

    def __init__(self, result: Result, lang: str, analysis: Analysis | None = None, *, alongside: bool = False,
                 edition: str = "internal"):  # fmt: skip
        self.result, self.lang = result, lang
        parts = report_parts(result)
        htmls = [render_html(result, lang, analysis, part if len(parts) > 1 else None, edition) for part in parts]
        day = result.rubric.evaluation_date
        self.pool = workers.pool(len(htmls))
        if self.pool is not None:
            self.printing = [self.pool.submit(print_html, html, day).result for html in htmls]
        elif alongside and len(htmls) == 1:
            self.printing = [workers.alongside(print_html, htmls[0], day)]
        else:
            self.printing = [lambda html=html: print_html(html, day) for html in htmls]

    def pdf(self) -> bytes:
        if len(self.printing) == 1:
            return self.printing[0]()
        if self.pool is not None:
            _font_config()  # the furniture is printed here: load WeasyPrint while the workers print
        printed = [part() for part in self.printing]
        from bideval.render.pdf_join import join, page_count

        pages = sum(map(page_count, printed))
        furniture = print_html(render_furniture(self.result, self.lang, pages), self.result.rubric.evaluation_date)
        return join(printed, furniture)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def print_html(html: str, day: date) -> bytes:
    """One HTML document printed by WeasyPrint with our fonts only, fetching nothing but our assets."""
    font_config = _font_config()  # first: it may be the process's first weasyprint import
    from weasyprint import HTML

    document = HTML(string=printable(html), base_url=None, url_fetcher=_fetcher())
    # No pdf_identifier: the file carries no random or time-based id (reproducible bytes).
    with _fonttools_subsetter(), _source_date(day):
        return document.write_pdf(font_config=font_config, pdf_identifier=None)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def printable(html: str) -> str:
    """Every character our fonts cannot draw (emoji, Arabic, rare Hanja in a bidder's name…) as its
    code point, `[U+1F600]`, so a reader can tell the characters apart and check them against the
    bid file; a missing-glyph box would look the same for all of them.

    Plain ASCII, so it is safe anywhere in the HTML: text, attributes, the charts' SVG. The report's
    own text is all covered (a test checks), and results.json keeps every name exactly."""
    covered = _covered()

    def code_point(match: re.Match[str]) -> str:
        char = match.group()
        return char if ord(char) in covered else f"[U+{ord(char):04X}]"

    return _NON_ASCII.sub(code_point, html)


@cache
def _covered() -> frozenset[int]:
    """Code points the bundled fonts map. The regular and bold fonts map the same ones (a test checks),
    so the regular font's map stands for both: reading a map takes a tenth of a second. fontTools comes
    with WeasyPrint."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(FONTS / REGULAR, lazy=True).getBestCmap())


_FONTTOOLS_WARNING = "Using fontTools instead of HarfBuzz-Subset"
_SUBSETTER_LOCK = threading.Lock()


class _NoFontToolsWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith(_FONTTOOLS_WARNING))


@contextmanager
def _fonttools_subsetter() -> Iterator[None]:
    """Subset the embedded fonts with fontTools, never HarfBuzz-subset, so a report is the same bytes
    on every machine whether or not that system library is installed (the two write different font
    programs). fontTools' output is fixed by its version, which archive manifests record, and its
    timestamp by _source_date. The price on the GPU sample: about 1 s more, 191 KB instead of 133 KB.

    WeasyPrint uses HarfBuzz-subset while `weasyprint.pdf.fonts.harfbuzz_subset` is set and logs a
    warning each time it uses fontTools: for the duration that attribute is None and that warning is
    filtered out. The lock is held throughout, as renders may run in threads; it also keeps another
    render from restoring SOURCE_DATE_EPOCH while this one writes."""
    import weasyprint
    from weasyprint.pdf import fonts

    if not hasattr(fonts, "harfbuzz_subset") or not hasattr(fonts.Font, "_fonttools_subset"):
        raise RuntimeError(
            f"WeasyPrint {weasyprint.__version__} no longer chooses its font subsetter through "
            "weasyprint.pdf.fonts.harfbuzz_subset: bideval cannot make it subset fonts with fontTools, so "
            "reports would depend on the system libraries; install a WeasyPrint version that has it (70 does)"
        )
    logger = logging.getLogger("weasyprint")
    quiet = _NoFontToolsWarning()
    with _SUBSETTER_LOCK:
        previous = fonts.harfbuzz_subset
        fonts.harfbuzz_subset = None
        logger.addFilter(quiet)
        try:
            yield
        finally:
            logger.removeFilter(quiet)
            fonts.harfbuzz_subset = previous


@contextmanager
def _source_date(day: date) -> Iterator[None]:
    """fontTools, which subsets the embedded fonts (see _fonttools_subsetter), stamps each font with
    the current time unless SOURCE_DATE_EPOCH is set: pin it to the evaluation date."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(day.timetuple()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


@cache
def _font_config():
    with _bundled_fonts_only():
        # weasyprint's first import loads a fontconfig configuration too (a check): let it see ours.
        from weasyprint.text.fonts import FontConfiguration

        return FontConfiguration()


# Font fallback must never reach the machine's fonts: a character Nanum Gothic lacks (emoji,
# Arabic, rare Hanja in a bidder's name) would be drawn with whatever font the machine has, and
# the PDF would differ between machines. FontConfiguration() loads fontconfig's configuration
# from FONTCONFIG_FILE at that call, so point it at a file that knows only our fonts folder: no
# system or user font dirs, no aliases, no cache written. Only fontconfig's stock synthetic
# oblique/bold rules are kept, so italic text prints as every earlier report printed it. Pango
# keeps that configuration for the font map of every render. A character none of our fonts has
# (none should reach it: see printable) would become Nanum Gothic's .notdef box, never another
# font. The variables are set only while the configuration loads and are restored after, under a
# lock: a library user's environment is left as it was.
FONTCONFIG_XML = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <config><rescan><int>0</int></rescan></config>
  <!-- fontconfig's stock 90-synthetic.conf: oblique (and bold) drawn from the regular face -->
  <match target="font">
    <test name="slant"><const>roman</const></test>
    <test target="pattern" name="slant" compare="not_eq"><const>roman</const></test>
    <edit name="matrix" mode="assign"><times><name>matrix</name>
      <matrix><double>1</double><double>0.2</double><double>0</double><double>1</double></matrix>
    </times></edit>
    <edit name="slant" mode="assign"><const>oblique</const></edit>
    <edit name="embeddedbitmap" mode="assign"><bool>false</bool></edit>
  </match>
  <match target="font">
    <test name="weight" compare="less_eq"><const>medium</const></test>
    <test target="pattern" name="weight" compare="more_eq"><const>bold</const></test>
    <edit name="embolden" mode="assign"><bool>true</bool></edit>
    <edit name="weight" mode="assign"><const>bold</const></edit>
  </match>
</fontconfig>
"""
_FONTCONFIG_LOCK = threading.Lock()


@contextmanager
def _bundled_fonts_only() -> Iterator[None]:
    names = ("FONTCONFIG_FILE", "FONTCONFIG_SYSROOT")  # a sysroot would prefix our folder's path
    with _FONTCONFIG_LOCK, tempfile.TemporaryDirectory(prefix="bideval-fontconfig-") as folder:
        conf = Path(folder) / "fonts.conf"
        conf.write_text(FONTCONFIG_XML.format(fonts=escape(str(FONTS))), encoding="utf-8")
        previous = {name: os.environ.get(name) for name in names}
        os.environ["FONTCONFIG_FILE"] = str(conf)
        os.environ.pop("FONTCONFIG_SYSROOT", None)
        try:
            yield
        finally:
            for name, value in previous.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _fetcher():
    from weasyprint.urls import URLFetcher

    class AssetsOnly(URLFetcher):
        """Serves files under bideval/render/assets via `bideval-asset:` URLs and refuses every other URL
        (file:, http:, data: …), so text from the inputs can never make the renderer fetch anything."""

        refused: ClassVar[list[str]] = []

        def fetch(self, url: str, headers=None):
            from weasyprint.urls import URLFetcherResponse

            if url.startswith(ASSET_SCHEME):
                relative = url[len(ASSET_SCHEME) :]
                path = (ASSETS / relative).resolve()
                if path.is_relative_to(ASSETS) and path.is_file():
                    return URLFetcherResponse(url, path.read_bytes())
            type(self).refused.append(url)
            raise ValueError(f"bideval fetches no external resources: {url[:80]}")

    return AssetsOnly()
