"""`shingikai render` of meetings: the agenda page, the sheets in agenda order, a folder per
meeting, attachments copied so every link works, all or nothing; the format from `-o`."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag
from markdown_it import MarkdownIt

from conftest import CASES, EXAMPLE, run

SEEDS = sorted(CASES.glob("*.yaml"))
SEED_MEETING = CASES / "meetings" / "r3-3.yaml"
TITLE = "令和3年度第3回狛江市個人情報保護審議会"
MEETING = """\
version: 1
kind: 会議
fiscal_year: {fiscal_year}
number: {number}
date: {date}
place: 狛江市役所4階 特別会議室
"""
DECIDED = """\
consultations:
  - case: ../cases/ai-ocr-shoukyaku-shisan.yaml
    result:
      decision: 承認
  - case: ../cases/gakkou-kenshin-itaku.yaml
    result:
      decision: 条件付承認
      conditions: 委託先における検査結果の保存期間を契約書に明記すること。
      opinion: |
        受診者への説明を丁寧に行うこと。
        結果の返却方法も見直すこと。
reports:
  - case: ../cases/ninchisho-koureisha-sousaku.yaml
    result:
      decision: 了承
attachments:
  - title: 次第
    file: ../docs/r3-3-shidai.pdf
  - title: 委員名簿
    file: ../docs/meibo.pdf
"""


def text(tag: Tag | None) -> str:
    assert tag is not None
    return tag.get_text().strip()


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def files(directory: Path) -> list[str]:
    return sorted(path.relative_to(directory).as_posix() for path in directory.rglob("*") if path.is_file())


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A case repository: the seed cases (one with an attachment), docs/, meetings/."""
    root = tmp_path / "審議会案件"
    (root / ".git").mkdir(parents=True)
    (root / "cases").mkdir()
    for path in SEEDS:
        shutil.copy(path, root / "cases" / path.name)
    (root / "docs").mkdir()
    (root / "docs" / "r3-3-shidai.pdf").write_bytes(b"%PDF-1.4 shidai\n")
    (root / "docs" / "kenshin gaiyou.pdf").write_bytes(b"%PDF-1.4 gaiyou\n")
    gakkou = root / "cases" / "gakkou-kenshin-itaku.yaml"
    gakkou.write_text(
        gakkou.read_text(encoding="utf-8") + "attachments:\n  - title: 検診の概要\n    file: ../docs/kenshin gaiyou.pdf\n",
        encoding="utf-8",
    )
    (root / "meetings").mkdir()
    return root


def write_meeting(repository: Path, body: str, name: str = "r3-3.yaml", **head: object) -> Path:
    fields = {"fiscal_year": "令和3年度", "number": 3, "date": "令和4年1月17日（月）", **head}
    path = repository / "meetings" / name
    path.write_text(MEETING.format(**fields) + body, encoding="utf-8")
    return path


def agenda_rows(soup: BeautifulSoup) -> dict[str, list[list[str]]]:
    return {
        text(section.h3): [[td.get_text("|").strip() for td in tr.select("td")] for tr in section.select("tbody tr")]
        for section in soup.select("main > section:has(> h3)")
    }


def test_the_seed_meeting_renders_its_agenda_and_its_sheets_in_agenda_order(tmp_path: Path) -> None:
    out = tmp_path / "r3-3"
    result = run("render", SEED_MEETING, "-o", out)
    assert result.code == 0, result.stderr
    assert result.stderr == f"shingikai: {out} に会議 1 件の次第とシート 6 件を書き出しました\n"
    assert files(out) == sorted(["index.html", *(f"{path.stem}.html" for path in SEEDS)])
    soup = soup_of(out / "index.html")
    assert text(soup.title) == TITLE and text(soup.h1) == TITLE
    assert [[text(th), text(td)] for th, td in (tr.select("th, td") for tr in soup.select("table.fields tr"))] == [
        ["日時", "令和4年1月17日（月）"],
        ["時間", "午後2時から午後4時まで"],
        ["場所", "狛江市役所4階 特別会議室"],
    ]
    assert [text(th) for th in soup.select("main > section")[0].select("thead th")] == ["番号", "件名", "主管課", "根拠規定"]
    rows = agenda_rows(soup)
    assert [row[0] for row in rows["諮問事項"]] == ["（1）", "（2）", "（3）", "（4）"]
    links = [a["href"] for a in soup.select("main > section a")]
    # The seed's order, not the file names' (戸籍 before 非課税, 認知症 before 子育て).
    assert links == [
        "ai-ocr-shoukyaku-shisan.html",
        "gakkou-kenshin-itaku.html",
        "koseki-cloud.html",
        "hikazei-setai-kyufukin.html",
        "ninchisho-koureisha-sousaku.html",
        "kosodate-senkou-kyufukin.html",
    ]
    assert rows["報告事項"][0][2:] == ["福祉保健部福祉相談課", "⑥その他（条例第13条第4項）"]
    assert rows["諮問事項"][0][2:] == [
        "企画財政部情報政策課・市民生活部課税課",
        "③条例第13条第2項第4号 外部提供|⑤条例第15条第1項第2号 電子計算機処理による結合",
    ]
    # No results yet: an agenda, without the 会議の結果 column.
    assert "会議の結果" not in soup.get_text()
    for href, label in zip(links, ["諮問事項（1）", "諮問事項（2）", "諮問事項（3）", "諮問事項（4）", "報告事項（1）", "報告事項（2）"]):
        header = soup_of(out / href).select_one("table.sheet > thead .meeting")
        assert header is not None and text(header.a) == TITLE and header.a["href"] == "index.html"
        assert text(header.select_one(".agenda-label")) == label


def test_results_show_the_decision_with_conditions_and_opinion_in_full(repository: Path, tmp_path: Path) -> None:
    path = write_meeting(repository, DECIDED)
    out = tmp_path / "out"
    result = run("render", path, "-o", out)
    assert result.code == 0, result.stderr
    soup = soup_of(out / "index.html")
    assert [text(th) for th in soup.select("main > section")[0].select("thead th")] == ["番号", "件名", "主管課", "根拠規定", "会議の結果"]
    results = [[p.get_text("\n") for p in td.find_all("p")] for td in soup.select("td.result")]
    assert results == [
        ["承認"],
        ["条件付承認", "条件", "委託先における検査結果の保存期間を契約書に明記すること。", "意見", "受診者への説明を丁寧に行うこと。\n結果の返却方法も見直すこと。"],
        ["了承"],
    ]


def hrefs_of(path: Path) -> list[str]:
    if path.suffix == ".html":
        return [str(a["href"]) for a in soup_of(path).find_all("a")]
    tokens = MarkdownIt("commonmark").enable("table").parse(path.read_text(encoding="utf-8"))
    return [
        str(child.attrs["href"])
        for token in tokens
        if token.type == "inline"
        for child in token.children or ()
        if child.type == "link_open"
    ]


def assert_every_link_is_inside(out: Path) -> int:
    """Follow every href of every page; each must be a relative link to a file inside `out`."""
    followed = 0
    for page in [*out.rglob("*.html"), *out.rglob("*.md")]:
        for href in hrefs_of(page):
            parts = urlsplit(href)
            assert not parts.scheme and not parts.netloc and not href.startswith("/"), (page, href)
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_relative_to(out.resolve()) and target.is_file(), (page, href)
            followed += 1
    return followed


@pytest.mark.parametrize("output_format", ["html", "md"])
def test_attachments_are_copied_so_that_every_link_works_once_published(
    repository: Path, tmp_path: Path, output_format: str
) -> None:
    path = write_meeting(repository, DECIDED)
    out = tmp_path / "site"
    result = run("render", "--format", output_format, path, "-o", out)
    assert result.code == 0, result.stderr
    # The missing 委員名簿 is W407, not a reason to stop.
    assert "W407" in result.stderr
    ext = output_format
    assert files(out) == sorted(
        [
            f"index.{ext}",
            f"ai-ocr-shoukyaku-shisan.{ext}",
            f"gakkou-kenshin-itaku.{ext}",
            f"ninchisho-koureisha-sousaku.{ext}",
            "attachments/docs/r3-3-shidai.pdf",
            "attachments/docs/kenshin gaiyou.pdf",
        ]
    )
    assert (out / "attachments" / "docs" / "kenshin gaiyou.pdf").read_bytes() == b"%PDF-1.4 gaiyou\n"
    # Published elsewhere, the folder keeps every link.
    published = tmp_path / "published"
    shutil.copytree(out, published)
    shutil.rmtree(repository)
    # The agenda page: 3 sheets and 次第 (委員名簿 has no file); each sheet: its agenda page;
    # the 学校健診 sheet: its attachment.
    assert assert_every_link_is_inside(published) == 4 + 3 + 1
    index = (published / f"index.{ext}").read_text(encoding="utf-8")
    if ext == "html":
        listed = [text(li) for li in soup_of(published / "index.html").select("ul.attachments li")]
        assert listed == ["次第", "委員名簿（../docs/meibo.pdf）"]
    else:
        assert "| 会議資料 | [次第](attachments/docs/r3-3-shidai.pdf)<br>委員名簿（../docs/meibo.pdf） |" in index


def test_a_directory_of_meetings_has_a_folder_each_and_an_index_newest_first(repository: Path, tmp_path: Path) -> None:
    write_meeting(repository, "consultations:\n  - case: ../cases/koseki-cloud.yaml\n    result: {decision: 継続審議}\n", "r3-2.yaml", number=2, date="令和3年12月20日（月）")
    write_meeting(repository, DECIDED.replace("ai-ocr-shoukyaku-shisan", "koseki-cloud"))
    write_meeting(repository, "reports:\n  - case: ../cases/kosodate-senkou-kyufukin.yaml\n", "r4-1.yaml", fiscal_year="令和4年度", number=1, date="令和4年4月18日（月）")
    out = tmp_path / "site"
    result = run("render", repository / "meetings", "-o", out)
    assert result.code == 0, result.stderr
    assert files(out) == [
        "index.html",
        "r3-2/index.html",
        "r3-2/koseki-cloud.html",
        "r3-3/attachments/docs/kenshin gaiyou.pdf",
        "r3-3/attachments/docs/r3-3-shidai.pdf",
        "r3-3/gakkou-kenshin-itaku.html",
        "r3-3/index.html",
        "r3-3/koseki-cloud.html",
        "r3-3/ninchisho-koureisha-sousaku.html",
        "r4-1/index.html",
        "r4-1/kosodate-senkou-kyufukin.html",
    ]
    soup = soup_of(out / "index.html")
    assert text(soup.h1) == "狛江市個人情報保護審議会 会議一覧"
    assert [[td.get_text().strip() for td in tr.select("td")] for tr in soup.select("table.meetings tbody tr")] == [
        ["令和4年度第1回狛江市個人情報保護審議会", "令和4年4月18日（月）", "狛江市役所4階 特別会議室", "報告事項 1件"],
        [TITLE, "令和4年1月17日（月）", "狛江市役所4階 特別会議室", "諮問事項 2件・報告事項 1件"],
        ["令和3年度第2回狛江市個人情報保護審議会", "令和3年12月20日（月）", "狛江市役所4階 特別会議室", "諮問事項 1件"],
    ]
    assert [a["href"] for a in soup.select("table.meetings a")] == ["r4-1/index.html", "r3-3/index.html", "r3-2/index.html"]
    agenda = soup_of(out / "r3-2" / "index.html")
    assert text(agenda.select_one(".up a")) == "会議一覧" and agenda.select_one(".up a")["href"] == "../index.html"
    assert [p.get_text() for p in agenda.select("td.result p")] == ["継続審議"]
    # The same case on two agendas: each sheet names its own meeting.
    assert text(soup_of(out / "r3-2" / "koseki-cloud.html").select_one(".meeting a")) == "令和3年度第2回狛江市個人情報保護審議会"
    assert text(soup_of(out / "r3-3" / "koseki-cloud.html").select_one(".meeting a")) == TITLE
    # The index: 3 meetings; each agenda page: the index, its sheets (and 次第 for r3-3);
    # each sheet: its agenda page (and the 学校健診 sheet its attachment).
    assert assert_every_link_is_inside(out) == 3 + (2 + 1) + (5 + 3 + 1) + (2 + 1)


def test_a_directory_of_cases_and_meetings_lists_the_cases_on_no_agenda(repository: Path, tmp_path: Path) -> None:
    write_meeting(repository, "reports:\n  - case: ../cases/ninchisho-koureisha-sousaku.yaml\n")
    out = tmp_path / "site"
    result = run("render", repository / "cases", repository / "meetings", "-o", out)
    assert result.code == 0, result.stderr
    on_no_agenda = [path.stem for path in SEEDS if path.stem != "ninchisho-koureisha-sousaku"]
    assert files(out) == sorted(
        [
            "index.html",
            "r3-3/index.html",
            "r3-3/ninchisho-koureisha-sousaku.html",
            "attachments/docs/kenshin gaiyou.pdf",
            *(f"{stem}.html" for stem in on_no_agenda),
        ]
    )
    soup = soup_of(out / "index.html")
    assert [text(h) for h in soup.select("main > h2, main h2, main h3")] == ["会議", "会議に付されていない案件", "諮問事項", "報告事項"]
    assert [a["href"] for a in soup.select("main > section a")] == [
        "r3-3/index.html",
        *(f"{stem}.html" for stem in on_no_agenda if stem != "kosodate-senkou-kyufukin"),
        "kosodate-senkou-kyufukin.html",
    ]
    # The index: the meeting and 5 sheets; the agenda page: the index and its sheet; that
    # sheet: its agenda page; the 学校健診 sheet: its attachment.
    assert assert_every_link_is_inside(out) == 6 + 2 + 1 + 1


def test_the_seed_repository_renders_its_meeting_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run("render", CASES, "-o", out)
    assert result.code == 0, result.stderr
    assert files(out) == sorted(["index.html", "r3-3/index.html", *(f"r3-3/{path.stem}.html" for path in SEEDS)])
    assert "会議に付されていない案件" not in (out / "index.html").read_text(encoding="utf-8")


def test_markdown_agenda_tables(repository: Path, tmp_path: Path) -> None:
    path = write_meeting(repository, DECIDED)
    result = run("render", "--format", "md", path, "-o", tmp_path / "md")
    assert result.code == 0, result.stderr
    markdown = (tmp_path / "md" / "index.md").read_text(encoding="utf-8")
    assert markdown.startswith(f"# {TITLE}\n\n| 項目 | 内容 |\n| --- | --- |\n| 日時 | 令和4年1月17日（月） |\n| 場所 | 狛江市役所4階 特別会議室 |\n")
    assert "| 番号 | 件名 | 主管課 | 根拠規定 | 会議の結果 |\n| --- | --- | --- | --- | --- |\n" in markdown
    assert (
        "| （2） | [学校保健安全法に基づく健康診断における検診事業の委託の際の保有個人情報の外部提供及び外部提供に係る通知の要否について](gakkou-kenshin-itaku.md)"
        " | 教育部学校教育課 | ③条例第13条第2項第4号 外部提供 | 条件付承認<br>条件：委託先における検査結果の保存期間を契約書に明記すること。"
        "<br>意見：受診者への説明を丁寧に行うこと。<br>結果の返却方法も見直すこと。 |\n"
    ) in markdown
    assert "| 会議資料 | [次第](attachments/docs/r3-3-shidai.pdf)<br>委員名簿（../docs/meibo.pdf） |" in markdown
    sheet = (tmp_path / "md" / "gakkou-kenshin-itaku.md").read_text(encoding="utf-8")
    assert sheet.startswith(f"# 狛江市個人情報保護審議会付議案件シート\n\n[{TITLE}](index.md)　諮問事項（2）\n\n**【学校教育課】**\n")


def test_a_meeting_whose_case_has_errors_writes_nothing_unless_forced(repository: Path, tmp_path: Path) -> None:
    gakkou = repository / "cases" / "gakkou-kenshin-itaku.yaml"
    gakkou.write_text(gakkou.read_text(encoding="utf-8").replace("  conditions:", "  condition:"), encoding="utf-8")
    path = write_meeting(repository, DECIDED)
    out = tmp_path / "out"
    result = run("render", path, "-o", out)
    assert result.code == 1
    assert f"{repository / 'cases' / 'gakkou-kenshin-itaku.yaml'}:" in result.stderr and " E202 " in result.stderr
    assert result.stderr.endswith(
        "shingikai: 検査エラーのあるケースがあるため、何も出力しませんでした（エラーを直すか、--force でエラーの一覧を載せて出力します）\n"
    )
    assert not out.exists()
    forced = run("render", "--force", path, "-o", out)
    assert forced.code == 0, forced.stderr
    banner = soup_of(out / "gakkou-kenshin-itaku.html").select_one(".banner")
    assert banner is not None and " E202 " in text(banner)
    assert soup_of(out / "index.html").select_one(".banner") is None


def test_a_meeting_with_errors_of_its_own(repository: Path, tmp_path: Path) -> None:
    path = write_meeting(repository, "consultations:\n  - case: ../cases/no-such.yaml\n  - case: ../cases/koseki-cloud.yaml\n")
    out = tmp_path / "out"
    result = run("render", path, "-o", out)
    assert result.code == 1 and " E501 " in result.stderr
    assert "検査エラーのある会議か案件があるため、何も出力しませんでした" in result.stderr
    assert not out.exists()
    forced = run("render", "--force", path, "-o", out)
    assert forced.code == 0, forced.stderr
    soup = soup_of(out / "index.html")
    assert " E501 " in text(soup.select_one(".banner"))
    assert agenda_rows(soup)["諮問事項"][0][:2] == ["（1）", "../cases/no-such.yaml"]
    assert [a["href"] for a in soup.select("main > section a")] == ["koseki-cloud.html"]


def test_an_unreadable_meeting_cannot_be_forced(repository: Path, tmp_path: Path) -> None:
    path = repository / "meetings" / "broken.yaml"
    path.write_text("version: 1\nkind: 会議\nnumber: [\n", encoding="utf-8")
    result = run("render", "--force", repository / "meetings", "-o", tmp_path / "out")
    assert result.code == 1
    assert "E101" in result.stderr and "--force でも出力できません" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_render_of_a_meeting_that_fails_midway_writes_nothing(repository: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "meeting.html.j2").write_text("{{ meeting.title }}{{ meeting.no_such_value }}", encoding="utf-8")
    out = tmp_path / "out"
    result = run("render", "--templates", templates, write_meeting(repository, DECIDED), "-o", out)
    assert result.code == 2
    assert "テンプレート meeting.html.j2 を出力できません" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "会議を出力するには -o DIR で出力先のディレクトリを指定してください（次第とシートを書き出します）"),
        (["-o", "README.md"], "出力先 README.md はディレクトリではありません。複数のシートの出力先にはディレクトリを指定してください"),
    ],
)
def test_a_meeting_needs_a_directory(args: list[str], message: str, repository: Path) -> None:
    (repository / "README.md").write_text("説明\n", encoding="utf-8")
    result = run("render", write_meeting(repository, DECIDED), *args, cwd=repository)
    assert (result.code, result.stdout, result.stderr) == (2, "", f"shingikai: {message}\n")


def test_output_collisions_in_a_meeting_folder(repository: Path, tmp_path: Path) -> None:
    (repository / "cases" / "other").mkdir()
    shutil.copy(repository / "cases" / "koseki-cloud.yaml", repository / "cases" / "other" / "koseki-cloud.yaml")
    path = write_meeting(repository, "consultations:\n  - case: ../cases/koseki-cloud.yaml\n  - case: ../cases/other/koseki-cloud.yaml\n")
    result = run("render", path, "-o", tmp_path / "out")
    assert result.code == 2
    assert "の出力ファイル名が同じ koseki-cloud.html になります。どちらかの名前を変えてください" in result.stderr
    assert not (tmp_path / "out").exists()


# The format from the name of -o.


def test_o_md_writes_markdown(tmp_path: Path) -> None:
    result = run("render", EXAMPLE, "-o", tmp_path / "sheet.md")
    assert result.code == 0, result.stderr
    assert (tmp_path / "sheet.md").read_text(encoding="utf-8") == run("render", "--format", "md", EXAMPLE).stdout
    assert (tmp_path / "sheet.md").read_text(encoding="utf-8").startswith("# 狛江市個人情報保護審議会付議案件シート\n")


@pytest.mark.parametrize(("output_format", "name"), [("html", "sheet.md"), ("md", "sheet.html"), ("md", "SHEET.HTM")])
def test_a_format_that_contradicts_the_extension_is_a_usage_error(output_format: str, name: str, tmp_path: Path) -> None:
    result = run("render", "--format", output_format, EXAMPLE, "-o", tmp_path / name)
    assert result.code == 2
    suffix = Path(name).suffix
    inferred = "md" if suffix == ".md" else "html"
    assert result.stderr == (
        f"shingikai: --format {output_format} と出力先 {tmp_path / name} の拡張子（{suffix}、{inferred}）が食い違っています。"
        "どちらかを直すか、--format を省いて拡張子に任せてください。`shingikai render --help` で使い方を表示します\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_extension_that_names_no_format_keeps_html_or_the_format_given(tmp_path: Path) -> None:
    assert run("render", EXAMPLE, "-o", tmp_path / "sheet.txt").code == 0
    assert (tmp_path / "sheet.txt").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert run("render", "--format", "md", EXAMPLE, "-o", tmp_path / "sheet.markdown.txt").code == 0
    assert (tmp_path / "sheet.markdown.txt").read_text(encoding="utf-8").startswith("# ")
