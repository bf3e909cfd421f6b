"""The register as files an office opens as they are, and as a table on the terminal.

- csv: the long table, UTF-8 with a BOM (Excel on Windows reads anything else as
  Shift_JIS), CRLF line ends, RFC 4180 quoting, the Japanese column names as header. A
  cell that a spreadsheet would take for a formula (it begins with =, +, -, @, a tab or
  a carriage return) is written after an apostrophe, so that opening the file runs
  nothing.
- xlsx: a sheet per view, the header row frozen and repeated on printed pages, an
  autofilter over the whole table, each column as wide as its widest cell (a wide
  character counts two; at most MAX_WIDTH), A4 landscape.
- html: one self-contained page with the four views (templates/register.html.j2,
  rendered in the sandbox, autoescaped, like the sheets; the cells of a row escaped and
  made by `html_cells`, whose output the template places row by row; 項目別's made by a
  forked process while the views before it are written, from 200 cases: apart.py).
- json: the long table as an array of objects keyed by the column names.
- table: on a terminal, a rich table of the long table (or of the view asked for);
  elsewhere plain: a line per row, the cells separated by tabs, line breaks and tabs
  in a cell written as spaces.

Everything but the terminal's table is written to a temporary file first: to `-o` it
then takes the place of the file, to stdout it is copied; a failure leaves nothing.
"""

import io
import re
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from itertools import chain, islice
from json.encoder import encode_basestring
from pathlib import Path
from typing import IO, Any, BinaryIO, Final, NamedTuple

from markupsafe import escape

from ..errors import ShingikaiError, UsageError, os_reason
from ..files import whole_file
from .views import BY_COUNTERPART, BY_ITEM, DESCRIPTIONS, LISTING, Cell, Register, View

FORMATS: Final = ("table", "csv", "xlsx", "html", "json")
# The format an output file's name says it is in.
EXTENSIONS: Final = {".csv": "csv", ".xlsx": "xlsx", ".html": "html", ".htm": "html", ".json": "json", ".txt": "table"}
# The formats that hold every view; csv and json hold the long table.
ALL_VIEWS: Final = ("xlsx", "html")

# The html's column widths: the short values on one line, a few middling ones; the
# titles and the other parties share the rest of the page.
HTML_WIDTHS: Final = {
    "年度": "5.5em", "会議": "8em", "議題": "6.5em", "諮問・報告": "3em", "主管課": "7em", "区分": "6.5em",
    "項目": "5.5em", "通知": "4.5em", "会議の結果": "5em", "ファイル": "9em", "項目の分類": "5.5em",
    "検査エラー": "3.5em", "分類": "6em", "内訳": "8em",
}
# In Excel's unit (the width of a "0"): wide enough for about 30 kanji.
MAX_WIDTH: Final = 60
# A text cell holds at most this many characters in Excel.
EXCEL_CELL_LIMIT: Final = 32767
_FORMULA_START: Final = frozenset("=+-@\t\r")
_CSV_SPECIAL: Final = re.compile('[",\r\n]')
_PLAIN_SPACE: Final = re.compile(r"[\t\r\n]+")
_WIDE: Final = frozenset("WFA")
# The control characters that XML 1.0, and so an xlsx, cannot hold (openpyxl refuses them).
_ILLEGAL_IN_XLSX: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What HTML escaping changes (markupsafe's `escape`, which autoescape uses): & < > " '.
_HTML_SPECIAL: Final = re.compile("[&<>\"']")
# How many escaped values the html keeps for reuse (html_cells).
_ESCAPED_KEPT: Final = 4096


def choose_format(output: Path | None, requested: str | None) -> str:
    """The register's format: `requested` (--format), else the one the extension of the
    file `output` (-o) names, else the table. A usage error when the extension names no
    format and none is asked for, or names another than the one asked for."""
    suffix = "" if output is None else output.suffix
    inferred = None if output is None else EXTENSIONS.get(suffix.lower())
    if output is not None and requested is None and inferred is None:
        raise UsageError(
            f"出力先 {output} の拡張子から形式がわかりません（{'、'.join(EXTENSIONS)} のどれか）。--format で形式を指定してください"
        )
    if requested is not None and inferred is not None and requested != inferred:
        raise UsageError(
            f"--format {requested} と出力先 {output} の拡張子（{suffix}、{inferred}）が食い違っています。"
            "どちらかを直すか、--format を省いて拡張子に任せてください"
        )
    return requested or inferred or "table"


def check_output(output_format: str, output: Path | None, *, view: str | None, terminal: bool) -> None:
    """A usage error when the register cannot be written so: a view (--view) chosen for
    another format than the table, which holds one view (xlsx and html hold them all, csv
    and json the long table); an xlsx to stdout that is a terminal (`terminal`)."""
    if view is not None and output_format != "table":
        holds = "すべてのビューが入ります）" if output_format in ALL_VIEWS else "一覧が入ります）"
        raise UsageError(f"--view は table の形式でだけ使えます（{output_format} には" + holds)
    if output_format == "xlsx" and output is None and terminal:
        raise UsageError("xlsx は端末には出力できません。-o で出力先のファイルを指定してください（例: -o register.xlsx）")


def sorts_again(output_format: str, view: str | None) -> bool:
    """Whether the output has 相手方別 or 項目別, the views that sort the long table again
    (the store then keeps their rows as the cases come: `Store(views=True)`)."""
    return output_format in ALL_VIEWS or view in (BY_COUNTERPART, BY_ITEM)


def write(
    register: Register,
    output_format: str,
    output: Path | None,
    *,
    view: str | None,
    heading: str,
    scope: str,
) -> None:
    """Write the register in `output_format` to the file `output`, or to stdout."""
    if output_format == "table" and output is None and sys.stdout.isatty():
        _rich_table(register.view(view or LISTING))
        return
    writer = _writer(register, output_format, view=view, heading=heading, scope=scope)
    if output is None:
        with _temporary_file() as temporary:
            try:
                writer(temporary)
            except OSError as error:
                raise ShingikaiError(f"台帳を一時ファイルに書けません（{os_reason(error)}）") from error
            temporary.seek(0)
            # A reader gone from the pipe is the CLI's to tell (BrokenPipeError), not ours.
            sys.stdout.flush()
            shutil.copyfileobj(temporary, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with whole_file(output, replace=True) as stream:
            writer(stream)
    except IsADirectoryError as error:
        raise ShingikaiError(f"出力先 {output} はディレクトリです。台帳のファイル名を指定してください") from error
    except OSError as error:
        raise ShingikaiError(f"{output} に書き出せません（{os_reason(error)}）") from error


def _temporary_file() -> BinaryIO:
    try:
        return tempfile.TemporaryFile()
    except OSError as error:
        raise ShingikaiError(f"台帳の一時ファイルを作れません（{os_reason(error)}）") from error


def _writer(register: Register, output_format: str, *, view: str | None, heading: str, scope: str) -> Callable[[BinaryIO], None]:
    if output_format == "csv":
        return lambda stream: _csv(register.view(LISTING), stream)
    if output_format == "json":
        return lambda stream: _json(register.view(LISTING), stream)
    if output_format == "xlsx":
        return lambda stream: _xlsx(register.views(), stream)
    if output_format == "html":
        return lambda stream: _html(register, stream, heading=heading, scope=scope)
    return lambda stream: _plain(register.view(view or LISTING), stream)


def _text(stream: BinaryIO, write: Callable[[IO[str]], None]) -> None:
    """`write` text to the binary `stream` as UTF-8, line ends as written."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    try:
        write(text)
    finally:
        # The stream stays its owner's to close: the wrapper lets go of it (and flushes).
        text.detach()


def _csv(view: View, stream: BinaryIO) -> None:
    def write(text: IO[str]) -> None:
        text.write("\ufeff" + ",".join(map(_csv_field, view.columns)) + "\r\n")
        # The rows of one case share most of their cells (the same objects): each cell is
        # quoted when it differs from the one above it (the csv module would quote each).
        above: tuple[Cell, ...] = ()
        fields = [""] * len(view.columns)
        for row in view.rows():
            for index, cell in enumerate(row):
                if index >= len(above) or cell is not above[index]:
                    fields[index] = _csv_field(str(cell))
            above = row
            text.write(",".join(fields) + "\r\n")

    _text(stream, write)


def _csv_field(cell: str) -> str:
    """A field as RFC 4180 writes it (quoted, its quotes doubled, when it holds a quote, a
    comma or a line break), read by a spreadsheet as the text it is, never as a formula."""
    if cell[:1] in _FORMULA_START:
        cell = "'" + cell
    if _CSV_SPECIAL.search(cell):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _json(view: View, stream: BinaryIO) -> None:
    keys = [encode_basestring(column) + ": " for column in view.columns]

    def write(text: IO[str]) -> None:
        separator = "[\n"
        # The rows of one case share most of their cells (the same objects): each cell is
        # encoded when it differs from the one above it.
        above: tuple[Cell, ...] = ()
        encoded = [""] * len(keys)
        for row in view.rows():
            for index, cell in enumerate(row):
                if index >= len(above) or cell is not above[index]:
                    encoded[index] = keys[index] + encode_basestring(str(cell))
            above = row
            text.write(separator + "{" + ", ".join(encoded) + "}")
            separator = ",\n"
        text.write("[]\n" if separator == "[\n" else "\n]\n")

    _text(stream, write)


def _plain(view: View, stream: BinaryIO) -> None:
    def write(text: IO[str]) -> None:
        for row in chain([view.columns], view.rows()):
            text.write("\t".join(_PLAIN_SPACE.sub(" ", str(cell)) for cell in row) + "\n")

    _text(stream, write)


def _rich_table(view: View) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=view.name, highlight=False)
    for index, column in enumerate(view.columns):
        table.add_column(column, justify="right" if index >= view.labels else "left")
    for row in view.rows():
        # Text, not str: a title with [brackets] is never read as rich's markup.
        table.add_row(*(Text(str(cell)) for cell in row))
    Console(highlight=False).print(table)


def html_cells(rows: Iterable[tuple[Cell, ...]]) -> Iterator["Cells"]:
    """Each row's cells as the html's table cells, `<td>…</td>` each, every value escaped
    as the template's autoescape escapes it (markupsafe's `escape`): the template places
    each row's cells in its own row markup (`<tr>{{ cells }}</tr>`).

    Why not `{% for cell in row %}<td>{{ cell }}</td>{% endfor %}` in the template: the
    register of 10,000 cases has 1.8 million cells, and Jinja escapes each one into a new
    Markup and yields three pieces for it through three generators, ≈ 1.5 µs a cell,
    which alone took the html past the time the issue allows (bench/README.md, "The
    register"). Here a row is one piece, and a value is escaped once while it recurs
    (the rows of a case share its cells; 区分, 項目, 年度 and the like recur throughout).
    """
    return map(Cells, _cell_texts(rows))


def _cell_texts(rows: Iterable[tuple[Cell, ...]]) -> Iterator[str]:
    """html_cells as plain strings (what a forked process hands over: `apart`)."""
    escaped = _Escaped()
    cell = escaped.__getitem__
    for row in rows:
        # Each value escaped (`_Escaped`); the tags are this function's own.
        yield f"<td>{'</td><td>'.join(map(cell, row))}</td>"


class Cells(str):
    """A row's cells as `html_cells` makes them: HTML already, which autoescape prints as it
    is (`__html__`, the protocol Markup follows). Not a Markup, which would be made twice
    for each row (here, then again by autoescape's `escape`, ≈ 0.4 µs more a row of the
    185,000 of 10,000 cases)."""

    __slots__ = ()
    __html__ = str.__str__


class _Escaped(dict[Cell, str]):
    """Values as HTML-escaped text, each escaped when first asked for and kept until a few
    thousand are kept (then they are let go, so that memory stays flat)."""

    def __missing__(self, value: Cell) -> str:
        if len(self) >= _ESCAPED_KEPT:
            self.clear()
        text = str(value)
        self[value] = escaped = str(escape(text)) if _HTML_SPECIAL.search(text) else text
        return escaped


class HtmlView(NamedTuple):
    """A view as the html's template places it: its name, columns and how many of them are
    labels (View), and its rows' cells as `html_cells` makes them."""

    name: str
    columns: tuple[str, ...]
    labels: int
    cells: Callable[[], Iterator[Cells]]


def _cells_of(view: View, made: Callable[[], Iterator[str]] | None) -> Callable[[], Iterator[Cells]]:
    """The cells of `view`'s rows: html_cells of them, or the texts another process `made`."""
    if made is not None:
        return lambda: map(Cells, made())
    return lambda: html_cells(view.rows())


def _html(register: Register, stream: BinaryIO, *, heading: str, scope: str) -> None:
    from ..lint.pipeline import PARALLEL_THRESHOLD
    from ..render.templates import Renderer
    from .apart import apart

    forced = ""
    if register.forced:
        forced = "「検査エラー」の列に「あり」とある行は、検査エラーのあるファイルから --force で載せたものです。"
    # 項目別, the largest view after 一覧 and the last but one of the page, is made by a
    # process of its own while this one writes the views before it: for 10,000 cases ≈ 0.4 s
    # of the ≈ 1 s the page takes in one process (bench/README.md, "The register").
    forked = register.count() >= PARALLEL_THRESHOLD
    reading = register.reader
    by_item = apart(lambda: _cell_texts(reading().view(BY_ITEM).rows()), "台帳の html の項目別を作れません") if forked else nullcontext()

    def write(text: IO[str]) -> None:
        with by_item as item_texts:
            views = [
                HtmlView(view.name, view.columns, view.labels, _cells_of(view, item_texts if view.name == BY_ITEM else None))
                for view in register.views()
            ]
            page = {
                "heading": heading,
                "scope": scope,
                "forced": forced,
                "views": views,
                "descriptions": DESCRIPTIONS,
                "widths": HTML_WIDTHS,
                "empty": "該当する行はありません。",
            }
            parts = Renderer("html", None).stream("register.html.j2", page=page)
            # The template yields every row in three pieces: written a few hundred rows at
            # a time (a row of Japanese text is ≈ 1 KB as str, and as much again encoded).
            for pieces in iter(lambda: list(islice(parts, 1024)), []):
                text.write("".join(pieces))

    _text(stream, write)


def display_width(text: str) -> int:
    """How many columns `text` takes in a Japanese font: wide and ambiguous characters two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(character) in _WIDE else 1 for character in text)


def fitted_widths(columns: Iterable[str], rows: Iterable[Iterable[Cell]]) -> list[int]:
    """Each column's width: its widest line (the header's too) and a margin, at most MAX_WIDTH."""
    widths = [display_width(column) for column in columns]
    for row in rows:
        for index, cell in enumerate(row):
            text = str(cell)
            # A text cannot be wider than twice its length: most cells need no count.
            if 2 * len(text) > widths[index] and widths[index] < MAX_WIDTH:
                widths[index] = max(widths[index], *(display_width(line) for line in text.split("\n")))
    return [min(width + 2, MAX_WIDTH) for width in widths]


def _xlsx(views: Iterable[View], stream: BinaryIO) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook(write_only=True)
    for view in views:
        sheet: Any = workbook.create_sheet(view.name)
        # What a write-only sheet writes before its rows: widths, panes, page setup.
        for index, width in enumerate(fitted_widths(view.columns, view.rows()), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        sheet.print_title_rows = "1:1"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        sheet.append([_xlsx_cell(sheet, column, Font(bold=True)) for column in view.columns])
        count = 0
        for row in view.rows():
            sheet.append([_xlsx_value(sheet, cell) for cell in row])
            count += 1
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(view.columns))}{count + 1}"
    workbook.save(stream)


def _xlsx_value(sheet: Any, value: Cell) -> Any:
    """What a cell of the sheet holds: nothing for an empty text, a number as a number."""
    if value == "":
        return None
    if isinstance(value, str) and (value[0] == "=" or len(value) > EXCEL_CELL_LIMIT or _ILLEGAL_IN_XLSX.search(value)):
        return _xlsx_cell(sheet, value)
    return value


def _xlsx_cell(sheet: Any, text: str, font: Any = None) -> Any:
    """A text cell, whatever it begins with (openpyxl takes "=…" for a formula), without
    the control characters the format cannot hold, within Excel's limit."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, _ILLEGAL_IN_XLSX.sub("\ufffd", text[:EXCEL_CELL_LIMIT]))
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell
