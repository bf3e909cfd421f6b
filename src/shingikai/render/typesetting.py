"""Stage 7c: typeset. HTML from the templates to PDF pages with WeasyPrint, in processes
that start before the files are checked.

- **Fonts.** Every glyph must come from an embedded Japanese font: before anything is
  typeset, fontconfig (the font library WeasyPrint's Pango draws with, through the same
  configuration) is asked for the fonts that cover Japanese; the configured `pdf_font`,
  else the first installed of `PREFERRED_FONTS`, else the first found, is the print
  stylesheet's only family. With none, the render stops, naming the package to install.
- **Nothing is fetched.** The templates load nothing; WeasyPrint is given a fetcher that
  refuses every URL, so that no text of a case can make it read a file or the network.
- **The typesetting processes** (`Typesetter`) are forked as a render starts, before this
  module's caller has imported pypdf (pdf.py) or checked a file: WeasyPrint takes them
  0.4 s to import and a Japanese font more to open, while the main process goes on. A
  sheet costs WeasyPrint 0.1–0.3 s; a packet's sheets are typeset in runs of consecutive
  sheets, one a process (`runs`), each run one PDF, so that it embeds one subset of each font.
- **The stylesheet** is given to WeasyPrint apart from the HTML, parsed once in each
  process: parsing it in each sheet cost 10 ms of a sheet's 200. One font configuration
  serves every document of a process.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import shutil
import subprocess
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, TypeVar

from ..errors import RenderError
from .templates import css_string

PREFERRED_FONTS: Final = (
    "IPAexMincho",
    "IPAMincho",
    "Noto Serif CJK JP",
    "IPAexGothic",
    "IPAGothic",
    "Noto Sans CJK JP",
)
INSTALL_FONT: Final = "Debian・Ubuntu では `sudo apt-get install fonts-ipaexfont`（または fonts-noto-cjk）で入れてください"
INSTALL_PANGO: Final = (
    "Debian・Ubuntu では `sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0` で入れてください"
)


def japanese_fonts() -> list[str]:
    """The families fontconfig has that cover Japanese, each with all its names
    (`IPAexMincho,IPAex明朝`), in fontconfig's order."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise RenderError(f"PDF の出力に必要な fontconfig（fc-list）が見つかりません。{INSTALL_PANGO}")
    try:
        listed = subprocess.run(
            [fc_list, ":lang=ja", "family"], capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise RenderError(f"フォントの一覧（fc-list）を得られません（{error}）") from error
    return [line.strip() for line in listed.stdout.splitlines() if line.strip()]


def choose_font(configured: str, installed: Sequence[str]) -> str:
    """The family to print with: `configured` if it is installed, else the first installed
    of PREFERRED_FONTS, else the first installed."""
    names = {name.strip().casefold(): family.split(",")[0].strip() for family in installed for name in family.split(",")}
    if configured:
        if configured.strip().casefold() not in names:
            found = "、".join(sorted({family.split(",")[0].strip() for family in installed})) or "なし"
            raise RenderError(
                f"設定の pdf_font「{configured}」は、日本語を表示できるフォントとして見つかりません"
                f"（見つかった日本語のフォント: {found}）。フォントを入れるか、pdf_font を直してください。{INSTALL_FONT}"
            )
        return names[configured.strip().casefold()]
    for preferred in PREFERRED_FONTS:
        if preferred.casefold() in names:
            return names[preferred.casefold()]
    if not installed:
        raise RenderError(f"日本語のフォントが見つからないため、PDF を出力できません（文字が空白の四角になります）。{INSTALL_FONT}")
    return installed[0].split(",")[0].strip()


def _weasyprint() -> Any:
    """WeasyPrint, or why it cannot run: it draws text with Pango, a system library."""
    try:
        # Without fonts it warns in English as it is imported; the font check says so in
        # Japanese, and stops.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            import weasyprint
    except OSError as error:
        raise RenderError(f"PDF の出力に必要なライブラリ（Pango）が見つかりません。{INSTALL_PANGO}（{error}）") from error
    return weasyprint


def _no_fetching() -> Any:
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):  # type: ignore[misc]
        """A sheet is self-contained: any URL in one is refused, never read."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"shingikai does not fetch {url}")

    return NoFetching()


@dataclass(frozen=True)
class Printable:
    """A document to typeset: its HTML, the stylesheet it is printed with, and whether its
    pages are wanted (`kept`) or only counted."""

    html: str
    stylesheet: str = ""
    kept: bool = True


@functools.cache
def _fonts() -> Any:
    """The process's one font configuration: with it, Pango keeps the fonts it has opened
    and measured from one document to the next (a new one for each cost 15 % of a sheet)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.lru_cache(maxsize=8)
def _stylesheet(text: str) -> Any:
    return _weasyprint().CSS(string=text, url_fetcher=_no_fetching(), font_config=_fonts())


def _document(printable: Printable) -> Any:
    weasyprint = _weasyprint()
    stylesheets = [_stylesheet(printable.stylesheet)] if printable.stylesheet else None
    return weasyprint.HTML(string=printable.html, url_fetcher=_no_fetching()).render(stylesheets=stylesheets, font_config=_fonts())


def typeset(printables: Sequence[Printable]) -> tuple[bytes, tuple[int, ...]]:
    """The kept documents as the pages of one PDF (so that they share one subset of each
    font; empty when none is kept), and how many pages each document has."""
    documents = [_document(printable) for printable in printables]
    pages = [page for printable, document in zip(printables, documents) if printable.kept for page in document.pages]
    pdf: bytes = documents[0].copy(pages).write_pdf() if pages else b""
    return pdf, tuple(len(document.pages) for document in documents)


T = TypeVar("T")
R = TypeVar("R")


class Typesetter:
    """Typesetting for one render: in this process, or over `processes` processes (at most
    one a core), started at once: they load WeasyPrint and lay out a line of Japanese while
    this process checks the files. With processes, every document is typeset in them (the
    fronts and frames too), so that this process never loads WeasyPrint nor starts Pango."""

    def __init__(self, *, processes: int) -> None:
        self.workers = max(1, min(processes, os.cpu_count() or 1))
        self._fonts: list[str] | None = None
        self._pool: Executor | None = None
        if processes > 0:
            # Forked, a worker starts with shingikai imported; WeasyPrint it loads itself.
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_warm_up)
            # The pool starts its processes with the first job.
            self._pool.submit(len, ())

    def font(self, configured: str) -> str:
        if self._fonts is None:
            self._fonts = japanese_fonts()
        return choose_font(configured, self._fonts)

    def map(self, function: Callable[[T], R], jobs: Sequence[T]) -> list[R]:
        """`function` of each job, in order."""
        if self._pool is None:
            return [function(job) for job in jobs]
        return list(self._pool.map(function, jobs))

    def __enter__(self) -> Typesetter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown()


def _warm_up() -> None:
    """A worker's first steps, which its first sheet would otherwise wait for: WeasyPrint
    loaded, fontconfig read, a Japanese font opened. A pool whose initializer raises is
    broken for every job, with no word of why: whatever fails here is let be, to fail again,
    with its message, in the worker's first job."""
    try:
        font = choose_font("", japanese_fonts())
        _document(Printable('<html lang="ja"><body>狛江</body></html>', f"html {{ font-family: {css_string(font)}; }}"))
    except Exception:  # noqa: BLE001 - said above
        return


def runs(weights: Sequence[int], count: int) -> list[range]:
    """`weights` split into at most `count` consecutive runs of about equal weight."""
    total = sum(weights)
    result: list[range] = []
    start = 0
    for run in range(count):
        if start >= len(weights):
            break
        end = start + 1
        goal = total * (run + 1) / count
        done = sum(weights[:end])
        while end < len(weights) and done + weights[end] / 2 <= goal:
            done += weights[end]
            end += 1
        if run == count - 1:
            end = len(weights)
        result.append(range(start, end))
        start = end
    return result
