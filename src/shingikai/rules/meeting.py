"""E5, W5: a meeting file (meeting-format.md) — its agenda's cases, decisions and dates.

The linter finds what each agenda item's `case` leads to (lint/agenda.py) and the
decisions of the other meetings of the directory; these checks judge them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

from ..findings import Problem
from ..model.agenda import AgendaCase, Found
from ..model.vocabulary import AGENDA_LIST_BY_KEY
from ..suggest import nearest
from .registry import Subject, rule


def _where(subject: Subject, entry: AgendaCase) -> str:
    return f"{entry.label}の案件「{entry.written}」"


@rule("E501", "議題の案件が見つからない・リポジトリの外・案件でない", needs="meeting")
def agenda_case_not_found(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    議題（`consultations`、`reports`）の各 `case` が、会議ファイルからの相対パスで実在する
    ケースファイル（`*.yaml` / `*.yml`）を指し、そのファイルが案件（`kind` が 諮問 か 報告）であり、
    ケースのリポジトリ（設定ファイルのあるディレクトリ、なければ git の作業ツリー）の中にあるか。

    ## なぜ問題か
    会議ファイルは、どの案件をどの会議に付したかを記録する唯一の場所です。指す先のない議題は、
    何を審議したのかが分からない記録になり、次第にもシートにもなりません。リポジトリの外を指す
    パスは、公開用の出力に意図しないファイルを含めてしまうおそれがあります。

    ## 違反例
    ```yaml
    consultations:
      - case: ../cases/ai-ocr.yaml
    ```

    ## 修正例
    ```yaml
    consultations:
      - case: ../cases/ai-ocr-shoukyaku-shisan.yaml
    ```
    """
    root = subject.repository_root()
    for entry in subject.agenda:
        where = subject.at(entry.agenda.key, entry.index, "case")
        message = _not_found(entry, subject, root)
        if message is not None:
            yield Problem(where, message)


def _not_found(entry: AgendaCase, subject: Subject, root: Path) -> str | None:
    case = _where(subject, entry)
    if entry.found is Found.OUTSIDE:
        return f"{case}はリポジトリ（{root}）の外を指しています。リポジトリの中のケースファイルを相対パスで書いてください"
    if entry.found is Found.MISSING:
        return f"{case}のファイルがありません（会議ファイルのディレクトリからの相対パスで書きます）"
    if entry.found is Found.NOT_A_FILE:
        return f"{case}はファイルではありません。ケースファイルのパスを書いてください"
    if entry.found is Found.NOT_YAML:
        return f"{case}はケースファイル（*.yaml / *.yml）ではありません"
    if entry.found is Found.MEETING:
        return f"{case}は会議のファイル（kind: 会議）です。議題には案件のケースファイルを書いてください"
    if entry.found is Found.NOT_A_CASE:
        return f"{case}は案件のケースファイルではありません（kind が 諮問 でも 報告 でもありません）"
    return None


@rule("E502", "同じ案件が一つの会議に二度ある", needs="meeting")
def repeated_case(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    一つの会議の議題に、同じケースファイルが二度（同じ一覧に、または諮問事項と報告事項の両方に）
    書かれていないか。書き方が違っても（`../cases/a.yaml` と `../cases/./a.yaml`）同じファイルなら同じ案件です。
    二つ目の位置に、一つ目の位置を示して知らせます。

    ## なぜ問題か
    案件は会議ごとに一つの議題として番号が付き、一つの結果が出ます。二度書かれた案件は番号がずれ、
    どちらの結果が正しいのかが記録の上で分からなくなります。別の案件のつもりで書き誤っていることもあります。

    ## 違反例
    ```yaml
    consultations:
      - case: ../cases/ai-ocr-shoukyaku-shisan.yaml
      - case: ../cases/ai-ocr-shoukyaku-shisan.yaml
    ```

    ## 修正例
    ```yaml
    consultations:
      - case: ../cases/ai-ocr-shoukyaku-shisan.yaml
      - case: ../cases/gakkou-kenshin-itaku.yaml
    ```
    """
    first: dict[Path, AgendaCase] = {}
    for entry in subject.agenda:
        if entry.target is None:
            continue
        earlier = first.setdefault(entry.target, entry)
        if earlier is not entry:
            line = subject.at(earlier.agenda.key, earlier.index, "case").line
            yield Problem(
                subject.at(entry.agenda.key, entry.index, "case"),
                f"{_where(subject, entry)}は{earlier.label}（{line} 行目）と同じ案件です。一つの会議に同じ案件は一度だけ書きます",
            )


@rule("E503", "諮問と報告の取り違え", needs="meeting")
def wrong_list(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    諮問事項（`consultations`）の案件が諮問のケース（`kind: 諮問`）であり、報告事項（`reports`）の
    案件が報告のケース（`kind: 報告`）であるか。

    ## なぜ問題か
    諮問は実施の前に審議会の意見を求めるもの、報告は実施したことを知らせるもので、審議会の決める
    ことも結果の選択肢も違います。一覧を取り違えると、次第と会議録の記載が誤り、事前に諮問すべき
    案件が報告として扱われかねません。

    ## 違反例
    ```yaml
    consultations:
      - case: ../cases/ai-ocr-shoukyaku-shisan.yaml
      - case: ../cases/ninchisho-koureisha-sousaku.yaml
    ```

    ## 修正例
    ```yaml
    consultations:
      - case: ../cases/ai-ocr-shoukyaku-shisan.yaml
    reports:
      - case: ../cases/ninchisho-koureisha-sousaku.yaml
    ```
    """
    for entry in subject.agenda:
        if entry.case is None or not entry.valid("kind") or entry.case.kind == entry.agenda.kind:
            continue
        other = next(agenda for agenda in AGENDA_LIST_BY_KEY.values() if agenda.kind == entry.case.kind)
        yield Problem(
            subject.at(entry.agenda.key, entry.index, "case"),
            f"{_where(subject, entry)}は{other.label}のケース（kind: {entry.case.kind}）です。"
            f"{other.key} に移すか、ケースの kind を直してください",
        )


def _decisions(subject: Subject) -> Iterator[tuple[str, int, str, tuple[str | int, ...]]]:
    """(list key, index, decision, path of `decision`) of each item whose result validated."""
    for agenda, index, item in subject.checked_meeting.items():
        path = (agenda.key, index, "result", "decision")
        if item.result is not None and subject.valid(*path):
            yield agenda.key, index, item.result.decision, path


@rule("E504", "一覧で選べない会議の結果", needs="meeting")
def decision_not_allowed(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    会議の結果（`result.decision`）が、その一覧で選べるものか。諮問事項は 承認・条件付承認・不承認・
    継続審議、報告事項は 了承・継続審議 です。選べるものを示します。

    ## なぜ問題か
    審議会は諮問には承認するかどうかを答え、報告は了承します。報告事項に「承認」、諮問事項に「了承」と
    記録すると、審議会が何を決めたのかが会議録の上で誤って残ります。

    ## 違反例
    ```yaml
    reports:
      - case: ../cases/ninchisho-koureisha-sousaku.yaml
        result:
          decision: 承認
    ```

    ## 修正例
    ```yaml
    reports:
      - case: ../cases/ninchisho-koureisha-sousaku.yaml
        result:
          decision: 了承
    ```
    """
    for key, index, decision, path in _decisions(subject):
        agenda = AGENDA_LIST_BY_KEY[key]
        if decision in agenda.decisions:
            continue
        suggestion = nearest(decision, agenda.decisions)
        hint = f"。「{suggestion}」の誤りではありませんか" if suggestion else ""
        yield Problem(
            subject.at(*path),
            f"{agenda.label}（{index + 1}）の会議の結果「{decision}」は{agenda.label}では選べません"
            f"（選べるのは {'、'.join(agenda.decisions)}）{hint}",
        )


@rule("E505", "条件付承認と条件の食い違い", needs="meeting")
def conditions_mismatch(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    会議の結果が `条件付承認` なら条件（`result.conditions`）があるか、条件があるなら結果が
    `条件付承認` か。

    ## なぜ問題か
    条件付承認は、条件を守ることを前提にした承認です。条件の書かれていない条件付承認は、
    主管課が何を守ればよいのかが残りません。逆に、承認や不承認に条件が書かれていると、
    条件付きだったのかどうかが記録の上で分からなくなります（条件でない意見は `opinion` に書きます）。

    ## 違反例
    ```yaml
    consultations:
      - case: ../cases/gakkou-kenshin-itaku.yaml
        result:
          decision: 条件付承認
    ```

    ## 修正例
    ```yaml
    consultations:
      - case: ../cases/gakkou-kenshin-itaku.yaml
        result:
          decision: 条件付承認
          conditions: 委託先における検査結果の保存期間を契約書に明記すること。
    ```
    """
    # Imported here: a case-only lint imports no meeting model.
    from ..model.meeting import CONDITIONS_OF_APPROVAL

    conditional, (conditions,) = CONDITIONS_OF_APPROVAL.value, CONDITIONS_OF_APPROVAL.key
    meeting = subject.checked_meeting
    for key, index, decision, path in _decisions(subject):
        result = getattr(meeting, key)[index].result
        agenda = AGENDA_LIST_BY_KEY[key]
        label = f"{agenda.label}（{index + 1}）"
        # 条件付承認 where the list does not allow it is E504's.
        if decision == conditional and getattr(result, conditions) is None and decision in agenda.decisions:
            yield Problem(subject.at(*path), f"{label}は条件付承認ですが、条件（conditions）がありません。審議会が付けた条件を書いてください")
        elif decision != conditional and getattr(result, conditions) is not None:
            yield Problem(
                subject.at(*path),
                f"{label}の条件（conditions）は条件付承認のときだけ書きます（会議の結果は「{decision}」です）。"
                "条件付承認にするか、条件でない意見なら opinion に書いてください",
            )


@rule("W501", "実施時期と会議の日の前後（事前の諮問）", needs="meeting", reads=("date",))
def timing(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    諮問事項の案件の実施時期（ケースの `period` の最初の日付）が会議の日より前でないか、報告事項の
    案件の実施時期が会議の日より後でないか。実施時期の書き方の細かさで比べます（「令和4年11月（予定）」は
    月まで、「令和4年度」は年度で比べ、同じ月・年度なら知らせません）。「毎年4～6月」のように年のない
    実施時期は比べません。

    ## なぜ問題か
    条例は、本人外収集や外部提供などを始める前に審議会の意見を聴くこと（事前の諮問）を求めています。
    会議より前に始まる事務を諮問事項にしていれば、審議会に諮る前に始めたことになります。逆に、
    まだ始まっていない事務を報告事項にしていれば、諮問すべきものを報告で済ませています。

    ## 違反例
    ```yaml
    date: 令和4年1月20日（木）
    consultations:
      - case: ../cases/ai-ocr-shoukyaku-shisan.yaml   # 実施時期 令和4年1月18日～
    ```

    ## 修正例
    ```yaml
    date: 令和4年1月17日（月）
    consultations:
      - case: ../cases/ai-ocr-shoukyaku-shisan.yaml   # 実施時期 令和4年1月18日～
    ```
    """
    from ..model.eras import period_start

    meeting = subject.checked_meeting
    day = meeting.day
    if day is None:
        return
    for entry in subject.agenda:
        if entry.case is None or not entry.valid("period"):
            continue
        start = period_start(entry.case.period)
        if start is None:
            continue
        order = start.compare(day)
        title = f"{entry.label}「{entry.case.title}」の実施時期（{entry.case.period}）"
        if entry.agenda.key == "consultations" and order < 0:
            message = f"{title}が会議の日（{meeting.date}）より前です。諮問は実施の前にします（実施した後なら報告事項です）"
        elif entry.agenda.key == "reports" and order > 0:
            message = f"{title}が会議の日（{meeting.date}）より後です。まだ実施していない事務は、報告ではなく事前に諮問します"
        else:
            continue
        yield Problem(subject.at(entry.agenda.key, entry.index, "case"), message)


@rule("W502", "土曜・日曜・祝日の会議", needs="meeting", reads=("date",))
def day_off(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    会議の日（`date`）が土曜日、日曜日、国民の祝日（振替休日・国民の休日を含む）でないか。
    祝日は、保守されているライブラリ jpholiday の祝日表で判定します。

    ## なぜ問題か
    審議会は市役所の開庁日に開かれます。休日の日付は、月や日の書き誤り、前年の次第を写したときの
    年の直し忘れであることがほとんどです。公開される次第や会議録の日付の誤りは、会議が開かれた事実の誤りです。

    ## 違反例
    ```yaml
    date: 令和4年1月10日（月）   # 成人の日
    ```

    ## 修正例
    ```yaml
    date: 令和4年1月17日（月）
    ```
    """
    import jpholiday

    meeting = subject.checked_meeting
    day = meeting.day
    if day is None:
        return
    holiday = jpholiday.is_holiday_name(day)
    if holiday is not None:
        why = f"祝日（{holiday}）"
    elif day.weekday() >= 5:
        why = "土曜日" if day.weekday() == 5 else "日曜日"
    else:
        return
    yield Problem(subject.at("date"), f"会議の日（{meeting.date}）は{why}です。日付を確認してください")


@rule("W503", "決定済みの案件を再び議題にしている", needs="meeting", reads=("date", "number"))
def decided_before(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    同じディレクトリの別の会議ファイルで、継続審議以外の結果（承認、条件付承認、不承認、了承）が
    出た案件を、それより後の会議の議題にもう一度書いていないか。比べるのは同じディレクトリにある
    会議ファイルです（継続審議になった案件を次の会議に付すのは正しい使い方です）。

    ## なぜ問題か
    結論の出た案件をもう一度付すと、どちらの会議の結果が有効なのかが記録の上で分からなくなります。
    多いのは、前回の次第を写して議題を直し忘れた場合です。案件を変更して付し直すなら、
    変更後の内容を新しいケースファイルにして、新しい案件として諮問します。

    ## 違反例
    ```yaml
    # 同じディレクトリの会議ファイル（令和3年12月20日の会議）で承認された案件
    consultations:
      - case: ../cases/ai-ocr-shoukyaku-shisan.yaml
    ```

    ## 修正例
    ```yaml
    consultations:
      - case: ../cases/gakkou-kenshin-itaku.yaml
    ```
    """
    meeting = subject.checked_meeting
    day = meeting.day
    if day is None or not subject.decided:
        return
    council = subject.config.council
    for entry in subject.agenda:
        earlier = [d for d in subject.decided if d.target == entry.target and (d.day, d.number) < (day, meeting.number)]
        if not earlier:
            continue
        latest = max(earlier, key=lambda d: (d.day, d.number))
        yield Problem(
            subject.at(entry.agenda.key, entry.index, "case"),
            f"{_where(subject, entry)}は{latest.meeting_title(council)}の{latest.label}で"
            f"「{latest.decision}」となった案件です。変更して付し直すなら、変更後の内容を新しいケースファイルにしてください",
        )


CHANGED_SINCE_DECISION: Final = "W504"


@rule(CHANGED_SINCE_DECISION, "審議会の決定の後に変わった案件", needs="case file")
def changed_since_decision(subject: Subject) -> Iterator[Problem]:
    """
    ## 何を検査するか
    審議会が決定した案件（会議ファイルの `result.decision` が継続審議のほかの結果）のケースファイルが、
    決定の後に内容の上で変わっていないか。決定した内容は、会議ファイルにその結果を初めて書いた
    コミットでのケースファイルです（git の履歴から読みます）。いまのファイル（コミットする前の変更を含む）を
    それとデータとして比べ、変わった最初のキーの位置に、会議、議題の番号と結果を示して一度だけ知らせます
    （複数の会議で決定した案件は、最後の会議の決定と比べます）。コメント、引用符、キーの順序、文章の
    折り返しや空白は変更ではなく、値の変更、項目・欄・資料の追加や削除は変更です。
    会議ファイルは、ケースのリポジトリの最上位か一つ下のディレクトリにある `meetings/` の中のものを読みます
    （`meetings/`、`cases/meetings/`）。git のリポジトリの外や git のない環境では検査しません
    （`shingikai lint --verbose` が理由を示します）。何が変わったかは `shingikai changes` で表示します。

    ## なぜ問題か
    審議会が承認したのは、会議に付されたときのシートの内容です。その後に委託先へ渡す項目を一つ
    増やしたり、提供先や安全対策の記載を書き換えたりしても、ファイルが黙って変わるだけで誰も気付きません。
    変わった内容は審議会の決定の対象外で、そのまま実施すれば審議会に諮らずに実施したことになります。
    変更するなら、変更後の内容を改めて審議会に付します。

    ## 違反例
    ```yaml
    # 令和3年度第3回の審議会で「承認」となったときは items: [氏名, 住所, 電話番号, 財産]
    external_provision:
      items: [氏名, 住所, 口座情報, 財産]
    ```

    ## 修正例
    ```yaml
    # 決定したときの内容のまま（書き方が変わっても、内容が同じなら変更ではありません）
    external_provision:
      items: ["氏名", "住所", "電話番号", "財産"]
    ```
    """
    approval = subject.approval
    if approval is None or not subject.changes:
        return
    first, others = subject.changes[0], len(subject.changes) - 1
    decided = approval.decided
    more = f"（ほかに {others} 件）" if others else ""
    yield Problem(
        subject.at(*first.path),
        f"{decided.meeting_title(subject.config.council)}の{decided.label}で「{decided.decision}」となった後に、"
        f"{first.label}（{first.key}）が変わっています{more}。決定は変わる前の内容に対するものです。"
        f"元に戻すか、変更後の内容を改めて審議会に付してください（`shingikai changes {subject.file}` で変更を表示します）",
    )
