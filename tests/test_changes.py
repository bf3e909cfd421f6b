"""Changes after a decision: W504 in lint, `shingikai changes`, and the rendered notice.

Every test builds a real git repository in a temporary directory: a case and a meeting
committed, the council's decision recorded in a later commit, then edits, meaningful and
cosmetic, in the working tree (what the pre-commit hook sees) or committed.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLE, SHINGIKAI, dump, overlay, run

GOOD = EXAMPLE.read_text(encoding="utf-8")
TITLE = "令和3年度第3回狛江市個人情報保護審議会"
AGENDA = """\
version: 1
kind: 会議
fiscal_year: 令和3年度
number: 3
date: 令和4年1月17日（月）
place: 狛江市役所4階 特別会議室
consultations:
  - case: ../cases/ai-ocr.yaml
"""
DECIDED = AGENDA + "    result:\n      decision: 承認\n"
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "shingikai test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "shingikai test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


class Repository:
    """A case repository in a real git work tree, committed to with fixed dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet")
        self.day = 10

    def git(self, *args: str) -> str:
        completed = subprocess.run(
            ["git", *args], cwd=self.root, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=True
        )
        return completed.stdout.strip()

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def commit(self, message: str) -> str:
        """Commit everything, a day after the commit before; the commit's id."""
        self.day += 1
        date = f"2022-01-{self.day:02}T10:00:00+09:00"
        self.git("add", "--all")
        subprocess.run(
            ["git", "commit", "--quiet", "--message", message],
            cwd=self.root,
            env={**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date},
            check=True,
        )
        return self.git("rev-parse", "HEAD")

    def run(self, *args: str, env: dict[str, str] | None = None):
        result = run(*args, cwd=self.root, env=env)
        assert "Traceback" not in result.stderr, result.stderr
        return result


@pytest.fixture
def decided(tmp_path: Path) -> tuple[Repository, str]:
    """The AI-OCR case put to the meeting (one commit), approved in the next; the decision's commit."""
    repository = Repository(tmp_path / "審議会案件")
    repository.write("cases/ai-ocr.yaml", GOOD)
    repository.write("meetings/r3-3.yaml", AGENDA)
    repository.commit("議題")
    repository.write("meetings/r3-3.yaml", DECIDED)
    return repository, repository.commit("会議の結果")


def lint(repository: Repository, *args: str) -> tuple[int, list[str], str]:
    result = repository.run("lint", *args)
    return result.code, result.lines(), result.stderr


def edit(repository: Repository, old: str, new: str, name: str = "cases/ai-ocr.yaml") -> None:
    path = repository.root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


W504 = (
    f"{TITLE}の諮問事項（1）で「承認」となった後に、{{label}}（{{key}}）が変わっています{{more}}。決定は変わる前の内容に対するものです。"
    "元に戻すか、変更後の内容を改めて審議会に付してください（`shingikai changes cases/ai-ocr.yaml` で変更を表示します）"
)


def w504(line: int, column: int, label: str, key: str, others: int = 0) -> str:
    more = f"（ほかに {others} 件）" if others else ""
    return f"cases/ai-ocr.yaml:{line}:{column}: W504 " + W504.format(label=label, key=key, more=more)


def test_an_approved_case_unchanged_is_quiet(decided: tuple[Repository, str]) -> None:
    repository, commit = decided
    assert lint(repository, "--strict", "cases/", "meetings/") == (0, [], "")
    result = repository.run("changes", "cases/ai-ocr.yaml")
    assert (result.code, result.stdout, result.stderr) == (
        0,
        f"cases/ai-ocr.yaml: {TITLE}の諮問事項（1）で「承認」となった後、変更はありません（決定のコミット {commit[:7]}、2022-01-12）\n",
        "",
    )


def test_w504_at_the_first_key_that_changed_once_per_case(decided: tuple[Repository, str]) -> None:
    repository, _ = decided
    # In the working tree, not committed: what the pre-commit hook lints.
    edit(repository, "items: [氏名, 住所, 電話番号, 財産]", "items: [氏名, 住所, 口座情報, 財産]")
    edit(repository, "recipient: NTTデータ", "recipient: NTTデータ関西")
    assert lint(repository, "cases/ai-ocr.yaml") == (0, [w504(20, 3, "外部提供する保有個人情報の項目", "external_provision.items", 1)], "")
    # Linted with its meeting, the case is reported once, at the case file.
    code, lines, _ = lint(repository, "meetings/", "cases/")
    assert (code, lines) == (0, [w504(20, 3, "外部提供する保有個人情報の項目", "external_provision.items", 1)])
    assert lint(repository, "--strict", "cases/ai-ocr.yaml")[0] == 1
    assert lint(repository, "--ignore", "W504", "--strict", "cases/ai-ocr.yaml") == (0, [], "")
    # Committed, it is still a change since the decision.
    repository.commit("提供先の変更")
    assert lint(repository, "cases/")[1] == [w504(20, 3, "外部提供する保有個人情報の項目", "external_provision.items", 1)]


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("period: 令和4年1月18日～", "period: 令和4年2月1日～", (16, 1, "実施時期", "period")),
        ("bases: [外部提供, 結合]", "bases: [外部提供]", (6, 1, "根拠規定", "bases")),
        ("  media: [その他の媒体]", "  media: [その他の媒体, 紙媒体]", (22, 3, "外部提供の形態", "external_provision.media")),
        ("    given: 無\n", "    given: 有\n    timing: 事後\n    method: 本人へ送付した。\n", (37, 5, "通知（外部提供）", "external_provision.notice.given", 2)),
        ("\nlinkage:", "\nattachments:\n  - title: 委託仕様書\nlinkage:", (44, 1, "その他資料", "attachments")),
        ("\nlinkage:", "\nsecondary_use:\n  items: [氏名]\nlinkage:", (44, 1, "目的外利用", "secondary_use")),
        ("  network: >-", "  network: |-", None),
    ],
    ids=["value", "basis removed", "medium added", "notice", "attachment added", "section added", "block style"],
)
def test_what_counts_as_a_change(decided: tuple[Repository, str], old: str, new: str, where: tuple | None) -> None:
    repository, _ = decided
    edit(repository, old, new)
    expected = [] if where is None else [w504(*where)]
    assert lint(repository, "--select", "W504", "cases/ai-ocr.yaml")[1] == expected


def test_a_removed_section_is_reported_where_the_file_starts(decided: tuple[Repository, str]) -> None:
    repository, _ = decided
    text = (repository.root / "cases/ai-ocr.yaml").read_text(encoding="utf-8")
    repository.write("cases/ai-ocr.yaml", text[: text.index("\nlinkage:")] + "\n")
    code, lines, _ = lint(repository, "--select", "W504", "cases/ai-ocr.yaml")
    assert lines == [w504(2, 1, "電子計算機処理による結合", "linkage")]


def cosmetic(text: str) -> str:
    """The same case written otherwise: comments, quoting, key order, blocks re-wrapped."""
    replacements = [
        ("kind: 諮問\n", 'kind: "諮問"   # 諮問事項\n'),
        ("bases: [外部提供, 結合]", "bases: ['外部提供', \"結合\"]"),
        ("departments: [企画財政部情報政策課, 市民生活部課税課]", "departments:\n  - 企画財政部情報政策課\n  - 市民生活部課税課"),
        # The summary as a folded block, its paragraphs broken in other places.
        ("summary: |\n  AI-OCRとは、手書きの帳票を機械が読み取って、文字データに", "summary: >\n  AI-OCRとは、手書きの帳票を機械が読み取って、\n  文字データに"),
        ("\n\n  これにより", "\n\n\n  これにより"),
        ("  【帳票の概要・目的等】\n  償却資産申告書は", "  【帳票の概要・目的等】\n\n  償却資産申告書は"),
        ("期待される。\n", "期待\n  される。\n"),
        ("period: 令和4年1月18日～\nvolume: 年間約1,800件\n", "volume: '年間約1,800件'\nperiod: 令和4年1月18日～\n"),
        ("items: [氏名, 住所, 電話番号, 財産]", "items: [財産, 電話番号, 住所, 氏名]  # 並びは意味を持たない"),
        ("自動削除される。", "自動\n    削除される。"),
    ]
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def test_comments_quoting_key_order_and_wrapping_are_not_changes(decided: tuple[Repository, str]) -> None:
    repository, commit = decided
    written = cosmetic(GOOD)
    assert yaml.safe_load(written)["summary"] != yaml.safe_load(GOOD)["summary"]
    repository.write("cases/ai-ocr.yaml", written)
    assert lint(repository, "--strict", "cases/ai-ocr.yaml") == (0, [], "")
    result = repository.run("changes", "cases/ai-ocr.yaml")
    assert result.stdout == f"cases/ai-ocr.yaml: {TITLE}の諮問事項（1）で「承認」となった後、変更はありません（決定のコミット {commit[:7]}、2022-01-12）\n"


def test_changes_field_by_field_with_the_sheets_labels(decided: tuple[Repository, str]) -> None:
    repository, commit = decided
    edit(repository, "items: [氏名, 住所, 電話番号, 財産]", "items: [氏名, 住所, 口座情報, 財産]\n  other_items: [続柄]")
    edit(repository, "recipient: NTTデータ", "recipient: NTTデータ関西")
    edit(repository, "データセンターは24時間365日有人警備により入館管理し", "データセンターは24時間有人警備により入館管理し")
    edit(repository, "bases: [外部提供, 結合]", "bases: [外部提供, 目的外利用]")
    text = (repository.root / "cases/ai-ocr.yaml").read_text(encoding="utf-8")
    repository.write(
        "cases/ai-ocr.yaml",
        text[: text.index("\nlinkage:")] + "\nsecondary_use:\n  items: [氏名]\nremarks: 委託先を変更した。\n",
    )
    result = repository.run("changes", "cases/ai-ocr.yaml")
    short = commit[:7]
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        f"cases/ai-ocr.yaml: {TITLE}の諮問事項（1）で「承認」となった後の変更 7 件（決定のコミット {short}、2022-01-12）",
        "  根拠規定: ＋目的外利用 −結合",
        "  目的外利用: 追加",
        "  外部提供する保有個人情報の項目: ＋口座情報 ＋続柄 −電話番号",
        "  外部提供先の概要: NTTデータ → NTTデータ関西",
        "  外部提供先での個人情報の管理の方法:",
        f"    --- 決定のとき（{short}）",
        "    +++ 現在",
        "    @@ -1,2 +1,2 @@",
        "     AI-OCRサーバにアップロードした画像データ及び文字化されたデータは市が指定した期間内（5日）で自動削除される。",
        "    -なお、データセンターは24時間365日有人警備により入館管理し、サーバー室内の出入口に生体認証や防犯カメラで入室管理を行うなど厳重な環境で管理している。",
        "    +なお、データセンターは24時間有人警備により入館管理し、サーバー室内の出入口に生体認証や防犯カメラで入室管理を行うなど厳重な環境で管理している。",
        "  電子計算機処理による結合: 削除",
        "  備考: （なし） → 委託先を変更した。",
    ]


def test_changes_as_json(decided: tuple[Repository, str]) -> None:
    repository, commit = decided
    edit(repository, "items: [氏名, 住所, 電話番号, 財産]", "items: [氏名, 住所, 口座情報, 財産]")
    edit(repository, "recipient: NTTデータ", "recipient: NTTデータ関西")
    repository.write("cases/other.yaml", GOOD)
    result = repository.run("changes", "--format", "json", "cases/ai-ocr.yaml", "cases/other.yaml")
    assert (result.code, result.stderr) == (0, "")
    assert result.json() == {
        "cases": [
            {
                "path": "cases/ai-ocr.yaml",
                "status": "changed",
                "message": f"cases/ai-ocr.yaml: {TITLE}の諮問事項（1）で「承認」となった後の変更 2 件（決定のコミット {commit[:7]}、2022-01-12）",
                "decision": {
                    "meeting": TITLE,
                    "meeting_file": "meetings/r3-3.yaml",
                    "label": "諮問事項（1）",
                    "decision": "承認",
                    "commit": commit,
                    "date": "2022-01-12T10:00:00+09:00",
                },
                "changes": [
                    {"key": "external_provision.items", "label": "外部提供する保有個人情報の項目", "kind": "items", "added": ["口座情報"], "removed": ["電話番号"]},
                    {"key": "external_provision.recipient", "label": "外部提供先の概要", "kind": "text", "old": "NTTデータ", "new": "NTTデータ関西"},
                ],
            },
            {
                "path": "cases/other.yaml",
                "status": "undecided",
                "message": "cases/other.yaml: 審議会の決定はまだありません（会議ファイルに、この案件の継続審議のほかの結果がありません）",
                "decision": None,
                "changes": [],
            },
        ]
    }


def test_a_long_text_changed_is_a_diff_in_json_too(decided: tuple[Repository, str]) -> None:
    repository, commit = decided
    edit(repository, "期待される。", "期待されている。")
    [change] = repository.run("changes", "-f", "json", "cases/ai-ocr.yaml").json()["cases"][0]["changes"]
    assert change["key"] == "summary" and change["label"] == "事務の概要"
    assert change["diff"][:3] == [f"--- 決定のとき（{commit[:7]}）", "+++ 現在", "@@ -1,3 +1,3 @@"]
    assert [line[0] for line in change["diff"][3:]] == [" ", "-", "+", " "]


def test_no_decision_yet(tmp_path: Path) -> None:
    repository = Repository(tmp_path / "cases-repository")
    repository.write("cases/ai-ocr.yaml", GOOD)
    repository.write("meetings/r3-3.yaml", AGENDA.replace("consultations:", "consultations:") + "    result: {decision: 継続審議}\n")
    repository.commit("継続審議")
    assert lint(repository, "--strict", "cases/") == (0, [], "")
    result = repository.run("changes", "cases/ai-ocr.yaml")
    assert (result.code, result.stdout) == (0, "cases/ai-ocr.yaml: 審議会の決定はまだありません（会議ファイルに、この案件の継続審議のほかの結果がありません）\n")


def test_a_decision_not_committed_yet_is_what_the_commit_will_approve(tmp_path: Path) -> None:
    repository = Repository(tmp_path / "cases-repository")
    repository.write("cases/ai-ocr.yaml", GOOD)
    repository.write("meetings/r3-3.yaml", AGENDA)
    repository.commit("議題")
    repository.write("meetings/r3-3.yaml", DECIDED)
    edit(repository, "recipient: NTTデータ", "recipient: NTTデータ関西")
    assert lint(repository, "--strict", "cases/") == (0, [], "")
    assert lint(repository, "--verbose", "cases/") == (
        0,
        [],
        "shingikai: cases/ai-ocr.yaml: 諮問事項（1）の決定はまだコミットされていないため、W504 は決定をコミットした後に比べます\n",
    )
    result = repository.run("changes", "cases/ai-ocr.yaml")
    assert result.stdout == (
        f"cases/ai-ocr.yaml: {TITLE}の諮問事項（1）で「承認」となったことは、まだコミットされていません（コミットすると、そのときの内容が決定した内容になります）\n"
    )
    # Committed with the decision, the case as it is then is what was approved.
    repository.commit("会議の結果")
    assert lint(repository, "--strict", "cases/") == (0, [], "")


def test_outside_a_git_repository_w504_is_skipped_and_verbose_says_why(tmp_path: Path) -> None:
    (tmp_path / "cases").mkdir()
    (tmp_path / "meetings").mkdir()
    (tmp_path / "cases" / "ai-ocr.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "meetings" / "r3-3.yaml").write_text(DECIDED, encoding="utf-8")
    # The configuration file says where the case repository is, as git's work tree would.
    (tmp_path / "shingikai.toml").write_text("", encoding="utf-8")
    quiet = run("lint", "--strict", "cases/", cwd=tmp_path)
    assert (quiet.code, quiet.stdout, quiet.stderr) == (0, "", "")
    told = run("lint", "--verbose", "cases/", "meetings/", cwd=tmp_path)
    assert (told.code, told.stdout) == (0, "")
    assert told.stderr == f"shingikai: W504 を省きます: {tmp_path} は git のリポジトリの中にありません\n"
    result = run("changes", "cases/ai-ocr.yaml", cwd=tmp_path)
    assert (result.code, result.stdout, result.stderr) == (
        0,
        f"cases/ai-ocr.yaml: 決定の後の変更を調べられません: {tmp_path} は git のリポジトリの中にありません\n",
        "",
    )


def test_without_git_installed_w504_is_skipped_and_verbose_says_why(decided: tuple[Repository, str]) -> None:
    repository, _ = decided
    edit(repository, "recipient: NTTデータ", "recipient: NTTデータ関西")
    without_git = {"PATH": str(SHINGIKAI.parent)}
    assert lint(repository, "cases/") != (0, [], "")
    result = repository.run("lint", "--verbose", "cases/", env=without_git)
    assert (result.code, result.stdout) == (0, "")
    assert result.stderr == "shingikai: W504 を省きます: git がインストールされていません（PATH に git がありません）\n"
    assert repository.run("lint", "cases/", env=without_git).stderr == ""
    changes = repository.run("changes", "cases/ai-ocr.yaml", env=without_git)
    assert (changes.code, changes.stdout) == (
        0,
        "cases/ai-ocr.yaml: 決定の後の変更を調べられません: git がインストールされていません（PATH に git がありません）\n",
    )


def test_changes_of_what_is_not_a_case_is_exit_2_and_prints_nothing(decided: tuple[Repository, str]) -> None:
    repository, _ = decided
    repository.write("cases/broken.yaml", "version: 1\ntitle: [\n")
    repository.write("notes.yaml", "memo: 会議の日程\n")
    result = repository.run("changes", "cases/ai-ocr.yaml", "meetings/r3-3.yaml", "cases/broken.yaml", "notes.yaml", "cases/gone.yaml", "cases")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "shingikai: meetings/r3-3.yaml: 会議ファイル（kind: 会議）です。ケースファイルを指定してください",
        "shingikai: cases/broken.yaml: ケースファイルとして読めません（E101 YAML の構文エラー: 値があるべき位置です）",
        "shingikai: notes.yaml: 案件のケースファイルではありません（kind が 諮問 でも 報告 でもありません）",
        "shingikai: cases/gone.yaml: 読み込めません（ファイルかディレクトリがありません）",
        "shingikai: cases: 通常のファイルではありません",
    ]


def test_the_latest_decision_and_its_first_commit(decided: tuple[Repository, str]) -> None:
    repository, _ = decided
    # Another meeting, later, decides on the case again (W503's business): the case is
    # held to that decision, recorded first in one commit and amended in a later one.
    later = AGENDA.replace("number: 3", "number: 4").replace("1月17日", "2月21日")
    repository.write("meetings/r3-4.yaml", later)
    edit(repository, "recipient: NTTデータ", "recipient: NTTデータ関西")
    repository.commit("第4回の議題と、変更した案件")
    repository.write("meetings/r3-4.yaml", later + "    result:\n      decision: 条件付承認\n      conditions: 条件を守ること。\n")
    decision = repository.commit("第4回の結果")
    repository.write("meetings/r3-4.yaml", later + "    result:\n      decision: 条件付承認\n      conditions: 契約書に明記すること。\n")
    edit(repository, "財産]", "財産, 口座情報]")
    repository.commit("条件を直し、項目を足した")
    title = "令和3年度第4回狛江市個人情報保護審議会"
    result = repository.run("changes", "cases/ai-ocr.yaml")
    assert result.stdout.splitlines() == [
        f"cases/ai-ocr.yaml: {title}の諮問事項（1）で「条件付承認」となった後の変更 1 件（決定のコミット {decision[:7]}、2022-01-14）",
        "  外部提供する保有個人情報の項目: ＋口座情報",
    ]
    assert lint(repository, "cases/")[1] == [
        f"cases/ai-ocr.yaml:20:3: W504 {title}の諮問事項（1）で「条件付承認」となった後に、外部提供する保有個人情報の項目（external_provision.items）が変わっています。"
        "決定は変わる前の内容に対するものです。元に戻すか、変更後の内容を改めて審議会に付してください（`shingikai changes cases/ai-ocr.yaml` で変更を表示します）"
    ]


def test_a_meeting_file_created_with_its_results_decides_in_its_first_commit(tmp_path: Path) -> None:
    repository = Repository(tmp_path / "cases-repository")
    repository.write("cases/ai-ocr.yaml", GOOD)
    repository.write("cases/meetings/r3-3.yaml", DECIDED.replace("../cases/ai-ocr.yaml", "../ai-ocr.yaml"))
    decision = repository.commit("会議")
    edit(repository, "recipient: NTTデータ", "recipient: NTTデータ関西")
    result = repository.run("changes", "cases/ai-ocr.yaml")
    assert result.stdout.splitlines()[0].endswith(f"の変更 1 件（決定のコミット {decision[:7]}、2022-01-11）")


# --- Bad input: each a Japanese line saying why W504 is skipped for the case, never a traceback.


def skipped(repository: Repository, reason: str) -> None:
    """W504 skipped for cases/ai-ocr.yaml with `reason`: in lint (always said) and in changes."""
    edit(repository, "recipient: NTTデータ", "recipient: NTTデータ関西")
    assert lint(repository, "cases/") == (0, [], f"shingikai: cases/ai-ocr.yaml: W504 を省きます: {reason}\n")
    result = repository.run("changes", "cases/ai-ocr.yaml")
    assert (result.code, result.stdout, result.stderr) == (0, f"cases/ai-ocr.yaml: 決定の後の変更を調べられません: {reason}\n", "")


def test_a_meeting_file_broken_in_an_old_commit(tmp_path: Path) -> None:
    repository = Repository(tmp_path / "cases-repository")
    repository.write("cases/ai-ocr.yaml", GOOD)
    repository.write("meetings/r3-3.yaml", DECIDED.replace("consultations:\n", "consultations: [\n"))
    broken = repository.commit("壊れた会議ファイル")
    repository.write("meetings/r3-3.yaml", DECIDED)
    repository.commit("直した")
    # The decision may have been recorded in the commit that cannot be read.
    skipped(repository, f"meetings/r3-3.yaml がコミット {broken[:7]} で YAML として読めないため、諮問事項（1）の決定のコミットが分かりません")


def test_a_meeting_file_broken_after_the_decision_does_not_matter(decided: tuple[Repository, str]) -> None:
    repository, _ = decided
    repository.write("meetings/r3-3.yaml", DECIDED + "remarks: [\n")
    repository.commit("壊した")
    repository.write("meetings/r3-3.yaml", DECIDED)
    repository.commit("直した")
    edit(repository, "recipient: NTTデータ", "recipient: NTTデータ関西")
    assert lint(repository, "cases/")[1] == [w504(21, 3, "外部提供先の概要", "external_provision.recipient")]


def test_a_case_renamed_since_its_decision(decided: tuple[Repository, str]) -> None:
    repository, commit = decided
    repository.git("mv", "cases/ai-ocr.yaml", "cases/ai-ocr-shoukyaku.yaml")
    repository.write("meetings/r3-3.yaml", DECIDED.replace("ai-ocr.yaml", "ai-ocr-shoukyaku.yaml"))
    repository.commit("名前を変えた")
    path = "cases/ai-ocr-shoukyaku.yaml"
    reason = f"決定の後にケースファイルの名前が変わっています（決定のコミット {commit[:7]} では cases/ai-ocr.yaml）"
    assert lint(repository, "cases/", "meetings/") == (0, [], f"shingikai: {path}: W504 を省きます: {reason}\n")
    assert repository.run("changes", path).stdout == f"{path}: 決定の後の変更を調べられません: {reason}\n"


def test_a_case_deleted_since_its_decision_is_e501_of_the_meeting(decided: tuple[Repository, str]) -> None:
    repository, _ = decided
    (repository.root / "cases" / "ai-ocr.yaml").unlink()
    code, lines, stderr = lint(repository, "meetings/")
    assert (code, stderr) == (1, "")
    assert lines == ["meetings/r3-3.yaml:8:5: E501 諮問事項（1）の案件「../cases/ai-ocr.yaml」のファイルがありません（会議ファイルのディレクトリからの相対パスで書きます）"]
    result = repository.run("changes", "cases/ai-ocr.yaml")
    assert (result.code, result.stderr) == (2, "shingikai: cases/ai-ocr.yaml: 読み込めません（ファイルかディレクトリがありません）\n")


def test_a_case_not_committed_when_it_was_decided(tmp_path: Path) -> None:
    repository = Repository(tmp_path / "cases-repository")
    repository.write("meetings/r3-3.yaml", DECIDED)
    decision = repository.commit("会議の結果だけ")
    repository.write("cases/ai-ocr.yaml", GOOD)
    repository.commit("案件")
    skipped(
        repository,
        f"決定のコミット {decision[:7]} にケースファイル cases/ai-ocr.yaml がありません"
        "（決定の後に名前を変えたか移したか、決定のときにはコミットしていなかったようです）",
    )


def test_a_case_that_was_not_yaml_when_it_was_decided(tmp_path: Path) -> None:
    repository = Repository(tmp_path / "cases-repository")
    repository.write("cases/ai-ocr.yaml", "version: 1\ntitle: [\n")
    repository.write("meetings/r3-3.yaml", DECIDED)
    decision = repository.commit("壊れた案件のまま決定")
    repository.write("cases/ai-ocr.yaml", GOOD)
    skipped_reason = f"決定のコミット {decision[:7]} のケースファイルを YAML として読めません"
    assert lint(repository, "cases/") == (0, [], f"shingikai: cases/ai-ocr.yaml: W504 を省きます: {skipped_reason}\n")


def test_a_shallow_clone_without_the_decisions_commit(decided: tuple[Repository, str], tmp_path: Path) -> None:
    repository, _ = decided
    repository.write("README.md", "案件のリポジトリ\n")
    repository.commit("README")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{repository.root}", str(clone)], check=True, env={**os.environ, **GIT_ENV})
    shallow = Repository.__new__(Repository)
    shallow.root, shallow.day = clone, 20
    skipped(
        shallow,
        "浅いクローン（shallow clone）のため、meetings/r3-3.yaml の諮問事項（1）の決定のコミットが履歴にありません。"
        "`git fetch --unshallow` で履歴を取得してください",
    )
    # A render says it too (and marks nothing it cannot know).
    rendered = shallow.run("render", "meetings/r3-3.yaml", "-o", "site")
    assert rendered.code == 0
    assert rendered.stderr.splitlines()[0] == (
        "cases/ai-ocr.yaml: W504 を省きます: 浅いクローン（shallow clone）のため、meetings/r3-3.yaml の諮問事項（1）の"
        "決定のコミットが履歴にありません。`git fetch --unshallow` で履歴を取得してください"
    )
    assert "変わっています" not in (clone / "site" / "ai-ocr.html").read_text(encoding="utf-8")
    # With enough history, the decision's commit is there again.
    shallow.git("fetch", "--quiet", "--unshallow")
    assert lint(shallow, "cases/")[1] == [w504(21, 3, "外部提供先の概要", "external_provision.recipient")]


# --- The rendered meeting marks a decided case that has changed since.

NOTICE = (
    f"この案件は、{TITLE}の諮問事項（1）で「承認」となった後に変わっています（外部提供する保有個人情報の項目、外部提供先の概要）。"
    "審議会が決定したのは、変わる前の内容です。"
)


@pytest.fixture
def changed_and_unchanged(decided: tuple[Repository, str]) -> Repository:
    """The AI-OCR case changed since its approval, and a second case approved unchanged."""
    repository, _ = decided
    second = GOOD.replace("（課税課固定資産税係分）", "（課税課市民税係分）")
    repository.write("cases/second.yaml", second)
    agenda = DECIDED + "  - case: ../cases/second.yaml\n    result:\n      decision: 承認\n"
    repository.write("meetings/r3-3.yaml", agenda)
    repository.commit("二件目")
    edit(repository, "items: [氏名, 住所, 電話番号, 財産]", "items: [氏名, 住所, 口座情報, 財産]")
    edit(repository, "recipient: NTTデータ", "recipient: NTTデータ関西")
    return repository


def test_the_rendered_meeting_marks_the_changed_case_on_its_sheet_and_the_agenda(changed_and_unchanged: Repository) -> None:
    from bs4 import BeautifulSoup

    repository = changed_and_unchanged
    result = repository.run("render", "meetings/r3-3.yaml", "-o", "site")
    assert result.code == 0, result.stderr
    site = repository.root / "site"

    def soup(name: str) -> BeautifulSoup:
        return BeautifulSoup((site / name).read_text(encoding="utf-8"), "html.parser")

    assert [p.get_text() for p in soup("ai-ocr.html").select("section.changed p")] == [NOTICE]
    assert soup("second.html").select(".changed") == []
    rows = soup("index.html").select("table.items tbody tr")
    assert [[p.get_text() for p in row.select("p.changed")] for row in rows] == [[NOTICE], []]
    markdown = repository.run("render", "--format", "md", "meetings/r3-3.yaml", "-o", "md")
    assert markdown.code == 0, markdown.stderr
    assert f"> **{NOTICE}**" in (repository.root / "md" / "ai-ocr.md").read_text(encoding="utf-8")
    assert "変わっています" not in (repository.root / "md" / "second.md").read_text(encoding="utf-8")
    assert f"<br>**{NOTICE}**" in (repository.root / "md" / "index.md").read_text(encoding="utf-8")
    # A sheet rendered on its own is not a meeting's: no notice.
    alone = repository.run("render", "cases/ai-ocr.yaml")
    assert alone.code == 0 and "変わっています" not in alone.stdout


# --- Cost: history is read once per repository per run; a run without a deciding meeting asks git nothing.


@pytest.fixture
def git_calls(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose `git` logs its arguments to a file, then runs the real git."""
    bin_directory = tmp_path / "bin"
    bin_directory.mkdir()
    log = tmp_path / "git-calls.log"
    wrapper = bin_directory / "git"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{shutil.which("git")}" "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return {"PATH": f"{bin_directory}{os.pathsep}{os.environ['PATH']}"}, log


def commands(log: Path) -> list[str]:
    """The git commands run, by name (the words after `-C DIRECTORY`)."""
    if not log.exists():
        return []
    found = []
    for line in log.read_text(encoding="utf-8").splitlines():
        words = line.split()
        found.append(next(word for word in words[words.index("-C") + 2 :] if not word.startswith("-")))
    return found


# The work tree and HEAD; the meeting files' commits; at once their versions, the decided
# cases in HEAD, changed between the commits and in the working tree; those that changed.
ONCE_PER_RUN = ["rev-parse", "log", "cat-file", "diff-index", "diff-tree", "ls-tree", "cat-file"]


def test_a_case_only_lint_without_a_deciding_meeting_asks_git_nothing(tmp_path: Path, git_calls: tuple[dict[str, str], Path]) -> None:
    env, log = git_calls
    repository = Repository(tmp_path / "cases-repository")
    repository.write("cases/ai-ocr.yaml", GOOD)
    repository.write("meetings/r3-3.yaml", AGENDA)
    repository.commit("議題")
    for args in (["cases/ai-ocr.yaml"], ["cases/", "meetings/"]):
        assert repository.run("lint", "--strict", *args, env=env).code == 0
    assert commands(log) == []


def test_history_is_read_once_per_repository_however_many_cases(changed_and_unchanged: Repository, git_calls: tuple[dict[str, str], Path]) -> None:
    env, log = git_calls
    repository = changed_and_unchanged
    repository.write("meetings/r3-4.yaml", AGENDA.replace("number: 3", "number: 4").replace("1月17日", "2月21日").replace("ai-ocr", "second"))
    result = repository.run("lint", "--select", "W504", "cases/", "meetings/", env=env)
    assert [line.split(": W504")[0] for line in result.lines()] == ["cases/ai-ocr.yaml:20:3"]
    assert sorted(commands(log)) == sorted(ONCE_PER_RUN)


def test_the_process_pool_reads_history_once_and_finds_the_same(decided: tuple[Repository, str], git_calls: tuple[dict[str, str], Path]) -> None:
    env, log = git_calls
    repository, _ = decided
    agenda = AGENDA + "".join(f"  - case: ../cases/case-{n:03}.yaml\n    result: {{decision: 承認}}\n" for n in range(250))
    for number in range(250):
        repository.write(f"cases/case-{number:03}.yaml", GOOD.replace("（課税課固定資産税係分）", f"（{number}）"))
    repository.write("meetings/r3-3.yaml", agenda.replace("  - case: ../cases/ai-ocr.yaml\n", ""))
    repository.commit("250 件")
    edit(repository, "recipient: NTTデータ", "recipient: NTTデータ関西", name="cases/case-007.yaml")
    edit(repository, "recipient: NTTデータ", "recipient: NTTデータ関西", name="cases/case-241.yaml")
    result = repository.run("lint", "--format", "json", "cases/", env=env)
    assert result.json()["files"] == 251
    assert [(f["path"], f["line"], f["code"]) for f in result.json()["findings"]] == [
        ("cases/case-007.yaml", 21, "W504"),
        ("cases/case-241.yaml", 21, "W504"),
    ]
    assert sorted(commands(log)) == sorted(ONCE_PER_RUN)


# --- W504's documentation: its examples need a history, so they are checked here (test_docs skips them).


def test_the_failing_example_of_w504_warns_and_the_fixed_one_does_not(decided: tuple[Repository, str]) -> None:
    repository, _ = decided
    failing, fixed = re.findall(r"```yaml\n(.*?)```", run("rules", "W504").stdout, re.DOTALL)
    approved = yaml.safe_load(GOOD)
    for snippet, should_warn in ((failing, True), (fixed, False)):
        repository.write("cases/ai-ocr.yaml", dump(overlay(approved, yaml.safe_load(snippet))))
        codes = [f["code"] for f in repository.run("lint", "--format", "json", "cases/ai-ocr.yaml").json()["findings"]]
        assert ("W504" in codes) is should_warn, (snippet, codes)


def test_a_decision_recorded_on_a_branch_and_merged(decided: tuple[Repository, str]) -> None:
    """The approved content is the case in the commit that recorded the decision, whatever
    was merged into the history since: here an edit made on another branch meanwhile."""
    repository, _ = decided
    later = AGENDA.replace("number: 3", "number: 4").replace("1月17日", "2月21日")
    repository.write("meetings/r3-4.yaml", later)
    repository.commit("第4回の議題")
    repository.git("checkout", "--quiet", "-b", "results")
    repository.write("meetings/r3-4.yaml", later + "    result:\n      decision: 承認\n")
    decision = repository.commit("第4回の結果")
    repository.git("checkout", "--quiet", "-")
    edit(repository, "recipient: NTTデータ", "recipient: NTTデータ関西")
    repository.commit("提供先の変更")
    subprocess.run(
        ["git", "merge", "--quiet", "--no-edit", "results"], cwd=repository.root, env={**os.environ, **GIT_ENV}, check=True
    )
    result = repository.run("changes", "cases/ai-ocr.yaml")
    assert result.stdout.splitlines() == [
        f"cases/ai-ocr.yaml: 令和3年度第4回狛江市個人情報保護審議会の諮問事項（1）で「承認」となった後の変更 1 件（決定のコミット {decision[:7]}、2022-01-14）",
        "  外部提供先の概要: NTTデータ → NTTデータ関西",
    ]
