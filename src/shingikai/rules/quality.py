"""W401, W402, W407, W408: what a careful reviewer checks across the sheet."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

from ..findings import Problem
from ..loading.document import TextScalar
from ..model.case import ActionSection
from ..model.vocabulary import OPERATIONS
from ..repository import attachment_target, is_regular_file
from .registry import Subject, rule

# How a title names each basis.
_TITLE_WORDS: Final = {
    "本人外収集": ("本人外収集", "本人以外から収集", "本人以外からの収集"),
    "目的外利用": ("目的外利用",),
    "外部提供": ("外部提供",),
    "記録項目": ("記録項目",),
    "結合": ("結合",),
}
_OPERATION_WORD = "|".join(OPERATIONS)
# 記録項目の設定 / 記録項目に追加 / 記録項目の設定、追加又は変更 …
_TITLE_OPERATION = re.compile(
    rf"記録項目(?:の|を|に|へ)?((?:{_OPERATION_WORD})(?:(?:、|・|及び|又は|若しくは|並びに|，|,)(?:{_OPERATION_WORD}))*)"
)


@rule("W401", "件名が内容を表していない", reads=("title", "bases"))
def title_mismatch(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    件名（`title`）が、根拠規定に挙げた事項（外部提供、目的外利用、本人外収集、記録項目、結合）を
    すべて名指ししているか。通知を 無 とした欄があれば「通知」にも触れているか。
    「記録項目の設定」のように記録項目の操作を書くなら、それが `record_items.operation` と
    一致しているか（「記録項目の設定、追加又は変更」のように三つとも挙げる書き方は一致とみなします）。

    ## なぜ問題か
    審議会の次第や会議録には件名だけが載ります。「…の外部提供及び外部提供に係る通知の要否並びに
    記録項目の設定について」のように、件名は諮問・報告する事項を漏れなく示す決まりです。
    件名が内容と違うと、何を審議したのかが記録の上で誤って残ります。

    ## 違反例
    ```yaml
    title: AI-OCRにおける読み込み項目情報の外部提供について
    ```

    ## 修正例
    ```yaml
    title: AI-OCRにおける読み込み項目情報の外部提供及び外部提供に係る通知の有無並びに電子計算機処理による結合について
    ```
    """
    case = subject.checked_case
    title = case.title
    missing = [
        basis
        for basis in case.bases
        if basis in _TITLE_WORDS and not any(word in title for word in _TITLE_WORDS[basis])
    ]
    if missing:
        yield Problem(subject.at("title"), f"件名が根拠規定の「{'」「'.join(missing)}」に触れていません")
    withheld = [key for key, notice in case.notices() if notice.given == "無" and subject.valid(key, "notice")]
    if withheld and "通知" not in title:
        yield Problem(subject.at("title"), "通知を 無 とした欄がありますが、件名が通知（「…に係る通知の要否」など）に触れていません")
    if case.record_items is not None and subject.valid("record_items", "operation"):
        operation = case.record_items.operation
        for match in _TITLE_OPERATION.finditer(title):
            named = set(re.findall(_OPERATION_WORD, match.group(1)))
            if operation not in named:
                yield Problem(
                    subject.at("title"),
                    f"件名は記録項目の「{'・'.join(sorted(named, key=OPERATIONS.index))}」ですが、"
                    f"record_items.operation は「{operation}」です",
                )


# Words that name an item unambiguously in running text. Items whose names are also
# ordinary words in other senses (資格 in 受診資格, 評価, 成績, 財産 in 生命、身体又は財産,
# 収入 in a programme's income criteria, 職業, 学業) are left out: naming them is not
# evidence that the data is handled.
ITEM_TERMS: Final[dict[str, tuple[str, ...]]] = {
    "識別番号": ("識別番号", "個人番号", "マイナンバー", "住民票コード"),
    "氏名": ("氏名",),
    "本籍": ("本籍",),
    "国籍": ("国籍",),
    "生年月日": ("生年月日",),
    "年齢": ("年齢",),
    "性別": ("性別",),
    "住所": ("住所",),
    "電話番号": ("電話番号",),
    "電子メールアドレス": ("電子メールアドレス", "メールアドレス"),
    "口座情報": ("口座情報", "口座番号", "振込先口座"),
    "健康状態": ("健康状態",),
    "病歴": ("病歴", "既往歴"),
    "身体の特徴": ("身体の特徴", "身体的特徴"),
    "家族状況": ("家族状況", "家族構成"),
    "親族関係": ("親族関係",),
    "婚姻": ("婚姻",),
    "職歴": ("職歴",),
    "学歴": ("学歴",),
    "賞罰": ("賞罰",),
    "納税状況": ("納税状況",),
    "趣味": ("趣味",),
    "公的扶助": ("公的扶助",),
}
_ITEM_OF_TERM: Final = {term: item for item, terms in ITEM_TERMS.items() for term in terms}
_TERM = re.compile("|".join(sorted(map(re.escape, _ITEM_OF_TERM), key=len, reverse=True)))
# 「氏名は含まない」「住所を除く」: the text says the item is NOT handled.
_NEGATION = re.compile(r"[^。、，,]{0,12}?(?:除く|除き|除いて|含まない|含めない|含まず|含めず|提供しない|記録しない|利用しない|収集しない)")
_NOT_A_SECTION_TEXT: Final = frozenset({"items", "other_items"})


def _named_items(scalars: Iterable[TextScalar]) -> Iterator[tuple[str, TextScalar, re.Match[str]]]:
    """(item, scalar, match) for the first mention of each item in the scalars."""
    seen: set[str] = set()
    for scalar in scalars:
        for match in _TERM.finditer(scalar.value):
            item = _ITEM_OF_TERM[match.group()]
            if item in seen or _NEGATION.match(scalar.value, match.end()):
                continue
            seen.add(item)
            yield item, scalar, match


def _ticked(item: str, sections: Iterable[ActionSection]) -> bool:
    terms = (item, *ITEM_TERMS[item])
    return any(
        item in section.items or any(term in other for other in section.other_items for term in terms)
        for section in sections
    )


@rule("W402", "本文に出てくる項目にチェックがない")
def item_named_but_not_ticked(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    本文に個人情報の項目（氏名、生年月日、住所、電話番号、口座番号 など）が出てくるのに、
    その項目がチェックされていないものはないか。事務の概要（`summary`）は案件全体のものなので、
    どれかの欄でチェックされていれば足ります。各欄の文章（提供先、理由、管理の方法など）は、
    その欄の `items` か `other_items` にあるかを見ます。

    「資格」（受診資格）、「評価」「成績」「財産」「収入」「職業」「学業」のように、項目名が
    別の意味でもよく使われる語は対象にしません。「氏名は含まない」「住所を除く」のように
    扱わないと書いてある場合も対象外です。

    ## なぜ問題か
    概要に「氏名、生年月日、性別の一覧を委託先に預ける」と書きながら項目表で氏名に
    チェックがないと、審議会は氏名が提供されないものとして判断し、公開されるシートも
    実際より少ない項目を示すことになります。

    ## 違反例
    ```yaml
    summary: 委託先に検査対象者の情報（氏名、生年月日、性別）の一覧を電子データで預ける。
    external_provision:
      items: [生年月日, 性別]
    ```

    ## 修正例
    ```yaml
    summary: 委託先に検査対象者の情報（氏名、生年月日、性別）の一覧を電子データで預ける。
    external_provision:
      items: [氏名, 生年月日, 性別]
    ```
    """
    case = subject.checked_case
    # A grid that did not validate has unknown ticks: nothing can be concluded from it.
    sections = {
        key: section
        for key, section in case.action_sections()
        if subject.valid(key, "items") and subject.valid(key, "other_items")
    }
    texts_of: dict[str, list[TextScalar]] = {}
    for scalar in subject.document.texts:
        if scalar.path[0] in sections and scalar.path[1] not in _NOT_A_SECTION_TEXT or scalar.path == ("summary",):
            texts_of.setdefault(str(scalar.path[0]), []).append(scalar)
    if sections and len(sections) == len(list(case.action_sections())):
        for item, scalar, match in _named_items(texts_of.get("summary", ())):
            if not _ticked(item, sections.values()):
                yield _unticked(subject, scalar, match, item, "事務の概要", "どの欄の items にもありません")
    for key, section in sections.items():
        for item, scalar, match in _named_items(texts_of.get(key, ())):
            if not _ticked(item, [section]):
                yield _unticked(subject, scalar, match, item, f"{key}.{scalar.path[1]}", f"{key}.items にありません")


def _unticked(subject: Subject, scalar: TextScalar, match: re.Match[str], item: str, where: str, why: str) -> Problem:
    span = subject.document.span_of(scalar, match.start(), len(match.group()))
    return Problem(
        span,
        f"{where}に「{match.group()}」とありますが、項目「{item}」が{why}（チェックするか、扱わないなら本文を直してください）",
        scalar.anchor_line,
    )


@rule("W407", "添付資料のファイルがない・リポジトリの外", needs="case or meeting")
def attachment_file(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    その他資料（`attachments`）の `file` が、ケースファイルからの相対パスで実在するファイルを指し、
    ケースのリポジトリ（設定ファイルのあるディレクトリ、なければ git の作業ツリー）の中にあるか。
    会議ファイルの会議資料（`attachments`）も、会議ファイルからの相対パスで同じように検査します。

    ## なぜ問題か
    資料が見つからなければ審議会に配れません。リポジトリの外を指すパス（`../../` や絶対パス）は、
    公開用の出力に意図しないファイルを含めてしまうおそれがあります。

    ## 違反例
    ```yaml
    attachments:
      - title: 事業概要資料
        file: ../../../etc/passwd
    ```

    ## 修正例
    ```yaml
    attachments:
      - title: 事業概要資料
    ```
    """
    attachments = (subject.case or subject.checked_meeting).attachments
    named = [
        (index, attachment)
        for index, attachment in enumerate(attachments)
        if attachment.file is not None and subject.valid("attachments", index)
    ]
    if not named:
        return
    root = subject.repository_root()
    directory = Path(subject.file).parent
    for index, attachment in named:
        where = subject.at("attachments", index, "file")
        target = attachment_target(attachment.file, directory, root)
        if target is None:
            yield Problem(where, f"資料のファイル「{attachment.file}」はリポジトリ（{root}）の外を指しています。リポジトリの中に置いて相対パスで書いてください")
        elif not is_regular_file(target):
            yield Problem(where, f"資料のファイル「{attachment.file}」がありません（{directory} からの相対パスで書きます）")


@rule("W408", "設定にない主管課", reads=("departments",))
def unknown_department(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    設定（`departments`）に課の一覧があるとき、主管課（`departments`）がその一覧にあるか。
    一覧が空なら検査しません。

    ## なぜ問題か
    課名の誤記（「情報制作課」など）や組織改正前の古い課名のまま公開されるのを防ぎます。
    シートの見出し【…課】も主管課から作られます。

    ## 違反例
    ```yaml
    # shingikai.toml に departments = ["企画財政部情報政策課", "市民生活部課税課"] がある場合
    departments: [企画財政部情報制作課, 市民生活部課税課]
    ```

    ## 修正例
    ```yaml
    departments: [企画財政部情報政策課, 市民生活部課税課]
    ```
    """
    case = subject.checked_case
    known = subject.config.departments
    if not known:
        return
    single = isinstance(subject.document.data.get("departments"), str)
    for index, department in enumerate(case.departments):
        if department not in known:
            where = subject.at("departments") if single else subject.at("departments", index)
            yield Problem(where, f"主管課「{department}」は設定の課の一覧（departments）にありません")
