"""The command line: parses arguments and wires the stages together, nothing more."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from .errors import Blocked, ShingikaiError

app = typer.Typer(
    name="shingikai",
    help="個人情報保護審議会の付議案件シートを YAML で管理し、条例に照らして検査し、シートとして出力します。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _selectors(value: str | None) -> list[str] | None:
    """`E301,W4` as a list of selectors (codes or code prefixes)."""
    return None if value is None else [part.strip().upper() for part in value.split(",") if part.strip()]


def _check_selectors(value: str | None) -> str | None:
    from .config import check_selectors

    try:
        check_selectors(_selectors(value) or [])
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    return value


def _choice(value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        from .suggest import nearest

        suggestion = nearest(value, choices)
        hint = f"。「{suggestion}」の誤りではありませんか" if suggestion else ""
        raise typer.BadParameter(f"「{value}」は選べません（選択肢: {', '.join(choices)}）{hint}")
    return value


def _format_choice(value: str) -> str:
    from .reporters import REPORTERS

    return _choice(value, tuple(REPORTERS))


@app.command()
def lint(
    # str, not Path: typer validates each Path argument through pydantic, which costs
    # seconds when pre-commit or CI passes thousands of files.
    paths: Annotated[
        list[str],
        typer.Argument(help="検査するケースファイル、またはディレクトリ（*.yaml / *.yml を再帰的に探します）", show_default=False),
    ],
    output_format: Annotated[
        str,
        typer.Option("--format", "-f", help="出力形式: text, json, github, sarif", callback=_format_choice),
    ] = "text",
    select: Annotated[
        str | None,
        typer.Option(
            help="報告するコード（カンマ区切り、先頭一致。例: E,W402）。設定の select を置き換えます",
            callback=_check_selectors,
        ),
    ] = None,
    ignore: Annotated[
        str | None,
        typer.Option(help="報告しないコード（カンマ区切り、先頭一致）。設定の ignore に加えます", callback=_check_selectors),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="警告があっても終了コード 1 にします")] = False,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="設定ファイル（既定: 検査するパスから上へ shingikai.toml か pyproject.toml を探します）"),
    ] = None,
) -> None:
    """ケースファイルを検査します。終了コード: 0 問題なし、1 エラー（--strict なら警告も）、2 使い方や読み込みの問題。"""
    from .config import ConfigResolver
    from .linter import collect, lint_all, plan
    from .reporters import REPORTERS, Totals

    resolver = ConfigResolver(config)
    missing: list[str] = []

    def tell_missing(message: str) -> None:
        missing.append(message)
        _warn(message)

    jobs = plan(collect(map(Path, paths), tell_missing), resolver, _selectors(select), _selectors(ignore) or [])
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
        raise typer.Exit(EXIT_USAGE)
    if totals.errors or (strict and totals.warnings):
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def rules(
    code: Annotated[str | None, typer.Argument(help="説明を表示するコード（例: E305）。省略すると一覧", show_default=False)] = None,
) -> None:
    """検査のコードの一覧、または一つのコードの説明（何を検査するか、なぜ問題か、違反例と修正例）を表示します。"""
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.table import Table

    from .registry import all_rules, get

    console = Console(highlight=False)
    if code is None:
        table = Table("コード", "種別", "内容", box=None, pad_edge=False)
        for rule in all_rules():
            table.add_row(rule.code, "エラー" if rule.severity.value == "error" else "警告", rule.title)
        with console.capture() as captured:
            console.print(table)
        sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
        return
    rule = get(code)
    if rule is None:
        _fail(f"コード「{code}」はありません（`shingikai rules` で一覧を表示します）")
    kind = "エラー" if rule.severity.value == "error" else "警告"
    heading = f"# {rule.code} {rule.title}（{kind}）\n\n"
    if console.is_terminal:
        console.print(Markdown(heading + rule.doc))
    else:
        sys.stdout.write(heading + rule.doc + "\n")


@app.command()
def schema() -> None:
    """ケースファイルの形式を JSON Schema（draft 2020-12）で表示します。エディタの補完・説明・検査に使います。"""
    from .schema import render

    sys.stdout.write(render())


def _kind_choice(value: str) -> str:
    from .vocabulary import KINDS

    return _choice(value, KINDS)


def _basis_choice(values: list[str]) -> list[str]:
    from .vocabulary import BASIS_BY_VALUE

    for value in values:
        _choice(value, tuple(BASIS_BY_VALUE))
    return values


@app.command()
def new(
    kind: Annotated[str, typer.Option("--kind", help="諮問 または 報告", callback=_kind_choice, show_default=False)],
    basis: Annotated[
        list[str],
        typer.Option(
            "--basis",
            help="根拠規定（本人外収集、目的外利用、外部提供、記録項目、結合、その他）。該当するだけ繰り返します",
            callback=_basis_choice,
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="書き出すファイル（既にあれば上書きせずに終了します）。省略すると標準出力"),
    ] = None,
) -> None:
    """新しい案件のケースファイルのひな形を、必要な項目をシートの項目名のコメント付きで書き出します。"""
    from .scaffold import create, skeleton

    text = skeleton(kind, basis)
    if output is None:
        sys.stdout.write(text)
        return
    create(output, text)
    sys.stdout.write(f"{output} を作成しました。空欄を埋め、`shingikai lint {output}` で検査してください\n")


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="作成するリポジトリのディレクトリ（なければ作成します）", show_default=False)],
) -> None:
    """ケースファイルのリポジトリを作ります: 設定、cases/、JSON Schema、pre-commit と VS Code の設定、README。既にあるファイルは上書きしません。"""
    from .scaffold import init as create_repository

    for path in create_repository(directory):
        sys.stdout.write(f"作成: {path}\n")
    sys.stdout.write(f"次に {directory} で `git init` と `pre-commit install` を実行し、`shingikai new` で案件を追加します\n")


def _render_format(value: str) -> str:
    from .render import FORMATS

    return _choice(value, FORMATS)


@app.command()
def render(
    paths: Annotated[
        list[str],
        typer.Argument(help="出力するケースファイル、またはディレクトリ（*.yaml / *.yml を再帰的に探します）", show_default=False),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="出力先のファイル（省略すると標準出力）。複数のファイルやディレクトリのときは出力先のディレクトリで、シートごとのファイルと一覧 index を書き出します",
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="出力形式: html, md", callback=_render_format)
    ] = "html",
    force: Annotated[
        bool, typer.Option("--force", help="検査エラーがあっても、エラーの一覧を載せて出力します")
    ] = False,
    templates: Annotated[
        Path | None,
        typer.Option("--templates", help="テンプレートを差し替えるディレクトリ（同じ名前のテンプレートがあれば、そちらを使います）"),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="設定ファイル（既定: 出力するパスから上へ shingikai.toml か pyproject.toml を探します）"),
    ] = None,
) -> None:
    """ケースファイルを検査し、付議案件シート（HTML または Markdown）として出力します。終了コード: 0 出力した、1 検査エラーがあり出力しなかった、2 使い方や読み込みの問題。"""
    from .config import ConfigResolver
    from .linter import collect, plan
    from .render import Destination, Renderer, admit, publish

    inputs = [Path(path) for path in paths]
    destination = Destination.choose(inputs, output)
    renderer = Renderer(output_format, templates)
    resolver = ConfigResolver(config)
    missing: list[str] = []
    files = list(collect(inputs, missing.append))
    for message in missing:
        _warn(message)
    if missing:
        raise typer.Exit(EXIT_USAGE)
    if not files:
        _fail("出力する YAML ファイル（*.yaml / *.yml）が見つかりません")
    cases = admit(plan(files, resolver, None, []), force=force, notify=lambda line: sys.stderr.write(line + "\n"))
    publish(renderer, destination, cases)
    if destination.directory:
        _warn(f"{destination.path} に {len(cases)} 件のシートと一覧（index.{output_format}）を書き出しました")
    elif destination.path is not None:
        _warn(f"{destination.path} に書き出しました")


def _warn(message: str) -> None:
    sys.stderr.write(f"shingikai: {message}\n")


def _fail(message: str) -> NoReturn:
    _warn(message)
    raise typer.Exit(EXIT_USAGE)


def _usage_message(error: typer.TyperException) -> str:
    """Typer's English usage errors, said in Japanese."""
    kind = type(error).__name__
    param = getattr(error, "param", None)
    hint = " / ".join(param.opts) if param is not None else None
    if kind == "NoSuchOption":
        possibilities = getattr(error, "possibilities", None)
        suggestion = f"（{', '.join(sorted(possibilities))} の誤りではありませんか）" if possibilities else ""
        return f"オプション {error.option_name} はありません{suggestion}"  # type: ignore[attr-defined]
    if kind == "MissingParameter":
        return f"{hint or '引数'} を指定してください"
    if kind == "BadParameter":
        return f"{hint or '引数'} の値が正しくありません: {error.message}"  # type: ignore[attr-defined]
    if kind == "BadOptionUsage":
        return f"オプション {error.option_name} の使い方が正しくありません（値が必要です）"  # type: ignore[attr-defined]
    return f"使い方が正しくありません（{error}）"


def main() -> None:
    # Looking for pydantic plugins scans every installed package's metadata at start-up.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        code = app(standalone_mode=False)
    except ShingikaiError as error:
        _warn(str(error))
        code = EXIT_USAGE
    except Blocked as error:
        _warn(str(error))
        code = EXIT_FINDINGS
    except typer.TyperException as error:
        if type(error).__name__ == "NoArgsIsHelpError":
            error.show()  # type: ignore[attr-defined]
            code = EXIT_USAGE
        elif type(error).__name__ == "Abort":
            code = 130
        else:
            context = getattr(error, "ctx", None)
            command = context.command_path if context is not None else "shingikai"
            _warn(f"{_usage_message(error)}。`{command} --help` で使い方を表示します")
            code = EXIT_USAGE
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        # Output piped into `head`: the reader has what it wanted.
        sys.stderr.close()
        code = EXIT_FINDINGS
    sys.exit(code if isinstance(code, int) else EXIT_OK)
