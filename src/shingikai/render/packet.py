"""Stage 7a for print: a meeting's packet (会議資料) as a plain view model.

The packet is what the council is handed: a cover (the meeting's title, 日時, 場所), the
agenda page (次第) with the page on which each item and each attachment starts, the
meeting's attachments, then each sheet in agenda order followed by its case's
attachments. An attachment whose file is a PDF is bound in page for page; any other is
listed on the 次第 by its title, with why it is not bound.

typesetting.py typesets the sheets on their own (in parallel; each prints the meeting and its
agenda label at the top of its pages), then, also in parallel, the packet's *front*
(meeting.html.j2: the cover and the 次第, which prints the page each item starts on) and
its *frames* (frames.html.j2: one empty page for each page of a sheet or an attachment,
which carries only that page's number). Each frame says what goes under it
(`Frame.source`). The pages are numbered from the 次第 on (the cover has none): the first
frame is page `front_pages`, the count of the front's pages, which the front is typeset
once with a guess to learn (`Packet.front_pages` None) and checked against after.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar, Final

from .agenda import AgendaPage

# The @page of a sheet's frame: A4 portrait, as the sheet's.
SHEET_PAGE: Final = "sheet"


def sheet_anchor(source: int) -> str:
    """The id of a sheet's first page in the packet (what the 次第's rows refer to)."""
    return f"sheet-{source}"


def attachment_anchor(source: int) -> str:
    return f"attachment-{source}"


@dataclass(frozen=True, slots=True)
class PageSize:
    """An attachment page's size, in PostScript points, and the @page rule named for it."""

    name: str
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Bound:
    """An attachment as the packet has it."""

    title: str
    # The agenda label of its case (諮問事項（1）); "" for one of the meeting's.
    owner: str
    # Its pages' sizes, when its file is bound in; what the caller's `source` key names.
    pages: tuple[PageSize, ...] = ()
    source: int | None = None
    # Why its file is not bound in ("" when it is, or when it names no file).
    note: str = ""

    @property
    def anchor(self) -> str | None:
        return None if self.source is None else attachment_anchor(self.source)


@dataclass(frozen=True, slots=True)
class PacketPart:
    """One sheet of the packet: an agenda item, the pages of its sheet, its attachments."""

    # 諮問事項 or 報告事項, and the item's label in it (諮問事項（1）).
    group: str
    label: str
    title: str
    pages: int
    source: int
    attachments: tuple[Bound, ...]

    @property
    def anchor(self) -> str:
        return sheet_anchor(self.source)


@dataclass(frozen=True, slots=True)
class Frame:
    """One page of a sheet or an attachment, as the packet's frame document lays it out."""

    page: str
    # The id of the first page of a part or an attachment (the target of the 次第's page
    # references and of the outline).
    anchor: str | None
    # What goes under it: the caller's key of a sheet or an attachment, and its page.
    source: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Packet:
    cover_label: ClassVar[str] = "会議資料"
    page_column: ClassVar[str] = "ページ"
    # The 次第 itself in the outline.
    agenda_anchor: ClassVar[str] = "agenda"
    agenda_label: ClassVar[str] = "次第"
    # The agenda page, whose rows link to the parts' anchors.
    agenda: AgendaPage
    author: str
    attachments: tuple[Bound, ...]
    parts: tuple[PacketPart, ...]
    # The cover's and the 次第's pages (the number of the first frame); None while the
    # front is typeset to count them, before the sheets' pages are known: the 次第 then
    # gives each item a page as if the 次第 were one page, and each unknown sheet one page,
    # numbers as wide as the real ones, most likely (printing.py checks the count after).
    front_pages: int | None = None

    @property
    def first_number(self) -> int:
        """The number printed on the first frame's page, which is also its index in the
        packet (the cover is page 0, unnumbered)."""
        return 2 if self.front_pages is None else self.front_pages

    def page_of(self, anchor: str) -> int:
        """The number printed on the page where `anchor` (a part's or an attachment's, or a
        `#anchor` link of the 次第 to it) starts."""
        return self.anchored_pages[anchor.removeprefix("#")]

    @property
    def anchored_pages(self) -> dict[str, int]:
        """The page (index in the packet, and number printed on it) of every anchor, the 次第's too."""
        frames = enumerate(self.frames, start=self.first_number)
        return {self.agenda_anchor: 1, **{frame.anchor: page for page, frame in frames if frame.anchor is not None}}

    @property
    def listed(self) -> tuple[Bound, ...]:
        """Every attachment in the order the packet has them: the 次第's 会議資料."""
        return (*self.attachments, *(bound for part in self.parts for bound in part.attachments))

    @property
    def page_sizes(self) -> tuple[PageSize, ...]:
        sizes: dict[str, PageSize] = {}
        for bound in self.listed:
            for size in bound.pages:
                sizes.setdefault(size.name, size)
        return tuple(sizes.values())

    @property
    def frames(self) -> tuple[Frame, ...]:
        return tuple(self._frames())

    def _frames(self) -> Iterator[Frame]:
        for bound in self.attachments:
            yield from _attachment_frames(bound)
        for part in self.parts:
            for page in range(part.pages):
                yield Frame(SHEET_PAGE, part.anchor if page == 0 else None, (part.source, page))
            for bound in part.attachments:
                yield from _attachment_frames(bound)


def _attachment_frames(bound: Bound) -> Iterator[Frame]:
    if bound.source is None:
        return
    for page, size in enumerate(bound.pages):
        yield Frame(size.name, bound.anchor if page == 0 else None, (bound.source, page))


def page_sizes(sizes: Sequence[tuple[float, float]]) -> tuple[PageSize, ...]:
    """Named sizes for an attachment's pages: one @page rule for each size (to the point)."""
    return tuple(PageSize(f"paper-{round(width)}x{round(height)}", width, height) for width, height in sizes)
