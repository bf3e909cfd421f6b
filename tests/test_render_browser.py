"""The rendered sheets in a real headless Chromium: A4 print, page count, no horizontal overflow.

Needs Debian's Chromium and a Japanese font (`apt-get install chromium fonts-ipaexfont-mincho`,
or run `.ci/run`). Without them these tests are skipped, unless SHINGIKAI_REQUIRE_BROWSER=1
(set by .ci/run), which makes them fail instead. Playwright drives the system browser: it never downloads one.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from conftest import CASES, REPO, dump, run

pytestmark = pytest.mark.browser

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


def test_a_screenshot_of_one_sheet_is_kept_for_people(browser: object, site: Path) -> None:
    page = browser.new_page(viewport={"width": 900, "height": 1200})  # type: ignore[attr-defined]
    try:
        page.goto((site / "ai-ocr-shoukyaku-shisan.html").as_uri())
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
    finally:
        page.close()
    assert SCREENSHOT.read_bytes().startswith(b"\x89PNG")
