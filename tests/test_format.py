"""E2 and the notice shapes: pydantic's errors at the node they are about, in the sheet's words."""

from __future__ import annotations

import pytest

from conftest import MINIMAL, lint_text, run


def test_minimal_case_is_clean(write):
    result, found = lint_text(write, MINIMAL)
    assert (result.code, found) == (0, [])


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # A missing top-level key: the mapping that lacks it (the root's first key).
        ("summary: 概要\n", "", (1, 1, "E201", "事務の概要（summary）がありません")),
        # A missing key of a section: that section's mapping.
        ("  recipient: 株式会社A\n", "", (11, 3, "E201", "外部提供先の概要（external_provision.recipient）がありません")),
        # An empty value: its key.
        ("recipient: 株式会社A", 'recipient: ""', (12, 3, "E201", "外部提供先の概要（external_provision.recipient）が空です")),
        ("recipient: 株式会社A", "recipient: '  　'", (12, 3, "E201", "外部提供先の概要（external_provision.recipient）が空です")),
        ("bases: [外部提供]", "bases: []", (4, 1, "E201", "根拠規定（bases）が空です。一つ以上書いてください")),
    ],
)
def test_missing_or_empty(write, old, new, expected):
    result, found = lint_text(write, MINIMAL.replace(old, new))
    assert result.code == 1
    assert found == [expected]


def test_unknown_key_suggests_the_nearest(write):
    _, found = lint_text(write, MINIMAL.replace("  recipient: 株式会社A", "  recipent: 株式会社A\n  recipient: 株式会社A"))
    assert found == [(12, 3, "E202", "不明なキー「recipent」です。「recipient」（外部提供先の概要）の誤りではありませんか")]


def test_unknown_key_written_as_the_sheet_label_suggests_the_key(write):
    _, found = lint_text(write, MINIMAL.replace("  reason: 理由", "  reason: 理由\n  外部提供先の概要: x"))
    assert found == [(15, 3, "E202", "不明なキー「外部提供先の概要」です。「recipient」（外部提供先の概要）の誤りではありませんか")]


def test_a_one_letter_key_is_not_taken_for_a_part_of_a_longer_one(write):
    _, found = lint_text(write, MINIMAL + "a: x\n")
    [(line, column, code, message)] = found
    assert (line, column, code) == (22, 1, "E202")
    assert message.startswith("不明なキー「a」です。ここに書けるキー: version、kind、")


def test_section_key_at_the_top_level_says_where_it_belongs(write):
    _, found = lint_text(write, MINIMAL + "recipient_controls: x\n")
    assert found == [(22, 1, "E202", "不明なキー「recipient_controls」です。「recipient_controls」は external_provision の中に書くキーです（字下げを確認してください）")]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("bases: [外部提供]", "bases: 外部提供", (4, 1, "E203", "根拠規定（bases）はリスト（[ ] で囲み「,」で区切った並び）で書いてください")),
        ("title: 外部提供及び外部提供に係る通知の要否について", "title: [外部提供について]", (3, 1, "E203", "件名（title）は文字列で書いてください")),
        ("  notice:\n    given: 無\n    proviso:\n      risk: リスクは低い。\n      necessity: 必要性は高い。\n", "  notice: 無\n", (17, 3, "E203", "通知（外部提供）（external_provision.notice）は「notice: 無」ではなく、notice の下に字下げしたキーで書きます: given: 無、proviso: の下に risk:（漏えいリスクの低減）と necessity:（必要性）")),
    ],
)
def test_wrong_type(write, old, new, expected):
    _, found = lint_text(write, MINIMAL.replace(old, new))
    assert found == [expected]


def test_departments_may_be_a_single_string(write):
    result, found = lint_text(write, MINIMAL.replace("departments: [企画財政部情報政策課]", "departments: 企画財政部情報政策課"))
    assert (result.code, found) == (0, [])


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("kind: 諮問", "kind: 諮問事項", (2, 1, "E204", "諮問事項・報告事項（kind）の「諮問事項」は選べません（選択肢: 諮問、報告）。「諮問」の誤りではありませんか")),
        ("bases: [外部提供]", "bases: [外部提出]", (4, 9, "E204", "根拠規定（bases[0]）の「外部提出」は選べません（選択肢: 本人外収集、目的外利用、外部提供、記録項目、結合、その他）。「外部提供」の誤りではありませんか")),
        ("media: [紙媒体]", "media: [紙]", (13, 11, "E204", "外部提供の形態（external_provision.media[0]）の「紙」は選べません（選択肢: 紙媒体、電磁的記録媒体、その他の媒体）。「紙媒体」の誤りではありませんか")),
        ("    given: 無", "    given: なし", (18, 5, "E204", "通知の有無（external_provision.notice.given）の「なし」は選べません。有 か 無 のどちらかです")),
    ],
)
def test_value_outside_its_enum(write, old, new, expected):
    _, found = lint_text(write, MINIMAL.replace(old, new))
    assert found == [expected]


def test_operation_outside_its_enum(write):
    text = MINIMAL.replace("bases: [外部提供]", "bases: [外部提供, 記録項目]").replace(
        "外部提供及び", "外部提供並びに記録項目の設定及び"
    ) + "record_items:\n  operation: 削除\n  items: [住所]\n  processing_summary: 概要\n"
    _, found = lint_text(write, text)
    assert found == [(23, 3, "E204", "記録項目の操作（record_items.operation）の「削除」は選べません（選択肢: 設定、追加、変更）")]


def test_unknown_item_suggests_the_nearest(write):
    _, found = lint_text(write, MINIMAL.replace("items: [住所]", "items: [住所, 電話]"))
    assert found == [(11, 15, "E205", "「電話」は保有個人情報の項目表にありません。「電話番号」の誤りではありませんか（表にない項目は other_items に書きます）")]


def test_repeated_item_points_at_the_repeat(write):
    _, found = lint_text(write, MINIMAL.replace("items: [住所]", "items:\n    - 住所\n    - 氏名\n    - 住所"))
    assert found == [(14, 7, "E206", "保有個人情報の項目（external_provision.items）に「住所」が重複しています（最初は 12 行目）")]


def test_unsupported_version(write):
    _, found = lint_text(write, MINIMAL.replace("version: 1", "version: 2"))
    assert found == [(1, 1, "E207", "version は 1 のみ対応しています（「2」は読めません）")]


def test_notice_withheld_without_necessity(write):
    _, found = lint_text(write, MINIMAL.replace("      necessity: 必要性は高い。\n", ""))
    assert found == [(20, 7, "E305", "必要性（external_provision.notice.proviso.necessity）がありません。通知 無 には、ただし書を適用する理由（risk と necessity）が必要です")]


def test_notice_withheld_without_proviso(write):
    _, found = lint_text(write, MINIMAL.replace("    proviso:\n      risk: リスクは低い。\n      necessity: 必要性は高い。\n", ""))
    assert found == [(18, 5, "E305", "理由（ただし書）（external_provision.notice.proviso）がありません。通知 無 には、ただし書を適用する理由（risk と necessity）が必要です")]


def test_notice_given_without_timing(write):
    text = MINIMAL.replace("    given: 無\n    proviso:\n      risk: リスクは低い。\n      necessity: 必要性は高い。\n", "    given: 有\n    method: 本人へ送付した。\n")
    _, found = lint_text(write, text.replace("通知の要否", "通知"))
    assert found == [(18, 5, "E306", "通知の時期（external_provision.notice.timing）がありません。通知 有 には、時期（事前・事後）と方法が必要です")]


def test_notice_mixing_the_two_shapes(write):
    _, found = lint_text(write, MINIMAL.replace("    given: 無\n", "    given: 無\n    timing: 事後\n"))
    assert found == [(19, 5, "E306", "通知 無 の欄に「timing」は書けません（通知 有 の項目です）。given と内容のどちらが正しいか見直してください")]


def test_all_errors_of_a_file_in_one_run_sorted_by_position(write):
    text = (
        MINIMAL.replace("version: 1", "version: 3")
        .replace("kind: 諮問", "kind: 報告事項")
        .replace("items: [住所]", "items: [住所, 電話]")
        .replace("      necessity: 必要性は高い。\n", "")
    )
    _, found = lint_text(write, text)
    assert [(line, code) for line, _, code, _ in found] == [(1, "E207"), (2, "E204"), (11, "E205"), (20, "E305")]


# Messages that lead to the right shape --------------------------------------

NOTICE_WITHHELD = "  notice:\n    given: 無\n    proviso:\n      risk: リスクは低い。\n      necessity: 必要性は高い。\n"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("  notice: 有\n", "通知（外部提供）（external_provision.notice）は「notice: 有」ではなく、notice の下に字下げしたキーで書きます: given: 有、timing: 事前 か 事後、method: 通知の方法"),
        ("  notice: する\n", "通知（外部提供）（external_provision.notice）は notice の下に字下げしたキーで書きます。通知するなら given: 有、timing: 事前 か 事後、method: 通知の方法。通知しないなら given: 無、proviso: の下に risk:（漏えいリスクの低減）と necessity:（必要性）"),
    ],
)
def test_a_notice_written_as_a_value_shows_the_keys_of_both_shapes(write, written, message):
    _, found = lint_text(write, MINIMAL.replace(NOTICE_WITHHELD, written))
    assert found == [(17, 3, "E203", message)]


@pytest.mark.parametrize(
    ("entry", "shown"),
    [("概要資料.pdf", "{title: 概要資料, file: 概要資料.pdf}"), ("事業概要資料", "{title: 事業概要資料}")],
)
def test_an_attachment_written_as_a_value_shows_title_and_file(write, entry, shown):
    _, found = lint_text(write, MINIMAL + f"attachments: [{entry}]\n")
    assert found == [
        (22, 15, "E203", f"その他資料（attachments[0]）は資料ごとに title（資料名）と、ファイルがあれば file（ケースファイルからの相対パス）をキーで書きます（この資料なら {shown}）")
    ]


def test_another_section_written_as_a_value_lists_its_keys(write):
    _, found = lint_text(write, MINIMAL.replace("      risk: リスクは低い。\n      necessity: 必要性は高い。\n", "").replace("    proviso:\n", "    proviso: 低い\n"))
    assert found == [(19, 5, "E203", "理由（ただし書）（external_provision.notice.proviso）はキーと値の組の並びで書いてください（書けるキー: risk、necessity）")]


def test_japanese_keys_under_a_notice_without_given_are_unknown_keys(write):
    notice = "  notice:\n    通知: 無\n    理由: リスクは低い。\n"
    _, found = lint_text(write, MINIMAL.replace(NOTICE_WITHHELD, notice))
    assert found == [
        (18, 5, "E202", "不明なキー「通知」です。「given」（通知）の誤りではありませんか"),
        (19, 5, "E202", "不明なキー「理由」です。「proviso」（理由（ただし書））の誤りではありませんか"),
    ]


def test_misspelt_keys_under_a_notice_without_given_beside_the_missing_given(write):
    notice = "  notice:\n    timming: 事後\n    methd: 本人へ送付した。\n"
    _, found = lint_text(write, MINIMAL.replace(NOTICE_WITHHELD, notice))
    assert found == [
        (18, 5, "E201", "通知の有無（external_provision.notice.given）がありません。有 か 無 を書いてください"),
        (18, 5, "E202", "不明なキー「timming」です。「timing」（通知の時期）の誤りではありませんか"),
        (19, 5, "E202", "不明なキー「methd」です。「method」（通知の方法）の誤りではありませんか"),
    ]


def test_unknown_keys_under_a_notice_whose_given_is_wrong(write):
    notice = "  notice:\n    given: なし\n    理由: リスクは低い。\n"
    _, found = lint_text(write, MINIMAL.replace(NOTICE_WITHHELD, notice))
    assert found == [
        (18, 5, "E204", "通知の有無（external_provision.notice.given）の「なし」は選べません。有 か 無 のどちらかです"),
        (19, 5, "E202", "不明なキー「理由」です。「proviso」（理由（ただし書））の誤りではありませんか"),
    ]


def test_an_unknown_item_without_a_near_one_shows_the_grid_by_group(write):
    _, found = lint_text(write, MINIMAL.replace("items: [住所]", "items: [住所, バイタル]"))
    [(line, column, code, message)] = found
    assert (line, column, code) == (11, 15, "E205")
    assert message == (
        "「バイタル」は保有個人情報の項目表にありません。表の項目: "
        "基本的事項（識別番号、氏名、本籍、国籍、生年月日、年齢、性別、住所、電話番号、電子メールアドレス、口座情報）、"
        "心身の状況（健康状態、病歴、身体の特徴）、家族状況等（家族状況、親族関係、婚姻）、"
        "社会生活（職業、職歴、学歴、学業、資格、賞罰、成績、評価、財産、収入、納税状況、趣味、公的扶助）。"
        "表にない項目は other_items に書きます"
    )


def test_a_group_name_as_an_item_shows_the_groups_items(write):
    _, found = lint_text(write, MINIMAL.replace("items: [住所]", "items: [住所, 心身の状況]"))
    assert found == [(11, 15, "E205", "「心身の状況」は項目表の分類の名前です。この分類の項目（健康状態、病歴、身体の特徴）から選んでください")]


def test_the_grid_is_listed_by_group_by_shingikai_rules_e205():
    text = run("rules", "E205").stdout
    assert "- 心身の状況: 健康状態、病歴、身体の特徴\n" in text
    listed = [line for line in text.splitlines() if line.startswith("- ")]
    assert [line.split(": ")[0] for line in listed] == ["- 基本的事項", "- 心身の状況", "- 家族状況等", "- 社会生活"]
    assert sum(len(line.split(": ")[1].split("、")) for line in listed) == 30


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("items: [住所]", "items: [氏名、住所、生年月日]", (11, 11, "E205", "「氏名、住所、生年月日」は一つの値として読まれています。リストの値は半角の「,」で区切るか（[氏名, 住所, 生年月日]）、一行に一つずつ「- 」で書きます")),
        ("bases: [外部提供]", "bases: [外部提供，結合]", (4, 9, "E204", "「外部提供，結合」は一つの値として読まれています。リストの値は半角の「,」で区切るか（[外部提供, 結合]）、一行に一つずつ「- 」で書きます")),
        ("media: [紙媒体]", "media: [紙媒体・電磁的記録媒体]", (13, 11, "E204", "「紙媒体・電磁的記録媒体」は一つの値として読まれています。リストの値は半角の「,」で区切るか（[紙媒体, 電磁的記録媒体]）、一行に一つずつ「- 」で書きます")),
    ],
)
def test_a_flow_list_written_with_japanese_commas(write, old, new, expected):
    _, found = lint_text(write, MINIMAL.replace(old, new))
    assert found[0] == expected


def test_a_list_where_one_value_belongs_is_not_shown_as_python(write):
    text = MINIMAL.replace("bases: [外部提供]", "bases: [外部提供, 記録項目]").replace("外部提供及び", "外部提供並びに記録項目の追加及び") + (
        "record_items:\n  operation: [追加, 変更]\n  items: [住所]\n  processing_summary: 概要\n"
    )
    _, found = lint_text(write, text)
    assert found == [(23, 3, "E204", "記録項目の操作（record_items.operation）には一つの値を書きます（リストやキーと値の組は書けません。選択肢: 設定、追加、変更）")]
    assert all("['" not in message for _, _, _, message in found)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    given: 無", "    given: 無\u3000", (18, 5, "E204", "通知の有無（external_provision.notice.given）は、「無」の後ろに見えない文字（全角の空白 U+3000）があります。消して「無」とだけ書いてください")),
        ("kind: 諮問", "kind: 諮問\u200b", (2, 1, "E204", "諮問事項・報告事項（kind）は、「諮問」の後ろに見えない文字（幅のない空白 U+200B）があります。消して「諮問」とだけ書いてください")),
        ("items: [住所]", "items: [\"\u3000住所\"]", (11, 11, "E205", "保有個人情報の項目（external_provision.items[0]）は、「住所」の前に見えない文字（全角の空白 U+3000）があります。消して「住所」とだけ書いてください")),
    ],
)
def test_a_value_that_differs_only_by_invisible_characters_says_so(write, old, new, expected):
    _, found = lint_text(write, MINIMAL.replace(old, new))
    assert found == [expected]


@pytest.mark.parametrize("version", ['"1"', "'1'", '"１"'])
def test_a_quoted_version_says_the_number_is_written_without_quotes(write, version):
    _, found = lint_text(write, MINIMAL.replace("version: 1", f"version: {version}"))
    assert found == [(1, 1, "E207", "version は数の 1 です。引用符を付けず半角で version: 1 と書いてください")]


def test_repeated_department(write):
    _, found = lint_text(write, MINIMAL.replace("departments: [企画財政部情報政策課]", "departments:\n  - 企画財政部情報政策課\n  - 市民生活部課税課\n  - 企画財政部情報政策課"))
    assert found == [(8, 5, "E206", "主管課（departments）に「企画財政部情報政策課」が重複しています（最初は 6 行目）")]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("items: [住所]", "items: 氏名、住所", (11, 3, "E203", "保有個人情報の項目（external_provision.items）はリストで書きます。「氏名、住所」は一つの文字列として読まれています。[氏名, 住所] のように半角の「,」で区切って [ ] で囲むか、一行に一つずつ「- 」で書きます")),
        ("  items: [住所]\n", "  items: [住所]\n  other_items: 服装、持ち物\n", (12, 3, "E203", "その他の項目（external_provision.other_items）はリストで書きます。「服装、持ち物」は一つの文字列として読まれています。[服装, 持ち物] のように半角の「,」で区切って [ ] で囲むか、一行に一つずつ「- 」で書きます")),
    ],
)
def test_a_list_written_as_one_string_with_japanese_commas(write, old, new, expected):
    _, found = lint_text(write, MINIMAL.replace(old, new))
    assert found == [expected]
