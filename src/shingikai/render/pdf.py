"""Stage 7d: put together. A meeting's packet from its typeset parts (typesetting.py) and
its attachments, with pypdf.

- **A packet** (packet.py): the sheets are typeset on their own (each with its running
  header), in runs of consecutive sheets, over the typesetting processes; the first run also
  lays out the packet's front (cover and 次第) once, to count its pages. Then, in parallel
  again, the front with the page each item starts on, and the frames: empty pages numbered
  from the page after the 次第. pypdf lays each frame over the page it stands for (a
  sheet's page, or an attachment's page as it is), then adds the outline, the page labels
  and the metadata. The pages are the content's, so pypdf never parses a sheet's text to
  put them together (it would cost it 20 ms a page). A separate front and frames cost
  WeasyPrint half of one document that resolves its page references itself
  (`target-counter()` lays it out again).
- **Attachments** are read before anything is typeset: a file named `.pdf` must be a PDF
  that opens without a password and whose pages can be read.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import NameObject, TextStringObject

from ..errors import RenderError

if TYPE_CHECKING:
    from .packet import Packet

# A PDF's header is within its first 1,024 bytes (ISO 32000-1, 7.5.2, as readers accept it).
_PDF_HEADER: Final = b"%PDF-"
_HEADER_WINDOW: Final = 1024

# pypdf reports what it repaired in a damaged file as log records, which Python would
# print in English: the attachment checks say what matters, in Japanese.
logging.getLogger("pypdf").addHandler(logging.NullHandler())


class AttachmentProblem(Exception):
    """Why an attachment's file cannot be bound into a packet: a Japanese reason, and what
    to do about it."""

    def __init__(self, reason: str, remedy: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.remedy = remedy


@dataclass(frozen=True)
class AttachmentPdf:
    reader: PdfReader
    # Each page's size as shown (its crop box, turned by its rotation), in points.
    sizes: tuple[tuple[float, float], ...]


def read_attachment(path: Path) -> AttachmentPdf:
    """The PDF at `path`, every page of it readable; else AttachmentProblem."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise AttachmentProblem("ファイルを読み込めません") from error
    if _PDF_HEADER not in data[:_HEADER_WINDOW]:
        raise AttachmentProblem("PDF ではありません")
    # A damaged file makes a PDF parser raise about anything: each is "cannot be read".
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise AttachmentProblem("暗号化されています", "パスワードを外した PDF にしてください")
        sizes = tuple(_shown_size(page) for page in reader.pages)
        for page in reader.pages:
            page.get_contents()
    except AttachmentProblem:
        raise
    except Exception as error:
        raise AttachmentProblem("壊れていて PDF として読めません") from error
    if not sizes:
        raise AttachmentProblem("ページが 1 枚もありません")
    return AttachmentPdf(reader, sizes)


def _shown_size(page: PageObject) -> tuple[float, float]:
    box = page.cropbox
    width, height = float(box.width), float(box.height)
    return (height, width) if page.rotation % 180 else (width, height)


@dataclass(frozen=True)
class PageSource:
    """Where a key's pages are: a PDF's pages from `start` on."""

    reader: PdfReader
    start: int = 0


def assemble(packet: Packet, front: bytes, frames: bytes, sources: dict[int, PageSource]) -> bytes:
    """The packet: the front's cover and 次第, then each page of a sheet or an attachment
    with its frame laid over it; its outline, page labels and metadata."""
    front_pages = PdfReader(io.BytesIO(front)).pages
    frame_pages = PdfReader(io.BytesIO(frames)).pages if frames else []
    contents = packet.frames
    if len(front_pages) != packet.first_number or len(frame_pages) != len(contents):
        raise RenderError("会議資料の組版が食い違っています（表紙と次第、各ページの番号のページ数が合いません）")
    writer = PdfWriter()
    for page in front_pages:
        writer.add_page(page)
    for content, frame in zip(contents, frame_pages):
        key, page = content.source
        source = sources[key]
        added = writer.add_page(source.reader.pages[source.start + page])
        if added.rotation:
            added.transfer_rotation_to_content()
        box = added.cropbox
        added.merge_transformed_page(frame, Transformation().translate(float(box.left), float(box.bottom)))
        added.compress_content_streams()
    _outline(writer, packet, packet.anchored_pages)
    writer.set_page_label(0, 0, prefix=packet.cover_label)
    if len(writer.pages) > 1:
        writer.set_page_label(1, len(writer.pages) - 1, style="/D", start=1)
    writer.add_metadata({"/Title": packet.agenda.title, "/Author": packet.author, "/Creator": "shingikai"})
    writer.root_object[NameObject("/Lang")] = TextStringObject("ja")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _outline(writer: PdfWriter, packet: Packet, anchors: dict[str, int]) -> None:
    """次第, the meeting's attachments, then 諮問事項 and 報告事項 with an entry for each item
    (leading to its sheet) and, under it, one for each of its case's attachments."""
    writer.add_outline_item(title=packet.agenda_label, page_number=anchors[packet.agenda_anchor])
    for bound in packet.attachments:
        if bound.anchor is not None:
            writer.add_outline_item(title=bound.title, page_number=anchors[bound.anchor])
    groups: dict[str, Any] = {}
    for part in packet.parts:
        if part.group not in groups:
            groups[part.group] = writer.add_outline_item(title=part.group, page_number=anchors[part.anchor])
        item = writer.add_outline_item(
            title=f"{part.label}　{part.title}", page_number=anchors[part.anchor], parent=groups[part.group]
        )
        for bound in part.attachments:
            if bound.anchor is not None:
                writer.add_outline_item(title=bound.title, page_number=anchors[bound.anchor], parent=item)
