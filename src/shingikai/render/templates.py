"""Templates: sheets, agenda pages and indexes (the view models of sheet.py and
agenda.py) to HTML or Markdown text, and the HTML that typesetting.py prints.

Templates come from the package (`templates/` of the repository, shipped in the wheel)
and, first, from `--templates DIR` when a city overrides some of them. Both formats render
in a `SandboxedEnvironment`: user text is only ever data, never template source.

HTML (`*.html.j2`): autoescape is on, so every value is HTML-escaped unless a template
marks it safe (ours never do). The one value printed into CSS, the PDF's font, goes
through the `css_string` filter, which makes it one quoted CSS string (escaping quotes,
backslashes, line breaks and `<`, so it cannot end the string or the `<style>`).

PDF is printed from the HTML templates: `paged` (a `Paged`, None for a screen's HTML)
adds the print rules to the stylesheet, which is then left out of the page's `<style>`
and given to the printer apart (`stylesheet`), and `packet` (a meeting's `Packet`) makes
the agenda page the packet's cover and 次第; `frames` numbers the packet's other pages.
The format names the output, `.pdf`.

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
"""

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ..errors import RenderError
from ..resources import shipped_directory
from .agenda import AgendaPage
from .packet import Packet
from .sheet import Index, Mark, Sheet, Text

FORMATS: Final = ("html", "md", "pdf")
# The format an output file's name says it is in.
EXTENSIONS: Final = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".pdf": "pdf"}
# The templates a format is made from.
_TEMPLATES: Final = {"html": "html", "md": "md", "pdf": "html"}


@dataclass(frozen=True, slots=True)
class Paged:
    """What the HTML templates need to print to PDF."""

    # The Japanese font family every glyph is drawn from (typesetting.py checks it is installed).
    font: str
    # The document's author: the council.
    author: str
    # A sheet that is a part of a meeting's packet, whose pages the packet frames: the
    # running header and the page numbers are the packet's.
    framed: bool = False


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


# What may not stand unescaped in a CSS string inside <style>: its quote, the escape
# character, line breaks (which end a string), and `<` (which could close the element).
_CSS_SPECIAL: Final = re.compile(r'["\\\n\r\f<]')


def css_string(value: Any) -> Markup:
    """`value` as one double-quoted CSS string."""
    escaped = _CSS_SPECIAL.sub(lambda match: f"\\{ord(match.group()):x} ", str(value))
    return Markup(f'"{escaped}"')


def _require_md(value: Any) -> Any:
    if isinstance(value, MarkdownText | int):
        return value
    raise jinja2.TemplateRuntimeError(
        f"Markdown のテンプレートで md フィルタを通さずに値を出力しています（値: {str(value)[:40]!r}）。"
        "{{ 値|md }} と書いてください"
    )


def _loader(templates: Path | None) -> jinja2.BaseLoader:
    shipped = jinja2.FileSystemLoader(str(shipped_directory("templates")))
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
        environment.filters["css_string"] = css_string
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
    """One output format's templates: a sheet, a meeting's agenda page or an index to text
    (for PDF, the HTML that is printed)."""

    def __init__(self, output_format: str, templates: Path | None) -> None:
        self.format = output_format
        self._templates = _TEMPLATES[output_format]
        self._environment = _environment(self._templates, templates)

    def sheet(self, sheet: Sheet, paged: Paged | None = None) -> str:
        return self._render(f"sheet.{self._templates}.j2", sheet=sheet, paged=paged)

    def index(self, index: Index) -> str:
        return self._render(f"index.{self._templates}.j2", index=index, paged=None)

    def agenda(self, page: AgendaPage, paged: Paged | None = None, packet: Packet | None = None) -> str:
        return self._render(f"meeting.{self._templates}.j2", meeting=page, paged=paged, packet=packet)

    def stylesheet(self, paged: Paged) -> str:
        """The stylesheet the HTML printed with `paged` is printed with: the one a screen's
        page holds in its `<style>`, given to the printer apart."""
        return self._render("_style.css.j2", paged=paged)

    def frames(self, page: AgendaPage, paged: Paged, packet: Packet) -> str:
        """The packet's frames: the pages that number a sheet's or an attachment's pages."""
        return self._render("frames.html.j2", meeting=page, paged=paged, packet=packet)

    def stream(self, name: str, **context: Any) -> Iterator[str]:
        """The template `name` rendered a part at a time, for a page too long to hold (the
        register of every case); a template's error is raised as it is reached."""
        with _template_errors(name):
            yield from self._environment.get_template(name).generate(**context)

    def _render(self, name: str, **context: Any) -> str:
        with _template_errors(name):
            return self._environment.get_template(name).render(**context)

    def file_name(self, stem: str) -> str:
        return f"{stem}.{self.format}"


@contextmanager
def _template_errors(name: str) -> Iterator[None]:
    """Jinja's errors in rendering the template `name` as a Japanese RenderError."""
    try:
        yield
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
