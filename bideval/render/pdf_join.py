"""A report printed in parts, joined into one PDF (pypdf).

Each part comes from WeasyPrint without running header or footer, because a part cannot know its page
numbers; the furniture document has one blank page per report page carrying exactly those (the
report's own @page rules). Joining lays each furniture page over its report page, keeps every part's
bookmarks under the report's title as one printed document would have them, and gives the whole
the metadata of its first part. pypdf writes in a fixed order and adds no random identifier, so the
same parts give the same bytes; its version is recorded in archive manifests.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf import __version__ as pypdf_version
from pypdf.generic import Fit, NameObject


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def join(parts: list[bytes], furniture: bytes) -> bytes:
    readers = [PdfReader(io.BytesIO(part)) for part in parts]
    writer = PdfWriter()
    offsets = []
    for reader in readers:
        offsets.append(len(writer.pages))
        for page in reader.pages:
            writer.add_page(page)
    for page, sheet in zip(writer.pages, PdfReader(io.BytesIO(furniture)).pages, strict=True):
        page.merge_page(sheet)
        page.compress_content_streams()  # merging writes the page's drawing uncompressed
    _join_outlines(writer, readers, offsets)
    _copy_document_facts(writer, readers[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _join_outlines(writer: PdfWriter, readers: list[PdfReader], offsets: list[int]) -> None:
    """The first part's bookmarks as they are (the report's title, with the front's headings under it);
    every later part's top-level headings under that title too, where they sit in the whole report."""
    title = None
    for number, (reader, offset) in enumerate(zip(readers, offsets, strict=True)):
        added = _copy_outline(writer, reader, reader.outline, offset, parent=title)
        if number == 0 and len(added) == 1:
            title = added[0]


def _copy_outline(writer: PdfWriter, reader: PdfReader, items: list, offset: int, parent) -> list:
    """pypdf reads an outline as a list where a nested list holds the children of the item before it."""
    added: list = []
    for item in items:
        if isinstance(item, list):
            _copy_outline(writer, reader, item, offset, parent=added[-1])
            continue
        page = offset + reader.get_destination_page_number(item)
        fit = Fit.xyz(item.left, item.top, item.zoom) if item.typ == "/XYZ" else Fit.fit()
        added.append(writer.add_outline_item(title=item.title, page_number=page, parent=parent, fit=fit))
    return added


def _copy_document_facts(writer: PdfWriter, first: PdfReader) -> None:
    """Title, creator, dates (the rubric's evaluation date) and language, as WeasyPrint wrote them."""
    writer.pdf_header = first.pdf_header
    facts = dict(first.metadata or {})
    facts["/Producer"] = f"{facts.get('/Producer', 'WeasyPrint')}; joined by pypdf {pypdf_version}"
    writer.add_metadata(facts)
    language = first.trailer["/Root"].get("/Lang")
    if language is not None:
        writer.root_object[NameObject("/Lang")] = language
