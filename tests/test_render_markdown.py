"""`shingikai render --format md`: GitHub-flavoured Markdown, parsed back with markdown-it-py."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from shingikai.model.vocabulary import ITEM_GROUPS, ITEMS

from conftest import CASES, EXAMPLE, EXAMPLE_BASES, dump, run

SEEDS = sorted(CASES.glob("*.yaml"))
# CommonMark with GFM's tables and strikethrough (GitHub's own renderer is not available offline).
PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@dataclass
class Parsed:
    tokens: list[Token]
    # Each table: its rows (the header row first), each a list of cell texts; <br> read as "\n".
    tables: list[list[list[str]]] = field(default_factory=list)
    # The inline tokens of every table cell.
    cell_tokens: list[Token] = field(default_factory=list)

    def table(self, first_cell: str) -> list[list[str]]:
        return next(t for t in self.tables if t[0][0] == first_cell or t[1][0] == first_cell)

    def row(self, label: str) -> list[str]:
        return next(row for table in self.tables for row in table if row[0] == label)


def cell_text(inline: Token) -> str:
    parts = []
    for child in inline.children or ():
        if child.type == "html_inline" and child.content == "<br>":
            parts.append("\n")
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
    return "".join(parts)


def parse(markdown: str) -> Parsed:
    tokens = PARSER.parse(markdown)
    parsed = Parsed(tokens)
    rows: list[list[str]] = []
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            rows = []
        elif token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open"):
            inline = tokens[i + 1]
            parsed.cell_tokens.extend(inline.children or ())
            rows[-1].append(cell_text(inline))
        elif token.type == "table_close":
            parsed.tables.append(rows)
    return parsed


def as_cell(value: str) -> str:
    """Text as its cell reads back: lines kept, paragraphs one blank line apart."""
    return re.sub(r"\n\s*\n", "\n\n", value.strip())


def render_md(*args: str | Path) -> Parsed:
    result = run("render", "--format", "md", *args)
    assert result.code == 0, result.stderr
    return parse(result.stdout)


def seed(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_every_seed_is_a_heading_and_well_formed_tables(path: Path) -> None:
    case = seed(path)
    parsed = render_md(path)
    heading = [t for t in parsed.tokens if t.type == "inline"][0].content
    assert heading == "狛江市個人情報保護審議会付議案件シート"
    for table in parsed.tables:
        assert len({len(row) for row in table}) == 1, table
    main = parsed.table("項目")
    kind = "■諮問事項 □報告事項" if case["kind"] == "諮問" else "□諮問事項 ■報告事項"
    assert main[1] == [kind, case["title"]]
    assert parsed.row("主管課")[1] == "・".join(case["departments"])
    assert parsed.row("事務の概要")[1] == as_cell(case["summary"])
    assert parsed.row("件数")[1] == as_cell(case["volume"])
    # Only <br> is raw HTML; nothing else is structure from user text.
    assert {t.content for t in parsed.cell_tokens if t.type == "html_inline"} <= {"<br>"}
    assert not [t for t in parsed.tokens if t.type == "html_block"]


def test_bases_list_all_six_with_marks() -> None:
    parsed = render_md(EXAMPLE)
    assert parsed.row("根拠規定")[1].split("\n") == EXAMPLE_BASES


def test_each_grid_is_a_table_of_every_item() -> None:
    path = CASES / "hikazei-setai-kyufukin.yaml"
    case = seed(path)
    parsed = render_md(path)
    grids = [t for t in parsed.tables if t[0] == ["分類", "項目"]]
    assert len(grids) == 2
    for grid, section, other in zip(grids, (case["external_provision"], case["record_items"]), ("その他の項目", "その他の記録項目")):
        # One row per group of the grid, its items in the grid's order; then the other items.
        assert [row[0] for row in grid[1:]] == [*ITEM_GROUPS, other]
        for row, items in zip(grid[1:], ITEM_GROUPS.values()):
            assert row[1] == " ".join(("■" if item in section["items"] else "□") + item for item in items)
        assert grid[-1][1] == "、".join(section["other_items"])


def test_the_notice_cell_holds_the_three_part_reason() -> None:
    case = seed(EXAMPLE)
    parsed = render_md(EXAMPLE)
    proviso = case["external_provision"]["notice"]["proviso"]
    assert parsed.table("区分")[1] == [
        "外部提供",
        "□有 ■無\n（理由）\n\n"
        "1　条例第13条第5項の規定の趣旨は、外部提供される保有個人情報の本人に対し、"
        "自己情報コントロール権の保障及び当該権利行使の機会の作出することにある。\n\n"
        f"2　{proviso['risk']}\n\n{proviso['necessity']}\n\n"
        "3　以上の理由により、保有個人情報を外部提供することにつき本人が自己情報コントロール権を行使しないことが"
        "一般通常人の立場から明らかであるといえることから、本件については、同条同項ただし書を適用し、"
        "外部提供にかかる通知は不要といたしたい。",
    ]
    media = parsed.row("外部提供の形態")[1].split("\n")
    assert media == ["□紙媒体 □電磁的記録媒体 ■その他の媒体", "（具体的な形態）", case["external_provision"]["media_detail"]]


def test_notice_given_shows_timing_and_method() -> None:
    parsed = render_md(CASES / "ninchisho-koureisha-sousaku.yaml")
    assert parsed.table("区分")[1] == ["外部提供", "■有 □無\n□事前 ■事後\n（方法）\n本人へ送付した。"]


HOSTILE = (
    "a | b \\| c <img src=x onerror=alert(1)> <b>太字</b> *強調* _下線_ **太** `code` "
    "[リンク](javascript:alert(1)) ![画像](x.png) ~~取消~~ $x^2$ &lt; &amp; # 見出し {{ 7*7 }} \\"
)


def test_user_text_cannot_inject_markdown_or_html(example: dict[str, Any], tmp_path: Path) -> None:
    example["title"] = HOSTILE
    example["summary"] = "- 箇条書き\n1. 番号付き\n> 引用\n\n| x | y |\n# 見出し\n---\n<div>ブロック</div>"
    example["attachments"] = [{"title": "[資料](https://example.com)", "file": "javascript:alert(1)"}]
    path = tmp_path / "case.yaml"
    path.write_text(dump(example), encoding="utf-8")
    parsed = render_md(path)
    assert parsed.table("項目")[1][1] == HOSTILE
    assert parsed.row("事務の概要")[1] == "- 箇条書き\n1. 番号付き\n> 引用\n\n| x | y |\n# 見出し\n---\n<div>ブロック</div>"
    assert parsed.row("その他資料")[1] == "[資料](https://example.com)（javascript:alert(1)）"
    structure = {"link_open", "image", "em_open", "strong_open", "s_open", "code_inline", "html_block"}
    assert not [t for t in parsed.cell_tokens if t.type in structure]
    assert {t.content for t in parsed.cell_tokens if t.type == "html_inline"} <= {"<br>"}
    # The blocks are the template's alone: heading, 【label】, main table, the grid (caption,
    # table, その他の項目), then 外部提供, 結合 and 通知 each a heading and a table, the last table.
    blocks = [t.type.removesuffix("_open") for t in parsed.tokens if t.type.endswith("_open") and t.level == 0]
    assert blocks == [
        "heading", "paragraph", "table",
        "paragraph", "table",
        "heading", "table", "heading", "table", "heading", "table",
        "table",
    ]  # fmt: skip


def test_attachments_are_copied_into_a_site_and_linked_there(example: dict[str, Any], tmp_path: Path) -> None:
    (tmp_path / "資料 (1).pdf").write_bytes(b"%PDF-1.4\n")
    example["attachments"] = [{"title": "概要資料", "file": "資料 (1).pdf"}]
    path = tmp_path / "case.yaml"
    path.write_text(dump(example), encoding="utf-8")
    site = tmp_path / "site"
    result = run("render", "--format", "md", tmp_path, "-o", site)
    assert result.code == 0, result.stderr
    parsed = parse((site / "case.md").read_text(encoding="utf-8"))
    links = [t for t in parsed.cell_tokens if t.type == "link_open"]
    assert [t.attrs["href"] for t in links] == ["attachments/%E8%B3%87%E6%96%99%20%281%29.pdf"]
    assert (site / "attachments" / "資料 (1).pdf").read_bytes() == b"%PDF-1.4\n"
    assert parsed.row("その他資料")[1] == "概要資料"


def test_the_agenda_lists_consultations_then_reports(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = run("render", "--format", "md", *SEEDS, "-o", site)
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in site.iterdir()) == sorted([*(f"{p.stem}.md" for p in SEEDS), "index.md"])
    parsed = parse((site / "index.md").read_text(encoding="utf-8"))
    headings = [tok.content for prev, tok in zip(parsed.tokens, parsed.tokens[1:]) if prev.type == "heading_open"]
    assert headings == ["狛江市個人情報保護審議会 付議案件一覧", "諮問事項", "報告事項"]
    consultations, reports = parsed.tables
    assert [row[0] for row in consultations] == ["番号", "（1）", "（2）", "（3）", "（4）"]
    assert reports[2][1:] == [
        seed(CASES / "ninchisho-koureisha-sousaku.yaml")["title"],
        "福祉保健部福祉相談課",
        "⑥その他（条例第13条第4項）",
    ]
    hrefs = [t.attrs["href"] for t in parsed.cell_tokens if t.type == "link_open"]
    assert len(hrefs) == len(SEEDS) and all((site / str(href)).is_file() for href in hrefs)
