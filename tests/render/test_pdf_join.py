"""A long report printed in parts and joined (render/pdf.py, render/html.py report_parts, render/pdf_join.py)
reads exactly as the same report printed as one document, and its bytes depend on nothing but its inputs."""

from __future__ import annotations

import io
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from bideval import workers
from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
from bideval.render import pdf as pdf_module
from bideval.render.html import BIDS_PER_PART, ONE_PART_BIDS, render_html, report_parts

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from synthetic import write_programme


@pytest.mark.parametrize(
    ("bids", "sizes"),
    [(1, [1]), (4, [4]), (ONE_PART_BIDS, [ONE_PART_BIDS]), (13, [6, 7]), (50, [25, 25]), (51, [17, 17, 17]),
     (300, [25] * 12)],
)  # fmt: skip
def test_a_report_is_cut_by_its_bid_count_only(bids, sizes):
    result = SimpleNamespace(bids=[f"b{n}" for n in range(bids)])
    parts = report_parts(result)
    assert [len(p.bids) for p in parts] == sizes
    assert [b for p in parts for b in p.bids] == result.bids  # every bid once, in the report's order
    assert [p.front for p in parts] == [True] + [False] * (len(parts) - 1)
    assert [p.back for p in parts] == [False] * (len(parts) - 1) + [True]
    assert all(p.furniture == (len(parts) == 1) for p in parts)  # parts leave header and footer to the join
    assert max(sizes) <= max(BIDS_PER_PART, ONE_PART_BIDS)


@pytest.fixture(scope="module")
def fourteen(tmp_path_factory):
    rubric, bids = write_programme(tmp_path_factory.mktemp("p14"), 14)
    return evaluate(load_inputs(rubric, bids))


@pytest.fixture(scope="module")
def joined(fourteen):
    return pdf_module.render_pdf(fourteen, "ko")


def _outline(reader: PdfReader, items=None) -> list:
    """(title, page number, children) for every bookmark."""
    out: list = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            out[-1] = (*out[-1][:2], _outline(reader, item))
        else:
            out.append((item.title, reader.get_destination_page_number(item), []))
    return out


def test_a_report_printed_in_parts_reads_as_the_whole_printed_at_once(fourteen, joined):
    """Page for page the same text — header, footer "n / N", every table — and the same bookmarks and
    document facts as the report printed as a single document by WeasyPrint."""
    assert len(report_parts(fourteen)) == 2
    whole = pdf_module.print_html(render_html(fourteen, "ko"), fourteen.rubric.evaluation_date)
    parts, single = PdfReader(io.BytesIO(joined)), PdfReader(io.BytesIO(whole))
    assert len(parts.pages) == len(single.pages) > 14
    for number, (a, b) in enumerate(zip(parts.pages, single.pages, strict=True), start=1):
        assert a.extract_text() == b.extract_text(), f"page {number}"
    last = single.pages[-1].extract_text()
    assert f"{len(single.pages)} / {len(single.pages)}" in last
    assert _outline(parts) == _outline(single)
    assert _outline(parts)[0][0] == "Benchmark" and len(_outline(parts)) == 1  # everything under the title
    for key in ("/Title", "/Creator", "/CreationDate", "/ModDate"):
        assert parts.metadata[key] == single.metadata[key]
    assert parts.metadata["/Producer"].startswith("WeasyPrint ") and "pypdf" in parts.metadata["/Producer"]
    assert parts.trailer["/Root"]["/Lang"] == single.trailer["/Root"]["/Lang"] == "ko"


def test_the_first_page_has_no_running_header(joined):
    first, second = (page.extract_text() for page in PdfReader(io.BytesIO(joined)).pages[:2])
    assert first.count("Benchmark") == 1 and "2025-01-01" in first  # the title and date of the cover itself
    assert second.count("Benchmark") == 1 and "2 / " in second  # the running header, once


def test_the_same_bytes_whatever_runs_the_parts(fourteen, joined, monkeypatch):
    """One process, forked workers, spawned workers: the cut is the same, so are the bytes."""
    monkeypatch.setattr(workers, "cores", lambda: 2)
    assert pdf_module.render_pdf(fourteen, "ko") == joined  # forked (Linux, one thread) or spawned
    monkeypatch.setattr(threading, "active_count", lambda: 2)  # as in a threaded program: spawned
    assert pdf_module.render_pdf(fourteen, "ko") == joined
    monkeypatch.setattr(workers, "cores", lambda: 1)  # one core: in this process, one part after the other
    assert pdf_module.render_pdf(fourteen, "ko") == joined
