"""The command line itself: help and usage errors in Japanese, and what `lint` imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import EXAMPLE, MINIMAL, SHINGIKAI, run


def test_no_command_shows_the_commands_and_exits_2():
    result = run()
    assert result.code == 2
    assert result.stdout.startswith("使い方: shingikai [オプション] <コマンド> ...\n")
    assert "\nコマンド:\n  lint     ケースファイルと会議ファイルを検査します（会議ファイルは議題の案件とともに）\n  rules    検査のコードの一覧" in result.stdout
    for command in ("lint", "rules", "schema", "new", "init", "render", "changes", "report"):
        assert f"\n  {command} " in result.stdout
    assert result.stdout == run("--help").stdout


def test_help_of_a_command_is_japanese_and_aligned_by_display_width():
    result = run("lint", "--help")
    assert result.code == 0
    assert result.stdout.startswith("使い方: shingikai lint [オプション] パス...\n")
    assert "\n引数:\n  パス...  ケースファイルか会議ファイル、またはディレクトリ" in result.stdout
    # 形式 and コード are two columns a character: the help texts start in one column.
    assert "\n  -f, --format 形式  出力形式: text, json, github, sarif（既定: text）\n" in result.stdout
    assert "\n  --select コード    報告するコード" in result.stdout
    assert "\n  --strict           警告があっても" in result.stdout
    assert "\n  -h, --help         この説明を表示します\n" in result.stdout
    for english in ("Usage", "Arguments", "Options", "Show this message", "[default", "[required]", "TEXT", "PATH"):
        assert english not in result.stdout


@pytest.mark.parametrize("command", ["lint", "rules", "schema", "new", "init", "render", "changes", "report"])
def test_every_command_has_japanese_help(command):
    result = run(command, "-h")
    assert result.code == 0
    assert result.stdout.startswith(f"使い方: shingikai {command} [オプション]")
    assert result.stdout.isascii() is False
    assert "\nオプション:\n" in result.stdout and "この説明を表示します" in result.stdout
    for english in ("Usage", "Options", "Arguments", "Show this message", "[default", "[required]"):
        assert english not in result.stdout


def test_version():
    result = run("--version")
    assert (result.code, result.stdout, result.stderr) == (0, "shingikai 0.1.0\n", "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("lnt", "cases"), "コマンド「lnt」はありません（選択肢: lint, rules, schema, new, init, render, changes, report）。「lint」の誤りではありませんか。`shingikai --help` で使い方を表示します"),
        (("--hlp",), "オプション --hlp はありません（--help の誤りではありませんか）。`shingikai --help` で使い方を表示します"),
        (("lint",), "パスを指定してください。`shingikai lint --help` で使い方を表示します"),
        (("new", "--basis", "外部提供"), "--kind を指定してください。`shingikai new --help` で使い方を表示します"),
        (("new", "--kind", "諮問", "--basis", "外部"), "--basis の値が正しくありません: 「外部」は選べません（選択肢: 本人外収集, 目的外利用, 外部提供, 記録項目, 結合, その他）。「外部提供」の誤りではありませんか。`shingikai new --help` で使い方を表示します"),
        (("lint", "--select", "X9", "cases"), "--select の値が正しくありません: 不明なコード: X9（`shingikai rules` で一覧を表示できます）。`shingikai lint --help` で使い方を表示します"),
        (("schema", "extra"), "余分な引数 extra があります。`shingikai schema --help` で使い方を表示します"),
        (("lint", "cases", "--format"), "--format/-f には値が必要です。`shingikai lint --help` で使い方を表示します"),
        (("lint", "cases", "--strict=yes"), "--strict は値をとりません。`shingikai lint --help` で使い方を表示します"),
        (("lint", "--stirct", "cases"), "オプション --stirct はありません（--strict の誤りではありませんか）。`shingikai lint --help` で使い方を表示します"),
        (("rules", "E301", "E302"), "余分な引数 E302 があります。`shingikai rules --help` で使い方を表示します"),
        (("render", "cases", "-f", "docx"), "--format/-f の値が正しくありません: 「docx」は選べません（選択肢: html, md, pdf）。`shingikai render --help` で使い方を表示します"),
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
    for unused in ("jinja2", "rich", "concurrent.futures", "multiprocessing", "json", "weasyprint", "pypdf", "openpyxl"):
        assert unused not in loaded, unused


def test_shell_completion_offers_commands_and_choices():
    def complete(words: str, index: int) -> list[str]:
        result = run(env={"_SHINGIKAI_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(index)})
        assert result.code == 0, result.stderr
        return result.lines()

    assert complete("shingikai re", 1) == ["render", "report"]
    assert complete("shingikai report --view ", 3) == ["一覧", "相手方別", "項目別", "運用状況"]
    assert complete("shingikai lint --format ", 3) == ["text", "json", "github", "sarif"]
    assert complete("shingikai new --kind ", 3) == ["諮問", "報告"]


def test_show_completion_prints_the_script_for_the_shell():
    result = run("--show-completion", env={"SHELL": "/bin/bash"})
    assert result.code == 0
    assert "_SHINGIKAI_COMPLETE=complete_bash" in result.stdout
    assert "complete -o default -F _shingikai_completion shingikai" in result.stdout


def test_install_completion_writes_the_script_and_says_so_in_japanese(tmp_path):
    result = run("--install-completion", env={"SHELL": "/bin/bash", "HOME": str(tmp_path)})
    assert result.code == 0, result.stderr
    script = tmp_path / ".bash_completions" / "shingikai.sh"
    assert result.stdout == f"bash の補完を {script} に設定しました。新しく開いた端末から使えます\n"
    assert "_SHINGIKAI_COMPLETE=complete_bash" in script.read_text()
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()


def test_a_closed_pipe_is_not_a_finding(write):
    """`shingikai lint … | head`: the reader leaves early; exit 141 (as a shell reports
    SIGPIPE), not 1 (findings), and no traceback or "Exception ignored" at exit."""
    # Some 5,000 findings: more than a pipe holds, so the writer meets the closed end.
    path = write(MINIMAL.replace("summary: 概要", "summary: " + "TODO、" * 5000))
    process = subprocess.Popen([str(SHINGIKAI), "lint", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.read(10)
    process.stdout.close()
    assert process.wait(timeout=60) == 141
    assert process.stderr is not None and process.stderr.read() == b""
