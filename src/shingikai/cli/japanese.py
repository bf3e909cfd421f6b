"""Typer's command classes, saying everything in Japanese.

Typer (and the click it carries) write their help and usage errors in English. Rather
than rewrite that text, the command classes here use click's own extension points:
`format_usage`, `format_options` and `get_help_option` lay the help out with Japanese
headings and the help texts the commands give; `parse_args` and `resolve_command`
turn click's usage errors into `UsageProblem`s, worded from the exceptions' attributes
(the option's name, the parameter, the possibilities) and never from their messages;
`invoke` does the same for the options a stage below cannot carry out
(`UsageError`).
"""

import inspect
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from ..errors import UsageError
from ..suggest import nearest

HELP_OPTION_TEXT = "この説明を表示します"


class UsageProblem(Exception):
    """The command line does not parse; the message is Japanese and names the fix."""

    def __init__(self, command_path: str, message: str) -> None:
        super().__init__(message)
        self.command_path = command_path


def _names(param: Any) -> str:
    """`-f, --format`: short names first, as help lists them."""
    return ", ".join(sorted([*param.opts, *param.secondary_opts], key=lambda name: (name.startswith("--"), name)))


def _argument_name(param: Any) -> str:
    name = str(param.metavar or param.name)
    return name if param.nargs == 1 else f"{name}..."


def _hint(param: Any) -> str:
    """How a message names a parameter: its metavar for an argument, `--format/-f` for an option."""
    if param.param_type_name == "argument":
        return str(param.metavar or param.name)
    return "/".join(param.opts)


def _option_of(ctx: Any, name: str) -> Any:
    return next((p for p in ctx.command.get_params(ctx) if name in (*p.opts, *p.secondary_opts)), None)


def describe(error: typer.TyperException, ctx: Any) -> str:
    """A click usage error of the command of `ctx`, said in Japanese."""
    option_name = getattr(error, "option_name", None)
    param = getattr(error, "param", None)
    if hasattr(error, "possibilities"):
        known = [name for p in ctx.command.get_params(ctx) for name in p.opts if name.startswith("--")]
        suggestion = nearest(str(option_name), known)
        hint = f"（{suggestion} の誤りではありませんか）" if suggestion else ""
        return f"オプション {option_name} はありません{hint}"
    if option_name is not None:
        option = _option_of(ctx, option_name)
        name = _hint(option) if option is not None else option_name
        if option is not None and option.is_flag:
            return f"{name} は値をとりません"
        return f"{name} には値が必要です"
    if param is not None and hasattr(error, "param_type"):
        # パスを指定してください; --kind を指定してください
        space = "" if param.param_type_name == "argument" else " "
        return f"{_hint(param)}{space}を指定してください"
    if param is not None:
        return f"{_hint(param)} の値が正しくありません: {error.message}"
    return f"使い方が正しくありません（{error.message}）"


class _Japanese:
    """Help and usage errors of a command, in Japanese (mixed into Typer's classes)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """`[オプション] パス...`: an optional argument in brackets, a list of them with `...`."""
        pieces = [self.options_metavar] if self.options_metavar else []  # type: ignore[attr-defined]
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if param.param_type_name == "argument":
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="使い方: ")  # type: ignore[attr-defined]

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        # As written: click would re-wrap it at spaces, which Japanese text has few of.
        text = inspect.cleandoc(self.help or "")  # type: ignore[attr-defined]
        if text:
            formatter.write_paragraph()
            formatter.write("".join(f"  {line}\n" if line else "\n" for line in text.splitlines()))

    def format_options(self, ctx: Any, formatter: Any) -> None:
        params = [p for p in self.get_params(ctx) if not getattr(p, "hidden", False)]  # type: ignore[attr-defined]
        arguments = [(_argument_name(p), p.help or "") for p in params if p.param_type_name == "argument"]
        options = [(_option_row(p), p.help or "") for p in params if p.param_type_name == "option"]
        for title, rows in (("引数", arguments), ("オプション", options), ("コマンド", list(self.command_rows(ctx)))):
            if rows:
                formatter.write_paragraph()
                formatter.write(f"{title}:\n" + _rows(rows))

    def command_rows(self, ctx: Any) -> Iterator[tuple[str, str]]:
        return iter(())

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc, no-any-return]
        except typer.TyperException as error:
            raise UsageProblem(ctx.command_path, describe(error, ctx)) from error


def _width(text: str) -> int:
    """Columns on a terminal: wide (Japanese) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# A name longer than this puts its help on the next line.
_NAME_COLUMN = 28


def _rows(rows: list[tuple[str, str]]) -> str:
    """Names and their help in two columns, aligned by display width."""
    column = min(max(_width(name) for name, _ in rows), _NAME_COLUMN)
    lines = []
    for name, text in rows:
        if _width(name) > column:
            lines += [f"  {name}", f"  {' ' * column}  {text}"]
        else:
            lines.append(f"  {name}{' ' * (column - _width(name))}  {text}")
    return "".join(line.rstrip() + "\n" for line in lines)


def _option_row(param: Any) -> str:
    names = _names(param)
    return names if param.is_flag or not param.metavar else f"{names} {param.metavar}"


class JapaneseCommand(_Japanese, TyperCommand):
    """A command: extra arguments are refused in Japanese (click would say it in English)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        if ctx.args:
            raise UsageProblem(ctx.command_path, f"余分な引数 {' '.join(ctx.args)} があります")
        return rest

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as error:
            raise UsageProblem(ctx.command_path, str(error)) from error


class JapaneseGroup(_Japanese, TyperGroup):
    """The top level: its commands listed with the first sentence of their help."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [*super().collect_usage_pieces(ctx), self.subcommand_metavar]

    def command_rows(self, ctx: Any) -> Iterator[tuple[str, str]]:
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                yield name, (command.help or "").split("。")[0]

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0]
        if name not in self.commands and not name.startswith("-"):
            suggestion = nearest(name, self.commands)
            hint = f"。「{suggestion}」の誤りではありませんか" if suggestion else ""
            choices = ", ".join(self.commands)
            raise UsageProblem(ctx.command_path, f"コマンド「{name}」はありません（選択肢: {choices}）{hint}")
        return super().resolve_command(ctx, args)


def one_of(choices: Sequence[str], value: str) -> str:
    """`value` if it is one of `choices`, else a Japanese `BadParameter` naming them."""
    if value not in choices:
        suggestion = nearest(value, choices)
        hint = f"。「{suggestion}」の誤りではありませんか" if suggestion else ""
        raise typer.BadParameter(f"「{value}」は選べません（選択肢: {', '.join(choices)}）{hint}")
    return value
