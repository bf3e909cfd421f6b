"""The `shingikai-lint` hook (`.pre-commit-hooks.yaml`), run by the real pre-commit framework.

`pre-commit try-repo` installs the hook from a git repository. It is given a snapshot of
the project's working tree committed to a temporary repository, so the test checks the
files as they are now, committed or not, and runs git only in temporary repositories.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLE, REPO

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
HOOKS = REPO / ".pre-commit-hooks.yaml"


def test_the_hook_manifest_runs_shingikai_lint_on_case_files_only() -> None:
    [hook] = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "shingikai-lint"
    assert hook["entry"] == "shingikai lint"
    assert hook["language"] == "python"
    case_files = re.compile(hook["files"])
    assert case_files.search("cases/ai-ocr.yaml") and case_files.search("cases/2022/koseki.yml")
    assert case_files.search("meetings/r3-3.yaml") and case_files.search("meetings/2022/r4-1.yml")
    assert not any(
        case_files.search(p) for p in ("shingikai.yaml", ".pre-commit-config.yaml", "docs/cases/x.yaml", "cases/x.md", "docs/meetings/x.yaml")
    )


def _git(*args: str, cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def _ignored_by_project() -> list[str]:
    patterns = (REPO / ".gitignore").read_text(encoding="utf-8").split()
    return [p.rstrip("/") for p in patterns if not p.startswith("#")]


def _snapshot(destination: Path, env: dict[str, str]) -> Path:
    """The project's working tree, committed to a new repository (what a clone would hold)."""
    ignored = _ignored_by_project()

    def skip(directory: str, names: list[str]) -> list[str]:
        relative = Path(directory).relative_to(REPO)
        return [
            name
            for name in names
            if name == ".git"
            or any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch((relative / name).as_posix(), p) for p in ignored)
        ]

    shutil.copytree(REPO, destination, ignore=skip)
    _git("init", "--quiet", cwd=destination, env=env)
    _git("add", "--all", cwd=destination, env=env)
    _git("commit", "--quiet", "--message", "snapshot", cwd=destination, env=env)
    return destination


@pytest.fixture
def case_repository(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """(the project snapshot, a case repository with a good, a bad and a non-case YAML file, env)."""
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "shingikai test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "shingikai test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }
    project = _snapshot(tmp_path / "project", env)
    cases = tmp_path / "cases-repository"
    (cases / "cases").mkdir(parents=True)
    good = EXAMPLE.read_text(encoding="utf-8")
    bad = good.replace("items: [氏名, 住所, 電話番号, 財産]", "items: [氏名, 住所, 電話, 財産]")
    assert bad != good
    (cases / "cases" / "good.yaml").write_text(good, encoding="utf-8")
    (cases / "cases" / "bad.yaml").write_text(bad, encoding="utf-8")
    # Not a case file: the hook must leave it alone.
    (cases / "notes.yaml").write_text("memo: 会議の日程\n", encoding="utf-8")
    # A meeting whose agenda names a case that is not there.
    (cases / "meetings").mkdir()
    (cases / "meetings" / "r3-3.yaml").write_text(
        "version: 1\nkind: 会議\nfiscal_year: 令和3年度\nnumber: 3\ndate: 令和4年1月17日（月）\nplace: 本庁舎\n"
        "consultations:\n  - case: ../cases/good.yaml\n  - case: ../cases/gone.yaml\n",
        encoding="utf-8",
    )
    _git("init", "--quiet", cwd=cases, env=env)
    _git("add", "--all", cwd=cases, env=env)
    return project, cases, env


def _try_repo(project: Path, cases: Path, env: dict[str, str], *files: str) -> subprocess.CompletedProcess[str]:
    selection = ["--files", *files] if files else ["--all-files"]
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(project), "shingikai-lint", *selection],
        cwd=cases,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_pre_commit_passes_a_good_case_and_stops_a_bad_one_with_its_finding(
    case_repository: tuple[Path, Path, dict[str, str]],
) -> None:
    project, cases, env = case_repository

    passed = _try_repo(project, cases, env, "cases/good.yaml", "notes.yaml")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^shingikai lint\.+Passed$", passed.stdout, re.MULTILINE), passed.stdout

    failed = _try_repo(project, cases, env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"^shingikai lint\.+Failed$", failed.stdout, re.MULTILINE), failed.stdout
    findings = [line for line in failed.stdout.splitlines() if re.match(r"^\S+:\d+:\d+: [EW]\d{3} ", line)]
    assert findings == [
        "cases/bad.yaml:20:19: E205 「電話」は保有個人情報の項目表にありません。「電話番号」の誤りではありませんか"
        "（表にない項目は other_items に書きます）",
        "meetings/r3-3.yaml:9:5: E501 諮問事項（2）の案件「../cases/gone.yaml」のファイルがありません（会議ファイルのディレクトリからの相対パスで書きます）",
    ]
