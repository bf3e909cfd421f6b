"""Stage 7a for a meeting: its agenda page (次第) as a plain view model, for every format.

The page follows Komae's published meeting pages: the derived title, 日時, 時間, 場所, the
two lists of the agenda numbered 諮問事項（1）… and 報告事項（1）…, each item's 件名 (a link
to its sheet), 主管課 and 根拠規定, and, once the council has met, 会議の結果 with the
conditions and the opinion in full; then the 会議資料 and 備考. The sheets come with it,
in agenda order, each carrying the meeting's title and its agenda label: what a packet of
the meeting's papers (会議資料) is made of.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ..model.agenda import agenda_label
from ..model.meeting import Meeting
from ..model.settings import Config
from ..model.vocabulary import AGENDA_LISTS
from .sheet import AttachmentView, Link, MeetingEntry, Row, Sheet, Text, attachment_views


@dataclass(frozen=True, slots=True)
class ResultView:
    decision: str
    conditions: Text = Text()
    opinion: Text = Text()

    conditions_label: ClassVar[str] = "条件"
    opinion_label: ClassVar[str] = "意見"


@dataclass(frozen=True, slots=True)
class AgendaRow:
    label: str
    number: str
    title: str
    # The sheet's file, relative to the agenda page; None where the case could not be
    # found (a meeting forced past E501), which is listed by its path.
    href: str | None
    departments: str
    bases: tuple[str, ...]
    result: ResultView | None = None
    # The notice of a decided case that has changed since (its sheet's).
    changed: str | None = None


@dataclass(frozen=True, slots=True)
class AgendaGroup:
    label: str
    rows: tuple[AgendaRow, ...]


@dataclass(frozen=True, slots=True)
class AgendaPage:
    banner: ClassVar[str] = "この会議には検査エラーがあります（--force で出力したものです）。公開する前に直してください。"
    columns: ClassVar[tuple[str, ...]] = ("番号", "件名", "主管課", "根拠規定")
    result_column: ClassVar[str] = "会議の結果"
    agenda_label: ClassVar[str] = "議題"
    title: str
    fields: tuple[Row, ...]
    groups: tuple[AgendaGroup, ...]
    # A meeting that has not met yet is an agenda: no 会議の結果 column.
    with_results: bool
    attachments_label: str
    attachments: tuple[AttachmentView, ...]
    remarks: Row | None
    # The sheets in agenda order.
    sheets: tuple[Sheet, ...]
    findings: tuple[str, ...] = ()
    # The index of meetings this page is listed in, when there is one.
    up: str | None = None
    up_label: ClassVar[str] = "会議一覧"


@dataclass(frozen=True, slots=True)
class AgendaSheet:
    """One agenda item as the page needs it: its sheet and where that is written."""

    sheet: Sheet | None
    href: str | None
    # The path as written, for an item whose case could not be found.
    written: str


def _title(field: str) -> str:
    return Meeting.model_fields[field].title or field


def build_agenda(
    meeting: Meeting,
    config: Config,
    items: Sequence[AgendaSheet],
    *,
    meeting_file: Path,
    repository_root: Path,
    link: Link,
    findings: Sequence[str] = (),
    up: str | None = None,
) -> AgendaPage:
    """The agenda page of `meeting`; `items` are its agenda items in agenda order."""
    fields = [Row(_title("date"), Text.of(meeting.date))]
    if meeting.time is not None:
        fields.append(Row(_title("time"), Text.of(meeting.time)))
    fields.append(Row(_title("place"), Text.of(meeting.place)))
    groups = []
    position = 0
    for agenda in AGENDA_LISTS:
        rows = []
        for index, item in enumerate(getattr(meeting, agenda.key)):
            shown = items[position]
            position += 1
            result = None
            if item.result is not None:
                result = ResultView(item.result.decision, Text.of(item.result.conditions), Text.of(item.result.opinion))
            sheet = shown.sheet
            rows.append(
                AgendaRow(
                    label=agenda_label(agenda, index),
                    number=f"（{index + 1}）",
                    title=sheet.title if sheet is not None else shown.written,
                    href=shown.href,
                    departments=sheet.departments if sheet is not None else "",
                    bases=sheet.chosen_bases if sheet is not None else (),
                    result=result,
                    changed=sheet.changed if sheet is not None else None,
                )
            )
        if rows:
            groups.append(AgendaGroup(agenda.label, tuple(rows)))
    return AgendaPage(
        title=meeting.title(config.council),
        fields=tuple(fields),
        groups=tuple(groups),
        with_results=any(item.result is not None for _, _, item in meeting.items()),
        attachments_label=_title("attachments"),
        attachments=attachment_views(meeting.attachments, meeting_file, repository_root, link),
        remarks=Row(_title("remarks"), Text.of(meeting.remarks)) if meeting.remarks else None,
        sheets=tuple(shown.sheet for shown in items if shown.sheet is not None),
        findings=tuple(findings),
        up=up,
    )


def meeting_entry(meeting: Meeting, config: Config, href: str) -> MeetingEntry:
    """A meeting's line in the index of meetings."""
    counts = "・".join(
        f"{agenda.label} {len(getattr(meeting, agenda.key))}件" for agenda in AGENDA_LISTS if getattr(meeting, agenda.key)
    )
    return MeetingEntry(meeting.title(config.council), href, meeting.date, meeting.place, counts)
