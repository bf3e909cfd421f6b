"""Shared helpers: every test runs the real `shingikai` command on real files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
CASES = REPO / "cases"
AS_SUBMITTED = REPO / "tests" / "fixtures" / "as-submitted"
# The installed console script, next to the interpreter running the tests.
SHINGIKAI = Path(sys.executable).with_name("shingikai")
EXAMPLE = CASES / "ai-ocr-shoukyaku-shisan.yaml"
# EXAMPLE's 根拠規定 box as a rendered sheet shows it, in either format.
EXAMPLE_BASES = [
    "□ ①条例第8条第2項第6号 本人外収集",
    "□ ②条例第12条第2項第4号 目的外利用",
    "■ ③条例第13条第2項第4号 外部提供",
    "□ ④条例第14条第2項 電子計算機処理による記録項目の設定、追加又は変更",
    "■ ⑤条例第15条第1項第2号 電子計算機処理による結合",
    "□ ⑥その他（　）",
]

# A small valid case; line numbers below refer to it.
MINIMAL = """\
version: 1
kind: 諮問
title: 外部提供及び外部提供に係る通知の要否について
bases: [外部提供]
departments: [企画財政部情報政策課]
business_name: 事務
summary: 概要
period: 令和4年1月18日～
volume: 年間約1,800件
external_provision:
  items: [住所]
  recipient: 株式会社A
  media: [紙媒体]
  reason: 理由
  recipient_controls: 管理
  conditions: 条件
  notice:
    given: 無
    proviso:
      risk: リスクは低い。
      necessity: 必要性は高い。
"""

@dataclass(frozen=True)
class Completed:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def lines(self) -> list[str]:
        return self.stdout.splitlines()

    def codes(self) -> list[tuple[int, str]]:
        """(line, code) of each finding, from `--format json` output."""
        return [(f["line"], f["code"]) for f in self.json()["findings"]]


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 60) -> Completed:
    """Run `shingikai ARGS` as a user would, off a terminal."""
    completed = subprocess.run(
        [str(SHINGIKAI), *map(str, args)],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Completed(completed.returncode, completed.stdout, completed.stderr)


def lint_json(*args: str | Path, cwd: Path | None = None) -> Completed:
    return run("lint", "--format", "json", *args, cwd=cwd)


def lint_text(write: Callable[..., Path], text: str, *args: str | Path) -> tuple[Completed, list[tuple[int, int, str, str]]]:
    """Lint `text` written as a case file: (result, [(line, column, code, message)])."""
    result = lint_json(write(text), *args)
    return result, [(f["line"], f["column"], f["code"], f["message"]) for f in result.json()["findings"]]


def overlay(base: dict[str, Any], snippet: dict[str, Any]) -> dict[str, Any]:
    """`base` with a documentation snippet laid over it.

    A snippet shows a section's keys that matter: a section merges key by key with the
    base's; any other value (a notice, a list, a string) replaces the base's whole.
    """
    merged = dict(base)
    for key, value in snippet.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


@pytest.fixture
def example() -> dict[str, Any]:
    """The first seed case as data: valid and lint-clean."""
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write a case file (text or bytes) under a fresh directory and return its path."""

    def write_file(content: str | bytes, name: str = "case.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write_file


# The browser tests: Debian's Chromium driven by Playwright (never a downloaded browser).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None
    )


def has_japanese_font() -> bool:
    """Without one every character prints as a blank box: the layout and the text mean nothing."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    listed = subprocess.run([fc_list, ":lang=ja", "family"], capture_output=True, text=True, check=False)
    return bool(listed.stdout.strip())


def missing_requirement() -> str | None:
    if chromium_path() is None:
        return "Chromium がありません（`apt-get install chromium`、または `.ci/run` で入ります）"
    if not has_japanese_font():
        return "日本語フォントがありません（`apt-get install fonts-ipaexfont-mincho`、または `.ci/run` で入ります）"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    missing = missing_requirement()
    if missing is not None:
        if os.environ.get("SHINGIKAI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ブラウザのテストを実行できません: {missing}。SHINGIKAI_REQUIRE_BROWSER=1 のため失敗にします")
        pytest.skip(f"ブラウザのテストを省きます: {missing}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# The fixtures that start a program from outside Python: what it is, and the mark of its tests.
MARKED_FIXTURES = {
    "browser": ("ブラウザ", "browser"),
    "yaml_language_server": ("yaml-language-server", "editor"),
}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test that starts the browser (or the language server) carries the `browser` mark
    (or `editor`), or fails before it starts.

    The mark is how `-m "not browser"` leaves the browser tests out on a machine without
    Chromium; a test that lacked it would be run there (and skipped, unnoticed, by the fixture).
    """
    for fixture, (program, mark) in MARKED_FIXTURES.items():
        if fixture in getattr(item, "fixturenames", ()) and item.get_closest_marker(mark) is None:
            pytest.fail(
                f"{item.nodeid} は{program}（{fixture} フィクスチャ）を使いますが、@pytest.mark.{mark} がありません",
                pytrace=False,
            )
