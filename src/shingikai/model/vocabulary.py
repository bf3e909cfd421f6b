"""The sheet's fixed vocabulary: one table each, shared by the model, lint and render."""

from typing import Final, NamedTuple

# 保有個人情報の項目, grouped and ordered as on the sheet's grid.
ITEM_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "基本的事項": (
        "識別番号", "氏名", "本籍", "国籍", "生年月日", "年齢",
        "性別", "住所", "電話番号", "電子メールアドレス", "口座情報",
    ),
    "心身の状況": ("健康状態", "病歴", "身体の特徴"),
    "家族状況等": ("家族状況", "親族関係", "婚姻"),
    "社会生活": (
        "職業", "職歴", "学歴", "学業", "資格", "賞罰", "成績",
        "評価", "財産", "収入", "納税状況", "趣味", "公的扶助",
    ),
}
ITEMS: Final[tuple[str, ...]] = tuple(item for group in ITEM_GROUPS.values() for item in group)

KINDS: Final[tuple[str, ...]] = ("諮問", "報告")
MEDIA: Final[tuple[str, ...]] = ("紙媒体", "電磁的記録媒体", "その他の媒体")
OTHER_MEDIUM: Final = "その他の媒体"
TIMINGS: Final[tuple[str, ...]] = ("事前", "事後")
OPERATIONS: Final[tuple[str, ...]] = ("設定", "追加", "変更")


class Basis(NamedTuple):
    """One 根拠規定 box: its value in `bases`, its mark and the section it requires."""

    value: str
    mark: str
    label: str
    section: str | None
    # The verb phrase of the 通知 無 rationale ("保有個人情報を外部提供することにつき").
    action: str | None = None


BASES: Final[tuple[Basis, ...]] = (
    Basis("本人外収集", "①", "本人外収集", "indirect_collection", "本人外収集"),
    Basis("目的外利用", "②", "目的外利用", "secondary_use", "目的外利用"),
    Basis("外部提供", "③", "外部提供", "external_provision", "外部提供"),
    Basis("記録項目", "④", "電子計算機処理による記録項目の設定、追加又は変更", "record_items"),
    Basis("結合", "⑤", "電子計算機処理による結合", "linkage"),
    Basis("その他", "⑥", "その他", None),
)
BASIS_BY_VALUE: Final[dict[str, Basis]] = {basis.value: basis for basis in BASES}
BASIS_BY_SECTION: Final[dict[str, Basis]] = {b.section: b for b in BASES if b.section}
# The section that a provision in an emergency (other_basis citing the configured article
# 緊急の外部提供) fills without its basis: E302 spares it then.
EMERGENCY_SECTION: Final = "external_provision"
OTHER_BASIS: Final = "その他"

# A meeting file (meeting-format.md) is told from a case file by this `kind`.
MEETING_KIND: Final = "会議"


def is_meeting(data: dict[str, object]) -> bool:
    """Whether a file's data is a meeting's: its `kind` says 会議."""
    return data.get("kind") == MEETING_KIND


class AgendaList(NamedTuple):
    """One list of a meeting's agenda: its key, its label, the case kind it takes, its decisions."""

    key: str
    label: str
    kind: str
    decisions: tuple[str, ...]


PENDING: Final = "継続審議"
CONDITIONAL: Final = "条件付承認"
AGENDA_LISTS: Final[tuple[AgendaList, ...]] = (
    AgendaList("consultations", "諮問事項", "諮問", ("承認", CONDITIONAL, "不承認", PENDING)),
    AgendaList("reports", "報告事項", "報告", ("了承", PENDING)),
)
AGENDA_LIST_BY_KEY: Final[dict[str, AgendaList]] = {agenda.key: agenda for agenda in AGENDA_LISTS}
# Every decision of either list, in the order of the lists.
DECISIONS: Final[tuple[str, ...]] = tuple(dict.fromkeys(d for agenda in AGENDA_LISTS for d in agenda.decisions))
