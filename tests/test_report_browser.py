"""The register's html page in a real headless Chromium: printed on A4 landscape, within the
page's width, nothing loaded but the file, each view from a new page, the header row of
its table on every page. Needs Chromium and a Japanese font, as tests/test_render_browser.py."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import CASES, MINIMAL, dump, run

MM = 96 / 25.4
# A4 landscape at CSS's 96 px per inch, less the page's @page margins (10 mm left and right).
A4_LANDSCAPE_PRINTABLE_WIDTH = round((297 - 2 * 10) * MM)
A4_LANDSCAPE_HEIGHT = round(210 * MM)
# What the browser tests of the sheets look for beyond the page (tests/test_render_browser.py).
OVERFLOW = """
() => {
  const width = document.documentElement.clientWidth;
  const beyond = [];
  for (const element of document.querySelectorAll("body *")) {
    if (element.getBoundingClientRect().right > width + 0.5) beyond.push(element.tagName + "." + element.className);
  }
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
def test_the_register_prints_on_a4_landscape_within_the_page_a_view_from_a_new_page(browser: object, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "cases" / "meetings").mkdir(parents=True)
    for path in sorted(CASES.glob("*.yaml")):
        (tmp_path / "cases" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    meeting = (CASES / "meetings" / "r3-3.yaml").read_text(encoding="utf-8")
    (tmp_path / "cases" / "meetings" / "r3-3.yaml").write_text(meeting, encoding="utf-8")
    # A long unbroken string in a cell must wrap inside the page.
    long = yaml.safe_load(MINIMAL)
    long["external_provision"]["recipient"] = "https://example.invalid/" + "a" * 300
    (tmp_path / "cases" / "long.yaml").write_text(dump(long), encoding="utf-8")
    assert run("report", "cases/", "-o", "register.html", cwd=tmp_path).code == 0
    html = tmp_path / "register.html"
    page = browser.new_page(viewport={"width": A4_LANDSCAPE_PRINTABLE_WIDTH, "height": A4_LANDSCAPE_HEIGHT})  # type: ignore[attr-defined]
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(html.as_uri())
        page.emulate_media(media="print")
        layout = page.evaluate(OVERFLOW)
        assert layout["scrollWidth"] <= layout["clientWidth"], layout
        assert layout["beyond"] == [], layout
        pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    finally:
        page.close()
    assert requests == [html.as_uri()]
    box = pdf.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (297, 210)
    texts = [re.sub(r"\s+", "", unicodedata.normalize("NFKC", printed.extract_text())) for printed in pdf.pages]
    headers = {"一覧": "年度会議議題", "相手方別": "相手方区分項目", "項目別": "項目項目の分類区分", "運用状況": "分類内訳"}
    assert texts[0].startswith("狛江市個人情報保護審議会付議案件の台帳すべての年度、案件7件一覧")
    opened = ["一覧"]
    for number, text in enumerate(texts[1:], start=2):
        if text.startswith(tuple(headers)):
            # A view begins a page with its heading, its sentence and its table's header row.
            opened.append(next(name for name in headers if text.startswith(name)))
            assert headers[opened[-1]] in text[:200], (number, text[:120])
        else:
            # A page that goes on with a view begins with its table's header row.
            assert text.startswith(headers[opened[-1]]), (number, text[:60])
    assert opened == list(headers)
