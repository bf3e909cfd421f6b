"""W403–W406: what must not be published, found in every text of the file.

These read the document's strings, not the validated case, so they report even
when the file has format errors. Each pattern is one compiled regex run once per
string: the cost is linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Final

from ..document import TextScalar
from ..eras import date_problems
from ..findings import Problem
from ..registry import Subject, rule


def _problem(subject: Subject, scalar: TextScalar, start: int, end: int, message: str) -> Problem:
    return Problem(subject.document.span_of(scalar, start, end - start), message, scalar.anchor_line)


_PLACEHOLDER = re.compile(r"[(（]例[)）]|[○〇●]{2,}|[XＸ]{2,}|未定(?![稿義])|TODO|要確認")


@rule("W403", "記入例・未記入の印が残っている", needs_case=False)
def placeholder(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    様式の記入例や未記入の印が残っていないか: `(例)`、`（例）`、`○○`、`〇〇`、`●●`、`XX`、
    `未定`（「未定稿」は除く）、`TODO`、`要確認`。

    ## なぜ問題か
    様式の「(例)」を消し忘れたまま提出されたシートは、例文がそのまま審議され、公開されます。
    `○○` や `未定` は書き終えていない印です。

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
    for scalar in subject.document.texts:
        for match in _PLACEHOLDER.finditer(scalar.value):
            yield _problem(
                subject,
                scalar,
                match.start(),
                match.end(),
                f"記入例・未記入の印「{match.group()}」が残っています。実際の内容に書き換えてください",
            )


_MUNICIPALITY_SUFFIXES: Final = "市町村区"
_IDEOGRAPH: Final = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々]"


@lru_cache(maxsize=8)
def _near_names(municipality: str) -> re.Pattern[str]:
    """Names one ideograph off the municipality's stem (柏江市, 狛汀市 for 狛江市)."""
    stem, suffix = municipality[:-1], municipality[-1]
    if suffix not in _MUNICIPALITY_SUFFIXES or not stem:
        stem, suffix = municipality, ""
    variants = [
        re.escape(stem[:i]) + f"(?!{re.escape(stem[i])}){_IDEOGRAPH}" + re.escape(stem[i + 1 :])
        for i in range(len(stem))
    ]
    return re.compile(f"(?:{'|'.join(variants)}){re.escape(suffix)}")


@rule("W404", "自治体名の誤記", needs_case=False)
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
    pattern = _near_names(config.municipality)
    known = set(config.known_names)
    for scalar in subject.document.texts:
        for match in pattern.finditer(scalar.value):
            if match.group() in known:
                continue
            yield _problem(
                subject,
                scalar,
                match.start(),
                match.end(),
                f"「{match.group()}」は「{config.municipality}」の誤りではありませんか"
                "（実在する別の名前なら設定の known_names に加えてください）",
            )


@rule("W405", "ありえない和暦の日付・曜日の誤り", needs_case=False)
def impossible_date(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    和暦の日付がありうるものか: 存在しない日（令和3年2月29日）、元号の期間外（令和元年4月1日、
    平成31年5月1日、昭和64年1月8日）、ありえない年（令和0年、平成32年）。元年と1年はどちらも可、
    全角数字も読みます。平成31年度のような年度は、その元号の最後の年まで可とします。
    括弧内の曜日（令和3年12月14日（火））が日付と合っているか。「から」「～」の後の「15日」や
    「12月31日」は、直前の日付の年・月として読みます。

    ## なぜ問題か
    実施時期や経過の日付の誤りは、いつ何をしたのかという記録の誤りです。
    曜日との食い違いは、日付か曜日のどちらかが誤っている確かな印です。

    ## 違反例
    ```yaml
    period: 令和3年12月14日（水）
    ```

    ## 修正例
    ```yaml
    period: 令和3年12月14日（火）
    ```
    """
    for scalar in subject.document.texts:
        for found in date_problems(scalar.value):
            yield _problem(subject, scalar, found.start, found.end, found.message)


# Length-preserving: positions found in the normalized text are positions in the original.
_ASCII: Final = str.maketrans("０１２３４５６７８９－‐―ー−（）＠．", "0123456789-----()@.")
# Each pattern's group `id` is the identifier itself.
_IDENTIFIERS: Final = (
    (
        "電話番号",
        re.compile(
            r"(?<![\d-])(?P<id>0\d{1,4}-\d{1,4}-\d{3,4}|\(0\d{1,4}\)\s?\d{1,4}-\d{4}"
            r"|0\d{1,4}\(\d{1,4}\)\d{3,4}|0\d{9,10})(?![\d-])"
        ),
    ),
    ("電子メールアドレス", re.compile(r"(?P<id>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")),
    ("12桁の番号（個人番号）", re.compile(r"(?<![\d,.-])(?P<id>\d{4}[- ]?\d{4}[- ]?\d{4})(?![\d,.-])")),
    ("口座番号", re.compile(r"(?:口座|普通|当座)[^\d。、]{0,8}?(?<![\d,.-])(?P<id>\d{7})(?![\d,.-])")),
)


@rule("W406", "公開してはならない直接の識別子", needs_case=False)
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
    for scalar in subject.document.texts:
        normalized = scalar.value.translate(_ASCII)
        for kind, pattern in _IDENTIFIERS:
            for match in pattern.finditer(normalized):
                start, end = match.span("id")
                if kind == "電話番号" and not 10 <= sum(c.isdigit() for c in match.group("id")) <= 11:
                    continue
                yield _problem(
                    subject,
                    scalar,
                    start,
                    end,
                    f"{kind}と思われる「{scalar.value[start:end]}」があります。"
                    "公開されるシートに直接の識別子を書かないでください",
                )
