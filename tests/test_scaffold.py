"""`shingikai new` (a case skeleton) and `shingikai init` (a case repository)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from shingikai.lint.config import load
from shingikai.model.settings import Config

from conftest import REPO, dump, lint_json, run

SKELETON = """\
# yaml-language-server: $schema=../schemas/case.schema.json
version: 1  # 形式の版
kind: 諮問  # 諮問事項・報告事項
title:  # 件名
bases: [外部提供, 結合]  # 根拠規定
departments: []  # 主管課
business_name:  # 事務の名称
summary:  # 事務の概要
period:  # 実施時期
volume:  # 件数

external_provision:  # 外部提供
  items: []  # 保有個人情報の項目
  other_items: []  # その他の項目
  recipient:  # 外部提供先の概要
  media: []  # 外部提供の形態
  reason:  # 外部提供の理由、方法等
  recipient_controls:  # 外部提供先での個人情報の管理の方法
  conditions:  # 外部提供する条件
  notice:  # 通知（外部提供）

linkage:  # 電子計算機処理による結合
  city_system:  # 結合する市の電子計算機の概要
  third_party_system:  # 結合する第三者の電子計算機の概要
  network:  # 結合する通信回線の概要
"""
NEW = ("new", "--kind", "諮問", "--basis", "外部提供", "--basis", "結合")
# An empty value in the skeleton: `key:  # label` or `key: []  # label`.
EMPTY = re.compile(r"^ *(\w+):(?: \[\])?  # ")
# Empty keys that the ordinance rules report instead of E201: the grid (E304, on its
# `items` line), conditions (E308) and other_basis (E303, on the `bases` line).
REPORTED_BY_RULES = {"items": "E304", "conditions": "E308", "other_basis": "E303", "other_items": None}


def test_new_prints_the_skeleton_with_the_sheet_labels() -> None:
    result = run(*NEW)
    assert result.code == 0, result.stderr
    assert result.stdout == SKELETON


def test_lint_of_a_new_skeleton_reports_exactly_its_empty_required_values(tmp_path: Path) -> None:
    (tmp_path / "cases").mkdir()
    result = run(*NEW, "-o", "cases/x.yaml", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert (tmp_path / "cases" / "x.yaml").read_text(encoding="utf-8") == SKELETON
    lint = lint_json("cases/x.yaml", cwd=tmp_path)
    assert lint.code == 1
    assert lint.codes() == [
        (4, "E201"),  # title
        (6, "E201"),  # departments
        (7, "E201"),  # business_name
        (8, "E201"),  # summary
        (9, "E201"),  # period
        (10, "E201"),  # volume
        (13, "E304"),  # external_provision.items and other_items
        (15, "E201"),  # external_provision.recipient
        (16, "E201"),  # external_provision.media
        (17, "E201"),  # external_provision.reason
        (18, "E201"),  # external_provision.recipient_controls
        (19, "E308"),  # external_provision.conditions
        (20, "E201"),  # external_provision.notice
        (23, "E201"),  # linkage.city_system
        (24, "E201"),  # linkage.third_party_system
        (25, "E201"),  # linkage.network
    ]


def test_once_the_format_is_filled_in_only_the_grid_and_the_conditions_remain(tmp_path: Path) -> None:
    data = yaml.safe_load(SKELETON)
    data.update({key: "外部提供及び結合について" for key in ("title", "business_name", "summary", "period", "volume")})
    data["departments"] = ["企画財政部情報政策課"]
    data["external_provision"].update(
        recipient="NTTデータ",
        media=["紙媒体"],
        reason="委託する。",
        recipient_controls="契約で管理する。",
        notice={"given": "有", "timing": "事後", "method": "本人へ送付した。"},
    )
    data["linkage"] = {key: "閉域網" for key in data["linkage"]}
    path = tmp_path / "case.yaml"
    path.write_text(dump(data), encoding="utf-8")
    assert sorted(code for _, code in lint_json(path).codes()) == ["E304", "E308"]


@pytest.mark.parametrize("kind", ["諮問", "報告"])
def test_a_skeleton_with_every_basis_holds_every_section_and_reports_only_its_empty_values(kind: str, tmp_path: Path) -> None:
    bases = ["本人外収集", "目的外利用", "外部提供", "記録項目", "結合", "その他"]
    result = run("new", "--kind", kind, *(arg for basis in reversed(bases) for arg in ("--basis", basis)))
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"kind: {kind}  # 諮問事項・報告事項" in lines
    assert "bases: [本人外収集, 目的外利用, 外部提供, 記録項目, 結合, その他]  # 根拠規定" in lines
    assert "other_basis:  # ⑥その他の根拠規定" in lines
    sections = [line.split(":")[0] for line, following in zip(lines, lines[1:]) if following.startswith("  ") and not line.startswith(" ")]
    assert sections == ["indirect_collection", "secondary_use", "external_provision", "record_items", "linkage"]
    path = tmp_path / "case.yaml"
    path.write_text(result.stdout, encoding="utf-8")
    bases_line = next(number for number, line in enumerate(lines, start=1) if line.startswith("bases:"))
    expected = []
    for number, line in enumerate(lines, start=1):
        match = EMPTY.match(line)
        if not match or match.group(1) in sections:
            continue
        key = match.group(1)
        code = REPORTED_BY_RULES.get(key, "E201")
        if code is not None:
            expected.append((bases_line if key == "other_basis" else number, code))
    assert lint_json(path).codes() == sorted(expected)


def test_new_refuses_to_overwrite_a_file(tmp_path: Path) -> None:
    existing = tmp_path / "x.yaml"
    existing.write_text("title: 既存の案件\n", encoding="utf-8")
    result = run(*NEW, "-o", existing)
    assert result.code == 2
    assert "既にあります。上書きしません" in result.stderr
    assert existing.read_text(encoding="utf-8") == "title: 既存の案件\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.yaml"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--kind", "諮問事項", "--basis", "結合"), "--kind の値が正しくありません: 「諮問事項」は選べません（選択肢: 諮問, 報告）。「諮問」の誤りではありませんか"),
        (("--kind", "報告", "--basis", "外部"), "--basis の値が正しくありません: 「外部」は選べません"),
        (("--kind", "報告"), "--basis を指定してください"),
        (("--basis", "結合"), "--kind を指定してください"),
        (("--kind", "報告", "--basis", "結合", "-o", "no-such-directory/x.yaml"), "ディレクトリ no-such-directory がありません"),
    ],
    ids=["bad kind", "bad basis", "no basis", "no kind", "no directory"],
)
def test_new_explains_a_bad_request_in_japanese(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    result = run("new", *args, cwd=tmp_path)
    assert result.code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


REPOSITORY_FILES = {
    "shingikai.toml",
    "cases/.gitkeep",
    "meetings/.gitkeep",
    "schemas/case.schema.json",
    "schemas/meeting.schema.json",
    ".pre-commit-config.yaml",
    "scripts/shingikai-lint.sh",
    ".gitignore",
    ".gitattributes",
    ".vscode/settings.json",
    "README.md",
}


def _files(directory: Path) -> set[str]:
    return {path.relative_to(directory).as_posix() for path in directory.rglob("*") if path.is_file()}


def test_init_creates_a_case_repository(tmp_path: Path) -> None:
    repository = tmp_path / "審議会案件"
    result = run("init", repository)
    assert result.code == 0, result.stderr
    assert _files(repository) == REPOSITORY_FILES
    assert (repository / "cases" / ".gitkeep").read_text() == ""
    assert (repository / "schemas" / "case.schema.json").read_text(encoding="utf-8") == run("schema").stdout
    assert (repository / "schemas" / "meeting.schema.json").read_text(encoding="utf-8") == run("schema", "--meeting").stdout
    settings = json.loads((repository / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings == {
        "yaml.schemas": {
            "./schemas/case.schema.json": ["cases/**/*.yaml", "cases/**/*.yml"],
            "./schemas/meeting.schema.json": ["meetings/**/*.yaml", "meetings/**/*.yml"],
        }
    }
    readme = (repository / "README.md").read_text(encoding="utf-8")
    assert "shingikai new --kind" in readme and "pre-commit install" in readme
    assert "shingikai new --meeting -o meetings/" in readme
    # The virtual environment that the README's set-up makes is not committed.
    assert (repository / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == ".venv/"
    # Nor checked out with CRLF line ends on Windows, which sh cannot read.
    assert (repository / ".gitattributes").read_text(encoding="utf-8") == "scripts/shingikai-lint.sh text eol=lf\n"


def test_the_pre_commit_config_of_init_runs_the_projects_hook_locally_through_the_launcher(tmp_path: Path) -> None:
    assert run("init", tmp_path).code == 0
    config = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [repository] = config["repos"]
    [hook] = repository["hooks"]
    [manifest] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert repository["repo"] == "local"
    assert hook["language"] == "system"
    assert {key: hook[key] for key in ("id", "name", "files")} == {key: manifest[key] for key in ("id", "name", "files")}
    # Run by sh, so that the script needs no executable bit (which Windows does not keep).
    assert hook["entry"] == "sh scripts/shingikai-lint.sh"
    assert (tmp_path / "scripts" / "shingikai-lint.sh").read_text(encoding="utf-8").startswith("#!/bin/sh\n")


def _dist_info(directory: Path, direct_url: dict[str, object] | None) -> dict[str, str]:
    """The environment under which shingikai's metadata reads as installed from `direct_url`
    (PEP 610; None: from a package index): a dist-info that comes first on sys.path."""
    info = directory / "shingikai-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shingikai\nVersion: 0.1.0\n", encoding="utf-8")
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url), encoding="utf-8")
    return {"PYTHONPATH": str(directory)}


@pytest.mark.parametrize(
    ("direct_url", "requirement"),
    [
        (None, "shingikai==0.1.0"),
        (
            {"url": "https://example.org/shingikai.git", "vcs_info": {"vcs": "git", "commit_id": "0123abcd"}},
            "'shingikai @ git+https://example.org/shingikai.git@0123abcd'",
        ),
        (
            {"url": "https://example.org/dist/shingikai-0.1.0-py3-none-any.whl", "archive_info": {}},
            "'shingikai @ https://example.org/dist/shingikai-0.1.0-py3-none-any.whl'",
        ),
        ({"url": "file:///opt/%E5%AF%A9%E8%AD%B0%E4%BC%9A/shingikai", "dir_info": {}}, "'/opt/審議会/shingikai'"),
        ({"url": "file:///opt/my%20tools/shingikai", "dir_info": {"editable": True}}, "'/opt/my tools/shingikai'"),
    ],
    ids=["index", "git", "archive", "directory", "editable"],
)
def test_the_set_up_of_init_installs_shingikai_from_where_it_came(
    tmp_path: Path, direct_url: dict[str, object] | None, requirement: str
) -> None:
    result = run("init", tmp_path / "repository", env=_dist_info(tmp_path / "metadata", direct_url))
    assert result.code == 0, result.stderr
    readme = (tmp_path / "repository" / "README.md").read_text(encoding="utf-8")
    [set_up, *_] = re.findall(r"```sh\n(.*?)```", readme, re.DOTALL)
    assert set_up == (
        "python3 -m venv .venv\n"
        f".venv/bin/python -m pip install {requirement} pre-commit\n"
        ".venv/bin/pre-commit install\n"
    )
    launcher = (tmp_path / "repository" / "scripts" / "shingikai-lint.sh").read_text(encoding="utf-8")
    assert f"\n  .venv/bin/python -m pip install {requirement}\nEOF\n" in launcher


def test_the_config_of_init_is_the_default_config(tmp_path: Path) -> None:
    assert run("init", tmp_path).code == 0
    text = (tmp_path / "shingikai.toml").read_text(encoding="utf-8")
    assert text.startswith("# shingikai の設定。値は狛江市の既定値です。")
    assert load(tmp_path / "shingikai.toml").config == Config()


def test_a_case_added_in_an_initialised_repository_is_linted_with_its_config(tmp_path: Path) -> None:
    assert run("init", tmp_path).code == 0
    assert run(*NEW, "-o", "cases/x.yaml", cwd=tmp_path).code == 0
    case = tmp_path / "cases" / "x.yaml"
    assert (case.parent / "../schemas/case.schema.json").is_file()
    # A setting that only the repository's shingikai.toml holds shows that lint reads it.
    config = tmp_path / "shingikai.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("select = []", 'select = ["W"]'), encoding="utf-8")
    result = lint_json("cases/x.yaml", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert result.codes() == []


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("既存の説明\n", encoding="utf-8")
    result = run("init", tmp_path)
    assert result.code == 2
    assert "既にあるファイルは上書きしません（何も作成していません）" in result.stderr
    assert f"{tmp_path / 'README.md'}" in result.stderr
    assert _files(tmp_path) == {"README.md"}
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "既存の説明\n"


def test_init_adds_to_an_existing_directory(tmp_path: Path) -> None:
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "old.yaml").write_text("version: 1\n", encoding="utf-8")
    assert run("init", tmp_path).code == 0
    assert _files(tmp_path) == REPOSITORY_FILES | {"cases/old.yaml"}


MEETING_SKELETON = """\
# yaml-language-server: $schema=../schemas/meeting.schema.json
version: 1  # 形式の版
kind: 会議  # 種別
fiscal_year:  # 年度
number:  # 第N回
date:  # 日時
time:  # 時間
place:  # 場所
consultations:  # 諮問事項
  - case:  # 案件
reports:  # 報告事項
  - case:  # 案件
"""


def test_new_meeting_writes_a_meeting_skeleton_whose_lint_names_each_empty_value(tmp_path: Path) -> None:
    assert run("init", tmp_path).code == 0
    result = run("new", "--meeting", "-o", "meetings/r4-1.yaml", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert (tmp_path / "meetings" / "r4-1.yaml").read_text(encoding="utf-8") == MEETING_SKELETON
    assert run("new", "--meeting").stdout == MEETING_SKELETON
    lint = run("lint", "meetings/r4-1.yaml", cwd=tmp_path)
    assert lint.code == 1
    assert lint.lines() == [
        "meetings/r4-1.yaml:4:1: E201 年度（fiscal_year）が空です",
        "meetings/r4-1.yaml:5:1: E201 第N回（number）が空です",
        "meetings/r4-1.yaml:6:1: E201 日時（date）が空です",
        "meetings/r4-1.yaml:8:1: E201 場所（place）が空です",
        "meetings/r4-1.yaml:10:5: E201 案件（consultations[0].case）が空です",
        "meetings/r4-1.yaml:12:5: E201 案件（reports[0].case）が空です",
    ]


@pytest.mark.parametrize(
    "args",
    [("--meeting", "--kind", "諮問"), ("--meeting", "--basis", "結合")],
    ids=["kind", "basis"],
)
def test_new_meeting_takes_no_kind_or_basis(args: tuple[str, ...], tmp_path: Path) -> None:
    result = run("new", *args, cwd=tmp_path)
    assert result.code == 2
    assert result.stderr == (
        "shingikai: --meeting には --kind と --basis を指定できません（会議ファイルには種別も根拠規定もありません）。"
        "`shingikai new --help` で使い方を表示します\n"
    )
    assert list(tmp_path.iterdir()) == []
