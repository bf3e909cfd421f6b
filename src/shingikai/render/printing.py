"""Stage 7b for PDF: admitted cases and meetings to PDF files, all or nothing.

- one case, `-o FILE.pdf`: its sheet;
- one meeting, `-o FILE.pdf`: its packet (会議資料, see packet.py): cover, 次第, the
  meeting's attachments, each sheet in agenda order followed by its case's attachments;
- a directory: a packet `<meeting>.pdf` for each meeting given, and a sheet `<case>.pdf`
  for each case given (on an agenda or not: a packet is the meeting's papers, a sheet
  is the one to file with its case).

A PDF links to no file: a sheet names its attachments by title, and a packet binds in
those that are PDFs. Before anything is typeset every attachment to bind is read: one
that is missing, outside the repository, or not a readable PDF stops the render (exit 1)
with its file and line; with --force it is left out and the 次第 says why. Then the
sheets are typeset (in parallel), the packets' frames, and the files are written as
the other formats' are.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from pypdf import PdfReader

from ..errors import Blocked, RenderError
from ..lint.shelf import load
from ..model.agenda import Found, agenda_label
from ..model.case import Attachment
from ..repository import attachment_target
from .agenda import AgendaSheet, build_agenda
from .packet import Bound, Packet, PacketPart, page_sizes, sheet_anchor
from .pdf import AttachmentProblem, PageSource, assemble, read_attachment
from .publish import Admitted, Destination, Publishable, PublishableMeeting, Site, sheet_view, write_atomic, write_site
from .sheet import MeetingMark, Sheet, attachment_file, no_link
from .templates import Paged, Renderer
from .typesetting import Printable, Typesetter, runs, typeset

PDF_SUFFIX: Final = ".pdf"
# A packet's sheets are keyed from 0 in agenda order, its attachments from here on.
_FIRST_ATTACHMENT_KEY: Final = 1_000_000
# How many times a packet's front and frames are typeset before its page count is given up
# on: a 次第 whose real page numbers change its length is rare, one that keeps changing it
# is not a layout.
_TRIES: Final = 3


@dataclass(frozen=True)
class _PlannedSheet:
    group: str
    label: str
    sheet: Sheet
    printable: Printable
    attachments: tuple[Bound, ...]


@dataclass
class _PlannedPacket:
    """A packet before its sheets are typeset: their HTML, its attachments read."""

    name: str
    meeting: PublishableMeeting
    paged: Paged
    items: list[AgendaSheet] = field(default_factory=list)
    sheets: list[_PlannedSheet] = field(default_factory=list)
    attachments: tuple[Bound, ...] = ()
    # The pages of each sheet (once typeset) and of each attachment, by key.
    sources: dict[int, PageSource] = field(default_factory=dict)
    pages: dict[int, int] = field(default_factory=dict)


class _Binder:
    """Reads the attachments a packet binds; keeps why one cannot be, with its position."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def bind(
        self, attachments: Sequence[Attachment], source_file: Path, root: Path, owner: str, packet: _PlannedPacket
    ) -> tuple[Bound, ...]:
        return tuple(
            self._one(attachment, index, source_file, root, owner, packet) for index, attachment in enumerate(attachments)
        )

    def _one(
        self, attachment: Attachment, index: int, source_file: Path, root: Path, owner: str, packet: _PlannedPacket
    ) -> Bound:
        if attachment.file is None:
            return Bound(attachment.title, owner)
        target = attachment_file(attachment.file, source_file, root)
        if target is None:
            inside = attachment_target(attachment.file, source_file.resolve().parent, root.resolve()) is not None
            problem = AttachmentProblem(
                "ファイルがありません" if inside else "リポジトリの外のファイルです",
                f"{source_file.parent} からの相対パスで書いてください" if inside else "リポジトリの中に置いてください",
            )
            return self._refuse(attachment, index, source_file, owner, problem)
        if target.suffix.lower() != PDF_SUFFIX:
            return Bound(attachment.title, owner, note="PDF でないため綴じていません")
        try:
            read = read_attachment(target)
        except AttachmentProblem as problem:
            return self._refuse(attachment, index, source_file, owner, problem)
        key = _FIRST_ATTACHMENT_KEY + len(packet.sources)
        packet.sources[key] = PageSource(read.reader)
        return Bound(attachment.title, owner, pages=page_sizes(read.sizes), source=key)

    def _refuse(self, attachment: Attachment, index: int, source_file: Path, owner: str, problem: AttachmentProblem) -> Bound:
        where = _position(source_file, ("attachments", index, "file"))
        remedy = f"。{problem.remedy}" if problem.remedy else ""
        self.problems.append(f"{where}: 資料「{attachment.title}」（{attachment.file}）を綴じられません: {problem.reason}{remedy}")
        return Bound(attachment.title, owner, note=f"綴じていません: {problem.reason}")


def _position(path: Path, key: tuple[str, int, str]) -> str:
    """「file:line:column」 of a value, for a message about it (the file as given)."""
    document = load(str(path)).document
    if document is None:
        return str(path)
    span = document.location(key).anchor
    return f"{path}:{span.line}:{span.column}"


def publish_pdf(
    renderer: Renderer,
    destination: Destination,
    admitted: Admitted,
    typesetter: Typesetter,
    *,
    force: bool,
    notify: Callable[[str], None],
) -> str:
    """Typeset everything in memory, then write it; a sentence saying what was written."""
    if destination.path is None:
        raise RenderError("PDF は標準出力には書き出しません。-o で出力先のファイル（.pdf）かディレクトリを指定してください")
    if destination.directory:
        meetings, cases = admitted.meetings, admitted.cases
    else:
        meetings, cases = admitted.meetings[:1], ([] if admitted.meetings else admitted.cases[:1])
    binder = _Binder()
    packets = [_plan_packet(meeting, admitted, renderer, typesetter, binder) for meeting in meetings]
    for problem in binder.problems:
        notify(problem)
    if binder.problems and not force:
        raise Blocked("綴じられない資料があるため、何も出力しませんでした（資料のファイルを直すか、--force でその資料を除いて出力します）")
    sheets = [_sheet_printable(case, renderer, typesetter) for case in cases]
    outputs = _typeset(typesetter, renderer, packets, sheets)
    if not destination.directory:
        destination.prepare()
        write_atomic(destination.path, outputs[0])
        return f"{destination.path} に書き出しました"
    site = Site(renderer)
    for packet, pdf in zip(packets, outputs):
        site.add(packet.name, pdf, packet.meeting.path)
    for case, pdf in zip(cases, outputs[len(packets) :]):
        site.add(site.name("", case.path.stem), pdf, case.path)
    write_site(destination, site)
    written = [f"会議資料 {len(packets)} 件" if packets else "", f"シート {len(cases)} 件" if cases else ""]
    return f"{destination.path} に{'と'.join(part for part in written if part)}の PDF を書き出しました"


def _paged(publishable: Publishable | PublishableMeeting, typesetter: Typesetter, *, framed: bool = False) -> Paged:
    config = publishable.config.config
    return Paged(typesetter.font(config.pdf_font), config.council, framed)


def _sheet_printable(case: Publishable, renderer: Renderer, typesetter: Typesetter) -> Printable:
    paged = _paged(case, typesetter)
    return Printable(renderer.sheet(sheet_view(case, no_link), paged), renderer.stylesheet(paged))


def _plan_packet(
    meeting: PublishableMeeting, admitted: Admitted, renderer: Renderer, typesetter: Typesetter, binder: _Binder
) -> _PlannedPacket:
    title = meeting.meeting.title(meeting.config.config.council)
    framed = _paged(meeting, typesetter, framed=True)
    # Every sheet of the packet is printed with it: rendered once.
    framed_style = renderer.stylesheet(framed)
    packet = _PlannedPacket(renderer.file_name(meeting.path.stem), meeting, _paged(meeting, typesetter))
    packet.attachments = binder.bind(meeting.meeting.attachments, meeting.path, meeting.root, "", packet)
    found = {(entry.agenda.key, entry.index): entry for entry in meeting.agenda}
    keys: dict[str, int] = {}
    for agenda, index, item in meeting.meeting.items():
        entry = found.get((agenda.key, index))
        case = admitted.by_file.get(str(entry.target)) if entry is not None and entry.found is Found.CASE else None
        if case is None:
            packet.items.append(AgendaSheet(None, None, item.case))
            continue
        real = os.path.realpath(case.path)
        if real not in keys:
            # A case twice on one agenda (E502, forced) is printed once, at its first place.
            label = agenda_label(agenda, index)
            sheet = sheet_view(case, no_link, MeetingMark(title, label, None))
            attachments = binder.bind(case.case.attachments, case.path, case.root, label, packet)
            keys[real] = len(packet.sheets)
            printable = Printable(renderer.sheet(sheet, framed), framed_style)
            packet.sheets.append(_PlannedSheet(agenda.label, label, sheet, printable, attachments))
        key = keys[real]
        packet.items.append(AgendaSheet(packet.sheets[key].sheet, f"#{sheet_anchor(key)}", item.case))
    return packet


def _typeset(
    typesetter: Typesetter, renderer: Renderer, packets: Sequence[_PlannedPacket], sheets: Sequence[Printable]
) -> list[bytes]:
    """The packets' PDFs, then the sheets': every sheet typeset at once, the packets' in
    runs (one a worker, the first also counting the pages of its packet's front), then the
    packets' fronts and frames, then each packet put together."""
    # A job: its packet (None for a sheet alone), the keys of the packet's sheets it has.
    jobs: list[tuple[_PlannedPacket | None, list[int], list[Printable]]] = []
    for packet in packets:
        # The front first: it is counted, not kept, and the first run leaves it out.
        printables = [_front(renderer, packet, _view(packet, None)), *(planned.printable for planned in packet.sheets)]
        for run in runs([len(printable.html) for printable in printables], typesetter.workers):
            jobs.append((packet, [number - 1 for number in run if number], [printables[number] for number in run]))
    jobs += [(None, [], [printable]) for printable in sheets]
    alone: list[bytes] = []
    front_pages: dict[int, int] = {}
    for (packet, keys, printables), (pdf, counts) in zip(jobs, typesetter.map(typeset, [job[2] for job in jobs])):
        if packet is None:
            alone.append(pdf)
            continue
        if not printables[0].kept:
            front_pages[id(packet)], *counts = counts
        if not keys:
            continue
        reader, start = PdfReader(io.BytesIO(pdf)), 0
        for key, count in zip(keys, counts):
            packet.sources[key] = PageSource(reader, start)
            packet.pages[key] = count
            start += count
    return [*_put_together(typesetter, renderer, packets, front_pages), *alone]


def _put_together(
    typesetter: Typesetter, renderer: Renderer, packets: Sequence[_PlannedPacket], front_pages: dict[int, int]
) -> list[bytes]:
    """Each packet from its front and its frames, typeset for the count of its front's pages;
    again for a packet whose front, with its real page numbers, came out longer or shorter
    than counted."""
    done: dict[int, bytes] = {}
    for _ in range(_TRIES):
        pending = [(packet, _view(packet, front_pages[id(packet)])) for packet in packets if id(packet) not in done]
        if not pending:
            break
        jobs = [[_front(renderer, packet, view)] for packet, view in pending]
        jobs += [[_frames(renderer, packet, view)] for packet, view in pending if view.frames]
        typeset_jobs = iter(typesetter.map(typeset, jobs))
        fronts = [next(typeset_jobs) for _ in pending]
        for (packet, view), (front, (pages,)) in zip(pending, fronts):
            frames = next(typeset_jobs)[0] if view.frames else b""
            if pages == view.first_number:
                done[id(packet)] = assemble(view, front, frames, packet.sources)
            else:
                front_pages[id(packet)] = pages
    if len(done) < len(packets):
        raise RenderError("会議資料の次第のページ数が定まらず、ページ番号を付けられません")
    return [done[id(packet)] for packet in packets]


def _front(renderer: Renderer, packet: _PlannedPacket, view: Packet) -> Printable:
    """The packet's cover and 次第 as `view` numbers them; while the front's pages are not
    known (`front_pages` None), laid out only to count them."""
    return Printable(renderer.agenda(view.agenda, packet.paged, view), renderer.stylesheet(packet.paged), kept=view.front_pages is not None)


def _frames(renderer: Renderer, packet: _PlannedPacket, view: Packet) -> Printable:
    return Printable(renderer.frames(view.agenda, packet.paged, view))


def _view(packet: _PlannedPacket, front_pages: int | None) -> Packet:
    """The packet's view model; before its sheets are typeset (front_pages None), with one
    page for each sheet."""
    meeting = packet.meeting
    config = meeting.config.config
    parts = tuple(
        PacketPart(planned.group, planned.label, planned.sheet.title, packet.pages.get(key, 1), key, planned.attachments)
        for key, planned in enumerate(packet.sheets)
    )
    agenda = build_agenda(
        meeting.meeting,
        config,
        packet.items,
        meeting_file=meeting.path,
        repository_root=meeting.root,
        link=no_link,
        findings=meeting.findings,
    )
    return Packet(agenda=agenda, author=config.council, attachments=packet.attachments, parts=parts, front_pages=front_pages)
