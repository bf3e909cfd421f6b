"""`shingikai render` to HTML: the sheet's structure, marks and 理由; the CLI's outputs and refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from shingikai.model.vocabulary import ITEM_GROUPS, ITEMS

from conftest import CASES, EXAMPLE, EXAMPLE_BASES, dump, overlay, run

SEEDS = sorted(CASES.glob("*.yaml"))
HEADING = "狛江市個人情報保護審議会付議案件シート"
PURPOSE = "{}の趣旨は、{}される保有個人情報の本人に対し、自己情報コントロール権の保障及び当該権利行使の機会の作出することにある。"
CONCLUSION = (
    "以上の理由により、保有個人情報を{0}することにつき本人が自己情報コントロール権を行使しないことが"
    "一般通常人の立場から明らかであるといえることから、本件については、同条同項ただし書を適用し、"
    "{0}にかかる通知は不要といたしたい。"
)


def text(tag: Tag) -> str:
    return tag.get_text().strip()


def render_html(*args: str | Path, cwd: Path | None = None) -> BeautifulSoup:
    result = run("render", *args, cwd=cwd)
    assert result.code == 0, result.stderr
    return BeautifulSoup(result.stdout, "html.parser")


def seed(name: str) -> dict[str, Any]:
    return yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))


def rows(soup: BeautifulSoup) -> list[Tag]:
    return soup.select("table.sheet > tbody > tr")


def row_labels(soup: BeautifulSoup) -> list[str]:
    """Each row of the sheet as its header cells ("外部提供/外部提供先の概要"), or 項目表 for a grid."""
    labels = []
    for tr in rows(soup):
        if tr.select_one(":scope > td[colspan='3']"):
            labels.append("項目表")
        else:
            labels.append("/".join(text(th) for th in tr.find_all("th", recursive=False)))
    return labels


def cell(soup: BeautifulSoup, label: str) -> Tag:
    """The content cell of the row whose last header cell reads `label`."""
    for tr in rows(soup):
        headers = tr.find_all("th", recursive=False)
        if headers and text(headers[-1]) == label:
            return tr.find_all("td", recursive=False)[-1]
    raise AssertionError(f"no row {label}")


def paragraphs(tag: Tag) -> list[str]:
    return [p.get_text("\n") for p in tag.find_all("p", recursive=False)]


def marks(tag: Tag) -> list[str]:
    return [text(mark) for mark in tag.select(".mark")]


def grids(soup: BeautifulSoup) -> list[Tag]:
    return soup.select("table.sheet > tbody > tr > td[colspan='3']")


def notice_reason(soup: BeautifulSoup) -> list[list[str]]:
    parts = soup.select("tr.notice ol.reason > li")
    return [[p.get_text() for p in part.select("div > p")] for part in parts]


# The sheet: a standalone file that reads like the seed.


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_every_seed_renders_as_a_standalone_japanese_page(path: Path) -> None:
    result = run("render", path)
    assert result.code == 0, result.stderr
    soup = BeautifulSoup(result.stdout, "html.parser")
    assert soup.html is not None and soup.html["lang"] == "ja"
    assert soup.find("meta", charset=True)["charset"].lower() == "utf-8"  # type: ignore[index]
    assert soup.style is not None and "@page" in soup.style.get_text()
    # Nothing to fetch: no scripts, stylesheets, images, frames or remote URLs.
    assert not soup.find_all(["script", "link", "img", "iframe", "object", "embed"])
    assert "http://" not in result.stdout and "https://" not in result.stdout
    header = soup.select_one("table.sheet > thead")
    assert header is not None
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    label = case["departments"][0].rsplit("部", 1)[-1]
    assert [text(header.h1), text(header.select_one(".department"))] == [HEADING, f"【{label}】"]  # type: ignore[arg-type]


def test_the_sheet_has_every_row_in_the_sheets_order() -> None:
    soup = render_html(EXAMPLE)
    assert row_labels(soup) == [
        "■諮問事項□報告事項",
        "根拠規定",
        "主管課",
        "事務の名称",
        "事務の概要",
        "実施時期",
        "件数",
        "項目表",
        "その他の項目",
        "外部提供/外部提供先の概要",
        "外部提供の形態",
        "外部提供の理由、方法等",
        "外部提供先での個人情報の管理の方法",
        "外部提供する条件",
        "電子計算機処理による結合/結合する市の電子計算機の概要",
        "結合する第三者の電子計算機の概要",
        "結合する通信回線の概要",
        "通知/外部提供",
        "その他資料",
        "備考",
    ]


def test_the_record_items_section_follows_the_notices_with_its_own_grid() -> None:
    soup = render_html(CASES / "kosodate-senkou-kyufukin.yaml")
    labels = row_labels(soup)
    assert labels[7:] == [
        "項目表",
        "その他の項目",
        "目的外利用/目的外利用をする個人情報取扱事務（提供元の事務）の名称",
        "目的外利用をする個人情報取扱事務（提供元の事務）を行う組織の名称",
        "目的外利用の理由、方法等",
        "通知/目的外利用",
        "項目表",
        "その他の記録項目",
        # As on the printed sheet, the section's long name spans both label columns.
        "電子計算機処理による記録項目の設定、追加又は変更",
        "",
        "その他資料",
        "備考",
    ]
    record = [tr for tr in rows(soup) if tr.select_one("th.group[colspan='2']")][0]
    following = record.find_next_sibling("tr")
    assert following is not None
    assert [paragraphs(tr.find_all("td", recursive=False)[-1]) for tr in (record, following)] == [
        ["（システム）", "児童手当システム"],
        ["【記録項目の設定、追加又は変更をする電子計算機処理の概要】", "児童手当システムの記録項目に追加する。"],
    ]


def test_all_six_bases_show_their_article_and_mark() -> None:
    soup = render_html(EXAMPLE)
    assert [text(li) for li in cell(soup, "根拠規定").select("li")] == EXAMPLE_BASES


def test_other_basis_is_written_in_its_box_and_the_kind_is_marked() -> None:
    soup = render_html(CASES / "ninchisho-koureisha-sousaku.yaml")
    bases = [text(li) for li in cell(soup, "根拠規定").select("li")]
    assert bases[2] == "□ ③条例第13条第2項第4号 外部提供"
    assert bases[5] == "■ ⑥その他（条例第13条第4項）"
    kind = soup.select_one("th.kind")
    assert kind is not None and marks(kind) == ["□諮問事項", "■報告事項"]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_each_action_section_shows_the_whole_item_grid(path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    sections = [case[key] for key in ("indirect_collection", "secondary_use", "external_provision", "record_items") if key in case]
    soup = render_html(path)
    found = grids(soup)
    assert len(found) == len(sections)
    # The grids come in the order of the sections (記録項目 last, after the notices).
    for grid, section in zip(found, sections):
        table = grid.select_one("table.grid")
        assert table is not None
        assert [text(th) for th in table.select("thead th")] == list(ITEM_GROUPS)
        shown = marks(table)
        ticked = set(section.get("items", []))
        assert sorted(shown) == sorted(("■" if item in ticked else "□") + item for item in ITEMS)
        other = "その他の記録項目" if section is case.get("record_items") else "その他の項目"
        assert text(cell(soup, other)) == "、".join(section.get("other_items", []))


def test_the_grid_lays_the_items_out_as_the_printed_sheet() -> None:
    table = grids(render_html(EXAMPLE))[0].select_one("table.grid")
    assert table is not None
    first_rows = [[text(td) for td in tr.select("td")] for tr in table.select(":scope > tbody > tr")]
    assert first_rows[0] == ["□識別番号", "■氏名", "□健康状態", "□家族状況", "□職業", "□職歴"]
    assert first_rows[4] == ["■電話番号", "", "", "", "■財産", "□収入"]
    assert first_rows[6] == ["□口座情報", "", "", "", "□公的扶助", ""]


def test_the_action_line_marks_the_sections_action_and_record_operation() -> None:
    soup = render_html(CASES / "kosodate-senkou-kyufukin.yaml")
    secondary, record = (marks(grid.select_one(".actions")) for grid in grids(soup))  # type: ignore[arg-type]
    assert secondary == ["□収集する個人情報の項目", "■目的外利用する", "□外部提供する", "□記録項目に設定する", "□記録項目に追加する", "□記録項目に変更する"]
    assert record == ["□収集する個人情報の項目", "□目的外利用する", "□外部提供する", "□記録項目に設定する", "■記録項目に追加する", "□記録項目に変更する"]


def test_media_are_marked_with_the_concrete_form() -> None:
    soup = render_html(EXAMPLE)
    media = cell(soup, "外部提供の形態")
    assert marks(media) == ["□紙媒体", "□電磁的記録媒体", "■その他の媒体"]
    assert paragraphs(media)[1:] == ["（具体的な形態）", seed("ai-ocr-shoukyaku-shisan")["external_provision"]["media_detail"]]


def test_notice_withheld_has_the_three_part_reason_for_external_provision() -> None:
    case = seed("ai-ocr-shoukyaku-shisan")
    soup = render_html(EXAMPLE)
    notice = cell(soup, "外部提供")
    assert marks(notice) == ["□有", "■無"]
    assert [text(n) for n in notice.select("ol.reason .number")] == ["1", "2", "3"]
    proviso = case["external_provision"]["notice"]["proviso"]
    assert notice_reason(soup) == [
        [PURPOSE.format("条例第13条第5項の規定", "外部提供")],
        [proviso["risk"], proviso["necessity"]],
        [CONCLUSION.format("外部提供")],
    ]


def test_notice_withheld_for_secondary_use_names_its_article() -> None:
    reason = notice_reason(render_html(CASES / "kosodate-senkou-kyufukin.yaml"))
    assert reason[0] == [PURPOSE.format("条例第12条第5項の規定", "目的外利用")]
    assert reason[2] == [CONCLUSION.format("目的外利用")]


def test_notice_given_shows_timing_and_method() -> None:
    soup = render_html(CASES / "ninchisho-koureisha-sousaku.yaml")
    notice = cell(soup, "外部提供")
    assert marks(notice) == ["■有", "□無", "□事前", "■事後"]
    assert paragraphs(notice)[-2:] == ["（方法）", "本人へ送付した。"]
    assert not notice.select("ol.reason")


INDIRECT = {
    "title": "市民税の賦課に係る保有個人情報の本人外収集及び本人外収集に係る通知の要否について",
    "bases": ["本人外収集"],
    "indirect_collection": {
        "items": ["氏名", "住所", "収入"],
        "source": "勤務先の事業者",
        "reason": "給与支払報告書により収集する。",
        "notice": {"given": "無", "proviso": {"risk": "リスクは低いと言える。", "necessity": "必要性は高いものである。"}},
    },
}


def indirect_case(example: dict[str, Any]) -> dict[str, Any]:
    data = overlay(example, INDIRECT)
    del data["external_provision"], data["linkage"]
    return data


def test_notice_withheld_for_indirect_collection_names_the_provision_in_words(
    example: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "indirect.yaml"
    path.write_text(dump(indirect_case(example)), encoding="utf-8")
    soup = render_html(path)
    assert notice_reason(soup) == [
        [PURPOSE.format("本人外収集に係る通知の規定", "本人外収集")],
        ["リスクは低いと言える。", "必要性は高いものである。"],
        [CONCLUSION.format("本人外収集")],
    ]
    assert marks(grids(soup)[0].select_one(".actions"))[0] == "■収集する個人情報の項目"  # type: ignore[arg-type]
    assert [text(cell(soup, label)) for label in ("収集先", "本人外収集の理由、方法等")] == ["勤務先の事業者", "給与支払報告書により収集する。"]


def test_the_ruleset_names_the_council_and_the_articles(example: dict[str, Any], tmp_path: Path) -> None:
    (tmp_path / "shingikai.toml").write_text(
        'council = "架空市個人情報保護審議会"\n'
        "[articles]\n"
        '"外部提供" = "条例第20条第1項"\n'
        '"外部提供の通知" = "条例第20条第3項"\n'
        '"本人外収集の通知" = "条例第9条第3項"\n',
        encoding="utf-8",
    )
    (tmp_path / "a.yaml").write_text(dump(example), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(dump(indirect_case(example)), encoding="utf-8")
    soup = render_html(tmp_path / "a.yaml")
    assert text(soup.select_one("thead h1")) == "架空市個人情報保護審議会付議案件シート"  # type: ignore[arg-type]
    assert "■ ③条例第20条第1項 外部提供" in [text(li) for li in cell(soup, "根拠規定").select("li")]
    assert notice_reason(render_html(tmp_path / "b.yaml"))[0] == [PURPOSE.format("条例第9条第3項の規定", "本人外収集")]


def test_blank_lines_make_paragraphs_and_single_newlines_line_breaks(example: dict[str, Any], tmp_path: Path) -> None:
    example["summary"] = "一行目\n二行目\n\n\n次の段落\n"
    example["remarks"] = "備考の一行目\n備考の二行目"
    path = tmp_path / "case.yaml"
    path.write_text(dump(example), encoding="utf-8")
    soup = render_html(path)
    summary = cell(soup, "事務の概要")
    assert paragraphs(summary) == ["一行目\n二行目", "次の段落"]
    assert len(summary.select("br")) == 1
    assert paragraphs(cell(soup, "備考")) == ["備考の一行目\n備考の二行目"]


def test_user_text_is_never_template_source_nor_markup(example: dict[str, Any], tmp_path: Path) -> None:
    title = "{{ 7*7 }}{% raw %}<script>alert(1)</script><b>太字</b>&amp;について"
    example["title"] = title
    example["business_name"] = "{{ sheet.__class__ }}"
    path = tmp_path / "case.yaml"
    path.write_text(dump(example), encoding="utf-8")
    result = run("render", path)
    assert result.code == 0, result.stderr
    soup = BeautifulSoup(result.stdout, "html.parser")
    assert text(soup.select_one("td.subject")) == title  # type: ignore[arg-type]
    assert text(cell(soup, "事務の名称")) == "{{ sheet.__class__ }}"
    assert not soup.find_all(["script", "b"])
    assert "49" not in text(soup.select_one("td.subject"))  # type: ignore[arg-type]


def test_attachments_link_only_to_plain_paths_inside_the_repository(example: dict[str, Any], tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "概要 資料.pdf").write_bytes(b"%PDF-1.4\n")
    example["attachments"] = [
        {"title": "事業概要資料", "file": "../docs/概要 資料.pdf"},
        {"title": "スクリプト", "file": "javascript:alert(1)"},
        {"title": "外の資料", "file": "../../outside.pdf"},
        {"title": "絶対パス", "file": "/etc/passwd"},
        {"title": "ファイルなし"},
    ]
    (tmp_path / "cases").mkdir()
    path = tmp_path / "cases" / "case.yaml"
    path.write_text(dump(example), encoding="utf-8")
    result = run("render", path, "-o", tmp_path / "site" / "case.html")
    assert result.code == 0, result.stderr
    assert "W407" in result.stderr
    soup = BeautifulSoup((tmp_path / "site" / "case.html").read_text(encoding="utf-8"), "html.parser")
    items = cell(soup, "その他資料").select("li")
    links = [a["href"] for a in cell(soup, "その他資料").select("a")]
    assert links == ["../docs/%E6%A6%82%E8%A6%81%20%E8%B3%87%E6%96%99.pdf"]
    assert ((tmp_path / "site") / "../docs/概要 資料.pdf").is_file()
    assert [text(li) for li in items] == [
        "事業概要資料",
        "スクリプト（javascript:alert(1)）",
        "外の資料（../../outside.pdf）",
        "絶対パス（/etc/passwd）",
        "ファイルなし",
    ]


# Lint before render.


def write_case(tmp_path: Path, data: dict[str, Any], name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(data), encoding="utf-8")
    return path


def test_a_case_with_errors_is_not_rendered(example: dict[str, Any], tmp_path: Path) -> None:
    del example["external_provision"]["conditions"]
    path = write_case(tmp_path, example)
    result = run("render", path)
    assert result.code == 1
    assert result.stdout == ""
    assert f"{path}:" in result.stderr and " E308 " in result.stderr
    assert "--force" in result.stderr
    site = tmp_path / "site"
    assert run("render", path, "-o", site).code == 1
    assert not site.exists()


def test_force_renders_with_a_banner_listing_the_findings(example: dict[str, Any], tmp_path: Path) -> None:
    del example["external_provision"]["conditions"]
    path = write_case(tmp_path, example)
    result = run("render", "--force", path)
    assert result.code == 0, result.stderr
    soup = BeautifulSoup(result.stdout, "html.parser")
    banner = soup.select_one(".banner")
    assert banner is not None and "検査エラー" in text(banner)
    findings = [text(li) for li in banner.select("li")]
    assert len(findings) == 1 and findings[0].startswith(f"{path}:") and " E308 " in findings[0]
    assert findings[0] in result.stderr


def test_an_unreadable_case_cannot_be_forced(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("version: 1\ntitle: [\n", encoding="utf-8")
    result = run("render", "--force", path)
    assert result.code == 1
    assert result.stdout == ""
    assert "E101" in result.stderr and "--force でも出力できません" in result.stderr
    assert "シートにできないケースがあるため、何も出力しませんでした（上のエラーを直してください）" in result.stderr
    assert "Traceback" not in result.stderr


def test_warnings_are_shown_but_do_not_block(example: dict[str, Any], tmp_path: Path) -> None:
    example["remarks"] = "要確認"
    path = write_case(tmp_path, example)
    result = run("render", path)
    assert result.code == 0
    assert " W403 " in result.stderr
    assert BeautifulSoup(result.stdout, "html.parser").select_one(".banner") is None


# Outputs.


def copy_seeds(directory: Path) -> Path:
    """The six seed cases alone (cases/ also holds their meeting)."""
    directory.mkdir(parents=True)
    for path in SEEDS:
        (directory / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return directory


def test_a_directory_of_cases_renders_one_sheet_per_case_and_the_index(tmp_path: Path) -> None:
    site = tmp_path / "out" / "site"
    result = run("render", copy_seeds(tmp_path / "cases"), "-o", site)
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in site.iterdir()) == sorted([*(f"{p.stem}.html" for p in SEEDS), "index.html"])
    assert str(site) in result.stderr
    index = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert index.html is not None and index.html["lang"] == "ja"
    assert text(index.h1) == "狛江市個人情報保護審議会 付議案件一覧"  # type: ignore[arg-type]
    groups = index.select("main > section")
    assert [text(g.h2) for g in groups] == ["諮問事項", "報告事項"]  # type: ignore[arg-type]
    listed: dict[str, list[list[str]]] = {}
    for group in groups:
        listed[text(group.h2)] = []  # type: ignore[arg-type]
        for tr in group.select("tbody tr"):
            link = tr.select_one("a")
            assert link is not None and (site / str(link["href"])).is_file()
            sheet = yaml.safe_load((CASES / str(link["href"]).replace(".html", ".yaml")).read_text(encoding="utf-8"))
            assert text(link) == sheet["title"]
            listed[text(group.h2)].append([td.get_text("|").strip() for td in tr.select("td")])  # type: ignore[arg-type]
    assert [row[0] for row in listed["諮問事項"]] == ["（1）", "（2）", "（3）", "（4）"]
    assert listed["報告事項"][1][2:] == ["福祉保健部福祉相談課", "⑥その他（条例第13条第4項）"]
    assert listed["諮問事項"][0][2:] == [
        "企画財政部情報政策課・市民生活部課税課",
        "③条例第13条第2項第4号 外部提供|⑤条例第15条第1項第2号 電子計算機処理による結合",
    ]


def test_o_file_writes_one_sheet(tmp_path: Path) -> None:
    target = tmp_path / "new" / "sheet.html"
    result = run("render", EXAMPLE, "-o", target)
    assert result.code == 0, result.stderr
    assert target.read_text(encoding="utf-8") == run("render", EXAMPLE).stdout
    assert sorted(p.name for p in target.parent.iterdir()) == ["sheet.html"]


def test_one_file_into_an_existing_directory_gets_its_sheet_and_an_index(tmp_path: Path) -> None:
    result = run("render", EXAMPLE, "-o", tmp_path)
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ai-ocr-shoukyaku-shisan.html", "index.html"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cases/ai-ocr-shoukyaku-shisan.yaml", "cases/koseki-cloud.yaml"], "-o DIR"),
        (["cases/"], "-o DIR"),
        (["cases/", "-o", "README.md"], "ディレクトリではありません"),
        (["cases/nothing.yaml"], "ありません"),
        (["--format", "docx", "cases/koseki-cloud.yaml"], "html, md, pdf"),
        (["--format", "pdf", "cases/koseki-cloud.yaml"], "-o で出力先"),
        (["--templates", "no-such-dir", "cases/koseki-cloud.yaml"], "no-such-dir"),
    ],
)
def test_usage_problems_exit_2_with_a_japanese_message(args: list[str], message: str) -> None:
    result = run("render", *args, cwd=CASES.parent)
    assert result.code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_outputs_must_not_collide(example: dict[str, Any], tmp_path: Path) -> None:
    write_case(tmp_path / "in", example, "a/same.yaml")
    write_case(tmp_path / "in", example, "b/same.yaml")
    result = run("render", tmp_path / "in", "-o", tmp_path / "site")
    assert result.code == 2
    assert "same.html" in result.stderr
    assert not (tmp_path / "site").exists()
    index = write_case(tmp_path / "other", example, "index.yaml")
    result = run("render", index.parent, "-o", tmp_path / "site")
    assert result.code == 2 and "index" in result.stderr


def test_a_failed_write_leaves_no_partial_or_temporary_file(example: dict[str, Any], tmp_path: Path) -> None:
    write_case(tmp_path / "in", example, "a.yaml")
    write_case(tmp_path / "in", example, "b.yaml")
    site = tmp_path / "site"
    (site / "b.html").mkdir(parents=True)
    result = run("render", tmp_path / "in", "-o", site)
    assert result.code == 2
    assert "b.html" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in site.iterdir()) == ["a.html", "b.html"]
    assert (site / "b.html").is_dir()


def test_stdout_is_utf8_whatever_the_locale() -> None:
    result = run("render", EXAMPLE, env={"PYTHONIOENCODING": "ascii", "LC_ALL": "C"})
    assert result.code == 0, result.stderr
    assert HEADING in result.stdout


def test_lint_does_not_import_the_template_engine() -> None:
    result = run("lint", EXAMPLE, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.code == 0
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "shingikai.cli" in imported
    assert not {name for name in imported if name.startswith(("jinja2", "shingikai.render"))}


# Templates.


def test_a_city_overrides_one_template_and_keeps_the_others(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "sheet.html.j2").write_text(
        '{% import "_macros.html.j2" as m %}<article lang="ja"><h1>{{ sheet.heading }}</h1>{{ m.text(sheet.subject) }}</article>\n',
        encoding="utf-8",
    )
    site = tmp_path / "site"
    result = run("render", *SEEDS, "-o", site, "--templates", templates)
    assert result.code == 0, result.stderr
    soup = BeautifulSoup((site / "koseki-cloud.html").read_text(encoding="utf-8"), "html.parser")
    assert text(soup.h1) == HEADING  # type: ignore[arg-type]
    assert text(soup.p) == seed("koseki-cloud")["title"]  # type: ignore[arg-type]
    assert "付議案件一覧" in (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "source", "message"),
    [
        ("sheet.html.j2", "{{ sheet.title.__class__.__mro__[1].__subclasses__() }}", "sheet.html.j2"),
        ("sheet.html.j2", "{% if %}", "sheet.html.j2:1"),
        ("sheet.md.j2", "# {{ sheet.title }}\n", "md フィルタ"),
    ],
    ids=["sandbox", "syntax", "md-filter"],
)
def test_a_broken_override_is_a_clear_error(tmp_path: Path, name: str, source: str, message: str) -> None:
    (tmp_path / name).write_text(source, encoding="utf-8")
    output_format = name.split(".")[1]
    result = run("render", "--format", output_format, "--templates", tmp_path, EXAMPLE)
    assert result.code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
