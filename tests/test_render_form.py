"""The sheet closer to the printed form: the 外部提供 理由 caption, no rows for what is not
there, the long 記録項目 label, a section continued on the next printed page; and a
Markdown sheet without empty headers, dangling colons or label-less rows."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt
from pypdf import PdfReader

from conftest import CASES, run

SEEDS = sorted(CASES.glob("*.yaml"))
HIKAZEI = CASES / "hikazei-setai-kyufukin.yaml"


def html(path: Path) -> BeautifulSoup:
    result = run("render", path)
    assert result.code == 0, result.stderr
    return BeautifulSoup(result.stdout, "html.parser")


def labels(soup: BeautifulSoup) -> list[str]:
    found = []
    for tr in soup.select("table.sheet > tbody > tr"):
        if not tr.select_one(":scope > td[colspan='3']"):
            found.append("/".join(th.get_text().strip() for th in tr.find_all("th", recursive=False)))
    return found


def test_the_external_provision_reason_has_its_caption() -> None:
    soup = html(CASES / "gakkou-kenshin-itaku.yaml")
    row = next(tr for tr in soup.select("table.sheet > tbody > tr") if "外部提供の理由、方法等" in tr.get_text())
    assert [p.get_text() for p in row.find_all("td")[-1].find_all("p")][0] == "（理由、方法等）"


def test_an_optional_field_that_is_not_there_has_no_row() -> None:
    # The emergency report has no 外部提供する条件, and no concrete form of its medium.
    soup = html(CASES / "ninchisho-koureisha-sousaku.yaml")
    assert labels(soup)[7:13] == [
        "その他の項目",
        "外部提供/外部提供先の概要",
        "外部提供の形態",
        "外部提供の理由、方法等",
        "外部提供先での個人情報の管理の方法",
        "通知/外部提供",
    ]
    media = next(tr for tr in soup.select("table.sheet > tbody > tr") if "外部提供の形態" in tr.get_text())
    assert "具体的な形態" not in media.get_text()


def test_a_section_too_tall_for_a_page_goes_on_labelled_as_continued() -> None:
    soup = html(HIKAZEI)
    assert "外部提供（続き）/外部提供先での個人情報の管理の方法" in labels(soup)
    continued = soup.select("table.sheet > tbody > tr.continued")
    assert [tr.select_one("th.group").get_text() for tr in continued] == ["外部提供（続き）"]
    # Markdown has no pages: one section.
    markdown = run("render", "--format", "md", HIKAZEI).stdout
    assert "（続き）" not in markdown and markdown.count("### 外部提供\n") == 1


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_markdown_has_no_empty_header_dangling_colon_or_label_less_row(path: Path) -> None:
    markdown = run("render", "--format", "md", path).stdout
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    for index, token in enumerate(tokens):
        if token.type == "th_open":
            assert tokens[index + 1].content.strip(), "empty header cell"
        if token.type == "tr_open" and tokens[index + 1].type == "td_open":
            assert tokens[index + 2].content.strip(), "row without a label"
    assert not re.search(r"：\s*(\||$)", markdown, re.MULTILINE)
    assert not re.search(r"（具体的な形態）\s*(\||$)", markdown, re.MULTILINE)


MM = 96 / 25.4


@pytest.mark.browser
def test_printed_the_continued_page_names_its_section_and_long_labels_fit(browser: object, tmp_path: Path) -> None:
    out = tmp_path / "sheet.html"
    assert run("render", HIKAZEI, "-o", out).code == 0
    page = browser.new_page(viewport={"width": round((210 - 24) * MM), "height": round(297 * MM)})  # type: ignore[attr-defined]
    try:
        page.goto(out.as_uri())
        page.emulate_media(media="print")
        # The 記録項目 section's name spans the label columns: two lines, not six.
        lines = page.evaluate(
            """() => {
              const cell = [...document.querySelectorAll("th.group")].find(th => th.textContent.startsWith("電子計算機処理による記録項目"));
              const range = document.createRange();
              range.selectNodeContents(cell);
              return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
            }"""
        )
        pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    finally:
        page.close()
    assert lines <= 2
    # Labels wrap in their cells: the text of each page without its line breaks.
    texts = [re.sub(r"\s", "", unicodedata.normalize("NFKC", printed.extract_text())) for printed in pdf.pages]
    starts = [number for number, text in enumerate(texts) if "外部提供(続き)" in text]
    assert len(starts) == 1
    # The page before ends inside the section; the continued page begins with it.
    assert "外部提供先での個人情報の管理の方法" in texts[starts[0]]
    assert "外部提供先での個人情報の管理の方法" not in texts[starts[0] - 1]


@pytest.mark.browser
def test_a_meetings_sheet_names_the_meeting_and_its_item_on_every_printed_page(browser: object, tmp_path: Path) -> None:
    out = tmp_path / "r3-3"
    assert run("render", CASES / "meetings" / "r3-3.yaml", "-o", out).code == 0
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto((out / "hikazei-setai-kyufukin.html").as_uri())
        page.emulate_media(media="print")
        pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    finally:
        page.close()
    assert len(pdf.pages) >= 2
    for printed in pdf.pages:
        text = re.sub(r"\s", "", unicodedata.normalize("NFKC", printed.extract_text()))
        assert text.startswith("令和3年度第3回狛江市個人情報保護審議会諮問事項(4)狛江市個人情報保護審議会付議案件シート"), text[:80]


@pytest.mark.browser
def test_an_agenda_page_with_results_prints_on_a4_within_its_width(browser: object, tmp_path: Path) -> None:
    meeting = (CASES / "meetings" / "r3-3.yaml").read_text(encoding="utf-8")
    decided = re.sub(
        r"(  - case: \.\./[a-z-]+\.yaml\n)",
        r"\1    result:\n      decision: 継続審議\n      opinion: 次回までに、委託先での管理の方法を具体的に示すこと。\n",
        meeting,
    )
    (tmp_path / "meetings").mkdir()
    for path in SEEDS:
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / ".git").mkdir()
    path = tmp_path / "meetings" / "r3-3.yaml"
    path.write_text(decided, encoding="utf-8")
    out = tmp_path / "out"
    result = run("render", path, "-o", out)
    assert result.code == 0, result.stderr
    page = browser.new_page(viewport={"width": round((210 - 24) * MM), "height": round(297 * MM)})  # type: ignore[attr-defined]
    try:
        page.goto((out / "index.html").as_uri())
        page.emulate_media(media="print")
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
        results = page.locator("td.result").count()
    finally:
        page.close()
    assert widths[0] <= widths[1]
    assert results == 6 and len(pdf.pages) == 2, len(pdf.pages)
