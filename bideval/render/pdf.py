"""report.pdf: the HTML report printed by WeasyPrint, fetching nothing but our own assets.

WeasyPrint is imported here only, so commands that do not render PDFs stay fast.
"""

from __future__ import annotations

import calendar
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bideval.render.html import render_html
from bideval.result import Result

if TYPE_CHECKING:
    from bideval.analysis.run import Analysis

ASSETS = Path(__file__).resolve().parent.parent / "assets"
ASSET_SCHEME = "bideval-asset:"


def render_pdf(result: Result, lang: str, analysis: Analysis | None = None) -> bytes:
    from weasyprint import HTML

    html = HTML(string=render_html(result, lang, analysis), base_url=None, url_fetcher=_fetcher())
    # No pdf_identifier: the file carries no random or time-based id (reproducible bytes).
    with _source_date(result.rubric.evaluation_date):
        return html.write_pdf(font_config=_font_config(), pdf_identifier=None)


@contextmanager
def _source_date(day: date) -> Iterator[None]:
    """Font subsetting with fontTools (used when HarfBuzz-subset is missing) stamps the font with
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
def _font_config():  # noqa: ANN202 - weasyprint type, imported lazily
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _fetcher():  # noqa: ANN202
    from weasyprint.urls import URLFetcher

    class AssetsOnly(URLFetcher):
        """Serves files under bideval/assets via `bideval-asset:` URLs and refuses every other URL
        (file:, http:, data: …), so text from the inputs can never make the renderer fetch anything."""

        refused: list[str] = []

        def fetch(self, url: str, headers=None):  # noqa: ANN001, ANN201 - WeasyPrint's signature
            from weasyprint.urls import URLFetcherResponse

            if url.startswith(ASSET_SCHEME):
                relative = url[len(ASSET_SCHEME) :]
                path = (ASSETS / relative).resolve()
                if path.is_relative_to(ASSETS) and path.is_file():
                    return URLFetcherResponse(url, path.read_bytes())
            type(self).refused.append(url)
            raise ValueError(f"bideval fetches no external resources: {url[:80]}")

    return AssetsOnly()
