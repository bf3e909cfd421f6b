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
from .pdf import AttachmentProblem, PageSource, Typesetter, assemble, read_attachment, runs, typeset_frame, typeset_run
from .publish import Admitted, Destination, Publishable, PublishableMeeting, Site, sheet_view, write_atomic, write_site
from .sheet import MeetingMark, Sheet, attachment_file, no_link
from .templates import Paged, Renderer

PDF_SUFFIX: Final = ".pdf"
# A packet's sheets are keyed from 0 in agenda order, its attachments from here on.
_FIRST_ATTACHMENT_KEY: Final = 1_000_000


@dataclass(frozen=True)
class _PlannedSheet:
    group: str
    label: str
    sheet: Sheet
    html: str
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
    renderer: Renderer, destination: Destination, admitted: Admitted, *, force: bool, notify: Callable[[str], None]
) -> str:
    """Typeset everything in memory, then write it; a sentence saying what was written."""
    if destination.path is None:
        raise RenderError("PDF は標準出力には書き出しません。-o で出力先のファイル（.pdf）かディレクトリを指定してください")
    if destination.directory:
        meetings, cases = admitted.meetings, admitted.cases
    else:
        meetings, cases = admitted.meetings[:1], ([] if admitted.meetings else admitted.cases[:1])
    binder = _Binder()
    with Typesetter(parallel=bool(meetings) or len(cases) > 1) as typesetter:
        packets = [_plan_packet(meeting, admitted, renderer, typesetter, binder) for meeting in meetings]
        for problem in binder.problems:
            notify(problem)
        if binder.problems and not force:
            raise Blocked("綴じられない資料があるため、何も出力しませんでした（資料のファイルを直すか、--force でその資料を除いて出力します）")
        sheets = [_sheet_html(case, renderer, typesetter) for case in cases]
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


def _sheet_html(case: Publishable, renderer: Renderer, typesetter: Typesetter) -> str:
    return renderer.sheet(sheet_view(case, no_link), _paged(case, typesetter))


def _plan_packet(
    meeting: PublishableMeeting, admitted: Admitted, renderer: Renderer, typesetter: Typesetter, binder: _Binder
) -> _PlannedPacket:
    title = meeting.meeting.title(meeting.config.config.council)
    framed = _paged(meeting, typesetter, framed=True)
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
            packet.sheets.append(_PlannedSheet(agenda.label, label, sheet, renderer.sheet(sheet, framed), attachments))
        key = keys[real]
        packet.items.append(AgendaSheet(packet.sheets[key].sheet, f"#{sheet_anchor(key)}", item.case))
    return packet


def _typeset(
    typesetter: Typesetter, renderer: Renderer, packets: Sequence[_PlannedPacket], sheets: Sequence[str]
) -> list[bytes]:
    """The packets' PDFs, then the sheets': every sheet typeset at once, the packets' in
    runs (one a worker), then the packets' frames, then each packet put together."""
    jobs: list[tuple[_PlannedPacket | None, range]] = []
    for packet in packets:
        jobs += [(packet, run) for run in runs([len(planned.html) for planned in packet.sheets], typesetter.workers)]
    jobs += [(None, range(number, number + 1)) for number in range(len(sheets))]
    documents = [[packet.sheets[key].html for key in run] if packet else [sheets[run[0]]] for packet, run in jobs]
    typeset = typesetter.map(typeset_run, documents)
    alone: list[bytes] = []
    for (packet, run), (pdf, counts) in zip(jobs, typeset):
        if packet is None:
            alone.append(pdf)
            continue
        reader = PdfReader(io.BytesIO(pdf))
        start = 0
        for key, count in zip(run, counts):
            packet.sources[key] = PageSource(reader, start)
            packet.pages[key] = count
            start += count
    views = [_view(packet) for packet in packets]
    frames = typesetter.map(typeset_frame, [renderer.agenda(view.agenda, packet.paged, view) for packet, view in zip(packets, views)])
    packed = [
        assemble(view, frame, anchors, packet.sources)
        for packet, view, (frame, anchors) in zip(packets, views, frames)
    ]
    return [*packed, *alone]


def _view(packet: _PlannedPacket) -> Packet:
    meeting = packet.meeting
    config = meeting.config.config
    parts = tuple(
        PacketPart(planned.group, planned.label, planned.sheet.title, packet.pages[key], key, planned.attachments)
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
    return Packet(agenda=agenda, author=config.council, attachments=packet.attachments, parts=parts)
