"""The six seed sheets: clean as corrected in cases/, and with their real defects as submitted."""

from __future__ import annotations

from conftest import AS_SUBMITTED, CASES, run


def test_the_demo_repository_is_lint_clean():
    result = run("lint", "--format", "json", "--strict", CASES)
    assert result.code == 0
    # The six sheets and the meeting they were put to (cases/meetings/r3-3.yaml).
    assert result.json() == {"findings": [], "files": 7}


def test_the_sheets_as_submitted_show_their_real_defects():
    result = run("lint", "--format", "json", AS_SUBMITTED)
    assert result.code == 1
    found = [(f["path"].rsplit("/", 1)[-1], f["line"], f["code"], f["message"]) for f in result.json()["findings"]]
    kosodate = "kosodate-senkou-kyufukin.yaml"
    assert found == [
        # OCR: 狹江市 in the conditions of the AI-OCR sheet.
        ("ai-ocr-shoukyaku-shisan.yaml", 34, "W404", "「狹江市」は「狛江市」の誤りではありませんか（実在する別の名前なら設定の known_names に加えてください）"),
        # The summary hands 氏名 over; the grid does not tick it.
        ("gakkou-kenshin-itaku.yaml", 12, "W402", "事務の概要（summary）に「氏名」とありますが、項目「氏名」がどの欄の項目表（items）にもありません（チェックするか、扱わないなら本文を直してください）"),
        ("hikazei-setai-kyufukin.yaml", 31, "W404", "「狹江市」は「狛江市」の誤りではありませんか（実在する別の名前なら設定の known_names に加えてください）"),
        # Titled 記録項目の設定 while it ticks 記録項目に追加する.
        (kosodate, 4, "W401", "件名は記録項目の「設定」ですが、record_items.operation は「追加」です"),
        (kosodate, 5, "W404", "「柏江市」は「狛江市」の誤りではありませんか（実在する別の名前なら設定の known_names に加えてください）"),
        (kosodate, 8, "W404", "「柏江市」は「狛江市」の誤りではありませんか（実在する別の名前なら設定の known_names に加えてください）"),
        # The 目的外利用 source fields left empty.
        (kosodate, 20, "E201", "目的外利用をする個人情報取扱事務（提供元の事務）の名称（secondary_use.source_business）が空です"),
        (kosodate, 21, "E201", "目的外利用をする個人情報取扱事務（提供元の事務）を行う組織の名称（secondary_use.source_organization）が空です"),
        (kosodate, 22, "E201", "目的外利用の理由、方法等（secondary_use.reason）が空です"),
        # The template's 「(例)」 kept in the 理由.
        (kosodate, 27, "W403", "記入例・未記入の印「(例)」が残っています。実際の内容に書き換えてください"),
        # 通知 有 with neither 事前 nor 事後 ticked.
        ("ninchisho-koureisha-sousaku.yaml", 28, "E306", "通知の時期（external_provision.notice.timing）がありません。通知 有 には、時期（事前・事後）と方法が必要です"),
    ]
