"""Stage 7b: sheets (sheet.py's view model) through templates to HTML or Markdown files.

Templates come from the package (`shingikai/templates`, shipped in the wheel) and, first,
from `--templates DIR` when a city overrides some of them. Both formats render in a
`SandboxedEnvironment`: user text is only ever data, never template source.

HTML (`*.html.j2`): autoescape is on, so every value is HTML-escaped unless a template
marks it safe (ours never do).

Markdown (`*.md.j2`): autoescape is off, and every value printed with `{{ … }}` must go
through the `md` filter, which escapes Markdown's inline syntax and HTML (`\\`, `` ` ``,
`*`, `_`, `[`, `]`, `<`, `>`, `|`, `&`, `#`, `~`, `$`) and turns the lines and paragraphs
of a `Text` into `<br>` and `<br><br>`, so that any value is safe in one GFM table cell
or a heading. Values are only ever printed in those inline places, never at the start
of a line, so block syntax (`-`, `1.`, `>` …) cannot begin there and needs no escape.

Forgetting the filter is not silent: the environment's `finalize` refuses
any printed value that is not the filter's output, and the render fails with the
template's name. Hence Markdown templates print nothing but `{{ value|md }}` (or
`{{ marks|marks }}`, a row of checkboxes escaped the same way) and call macros, if they
have any, with `{% call %}` (whose output is not a printed value).

Outputs are rendered fully in memory, then written: a file atomically (a temporary file
in the same directory, then a rename), stdout in one write.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .config import LoadedConfig
from .errors import Blocked, InputError, RenderError, os_reason
from .files import write_whole
from .findings import Severity
from .linter import Job, inspect, repository_root
from .model import Case
from .reporters import plain_line
from .sheet import Index, Mark, Sheet, Text, build_index, build_sheet

FORMATS: Final = ("html", "md")
INDEX_STEM: Final = "index"


class MarkdownText(str):
    """Text the `md` filter has made safe for Markdown."""


# Markdown's inline syntax, HTML and GitHub's math: a backslash makes each a literal.
_MD_SPECIAL: Final = re.compile(r"([\\`*_\[\]<>#|&~$])")
_LINE_BREAK: Final = re.compile(r"[\r\n]+")


def md_escape(value: Any) -> MarkdownText:
    """A value as inline Markdown text: a `Text` keeps its line breaks as `<br>`."""
    if isinstance(value, MarkdownText):
        return value
    if isinstance(value, Text):
        paragraphs = ("<br>".join(_md_line(line) for line in lines) for lines in value.paragraphs)
        return MarkdownText("<br><br>".join(paragraphs))
    return MarkdownText(_md_line(str(value)))


def _md_line(line: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", _LINE_BREAK.sub(" ", line))


def md_marks(marks: Iterable[Mark]) -> MarkdownText:
    """Checkbox marks in one line: ■外部提供 □結合."""
    return MarkdownText(" ".join(md_escape(mark.box) + md_escape(mark.label) for mark in marks))


def _require_md(value: Any) -> Any:
    if isinstance(value, MarkdownText | int):
        return value
    raise jinja2.TemplateRuntimeError(
        f"Markdown のテンプレートで md フィルタを通さずに値を出力しています（値: {str(value)[:40]!r}）。"
        "{{ 値|md }} と書いてください"
    )


def _loader(templates: Path | None) -> jinja2.BaseLoader:
    shipped = jinja2.FileSystemLoader(str(files("shingikai") / "templates"))
    if templates is None:
        return shipped
    if not templates.is_dir():
        raise RenderError(f"--templates のディレクトリ {templates} がありません")
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(templates)), shipped])


def _environment(output_format: str, templates: Path | None) -> SandboxedEnvironment:
    loader = _loader(templates)
    options: dict[str, Any] = {
        "loader": loader,
        "undefined": jinja2.StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    if output_format == "md":
        environment = SandboxedEnvironment(autoescape=False, finalize=_require_md, **options)
        environment.filters["md"] = md_escape
        environment.filters["marks"] = md_marks
    else:
        environment = SandboxedEnvironment(autoescape=True, **options)
    return environment


def _template_line(error: Exception) -> str:
    """「file の N 行目: 」 of the template line that failed (Jinja gives the traceback frames
    of templates their source file and line), or "" when no template frame is found."""
    where = ""
    frame = error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename.endswith(".j2"):
            where = f"{frame.tb_frame.f_code.co_filename} の {frame.tb_lineno} 行目: "
        frame = frame.tb_next
    return where


class Renderer:
    """One output format's templates: a sheet or the index to text."""

    def __init__(self, output_format: str, templates: Path | None) -> None:
        self.format = output_format
        self._environment = _environment(output_format, templates)

    def sheet(self, sheet: Sheet) -> str:
        return self._render(f"sheet.{self.format}.j2", sheet=sheet)

    def index(self, index: Index) -> str:
        return self._render(f"index.{self.format}.j2", index=index)

    def _render(self, name: str, **context: Any) -> str:
        try:
            return self._environment.get_template(name).render(**context)
        except jinja2.TemplateNotFound as error:
            raise RenderError(f"テンプレート {error.name} が見つかりません") from error
        except jinja2.TemplateSyntaxError as error:
            where = f"{error.filename or error.name}:{error.lineno}"
            raise RenderError(f"テンプレート {where} の書き方が正しくありません（{error.message}）") from error
        except jinja2.TemplateError as error:
            detail = error.message
            if isinstance(error, jinja2.UndefinedError):
                detail = f"ない値を使っています: {detail}"
            raise RenderError(f"テンプレート {name} を出力できません（{_template_line(error)}{detail}）") from error

    def file_name(self, stem: str) -> str:
        return f"{stem}.{self.format}"


@dataclass(frozen=True, slots=True)
class Destination:
    """Where the outputs go: stdout (`path` None), one file, or a directory of files."""

    path: Path | None
    directory: bool

    @classmethod
    def choose(cls, inputs: list[Path], output: Path | None) -> Destination:
        several = len(inputs) > 1 or any(path.is_dir() for path in inputs)
        if output is None:
            if several:
                raise RenderError("複数のファイルやディレクトリを出力するには -o DIR で出力先のディレクトリを指定してください")
            return cls(None, directory=False)
        if output.is_dir():
            return cls(output, directory=True)
        if several:
            if output.exists():
                raise RenderError(f"出力先 {output} はディレクトリではありません。複数のシートの出力先にはディレクトリを指定してください")
            return cls(output, directory=True)
        return cls(output, directory=False)

    @property
    def link_base(self) -> Path:
        """The directory the outputs' relative links start from."""
        if self.path is None:
            return Path.cwd()
        return self.path if self.directory else self.path.parent

    def target(self, name: str) -> Path:
        """The file `name` inside the output directory; never anywhere else."""
        assert self.path is not None and self.directory
        target = self.path / name
        # A link already standing at the target would carry the output elsewhere.
        if target.resolve().parent != self.path.resolve():
            raise RenderError(f"出力ファイル {name} が出力先 {self.path} の外を指すため書き出しません")
        return target

    def prepare(self) -> None:
        """Create the output directory (or the output file's directory)."""
        if self.path is None:
            return
        directory = self.link_base
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise RenderError(f"出力先のディレクトリ {directory} を作れません（{os_reason(error)}）") from error


def write_atomic(target: Path, text: str) -> None:
    """Write `text` to `target` whole, replacing what was there."""
    try:
        write_whole(target, text, replace=True)
    except OSError as error:
        raise RenderError(f"{target} に書き出せません（{os_reason(error)}）") from error


def write_stdout(text: str) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


@dataclass(frozen=True, slots=True)
class Publishable:
    """A linted case that may be rendered, with the findings its banner lists (if forced)."""

    path: Path
    config: LoadedConfig
    case: Case
    findings: tuple[str, ...] = ()


def admit(jobs: Iterable[Job], *, force: bool, notify: Callable[[str], None]) -> list[Publishable]:
    """Lint each case; those without errors (with `force`, all that could be read) may
    be rendered. Every finding is shown through `notify`; nothing is rendered unless all are."""
    cases: list[Publishable] = []
    unreadable = blocked = False
    for job in jobs:
        inspection = inspect(job)
        result = inspection.result
        if result.error is not None:
            notify(result.error)
            unreadable = True
            continue
        lines = tuple(plain_line(finding) for finding in result.findings)
        for line in lines:
            notify(line)
        has_errors = any(finding.severity is Severity.ERROR for finding in result.findings)
        if inspection.case is None:
            notify(f"{job.path}: ケースとして読み取れないため、シートにできません（--force でも出力できません）")
            blocked = True
        elif has_errors and not force:
            blocked = True
        else:
            cases.append(Publishable(Path(job.path), job.config, inspection.case, lines if has_errors else ()))
    if unreadable:
        raise InputError("読み込めないファイルがあるため、何も出力しませんでした")
    if blocked and force:
        # Only a case that could not be read at all blocks a forced render.
        raise Blocked("シートにできないケースがあるため、何も出力しませんでした（上のエラーを直してください）")
    if blocked:
        raise Blocked("検査エラーのあるケースがあるため、何も出力しませんでした（エラーを直すか、--force でエラーの一覧を載せて出力します）")
    return cases


def publish(renderer: Renderer, destination: Destination, cases: list[Publishable]) -> None:
    """Render every case (and, into a directory, the index) in memory, then write them."""
    names = [renderer.file_name(case.path.stem) for case in cases]
    index_name = renderer.file_name(INDEX_STEM)
    if destination.directory:
        _check_names(cases, names, index_name)
    sheets = [
        build_sheet(
            case.case,
            case.config.config,
            case_file=case.path,
            repository_root=repository_root(str(case.path.resolve().parent), case.config.root),
            output_dir=destination.link_base,
            findings=case.findings,
        )
        for case in cases
    ]
    texts = [renderer.sheet(sheet) for sheet in sheets]
    if not destination.directory:
        if destination.path is None:
            write_stdout(texts[0])
        else:
            destination.prepare()
            write_atomic(destination.path, texts[0])
        return
    index = build_index(cases[0].config.config.council, [(sheet, quote(name)) for sheet, name in zip(sheets, names)])
    outputs = [*zip(names, texts), (index_name, renderer.index(index))]
    destination.prepare()
    # Every target is checked before the first is written: all or nothing.
    targets = [destination.target(name) for name, _ in outputs]
    for target, (_, text) in zip(targets, outputs):
        write_atomic(target, text)


def _check_names(cases: list[Publishable], names: list[str], index_name: str) -> None:
    """Each case needs its own output file, distinct from the index."""
    first: dict[str, Path] = {}
    for case, name in zip(cases, names):
        if name == index_name:
            raise RenderError(f"{case.path}: 出力ファイル名 {name} は一覧（index）と重なります。ケースファイルの名前を変えてください")
        if name in first:
            raise RenderError(f"{first[name]} と {case.path} の出力ファイル名が同じ {name} になります。どちらかの名前を変えてください")
        first[name] = case.path
