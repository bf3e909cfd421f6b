"""Stage 7a: a case as the sheet shows it — a plain view model shared by every output format.

All of the sheet's content is decided here: the ■/□ marks, the 根拠規定 labels of the
ruleset, the whole item grid, the three-part 理由 of 通知 無, paragraphs and line breaks,
safe attachment links and the agenda order of the index. Templates only lay it out.

The rows follow the seed sheets: the header rows; then each action section with a notice
(本人外収集, 目的外利用, 外部提供) as its item grid and its rows; then 結合; then the 通知
rows; then 記録項目 as its item grid and its row; then その他資料 and 備考. An optional
field that is not there has no row. A section too tall for one printed page is split,
and the part on the next page is labelled 「外部提供（続き）」 (see `_paginate`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Final, TypeVar

from pydantic import BaseModel

from ..model import vocabulary as v
from ..model.case import (
    ActionSection,
    Attachment,
    Case,
    Collection,
    Linkage,
    NoticeGiven,
    NoticeWithheld,
    Provision,
    RecordItems,
    SecondaryUse,
)
from ..model.agenda import Approval
from ..model.changes import Change
from ..model.settings import Config
from ..repository import attachment_target, is_regular_file

CHECKED: Final = "■"
UNCHECKED: Final = "□"


@dataclass(frozen=True, slots=True)
class Text:
    """Free text as written: paragraphs (split at blank lines), each a tuple of lines."""

    paragraphs: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def of(cls, value: str | None) -> Text:
        paragraphs: list[tuple[str, ...]] = []
        lines: list[str] = []
        for line in (value or "").splitlines():
            if line.strip():
                lines.append(line.rstrip())
            elif lines:
                paragraphs.append(tuple(lines))
                lines = []
        if lines:
            paragraphs.append(tuple(lines))
        return cls(tuple(paragraphs))

    @classmethod
    def joined(cls, parts: Iterable[Text]) -> Text:
        return cls(tuple(p for part in parts for p in part.paragraphs))

    def __bool__(self) -> bool:
        return bool(self.paragraphs)


@dataclass(frozen=True, slots=True)
class Mark:
    """One check box of the sheet."""

    label: str
    checked: bool

    @property
    def box(self) -> str:
        return CHECKED if self.checked else UNCHECKED


@dataclass(frozen=True, slots=True)
class Row:
    """A row: its label ("" when the content spans the label column), marks, caption, text."""

    label: str
    text: Text = Text()
    marks: tuple[Mark, ...] = ()
    # Fixed words of the form shown above the text, e.g. （具体的な形態）.
    caption: str = ""


@dataclass(frozen=True, slots=True)
class GridGroup:
    name: str
    columns: int
    # The group's items in the grid's order.
    marks: tuple[Mark, ...]


@dataclass(frozen=True, slots=True)
class ItemGrid:
    """The 保有個人情報の項目 grid of one action section: every item, ■ ticked, □ not."""

    kind: ClassVar[str] = "grid"
    actions: tuple[Mark, ...]
    caption: str
    groups: tuple[GridGroup, ...]
    # Row by row, one cell per column; None where a column has no more items.
    rows: tuple[tuple[Mark | None, ...], ...]
    other: Row


@dataclass(frozen=True, slots=True)
class Section:
    kind: ClassVar[str] = "section"
    label: str
    rows: tuple[Row, ...]
    # The label spans both label columns and each row is shown by its caption: the
    # 記録項目 section, as on the printed sheet (its long name does not fit the group column).
    wide: bool = False
    # The rest of a section that goes on over a printed page: it starts the next page.
    continued: bool = False


@dataclass(frozen=True, slots=True)
class ReasonPart:
    number: str
    text: Text


@dataclass(frozen=True, slots=True)
class NoticeView:
    """The 通知 row of one section: 有 with timing and method, or 無 with the 理由."""

    method_caption: ClassVar[str] = "（方法）"
    reason_caption: ClassVar[str] = "（理由）"
    section: str
    given: tuple[Mark, Mark]
    timing: tuple[Mark, ...] = ()
    method: Text = Text()
    reason: tuple[ReasonPart, ...] = ()


@dataclass(frozen=True, slots=True)
class Notices:
    kind: ClassVar[str] = "notices"
    label: str
    notices: tuple[NoticeView, ...]
    continued: bool = False


Part = ItemGrid | Section | Notices


@dataclass(frozen=True, slots=True)
class AttachmentView:
    title: str
    # A relative link from the output to the file, only for a safe path to a file inside
    # the repository.
    href: str | None = None
    # The path as written, shown as text when it cannot be a link.
    path: str | None = None


@dataclass(frozen=True, slots=True)
class MeetingMark:
    """What a sheet on a meeting's agenda says of it in its header, linking to the agenda
    (not in a PDF, whose sheets are pages of the meeting's packet)."""

    title: str
    label: str
    href: str | None


@dataclass(frozen=True, slots=True)
class Sheet:
    # The warning above the findings of a sheet rendered with --force.
    banner: ClassVar[str] = "このシートには検査エラーがあります（--force で出力したものです）。審議会に出す前に直してください。"
    heading: str
    label: str
    title: str
    kind: tuple[Mark, ...]
    subject: Text
    bases_label: str
    bases: tuple[Mark, ...]
    fields: tuple[Row, ...]
    parts: tuple[Part, ...]
    # The same, laid out for printed pages (see `_paginate`): what the HTML sheet shows.
    printed_parts: tuple[Part, ...]
    attachments_label: str
    attachments: tuple[AttachmentView, ...]
    remarks: Row
    departments: str
    # Lint findings, shown as a banner: set only when the sheet is rendered with --force.
    findings: tuple[str, ...] = ()
    meeting: MeetingMark | None = None
    # On a meeting's pages: the notice of a decided case that has changed since (W504).
    changed: str | None = None

    @property
    def kind_label(self) -> str:
        """諮問事項 or 報告事項: the ticked one of `kind`."""
        return next(mark.label for mark in self.kind if mark.checked)

    @property
    def chosen_bases(self) -> tuple[str, ...]:
        return tuple(mark.label for mark in self.bases if mark.checked)


@dataclass(frozen=True, slots=True)
class IndexEntry:
    number: int
    title: str
    href: str
    departments: str
    bases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IndexGroup:
    label: str
    entries: tuple[IndexEntry, ...]


@dataclass(frozen=True, slots=True)
class MeetingEntry:
    title: str
    href: str
    date: str
    place: str
    # 諮問事項 4件・報告事項 2件
    agenda: str


@dataclass(frozen=True, slots=True)
class Index:
    heading: str
    groups: tuple[IndexGroup, ...]
    # The meetings, newest first; when there are any, the groups are the cases on no agenda.
    meetings: tuple[MeetingEntry, ...] = ()
    meetings_label: ClassVar[str] = "会議"
    unscheduled_label: ClassVar[str] = "会議に付されていない案件"


def _title(model: type[BaseModel], field: str) -> str:
    """The sheet's label of a field (the model's `title`)."""
    return model.model_fields[field].title or field


def _section_title(model: type[BaseModel]) -> str:
    return str(model.model_config.get("title", model.__name__))


def _kind_label(kind: str) -> str:
    return f"{kind}事項"


# The grid's columns: a group is one column, or two when it pairs its first items row by row
# (as the printed sheet does: 識別番号 氏名 / 本籍 国籍 / … then 電話番号 alone).
_PAIRED_ROWS: Final[dict[str, int]] = {"基本的事項": 4, "社会生活": 7}


def _group_columns(group: str, items: tuple[str, ...]) -> list[tuple[str, ...]]:
    paired = _PAIRED_ROWS.get(group, 0)
    if not paired:
        return [items]
    pairs = items[: 2 * paired]
    return [pairs[0::2] + items[2 * paired :], pairs[1::2]]


def _grid(key: str, section: ActionSection) -> ItemGrid:
    ticked = set(section.items)
    columns: list[tuple[str, ...]] = []
    groups: list[GridGroup] = []
    for group, items in v.ITEM_GROUPS.items():
        group_columns = _group_columns(group, items)
        groups.append(GridGroup(group, len(group_columns), tuple(Mark(item, item in ticked) for item in items)))
        columns.extend(group_columns)
    height = max(len(column) for column in columns)
    rows = tuple(
        tuple(Mark(column[i], column[i] in ticked) if i < len(column) else None for column in columns)
        for i in range(height)
    )
    operation = section.operation if isinstance(section, RecordItems) else None
    actions = (
        Mark("収集する個人情報の項目", key == "indirect_collection"),
        Mark("目的外利用する", key == "secondary_use"),
        Mark("外部提供する", key == "external_provision"),
        *(Mark(f"記録項目に{op}する", op == operation) for op in v.OPERATIONS),
    )
    other_label = "その他の記録項目" if key == "record_items" else _title(ActionSection, "other_items")
    return ItemGrid(
        actions=actions,
        caption=_title(ActionSection, "items"),
        groups=tuple(groups),
        rows=rows,
        other=Row(other_label, Text.of("、".join(section.other_items))),
    )


def _rows(model: type[BaseModel], section: BaseModel, fields: Sequence[str]) -> tuple[Row, ...]:
    """A row for each field that is there (an optional field that is not has no row)."""
    return tuple(Row(_title(model, f), Text.of(getattr(section, f))) for f in fields if getattr(section, f) is not None)


def _section(section: BaseModel) -> Section:
    rows: tuple[Row, ...]
    if isinstance(section, Collection):
        rows = _rows(Collection, section, ("source", "reason"))
    elif isinstance(section, SecondaryUse):
        rows = _rows(SecondaryUse, section, ("source_business", "source_organization", "reason"))
    elif isinstance(section, Provision):
        media = Row(
            _title(Provision, "media"),
            Text.of(section.media_detail),
            marks=tuple(Mark(medium, medium in section.media) for medium in v.MEDIA),
            caption=f"（{_title(Provision, 'media_detail')}）" if section.media_detail else "",
        )
        # The printed sheet heads the 外部提供 理由 with its own caption.
        reason = Row(_title(Provision, "reason"), Text.of(section.reason), caption="（理由、方法等）")
        rows = (
            *_rows(Provision, section, ("recipient",)),
            media,
            reason,
            *_rows(Provision, section, ("recipient_controls", "conditions")),
        )
    elif isinstance(section, RecordItems):
        summary = Row(
            _title(RecordItems, "processing_summary"),
            Text.of(section.processing_summary),
            caption=f"【{_title(RecordItems, 'processing_summary')}】",
        )
        system = _title(RecordItems, "system")
        shown = (Row(system, Text.of(section.system), caption=f"（{system}）"),) if section.system else ()
        return Section(_section_title(RecordItems), (*shown, summary), wide=True)
    else:
        rows = _rows(Linkage, section, ("city_system", "third_party_system", "network"))
    return Section(_section_title(type(section)), rows)


def _withheld_reason(basis: v.Basis, config: Config, risk: str, necessity: str) -> tuple[ReasonPart, ...]:
    """The 理由 of 通知 無: the provision's purpose, the case's argument, the conclusion."""
    noun = basis.action or basis.label
    article = config.articles.notice(basis.value)
    provision = f"{article}の規定" if article else f"{noun}に係る通知の規定"
    purpose = (
        f"{provision}の趣旨は、{noun}される保有個人情報の本人に対し、"
        "自己情報コントロール権の保障及び当該権利行使の機会の作出することにある。"
    )
    conclusion = (
        f"以上の理由により、保有個人情報を{noun}することにつき本人が自己情報コントロール権を"
        "行使しないことが一般通常人の立場から明らかであるといえることから、本件については、"
        f"同条同項ただし書を適用し、{noun}にかかる通知は不要といたしたい。"
    )
    return (
        ReasonPart("1", Text.of(purpose)),
        # Risk, then necessity: each its own paragraph (or paragraphs).
        ReasonPart("2", Text.joined((Text.of(risk), Text.of(necessity)))),
        ReasonPart("3", Text.of(conclusion)),
    )


def _notice(key: str, notice: NoticeGiven | NoticeWithheld, config: Config) -> NoticeView:
    basis = v.BASIS_BY_SECTION[key]
    given = (Mark("有", notice.given == "有"), Mark("無", notice.given == "無"))
    if isinstance(notice, NoticeGiven):
        return NoticeView(
            section=basis.label,
            given=given,
            timing=tuple(Mark(value, value == notice.timing) for value in v.TIMINGS),
            method=Text.of(notice.method),
        )
    reason = _withheld_reason(basis, config, notice.proviso.risk, notice.proviso.necessity)
    return NoticeView(section=basis.label, given=given, reason=reason)


def _basis_marks(case: Case, config: Config) -> tuple[Mark, ...]:
    marks = []
    for basis in v.BASES:
        if basis.value == v.OTHER_BASIS:
            label = f"{basis.mark}{basis.label}（{case.other_basis or '　'}）"
        else:
            label = f"{basis.mark}{config.articles.basis(basis.value)} {basis.label}"
        marks.append(Mark(label, basis.value in case.bases))
    return tuple(marks)


def _parts(case: Case, config: Config) -> tuple[Part, ...]:
    parts: list[Part] = []
    notices: list[NoticeView] = []
    for key, section in case.action_sections():
        if key == "record_items":
            continue
        parts += [_grid(key, section), _section(section)]
    if case.linkage is not None:
        parts.append(_section(case.linkage))
    for key, notice in case.notices():
        notices.append(_notice(key, notice, config))
    if notices:
        parts.append(Notices(_title(NoticeGiven, "given"), tuple(notices)))
    if case.record_items is not None:
        parts += [_grid("record_items", case.record_items), _section(case.record_items)]
    return tuple(parts)


# What a printed A4 page holds, in mm, as _style.css.j2 lays the sheet out: the page
# less its margins and the heading repeated on it (with a meeting's line), and a little
# less again, so that a part estimated to fit does fit. Text is 10pt with 1.55 line
# height (5.47 mm a line); a full-width character is 10pt wide (3.53 mm), a half-width
# one about half that.
_PAGE_MM: Final = (297 - 12 - 14 - 16 - 6) * 0.92
_LINE_MM: Final = 5.47
_CELL_MM: Final = 2.8
_GAP_MM: Final = 1.3
# Characters to a line: the content column (the page's 186 mm less the group and label
# columns and padding), the label column, and the 理由 parts beside their numbers.
_BODY_CHARS: Final = 36
_LABEL_CHARS: Final = 7
_REASON_CHARS: Final = 34


def _width(line: str) -> float:
    return sum(0.55 if ord(character) < 0x2E80 else 1.0 for character in line)


def _lines(text: Text, chars: int) -> float:
    """The height in mm of `text` in a column of `chars` full-width characters."""
    lines = sum(max(1, -(-_width(line) // chars)) for paragraph in text.paragraphs for line in paragraph)
    return lines * _LINE_MM + max(0, len(text.paragraphs) - 1) * _GAP_MM


def _row_height(row: Row) -> float:
    content = _lines(row.text, _BODY_CHARS) + (_LINE_MM + _GAP_MM) * (bool(row.marks) + bool(row.caption))
    label = _lines(Text.of(row.label), _LABEL_CHARS)
    return max(content, label) + _CELL_MM


def _notice_height(notice: NoticeView) -> float:
    height = (_LINE_MM + _GAP_MM) * (1 + bool(notice.timing) + bool(notice.method) + bool(notice.reason))
    height += _lines(notice.method, _BODY_CHARS)
    height += sum(_lines(part.text, _REASON_CHARS) + _GAP_MM for part in notice.reason)
    return height + _CELL_MM


def _paginate(parts: Iterable[Part]) -> tuple[Part, ...]:
    """The parts, each section (and the notices) taller than a printed page split into
    parts that each fit one, so that the part on the next page can say whose it is:
    a browser keeps a group that fits a page together, and leaves the label cell of a
    group it breaks empty on the next page."""
    paginated: list[Part] = []
    for part in parts:
        if isinstance(part, Section):
            for number, rows in enumerate(_pages(part.rows, _row_height)):
                label = part.label if number == 0 else f"{part.label}（続き）"
                paginated.append(Section(label, rows, part.wide, continued=number > 0))
        elif isinstance(part, Notices):
            for number, notices in enumerate(_pages(part.notices, _notice_height)):
                label = part.label if number == 0 else f"{part.label}（続き）"
                paginated.append(Notices(label, notices, continued=number > 0))
        else:
            paginated.append(part)
    return tuple(paginated)


T = TypeVar("T")


def _pages(rows: tuple[T, ...], height: Callable[[T], float]) -> list[tuple[T, ...]]:
    pages: list[list[T]] = [[]]
    used = 0.0
    for row in rows:
        needed = height(row)
        if pages[-1] and used + needed > _PAGE_MM:
            pages.append([])
            used = 0.0
        pages[-1].append(row)
        used += needed
    return [tuple(page) for page in pages]


_SCHEME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

# How a page links to an attachment's file (found inside `root`, the repository); None
# where it lists the file by its title alone (a PDF, which links to no file).
Link = Callable[[Path, Path], str | None]


def attachment_file(file: str, source_file: Path, root: Path) -> Path | None:
    """The file an attachment names, or None unless `file` is a plain relative path (no
    scheme, not absolute, no backslash) to a file that exists inside the repository `root`."""
    if _SCHEME.match(file) or "\\" in file:
        return None
    target = attachment_target(file, source_file.resolve().parent, root.resolve())
    if target is None or not is_regular_file(target):
        return None
    return target


def attachment_views(
    attachments: Iterable[Attachment], source_file: Path, root: Path, link: Link
) -> tuple[AttachmentView, ...]:
    """Each attachment: a link where its file can be reached, else its path as text."""
    views = []
    for attachment in attachments:
        target = None if attachment.file is None else attachment_file(attachment.file, source_file, root)
        if target is None:
            views.append(AttachmentView(attachment.title, path=attachment.file))
        else:
            views.append(AttachmentView(attachment.title, href=link(target, root.resolve())))
    return tuple(views)


def no_link(file: Path, root: Path) -> None:
    """A PDF names its attachments by title: a link to a file would carry the path of this
    machine's copy of the repository into every printed copy."""
    return None


def build_sheet(
    case: Case,
    config: Config,
    *,
    case_file: Path,
    repository_root: Path,
    link: Link,
    findings: Sequence[str] = (),
    meeting: MeetingMark | None = None,
    changed: str | None = None,
) -> Sheet:
    """The sheet of `case`; `link` makes the links to its attachments' files."""
    departments = "・".join(case.departments)
    fields = (
        Row(_title(Case, "departments"), Text.of(departments)),
        *_rows(Case, case, ("business_name", "summary", "period", "volume")),
    )
    parts = _parts(case, config)
    return Sheet(
        heading=f"{config.council}付議案件シート",
        label=case.header_label,
        title=case.title,
        kind=tuple(Mark(_kind_label(kind), kind == case.kind) for kind in v.KINDS),
        subject=Text.of(case.title),
        bases_label=_title(Case, "bases"),
        bases=_basis_marks(case, config),
        fields=fields,
        parts=parts,
        printed_parts=_paginate(parts),
        attachments_label=_title(Case, "attachments"),
        attachments=attachment_views(case.attachments, case_file, repository_root, link),
        remarks=Row(_title(Case, "remarks"), Text.of(case.remarks)),
        departments=departments,
        findings=tuple(findings),
        meeting=meeting,
        changed=changed,
    )


def changed_notice(approval: Approval, changes: Sequence[Change], council: str) -> str:
    """What a page says of a case that changed after the council decided on it."""
    decided = approval.decided
    labels = "、".join(dict.fromkeys(change.label for change in changes))
    return (
        f"この案件は、{decided.meeting_title(council)}の{decided.label}で「{decided.decision}」となった後に変わっています"
        f"（{labels}）。審議会が決定したのは、変わる前の内容です。"
    )


def build_index(council: str, sheets: Sequence[tuple[Sheet, str]], meetings: Sequence[MeetingEntry] = ()) -> Index:
    """The index of a render: the meetings, newest first (as given), if there are any; then
    the sheets (those on no meeting's agenda), 諮問事項 first, then 報告事項, each numbered
    in the order given."""
    groups = []
    for kind in v.KINDS:
        label = _kind_label(kind)
        chosen = [(sheet, href) for sheet, href in sheets if sheet.kind_label == label]
        entries = tuple(
            IndexEntry(number, sheet.title, href, sheet.departments, sheet.chosen_bases)
            for number, (sheet, href) in enumerate(chosen, start=1)
        )
        if entries:
            groups.append(IndexGroup(label, entries))
    heading = f"{council} 会議一覧" if meetings else f"{council} 付議案件一覧"
    return Index(heading, tuple(groups), tuple(meetings))
