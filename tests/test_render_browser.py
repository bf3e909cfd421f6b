"""The rendered sheets in a real headless Chromium: A4 print, page count, no horizontal
overflow; a screenshot that shows the sheet, its Japanese text drawn in a Japanese font.

Needs Debian's Chromium and a Japanese font (`apt-get install chromium fonts-ipaexfont-mincho`,
or run `.ci/run`). Without them these tests are skipped, unless SHINGIKAI_REQUIRE_BROWSER=1
(set by .ci/run), which makes them fail instead. Playwright drives the system browser: it never downloads one.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import sys
import unicodedata
import zlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from conftest import CASES, EXAMPLE, REPO, dump, run

SEEDS = sorted(CASES.glob("*.yaml"))
SCREENSHOT = REPO / "build" / "sheet-screenshot.png"
# A4 at CSS's 96 px per inch, less the sheet's @page margins (12 mm left and right).
MM = 96 / 25.4
A4_PRINTABLE_WIDTH = round((210 - 2 * 12) * MM)
A4_HEIGHT = round(297 * MM)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("site")
    result = run("render", *SEEDS, "-o", directory)
    assert result.code == 0, result.stderr
    return directory


OVERFLOW = """
() => {
  const width = document.documentElement.clientWidth;
  const beyond = [];
  for (const element of document.querySelectorAll("body *")) {
    if (element.getBoundingClientRect().right > width + 0.5) beyond.push(element.tagName + "." + element.className);
  }
  // Text can overflow a fixed-width cell while the cell's own box stays inside.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    range.selectNodeContents(walker.currentNode);
    if (range.getBoundingClientRect().right > width + 0.5) beyond.push(walker.currentNode.textContent.slice(0, 30));
  }
  return {scrollWidth: document.documentElement.scrollWidth, clientWidth: width, beyond};
}
"""


@pytest.mark.browser
@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_each_sheet_prints_on_a4_without_overflow(browser: object, site: Path, path: Path) -> None:
    page = browser.new_page(viewport={"width": A4_PRINTABLE_WIDTH, "height": A4_HEIGHT})  # type: ignore[attr-defined]
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto((site / f"{path.stem}.html").as_uri())
        page.emulate_media(media="print")
        layout = page.evaluate(OVERFLOW)
        assert layout["scrollWidth"] <= layout["clientWidth"], layout
        assert layout["beyond"] == [], layout
        pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    finally:
        page.close()
    # Only the file itself is loaded: no fonts, styles or scripts from anywhere.
    assert requests == [(site / f"{path.stem}.html").as_uri()]
    assert 1 <= len(pdf.pages) <= 6
    box = pdf.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    # The header is repeated at the top of every printed page.
    for number, printed in enumerate(pdf.pages, start=1):
        page_text = unicodedata.normalize("NFKC", printed.extract_text())
        assert page_text.startswith("狛江市個人情報保護審議会付議案件シート"), (number, page_text[:80])


@pytest.mark.browser
def test_a_long_unbroken_string_wraps_inside_the_page(browser: object, tmp_path: Path, example: dict[str, Any]) -> None:
    example["business_name"] = "https://example.jp/" + "a" * 300
    example["external_provision"]["recipient"] = "Ｘ" * 400
    path = tmp_path / "long.yaml"
    path.write_text(dump(example), encoding="utf-8")
    result = run("render", path, "-o", tmp_path / "long.html")
    assert result.code == 0, result.stderr
    page = browser.new_page(viewport={"width": A4_PRINTABLE_WIDTH, "height": A4_HEIGHT})  # type: ignore[attr-defined]
    try:
        page.goto((tmp_path / "long.html").as_uri())
        page.emulate_media(media="print")
        layout = page.evaluate(OVERFLOW)
    finally:
        page.close()
    assert layout["scrollWidth"] <= layout["clientWidth"] and layout["beyond"] == [], layout


def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB pixels) of an 8-bit RGB or RGBA PNG, as Chromium writes them."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n"), data[:8]
    chunks: dict[bytes, list[bytes]] = {}
    position = 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        chunks.setdefault(kind, []).append(data[position + 8 : position + 8 + length])
        position += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"][0])
    assert (depth, colour in (2, 6), interlace) == (8, True, 0), (depth, colour, interlace)
    channels = 3 if colour == 2 else 4
    stride = width * channels
    raw = zlib.decompress(b"".join(chunks[b"IDAT"]))
    assert len(raw) == height * (stride + 1)
    previous = bytearray(stride)
    rows = []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:  # Sub
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:  # Up
            line = bytearray(map(lambda value, above: (value + above) & 0xFF, line, previous))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        else:
            assert kind == 0, kind
        rows.append(bytes(line) if channels == 3 else b"".join(line[i : i + 3] for i in range(0, stride, 4)))
        previous = line
    return width, height, rows


def rgb(css: str) -> bytes:
    """`rgb(232, 232, 232)` as the three bytes of a pixel."""
    assert css.startswith("rgb(") and css.endswith(")"), css
    return bytes(int(part) for part in css[4:-1].split(","))


def uniform(row: bytes, start: int, end: int, colour: bytes) -> bool:
    """Whether the pixels of `row` from `start` up to `end` are all `colour`."""
    return row[3 * start : 3 * end] == colour * (end - start)


def dark(rows: list[bytes], left: float, top: float, right: float, bottom: float) -> list[tuple[int, int]]:
    """The (x, y) of the pixels darker than mid-grey inside a box of CSS pixels."""
    found = []
    for y in range(max(0, int(top)), min(len(rows), int(bottom) + 1)):
        row = rows[y]
        for x in range(max(0, int(left)), min(len(row) // 3, int(right) + 1)):
            if row[3 * x] + row[3 * x + 1] + row[3 * x + 2] < 3 * 128:
                found.append((x, y))
    return found


GEOMETRY = """
() => {
  const box = (element) => {
    const r = element.getBoundingClientRect();
    return {left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX, bottom: r.bottom + scrollY};
  };
  const heading = document.querySelector("h1");
  const text = document.createRange();
  text.selectNodeContents(heading);
  const r = text.getBoundingClientRect();
  return {
    width: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
    clientWidth: document.documentElement.clientWidth,
    desk: getComputedStyle(document.documentElement).backgroundColor,
    paper: getComputedStyle(document.body).backgroundColor,
    body: box(document.body),
    sheet: box(document.querySelector("table.sheet")),
    heading: box(heading),
    headingText: {left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX, bottom: r.bottom + scrollY},
  };
}
"""
HEADING = "狛江市個人情報保護審議会付議案件シート"


@pytest.mark.browser
def test_the_screenshot_shows_the_sheet_on_its_paper_with_the_heading_at_the_top(browser: object, site: Path) -> None:
    page = browser.new_page(viewport={"width": 900, "height": 1200})  # type: ignore[attr-defined]
    try:
        page.goto((site / f"{EXAMPLE.stem}.html").as_uri())
        heading = page.locator("h1")
        assert heading.is_visible() and heading.inner_text() == HEADING
        # The heading is the first thing on the page, the case's own title right under it.
        assert page.locator("body").inner_text().startswith(HEADING + "\n")
        title = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))["title"]
        assert page.locator("td.subject").inner_text() == title
        geometry = page.evaluate(GEOMETRY)
        png = page.screenshot(full_page=True)
    finally:
        page.close()
    # Kept for people to look at; what it shows is checked below.
    SCREENSHOT.parent.mkdir(exist_ok=True)
    SCREENSHOT.write_bytes(png)

    width, height, rows = decode_png(png)
    assert (width, height) == (geometry["width"], geometry["height"])
    assert geometry["width"] == geometry["clientWidth"] == 900, geometry
    body, sheet, text = geometry["body"], geometry["sheet"], geometry["headingText"]
    desk, paper = rgb(geometry["desk"]), rgb(geometry["paper"])
    assert desk != paper
    # Around the paper only the desk shows; between the paper's edges and the sheet, only
    # paper. (The pixel either side of an edge, which anti-aliasing blends, is left out.)
    desk_left, desk_right = int(body["left"]) - 1, int(body["right"]) + 2
    paper_left, paper_right = int(body["left"]) + 2, int(body["right"]) - 1
    sheet_left, sheet_right = int(sheet["left"]) - 1, int(sheet["right"]) + 2
    for y, row in enumerate(rows):
        assert uniform(row, 0, desk_left, desk) and uniform(row, desk_right, width, desk), y
        if not body["top"] + 1 < y < body["bottom"] - 1:
            continue
        if sheet["top"] - 1 <= y <= sheet["bottom"] + 1:
            assert uniform(row, paper_left, sheet_left, paper) and uniform(row, sheet_right, paper_right, paper), y
        else:
            assert uniform(row, paper_left, paper_right, paper), y
    # The sheet is drawn: text and rules, neither a blank nor a black page.
    sheet_area = (sheet["right"] - sheet["left"]) * (sheet["bottom"] - sheet["top"])
    assert 0.02 < len(dark(rows, sheet["left"], sheet["top"], sheet["right"], sheet["bottom"])) / sheet_area < 0.2
    # The heading's pixels lie where its text is, across the whole of it, at the top of the page.
    assert text["top"] < 100
    ink = dark(rows, geometry["heading"]["left"], geometry["heading"]["top"], geometry["heading"]["right"], geometry["heading"]["bottom"])
    assert ink, text
    xs, ys = [x for x, _ in ink], [y for _, y in ink]
    assert text["left"] - 1 <= min(xs) and max(xs) <= text["right"] + 1, (min(xs), max(xs), text)
    assert max(xs) - min(xs) > 0.9 * (text["right"] - text["left"]), (min(xs), max(xs), text)
    assert text["top"] - 1 <= min(ys) and max(ys) <= text["bottom"] + 1, (min(ys), max(ys), text)


def installed_font_families(pattern: str = ":") -> set[str]:
    """Every name (a family has several: IPAexMincho, IPAex明朝) of the fonts fontconfig matches."""
    listed = subprocess.run(["fc-list", pattern, "family"], capture_output=True, text=True, check=True)
    return {name.strip() for line in listed.stdout.splitlines() for name in line.split(",") if name.strip()}


def text_elements(node: dict[str, Any]) -> list[tuple[int, str]]:
    """(node id, own text) of every element under `node` with text of its own."""
    found = []
    children = node.get("children", [])
    own = "".join(child["nodeValue"] for child in children if child["nodeType"] == 3)
    if node["nodeType"] == 1 and own.strip():
        found.append((node["nodeId"], own))
    for child in children:
        found.extend(text_elements(child))
    return found


def japanese(text: str) -> int:
    return sum(1 for character in text if not character.isascii() and not character.isspace())


@pytest.mark.browser
@pytest.mark.parametrize("name", [*(path.stem for path in SEEDS), "index"])
def test_every_japanese_character_is_drawn_with_a_japanese_font(browser: object, site: Path, name: str) -> None:
    """Not tofu: the fonts Chromium drew each element's text with, as its DevTools report them."""
    japanese_fonts = installed_font_families(":lang=ja")
    installed = installed_font_families()
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto((site / f"{name}.html").as_uri())
        heading = page.locator("h1").inner_text()
        stack = [family.strip().strip('"') for family in page.evaluate("() => getComputedStyle(document.querySelector('h1')).fontFamily").split(",")]
        devtools = page.context.new_cdp_session(page)
        devtools.send("DOM.enable")
        devtools.send("CSS.enable")
        document = devtools.send("DOM.getDocument", {"depth": -1})["root"]
        [html] = [child for child in document["children"] if child.get("nodeName") == "HTML"]
        [body] = [child for child in html["children"] if child.get("nodeName") == "BODY"]
        drawn = [
            (text, devtools.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"])
            for node, text in text_elements(body)
        ]
    finally:
        page.close()
    assert sum(japanese(text) for text, _ in drawn) > 100
    for text, fonts in drawn:
        in_japanese_fonts = sum(font["glyphCount"] for font in fonts if font["familyName"] in japanese_fonts)
        assert in_japanese_fonts >= japanese(text), (text, fonts)
    # The heading is set in the first font of the page's own list that is installed.
    [heading_fonts] = [fonts for text, fonts in drawn if text == heading]
    first_installed = next(family for family in stack if family in installed)
    assert [(font["familyName"], font["glyphCount"]) for font in heading_fonts] == [(first_installed, len(heading))]


def test_a_test_that_starts_the_browser_without_the_browser_mark_fails(tmp_path: Path) -> None:
    """conftest.py fails such a test before it starts: `-m "not browser"` would otherwise run it."""
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:cacheprovider --strict-markers\nmarkers =\n    browser: needs a browser\n",
        encoding="utf-8",
    )
    (tmp_path / "test_marks.py").write_text(
        "import pytest\n\n\n"
        "@pytest.fixture(scope='session')\n"
        "def browser():\n"
        "    return 'a stand-in: the check is on the mark, not on Chromium'\n\n\n"
        "def test_unmarked(browser):\n"
        "    pass\n\n\n"
        "@pytest.mark.browser\n"
        "def test_marked(browser):\n"
        "    pass\n\n\n"
        "def test_without_the_browser():\n"
        "    pass\n",
        encoding="utf-8",
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "COV_"))}
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:randomly"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "2 passed, 1 error" in completed.stdout
    assert "test_marks.py::test_unmarked はブラウザ（browser フィクスチャ）を使いますが、@pytest.mark.browser がありません" in completed.stdout
