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
        (9, 23, "W402", "事務の概要（summary）に「氏名」とありますが、項目「氏名」がどの欄の項目表（items）にもありません（チェックするか、扱わないなら本文を直してください）")
    ]


def test_w402_summary_item_ticked_in_any_section_is_enough(write):
    text = with_record("記録項目の設定", "設定").replace("record_items:\n  operation: 設定\n  system: 児童手当システム\n  items: [住所]", "record_items:\n  operation: 設定\n  system: 児童手当システム\n  items: [氏名, 住所]")
    result, found = lint_text(write, text.replace("summary: 概要", "summary: 対象者の氏名を記録する。"))
    assert (result.code, found) == (0, [])


def test_w402_a_section_text_must_tick_in_that_section(write):
    _, found = lint_text(write, MINIMAL.replace("  reason: 理由", "  reason: 対象者の生年月日と性別を記したエクセルデータを授受する。"))
    assert codes(found) == [(14, 15, "W402"), (14, 20, "W402")]
    assert found[0][3].startswith("外部提供の理由、方法等（external_provision.reason）に「生年月日」とありますが、項目「生年月日」が外部提供の項目表（external_provision.items）にありません")


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


# W401, the other direction: the title names what bases does not declare -------


TITLE = "title: 外部提供及び外部提供に係る通知の要否について"


def test_w401_title_names_an_undeclared_basis_at_its_words(write):
    text = MINIMAL.replace(TITLE, "title: 保有個人情報の外部提供及び外部提供に係る通知の要否並びに記録項目の追加について")
    _, found = lint_text(write, text)
    assert found == [
        (3, 36, "W401", "件名に「記録項目」とありますが、根拠規定（bases）に「記録項目」がありません。記録項目を諮問・報告するなら bases に加え、しないなら件名から外してください")
    ]


@pytest.mark.parametrize(
    ("title", "column", "word"),
    [
        ("外部提供及び外部提供に係る通知の要否並びに電子計算機処理による結合について", 39, "結合"),
        ("目的外利用及び外部提供並びに外部提供に係る通知の要否について", 8, "目的外利用"),
        ("本人以外からの収集及び外部提供並びに外部提供に係る通知の要否について", 8, "本人以外からの収集"),
    ],
)
def test_w401_each_undeclared_basis(write, title, column, word):
    _, found = lint_text(write, MINIMAL.replace(TITLE, f"title: {title}"))
    assert [(line, col, code) for line, col, code, _ in found] == [(3, column, "W401")]
    assert found[0][3].startswith(f"件名に「{word}」とありますが")


def test_w401_a_title_in_a_folded_block_points_at_the_word(write):
    text = MINIMAL.replace(TITLE, "title: >-\n  外部提供及び外部提供に係る通知の要否並びに結合について")
    _, found = lint_text(write, text)
    assert [(line, col, code) for line, col, code, _ in found] == [(4, 24, "W401")]


def test_w401_emergency_provision_covers_provision_in_the_title(write):
    text = (
        MINIMAL.replace("kind: 諮問", "kind: 報告")
        .replace("bases: [外部提供]", "bases: [その他]\nother_basis: 条例第13条第4項")
        .replace(TITLE, "title: 捜索のための都内自治体に対する保有個人情報の外部提供について")
        .replace("  conditions: 条件\n", "")
        .replace("    given: 無\n    proviso:\n      risk: リスクは低い。\n      necessity: 必要性は高い。\n", "    given: 有\n    timing: 事後\n    method: 本人へ送付した。\n")
    )
    result, found = lint_text(write, text)
    assert (result.code, found) == (0, [])


def test_w401_a_basis_named_to_say_it_is_absent_is_not_a_finding(write):
    text = MINIMAL.replace(TITLE, "title: 結合を伴わない外部提供及び外部提供に係る通知の要否について")
    result, found = lint_text(write, text)
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


# W409 -------------------------------------------------------------------------


def test_w409_a_rationale_citing_another_sections_notice_article(write):
    _, found = lint_text(write, MINIMAL.replace("      risk: リスクは低い。", "      risk: 条例第12条第5項の趣旨に照らし、リスクは低い。"))
    assert found == [
        (20, 13, "W409", "外部提供の欄の漏えいリスクの低減（external_provision.notice.proviso.risk）が、目的外利用の通知の規定「条例第12条第5項」を挙げています。外部提供の通知の規定は「条例第13条第5項」です。ほかのシートや欄から写した理由ではないか確かめてください")
    ]


SECONDARY = MINIMAL.replace("bases: [外部提供]", "bases: [目的外利用]").replace(TITLE, "title: 目的外利用及び目的外利用に係る通知の要否について").replace(
    "external_provision:\n  items: [住所]\n  recipient: 株式会社A\n  media: [紙媒体]\n  reason: 理由\n  recipient_controls: 管理\n  conditions: 条件\n",
    "secondary_use:\n  items: [住所]\n  source_business: 児童手当の認定事務\n  source_organization: 子ども家庭部子ども政策課\n  reason: 理由\n",
)


def test_w409_the_issues_example_a_secondary_use_proviso_citing_the_provision_article(write):
    text = SECONDARY.replace("      necessity: 必要性は高い。", "      necessity: 狛江市個人情報保護条例第１３条第５項ただし書により、必要性は高い。")
    _, found = lint_text(write, text)
    [(line, column, code, message)] = found
    assert (line, code) == (19, "W409")
    assert "外部提供の通知の規定「条例第１３条第５項」を挙げています。目的外利用の通知の規定は「条例第12条第5項」です" in message


@pytest.mark.parametrize(
    "risk",
    [
        "条例第13条第5項の規定の趣旨に照らし、リスクは低い。",  # its own article
        "学校保健安全法第13条及び戸籍法施行規則第72条第1項に基づき、リスクは低い。",  # other laws
        "条例第12条第50項により、リスクは低い。",  # another article that starts alike
    ],
)
def test_w409_not_on_the_sections_own_article_or_other_laws(write, risk):
    result, found = lint_text(write, MINIMAL.replace("      risk: リスクは低い。", f"      risk: {risk}"))
    assert (result.code, found) == (0, [])


def test_w409_reads_the_articles_of_the_configuration(write, tmp_path):
    (tmp_path / "shingikai.toml").write_text('[articles]\n"目的外利用の通知" = "条例第20条第2項"\n', encoding="utf-8")
    text = MINIMAL.replace("      risk: リスクは低い。", "      risk: 条例第12条第5項及び条例第20条第2項に照らし、リスクは低い。")
    _, found = lint_text(write, text)
    assert [(line, column, code) for line, column, code, _ in found] == [(20, 24, "W409")]


# W410 -------------------------------------------------------------------------


def with_notice_given(method: str) -> str:
    notice = "    given: 無\n    proviso:\n      risk: リスクは低い。\n      necessity: 必要性は高い。\n"
    return MINIMAL.replace(notice, f"    given: 有\n    timing: 事後\n    method: {method}\n").replace("通知の要否", "通知")


@pytest.mark.parametrize(
    ("method", "said"),
    [
        ("本人への通知は行わない。", "通知は行わない"),
        ("通知しない。", "通知しない"),
        ("本人への通知を行わないこととする。", "通知を行わない"),
        ("通知は不要と判断した。", "通知は不要"),
        ("通知不要", "通知不要"),
        ("本人への通知は省略する。", "通知は省略"),
        ("通知の必要はない。", "通知の必要はない"),
        ("本人への通知は行っていない。", "通知は行っていない"),
    ],
)
def test_w410_notice_given_whose_method_says_no_notice(write, method, said):
    _, found = lint_text(write, with_notice_given(method))
    [(line, column, code, message)] = found
    assert (line, column, code) == (20, 13 + method.index(said), "W410")
    assert message == (
        f"通知 有 の通知の方法（external_provision.notice.method）に「{said}」とあります。"
        "通知しないなら given を 無 にしてただし書の理由（proviso の risk と necessity）を書き、通知するならその方法を書いてください"
    )


@pytest.mark.parametrize(
    "method",
    [
        "対象者にあらかじめ通知を送付する。",
        "本人へ通知書を送付する。ただし、転出した場合は通知しない。",  # an exception with its condition
        "通知しないと不利益が生じるため、事前に郵送で通知する。",  # if not notified
    ],
)
def test_w410_not_on_methods_that_give_notice(write, method):
    result, found = lint_text(write, with_notice_given(method))
    assert (result.code, found) == (0, [])


def test_w410_not_on_a_withheld_notice_rationale_that_mentions_sending(write):
    # The 子ども政策課 sheet: a 通知 無 rationale about sending a letter of the benefit.
    text = MINIMAL.replace("      necessity: 必要性は高い。", "      necessity: 対象者にあらかじめ通知を送付することで、早急な支援を漏れなく実施する。")
    result, found = lint_text(write, text)
    assert (result.code, found) == (0, [])


# W411 -------------------------------------------------------------------------


def with_other_items(entries: str, items: str = "[住所]") -> str:
    return MINIMAL.replace("  items: [住所]\n", f"  items: {items}\n  other_items: {entries}\n")


def test_w411_other_items_that_belong_in_the_grid(write):
    _, found = lint_text(write, with_other_items("[病歴, 服装, 住所, 既往歴, 氏名・生年月日, 服装]"))
    assert found == [
        (12, 17, "W411", "「病歴」は項目表の項目です。other_items から外し、external_provision.items の「病歴」にチェックしてください"),
        (12, 25, "W411", "「住所」は項目表の項目です（external_provision.items にチェック済み）。other_items から削除してください"),
        (12, 29, "W411", "「既往歴」は項目表の「病歴」に当たります。other_items から外し、external_provision.items の「病歴」にチェックしてください"),
        (12, 34, "W411", "「氏名・生年月日」は項目表の項目（氏名、生年月日）です。other_items ではなく external_provision.items にそれぞれチェックしてください"),
        (12, 43, "W411", "その他の項目（external_provision.other_items）に「服装」が重複しています（最初は 12 行目）。一つにしてください"),
    ]


@pytest.mark.parametrize("entries", ["[服装, 在籍校, 学年]", "[保護者の氏名]", "[続柄、家計急変の有無]", "[その他戸籍に記載している事項]"])
def test_w411_not_on_items_outside_the_grid(write, entries):
    result, found = lint_text(write, with_other_items(entries))
    assert (result.code, found) == (0, [])


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
        "近隣市個人情報保護条例及び特別区個人情報保護条例の例による。",
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
