"""The command line: parses arguments and wires the stages together, nothing more.

The parser is the standard library's argparse rather than typer: `shingikai lint` runs on
every commit, and typer's import alone (≈ 35 ms) is more than the start-up budget of
issue 7 allows (bench/README.md). It also lets every help text and usage message be
Japanese.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from ..errors import Blocked, ShingikaiError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
PROGRAM = "shingikai"


class UsageError(Exception):
    """The command line does not parse; the message is Japanese."""

    def __init__(self, command: str, message: str) -> None:
        super().__init__(message)
        self.command = command


def _terminal_width() -> int:
    """What shutil.get_terminal_size() says, without importing shutil (and its compression
    modules) on every run: argparse makes a formatter for each argument it is given."""
    try:
        columns = int(os.environ.get("COLUMNS", "0")) or os.get_terminal_size(sys.__stdout__.fileno()).columns
    except (AttributeError, ValueError, OSError):
        columns = 80
    return columns - 2


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_terminal_width())

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, "使い方: ")


class _Parser(argparse.ArgumentParser):
    """argparse with Japanese headings, and usage errors raised rather than printed."""

    def __init__(self, **options: object) -> None:
        super().__init__(add_help=False, allow_abbrev=False, formatter_class=_HelpFormatter, **options)  # type: ignore[arg-type]
        self._positionals.title = "引数"
        self._optionals.title = "オプション"
        self.add_argument("-h", "--help", action="help", help="この説明を表示します")

    def error(self, message: str) -> NoReturn:
        raise UsageError(self.prog, _in_japanese(message))


def _in_japanese(message: str) -> str:
    """argparse's English usage errors, said in Japanese."""
    if found := re.fullmatch(r"the following arguments are required: (.+)", message):
        return f"{found[1]} を指定してください"
    if found := re.fullmatch(r"argument (\S+): (.+)", message, re.DOTALL):
        name, detail = found[1], found[2]
        if detail.startswith("invalid choice:"):
            word = re.search(r"invalid choice: '([^']*)'", detail)
            return f"コマンド「{word[1] if word else detail}」はありません（選択肢: {', '.join(COMMANDS)}）"
        if detail.startswith("expected "):
            return f"{name} には値が必要です"
        if detail.startswith("ignored explicit argument"):
            return f"{name} は値をとりません"
        return f"{name} の値が正しくありません: {detail}"
    return f"使い方が正しくありません（{message}）"


def _unrecognized(parser: argparse.ArgumentParser, extra: Sequence[str]) -> UsageError:
    options = [word.split("=", 1)[0] for word in extra if word.startswith("-")]
    if not options:
        return UsageError(parser.prog, f"余分な引数 {' '.join(extra)} があります")
    from ..suggest import nearest

    known = [name for action in parser._actions for name in action.option_strings if name.startswith("--")]
    suggestion = nearest(options[0], known)
    hint = f"（{suggestion} の誤りではありませんか）" if suggestion else ""
    return UsageError(parser.prog, f"オプション {', '.join(options)} はありません{hint}")


def _one_of(choices: Callable[[], Sequence[str]]) -> Callable[[str], str]:
    """An argument type accepting one of `choices()` (looked up only when used)."""

    def accept(value: str) -> str:
        allowed = tuple(choices())
        if value not in allowed:
            from ..suggest import nearest

            suggestion = nearest(value, allowed)
            hint = f"。「{suggestion}」の誤りではありませんか" if suggestion else ""
            raise argparse.ArgumentTypeError(f"「{value}」は選べません（選択肢: {', '.join(allowed)}）{hint}")
        return value

    return accept


def _selectors(value: str) -> list[str]:
    """`E301,W4` as a list of selectors (codes or code prefixes)."""
    from ..lint.config import check_selectors

    selectors = [part.strip().upper() for part in value.split(",") if part.strip()]
    try:
        return check_selectors(selectors)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _reporter_names() -> Sequence[str]:
    from ..reporters import REPORTERS

    return tuple(REPORTERS)


def _paths_argument(parser: argparse.ArgumentParser, of: str) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="パス",
        help=f"{of}ケースファイル、またはディレクトリ（*.yaml / *.yml を再帰的に探します）",
    )


def _format_option(
    parser: argparse.ArgumentParser, choices: Callable[[], Sequence[str]], default: str, listed: str
) -> None:
    parser.add_argument(
        "--format",
        "-f",
        dest="output_format",
        type=_one_of(choices),
        default=default,
        metavar="形式",
        help=f"出力形式: {listed}（既定: {default}）",
    )


def _config_option(parser: argparse.ArgumentParser, of: str) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="ファイル",
        help=f"設定ファイル（既定: {of}パスから上へ shingikai.toml か pyproject.toml を探します）",
    )


def _lint_arguments(parser: argparse.ArgumentParser) -> None:
    _paths_argument(parser, "検査する")
    _format_option(parser, _reporter_names, "text", "text, json, github, sarif")
    parser.add_argument(
        "--select",
        type=_selectors,
        metavar="コード",
        help="報告するコード（カンマ区切り、先頭一致。例: E,W402）。設定の select を置き換えます",
    )
    parser.add_argument(
        "--ignore",
        type=_selectors,
        default=[],
        metavar="コード",
        help="報告しないコード（カンマ区切り、先頭一致）。設定の ignore に加えます",
    )
    parser.add_argument("--strict", action="store_true", help="警告があっても終了コード 1 にします")
    _config_option(parser, "検査する")


def lint(
    *,
    paths: list[str],
    output_format: str,
    select: list[str] | None,
    ignore: list[str],
    strict: bool,
    config: Path | None,
) -> int:
    """ケースファイルを検査します。終了コード: 0 問題なし、1 エラー（--strict なら警告も）、2 使い方や読み込みの問題。"""
    from ..lint.config import ConfigResolver
    from ..lint.pipeline import collect, lint_all, plan
    from ..reporters import REPORTERS
    from ..reporters.base import Totals

    resolver = ConfigResolver(config)
    missing: list[str] = []

    def tell_missing(message: str) -> None:
        missing.append(message)
        _warn(message)

    jobs = plan(collect(paths, tell_missing), resolver, select, ignore)
    reporter = REPORTERS[output_format](sys.stdout)
    totals = Totals()
    linted = unreadable = False
    for result in lint_all(jobs):
        linted = True
        if result.error is not None:
            _warn(result.error)
            unreadable = True
        totals.add(result)
        reporter.file(result)
    if not linted and not missing:
        _fail("検査する YAML ファイル（*.yaml / *.yml）が見つかりません")
    reporter.finish(totals)
    strict = strict or any(loaded.config.lint.strict for loaded in resolver.loaded())
    if unreadable or missing:
        return EXIT_USAGE
    if totals.errors or (strict and totals.warnings):
        return EXIT_FINDINGS
    return EXIT_OK


def _rules_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", metavar="コード", help="説明を表示するコード（例: E305）。省略すると一覧")


def rules(*, code: str | None) -> int:
    """検査のコードの一覧、または一つのコードの説明（何を検査するか、なぜ問題か、違反例と修正例）を表示します。"""
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.table import Table

    from ..rules import RULES, get

    console = Console(highlight=False)
    if code is None:
        table = Table("コード", "種別", "内容", box=None, pad_edge=False)
        for rule in RULES:
            table.add_row(rule.code, "エラー" if rule.severity.value == "error" else "警告", rule.title)
        with console.capture() as captured:
            console.print(table)
        sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
        return EXIT_OK
    rule = get(code)
    if rule is None:
        _fail(f"コード「{code}」はありません（`shingikai rules` で一覧を表示します）")
    kind = "エラー" if rule.severity.value == "error" else "警告"
    heading = f"# {rule.code} {rule.title}（{kind}）\n\n"
    if console.is_terminal:
        console.print(Markdown(heading + rule.doc))
    else:
        sys.stdout.write(heading + rule.doc + "\n")
    return EXIT_OK


def schema() -> int:
    """ケースファイルの形式を JSON Schema（draft 2020-12）で表示します。エディタの補完・説明・検査に使います。"""
    from ..scaffold.schema import render

    sys.stdout.write(render())
    return EXIT_OK


def _kinds() -> Sequence[str]:
    from ..model.vocabulary import KINDS

    return KINDS


def _bases() -> Sequence[str]:
    from ..model.vocabulary import BASIS_BY_VALUE

    return tuple(BASIS_BY_VALUE)


def _new_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", required=True, type=_one_of(_kinds), metavar="種別", help="諮問 または 報告")
    parser.add_argument(
        "--basis",
        required=True,
        action="append",
        type=_one_of(_bases),
        metavar="根拠",
        help="根拠規定（本人外収集、目的外利用、外部提供、記録項目、結合、その他）。該当するだけ繰り返します",
    )
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="ファイル",
        help="書き出すファイル（既にあれば上書きせずに終了します）。省略すると標準出力",
    )


def new(*, kind: str, basis: list[str], output: Path | None) -> int:
    """新しい案件のケースファイルのひな形を、必要な項目をシートの項目名のコメント付きで書き出します。"""
    from ..scaffold.skeleton import create, skeleton

    text = skeleton(kind, basis)
    if output is None:
        sys.stdout.write(text)
        return EXIT_OK
    create(output, text)
    sys.stdout.write(f"{output} を作成しました。空欄を埋め、`shingikai lint {output}` で検査してください\n")
    return EXIT_OK


def _init_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", type=Path, metavar="ディレクトリ", help="作成するリポジトリのディレクトリ（なければ作成します）")


def init(*, directory: Path) -> int:
    """ケースファイルのリポジトリを作ります: 設定、cases/、JSON Schema、pre-commit と VS Code の設定、README。既にあるファイルは上書きしません。"""
    from ..scaffold.repository import init as create_repository

    for path in create_repository(directory):
        sys.stdout.write(f"作成: {path}\n")
    sys.stdout.write(f"次に {directory} で `git init` と `pre-commit install` を実行し、`shingikai new` で案件を追加します\n")
    return EXIT_OK


def _render_formats() -> Sequence[str]:
    from ..render.templates import FORMATS

    return FORMATS


def _render_arguments(parser: argparse.ArgumentParser) -> None:
    _paths_argument(parser, "出力する")
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="出力先",
        help="出力先のファイル（省略すると標準出力）。複数のファイルやディレクトリのときは出力先のディレクトリで、"
        "シートごとのファイルと一覧 index を書き出します",
    )
    _format_option(parser, _render_formats, "html", "html, md")
    parser.add_argument("--force", action="store_true", help="検査エラーがあっても、エラーの一覧を載せて出力します")
    parser.add_argument(
        "--templates",
        type=Path,
        metavar="ディレクトリ",
        help="テンプレートを差し替えるディレクトリ（同じ名前のテンプレートがあれば、そちらを使います）",
    )
    _config_option(parser, "出力する")


def render(
    *,
    paths: list[str],
    output: Path | None,
    output_format: str,
    force: bool,
    templates: Path | None,
    config: Path | None,
) -> int:
    """ケースファイルを検査し、付議案件シート（HTML または Markdown）として出力します。終了コード: 0 出力した、1 検査エラーがあり出力しなかった、2 使い方や読み込みの問題。"""
    from ..lint.config import ConfigResolver
    from ..lint.pipeline import collect, plan
    from ..render.publish import Destination, admit, publish
    from ..render.templates import Renderer

    destination = Destination.choose([Path(path) for path in paths], output)
    renderer = Renderer(output_format, templates)
    resolver = ConfigResolver(config)
    missing: list[str] = []
    files = list(collect(paths, missing.append))
    for message in missing:
        _warn(message)
    if missing:
        return EXIT_USAGE
    if not files:
        _fail("出力する YAML ファイル（*.yaml / *.yml）が見つかりません")
    cases = admit(plan(files, resolver, None, []), force=force, notify=lambda line: sys.stderr.write(line + "\n"))
    publish(renderer, destination, cases)
    if destination.directory:
        _warn(f"{destination.path} に {len(cases)} 件のシートと一覧（index.{output_format}）を書き出しました")
    elif destination.path is not None:
        _warn(f"{destination.path} に書き出しました")
    return EXIT_OK


# Each command: its function (whose docstring is its help) and what adds its arguments.
COMMANDS: dict[str, tuple[Callable[..., int], Callable[[argparse.ArgumentParser], None] | None]] = {
    "lint": (lint, _lint_arguments),
    "rules": (rules, _rules_arguments),
    "schema": (schema, None),
    "new": (new, _new_arguments),
    "init": (init, _init_arguments),
    "render": (render, _render_arguments),
}


def parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser, and the parser of each command by name."""
    top = _Parser(
        prog=PROGRAM,
        description="個人情報保護審議会の付議案件シートを YAML で管理し、条例に照らして検査し、シートとして出力します。",
        epilog="コマンドごとの説明: shingikai <コマンド> --help",
    )
    # `prog` given: argparse would otherwise format a usage line (and import shutil) to find it.
    commands = top.add_subparsers(title="コマンド", metavar="<コマンド>", prog=PROGRAM, parser_class=_Parser)
    parsers = {}
    for name, (run, add_arguments) in COMMANDS.items():
        summary = (run.__doc__ or "").split("。")[0]
        parsers[name] = command = commands.add_parser(name, help=summary, description=run.__doc__)
        if add_arguments is not None:
            add_arguments(command)
        command.set_defaults(command=name)
    return top, parsers


def _warn(message: str) -> None:
    sys.stderr.write(f"{PROGRAM}: {message}\n")


def _fail(message: str) -> NoReturn:
    raise ShingikaiError(message)


def _without_pydantic_plugins() -> None:
    """Tell pydantic there are no plugins, without its looking for them.

    Looking reads every installed package's metadata, so the variable turns it off. Even
    then pydantic imports `importlib.metadata` (≈ 20 ms, a tenth of a one-file lint) only
    to define the function that returns no plugins: it is given that function instead.
    pydantic imports the module in one place, for `get_plugins` alone.
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] not in ("__all__", "1", "true"):
        return
    loader = types.ModuleType("pydantic.plugin._loader")
    loader.get_plugins = lambda: ()  # type: ignore[attr-defined]
    sys.modules.setdefault(loader.__name__, loader)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    _without_pydantic_plugins()
    # CPython keeps the command line twice as text (sys.argv and sys.orig_argv), and
    # pre-commit passes thousands of paths: the copy nobody reads is let go (≈ 1 MiB per
    # 10,000 paths, which would otherwise be most of what lint's memory grows by).
    del sys.orig_argv[1:]
    top, parsers = parser()
    try:
        namespace, extra = top.parse_known_args(argv)
        arguments = vars(namespace)
        command = arguments.pop("command", None)
        if extra:
            raise _unrecognized(top if command is None else parsers[command], extra)
        if command is None:
            top.print_help()
            code = EXIT_USAGE
        else:
            run, _ = COMMANDS[command]
            code = run(**arguments)
    except UsageError as error:
        _warn(f"{error}。`{error.command} --help` で使い方を表示します")
        code = EXIT_USAGE
    except ShingikaiError as error:
        _warn(str(error))
        code = EXIT_USAGE
    except Blocked as error:
        _warn(str(error))
        code = EXIT_FINDINGS
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        # Output piped into `head`: the reader has what it wanted.
        sys.stderr.close()
        code = EXIT_FINDINGS
    sys.exit(code)
