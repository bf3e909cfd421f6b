"""W403–W406, W412: what must not be published, found in every text of the file.

These read the document's strings, not the validated case, so they report even
when the file has format errors. Each pattern is one compiled regex run once over all
the strings of a file joined (Document.joined), written so that its cost is linear
in the text: no pattern can cross from one string into the next.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from ..findings import Problem
from ..model.characters import is_ideograph
from ..model.eras import date_problems
from .registry import Subject, rule


def _problem(subject: Subject, start: int, end: int, message: str) -> Problem:
    """A problem at `joined[start:end]` of the subject's document."""
    span, anchor_line = subject.document.span_in_joined(start, end)
    return Problem(span, message, anchor_line)


# Patterns that only run once a plain `in` test has found what they need are left as
# source and compiled by `re` (and cached there) on first use: most sheets never need
# them, and compiling classes of non-ASCII characters costs start-up on every commit.
_PLACEHOLDER = (
    r"[(（]例[)）]|[○〇●]{2,}|[XＸ]{2,}|×{2,}|未定(?![稿義])|TODO|(?<![A-Za-z])TBD(?![A-Za-z])"
    r"|要確認|要記入|記入してください"
)
# Each placeholder holds one of these: most sheets hold none. One search for them all
# (which skips to their first characters) is faster than ten `in` scans of CJK text.
_PLACEHOLDER_SEEDS: Final = re.compile("例\\)|例）|○○|〇〇|●●|XX|ＸＸ|××|未定|TODO|TBD|要確認|要記入|記入して")
# How far back a 「 that opens a quotation is looked for: 「…を記入してください」と案内する
# quotes a letter to citizens, it is not the form's instruction.
_QUOTE_REACH: Final = 60


def _quoted(text: str, index: int) -> bool:
    """Whether `text[index]` lies inside 「…」 opened not far before it, in the same text."""
    window = text[max(0, index - _QUOTE_REACH) : index]
    window = window[window.rfind("\x00") + 1 :]
    return window.rfind("「") > window.rfind("」")


@rule("W403", "記入例・未記入の印が残っている", needs=None)
def placeholder(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    様式の記入例や未記入の印が残っていないか: `(例)`、`（例）`、`○○`、`〇〇`、`●●`、`XX`、`××`、
    `未定`（「未定稿」は除く）、`TODO`、`TBD`、`要確認`、`要記入`、`記入してください`
    （「」で引用した案内文の中は除く）。

    ## なぜ問題か
    様式の「(例)」を消し忘れたまま提出されたシートは、例文がそのまま審議され、公開されます。
    `○○` や `未定`、様式の「…を記入してください」は書き終えていない印です。

    ## 違反例
    ```yaml
    external_provision:
      recipient: ○○株式会社
    ```

    ## 修正例
    ```yaml
    external_provision:
      recipient: 株式会社NTTデータ
    ```
    """
    joined, _ = subject.document.joined
    if not _PLACEHOLDER_SEEDS.search(joined):
        return
    for match in re.finditer(_PLACEHOLDER, joined):
        if match.group() == "記入してください" and _quoted(joined, match.start()):
            continue
        yield _problem(
            subject,
            match.start(),
            match.end(),
            f"記入例・未記入の印「{match.group()}」が残っています。実際の内容に書き換えてください",
        )


def near_names(text: str, municipality: str) -> Iterator[tuple[int, int]]:
    """Spans of names one ideograph off the municipality's stem (柏江市, 狛汀市 for 狛江市).

    The configured name ends in its kind (市, 町, 村, 区, 都, 道, 府, 県): each occurrence
    of that suffix is checked against the stem before it.
    """
    stem, suffix = municipality[:-1], municipality[-1]
    width = len(stem)
    index = text.find(suffix, width)
    while index >= 0:
        window = text[index - width : index]
        differing = [i for i in range(width) if window[i] != stem[i]]
        if len(differing) == 1 and is_ideograph(window[differing[0]]):
            yield index - width, index + 1
        index = text.find(suffix, index + 1)


@rule("W404", "自治体名の誤記", needs=None)
def municipality_typo(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    設定の自治体名（`municipality`、狛江市）と一文字だけ違う名前（柏江市、狹江市 など）がないか。
    実在する別の自治体名は設定の `known_names`（既定: 松江市、鯖江市）に挙げておけば対象外です。

    ## なぜ問題か
    OCR や変換の誤りで自治体名が一文字違ったまま、公開文書に載ることがあります
    （狛江市の付議案件シートにも「柏江市」「狹江市」がありました）。自分の市の名前の誤りは、
    読む人には見落とせない誤りです。

    ## 違反例
    ```yaml
    external_provision:
      conditions: 柏江市個人情報保護条例の遵守を徹底させる。
    ```

    ## 修正例
    ```yaml
    external_provision:
      conditions: 狛江市個人情報保護条例の遵守を徹底させる。
    ```
    """
    config = subject.config
    known = set(config.known_names)
    joined, _ = subject.document.joined
    for start, end in near_names(joined, config.municipality):
        name = joined[start:end]
        if name in known:
            continue
        yield _problem(
            subject,
            start,
            end,
            f"「{name}」は「{config.municipality}」の誤りではありませんか"
            "（実在する別の名前なら設定の known_names に加えてください）",
        )


@rule("W405", "ありえない日付・曜日の誤り・終わりが始まりより前の期間", needs=None)
def impossible_date(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    日付がありうるものか: 存在しない日（令和3年2月29日）、元号の期間外（令和元年4月1日、
    平成31年5月1日、昭和64年1月8日）、ありえない年（令和0年、平成32年）。元年と1年はどちらも可、
    全角数字や 0 を補った数字（令和05年04月01日）も読みます。平成31年度のような年度は、その元号の
    最後の年まで可とします。読む書き方は、和暦（令和3年12月14日）、略した和暦（R5.2.28、R5/2/28、
    令5.2.28、H31.4.30）、西暦（2026年1月6日）です。

    括弧内の曜日（令和3年12月14日（火））が日付と合っているか。

    「～」「から」でつないだ期間の終わりが始まりより前でないか（令和6年10月1日～令和5年3月31日）。
    「から」「～」の後の「15日」や「12月31日」は、始まりの日付の年・月として読みます
    （令和4年1月24日から12月31日まで）。「毎年4～6月」のように年のない月は読みません。

    ## なぜ問題か
    実施時期や経過の日付の誤りは、いつ何をしたのかという記録の誤りです。
    曜日との食い違いは、日付か曜日のどちらかが誤っている確かな印です。終わりが始まりより前の
    期間は、どちらかの年を書き誤っています。

    ## 違反例
    ```yaml
    period: 令和3年12月14日（水）
    ```

    ## 修正例
    ```yaml
    period: 令和3年12月14日（火）
    ```
    """
    joined, starts = subject.document.joined
    for found in date_problems(joined, starts):
        yield _problem(subject, found.start, found.end, found.message)


# `\d` matches full-width digits too; the classes below take full-width signs as well.
_DASH = "[-－‐―ー−]"
_IDENTIFIERS: Final = (
    (
        "電話番号",
        rf"(?<![\d\-－])(?P<id>[0０]\d{{1,4}}{_DASH}\d{{1,4}}{_DASH}\d{{3,4}}"
        rf"|[(（][0０]\d{{1,4}}[)）]\s?\d{{1,4}}{_DASH}\d{{4}}"
        rf"|[0０]\d{{1,4}}[(（]\d{{1,4}}[)）]\d{{3,4}}|[0０]\d{{9,10}})(?![\d\-－])",
    ),
    ("12桁の番号（個人番号）", r"(?<![\d,.\-－])(?P<id>\d{4}[- ]?\d{4}[- ]?\d{4})(?![\d,.\-－])"),
)
# Only where a run of digits and signs is long enough to be one of the above: most
# sheets have none, and this scan starts with a character class, which is fast. Digits
# are spelt out: a class holding `\d` is checked through the Unicode database, char by
# char (1.6x slower over a whole sheet).
_LONG_NUMBER = re.compile(r"[0-9０-９(（][0-9０-９\-－‐―ー−()（） ]{9,}")
# Only from the start of a run of address characters: linear, not retried inside a run.
_MAIL = r"(?<![A-Za-z0-9._%+-])(?P<id>[A-Za-z0-9._%+-]+[@＠][A-Za-z0-9-]+(?:[.．][A-Za-z0-9-]+)+)"
_ACCOUNT = r"(?:口座|普通|当座)[^\d。、\x00]{0,8}?(?<![\d,.\-－])(?P<id>\d{7})(?![\d,.\-－])"
_ACCOUNT_WORDS: Final = ("口座", "普通", "当座")


def _identifiers(text: str) -> Iterator[tuple[str, re.Match[str]]]:
    if _LONG_NUMBER.search(text):
        for kind, pattern in _IDENTIFIERS:
            for match in re.finditer(pattern, text):
                if kind != "電話番号" or 10 <= sum(c.isdigit() for c in match.group("id")) <= 11:
                    yield kind, match
    if "@" in text or "＠" in text:
        yield from (("電子メールアドレス", match) for match in re.finditer(_MAIL, text))
    if any(word in text for word in _ACCOUNT_WORDS):
        yield from (("口座番号", match) for match in re.finditer(_ACCOUNT, text))


@rule("W406", "公開してはならない直接の識別子", needs=None)
def direct_identifier(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    本文に、特定の人につながる番号やアドレスが書かれていないか: 電話番号（03-1234-5678、
    09012345678）、電子メールアドレス、12桁の番号（個人番号）、口座番号（「口座」「普通」などに
    続く7桁）。金額（1,800件、24,723人）、日付、条番号は対象外です。

    ## なぜ問題か
    付議案件シートは公開されます。説明のために実例を書き写すと、本人の電話番号や
    個人番号がそのまま公開され、それ自体が個人情報の漏えいになります。

    ## 違反例
    ```yaml
    summary: 本人（電話 090-1234-5678）から帰り方がわからないと電話があった。
    ```

    ## 修正例
    ```yaml
    summary: 本人から帰り方がわからないと電話があった。
    ```
    """
    joined, _ = subject.document.joined
    for kind, match in _identifiers(joined):
        start, end = match.span("id")
        yield _problem(
            subject,
            start,
            end,
            f"{kind}と思われる「{joined[start:end]}」があります。"
            "公開されるシートに直接の識別子を書かないでください",
        )


# How a municipality's own ordinance and council are named (調布市個人情報保護条例,
# 横浜市個人情報の保護に関する条例, 狛江市個人情報保護審議会, …個人情報保護運営審議会).
_PROTECTION_BODY = r"個人情報(?:保護条例|の保護に関する条例|保護(?:制度)?(?:運営)?審議会)"
# The council of some cities is named together with information disclosure.
_DISCLOSURE_PREFIXES: Final = ("情報公開・", "情報公開及び")
# Longer than any municipality's name with its prefecture and county (北海道虻田郡洞爺湖町):
# the walk back to a name's start is bounded, so that the check stays linear.
_NAME_REACH: Final = 12
_NAME_KANA: Final = frozenset("ヶケヵ")
_KINDS: Final = "市区町村都道府県"
_PREFECTURE_KINDS: Final = "都道府県"
# Characters that make a name generic, not one municipality's: 本市, 当該市, 各区市町村,
# 近隣市, 特別区.
_GENERIC: Final = frozenset("本当該同各他全貴自近隣特別区市町村都道府県内外")
# The keys that name the parties of a case: a municipality named there (the recipient of
# a provision) may have its own ordinance cited rightly.
_PARTIES: Final = (("external_provision", "recipient"), ("indirect_collection", "source"), ("secondary_use", "source_organization"))


def _name_before(text: str, index: int) -> tuple[int, str]:
    """The run of name characters ending at `text[index]` (exclusive), and where it starts."""
    start = index
    while start > max(0, index - _NAME_REACH) and (is_ideograph(text[start - 1]) or text[start - 1] in _NAME_KANA):
        start -= 1
    return start, text[start:index]


def _party_names(subject: Subject) -> str:
    data = subject.document.data
    parts = []
    for section, key in _PARTIES:
        value = data.get(section)
        value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str):
            parts.append(value)
    return "\x00".join(parts)


def _is_near_name(name: str, municipality: str) -> bool:
    """Whether `name` ends in a one-ideograph slip of `municipality` (W404's finding)."""
    tail = name[-len(municipality) :]
    if len(tail) != len(municipality) or tail[-1] != municipality[-1]:
        return False
    differing = [a for a, b in zip(tail, municipality, strict=True) if a != b]
    return len(differing) == 1 and is_ideograph(differing[0])


def _without_prefecture(name: str) -> str:
    """東京都調布市 → 調布市 (but 京都市 stays whole)."""
    cut = max(name.rfind(kind, 0, len(name) - 1) for kind in "都道府県郡")
    return name[cut + 1 :] if len(name) - cut - 1 >= 2 else name


@rule("W412", "他の自治体の条例・審議会の名前", needs=None)
def other_municipality(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    本文が、設定の自治体（`municipality`、狛江市）以外の自治体の個人情報保護条例や
    個人情報保護審議会を名指ししていないか（「調布市個人情報保護条例の遵守を徹底させ」）。
    「…個人情報保護条例」「…個人情報の保護に関する条例」「…個人情報保護審議会」
    「…個人情報保護運営審議会」の前の自治体名を、どの自治体でも読みます。

    ほかの機関の名前（調布警察署）、自治体名のない言い方（都内自治体の個人情報保護条例、本市）、
    都道府県（市区町村の設定のとき）は対象外です。外部提供先（`recipient`）や収集先（`source`）、
    提供元の組織（`source_organization`）に名前のある自治体は、その自治体の条例を挙げてよいものとします。
    一文字違いの自分の名前（柏江市）は W404 が指摘します。

    ## なぜ問題か
    近隣の自治体のシートを下敷きにして書くと、その自治体の条例名が残ることがあります。
    提供先に守らせる条例を誤ったまま審議され公開されると、提供の条件そのものが誤りになります。

    ## 違反例
    ```yaml
    external_provision:
      conditions: 調布市個人情報保護条例の遵守を徹底させ、特記仕様書を取り交わすこと。
    ```

    ## 修正例
    ```yaml
    external_provision:
      conditions: 狛江市個人情報保護条例の遵守を徹底させ、特記仕様書を取り交わすこと。
    ```
    """
    joined, _ = subject.document.joined
    if "個人情報" not in joined:
        return
    config = subject.config
    municipality = config.municipality
    prefectural = municipality[-1] in _PREFECTURE_KINDS
    known = set(config.known_names)
    parties: str | None = None
    for match in re.finditer(_PROTECTION_BODY, joined):
        end = match.start()
        for prefix in _DISCLOSURE_PREFIXES:
            if joined.endswith(prefix, 0, end):
                end -= len(prefix)
        start, name = _name_before(joined, end)
        if (
            not name
            or name[-1] not in _KINDS
            or (name[-1] in _PREFECTURE_KINDS) != prefectural
            or all(character in _GENERIC for character in name)
            or name.endswith(municipality)
            or (_is_near_name(name, municipality) and name not in known)
        ):
            continue
        if parties is None:
            parties = _party_names(subject)
        if _without_prefecture(name) in parties:
            continue
        council = "審議会" in match.group()
        yield _problem(
            subject,
            start,
            match.end(),
            f"「{joined[start:match.end()]}」は{municipality}の{'審議会' if council else '条例'}ではありません。"
            f"他の自治体のシートから写していないか確かめ、「{config.council if council else config.ordinance}」に直してください",
        )

