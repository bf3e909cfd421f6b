"""E3: the sheet against the ordinance — bases and sections, 通知, media, conditions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from ..findings import Problem
from ..loading.document import DataPath
from ..model.case import (
    NOTICE_SECTIONS,
    OTHER_BASIS_TEXT,
    OTHER_MEDIUM_DETAIL,
    PROVISION_CONDITIONS,
    SECTIONS,
    NoticeGiven,
    NoticeWithheld,
    Proviso,
    is_blank,
)
from ..model.vocabulary import BASIS_BY_SECTION, BASIS_BY_VALUE, EMERGENCY_SECTION
from .registry import Subject, rule


def _normalized(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def cites(text: str | None, article: str) -> bool:
    """Whether `text` cites `article` (条例第13条第4項, not 条例第13条第40項)."""
    if not text or not article:
        return False
    return re.search(re.escape(_normalized(article)) + r"(?![0-9])", _normalized(text)) is not None


def cites_emergency(subject: Subject) -> bool:
    case = subject.case
    return case is not None and cites(case.other_basis, subject.config.articles.緊急の外部提供)


@rule("E301", "根拠規定に対応する欄がない", reads=("bases",))
def basis_without_section(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    `bases` に挙げた根拠規定ごとに、対応する欄があるか。本人外収集→`indirect_collection`、
    目的外利用→`secondary_use`、外部提供→`external_provision`、記録項目→`record_items`、
    結合→`linkage`。

    ## なぜ問題か
    根拠規定にチェックを付けたのに、その欄（項目表や理由）がないシートでは、審議会は何を
    諮問・報告されているのか判断できません。

    ## 違反例
    ```yaml
    bases: [外部提供, 結合]
    linkage:
    ```

    ## 修正例
    ```yaml
    bases: [外部提供]
    linkage:
    ```
    """
    for index, value in enumerate(subject.checked_case.bases):
        section = BASIS_BY_VALUE[value].section
        if section is not None and not subject.present(section):
            yield Problem(
                subject.at("bases", index),
                f"根拠規定に「{value}」がありますが、{value}の欄（{section}）がありません",
            )


@rule("E302", "根拠規定のない欄", reads=("bases", "other_basis"))
def section_without_basis(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    欄（`indirect_collection`、`secondary_use`、`external_provision`、`record_items`、`linkage`）が
    あるのに、対応する根拠規定が `bases` にないものはないか。ただし、`other_basis` が緊急時の外部提供の
    規定（設定の `articles.緊急の外部提供`、狛江市は条例第13条第4項）を挙げている場合の
    `external_provision` は除きます。

    ## なぜ問題か
    欄だけがあって根拠規定にチェックがないと、シートの冒頭（根拠規定）と本文が食い違い、
    どの条文に基づく審議なのかが分からなくなります。

    ## 違反例
    ```yaml
    bases: [外部提供]
    ```

    ## 修正例
    ```yaml
    bases: [外部提供, 結合]
    ```
    """
    declared = set(subject.checked_case.bases)
    for section in SECTIONS:
        basis = BASIS_BY_SECTION[section].value
        if not subject.present(section) or basis in declared:
            continue
        if section == EMERGENCY_SECTION and cites_emergency(subject):
            continue
        yield Problem(
            subject.at(section),
            f"{basis}の欄（{section}）がありますが、根拠規定（bases）に「{basis}」がありません",
        )


@rule("E303", "⑥その他 と other_basis の食い違い", reads=("bases", "other_basis"))
def other_basis_mismatch(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    `bases` に `その他` があるなら `other_basis`（⑥その他の括弧内の規定）があるか、
    `other_basis` があるなら `bases` に `その他` があるか。

    ## なぜ問題か
    ⑥その他 にチェックがあっても括弧内が空では、どの規定に基づくのか分かりません。
    逆に規定だけが書かれていると、チェック欄と食い違ったシートになります。

    ## 違反例
    ```yaml
    bases: [外部提供, 結合, その他]
    ```

    ## 修正例
    ```yaml
    bases: [外部提供, 結合, その他]
    other_basis: 条例第13条第2項第2号
    ```
    """
    case = subject.checked_case
    value, (key,) = OTHER_BASIS_TEXT.value, OTHER_BASIS_TEXT.key
    if value in case.bases and not subject.present(key):
        yield Problem(
            subject.at("bases", case.bases.index(value)),
            f"根拠規定に「{value}」がありますが、その規定（{key}、例: 条例第13条第4項）がありません",
        )
    if value not in case.bases and getattr(case, key) is not None:
        yield Problem(
            subject.at(key),
            f"その他の根拠規定（{key}）がありますが、根拠規定（bases）に「{value}」がありません",
        )


@rule("E304", "項目のない欄")
def section_without_items(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    項目表のある欄（本人外収集・目的外利用・外部提供・記録項目）で、`items` と `other_items` を
    合わせて一つ以上の項目があるか。

    ## なぜ問題か
    どの個人情報を収集・利用・提供・記録するのかは審議の中心です。項目が一つもない欄は、
    書き忘れか、欄そのものが不要かのどちらかです。

    ## 違反例
    ```yaml
    external_provision:
      items: []
    ```

    ## 修正例
    ```yaml
    external_provision:
      items: [氏名, 住所]
    ```
    """
    for key, section in subject.checked_case.action_sections():
        if not (subject.valid(key, "items") and subject.valid(key, "other_items")):
            continue
        if not section.all_items:
            where = (key, "items")
            yield Problem(
                subject.document.missing_span(where),
                f"{key} に項目がありません。items（項目表）か other_items（その他の項目）に一つ以上書いてください",
            )


def _notices(subject: Subject, given: str) -> Iterator[tuple[DataPath, dict[str, Any]]]:
    """The path and data of each notice written with `given` (有 or 無), as the file has it:
    these rules read the document, so they report whatever else is wrong with the file."""
    for section in NOTICE_SECTIONS:
        data = subject.document.data.get(section)
        notice = data.get("notice") if isinstance(data, dict) else None
        if isinstance(notice, dict) and notice.get("given") == given:
            yield (section, "notice"), notice


def _absent(subject: Subject, path: DataPath, title: str | None, need: str) -> Problem:
    """A problem about the missing or empty value at `path`."""
    dotted = ".".join(map(str, path))
    state = "空です" if subject.document.has(path) else "ありません"
    return Problem(subject.document.missing_span(path), f"{title}（{dotted}）が{state}。{need}")


def _mixed(subject: Subject, path: DataPath, given: str) -> Problem:
    key = str(path[-1])
    own = "無" if key in NoticeWithheld.model_fields else "有"
    return Problem(
        subject.at(*path),
        f"通知 {given} の欄に「{key}」は書けません（通知 {own} の項目です）。given と内容のどちらが正しいか見直してください",
    )


_PROVISO_NEED = "通知 無 には、ただし書を適用する理由（risk と necessity）が必要です"
_GIVEN_NEED = "通知 有 には、時期（事前・事後）と方法が必要です"


@rule("E305", "通知 無 のただし書の理由がない", needs="case file")
def proviso_missing(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    通知を 無 とした欄に、条例のただし書を適用する理由の二つの部分、
    `proviso.risk`（漏えいリスクが十分に低減されていること）と `proviso.necessity`（必要性）が両方あるか。
    外部提供は条例第13条第5項、目的外利用は第12条第5項のただし書です（条文は設定の ruleset による）。

    ## なぜ問題か
    本人への通知を省けるのは、ただし書の要件を満たすと説明できる場合だけです。
    理由の欠けたシートは、審議会が通知不要を判断する材料を欠いています。

    ## 違反例
    ```yaml
    external_provision:
      notice:
        given: 無
        proviso:
          risk: 閉域ネットワークを介しており、漏えいリスクは十分に低減されている。
    ```

    ## 修正例
    ```yaml
    external_provision:
      notice:
        given: 無
        proviso:
          risk: 閉域ネットワークを介しており、漏えいリスクは十分に低減されている。
          necessity: 業務の効率化を図るため、本件の必要性は高い。
    ```
    """
    for path, notice in _notices(subject, "無"):
        proviso = notice.get("proviso")
        if is_blank(proviso):
            yield _absent(subject, (*path, "proviso"), NoticeWithheld.model_fields["proviso"].title, _PROVISO_NEED)
        elif isinstance(proviso, dict):
            for key, field in Proviso.model_fields.items():
                if is_blank(proviso.get(key)):
                    yield _absent(subject, (*path, "proviso", key), field.title, _PROVISO_NEED)


@rule("E306", "通知 有 の時期・方法がない、または 有 と 無 の混在", needs="case file")
def notice_shape(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    通知を 有 とした欄に `timing`（事前・事後）と `method`（方法）があるか。
    また、有 の欄に `proviso` が、無 の欄に `timing` や `method` が書かれていないか。

    ## なぜ問題か
    シートの通知欄は 有 なら時期と方法、無 なら理由のどちらか一方です。両方が混ざったシートは、
    本人に通知するのかしないのかが読み取れません。

    ## 違反例
    ```yaml
    external_provision:
      notice:
        given: 有
        method: 本人へ送付した。
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
    for given, model in (("有", NoticeGiven), ("無", NoticeWithheld)):
        for path, notice in _notices(subject, given):
            for key in notice:
                if key not in model.model_fields and key in NoticeGiven.model_fields | NoticeWithheld.model_fields:
                    yield _mixed(subject, (*path, key), given)
            if given == "有":
                for key in ("timing", "method"):
                    if is_blank(notice.get(key)):
                        yield _absent(subject, (*path, key), NoticeGiven.model_fields[key].title, _GIVEN_NEED)


@rule("E307", "その他の媒体 と具体的な形態の食い違い")
def media_detail_mismatch(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    外部提供の形態に `その他の媒体` を選んだなら `media_detail`（具体的な形態）があるか、
    `media_detail` があるなら `その他の媒体` を選んでいるか。

    ## なぜ問題か
    紙でも電磁的記録媒体でもない提供（ネットワーク経由など）は、具体的な形態が書かれて
    いなければ安全性を判断できません。

    ## 違反例
    ```yaml
    external_provision:
      media_detail:
    ```

    ## 修正例
    ```yaml
    external_provision:
      media: [その他の媒体]
      media_detail: 行政専用の閉域ネットワークを介して、画像データをアップロードする。
    ```
    """
    provision = subject.checked_case.external_provision
    choice, value, (key,) = OTHER_MEDIUM_DETAIL.choice, OTHER_MEDIUM_DETAIL.value, OTHER_MEDIUM_DETAIL.key
    if provision is None or not (
        subject.valid("external_provision", choice) and subject.valid("external_provision", key)
    ):
        return
    media, detail = getattr(provision, choice), getattr(provision, key)
    if value in media and detail is None:
        yield Problem(
            subject.at("external_provision", choice, media.index(value)),
            f"外部提供の形態に「{value}」がありますが、具体的な形態（external_provision.{key}）がありません",
        )
    if value not in media and detail is not None:
        yield Problem(
            subject.at("external_provision", key),
            f"具体的な形態（external_provision.{key}）がありますが、外部提供の形態に「{value}」がありません",
        )


@rule("E308", "外部提供する条件がない", reads=("bases",))
def provision_without_conditions(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    根拠規定に `外部提供` があるとき、`external_provision.conditions`（外部提供する条件）があるか。

    ## なぜ問題か
    条例に基づく外部提供では、提供先に課す条件（条例の遵守、契約、特記仕様書など）が
    審議の要点です。条件のない外部提供を認めることはできません。

    ## 違反例
    ```yaml
    external_provision:
      conditions:
    ```

    ## 修正例
    ```yaml
    external_provision:
      conditions: 条例の遵守を徹底させ、特記仕様書を取り交わす。
    ```
    """
    case = subject.checked_case
    value, path = PROVISION_CONDITIONS.value, PROVISION_CONDITIONS.key
    section, key = path
    provision = getattr(case, section)
    if value in case.bases and provision is not None and getattr(provision, key) is None and subject.valid(*path):
        yield Problem(
            subject.document.missing_span(path),
            f"根拠規定に「{value}」がありますが、外部提供する条件（{section}.{key}）がありません",
        )


@rule("E309", "緊急時の外部提供が報告事項でない", reads=("kind", "other_basis"))
def emergency_not_reported(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    `other_basis` が緊急時の外部提供の規定（設定の `articles.緊急の外部提供`、狛江市は条例第13条第4項:
    人の生命、身体又は財産の保護のため緊急の必要があるとき）を挙げているのに、
    `kind` が `報告` でないものはないか。

    ## なぜ問題か
    緊急時の外部提供は、提供した後で審議会に報告するものです。諮問（事前に意見を聴く）として
    出すと、手続の順序がシートの上で誤って記録されます。

    ## 違反例
    ```yaml
    kind: 諮問
    bases: [外部提供, 結合, その他]
    other_basis: 条例第13条第4項
    ```

    ## 修正例
    ```yaml
    kind: 報告
    bases: [外部提供, 結合, その他]
    other_basis: 条例第13条第4項
    ```
    """
    case = subject.checked_case
    if cites_emergency(subject) and case.kind != "報告":
        article = subject.config.articles.緊急の外部提供
        yield Problem(
            subject.at("kind"),
            f"緊急時の外部提供（{article}）は事後の報告です。kind を「報告」にしてください",
        )
