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

from conftest import EXAMPLE, REPO, SHINGIKAI, run

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


# --- The hook that `shingikai init` writes: `repo: local`, run through its launcher script.

GOOD = EXAMPLE.read_text(encoding="utf-8")
BAD = GOOD.replace("items: [氏名, 住所, 電話番号, 財産]", "items: [氏名, 住所, 電話, 財産]")
BAD_FINDING = (
    "cases/case.yaml:20:19: E205 「電話」は保有個人情報の項目表にありません。「電話番号」の誤りではありませんか"
    "（表にない項目は other_items に書きます）"
)
NOT_INSTALLED = (
    "shingikai が見つかりません（このリポジトリの .venv にも PATH にもありません）。\n"
    "このリポジトリのディレクトリで次を実行してから、もう一度コミットしてください（README.md の「準備」）:\n"
    "  python3 -m venv .venv\n"
    "  .venv/bin/python -m pip install "
)


def _fresh_shell(tmp_path: Path) -> dict[str, str]:
    """The environment of a new terminal: git, sh and a Python 3 on PATH, no virtual
    environment activated, and so no `shingikai`."""
    # The suite's own interpreter stands for the user's `python3`.
    tools = [str(Path(sys.base_prefix) / "bin")] + [os.path.dirname(found) for tool in ("git", "sh", "bash") if (found := shutil.which(tool))]
    path = os.pathsep.join(dict.fromkeys(tools))
    assert shutil.which("shingikai", path=path) is None, f"shingikai is on {path}"
    shell = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    return {
        **shell,
        "PATH": path,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "shingikai test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "shingikai test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }


def _initialised(repository: Path, shell: dict[str, str]) -> Path:
    result = run("init", repository)
    assert result.code == 0, result.stderr
    _git("init", "--quiet", cwd=repository, env=shell)
    return repository


def _commit(repository: Path, shell: dict[str, str], case: str) -> subprocess.CompletedProcess[str]:
    """Stage `case` as cases/case.yaml, with whatever else is new, and commit."""
    (repository / "cases" / "case.yaml").write_text(case, encoding="utf-8")
    _git("add", "--all", cwd=repository, env=shell)
    return subprocess.run(
        ["git", "commit", "--quiet", "--message", "案件"],
        cwd=repository,
        env=shell,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
    )


def _findings(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.match(r"^\S+:\d+:\d+: [EW]\d{3} ", line)]


def _refused_then_passed(repository: Path, shell: dict[str, str]) -> None:
    refused = _commit(repository, shell, BAD)
    assert refused.returncode == 1, refused.stdout
    assert re.search(r"^shingikai lint\.+Failed$", refused.stdout, re.MULTILINE), refused.stdout
    assert _findings(refused.stdout) == [BAD_FINDING]
    passed = _commit(repository, shell, GOOD)
    assert passed.returncode == 0, passed.stdout
    assert re.search(r"^shingikai lint\.+Passed$", passed.stdout, re.MULTILINE), passed.stdout


@pytest.mark.slow
def test_following_the_readme_of_init_the_hook_checks_commits_from_a_fresh_shell(tmp_path: Path) -> None:
    shell = _fresh_shell(tmp_path)
    repository = _initialised(tmp_path / "審議会案件", shell)
    set_up, add_a_case, record_a_meeting, make_the_register = re.findall(
        r"```sh\n(.*?)```", (repository / "README.md").read_text(encoding="utf-8"), re.DOTALL
    )

    # The set-up as the README writes it: a .venv in the repository, shingikai and
    # pre-commit installed into it, the hook installed.
    prepared = subprocess.run(["sh", "-e", "-c", set_up], cwd=repository, env=shell, capture_output=True, text=True, timeout=900)
    assert prepared.returncode == 0, prepared.stdout + prepared.stderr

    # Commits from a shell without the environment: the launcher finds .venv's shingikai.
    _refused_then_passed(repository, shell)
    assert "cases/case.yaml" in subprocess.run(
        ["git", "ls-files"], cwd=repository, env=shell, capture_output=True, text=True, check=True
    ).stdout.splitlines()

    # The README's other commands, in a shell where the environment is activated as it says.
    added = subprocess.run(
        ["sh", "-e", "-c", ". .venv/bin/activate\n" + add_a_case],
        cwd=repository,
        env=shell,
        capture_output=True,
        text=True,
        timeout=60,
    )
    # 「最初は空欄が E201 として並びます」: lint finds the new skeleton's blanks.
    assert added.returncode == 1, added.stdout + added.stderr
    assert "cases/案件名.yaml:4:1: E201 件名（title）が空です" in added.stdout.splitlines()
    recorded = subprocess.run(
        ["sh", "-e", "-c", ". .venv/bin/activate\n" + record_a_meeting],
        cwd=repository,
        env=shell,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert recorded.returncode == 1, recorded.stdout + recorded.stderr
    assert "meetings/会議名.yaml:4:1: E201 年度（fiscal_year）が空です" in recorded.stdout.splitlines()
    # The register of what is there: the committed case; the two new files, still blank, left out.
    register = subprocess.run(
        ["sh", "-e", "-c", ". .venv/bin/activate\n" + make_the_register],
        cwd=repository,
        env=shell,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert register.returncode == 1, register.stdout + register.stderr
    assert register.stderr.splitlines()[-2:] == [
        "shingikai: 検査エラーのあるケース 1 件と会議 1 件を台帳に載せていません。エラーを直すか、--force で載せます（その行の「検査エラー」の列に「あり」と付きます）",
        "shingikai: build/register.xlsx に台帳（案件 1 件）を書き出しました",
    ]


@pytest.mark.parametrize("where", [".venv/bin/shingikai", ".venv/Scripts/shingikai.exe", "PATH"])
def test_the_launcher_runs_shingikai_of_the_venv_else_of_path(tmp_path: Path, where: str) -> None:
    shell = _fresh_shell(tmp_path)
    repository = _initialised(tmp_path / "cases-repository", shell)
    if where == "PATH":
        shell["PATH"] = f"{SHINGIKAI.parent}{os.pathsep}{shell['PATH']}"
    else:
        # The suite's shingikai, where a virtual environment (POSIX or Windows) puts it.
        (repository / where).parent.mkdir(parents=True)
        (repository / where).symlink_to(SHINGIKAI)
    installed = subprocess.run([str(PRE_COMMIT), "install"], cwd=repository, env=shell, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    _refused_then_passed(repository, shell)


def test_without_shingikai_the_hook_stops_the_commit_and_says_how_to_install_it(tmp_path: Path) -> None:
    shell = _fresh_shell(tmp_path)
    repository = _initialised(tmp_path / "cases-repository", shell)
    installed = subprocess.run([str(PRE_COMMIT), "install"], cwd=repository, env=shell, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    refused = _commit(repository, shell, GOOD)
    assert refused.returncode == 1, refused.stdout
    assert re.search(r"^shingikai lint\.+Failed$", refused.stdout, re.MULTILINE), refused.stdout
    # The same source of shingikai as the README's set-up installs.
    [requirement] = re.findall(r"pip install (.+) pre-commit$", (repository / "README.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert f"{NOT_INSTALLED}{requirement}\n" in refused.stdout


def test_the_hook_warns_of_a_committed_change_to_a_decided_case(tmp_path: Path) -> None:
    """W504 on the content being committed: with `strict = true` it stops the commit."""
    shell = _fresh_shell(tmp_path)
    repository = _initialised(tmp_path / "cases-repository", shell)
    shell["PATH"] = f"{SHINGIKAI.parent}{os.pathsep}{shell['PATH']}"
    settings = repository / "shingikai.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("strict = false", "strict = true"), encoding="utf-8")
    installed = subprocess.run([str(PRE_COMMIT), "install"], cwd=repository, env=shell, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    agenda = (
        "version: 1\nkind: 会議\nfiscal_year: 令和3年度\nnumber: 3\ndate: 令和4年1月17日（月）\nplace: 本庁舎\n"
        "consultations:\n  - case: ../cases/case.yaml\n"
    )
    (repository / "meetings" / "r3-3.yaml").write_text(agenda, encoding="utf-8")
    assert _commit(repository, shell, GOOD).returncode == 0
    (repository / "meetings" / "r3-3.yaml").write_text(agenda + "    result:\n      decision: 承認\n", encoding="utf-8")
    assert _commit(repository, shell, GOOD).returncode == 0

    changed = GOOD.replace("items: [氏名, 住所, 電話番号, 財産]", "items: [氏名, 住所, 口座情報, 財産]")
    refused = _commit(repository, shell, changed)
    assert refused.returncode == 1, refused.stdout
    assert _findings(refused.stdout) == [
        "cases/case.yaml:20:3: W504 令和3年度第3回狛江市個人情報保護審議会の諮問事項（1）で「承認」となった後に、"
        "外部提供する保有個人情報の項目（external_provision.items）が変わっています。決定は変わる前の内容に対するものです。"
        "元に戻すか、変更後の内容を改めて審議会に付してください（`shingikai changes cases/case.yaml` で変更を表示します）"
    ]
    # The same content written otherwise is no change.
    rewritten = GOOD.replace("items: [氏名, 住所, 電話番号, 財産]", "items: [財産, 氏名, 住所, 電話番号]  # 並べ替えた")
    passed = _commit(repository, shell, rewritten)
    assert passed.returncode == 0, passed.stdout
