"""The command line: a Typer app whose commands wire the stages together, nothing more.

Each command's signature carries its arguments and options; the help of a command is
its docstring. A command imports the stages it runs when it runs, so that `lint` of one
file (what pre-commit does on every commit) loads no template engine and no terminal
library.
"""

import gc
import os
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from .. import __version__
from ..errors import Blocked, ShingikaiError
from .japanese import JapaneseCommand, JapaneseGroup, UsageProblem, one_of

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
# What a shell reports for a program that SIGPIPE ended (128 + 13): the reader of a pipe
# went away (`shingikai lint cases/ | head`), which is neither a finding nor a usage error.
EXIT_BROKEN_PIPE = 141
PROGRAM = "shingikai"


class _PipeClosed(Exception):
    """The reader of stdout is gone; raised past Typer, which would exit 1 on EPIPE."""


Command = TypeVar("Command", bound=Callable[..., int])


def _until_the_pipe_closes(command: Command) -> Command:
    """Run `command` and flush its output, so that a closed pipe is noticed here."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> int:
        # The process ends with the command: what the imports built lives as long. Kept out
        # of the collector's walks, it is not gone over again each time a run builds much
        # (the validators of a model, the meetings a history reads): 20 ms of a one-file lint.
        gc.freeze()
        try:
            code = command(*args, **kwargs)
            sys.stdout.flush()
        except BrokenPipeError as error:
            raise _PipeClosed from error
        return code

    return run


app = typer.Typer(
    name=PROGRAM,
    cls=JapaneseGroup,
    help="個人情報保護審議会の付議案件シートを YAML で管理し、条例に照らして検査し、シートとして出力します。",
    epilog="コマンドごとの説明: shingikai <コマンド> --help",
    context_settings={"help_option_names": ["-h", "--help"]},
    # Plain help, laid out by JapaneseGroup and JapaneseCommand, on a terminal or not.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    suggest_commands=False,
    options_metavar="[オプション]",
    subcommand_metavar="<コマンド> ...",
)


def command(function: Command) -> Command:
    """Register `function` as a command named after it, with the Japanese command class."""
    app.command(
        cls=JapaneseCommand,
        options_metavar="[オプション]",
        context_settings={"allow_extra_args": True},
    )(_until_the_pipe_closes(function))
    return function


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"{PROGRAM} {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback(invoke_without_command=True)
def _top(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=_show_version, help="バージョンを表示します"),
    ] = False,
) -> None:
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(EXIT_USAGE)


# --- Choices, looked up only when an option is given (the render formats live with jinja2).


def _choice(choices: Callable[[], Sequence[str]]) -> Callable[[str | None], str | None]:
    def check(value: str | None) -> str | None:
        return None if value is None else one_of(tuple(choices()), value)

    return check


def _choices(choices: Callable[[], Sequence[str]]) -> Callable[[list[str] | None], list[str]]:
    def check(values: list[str] | None) -> list[str]:
        allowed = tuple(choices())
        return [one_of(allowed, value) for value in values or ()]

    return check


def _format_option(choices: Callable[[], Sequence[str]], text: str) -> Any:
    """`--format`/`-f`, one of `choices` (completed from them), with the help `text`."""
    return typer.Option(
        "--format", "-f", metavar="形式", callback=_choice(choices), autocompletion=choices, help=text, show_default=False
    )


def _output_option(metavar: str, text: str) -> Any:
    """`--output`/`-o`, where the command writes, with the help `text`."""
    return typer.Option("--output", "-o", metavar=metavar, help=text, show_default=False)


def _reporter_names() -> Sequence[str]:
    from ..reporters import REPORTERS

    return tuple(REPORTERS)


def _render_formats() -> Sequence[str]:
    from ..render.templates import FORMATS

    return FORMATS


def _kinds() -> Sequence[str]:
    from ..model.vocabulary import KINDS

    return KINDS


def _bases() -> Sequence[str]:
    from ..model.vocabulary import BASIS_BY_VALUE

    return tuple(BASIS_BY_VALUE)


def _changes_formats() -> Sequence[str]:
    from ..reporters.changes import FORMATS

    return FORMATS


def _selectors(value: str | None) -> list[str] | None:
    """`E301,W4` as a list of selectors (codes or code prefixes)."""
    if value is None:
        return None
    from ..lint.config import check_selectors

    try:
        return check_selectors([part for part in value.split(",") if part.strip()])
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error


# --- Parameters that several commands share.

Paths = Annotated[
    list[str],
    typer.Argument(
        metavar="パス",
        help="ケースファイルか会議ファイル、またはディレクトリ（*.yaml / *.yml を再帰的に探します）",
        show_default=False,
    ),
]
ConfigFile = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="ファイル",
        help="設定ファイル（既定: パスから上へ shingikai.toml か pyproject.toml を探します）",
        show_default=False,
    ),
]


def _warn(message: str) -> None:
    sys.stderr.write(f"{PROGRAM}: {message}\n")


def _tell(line: str) -> None:
    """A line of a stage's own (a finding, say), as it is, on stderr."""
    sys.stderr.write(line + "\n")


def _fail(message: str) -> NoReturn:
    raise ShingikaiError(message)


@command
def lint(
    paths: Paths,
    output_format: Annotated[
        str,
        _format_option(_reporter_names, "出力形式: text, json, github, sarif（既定: text）"),
    ] = "text",
    select: Annotated[
        str | None,
        typer.Option(
            metavar="コード",
            callback=_selectors,
            help="報告するコード（カンマ区切り、先頭一致。例: E,W402）。設定の select を置き換えます",
            show_default=False,
        ),
    ] = None,
    ignore: Annotated[
        str | None,
        typer.Option(
            metavar="コード",
            callback=_selectors,
            help="報告しないコード（カンマ区切り、先頭一致）。設定の ignore に加えます",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="警告があっても終了コード 1 にします")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="できなかった検査とその理由（git のリポジトリの外で W504 を省いたなど）も表示します")
    ] = False,
    config: ConfigFile = None,
) -> int:
    """ケースファイルと会議ファイルを検査します（会議ファイルは議題の案件とともに）。終了コード: 0 問題なし、1 エラー（--strict なら警告も）、2 使い方や読み込みの問題。"""
    from ..findings import Told
    from ..lint.config import ConfigResolver
    from ..lint.pipeline import lint_run
    from ..reporters import REPORTERS
    from ..reporters.base import Totals

    resolver = ConfigResolver(config)
    missing: list[str] = []

    def tell_missing(message: str) -> None:
        missing.append(message)
        _warn(message)

    # The callbacks above have turned the two options into lists of selectors.
    selected: list[str] | None = select  # type: ignore[assignment]
    ignored: list[str] = ignore or []  # type: ignore[assignment]
    reporter = REPORTERS[output_format](sys.stdout)
    totals = Totals()
    linted = unreadable = False
    told = Told(verbose=verbose)
    for result in lint_run(paths, resolver, selected, ignored, tell_missing):
        linted = True
        if result.error is not None:
            _warn(result.error)
            unreadable = True
        for message in told.new(result.notes):
            _warn(message)
        totals.add(result)
        reporter.file(result)
    if not linted and not missing:
        _fail("検査する YAML ファイル（*.yaml / *.yml）が見つかりません")
    reporter.finish(totals)
    strict = strict or resolver.strict()
    if unreadable or missing:
        return EXIT_USAGE
    if totals.errors or (strict and totals.warnings):
        return EXIT_FINDINGS
    return EXIT_OK


@command
def rules(
    code: Annotated[
        str | None,
        typer.Argument(metavar="コード", help="説明を表示するコード（例: E305）。省略すると一覧", show_default=False),
    ] = None,
) -> int:
    """検査のコードの一覧、または一つのコードの説明（何を検査するか、なぜ問題か、違反例と修正例）を表示します。"""
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.table import Table

    from ..rules import RULES, get

    console = Console(highlight=False)
    if code is None:
        table = Table("コード", "種別", "内容", box=None, pad_edge=False)
        for rule in RULES:
            table.add_row(rule.code, rule.severity.label, rule.title)
        with console.capture() as captured:
            console.print(table)
        sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
        return EXIT_OK
    rule = get(code)
    if rule is None:
        _fail(f"コード「{code}」はありません（`shingikai rules` で一覧を表示します）")
    heading = f"# {rule.code} {rule.title}（{rule.severity.label}）\n\n"
    if console.is_terminal:
        console.print(Markdown(heading + rule.doc))
    else:
        sys.stdout.write(heading + rule.doc + "\n")
    return EXIT_OK


@command
def schema(
    meeting: Annotated[bool, typer.Option("--meeting", help="会議ファイルの形式を表示します")] = False,
) -> int:
    """ケースファイル（--meeting なら会議ファイル）の形式を JSON Schema（draft 2020-12）で表示します。エディタの補完・説明・検査に使います。"""
    from ..scaffold.schema import render

    sys.stdout.write(render(meeting=meeting))
    return EXIT_OK


@command
def new(
    ctx: typer.Context,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            metavar="種別",
            callback=_choice(_kinds),
            autocompletion=_kinds,
            help="諮問 または 報告（案件には必須）",
            show_default=False,
        ),
    ] = None,
    basis: Annotated[
        list[str] | None,
        typer.Option(
            "--basis",
            metavar="根拠",
            callback=_choices(_bases),
            autocompletion=_bases,
            help="根拠規定（本人外収集、目的外利用、外部提供、記録項目、結合、その他）。該当するだけ繰り返します（案件には必須）",
            show_default=False,
        ),
    ] = None,
    meeting: Annotated[
        bool, typer.Option("--meeting", help="案件ではなく会議ファイル（日時・場所・議題）のひな形を書き出します")
    ] = False,
    output: Annotated[
        Path | None,
        _output_option(
            "ファイル",
            "書き出すファイル（既にあれば上書きせずに終了します）。省略すると標準出力",
        ),
    ] = None,
) -> int:
    """新しい案件のケースファイル（--meeting なら会議ファイル）のひな形を、必要な項目をシートの項目名のコメント付きで書き出します。"""
    from ..scaffold.skeleton import create, meeting_skeleton, skeleton

    if meeting:
        if kind is not None or basis:
            raise UsageProblem(ctx.command_path, "--meeting には --kind と --basis を指定できません（会議ファイルには種別も根拠規定もありません）")
        text = meeting_skeleton()
    elif kind is None:
        raise UsageProblem(ctx.command_path, "--kind を指定してください")
    elif not basis:
        raise UsageProblem(ctx.command_path, "--basis を指定してください")
    else:
        text = skeleton(kind, basis)
    if output is None:
        sys.stdout.write(text)
        return EXIT_OK
    create(output, text)
    sys.stdout.write(f"{output} を作成しました。空欄を埋め、`shingikai lint {output}` で検査してください\n")
    return EXIT_OK


@command
def init(
    directory: Annotated[
        Path,
        typer.Argument(metavar="ディレクトリ", help="作成するリポジトリのディレクトリ（なければ作成します）", show_default=False),
    ],
) -> int:
    """ケースファイルのリポジトリを作ります: 設定、cases/、JSON Schema、pre-commit と VS Code の設定、README。既にあるファイルは上書きしません。"""
    from ..scaffold.repository import init as create_repository

    for path in create_repository(directory):
        sys.stdout.write(f"作成: {path}\n")
    sys.stdout.write(f"次に {directory}/README.md の「準備」（git、仮想環境、pre-commit）を行い、`shingikai new` で案件を追加します\n")
    return EXIT_OK


@command
def render(
    paths: Paths,
    output: Annotated[
        Path | None,
        _output_option(
            "出力先",
            "出力先のファイル（省略すると標準出力）。会議、複数のファイルやディレクトリのときは出力先のディレクトリで、"
            "次第・シート・一覧 index と資料を書き出します。PDF は会議も 1 ファイル（会議資料）です",
        ),
    ] = None,
    output_format: Annotated[
        str | None,
        _format_option(
            _render_formats, "出力形式: html, md, pdf（既定: 出力先のファイルの拡張子 .html / .md / .pdf から、なければ html）"
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="検査エラーがあっても、エラーの一覧を載せて出力します")] = False,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            metavar="ディレクトリ",
            help="テンプレートを差し替えるディレクトリ（同じ名前のテンプレートがあれば、そちらを使います）",
            show_default=False,
        ),
    ] = None,
    config: ConfigFile = None,
) -> int:
    """ケースファイルと会議ファイルを検査し、付議案件シートと会議の次第（HTML または Markdown）、または PDF（シートと会議資料）として出力します。終了コード: 0 出力した、1 検査エラーがあり出力しなかった、2 使い方や読み込みの問題。"""
    from ..lint.config import ConfigResolver
    from ..lint.pipeline import collect
    from ..lint.shelf import Shelf
    from ..render.publish import admit
    from ..render.target import choose_target
    from ..render.templates import Renderer

    # The shelf keeps the meeting file that choose_target reads, for admit.
    shelf = Shelf()
    target = choose_target(paths, output, output_format, shelf)
    renderer = Renderer(target.format, templates)
    resolver = ConfigResolver(config)
    missing: list[str] = []
    collection = collect(paths, missing.append)
    files = list(collection)
    for message in missing:
        _warn(message)
    if missing:
        return EXIT_USAGE
    if not files:
        _fail("出力する YAML ファイル（*.yaml / *.yml）が見つかりません")
    with target.typesetting() as typesetter:
        admitted = admit(files, collection.includes, resolver, shelf, force=force, notify=_tell)
        written = target.write(renderer, admitted, typesetter, force=force, notify=_tell)
    if written is not None:
        _warn(written)
    return EXIT_OK


@command
def changes(
    paths: Annotated[
        list[str],
        typer.Argument(metavar="ケースファイル", help="変更を調べるケースファイル", show_default=False),
    ],
    output_format: Annotated[
        str,
        _format_option(_changes_formats, "出力形式: text, json（既定: text）"),
    ] = "text",
    config: ConfigFile = None,
) -> int:
    """案件ごとに、審議会の最後の決定の後に変わったこと（シートの項目名ごとに、前後の値、項目の追加と削除、欄の追加と削除）を表示します。決定は meetings/ の会議ファイルから、決定したときの内容は git の履歴から読みます。終了コード: 0 表示した（決定がない、git のリポジトリの外なども 0）、2 ケースファイルでない・読み込めない。"""
    from ..lint.config import ConfigResolver
    from ..lint.history import changes_since_decision
    from ..reporters.changes import WRITERS

    reports, problems = changes_since_decision(paths, ConfigResolver(config))
    for problem in problems:
        _warn(problem)
    if problems:
        return EXIT_USAGE
    WRITERS[output_format](sys.stdout, reports)
    return EXIT_OK


def _report_formats() -> Sequence[str]:
    from ..register.output import FORMATS

    return FORMATS


def _view_names() -> Sequence[str]:
    from ..register.views import VIEW_NAMES

    return VIEW_NAMES


@command
def report(
    paths: Paths,
    output: Annotated[
        Path | None,
        _output_option(
            "ファイル",
            "出力先のファイル（省略すると標準出力）。拡張子 .csv / .xlsx / .html / .json / .txt が形式を決めます",
        ),
    ] = None,
    output_format: Annotated[
        str | None,
        _format_option(
            _report_formats, "出力形式: table, csv, xlsx, html, json（既定: 出力先のファイルの拡張子から、なければ table）"
        ),
    ] = None,
    year: Annotated[
        str | None,
        typer.Option("--year", metavar="年度", help="その年度（4月から翌年3月）の案件だけを載せます（例: 令和4年度）", show_default=False),
    ] = None,
    view: Annotated[
        str | None,
        typer.Option(
            "--view",
            metavar="ビュー",
            callback=_choice(_view_names),
            autocompletion=_view_names,
            help="table で表示するビュー: 一覧, 相手方別, 項目別, 運用状況（既定: 一覧）",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="検査エラーのあるファイルも載せ、その行の「検査エラー」の列に「あり」と付けます")
    ] = False,
    config: ConfigFile = None,
) -> int:
    """ケースファイルと会議ファイルを検査し、案件の台帳（案件・区分・項目ごとの一覧と、相手方別・項目別・運用状況）を表、CSV、Excel、HTML、JSON で出力します。終了コード: 0 すべてを載せた、1 検査エラーのあるファイルを載せなかった、2 使い方や読み込みの問題（何も出力しません）。"""
    from ..lint.config import ConfigResolver
    from ..register.output import check_output, choose_format, sorts_again, write
    from ..register.reading import gather
    from ..register.store import Store
    from ..register.views import Register, heading, read_year, scope

    chosen = choose_format(output, output_format)
    check_output(chosen, output, view=view, terminal=sys.stdout.isatty())
    fiscal_year = read_year(year)
    resolver = ConfigResolver(config)
    missing: list[str] = []

    def tell_missing(message: str) -> None:
        missing.append(message)
        _warn(message)

    store = Store(views=sorts_again(chosen, view))
    try:
        tally = gather(paths, resolver, store, force=force, notify=_tell, missing=tell_missing)
        if missing:
            return EXIT_USAGE
        tally.check()
        register = Register(store, year=fiscal_year, forced=force)
        council = resolver.loaded()[0].config.council
        cases = register.count()
        write(register, chosen, output, view=view, heading=heading(council), scope=scope(fiscal_year, cases))
    finally:
        store.close()
    for line in tally.summary(output, cases):
        _warn(line)
    return EXIT_OK if tally.complete else EXIT_FINDINGS


# --- Shell completion: Typer's own options, their help and their messages in Japanese.

_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def _shell() -> str:
    import shellingham

    try:
        name = str(shellingham.detect_shell()[0])
    except shellingham.ShellDetectionFailure:
        name = Path(os.environ.get("SHELL", "")).name
    if name not in _SHELLS:
        raise ShingikaiError(f"このシェル（{name or '不明'}）の補完には対応していません（{', '.join(_SHELLS)}）")
    return name


def _install_completion(ctx: typer.Context, param: Any, value: Any) -> None:
    if not value or ctx.resilient_parsing:
        return
    import typer.completion

    shell, path = typer.completion.install(shell=_shell(), prog_name=PROGRAM)
    typer.echo(f"{shell} の補完を {path} に設定しました。新しく開いた端末から使えます")
    raise typer.Exit(EXIT_OK)


def _show_completion(ctx: typer.Context, param: Any, value: Any) -> None:
    if not value or ctx.resilient_parsing:
        return
    import typer.completion

    script = typer.completion.get_completion_script(
        prog_name=PROGRAM, complete_var=f"_{PROGRAM.upper()}_COMPLETE", shell=_shell()
    )
    typer.echo(script)
    raise typer.Exit(EXIT_OK)


_COMPLETION_OPTIONS = {
    "install_completion": ("使っているシェルに shingikai の補完を設定します", _install_completion),
    "show_completion": ("使っているシェルの補完のスクリプトを表示します（設定を自分で書くとき）", _show_completion),
}


def command_line() -> Any:
    """The click command of the app, its completion options said in Japanese."""
    group = typer.main.get_command(app)
    for param in group.params:
        if param.name in _COMPLETION_OPTIONS:
            param.help, param.callback = _COMPLETION_OPTIONS[param.name]
    return group


def main(argv: Sequence[str] | None = None) -> NoReturn:
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        code = command_line().main(args=arguments, prog_name=PROGRAM, standalone_mode=False)
    except UsageProblem as error:
        _warn(f"{error}。`{error.command_path} --help` で使い方を表示します")
        code = EXIT_USAGE
    except ShingikaiError as error:
        _warn(str(error))
        code = EXIT_USAGE
    except Blocked as error:
        _warn(str(error))
        code = EXIT_FINDINGS
    except _PipeClosed:
        # As Python's documentation of SIGPIPE recommends: what is still buffered for
        # stdout goes to devnull, so that the flush at exit does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_BROKEN_PIPE
    sys.exit(code if isinstance(code, int) else EXIT_OK)
