"""Stage 7c: print. HTML from the templates to PDF with WeasyPrint; a meeting's packet put
together with pypdf.

- **Fonts.** Every glyph must come from an embedded Japanese font: before anything is
  typeset, fontconfig (the font library WeasyPrint's Pango draws with, through the same
  configuration) is asked for the fonts that cover Japanese; the configured `pdf_font`,
  else the first installed of `PREFERRED_FONTS`, else the first found, is the print
  stylesheet's only family. With none, the render stops, naming the package to install.
- **Nothing is fetched.** The templates load nothing; WeasyPrint is given a fetcher that
  refuses every URL, so that no text of a case can make it read a file or the network.
- **A packet** (packet.py): the sheets are typeset on their own (each with its running
  header), in runs of consecutive sheets, over the processes of a pool (one a core: a
  sheet costs WeasyPrint 0.15–0.3 s); the first run also lays out the packet's front
  (cover and 次第) once, to count its pages. Then, in parallel again, the front with the
  page each item starts on, and the frames: empty pages numbered from the page after the
  次第. pypdf lays each frame over the page it stands for (a sheet's page, or an
  attachment's page as it is), then adds the outline, the page labels and the metadata.
  The pages are the content's, so pypdf never parses a sheet's text to put them together
  (it would cost it 20 ms a page). A separate front and frames cost WeasyPrint half of one
  document that resolves its page references itself (`target-counter()` lays it out again).
- **The stylesheet** is given to WeasyPrint apart from the HTML, parsed once in each
  process: parsing it in each sheet cost 10 ms of a sheet's 200.
- **Attachments** are read before anything is typeset: a file named `.pdf` must be a PDF
  that opens without a password and whose pages can be read.
"""

from __future__ import annotations

import functools
import io
import logging
import multiprocessing
import os
import shutil
import subprocess
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, TypeVar

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import NameObject, TextStringObject

from ..errors import RenderError
from .templates import css_string

if TYPE_CHECKING:
    from .packet import Packet

# The Japanese fonts tried in order when the configuration names none: Debian's IPAex
# (fonts-ipaexfont) and Noto CJK (fonts-noto-cjk), Mincho before Gothic as on the form.
PREFERRED_FONTS: Final = (
    "IPAexMincho",
    "IPAMincho",
    "Noto Serif CJK JP",
    "IPAexGothic",
    "IPAGothic",
    "Noto Sans CJK JP",
)
INSTALL_FONT: Final = "Debian・Ubuntu では `sudo apt-get install fonts-ipaexfont`（または fonts-noto-cjk）で入れてください"
INSTALL_PANGO: Final = (
    "Debian・Ubuntu では `sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0` で入れてください"
)

# A PDF's header is within its first 1,024 bytes (ISO 32000-1, 7.5.2, as readers accept it).
_PDF_HEADER: Final = b"%PDF-"
_HEADER_WINDOW: Final = 1024

# pypdf reports what it repaired in a damaged file as log records, which Python would
# print in English: the attachment checks say what matters, in Japanese.
logging.getLogger("pypdf").addHandler(logging.NullHandler())


def japanese_fonts() -> list[str]:
    """The families fontconfig has that cover Japanese, each with all its names
    (`IPAexMincho,IPAex明朝`), in fontconfig's order."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise RenderError(f"PDF の出力に必要な fontconfig（fc-list）が見つかりません。{INSTALL_PANGO}")
    try:
        listed = subprocess.run(
            [fc_list, ":lang=ja", "family"], capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise RenderError(f"フォントの一覧（fc-list）を得られません（{error}）") from error
    return [line.strip() for line in listed.stdout.splitlines() if line.strip()]


def choose_font(configured: str, installed: Sequence[str]) -> str:
    """The family to print with: `configured` if it is installed, else the first installed
    of PREFERRED_FONTS, else the first installed."""
    names = {name.strip().casefold(): family.split(",")[0].strip() for family in installed for name in family.split(",")}
    if configured:
        if configured.strip().casefold() not in names:
            found = "、".join(sorted({family.split(",")[0].strip() for family in installed})) or "なし"
            raise RenderError(
                f"設定の pdf_font「{configured}」は、日本語を表示できるフォントとして見つかりません"
                f"（見つかった日本語のフォント: {found}）。フォントを入れるか、pdf_font を直してください。{INSTALL_FONT}"
            )
        return names[configured.strip().casefold()]
    for preferred in PREFERRED_FONTS:
        if preferred.casefold() in names:
            return names[preferred.casefold()]
    if not installed:
        raise RenderError(f"日本語のフォントが見つからないため、PDF を出力できません（文字が空白の四角になります）。{INSTALL_FONT}")
    return installed[0].split(",")[0].strip()


def _weasyprint() -> Any:
    """WeasyPrint, or why it cannot run: it draws text with Pango, a system library."""
    try:
        # Without fonts it warns in English as it is imported; the font check says so in
        # Japanese, and stops.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            import weasyprint
    except OSError as error:
        raise RenderError(f"PDF の出力に必要なライブラリ（Pango）が見つかりません。{INSTALL_PANGO}（{error}）") from error
    return weasyprint


def _no_fetching() -> Any:
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):  # type: ignore[misc]
        """A sheet is self-contained: any URL in one is refused, never read."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"shingikai does not fetch {url}")

    return NoFetching()


@dataclass(frozen=True)
class Printable:
    """A document to typeset: its HTML, the stylesheet it is printed with, and whether its
    pages are wanted (`kept`) or only counted."""

    html: str
    stylesheet: str = ""
    kept: bool = True


@functools.lru_cache(maxsize=8)
def _stylesheet(text: str) -> Any:
    return _weasyprint().CSS(string=text, url_fetcher=_no_fetching())


def _document(printable: Printable) -> Any:
    weasyprint = _weasyprint()
    stylesheets = [_stylesheet(printable.stylesheet)] if printable.stylesheet else None
    return weasyprint.HTML(string=printable.html, url_fetcher=_no_fetching()).render(stylesheets=stylesheets)


def typeset(printables: Sequence[Printable]) -> tuple[bytes, tuple[int, ...]]:
    """The kept documents as the pages of one PDF (so that they share one subset of each
    font; empty when none is kept), and how many pages each document has."""
    documents = [_document(printable) for printable in printables]
    pages = [page for printable, document in zip(printables, documents) if printable.kept for page in document.pages]
    pdf: bytes = documents[0].copy(pages).write_pdf() if pages else b""
    return pdf, tuple(len(document.pages) for document in documents)


T = TypeVar("T")
R = TypeVar("R")


class Typesetter:
    """Typesetting for one render: in this process, or over `processes` processes (at most
    one a core), started at once: they load WeasyPrint and lay out a line of Japanese while
    this process checks the files. With processes, every document is typeset in them (the
    fronts and frames too), so that this process never loads WeasyPrint nor starts Pango."""

    def __init__(self, *, processes: int) -> None:
        self.workers = max(1, min(processes, os.cpu_count() or 1))
        self._fonts: list[str] | None = None
        self._pool: Executor | None = None
        if processes > 0:
            # Forked, a worker starts with shingikai imported; WeasyPrint it loads itself.
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_warm_up)
            # The pool starts its processes with the first job.
            self._pool.submit(len, ())

    def font(self, configured: str) -> str:
        if self._fonts is None:
            self._fonts = japanese_fonts()
        return choose_font(configured, self._fonts)

    def map(self, function: Callable[[T], R], jobs: Sequence[T]) -> list[R]:
        """`function` of each job, in order."""
        if self._pool is None:
            return [function(job) for job in jobs]
        return list(self._pool.map(function, jobs))

    def __enter__(self) -> Typesetter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown()


def _warm_up() -> None:
    """A worker's first steps, which its first sheet would otherwise wait for: WeasyPrint
    loaded, fontconfig read, a Japanese font opened. A pool whose initializer raises is
    broken for every job, with no word of why: whatever fails here is let be, to fail again,
    with its message, in the worker's first job."""
    try:
        font = choose_font("", japanese_fonts())
        _document(Printable('<html lang="ja"><body>狛江</body></html>', f"html {{ font-family: {css_string(font)}; }}"))
    except Exception:  # noqa: BLE001 - said above
        return


def runs(weights: Sequence[int], count: int) -> list[range]:
    """`weights` split into at most `count` consecutive runs of about equal weight."""
    total = sum(weights)
    result: list[range] = []
    start = 0
    for run in range(count):
        if start >= len(weights):
            break
        end = start + 1
        goal = total * (run + 1) / count
        done = sum(weights[:end])
        while end < len(weights) and done + weights[end] / 2 <= goal:
            done += weights[end]
            end += 1
        if run == count - 1:
            end = len(weights)
        result.append(range(start, end))
        start = end
    return result


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
