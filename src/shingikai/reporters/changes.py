"""`shingikai changes`: what changed in each case since its latest decision, as text or JSON.

The text is the same on a terminal and off it; a terminal gets it with colour (rich), a
pipe or a file as plain lines:

    cases/x.yaml: 令和3年度第3回狛江市個人情報保護審議会の諮問事項（1）で「承認」となった後の変更 2 件（決定のコミット 1a2b3c4、2022-01-20）
      外部提供する保有個人情報の項目: ＋口座情報 −電話番号
      事務の概要:
        --- 決定のとき（1a2b3c4）
        +++ 現在
        @@ -1 +1 @@
        -…
        +…

A short text is shown as old → new, a long one as a unified diff of its sentences; items
as ＋added −removed; a section as 追加 or 削除. `--format json` gives the same as data.
"""

import os
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, Final, NamedTuple

from ..lint.history import CaseChanges, Status
from ..model.changes import Change, ChangeKind

ADDED_MARK = "＋"
REMOVED_MARK = "−"
NOTHING = "（なし）"


class Line(NamedTuple):
    text: str
    # How a terminal shows it: "path" (the heading), "items", "added", "removed", "hunk"
    # (of a diff) or "" (plain).
    style: str = ""
    # An items line: its label, and its ＋ and − entries (each coloured on a terminal).
    label: str = ""
    marks: tuple[str, ...] = ()


def _shown(path: str) -> str:
    """A file as messages name it: relative to the working directory when it is inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def heading(report: CaseChanges) -> str:
    """The one line that says what the history says of a case."""
    looked, path = report.looked, report.path
    decided = looked.decided
    if looked.status is Status.UNDECIDED:
        return f"{path}: 審議会の決定はまだありません（会議ファイルに、この案件の継続審議のほかの結果がありません）"
    if looked.status is Status.UNKNOWN:
        return f"{path}: 決定の後の変更を調べられません: {looked.reason}"
    assert decided is not None
    when = f"{decided.meeting_title(report.council)}の{decided.label}で「{decided.decision}」となった"
    if looked.status is Status.UNCOMMITTED:
        return f"{path}: {when}ことは、まだコミットされていません（コミットすると、そのときの内容が決定した内容になります）"
    assert looked.approval is not None
    commit = f"決定のコミット {looked.approval.commit[:7]}、{looked.approval.date[:10]}"
    if not report.changes:
        return f"{path}: {when}後、変更はありません（{commit}）"
    return f"{path}: {when}後の変更 {len(report.changes)} 件（{commit}）"


def lines(report: CaseChanges) -> Iterator[Line]:
    yield Line(heading(report), "path")
    approval = report.looked.approval
    for change in report.changes:
        if change.kind is ChangeKind.ITEMS:
            marks = (*(f"{ADDED_MARK}{entry}" for entry in change.added), *(f"{REMOVED_MARK}{entry}" for entry in change.removed))
            yield Line(f"  {change.label}: " + " ".join(marks), "items", change.label, marks)
        elif change.kind is ChangeKind.ADDED:
            yield Line(f"  {change.label}: 追加", "added")
        elif change.kind is ChangeKind.REMOVED:
            yield Line(f"  {change.label}: 削除", "removed")
        elif change.short:
            yield Line(f"  {change.label}: {change.old or NOTHING} → {change.new or NOTHING}")
        else:
            assert approval is not None
            yield Line(f"  {change.label}:")
            for line in _diff(change, approval.commit):
                style = "hunk" if line.startswith("@@") else "added" if line[:1] == "+" else "removed" if line[:1] == "-" else ""
                yield Line(f"    {line}", style)


def _diff(change: Change, commit: str) -> list[str]:
    return change.diff(f"決定のとき（{commit[:7]}）", "現在")


def write_text(stream: IO[str], reports: Sequence[CaseChanges]) -> None:
    if not stream.isatty():
        stream.write("".join(line.text + "\n" for report in reports for line in lines(report)))
        return
    # rich costs start-up time: only a person at a terminal gets it.
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=stream, highlight=False, soft_wrap=True)
    styles = {"path": "bold", "added": "green", "removed": "red", "hunk": "cyan"}
    for report in reports:
        for line in lines(report):
            if line.style == "items":
                marks = (f"[{'green' if mark.startswith(ADDED_MARK) else 'red'}]{escape(mark)}[/]" for mark in line.marks)
                console.print(f"  {escape(line.label)}: " + " ".join(marks))
            elif line.style:
                console.print(f"[{styles[line.style]}]{escape(line.text)}[/]")
            else:
                console.print(escape(line.text))


def _change_object(change: Change, commit: str) -> dict[str, Any]:
    found: dict[str, Any] = {"key": change.key, "label": change.label, "kind": change.kind.value}
    if change.kind is ChangeKind.ITEMS:
        found.update(added=list(change.added), removed=list(change.removed))
    elif change.kind is ChangeKind.TEXT:
        found.update(old=change.old, new=change.new)
        if not change.short:
            found["diff"] = _diff(change, commit)
    return found


def report_object(report: CaseChanges) -> dict[str, Any]:
    looked, approval, decided = report.looked, report.looked.approval, report.looked.decided
    status = looked.status.value
    if looked.status is Status.APPROVED:
        status = "changed" if report.changes else "unchanged"
    found: dict[str, Any] = {"path": report.path, "status": status, "message": heading(report), "decision": None}
    if decided is not None:
        found["decision"] = {
            "meeting": decided.meeting_title(report.council),
            "meeting_file": _shown(decided.meeting),
            "label": decided.label,
            "decision": decided.decision,
            "commit": approval.commit if approval is not None else None,
            "date": approval.date if approval is not None else None,
        }
    found["changes"] = [_change_object(change, approval.commit) for change in report.changes] if approval else []
    return found


def write_json(stream: IO[str], reports: Sequence[CaseChanges]) -> None:
    import json

    json.dump({"cases": [report_object(report) for report in reports]}, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


Writer = Callable[[IO[str], Sequence[CaseChanges]], None]
# The writers by the name `--format` gives them, the default first.
WRITERS: Final[dict[str, Writer]] = {"text": write_text, "json": write_json}
FORMATS: Final = tuple(WRITERS)
