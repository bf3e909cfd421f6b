"""E2 and the notice shapes: pydantic's errors at the node they are about, in the sheet's words."""

from __future__ import annotations

import pytest

from conftest import MINIMAL, lint_text


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
        ("  notice:\n    given: 無\n    proviso:\n      risk: リスクは低い。\n      necessity: 必要性は高い。\n", "  notice: 無\n", (17, 3, "E203", "通知（外部提供）（external_provision.notice）はキーと値の組の並びで書いてください")),
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
