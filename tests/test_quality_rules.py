"""W4: quality and publication checks — precision as much as recall."""

from __future__ import annotations

import pytest

from conftest import MINIMAL, lint_text


def codes(found):
    return [(line, column, code) for line, column, code, _ in found]


def with_summary(text: str) -> str:
    return MINIMAL.replace("summary: 概要\n", "summary: |\n" + "".join(f"  {line}\n" for line in text.splitlines()))


RECORD = "record_items:\n  operation: {op}\n  system: 児童手当システム\n  items: [住所]\n  processing_summary: 児童手当システムの記録項目に{op}する。\n"


def with_record(title_tail: str, op: str) -> str:
    return (
        MINIMAL.replace("bases: [外部提供]", "bases: [外部提供, 記録項目]").replace(
            "通知の要否について", f"通知の要否並びに{title_tail}について"
        )
        + RECORD.format(op=op)
    )


# W401 -----------------------------------------------------------------------


def test_w401_title_without_a_declared_basis(write):
    _, found = lint_text(write, MINIMAL.replace("title: 外部提供及び外部提供に係る通知の要否について", "title: 委託について"))
    assert found == [
        (3, 1, "W401", "件名が根拠規定の「外部提供」に触れていません"),
        (3, 1, "W401", "通知を 無 とした欄がありますが、件名が通知（「…に係る通知の要否」など）に触れていません"),
    ]


def test_w401_notice_given_needs_no_mention_of_notice(write):
    text = MINIMAL.replace("    given: 無\n    proviso:\n      risk: リスクは低い。\n      necessity: 必要性は高い。\n", "    given: 有\n    timing: 事前\n    method: 本人へ送付する。\n")
    result, found = lint_text(write, text.replace("外部提供及び外部提供に係る通知の要否について", "外部提供について"))
    assert (result.code, found) == (0, [])


def test_w401_record_operation_differs_from_the_title(write):
    _, found = lint_text(write, with_record("電子計算機処理による記録項目の設定", "追加"))
    assert found == [(3, 1, "W401", "件名は記録項目の「設定」ですが、record_items.operation は「追加」です")]


@pytest.mark.parametrize(
    ("tail", "op"),
    [
        ("電子計算機処理による記録項目の追加", "追加"),
        ("記録項目の設定", "設定"),
        ("電子計算機処理による記録項目の設定、追加又は変更", "変更"),
        ("記録項目の設定・追加", "追加"),
    ],
)
def test_w401_record_operation_matching_or_generic(write, tail, op):
    result, found = lint_text(write, with_record(tail, op))
    assert (result.code, found) == (0, [])


# W402 -----------------------------------------------------------------------


def test_w402_summary_names_an_item_no_section_ticks(write):
    text = with_summary("学校保健安全法に基づく健康診断である。\n委託先に検査対象者の情報（在籍校、学年、氏名、住所）の一覧を預ける。")
    _, found = lint_text(write, text)
    assert found == [
        (9, 23, "W402", "事務の概要に「氏名」とありますが、項目「氏名」がどの欄の items にもありません（チェックするか、扱わないなら本文を直してください）")
    ]


def test_w402_summary_item_ticked_in_any_section_is_enough(write):
    text = with_record("記録項目の設定", "設定").replace("record_items:\n  operation: 設定\n  system: 児童手当システム\n  items: [住所]", "record_items:\n  operation: 設定\n  system: 児童手当システム\n  items: [氏名, 住所]")
    result, found = lint_text(write, text.replace("summary: 概要", "summary: 対象者の氏名を記録する。"))
    assert (result.code, found) == (0, [])


def test_w402_a_section_text_must_tick_in_that_section(write):
    _, found = lint_text(write, MINIMAL.replace("  reason: 理由", "  reason: 対象者の生年月日と性別を記したエクセルデータを授受する。"))
    assert codes(found) == [(14, 15, "W402"), (14, 20, "W402")]
    assert found[0][3].startswith("external_provision.reasonに「生年月日」とありますが、項目「生年月日」がexternal_provision.items にありません")


@pytest.mark.parametrize(
    "summary",
    [
        "受診資格のある者の評価を行い、成績と財産、収入の状況は扱わない。",  # ordinary words
        "個人が特定できないよう、氏名は含まない。",  # negated
        "住所を除く情報を提供する。",
        "本人から電話があった。",  # 電話 is not 電話番号
    ],
)
def test_w402_ordinary_words_and_negations_do_not_count(write, summary):
    result, found = lint_text(write, MINIMAL.replace("summary: 概要", f"summary: {summary}"))
    assert (result.code, found) == (0, [])


def test_w402_other_items_count_as_ticked(write):
    text = MINIMAL.replace("  items: [住所]\n", "  items: [住所]\n  other_items: [保護者の氏名]\n")
    result, found = lint_text(write, text.replace("summary: 概要", "summary: 保護者の氏名を提供する。"))
    assert (result.code, found) == (0, [])


# W403 -----------------------------------------------------------------------


@pytest.mark.parametrize("placeholder", ["(例)", "（例）", "○○", "〇〇", "●●", "XX", "未定", "TODO", "要確認"])
def test_w403_placeholders(write, placeholder):
    _, found = lint_text(write, MINIMAL.replace("recipient: 株式会社A", f"recipient: 株式会社{placeholder}"))
    assert found == [(12, 18, "W403", f"記入例・未記入の印「{placeholder}」が残っています。実際の内容に書き換えてください")]


def test_w403_not_on_words_that_contain_a_placeholder(write):
    result, found = lint_text(write, MINIMAL.replace("summary: 概要", "summary: 未定稿の資料（例：事業概要）を添付する。"))
    assert (result.code, found) == (0, [])


# W404 -----------------------------------------------------------------------


@pytest.mark.parametrize("typo", ["柏江市", "狹江市", "狛汀市"])
def test_w404_municipality_one_character_off(write, typo):
    _, found = lint_text(write, MINIMAL.replace("conditions: 条件", f"conditions: {typo}個人情報保護条例を遵守させる。"))
    assert found == [(16, 15, "W404", f"「{typo}」は「狛江市」の誤りではありませんか（実在する別の名前なら設定の known_names に加えてください）")]


def test_w404_not_on_the_right_name_or_known_names(write):
    text = MINIMAL.replace("conditions: 条件", "conditions: 狛江市個人情報保護条例を遵守させる。松江市、鯖江市の例に倣う。")
    result, found = lint_text(write, text)
    assert (result.code, found) == (0, [])


def test_w404_municipality_and_known_names_from_the_configuration(write, tmp_path):
    (tmp_path / "shingikai.toml").write_text('municipality = "松江市"\nknown_names = ["狛江市"]\n', encoding="utf-8")
    text = MINIMAL.replace("conditions: 条件", "conditions: 狛江市、松江市、杉江市")
    _, found = lint_text(write, text)
    assert codes(found) == [(16, 23, "W404")]


# W405 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("令和3年2月29日～", "令和3年2月29日はありません"),
        ("令和0年4月～", "令和0年はありません（元年から数えます）"),
        ("平成32年4月1日～", "平成32年はありません（平成は31年まで）"),
        ("令和元年4月1日～", "令和元年4月1日は令和の期間（2019年5月1日から）の外です"),
        ("昭和64年1月8日～", "昭和64年1月8日は昭和の期間（1926年12月25日から1989年1月7日まで）の外です"),
        ("令和3年12月14日（水）", "令和3年12月14日は火曜日ですが、（水）と書かれています。日付か曜日を直してください"),
        ("令和３年２月１日～３０日", "令和3年2月30日はありません"),
        ("令和3年12月14日（火）から15日（木）まで", "令和3年12月15日は水曜日ですが、（木）と書かれています。日付か曜日を直してください"),
        ("令和3年12月14日（火）～12月17日(木)", "令和3年12月17日は金曜日ですが、（木）と書かれています。日付か曜日を直してください"),
    ],
)
def test_w405_impossible_dates(write, period, message):
    _, found = lint_text(write, MINIMAL.replace("period: 令和4年1月18日～", f"period: {period}"))
    [(line, column, code, text)] = found
    assert (line, column, code, text) == (8, 9, "W405", message) or (line, code, text) == (8, "W405", message)


@pytest.mark.parametrize(
    "period",
    [
        "令和元年5月1日～",
        "令和1年5月1日～",
        "平成31年4月30日まで",
        "平成元年1月8日",
        "昭和64年1月7日",
        "令和3年12月14日（火）から15日（水）まで",
        "令和４年１月２４日から１２月３１日まで（予定）",
        "平成31年度から令和元年度まで",
        "毎年4～6月（規則第5条により、6月30日までに実施する）",
    ],
)
def test_w405_valid_dates(write, period):
    result, found = lint_text(write, MINIMAL.replace("period: 令和4年1月18日～", f"period: {period}"))
    assert (result.code, found) == (0, [])


def test_w405_position_inside_a_block_scalar(write):
    text = with_summary("経過は次のとおり。\n令和3年12月14日（火）13時頃に外出した。\n15日（木）午前に帰宅を確認した。")
    _, found = lint_text(write, text)
    assert found == [(10, 3, "W405", "令和3年12月15日は水曜日ですが、（木）と書かれています。日付か曜日を直してください")]


# W406 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "column"),
    [
        ("本人（090-1234-5678）から電話があった。", "電話番号", 13),
        ("連絡先は03(1234)5678とする。", "電話番号", 14),
        ("連絡先は（03）1234-5678とする。", "電話番号", 14),
        ("連絡先は０３－３４３０－１１１１とする。", "電話番号", 14),
        ("連絡先は taro.komae@example.jp とする。", "電子メールアドレス", 15),
        ("照会番号 123456789012 を照会した。", "12桁の番号（個人番号）", 15),
        ("照会番号 1234 5678 9012 を照会した。", "12桁の番号（個人番号）", 15),
        ("振込先は普通預金 1234567 とする。", "口座番号", 19),
    ],
)
def test_w406_direct_identifiers(write, text, kind, column):
    _, found = lint_text(write, MINIMAL.replace("summary: 概要", f"summary: {text}"))
    [(line, found_column, code, message)] = found
    assert (line, found_column, code) == (7, column, "W406")
    assert message.startswith(f"{kind}と思われる")


@pytest.mark.parametrize(
    "text",
    [
        "年間約1,800件、対象者数24,723人、人口60,086人。",
        "令和3年12月14日、条例第13条第5項、平成30年1月18日付け法務省民一第19号。",
        "予算額は14,323億円（1世帯当たり100,000円）。",
        "〒201-8585 狛江市和泉本町一丁目1番5号",
    ],
)
def test_w406_not_on_amounts_dates_or_articles(write, text):
    result, found = lint_text(write, MINIMAL.replace("summary: 概要", f"summary: {text}"))
    assert (result.code, found) == (0, [])


# W407 -----------------------------------------------------------------------


def test_w407_attachment_file_missing_or_outside(write, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "概要.pdf").write_bytes(b"%PDF-1.4\n")
    text = MINIMAL + (
        "attachments:\n"
        "  - title: 概要資料\n    file: docs/概要.pdf\n"
        "  - title: 見積\n    file: docs/見積.pdf\n"
        "  - title: 外部\n    file: ../../etc/passwd\n"
        "  - title: 題名のみ\n"
    )
    _, found = lint_text(write, text)
    assert codes(found) == [(26, 5, "W407"), (28, 5, "W407")]
    assert "がありません" in found[0][3] and "の外を指しています" in found[1][3]


# W408 -----------------------------------------------------------------------


def test_w408_department_not_in_the_configured_list(write, tmp_path):
    (tmp_path / "shingikai.toml").write_text('departments = ["企画財政部情報政策課"]\n', encoding="utf-8")
    _, found = lint_text(write, MINIMAL.replace("departments: [企画財政部情報政策課]", "departments: [企画財政部情報政策課, 市民生活部課税課]"))
    assert found == [(5, 27, "W408", "主管課「市民生活部課税課」は設定の課の一覧（departments）にありません")]


def test_w408_is_off_without_a_configured_list(write):
    result, found = lint_text(write, MINIMAL.replace("departments: [企画財政部情報政策課]", "departments: [どこかの課]"))
    assert (result.code, found) == (0, [])


# W403, extended ---------------------------------------------------------------


@pytest.mark.parametrize("placeholder", ["TBD", "××", "要記入", "記入してください"])
def test_w403_more_placeholders(write, placeholder):
    _, found = lint_text(write, MINIMAL.replace("recipient: 株式会社A", f"recipient: 提供先{placeholder}"))
    assert found == [(12, 17, "W403", f"記入例・未記入の印「{placeholder}」が残っています。実際の内容に書き換えてください")]


@pytest.mark.parametrize(
    "summary",
    [
        "申請書に「必要事項を記入してください」と記載した案内を送付する。",  # a quoted letter to citizens
        "TBDS方式のシステムを用いる。",  # TBD inside a word
    ],
)
def test_w403_not_on_quoted_instructions_or_inside_words(write, summary):
    result, found = lint_text(write, MINIMAL.replace("summary: 概要", f"summary: {summary}"))
    assert (result.code, found) == (0, [])


# W405, extended ---------------------------------------------------------------

PERIOD = "period: 令和4年1月18日～"


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2026年1月6日（月）", "2026年1月6日は火曜日ですが、（月）と書かれています。日付か曜日を直してください"),
        ("２０２６年２月３０日", "2026年2月30日はありません"),
        ("R5.2.30", "「R5.2.30」（令和5年2月30日）はありません"),
        ("R5/2/30", "「R5/2/30」（令和5年2月30日）はありません"),
        ("令5.2.30", "「令5.2.30」（令和5年2月30日）はありません"),
        ("Ｒ５．２．３０", "「Ｒ５．２．３０」（令和5年2月30日）はありません"),
        ("H31.5.1", "「H31.5.1」（平成31年5月1日）は平成の期間（1989年1月8日から2019年4月30日まで）の外です"),
        ("R05.03.01（火）", "「R05.03.01」（令和5年3月1日）は水曜日ですが、（火）と書かれています。日付か曜日を直してください"),
        ("令和05年02月29日", "令和5年2月29日はありません"),
        ("令和０年４月１日", "令和0年はありません（元年から数えます）"),
        ("令和6年10月1日～令和5年3月31日", "期間の終わり（令和5年3月31日）が始まり（令和6年10月1日）より前です。どちらかの日付を直してください"),
        ("令和4年12月24日から1月10日まで", "期間の終わりの「1月10日」は令和4年1月10日と読むため、始まり（令和4年12月24日）より前です。年をまたぐなら、終わりにも年を書いてください"),
        ("令和3年12月14日～10日", "期間の終わりの「10日」は令和3年12月10日と読むため、始まり（令和3年12月14日）より前です。月をまたぐなら、終わりにも月（と年）を書いてください"),
        ("令和5年度～令和4年度", "期間の終わり（令和4年度）が始まり（令和5年度）より前です。どちらかの日付を直してください"),
        ("2024年4月1日から2023年3月31日まで", "期間の終わり（2023年3月31日）が始まり（2024年4月1日）より前です。どちらかの日付を直してください"),
    ],
)
def test_w405_more_forms_and_ranges(write, period, message):
    _, found = lint_text(write, MINIMAL.replace(PERIOD, f"period: {period}"))
    assert [(line, column, code, text) for line, column, code, text in found] == [(8, 9, "W405", message)]


@pytest.mark.parametrize(
    "period",
    [
        "2026年1月6日（火）～",
        "R5.2.28～",
        "H31.4.30まで",
        "R元.5.1から",
        "令和04年04月01日（金）～",
        "令和4年1月24日から12月31日まで（予定）",
        "令和3年12月14日から令和3年12月15日まで",
        "令和4年4月～令和4年4月15日",
        "毎年4～6月",
        "令和4年11月（予定）",
        "平成31年度～令和元年度",
        "令和4年2月1日から。作業の所要は1日から30日",  # 30日 is a count of days, not a date
        "説明1.2.3、Ver R1.2.3.4、最大3.5.10",  # not abbreviated era dates
    ],
)
def test_w405_correct_dates_and_ranges(write, period):
    result, found = lint_text(write, MINIMAL.replace(PERIOD, f"period: {period}"))
    assert (result.code, found) == (0, [])


def test_w405_a_range_is_pointed_at_whole(write):
    _, found = lint_text(write, with_summary("経過は次のとおり。\n実施期間は令和6年10月1日～令和5年3月31日とする。"))
    assert [(line, column, code) for line, column, code, _ in found] == [(9, 8, "W405")]


# W412 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conditions", "cited", "own"),
    [
        ("調布市個人情報保護条例の遵守を徹底させる。", "調布市個人情報保護条例", "条例"),
        ("横浜市個人情報の保護に関する条例の遵守を徹底させる。", "横浜市個人情報の保護に関する条例", "条例"),
        ("世田谷区個人情報保護審議会の答申を踏まえる。", "世田谷区個人情報保護審議会", "審議会"),
        ("東京都西多摩郡瑞穂町個人情報保護運営審議会に諮る。", "東京都西多摩郡瑞穂町個人情報保護運営審議会", "審議会"),
        ("三鷹市情報公開・個人情報保護審議会に諮る。", "三鷹市情報公開・個人情報保護審議会", "審議会"),
        ("松江市個人情報保護条例の遵守を徹底させる。", "松江市個人情報保護条例", "条例"),  # a known name for W404, another city here
    ],
)
def test_w412_another_municipalitys_ordinance_or_council(write, conditions, cited, own):
    _, found = lint_text(write, MINIMAL.replace("conditions: 条件", f"conditions: {conditions}"))
    fix = "狛江市個人情報保護条例" if own == "条例" else "狛江市個人情報保護審議会"
    assert found == [
        (16, 15, "W412", f"「{cited}」は狛江市の{own}ではありません。他の自治体のシートから写していないか確かめ、「{fix}」に直してください")
    ]


@pytest.mark.parametrize(
    "conditions",
    [
        "調布警察署と連携し、狛江市個人情報保護条例の遵守を徹底させる。",
        "都内自治体の個人情報保護条例に基づき、東京都と神奈川県に依頼する。",
        "本市個人情報保護条例及び各区市町村個人情報保護条例による。",
        "東京都狛江市個人情報保護条例の遵守を徹底させる。",
        "東京都個人情報保護条例に基づき東京都が管理する。",  # a prefecture, not a neighbouring municipality
        "柏江市個人情報保護条例の遵守を徹底させる。",  # W404's: one character off the city's own name
    ],
)
def test_w412_not_on_other_bodies_generic_names_or_the_citys_own(write, conditions):
    _, found = lint_text(write, MINIMAL.replace("conditions: 条件", f"conditions: {conditions}"))
    assert [code for _, _, code, _ in found if code == "W412"] == []


def test_w412_not_on_the_ordinance_of_a_municipality_that_is_the_recipient(write):
    text = MINIMAL.replace("recipient: 株式会社A", "recipient: 調布市福祉事務所").replace(
        "conditions: 条件", "conditions: 提供先の調布市は、調布市個人情報保護条例に基づき管理する。"
    )
    result, found = lint_text(write, text)
    assert (result.code, found) == (0, [])


def test_w412_names_the_configured_ordinance(write, tmp_path):
    (tmp_path / "shingikai.toml").write_text(
        'municipality = "調布市"\nordinance = "調布市個人情報保護条例"\ncouncil = "調布市個人情報保護審議会"\n', encoding="utf-8"
    )
    text = MINIMAL.replace("conditions: 条件", "conditions: 狛江市個人情報保護条例の遵守を徹底させる。調布市個人情報保護条例にも。")
    _, found = lint_text(write, text)
    assert found == [
        (16, 15, "W412", "「狛江市個人情報保護条例」は調布市の条例ではありません。他の自治体のシートから写していないか確かめ、「調布市個人情報保護条例」に直してください")
    ]
