"""Stage 3: the case format (case-format.md) as pydantic models.

Each field carries the sheet's own label as `title` and a one-line Japanese
`description`: messages, the JSON Schema and the renderer all read them from here.
The shape of the format lives here; the ordinance's cross-field conditions
(E3 codes) are rules, so that one missing answer does not hide the rest. The pairings
those rules check are tables here too, which the JSON Schema states as well.
"""

# No `from __future__ import annotations`: pydantic would then evaluate every annotation
# from its string at start-up.
from collections.abc import Iterator, Sequence
from typing import Annotated, Any, Literal, NamedTuple, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from . import vocabulary as v

# Literal[tuple] expands to the tuple's values: the enums come from the vocabulary tables.
Kind = Literal[v.KINDS]  # type: ignore[valid-type]
BasisValue = Literal[tuple(b.value for b in v.BASES)]  # type: ignore[valid-type]
Item = Literal[v.ITEMS]  # type: ignore[valid-type]
Medium = Literal[v.MEDIA]  # type: ignore[valid-type]
Timing = Literal[v.TIMINGS]  # type: ignore[valid-type]
Operation = Literal[v.OPERATIONS]  # type: ignore[valid-type]

T = TypeVar("T")


def _no_repeats(values: list[T]) -> list[T]:
    if len(set(values)) == len(values):
        return values
    seen: set[T] = set()
    repeated = [i for i, value in enumerate(values) if value in seen or seen.add(value)]
    if repeated:
        raise PydanticCustomError("repeated", "repeated values", {"indexes": repeated})
    return values


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def is_blank(value: Any) -> bool:
    """Absent, or only whitespace: the format reads both as missing."""
    # isspace() rather than strip(): no copy of every long text on every validation.
    return value is None or (isinstance(value, str) and (not value or value.isspace()))


class SheetModel(BaseModel):
    """A part of the sheet: unknown keys are errors; empty values count as missing."""

    # Built when first validated: a lint validates a case file as a whole `Case` (whose
    # validator holds every part's), so the parts' own validators are never built.
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        coerce_numbers_to_str=True,
        defer_build=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _blank_is_missing(cls, data: Any) -> Any:
        if isinstance(data, dict):
            # is_blank, inline: this runs on every mapping of every file.
            for value in data.values():
                if value is None or (isinstance(value, str) and (not value or value.isspace())):
                    return {key: value for key, value in data.items() if not is_blank(value)}
        return data


def _text(title: str, description: str) -> Any:
    return Field(title=title, description=description)


def _optional_text(title: str, description: str) -> Any:
    return Field(None, title=title, description=description)


Items = Annotated[
    list[Item],
    AfterValidator(_no_repeats),
    Field(
        title="保有個人情報の項目",
        description="シートの項目表でチェック（■）する項目。表にない項目は other_items に書く",
        json_schema_extra={"uniqueItems": True},
    ),
]
OtherItems = Annotated[
    list[str],
    Field(
        title="その他の項目",
        description="項目表にない項目（例: 続柄、服装）。シートの「その他の項目」欄に並ぶ",
    ),
]


class NoticeGiven(SheetModel):
    """通知 有."""

    model_config = ConfigDict(
        title="通知 有", json_schema_extra={"description": "本人に通知する場合: 通知の時期と方法を書く"}
    )

    given: Literal["有"] = Field(title="通知", description="本人に通知するなら 有、しないなら 無")
    timing: Timing = _text("通知の時期", "事前 または 事後")
    method: str = _text("通知の方法", "本人に通知する方法（例: 本人へ送付した。）")


class Proviso(SheetModel):
    model_config = ConfigDict(title="ただし書の理由")

    risk: str = _text(
        "漏えいリスクの低減",
        "漏えい等のリスクが十分に低減されていると言える理由（理由の 2 の前半）",
    )
    necessity: str = _text(
        "必要性",
        "本件の処理が必要である理由（理由の 2 の後半）",
    )


class NoticeWithheld(SheetModel):
    """通知 無: the ordinance's proviso must be argued."""

    model_config = ConfigDict(
        title="通知 無",
        json_schema_extra={"description": "本人に通知しない場合: 条例のただし書を適用する理由を書く"},
    )

    given: Literal["無"] = Field(title="通知", description="本人に通知するなら 有、しないなら 無")
    proviso: Proviso = Field(
        title="理由（ただし書）",
        description="通知を不要とする理由のうち、案件ごとに異なる 2 の部分（リスクの低減と必要性）",
    )


Notice = Annotated[
    NoticeGiven | NoticeWithheld,
    Field(discriminator="given"),
]


def _notice(section: str) -> Any:
    return Field(
        title=f"通知（{section}）",
        description="本人への通知の有無。有なら時期と方法、無なら条例のただし書を適用する理由",
    )


class ActionSection(SheetModel):
    """A section with the personal-information grid."""

    items: Items = []
    other_items: OtherItems = []

    @property
    def all_items(self) -> Sequence[str]:
        return (*self.items, *self.other_items)


class Collection(ActionSection):
    model_config = ConfigDict(title="本人外収集")

    source: str = _text("収集先", "本人以外から収集する先")
    reason: str = _text("本人外収集の理由、方法等", "本人以外から収集する理由と方法")
    notice: Notice = _notice("本人外収集")


class SecondaryUse(ActionSection):
    model_config = ConfigDict(title="目的外利用")

    source_business: str = _text(
        "目的外利用をする個人情報取扱事務（提供元の事務）の名称",
        "利用する保有個人情報を本来の目的で取り扱っている事務の名称",
    )
    source_organization: str = _text(
        "目的外利用をする個人情報取扱事務（提供元の事務）を行う組織の名称",
        "提供元の事務を行う組織（課）の名称",
    )
    reason: str = _text("目的外利用の理由、方法等", "目的外利用をする理由と方法")
    notice: Notice = _notice("目的外利用")


class Provision(ActionSection):
    model_config = ConfigDict(title="外部提供")

    recipient: str = _text("外部提供先の概要", "提供先の名称と概要（委託先の事業者名など）")
    media: Annotated[list[Medium], AfterValidator(_no_repeats), Field(min_length=1)] = Field(
        title="外部提供の形態",
        description="紙媒体、電磁的記録媒体、その他の媒体 から一つ以上",
        json_schema_extra={"uniqueItems": True},
    )
    media_detail: str | None = _optional_text(
        "具体的な形態", "その他の媒体 を選んだときの具体的な形態"
    )
    reason: str = _text("外部提供の理由、方法等", "外部提供をする理由と方法")
    recipient_controls: str = _text(
        "外部提供先での個人情報の管理の方法", "提供先で個人情報をどう管理するか"
    )
    conditions: str | None = _optional_text(
        "外部提供する条件", "提供先に課す条件（根拠規定に外部提供がある場合は必須）"
    )
    notice: Notice = _notice("外部提供")


class RecordItems(ActionSection):
    model_config = ConfigDict(title="電子計算機処理による記録項目の設定、追加又は変更")

    operation: Operation = Field(
        title="記録項目の操作", description="記録項目に 設定 / 追加 / 変更 する"
    )
    system: str | None = _optional_text("システム", "記録項目を設定・追加・変更するシステム（例: 児童手当システム）")
    processing_summary: str = _text(
        "記録項目の設定、追加又は変更をする電子計算機処理の概要", "電子計算機処理の概要"
    )


class Linkage(SheetModel):
    model_config = ConfigDict(title="電子計算機処理による結合")

    city_system: str = _text("結合する市の電子計算機の概要", "結合する市側の電子計算機（端末、サーバ等）")
    third_party_system: str = _text("結合する第三者の電子計算機の概要", "結合する相手方の電子計算機")
    network: str = _text("結合する通信回線の概要", "結合に使う通信回線とその安全対策")


class Attachment(SheetModel):
    model_config = ConfigDict(title="資料")

    title: str = _text("資料名", "シートの「その他資料」欄に載る資料名")
    file: str | None = _optional_text(
        "ファイル", "資料のファイル（ケースファイルからの相対パス、リポジトリの中に限る）"
    )


Departments = Annotated[
    list[str],
    BeforeValidator(_one_or_many, json_schema_input_type=str | list[str]),
    AfterValidator(_no_repeats),
    Field(min_length=1, json_schema_extra={"uniqueItems": True}),
]


class Case(SheetModel):
    """One 付議案件シート."""

    model_config = ConfigDict(
        title="付議案件シート",
        json_schema_extra={"description": "個人情報保護審議会の付議案件シート一件（諮問事項または報告事項）"},
    )

    version: Literal[1] = Field(title="形式の版", description="ケースファイル形式の版。1 のみ")
    kind: Kind = Field(title="諮問事項・報告事項", description="諮問 または 報告")
    title: str = _text("件名", "諮問事項・報告事項の件名（「…について」）")
    bases: Annotated[list[BasisValue], AfterValidator(_no_repeats), Field(min_length=1)] = Field(  # type: ignore[valid-type]
        title="根拠規定",
        description="該当する根拠規定（①〜⑥）。一つ以上、重複なし",
        json_schema_extra={"uniqueItems": True},
    )
    other_basis: str | None = _optional_text(
        "⑥その他の根拠規定", "根拠規定に その他 を選んだときの規定（例: 条例第13条第4項）"
    )
    departments: Departments = Field(
        title="主管課", description="主管課（部名から）。複数ならリスト、重複なし。最初の課がシートの見出しになる"
    )
    business_name: str = _text("事務の名称", "個人情報を取り扱う事務の名称")
    summary: str = _text("事務の概要", "事務の概要。空行で段落を分ける")
    period: str = _text("実施時期", "実施時期（例: 令和4年1月18日～）")
    volume: str = _text("件数", "対象となる件数（例: 年間約1,800件）")
    indirect_collection: Collection | None = Field(
        None, title="本人外収集", description="本人以外から個人情報を収集する場合"
    )
    secondary_use: SecondaryUse | None = Field(
        None, title="目的外利用", description="保有個人情報を目的外に利用する場合"
    )
    external_provision: Provision | None = Field(
        None, title="外部提供", description="保有個人情報を外部に提供する場合"
    )
    record_items: RecordItems | None = Field(
        None,
        title="電子計算機処理による記録項目の設定、追加又は変更",
        description="システムの記録項目を設定・追加・変更する場合",
    )
    linkage: Linkage | None = Field(
        None, title="電子計算機処理による結合", description="市の電子計算機を外部の電子計算機と結合する場合"
    )
    attachments: list[Attachment] = Field(
        [], title="その他資料", description="シートに添える資料の一覧"
    )
    remarks: str | None = _optional_text("備考", "備考")

    @property
    def header_label(self) -> str:
        """【…】 of the sheet's header: the first department after its 部."""
        return self.departments[0].rsplit("部", 1)[-1] or self.departments[0]

    def action_sections(self) -> Iterator[tuple[str, ActionSection]]:
        """The present sections with an item grid, in the sheet's order."""
        for key in ACTION_SECTIONS:
            section = getattr(self, key)
            if section is not None:
                yield key, section

    def notices(self) -> Iterator[tuple[str, NoticeGiven | NoticeWithheld]]:
        for key, section in self.action_sections():
            notice = getattr(section, "notice", None)
            if notice is not None:
                yield key, notice


ACTION_SECTIONS = ("indirect_collection", "secondary_use", "external_provision", "record_items")
SECTIONS = (*ACTION_SECTIONS, "linkage")
# The sections with a 通知 row, and the keys by which a notice's two shapes differ.
NOTICE_SECTIONS = ("indirect_collection", "secondary_use", "external_provision")
NOTICE_SHAPE_KEYS = frozenset(NoticeGiven.model_fields) ^ frozenset(NoticeWithheld.model_fields)


class Requirement(NamedTuple):
    """A value chosen at `choice` of `model` (in a list, or as the single value) that needs
    the value at `key` (a path from `model`) filled in; `exclusive` when that value is
    written only with the choice."""

    model: type[SheetModel]
    choice: str
    value: str
    key: tuple[str, ...]
    exclusive: bool = False


# The ordinance's pairings across fields, in one place for the rules that check them (E303,
# E307, E308) and the JSON Schema that states them (scaffold/schema.py). The section that
# each basis needs (E301) is in vocabulary.BASES.
OTHER_BASIS_TEXT = Requirement(Case, "bases", v.OTHER_BASIS, ("other_basis",), exclusive=True)
OTHER_MEDIUM_DETAIL = Requirement(Provision, "media", v.OTHER_MEDIUM, ("media_detail",), exclusive=True)
PROVISION_CONDITIONS = Requirement(
    Case, "bases", v.BASIS_BY_SECTION["external_provision"].value, ("external_provision", "conditions")
)
