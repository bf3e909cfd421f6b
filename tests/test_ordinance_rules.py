"""E3: the ordinance rules, each failing and passing, with exact positions."""

from __future__ import annotations

from conftest import MINIMAL, lint_text

LINKAGE = "linkage:\n  city_system: 端末機\n  third_party_system: サーバ\n  network: 閉域ネットワーク\n"
WITH_LINKAGE = MINIMAL.replace("bases: [外部提供]", "bases: [外部提供, 結合]").replace(
    "の要否について", "の要否並びに電子計算機処理による結合について"
)


def codes(found):
    return [(line, column, code) for line, column, code, _ in found]


def test_linkage_with_its_basis_is_clean(write):
    result, found = lint_text(write, WITH_LINKAGE + LINKAGE)
    assert (result.code, found) == (0, [])


def test_e301_basis_without_section_points_at_the_basis(write):
    result, found = lint_text(write, WITH_LINKAGE)
    assert result.code == 1
    assert found == [(4, 15, "E301", "根拠規定に「結合」がありますが、結合の欄（linkage）がありません")]


def test_e301_an_empty_section_is_a_missing_section(write):
    _, found = lint_text(write, WITH_LINKAGE + "linkage:\n")
    assert codes(found) == [(4, 15, "E301")]


def test_e302_section_without_basis_points_at_the_section(write):
    _, found = lint_text(write, MINIMAL + LINKAGE)
    assert found == [(22, 1, "E302", "結合の欄（linkage）がありますが、根拠規定（bases）に「結合」がありません")]


EMERGENCY = (
    MINIMAL.replace("kind: 諮問", "kind: 報告")
    .replace("bases: [外部提供]", "bases: [その他]\nother_basis: 条例第13条第4項")
    .replace("外部提供及び外部提供に係る通知の要否について", "捜索のための外部提供について")
    .replace("  conditions: 条件\n", "")
    .replace("    given: 無\n    proviso:\n      risk: リスクは低い。\n      necessity: 必要性は高い。\n", "    given: 有\n    timing: 事後\n    method: 本人へ送付した。\n")
)


def test_e302_exception_for_the_emergency_provision(write):
    result, found = lint_text(write, EMERGENCY)
    assert (result.code, found) == (0, [])


def test_e302_without_the_emergency_provision(write):
    _, found = lint_text(write, EMERGENCY.replace("条例第13条第4項", "条例第13条第2項第2号"))
    # The title names the 外部提供 that bases does not declare (W401), as the section does (E302).
    assert codes(found) == [(3, 14, "W401"), (11, 1, "E302")]


def test_e303_other_without_other_basis(write):
    _, found = lint_text(write, MINIMAL.replace("bases: [外部提供]", "bases: [外部提供, その他]"))
    assert found == [(4, 15, "E303", "根拠規定に「その他」がありますが、その規定（other_basis、例: 条例第13条第4項）がありません")]


def test_e303_other_basis_without_other(write):
    _, found = lint_text(write, MINIMAL.replace("bases: [外部提供]", "bases: [外部提供]\nother_basis: 条例第13条第2項第2号"))
    assert found == [(5, 1, "E303", "その他の根拠規定（other_basis）がありますが、根拠規定（bases）に「その他」がありません")]


def test_e304_section_without_any_item(write):
    _, found = lint_text(write, MINIMAL.replace("  items: [住所]\n", "  items: []\n"))
    assert found == [(11, 3, "E304", "external_provision に項目がありません。items（項目表）か other_items（その他の項目）に一つ以上書いてください")]


def test_e304_other_items_alone_are_enough(write):
    result, found = lint_text(write, MINIMAL.replace("  items: [住所]\n", "  other_items: [服装]\n"))
    assert (result.code, found) == (0, [])


def test_e307_other_medium_without_detail(write):
    _, found = lint_text(write, MINIMAL.replace("media: [紙媒体]", "media: [紙媒体, その他の媒体]"))
    assert codes(found) == [(13, 16, "E307")]


def test_e307_detail_without_other_medium(write):
    _, found = lint_text(write, MINIMAL.replace("  media: [紙媒体]\n", "  media: [紙媒体]\n  media_detail: 閉域網\n"))
    assert codes(found) == [(14, 3, "E307")]


def test_e307_other_medium_with_detail_is_clean(write):
    text = MINIMAL.replace("  media: [紙媒体]\n", "  media: [その他の媒体]\n  media_detail: 閉域網で送信する。\n")
    result, found = lint_text(write, text)
    assert (result.code, found) == (0, [])


def test_e308_provision_without_conditions(write):
    _, found = lint_text(write, MINIMAL.replace("  conditions: 条件\n", ""))
    assert found == [(11, 3, "E308", "根拠規定に「外部提供」がありますが、外部提供する条件（external_provision.conditions）がありません")]


def test_e309_emergency_provision_consulted_instead_of_reported(write):
    _, found = lint_text(write, EMERGENCY.replace("kind: 報告", "kind: 諮問"))
    assert found == [(2, 1, "E309", "緊急時の外部提供（条例第13条第4項）は事後の報告です。kind を「報告」にしてください")]


def test_articles_come_from_the_configuration(write, tmp_path):
    (tmp_path / "shingikai.toml").write_text('[articles]\n"緊急の外部提供" = "条例第10条第3項"\n', encoding="utf-8")
    # Komae's 第13条第4項 is no longer the emergency provision here...
    _, found = lint_text(write, EMERGENCY.replace("kind: 報告", "kind: 諮問"))
    assert codes(found) == [(3, 14, "W401"), (11, 1, "E302")]
    # ...but this city's 第10条第3項 is.
    _, found = lint_text(write, EMERGENCY.replace("kind: 報告", "kind: 諮問").replace("条例第13条第4項", "条例第10条第3項"))
    assert found == [(2, 1, "E309", "緊急時の外部提供（条例第10条第3項）は事後の報告です。kind を「報告」にしてください")]
