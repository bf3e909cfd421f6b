"""Stage 7b: linted cases and meetings to files: which may be rendered, where the outputs
go, and writing them all or nothing.

What a directory holds:

- cases only: a sheet per case (`<case>.html`) and the index `index.html`, which lists
  them 諮問事項 first, then 報告事項;
- one meeting file, given alone: its agenda page `index.html` and its sheets, in agenda
  order;
- otherwise (a directory of meetings, or meetings and cases): a folder per meeting
  (`<meeting>/index.html` and its sheets), the sheets of the cases given that are on no
  given meeting's agenda, and `index.html` listing the meetings, newest first, then those
  cases.

Each folder's attachments (of its meeting and of its cases) are copied into its
`attachments/`, by their path in the repository, so that the directory can be published
as it is; a sheet written alone (stdout, `-o FILE`) links to the files where they are.
An attachment whose file cannot be reached is listed by its path, not linked.

Outputs are rendered fully in memory, and the attachments read, before anything is
written: a file atomically (a temporary file in the same directory, then a rename),
stdout in one write. PDF (sheets and meetings' packets) is printing.py's, which writes
through the same Destination and Site.
"""

from __future__ import annotations

import datetime
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import quote

from ..errors import Blocked, InputError, RenderError, os_reason
from ..files import write_whole
from ..findings import Severity, Told
from ..lint.config import ConfigResolver, LoadedConfig
from ..lint.history import History
from ..lint.pipeline import examine_run
from ..lint.shelf import Shelf
from ..model.case import Case
from ..model.agenda import AgendaCase, Approval, Found, agenda_label
from ..model.changes import Change
from ..model.meeting import Meeting
from ..reporters.base import plain_line
from ..repository import repository_root
from .agenda import AgendaSheet, build_agenda, meeting_entry
from .sheet import Link, MeetingMark, Sheet, build_index, build_sheet, changed_notice
from .templates import Renderer

INDEX_STEM: Final = "index"
ATTACHMENTS: Final = "attachments"


@dataclass(frozen=True, slots=True)
class Destination:
    """Where the outputs go: stdout (`path` None), one file, or a directory of files."""

    path: Path | None
    directory: bool

    @classmethod
    def choose(cls, inputs: list[Path], output: Path | None, *, pages: bool = False) -> Destination:
        """`pages`: the input is one meeting file, which is several pages."""
        several = pages or len(inputs) > 1 or any(path.is_dir() for path in inputs)
        if output is None:
            if pages and len(inputs) == 1:
                raise RenderError("会議を出力するには -o DIR で出力先のディレクトリを指定してください（次第とシートを書き出します）")
            if several:
                raise RenderError("複数のファイルやディレクトリを出力するには -o DIR で出力先のディレクトリを指定してください")
            return cls(None, directory=False)
        if output.is_dir():
            return cls(output, directory=True)
        if several:
            if output.exists():
                raise RenderError(f"出力先 {output} はディレクトリではありません。複数のシートの出力先にはディレクトリを指定してください")
            return cls(output, directory=True)
        return cls(output, directory=False)

    @property
    def link_base(self) -> Path:
        """The directory the outputs' relative links start from."""
        if self.path is None:
            return Path.cwd()
        return self.path if self.directory else self.path.parent

    def target(self, name: str) -> Path:
        """The file `name` (a relative path) inside the output directory; never anywhere else."""
        assert self.path is not None and self.directory
        target = self.path / name
        # A link already standing at the target, or on the way to it, would carry the
        # output elsewhere.
        if target.resolve() != self.path.resolve() / name:
            raise RenderError(f"出力ファイル {name} が出力先 {self.path} の外を指すため書き出しません")
        return target

    def prepare(self) -> None:
        """Create the output directory (or the output file's directory)."""
        if self.path is None:
            return
        directory = self.link_base
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise RenderError(f"出力先のディレクトリ {directory} を作れません（{os_reason(error)}）") from error


def write_atomic(target: Path, content: str | bytes) -> None:
    """Write `content` to `target` whole, replacing what was there."""
    try:
        write_whole(target, content, replace=True)
    except OSError as error:
        raise RenderError(f"{target} に書き出せません（{os_reason(error)}）") from error


def write_stdout(text: str) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


@dataclass(frozen=True, slots=True)
class Publishable:
    """A linted case that may be rendered, with the findings its banner lists (if forced)."""

    path: Path
    config: LoadedConfig
    case: Case
    findings: tuple[str, ...] = ()
    # A decided case's latest decision, and what changed since (the notice on a meeting's pages).
    approval: Approval | None = None
    changes: tuple[Change, ...] = ()

    @property
    def root(self) -> Path:
        return repository_root(str(self.path.resolve().parent), self.config.root)

    @property
    def changed(self) -> str | None:
        if self.approval is None or not self.changes:
            return None
        return changed_notice(self.approval, self.changes, self.config.config.council)


@dataclass(frozen=True, slots=True)
class PublishableMeeting:
    """A linted meeting that may be rendered, with its agenda's cases as found."""

    path: Path
    config: LoadedConfig
    meeting: Meeting
    agenda: tuple[AgendaCase, ...]
    findings: tuple[str, ...] = ()

    @property
    def root(self) -> Path:
        return repository_root(str(self.path.resolve().parent), self.config.root)


@dataclass
class Admitted:
    """What a render may write: the cases and meetings it was given, and every admitted case
    (given, or on an agenda) by its real path."""

    cases: list[Publishable] = field(default_factory=list)
    meetings: list[PublishableMeeting] = field(default_factory=list)
    by_file: dict[str, Publishable] = field(default_factory=dict)


def admit(
    files: Iterable[str],
    given: Callable[[str], bool],
    resolver: ConfigResolver,
    shelf: Shelf,
    *,
    force: bool,
    notify: Callable[[str], None],
) -> Admitted:
    """Lint each file, and the cases on the agendas of its meetings; those without errors
    (with `force`, all that could be read) may be rendered. Every finding is shown through
    `notify`; nothing is rendered unless all may be."""
    admitted = Admitted()
    unreadable = blocked = False
    # Whether a meeting is among what blocks the render, for the closing message.
    meeting_blocked = False
    told = Told(verbose=False)
    for job, inspection, listed in examine_run(files, given, resolver, shelf, History()):
        result = inspection.result
        if result.error is not None:
            notify(result.error)
            unreadable = True
            continue
        # As lint without --verbose says them: why a case's W504 (and so its notice) was skipped.
        for message in told.new(result.notes):
            notify(message)
        lines = tuple(plain_line(finding) for finding in result.findings)
        for line in lines:
            notify(line)
        has_errors = any(finding.severity is Severity.ERROR for finding in result.findings)
        banner = lines if has_errors else ()
        if inspection.meeting is None and inspection.case is None:
            if inspection.meeting_file:
                notify(f"{job.path}: 会議として読み取れないため、出力できません（--force でも出力できません）")
            else:
                notify(f"{job.path}: ケースとして読み取れないため、シートにできません（--force でも出力できません）")
            blocked = True
            meeting_blocked |= inspection.meeting_file
        elif has_errors and not force:
            blocked = True
            meeting_blocked |= inspection.meeting_file
        elif inspection.meeting is not None:
            admitted.meetings.append(PublishableMeeting(Path(job.path), job.config, inspection.meeting, inspection.agenda, banner))
        else:
            assert inspection.case is not None
            case = Publishable(Path(job.path), job.config, inspection.case, banner, inspection.approval, inspection.changes)
            admitted.by_file[os.path.realpath(job.path)] = case
            if listed:
                admitted.cases.append(case)
    if unreadable:
        raise InputError("読み込めないファイルがあるため、何も出力しませんでした")
    if blocked and force:
        # Only a file that could not be read at all blocks a forced render.
        what = "出力できない会議" if meeting_blocked else "シートにできないケース"
        raise Blocked(f"{what}があるため、何も出力しませんでした（上のエラーを直してください）")
    if blocked:
        what = "会議か案件" if meeting_blocked else "ケース"
        raise Blocked(f"検査エラーのある{what}があるため、何も出力しませんでした（エラーを直すか、--force でエラーの一覧を載せて出力します）")
    return admitted


class Site:
    """The outputs of a directory render by their path in it: texts (or a PDF's bytes), and
    files to copy."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self.texts: dict[str, str | bytes] = {}
        self.copies: dict[str, Path] = {}
        self._origins: dict[str, Path | None] = {}

    def name(self, folder: str, stem: str) -> str:
        return f"{folder}{self.renderer.file_name(stem)}"

    def add(self, name: str, text: str | bytes, origin: Path | None) -> None:
        """The page `name`, from the input `origin` (None: an index the render makes)."""
        if name in self._origins:
            first = self._origins[name]
            if first is None or origin is None:
                raise RenderError(f"{first or origin}: 出力ファイル名 {name} は一覧（index）と重なります。ファイルの名前を変えてください")
            raise RenderError(f"{first} と {origin} の出力ファイル名が同じ {name} になります。どちらかの名前を変えてください")
        self._origins[name] = origin
        self.texts[name] = text

    def copying_into(self, folder: str) -> Link:
        """A link to an attachment's copy in the folder's attachments/, which it records."""

        def link(file: Path, root: Path) -> str:
            relative = file.relative_to(root).as_posix()
            name = f"{folder}{ATTACHMENTS}/{relative}"
            if self.copies.setdefault(name, file) != file:
                raise RenderError(f"資料 {self.copies[name]} と {file} の出力先が同じ {name} になります。どちらかの名前を変えてください")
            return quote(f"{ATTACHMENTS}/{relative}")

        return link


def linking_in_place(directory: Path) -> Link:
    """A link from a file written in `directory` to the attachment where it is."""

    def link(file: Path, root: Path) -> str:
        return quote(Path(os.path.relpath(file, directory.resolve())).as_posix())

    return link


def publish(renderer: Renderer, destination: Destination, admitted: Admitted, *, single_meeting: bool) -> str:
    """Render everything in memory, then write it; a sentence saying what was written.
    `single_meeting`: the render was given one meeting file, whose pages fill the directory."""
    if not destination.directory:
        case = admitted.cases[0]
        sheet = sheet_view(case, linking_in_place(destination.link_base))
        text = renderer.sheet(sheet)
        if destination.path is None:
            write_stdout(text)
        else:
            destination.prepare()
            write_atomic(destination.path, text)
        return f"{destination.path} に書き出しました"
    site = Site(renderer)
    if single_meeting:
        sheets = _meeting_pages(site, admitted.meetings[0], admitted, "", None)
        summary = f"会議 1 件の次第とシート {sheets} 件"
    else:
        meetings = sorted(admitted.meetings, key=_meeting_order, reverse=True)
        entries = []
        scheduled: set[str] = set()
        sheets = 0
        for meeting in meetings:
            folder = meeting.path.stem
            if folder == ATTACHMENTS:
                raise RenderError(f"{meeting.path}: 会議のフォルダ名 {folder} は資料のフォルダと重なります。会議ファイルの名前を変えてください")
            sheets += _meeting_pages(site, meeting, admitted, f"{folder}/", site.name("../", INDEX_STEM))
            entries.append(meeting_entry(meeting.meeting, meeting.config.config, quote(site.name(f"{folder}/", INDEX_STEM))))
            scheduled.update(str(entry.target) for entry in meeting.agenda if entry.found is Found.CASE)
        unscheduled = [case for case in admitted.cases if os.path.realpath(case.path) not in scheduled]
        listed = []
        for case in unscheduled:
            sheet = sheet_view(case, site.copying_into(""))
            name = site.name("", case.path.stem)
            site.add(name, renderer.sheet(sheet), case.path)
            listed.append((sheet, quote(name)))
        council = (meetings[0].config if meetings else admitted.cases[0].config).config.council
        site.add(site.name("", INDEX_STEM), renderer.index(build_index(council, listed, entries)), None)
        sheets += len(unscheduled)
        summary = (f"会議 {len(meetings)} 件（フォルダごと）と" if meetings else "") + f"シート {sheets} 件と一覧（{site.name('', INDEX_STEM)}）"
    write_site(destination, site)
    return f"{destination.path} に{summary}を書き出しました"


def _meeting_order(meeting: PublishableMeeting) -> tuple[datetime.date, int]:
    # A day that cannot be (W405, forced) sorts as the oldest.
    return meeting.meeting.day or datetime.date.min, meeting.meeting.number


def sheet_view(case: Publishable, link: Link, meeting: MeetingMark | None = None) -> Sheet:
    """The sheet of `case`; on a meeting's pages (with `meeting`), with the notice of a change
    since its decision."""
    return build_sheet(
        case.case,
        case.config.config,
        case_file=case.path,
        repository_root=case.root,
        link=link,
        findings=case.findings,
        meeting=meeting,
        changed=case.changed if meeting is not None else None,
    )


def _meeting_pages(site: Site, meeting: PublishableMeeting, admitted: Admitted, folder: str, up: str | None) -> int:
    """The agenda page and the sheets of `meeting` into `folder`; how many sheets."""
    config = meeting.config.config
    title = meeting.meeting.title(config.council)
    index_href = quote(site.renderer.file_name(INDEX_STEM))
    found = {(entry.agenda.key, entry.index): entry for entry in meeting.agenda}
    link = site.copying_into(folder)
    items: list[AgendaSheet] = []
    written: dict[str, tuple[Sheet, str]] = {}
    for agenda, index, item in meeting.meeting.items():
        entry = found.get((agenda.key, index))
        case = admitted.by_file.get(str(entry.target)) if entry is not None and entry.found is Found.CASE else None
        if case is None:
            items.append(AgendaSheet(None, None, item.case))
            continue
        key = os.path.realpath(case.path)
        if key not in written:
            mark = MeetingMark(title, agenda_label(agenda, index), index_href)
            sheet = sheet_view(case, link, mark)
            name = site.name(folder, case.path.stem)
            site.add(name, site.renderer.sheet(sheet), case.path)
            written[key] = (sheet, quote(site.renderer.file_name(case.path.stem)))
        sheet, href = written[key]
        items.append(AgendaSheet(sheet, href, item.case))
    page = build_agenda(
        meeting.meeting,
        config,
        items,
        meeting_file=meeting.path,
        repository_root=meeting.root,
        link=link,
        findings=meeting.findings,
        up=up and quote(up),
    )
    site.add(site.name(folder, INDEX_STEM), site.renderer.agenda(page), meeting.path)
    return len(written)


def write_site(destination: Destination, site: Site) -> None:
    contents: list[tuple[str, str | bytes]] = list(site.texts.items())
    for name, source in site.copies.items():
        try:
            contents.append((name, source.read_bytes()))
        except OSError as error:
            raise RenderError(f"資料 {source} を読み込めません（{os_reason(error)}）") from error
    destination.prepare()
    # Every target is checked before the first is written: all or nothing.
    targets = [destination.target(name) for name, _ in contents]
    for target, (_, content) in zip(targets, contents):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise RenderError(f"出力先のディレクトリ {target.parent} を作れません（{os_reason(error)}）") from error
        write_atomic(target, content)
