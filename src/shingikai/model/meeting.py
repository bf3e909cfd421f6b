"""Stage 3 for meeting files (meeting-format.md): a council meeting and its agenda.

A meeting file points at the case files on its agenda and records what the council
decided. Its title is derived, never written: 「{年度}第{N}回{council}」. As in the case
model, each field carries the label of the council's published meeting page as `title`
and a one-line Japanese `description`. Which decisions a list allows, and whether the
conditions match the decision, are rules (E504, E505), so that one slip does not hide
the rest of the file. The pairing of the decision and its conditions is a table here
too, which the JSON Schema states as well.
"""

# No `from __future__ import annotations`: pydantic would then evaluate every annotation
# from its string at start-up.
import datetime
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints

from . import vocabulary as v
from .agenda import meeting_title
from .case import Attachment, Requirement, SheetModel
from .eras import era_day

Decision = Literal[v.DECISIONS]  # type: ignore[valid-type]

# 令和3年度, 平成元年度: the two eras a council under today's ordinances has met in.
FiscalYear = Annotated[str, StringConstraints(pattern=r"^(令和|平成)(元|[0-9０-９]{1,2})年度$")]
# 令和4年1月17日（月）: one era date, the weekday in brackets optional (W405 checks it).
MeetingDate = Annotated[
    str,
    StringConstraints(
        pattern=r"^(令和|平成)(元|[0-9０-９]{1,2})年[0-9０-９]{1,2}月[0-9０-９]{1,2}日([（(][月火水木金土日][)）])?$"
    ),
]


class Result(SheetModel):
    # Built when a meeting file is first validated: most lint runs read only cases.
    model_config = ConfigDict(
        defer_build=True,
        title="会議の結果",
        json_schema_extra={"description": "審議会の結論。会議の後に書く（会議の前は result ごと書かない）"},
    )

    decision: Decision = Field(
        title="会議の結果",
        description="諮問事項は 承認・条件付承認・不承認・継続審議、報告事項は 了承・継続審議",
    )
    conditions: str | None = Field(
        None, title="条件", description="条件付承認の条件（条件付承認のときだけ書く）"
    )
    opinion: str | None = Field(None, title="意見（付帯意見）", description="審議会の意見・付帯意見")


class AgendaItem(SheetModel):
    model_config = ConfigDict(defer_build=True, title="議題", json_schema_extra={"description": "会議に付す案件一件と、その会議の結果"})

    case: str = Field(
        title="案件",
        description="ケースファイルのパス（会議ファイルからの相対パス、リポジトリの中に限る）",
    )
    result: Result | None = Field(None, title="会議の結果", description="会議の結果（会議の後に書く）")


class MeetingAttachment(Attachment):
    model_config = ConfigDict(
        defer_build=True, title="会議資料", json_schema_extra={"description": "会議資料一件（次第、委員名簿など）"}
    )

    title: str = Field(title="資料名", description="会議の資料欄に載る資料名")
    file: str | None = Field(
        None, title="ファイル", description="資料のファイル（会議ファイルからの相対パス、リポジトリの中に限る）"
    )


# 条件付承認 and its conditions, in one place for the rule that checks them (E505) and the
# JSON Schema that states them (scaffold/schema.py).
CONDITIONS_OF_APPROVAL = Requirement(Result, "decision", v.CONDITIONAL, ("conditions",), exclusive=True)


def _agenda(label: str) -> Any:
    return Field([], title=label, description=f"議題の{label}。この順に（1）（2）…と番号が付く")


class Meeting(SheetModel):
    """One meeting of the council."""

    model_config = ConfigDict(
        defer_build=True,
        title="審議会の会議",
        json_schema_extra={"description": "個人情報保護審議会の会議一回: 日時、場所、議題（諮問事項・報告事項）と会議の結果"},
    )

    version: Literal[1] = Field(title="形式の版", description="会議ファイル形式の版。1 のみ")
    kind: Literal[v.MEETING_KIND] = Field(title="種別", description="会議ファイルであることを示す 会議")  # type: ignore[valid-type]
    fiscal_year: FiscalYear = Field(title="年度", description="会議の年度（例: 令和3年度）", examples=["令和3年度"])
    number: Annotated[int, Field(strict=True, gt=0)] = Field(
        title="第N回", description="その年度の何回目の会議か（1 から）", examples=[3]
    )
    date: MeetingDate = Field(
        title="日時", description="会議の日（和暦、括弧内の曜日は省略可）", examples=["令和4年1月17日（月）"]
    )
    time: str | None = Field(None, title="時間", description="会議の時間（例: 午後2時から午後4時まで）")
    place: str = Field(title="場所", description="会議の場所（例: 狛江市役所4階 特別会議室）")
    consultations: list[AgendaItem] = _agenda("諮問事項")
    reports: list[AgendaItem] = _agenda("報告事項")
    attachments: list[MeetingAttachment] = Field(
        [], title="会議資料", description="シートのほかの会議資料（次第、委員名簿など）"
    )
    remarks: str | None = Field(None, title="備考", description="備考")

    def title(self, council: str) -> str:
        """「令和3年度第3回狛江市個人情報保護審議会」."""
        return meeting_title(self.fiscal_year, self.number, council)

    @property
    def day(self) -> datetime.date | None:
        """The meeting's day, or None when `date` names an impossible one (W405)."""
        return era_day(self.date)

    def items(self) -> Iterator[tuple[v.AgendaList, int, AgendaItem]]:
        """Every agenda item in agenda order, with its list and its place in it (from 0)."""
        for agenda in v.AGENDA_LISTS:
            for index, item in enumerate(getattr(self, agenda.key)):
                yield agenda, index, item
