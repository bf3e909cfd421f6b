"""`shingikai lint` of meeting files: the format, the agenda's cases (E501–E503), the
decisions (E504, E505), the dates (W501–W503), and the cases linted with their meeting."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CASES, MINIMAL, run

SEEDS = sorted(CASES.glob("*.yaml"))
HEAD = """\
version: 1
kind: 会議
fiscal_year: 令和3年度
number: {number}
date: {date}
place: 狛江市役所4階 特別会議室
"""


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A case repository (a git work tree) holding the six seed cases in cases/."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "cases").mkdir()
    (tmp_path / "meetings").mkdir()
    for path in SEEDS:
        (tmp_path / "cases" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def meeting(
    repository: Path, agenda: str, *, date: str = "令和4年1月17日（月）", name: str = "r3-3.yaml", number: int = 3
) -> Path:
    path = repository / "meetings" / name
    path.write_text(HEAD.format(date=date, number=number) + agenda, encoding="utf-8")
    return path


def findings(*args: str | Path, cwd: Path) -> tuple[int, list[str]]:
    """Exit status and the plain lines of `lint`, paths as given (relative to `cwd`)."""
    result = run("lint", *args, cwd=cwd)
    assert "Traceback" not in result.stderr
    return result.code, result.lines()


def test_the_seed_meeting_lints_its_six_cases_with_it() -> None:
    result = run("lint", "--format", "json", "--strict", CASES / "meetings" / "r3-3.yaml")
    assert (result.code, result.json()) == (0, {"findings": [], "files": 7})


def test_every_agenda_defect_at_its_case_value(repository: Path) -> None:
    (repository / "cases" / "notes.yaml").write_text("memo: 会議の日程\n", encoding="utf-8")
    (repository / "cases" / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    meeting(repository, "reports: []\n", name="r3-2.yaml")
    meeting(
        repository,
        "consultations:\n"
        "  - case: ../cases/ai-ocr-shoukyaku-shisan.yaml\n"  # 8
        "  - case: ../cases/./ai-ocr-shoukyaku-shisan.yaml\n"  # 9
        "  - case: ../cases/no-such-case.yaml\n"  # 10
        "  - case: ../../outside.yaml\n"  # 11
        "  - case: ../cases\n"  # 12
        "  - case: ../cases/scan.pdf\n"  # 13
        "  - case: r3-2.yaml\n"  # 14
        "  - case: ../cases/notes.yaml\n"  # 15
        "  - case: ../cases/kosodate-senkou-kyufukin.yaml\n"  # 16
        "reports:\n"
        "  - case: ../cases/koseki-cloud.yaml\n",  # 18
    )
    code, lines = findings("meetings/r3-3.yaml", cwd=repository)
    assert code == 1
    assert lines == [
        "meetings/r3-3.yaml:9:5: E502 諮問事項（2）の案件「../cases/./ai-ocr-shoukyaku-shisan.yaml」は諮問事項（1）（8 行目）と同じ案件です。一つの会議に同じ案件は一度だけ書きます",
        "meetings/r3-3.yaml:10:5: E501 諮問事項（3）の案件「../cases/no-such-case.yaml」のファイルがありません（会議ファイルのディレクトリからの相対パスで書きます）",
        f"meetings/r3-3.yaml:11:5: E501 諮問事項（4）の案件「../../outside.yaml」はリポジトリ（{repository}）の外を指しています。リポジトリの中のケースファイルを相対パスで書いてください",
        "meetings/r3-3.yaml:12:5: E501 諮問事項（5）の案件「../cases」はファイルではありません。ケースファイルのパスを書いてください",
        "meetings/r3-3.yaml:13:5: E501 諮問事項（6）の案件「../cases/scan.pdf」はケースファイル（*.yaml / *.yml）ではありません",
        "meetings/r3-3.yaml:14:5: E501 諮問事項（7）の案件「r3-2.yaml」は会議のファイル（kind: 会議）です。議題には案件のケースファイルを書いてください",
        "meetings/r3-3.yaml:15:5: E501 諮問事項（8）の案件「../cases/notes.yaml」は案件のケースファイルではありません（kind が 諮問 でも 報告 でもありません）",
        "meetings/r3-3.yaml:16:5: E503 諮問事項（9）の案件「../cases/kosodate-senkou-kyufukin.yaml」は報告事項のケース（kind: 報告）です。reports に移すか、ケースの kind を直してください",
        # Put to the council as a consultation, it would be one after the work began.
        "meetings/r3-3.yaml:16:5: W501 諮問事項（9）「令和3年度狛江市子育て世帯等臨時特別支援事業（子育て世帯への臨時特別給付（先行給付金））"
        "事業の対象者への通知に伴う目的外利用及び目的外利用に係る通知の要否並びに電子計算機処理による記録項目の追加について」の実施時期（令和3年12月から）"
        "が会議の日（令和4年1月17日（月））より前です。諮問は実施の前にします（実施した後なら報告事項です）",
        "meetings/r3-3.yaml:18:5: E503 報告事項（1）の案件「../cases/koseki-cloud.yaml」は諮問事項のケース（kind: 諮問）です。consultations に移すか、ケースの kind を直してください",
        "meetings/r3-3.yaml:18:5: W501 報告事項（1）「戸籍システム機器更新に伴う同システムのクラウドサービスの導入における保有個人情報の外部提供及び外部提供に伴う通知の要否について」"
        "の実施時期（令和4年11月（予定））が会議の日（令和4年1月17日（月））より後です。まだ実施していない事務は、報告ではなく事前に諮問します",
    ]


def test_decisions_per_list_and_their_conditions(repository: Path) -> None:
    meeting(
        repository,
        "consultations:\n"
        "  - case: ../cases/ai-ocr-shoukyaku-shisan.yaml\n"
        "    result: {decision: 了承}\n"  # 9
        "  - case: ../cases/gakkou-kenshin-itaku.yaml\n"
        "    result: {decision: 条件付承認}\n"  # 11
        "  - case: ../cases/koseki-cloud.yaml\n"
        "    result: {decision: 承認, conditions: 保存期間を定めること。}\n"  # 13
        "  - case: ../cases/hikazei-setai-kyufukin.yaml\n"
        "    result: {decision: 条件付承認, conditions: 保存期間を定めること。, opinion: 周知に努めること。}\n"
        "reports:\n"
        "  - case: ../cases/ninchisho-koureisha-sousaku.yaml\n"
        "    result:\n"
        "      decision: 承認\n"  # 19
        "  - case: ../cases/kosodate-senkou-kyufukin.yaml\n"
        "    result:\n"
        "      decision: 可決\n",  # 22
    )
    code, lines = findings("meetings/r3-3.yaml", cwd=repository)
    assert code == 1
    assert lines == [
        "meetings/r3-3.yaml:9:14: E504 諮問事項（1）の会議の結果「了承」は諮問事項では選べません（選べるのは 承認、条件付承認、不承認、継続審議）",
        "meetings/r3-3.yaml:11:14: E505 諮問事項（2）は条件付承認ですが、条件（conditions）がありません。審議会が付けた条件を書いてください",
        "meetings/r3-3.yaml:13:14: E505 諮問事項（3）の条件（conditions）は条件付承認のときだけ書きます（会議の結果は「承認」です）。条件付承認にするか、条件でない意見なら opinion に書いてください",
        "meetings/r3-3.yaml:19:7: E504 報告事項（1）の会議の結果「承認」は報告事項では選べません（選べるのは 了承、継続審議）",
        "meetings/r3-3.yaml:22:7: E204 会議の結果（reports[1].result.decision）の「可決」は選べません（選択肢: 承認、条件付承認、不承認、継続審議、了承）",
    ]


@pytest.mark.parametrize(
    ("date", "why"),
    [
        ("令和4年1月10日（月）", "祝日（成人の日）"),
        ("令和4年1月15日（土）", "土曜日"),
        ("令和4年1月16日（日）", "日曜日"),
        ("令和3年11月3日", "祝日（文化の日）"),
        ("令和2年5月6日（水）", "祝日（憲法記念日 振替休日）"),
    ],
    ids=["成人の日", "saturday", "sunday", "文化の日", "振替休日"],
)
def test_a_meeting_on_a_day_off(repository: Path, date: str, why: str) -> None:
    meeting(repository, "reports:\n  - case: ../cases/ninchisho-koureisha-sousaku.yaml\n", date=date)
    code, lines = findings("--select", "W502", "meetings/r3-3.yaml", cwd=repository)
    assert (code, lines) == (0, [f"meetings/r3-3.yaml:5:1: W502 会議の日（{date}）は{why}です。日付を確認してください"])


def test_a_weekday_that_is_no_holiday_is_quiet_and_a_wrong_weekday_is_w405(repository: Path) -> None:
    meeting(repository, "reports:\n  - case: ../cases/ninchisho-koureisha-sousaku.yaml\n", date="令和4年1月17日（火）")
    code, lines = findings("meetings/r3-3.yaml", cwd=repository)
    assert (code, lines) == (0, ["meetings/r3-3.yaml:5:7: W405 令和4年1月17日は月曜日ですが、（火）と書かれています。日付か曜日を直してください"])


def test_the_date_must_be_one_era_date(repository: Path) -> None:
    meeting(repository, "reports:\n  - case: ../cases/ninchisho-koureisha-sousaku.yaml\n", date="2022年1月17日")
    code, lines = findings("meetings/r3-3.yaml", cwd=repository)
    assert (code, lines) == (1, ["meetings/r3-3.yaml:5:1: E203 日時（date）は「令和4年1月17日（月）」のように書いてください（「2022年1月17日」は読めません）"])


@pytest.mark.parametrize(
    ("date", "agenda", "expected"),
    [
        # 令和4年11月（予定）: by the month.
        ("令和4年11月28日（月）", "consultations:\n  - case: ../cases/koseki-cloud.yaml\n", None),
        (
            "令和4年12月1日（木）",
            "consultations:\n  - case: ../cases/koseki-cloud.yaml\n",
            "諮問事項（1）「戸籍システム機器更新に伴う同システムのクラウドサービスの導入における保有個人情報の外部提供及び外部提供に伴う通知の要否について」"
            "の実施時期（令和4年11月（予定））が会議の日（令和4年12月1日（木））より前です。諮問は実施の前にします（実施した後なら報告事項です）",
        ),
        # 毎年4～6月: no year, not compared.
        ("令和5年7月3日（月）", "consultations:\n  - case: ../cases/gakkou-kenshin-itaku.yaml\n", None),
        # 令和4年1月18日～: the day before is in time, the day after is not.
        ("令和4年1月17日（月）", "consultations:\n  - case: ../cases/ai-ocr-shoukyaku-shisan.yaml\n", None),
        (
            "令和4年1月19日（水）",
            "consultations:\n  - case: ../cases/ai-ocr-shoukyaku-shisan.yaml\n",
            "諮問事項（1）「AI-OCRにおける読み込み項目情報の外部提供及び外部提供に係る通知の有無並びに電子計算機処理による結合について（課税課固定資産税係分）」"
            "の実施時期（令和4年1月18日～）が会議の日（令和4年1月19日（水））より前です。諮問は実施の前にします（実施した後なら報告事項です）",
        ),
        # A report of what has not happened yet.
        (
            "令和3年12月13日（月）",
            "reports:\n  - case: ../cases/ninchisho-koureisha-sousaku.yaml\n",
            "報告事項（1）「捜索のための都内自治体及び神奈川県内自治体に対する保有個人情報の外部提供について」の実施時期"
            "（令和3年12月14日から令和3年12月15日まで）が会議の日（令和3年12月13日（月））より後です。まだ実施していない事務は、報告ではなく事前に諮問します",
        ),
        # 令和3年12月から: the same month is not after.
        ("令和3年12月20日（月）", "reports:\n  - case: ../cases/kosodate-senkou-kyufukin.yaml\n", None),
    ],
    ids=["same month", "month after", "no year", "day before", "day after", "report before", "report same month"],
)
def test_w501_compares_at_the_periods_precision(repository: Path, date: str, agenda: str, expected: str | None) -> None:
    meeting(repository, agenda, date=date)
    code, lines = findings("--select", "W501", "meetings/r3-3.yaml", cwd=repository)
    assert code == 0
    assert lines == ([] if expected is None else [f"meetings/r3-3.yaml:8:5: W501 {expected}"])


def test_w503_a_case_decided_at_an_earlier_meeting_of_the_directory(repository: Path) -> None:
    meeting(
        repository,
        "consultations:\n"
        "  - case: ../cases/koseki-cloud.yaml\n    result: {decision: 承認}\n"
        "  - case: ../cases/hikazei-setai-kyufukin.yaml\n    result: {decision: 継続審議}\n",
        date="令和3年12月20日（月）",
        name="r3-2.yaml",
        number=2,
    )
    later = (
        "consultations:\n"
        "  - case: ../cases/koseki-cloud.yaml\n"  # 8
        "  - case: ../cases/hikazei-setai-kyufukin.yaml\n"
    )
    meeting(repository, later)
    code, lines = findings("meetings/", cwd=repository)
    assert code == 0
    assert lines == [
        "meetings/r3-3.yaml:8:5: W503 諮問事項（1）の案件「../cases/koseki-cloud.yaml」は令和3年度第2回狛江市個人情報保護審議会の諮問事項（1）で"
        "「承認」となった案件です。変更して付し直すなら、変更後の内容を新しいケースファイルにしてください",
    ]
    # Meetings of another directory are not compared.
    (repository / "meetings" / "r3-2.yaml").rename(repository / "r3-2.yaml")
    assert findings("meetings/", cwd=repository) == (0, [])


def test_a_cases_findings_are_reported_once_at_the_case(repository: Path) -> None:
    case = repository / "cases" / "koseki-cloud.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("items: [氏名, 本籍,", "items: [氏名, 本籍籍,"), encoding="utf-8")
    agenda = "consultations:\n  - case: ../cases/koseki-cloud.yaml\n"
    meeting(repository, agenda, name="r3-3.yaml")
    meeting(repository, agenda.replace("koseki", "./koseki"), name="r3-4.yaml", date="令和4年1月24日（月）")
    finding = "cases/koseki-cloud.yaml:22:15: E205 「本籍籍」は保有個人情報の項目表にありません。「本籍」の誤りではありませんか（表にない項目は other_items に書きます）"
    for args in (["meetings/r3-3.yaml"], ["meetings/"], ["meetings/", "cases/koseki-cloud.yaml"], ["cases/koseki-cloud.yaml", "meetings/"]):
        code, lines = findings(*args, cwd=repository)
        assert (code, [line for line in lines if "koseki" in line.split(":")[0]]) == (1, [finding]), args
    result = run("lint", "--format", "json", "meetings/", cwd=repository)
    assert result.json()["files"] == 3
    assert [(f["path"], f["line"], f["column"], f["code"]) for f in result.json()["findings"]] == [
        ("cases/koseki-cloud.yaml", 22, 15, "E205")
    ]


def test_an_unreadable_case_on_the_agenda_is_reported_at_the_case(repository: Path) -> None:
    (repository / "cases" / "broken.yaml").write_text("version: 1\ntitle: [\n", encoding="utf-8")
    meeting(repository, "consultations:\n  - case: ../cases/broken.yaml\n")
    code, lines = findings("meetings/r3-3.yaml", cwd=repository)
    assert code == 1
    assert lines == ["cases/broken.yaml:3:1: E101 YAML の構文エラー: 値があるべき位置です"]


def test_a_broken_meeting_file(repository: Path) -> None:
    path = repository / "meetings" / "broken.yaml"
    path.write_text(
        "version: 1\nkind: 会議\nfiscal_year: 令和3年\nnumber: 第3回\ndate: 令和4年1月17日（月）\nplace:\nagenda: []\n",
        encoding="utf-8",
    )
    code, lines = findings("meetings/broken.yaml", cwd=repository)
    assert code == 1
    assert lines == [
        "meetings/broken.yaml:1:1: E201 議題がありません。諮問事項（consultations）か報告事項（reports）に案件を一つ以上書いてください",
        "meetings/broken.yaml:3:1: E203 年度（fiscal_year）は「令和3年度」のように書いてください（「令和3年」は読めません）",
        "meetings/broken.yaml:4:1: E203 第N回（number）は整数で書いてください",
        "meetings/broken.yaml:6:1: E201 場所（place）が空です",
        "meetings/broken.yaml:7:1: E202 不明なキー「agenda」です。ここに書けるキー: version、kind、fiscal_year、number、date、time、place、consultations、reports、attachments、remarks",
    ]
    path.write_text("version: 1\nkind: 会議\nconsultations:\n  - case: [\n", encoding="utf-8")
    code, lines = findings("meetings/broken.yaml", cwd=repository)
    assert code == 1 and len(lines) == 1 and lines[0].startswith("meetings/broken.yaml:5:1: E101 ")


def test_suppression_and_configuration_apply_to_a_meeting(repository: Path) -> None:
    path = meeting(repository, "reports:\n  - case: ../cases/ninchisho-koureisha-sousaku.yaml\n", date="令和4年1月10日（月）")
    assert findings("meetings/r3-3.yaml", cwd=repository)[1] != []
    path.write_text(path.read_text(encoding="utf-8").replace("（月）\n", "（月）  # shingikai: ignore[W502]\n"), encoding="utf-8")
    assert findings("meetings/r3-3.yaml", cwd=repository) == (0, [])
    path.write_text(path.read_text(encoding="utf-8").replace("  # shingikai: ignore[W502]", ""), encoding="utf-8")
    (repository / "shingikai.toml").write_text('[lint]\nper-file-ignores = { "meetings/*.yaml" = ["W5"] }\n', encoding="utf-8")
    assert findings("meetings/r3-3.yaml", cwd=repository) == (0, [])
    assert findings("--strict", "--select", "W502", "--config", "/dev/null", "meetings/r3-3.yaml", cwd=repository)[0] == 1


def test_text_rules_read_a_meetings_strings(repository: Path) -> None:
    path = meeting(repository, "reports:\n  - case: ../cases/ninchisho-koureisha-sousaku.yaml\n")
    path.write_text(path.read_text(encoding="utf-8").replace("狛江市役所4階", "柏江市役所 TODO"), encoding="utf-8")
    code, lines = findings("meetings/r3-3.yaml", cwd=repository)
    assert (code, lines) == (
        0,
        [
            "meetings/r3-3.yaml:6:8: W404 「柏江市」は「狛江市」の誤りではありませんか（実在する別の名前なら設定の known_names に加えてください）",
            "meetings/r3-3.yaml:6:14: W403 記入例・未記入の印「TODO」が残っています。実際の内容に書き換えてください",
        ],
    )


def test_a_directory_holding_cases_and_meetings_checks_both(repository: Path) -> None:
    meeting(repository, "reports:\n  - case: ../cases/ninchisho-koureisha-sousaku.yaml\n", date="令和4年1月10日（月）")
    (repository / "cases" / "bad.yaml").write_text(MINIMAL.replace("items: [住所]", "items: [電話]"), encoding="utf-8")
    result = run("lint", "--format", "json", repository, cwd=repository)
    assert result.code == 1
    assert result.json()["files"] == 8
    assert [(Path(f["path"]).name, f["code"]) for f in result.json()["findings"]] == [("bad.yaml", "E205"), ("r3-3.yaml", "W502")]


def test_the_process_pool_lints_a_meetings_cases_once(repository: Path) -> None:
    # Enough files for the process pool; the meeting's broken case is reported once.
    for number in range(230):
        (repository / "cases" / f"case-{number:03}.yaml").write_text(MINIMAL, encoding="utf-8")
    (repository / "cases" / "case-117.yaml").write_text(MINIMAL.replace("items: [住所]", "items: [電話]"), encoding="utf-8")
    meeting(repository, "consultations:\n  - case: ../cases/case-117.yaml\n  - case: ../cases/case-200.yaml\n")
    for args in (["meetings/", "cases/"], ["cases/", "meetings/"], ["meetings/"]):
        result = run("lint", "--format", "json", *args, cwd=repository)
        assert result.code == 1
        assert [(f["path"], f["line"], f["code"]) for f in result.json()["findings"]] == [("cases/case-117.yaml", 11, "E205")], args


def test_hostile_agenda_paths_are_findings_not_tracebacks(repository: Path) -> None:
    long = "a" * 5000
    paths = [f"../cases/{long}.yaml", "/etc/passwd", "~/x.yaml", "../cases/*.yaml", "..", "file:///etc/passwd"]
    agenda = "consultations:\n" + "".join(f"  - case: '{path}'\n" for path in paths)
    agenda += "reports: [1, {case: [a]}]\n" + f"attachments: [{{title: 長い名前, file: '{long}'}}]\n"
    meeting(repository, agenda)
    result = run("lint", "--format", "json", "meetings/r3-3.yaml", cwd=repository)
    assert result.code == 1 and "Traceback" not in result.stderr
    assert [(f["line"], f["code"]) for f in result.json()["findings"]] == [
        (8, "E501"), (9, "E501"), (10, "E501"), (11, "E501"), (12, "E501"), (13, "E501"),
        (14, "E203"), (14, "E203"), (15, "W407"),
    ]  # fmt: skip
    forced = run("render", "--force", "meetings/r3-3.yaml", "-o", "out", cwd=repository)
    assert forced.code == 0 and "Traceback" not in forced.stderr
    assert sorted(p.name for p in (repository / "out").iterdir()) == ["index.html"]


def test_one_run_reads_each_file_once(repository: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from collections import Counter

    from shingikai.lint import shelf
    from shingikai.lint.config import ConfigResolver
    from shingikai.lint.pipeline import lint_run

    reads: Counter[str] = Counter()
    read = shelf.read_source

    def counted(path: str) -> bytes:
        reads[str(Path(path).resolve())] += 1
        return read(path)

    monkeypatch.setattr(shelf, "read_source", counted)
    agenda = "consultations:\n  - case: ../cases/koseki-cloud.yaml\n  - case: ../cases/ai-ocr-shoukyaku-shisan.yaml\n"
    meeting(repository, agenda, name="r3-3.yaml")
    meeting(repository, agenda, name="r3-4.yaml", number=4, date="令和4年2月21日（月）")
    paths = [str(repository / "meetings"), str(repository / "cases" / "koseki-cloud.yaml")]
    results = list(lint_run(paths, ConfigResolver(None), None, [], lambda message: None))
    assert [Path(result.display).name for result in results] == ["r3-3.yaml", "r3-4.yaml", "koseki-cloud.yaml", "ai-ocr-shoukyaku-shisan.yaml"]
    assert set(reads.values()) == {1} and len(reads) == 4
