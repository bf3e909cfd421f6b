"""W401, W402, W407–W411: what a careful reviewer checks across the sheet."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Final

from ..findings import Problem
from ..loading.document import DataPath, TextScalar
from ..model.case import NOTICE_SECTIONS, ActionSection
from ..model.validation import label
from ..model.vocabulary import BASIS_BY_SECTION, ITEMS, OPERATIONS
from ..repository import attachment_target, is_regular_file
from .ordinance import cites_emergency
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
# 「外部提供を伴わない」: the title names the basis only to say it is not there. Patterns
# that run only once a plain `in` test has found what they need stay source, compiled by
# `re` on first use (as in text.py): most sheets never need them.
_TITLE_NEGATION = r"(?:を|は)?(?:伴わない|伴わず|行わない|行わず|しない|せず|除く|除いた|ではない)"


def _text_at(subject: Subject, path: DataPath) -> TextScalar | None:
    return next((scalar for scalar in subject.document.texts if scalar.path == path), None)


@rule("W401", "件名が内容を表していない", reads=("title", "bases", "other_basis"))
def title_mismatch(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    件名（`title`）が、根拠規定に挙げた事項（外部提供、目的外利用、本人外収集、記録項目、結合）を
    すべて名指ししているか。通知を 無 とした欄があれば「通知」にも触れているか。
    「記録項目の設定」のように記録項目の操作を書くなら、それが `record_items.operation` と
    一致しているか（「記録項目の設定、追加又は変更」のように三つとも挙げる書き方は一致とみなします）。

    逆に、件名が根拠規定にない事項を名指ししていないか（「…の外部提供及び…記録項目の追加について」で
    `bases: [記録項目]`）。`other_basis` が緊急時の外部提供の規定（設定の `articles.緊急の外部提供`）を
    挙げているなら、件名の「外部提供」はその規定によるものとみなします。「外部提供を伴わない」のように
    ないことを言う書き方は対象外です。

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
    yield from _undeclared_in_title(subject)
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


def _undeclared_in_title(subject: Subject) -> Iterator[Problem]:
    """The bases the title names that `bases` does not declare, at their words in the title."""
    case = subject.checked_case
    # The title as written: the case's is stripped, and its characters are to be pointed at.
    if not _undeclared(subject, case.title) or (scalar := _text_at(subject, ("title",))) is None:
        return
    for basis, (start, word) in _undeclared(subject, scalar.value).items():
        yield Problem(
            subject.document.span_of(scalar, start, len(word)),
            f"件名に「{word}」とありますが、根拠規定（bases）に「{basis}」がありません。"
            f"{basis}を諮問・報告するなら bases に加え、しないなら件名から外してください",
            scalar.anchor_line,
        )


def _undeclared(subject: Subject, title: str) -> dict[str, tuple[int, str]]:
    """Each basis that the case does not declare and `title` names: where, and by which word."""
    bases = subject.checked_case.bases
    found: dict[str, tuple[int, str]] = {}
    for basis, words in _TITLE_WORDS.items():
        if basis in bases:
            continue
        named = [(start, word) for word in words if (start := _named_at(title, word)) >= 0]
        if named and not (basis == "外部提供" and cites_emergency(subject)):
            found[basis] = min(named)
    return found


def _named_at(title: str, word: str) -> int:
    """Where `title` first names `word` other than to say it is absent; -1 if nowhere."""
    start = title.find(word)
    while start >= 0 and re.match(_TITLE_NEGATION, title[start + len(word) :]):
        start = title.find(word, start + 1)
    return start


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
        path = scalar.path
        head = path[0]
        if head in sections:
            if path[1] not in _NOT_A_SECTION_TEXT:
                texts_of.setdefault(str(head), []).append(scalar)
        elif path == ("summary",):
            texts_of.setdefault("summary", []).append(scalar)
    if sections and len(sections) == len(list(case.action_sections())):
        for item, scalar, match in _named_items(texts_of.get("summary", ())):
            if not _ticked(item, sections.values()):
                yield _unticked(subject, scalar, match, item, "どの欄の項目表（items）にもありません")
    for key, section in sections.items():
        for item, scalar, match in _named_items(texts_of.get(key, ())):
            if not _ticked(item, [section]):
                yield _unticked(subject, scalar, match, item, f"{BASIS_BY_SECTION[key].value}の項目表（{key}.items）にありません")


def _unticked(subject: Subject, scalar: TextScalar, match: re.Match[str], item: str, why: str) -> Problem:
    span = subject.document.span_of(scalar, match.start(), len(match.group()))
    return Problem(
        span,
        f"{label(scalar.path)}に「{match.group()}」とありますが、項目「{item}」が{why}"
        "（チェックするか、扱わないなら本文を直してください）",
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


# The texts by which a section argues for itself, below the section's key.
_ARGUMENTS: Final = frozenset({("reason",), ("notice", "method"), ("notice", "proviso", "risk"), ("notice", "proviso", "necessity")})


@cache
def _citation(article: str) -> re.Pattern[str]:
    """`article` as cited in running text: digits of either width, spaces anywhere, and
    no further digit (条例第13条第5項, 条例第１３条第５項; not 条例第13条第50項)."""
    parts = (f"[{c}{chr(ord(c) + 0xFEE0)}]" if c.isdigit() and c.isascii() else re.escape(c) for c in article)
    return re.compile(r"\s*".join(parts) + "(?![0-9０-９])")


@rule("W409", "ほかの欄の通知の規定を挙げた理由", needs="case file")
def rationale_of_another_section(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    欄の理由（`reason`）や通知の理由・方法（`notice.proviso.risk`、`notice.proviso.necessity`、
    `notice.method`）が、ほかの欄の通知の規定を挙げていないか。たとえば目的外利用の欄の理由が、
    外部提供の通知の規定（設定の `articles.外部提供の通知`、狛江市は条例第13条第5項）を挙げているもの。
    条文は設定の ruleset（`articles`）から読みます。

    ## なぜ問題か
    通知を不要とするただし書は欄ごとに条文が違います（狛江市は目的外利用が第12条第5項、外部提供が
    第13条第5項）。ほかのシートや欄の理由を写したまま条文を直し忘れると、誤った条文に基づいて
    通知を省く判断を求めることになります。

    ## 違反例
    ```yaml
    external_provision:
      notice:
        given: 無
        proviso:
          risk: 条例第12条第5項の趣旨に照らし、閉域ネットワークを介しているため、漏えいリスクは十分に低減されている。
          necessity: 業務の効率化を図るため、本件の必要性は高い。
    ```

    ## 修正例
    ```yaml
    external_provision:
      notice:
        given: 無
        proviso:
          risk: 閉域ネットワークを介しているため、漏えいリスクは十分に低減されている。
          necessity: 業務の効率化を図るため、本件の必要性は高い。
    ```
    """
    articles = subject.config.articles
    provisions = {section: articles.notice(BASIS_BY_SECTION[section].value) for section in NOTICE_SECTIONS}
    document = subject.document
    joined, starts = document.joined
    # One search per article over all the texts; where one is cited, whose text it is.
    for other, article in provisions.items():
        if not article:
            continue
        for found in _citation(article).finditer(joined):
            index = bisect.bisect_right(starts, found.start()) - 1
            scalar = document.texts[index]
            section = str(scalar.path[0])
            own = provisions.get(section)
            if own is None or section == other or own == article or scalar.path[1:] not in _ARGUMENTS:
                continue
            named = BASIS_BY_SECTION[section].value
            right = f"{named}の通知の規定は「{own}」です。" if own else ""
            yield Problem(
                document.span_of(scalar, found.start() - starts[index], found.end() - found.start()),
                f"{named}の欄の{label(scalar.path)}が、{BASIS_BY_SECTION[other].value}の通知の規定"
                f"「{found.group()}」を挙げています。{right}ほかのシートや欄から写した理由ではないか確かめてください",
                scalar.anchor_line,
            )


# 「通知は行わない」「通知不要」: a method that says there is no notice. Not 「通知しないと…」
# (if not notified) or 「…通知しない場合」, which are conditions of a notice that is given.
_NO_NOTICE = (
    r"通知(?:は|を|も|の)?(?:しない|しません|せず|していない|行わない|行いません|行わず|行っていない"
    r"|実施しない|実施せず|不要|必要はない|必要がない|必要ない|要しない|省略)"
    r"(?!場合|よう|と(?!する|した|します|いたし|判断|考え))"
)
# A clause that sets a condition: 「転出した場合は通知しない」 is an exception, not the method.
_CONDITION_WORDS: Final = ("場合", "とき", "除き")
# How far back the clause of a 「通知しない」 is read: a bound, so that the check stays linear.
_CLAUSE_REACH: Final = 40


@rule("W410", "通知 有 なのに方法が通知しないと言っている", needs="case file")
def notice_given_says_none(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    通知を 有 とした欄の通知の方法（`notice.method`）が、通知をしないと言っていないか
    （「本人への通知は行わない。」「通知不要」「通知しない」「通知を行わない」「通知は不要」）。
    「転出した場合は通知しない」のように条件を付けた例外や、「通知しないと不利益が生じるため」の
    ような言い方は対象外です。

    ## なぜ問題か
    シートの通知欄に「有」と「通知は行わない」が並ぶと、本人に通知するのかしないのかが読み取れません。
    通知しないのなら「無」とし、条例のただし書を適用する理由を示して審議を受ける必要があります。

    ## 違反例
    ```yaml
    external_provision:
      notice:
        given: 有
        timing: 事後
        method: 本人への通知は行わない。
    ```

    ## 修正例
    ```yaml
    external_provision:
      notice:
        given: 有
        timing: 事後
        method: 本人へ送付した。
    ```
    """
    for section in NOTICE_SECTIONS:
        data = subject.document.data.get(section)
        notice = data.get("notice") if isinstance(data, dict) else None
        method = notice.get("method") if isinstance(notice, dict) and notice.get("given") == "有" else None
        if not isinstance(method, str) or "通知" not in method:
            continue
        for found in re.finditer(_NO_NOTICE, method):
            reach = max(0, found.start() - _CLAUSE_REACH)
            clause_start = max(reach, *(method.rfind(mark, reach, found.start()) + 1 for mark in "。、，,\n"))
            if any(word in method[clause_start : found.start()] for word in _CONDITION_WORDS):
                continue
            scalar = _text_at(subject, (section, "notice", "method"))
            if scalar is None:
                break
            yield Problem(
                subject.document.span_of(scalar, found.start(), found.end() - found.start()),
                f"通知 有 の{label(scalar.path)}に「{found.group()}」とあります。"
                "通知しないなら given を 無 にしてただし書の理由（proviso の risk と necessity）を書き、"
                "通知するならその方法を書いてください",
                scalar.anchor_line,
            )
            break


def _normalized(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


# What an other_items entry may be that the grid already has: an item, or a term that
# names one unambiguously (W402's table: 既往歴 is 病歴, メールアドレス 電子メールアドレス).
_GRID_ITEM_OF: Final = {**{term: item for item, terms in ITEM_TERMS.items() for term in terms}, **{item: item for item in ITEMS}}
# One entry that holds several items: 「氏名、住所」 or 「氏名・住所」.
_ENTRY_SEPARATORS = "[、・,，]"


@rule("W411", "項目表にある項目を その他の項目 に書いている")
def grid_item_in_other_items(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    その他の項目（`other_items`）に、項目表にある項目（病歴、氏名 など）や、項目表の項目と同じものを
    指す語（既往歴→病歴、メールアドレス→電子メールアドレス、個人番号→識別番号）が書かれていないか。
    「氏名、住所」のように項目表の項目を一つにまとめて書いたものも対象です。
    また、その他の項目に同じものが二度書かれていないか。

    ## なぜ問題か
    その他の項目は、項目表にない項目のための欄です。項目表にある項目をここに書くと、公開される
    シートの項目表ではその項目にチェックがなく、審議会は扱わないものとして判断します。

    ## 違反例
    ```yaml
    external_provision:
      items: [氏名, 住所]
      other_items: [病歴]
    ```

    ## 修正例
    ```yaml
    external_provision:
      items: [氏名, 住所, 病歴]
    ```
    """
    for key, section in subject.checked_case.action_sections():
        if not section.other_items or not subject.valid(key, "other_items"):
            continue
        ticked = set(section.items) if subject.valid(key, "items") else set()
        first_of: dict[str, int] = {}
        for index, entry in enumerate(section.other_items):
            normalized = _normalized(entry)
            if normalized in first_of:
                first_line = subject.at(key, "other_items", first_of[normalized]).line
                yield Problem(
                    subject.at(key, "other_items", index),
                    f"{label((key, 'other_items'))}に「{entry}」が重複しています（最初は {first_line} 行目）。一つにしてください",
                )
                continue
            first_of[normalized] = index
            message = _grid_item_message(entry, normalized, ticked, key)
            if message is not None:
                yield Problem(subject.at(key, "other_items", index), message)


def _grid_item_message(entry: str, normalized: str, ticked: set[str], key: str) -> str | None:
    item = _GRID_ITEM_OF.get(normalized)
    if item is not None:
        named = f"「{entry}」は項目表の項目です" if item == normalized else f"「{entry}」は項目表の「{item}」に当たります"
        if item in ticked:
            return f"{named}（{key}.items にチェック済み）。other_items から削除してください"
        return f"{named}。other_items から外し、{key}.items の「{item}」にチェックしてください"
    if not any(separator in normalized for separator in "、・,，"):
        return None
    parts = [part for part in re.split(_ENTRY_SEPARATORS, normalized) if part]
    items = [_GRID_ITEM_OF.get(part) for part in parts]
    if len(parts) > 1 and all(items):
        return (
            f"「{entry}」は項目表の項目（{'、'.join(dict.fromkeys(i for i in items if i))}）です。"
            f"other_items ではなく {key}.items にそれぞれチェックしてください"
        )
    return None
