"""Render safety: payloads in every text field render inert, outputs stay where they belong."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from conftest import CASES, dump, run

# One string that tries every way out of text: markup, attributes, CSS, Jinja, links.
PAYLOAD = (
    "<script>window.__pwned=1;alert(1)</script>"
    '"><img src=x onerror="window.__pwned=2;alert(2)">'
    "'><svg onload=alert(3)>"
    "</style><style>body{display:none}</style>"
    "</textarea></title><!--"
    "{{ 7*7 }}{% raw %}{{ config }}"
    "[x](javascript:alert(4)) | `code` *em*"
    "&amp;&lt;"
)
# Values with a fixed vocabulary stay valid, so that the case renders without --force.
FIXED_VOCABULARY = {"version", "kind", "bases", "media", "given", "timing", "operation", "items"}


def poisoned(value: Any, key: str = "") -> Any:
    if key in FIXED_VOCABULARY:
        return value
    if isinstance(value, dict):
        return {k: poisoned(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [poisoned(v, key) for v in value]
    if isinstance(value, str):
        return PAYLOAD
    return value


@pytest.fixture
def hostile_case(example: dict[str, Any], tmp_path: Path) -> Path:
    data = poisoned(example)
    data["bases"] = ["外部提供", "結合", "その他"]
    data["other_basis"] = PAYLOAD
    # Two departments, told apart: a repeated one is an error (E206).
    data["departments"] = [PAYLOAD, "市民生活部" + PAYLOAD]
    data["external_provision"]["other_items"] = [PAYLOAD]
    data["external_provision"]["notice"] = {"given": "有", "timing": "事前", "method": PAYLOAD}
    data["remarks"] = PAYLOAD
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "ok.pdf").write_bytes(b"%PDF-1.4\n")
    data["attachments"] = [
        {"title": PAYLOAD, "file": "javascript:alert(5)"},
        {"title": PAYLOAD, "file": "../../../etc/passwd"},
        {"title": PAYLOAD, "file": "/etc/passwd"},
        {"title": PAYLOAD, "file": "../docs/ok.pdf"},
    ]
    path = tmp_path / "cases" / "hostile.yaml"
    path.parent.mkdir()
    path.write_text(dump(data), encoding="utf-8")
    return path


@pytest.fixture
def rendered(hostile_case: Path, tmp_path: Path) -> Path:
    output = tmp_path / "site"
    result = run("render", hostile_case, "-o", output / "hostile.html")
    # Warnings (the attachments) do not block; nothing in the payload is an error.
    assert result.code == 0, result.stderr
    assert "W407" in result.stderr
    return output


def test_payloads_are_text_in_the_html(rendered: Path) -> None:
    html = (rendered / "hostile.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all(["script", "img", "svg", "iframe", "object", "embed", "textarea"]) == []
    assert len(soup.find_all("style")) == 1
    assert "display:none" not in soup.style.get_text()
    for element in soup.find_all(True):
        assert not [name for name in element.attrs if name.lower().startswith("on")], element.name
    hrefs = [a["href"] for a in soup.find_all("a")]
    # Only the one safe attachment is a link, and it is relative.
    assert len(hrefs) == 1 and hrefs[0].endswith("docs/ok.pdf") and ":" not in hrefs[0]
    text = soup.get_text()
    assert text.count(PAYLOAD) >= 20
    assert "49" not in text


@pytest.mark.browser
def test_payloads_are_inert_in_the_browser(browser: object, rendered: Path) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: requests.append(request.url))
    try:
        url = (rendered / "hostile.html").as_uri()
        page.goto(url)
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__pwned === undefined")
        assert page.evaluate("() => document.querySelectorAll('script, img, svg').length") == 0
        assert page.evaluate("() => getComputedStyle(document.body).display") != "none"
        assert page.locator("body").inner_text().count("<script>window.__pwned=1;alert(1)</script>") >= 20
    finally:
        page.close()
    assert dialogs == []
    assert requests == [url]


def test_payloads_are_text_in_markdown(hostile_case: Path, tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    result = run("render", "--format", "md", hostile_case, "-o", tmp_path / "sheet.md")
    assert result.code == 0, result.stderr
    html = MarkdownIt("commonmark").enable("table").render((tmp_path / "sheet.md").read_text(encoding="utf-8"))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all(["script", "img", "svg", "style", "textarea"]) == []
    assert all(not a["href"].startswith("javascript:") for a in soup.find_all("a"))


def test_output_never_follows_a_symlink_out_of_its_directory(tmp_path: Path) -> None:
    output = tmp_path / "site"
    output.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("元の内容", encoding="utf-8")
    (output / "koseki-cloud.html").symlink_to(victim)
    result = run("render", *sorted(CASES.glob("*.yaml")), "-o", output)
    assert result.code == 2
    assert f"出力ファイル koseki-cloud.html が出力先 {output} の外を指すため書き出しません" in result.stderr
    assert victim.read_text(encoding="utf-8") == "元の内容"
    # All or nothing: no other sheet was written either.
    assert [p.name for p in output.iterdir()] == ["koseki-cloud.html"]


def test_a_render_that_fails_midway_writes_nothing(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    # The sheets render; the index fails on an undefined name.
    (templates / "index.html.j2").write_text("{{ index.heading }}{{ no_such_value }}", encoding="utf-8")
    output = tmp_path / "site"
    result = run("render", "--templates", templates, CASES, "-o", output)
    assert result.code == 2
    assert "テンプレート index.html.j2 を出力できません" in result.stderr
    assert f"{templates / 'index.html.j2'} の 1 行目: ない値を使っています" in result.stderr
    assert not output.exists() or list(output.iterdir()) == []


def test_a_single_output_that_fails_leaves_no_file(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "sheet.html.j2").write_text("{{ sheet.title }}{{ sheet.__class__.__mro__ }}", encoding="utf-8")
    target = tmp_path / "out" / "sheet.html"
    result = run("render", "--templates", templates, CASES / "koseki-cloud.yaml", "-o", target)
    assert result.code == 2
    assert "Traceback" not in result.stderr
    assert not target.exists()
    assert not target.parent.exists() or os.listdir(target.parent) == []
