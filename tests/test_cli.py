"""The command line itself: help and usage errors in Japanese, and what `lint` imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import EXAMPLE, SHINGIKAI, run


def test_no_command_shows_the_commands_and_exits_2():
    result = run()
    assert result.code == 2
    assert result.stdout.startswith("使い方: shingikai [-h] <コマンド> ...\n")
    for command in ("lint", "rules", "schema", "new", "init", "render"):
        assert f"\n    {command} " in result.stdout


def test_help_of_a_command_is_japanese():
    result = run("lint", "--help")
    assert result.code == 0
    assert result.stdout.startswith("使い方: shingikai lint [-h] [--format 形式]")
    assert "\n引数:\n" in result.stdout
    assert "\nオプション:\n" in result.stdout
    assert "-h, --help          この説明を表示します" in result.stdout
    assert "positional arguments" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("lnt", "cases"), "コマンド「lnt」はありません（選択肢: lint, rules, schema, new, init, render）。`shingikai --help` で使い方を表示します"),
        (("--hlp",), "オプション --hlp はありません（--help の誤りではありませんか）。`shingikai --help` で使い方を表示します"),
        (("lint",), "パス を指定してください。`shingikai lint --help` で使い方を表示します"),
        (("lint", "cases", "--format"), "--format/-f には値が必要です。`shingikai lint --help` で使い方を表示します"),
        (("lint", "cases", "--strict=yes"), "--strict は値をとりません。`shingikai lint --help` で使い方を表示します"),
        (("lint", "--stirct", "cases"), "オプション --stirct はありません（--strict の誤りではありませんか）。`shingikai lint --help` で使い方を表示します"),
        (("rules", "E301", "E302"), "余分な引数 E302 があります。`shingikai rules --help` で使い方を表示します"),
        (("render", "cases", "-f", "pdf"), "--format/-f の値が正しくありません: 「pdf」は選べません（選択肢: html, md）。`shingikai render --help` で使い方を表示します"),
    ],
)
def test_usage_errors_are_one_japanese_line_and_exit_2(args, message):
    result = run(*args)
    assert result.code == 2
    assert result.stderr == f"shingikai: {message}\n"
    assert result.stdout == ""


def test_lint_of_one_file_imports_only_what_it_uses():
    """Start-up is most of a pre-commit run (issue 7): no template engine, no terminal
    library off a terminal, no process pool for one file, no TOML parser without a
    configuration file on the way up."""
    probe = (
        "import sys\n"
        "from shingikai.cli import main\n"
        "try:\n"
        f"    main(['lint', {str(EXAMPLE)!r}])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "    print(' '.join(sorted(sys.modules)))\n"
    )
    completed = subprocess.run(
        [str(SHINGIKAI.with_name("python")), "-c", probe], capture_output=True, text=True, cwd="/", check=True
    )
    loaded = set(completed.stdout.split())
    assert "shingikai.rules.text" in loaded
    for unused in ("jinja2", "rich", "typer", "click", "concurrent.futures", "multiprocessing", "json"):
        assert unused not in loaded, unused
