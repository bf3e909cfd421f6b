"""Configuration: discovery from the linted path upwards, --config, and bad files."""

from __future__ import annotations

import pytest

from conftest import MINIMAL, run

# 柏江市 is one character off Komae's 狛江市 (W404) but is the right name in 柏江市's own config.
TEXT = MINIMAL.replace("conditions: 条件", "conditions: 柏江市個人情報保護条例を遵守させる。")


def codes(result):
    return [f["code"] for f in result.json()["findings"]]


def test_without_configuration_komae_defaults_apply(write):
    assert codes(run("lint", "--format", "json", write(TEXT))) == ["W404"]


def test_shingikai_toml_in_a_parent_directory(tmp_path, write):
    (tmp_path / "shingikai.toml").write_text('municipality = "柏江市"\nknown_names = []\n', encoding="utf-8")
    path = write(TEXT, name="cases/2022/case.yaml")
    assert codes(run("lint", "--format", "json", path)) == []


def test_pyproject_tool_table(tmp_path, write):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.shingikai]\nmunicipality = "柏江市"\n', encoding="utf-8")
    assert codes(run("lint", "--format", "json", write(TEXT, name="cases/case.yaml"))) == []


def test_pyproject_without_our_table_is_skipped(tmp_path, write):
    (tmp_path / "shingikai.toml").write_text('municipality = "柏江市"\n', encoding="utf-8")
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "pyproject.toml").write_text('[tool.other]\nx = 1\n', encoding="utf-8")
    assert codes(run("lint", "--format", "json", write(TEXT, name="cases/case.yaml"))) == []


def test_the_nearest_configuration_wins(tmp_path, write):
    (tmp_path / "shingikai.toml").write_text('municipality = "柏江市"\n', encoding="utf-8")
    (tmp_path / "komae").mkdir()
    (tmp_path / "komae" / "shingikai.toml").write_text('municipality = "狛江市"\n', encoding="utf-8")
    first = write(TEXT, name="kashiwae/case.yaml")
    second = write(TEXT, name="komae/case.yaml")
    result = run("lint", "--format", "json", first, second)
    assert [(f["path"], f["code"]) for f in result.json()["findings"]] == [(str(second), "W404")]


def test_config_option_overrides_discovery(tmp_path, write):
    (tmp_path / "shingikai.toml").write_text('municipality = "柏江市"\n', encoding="utf-8")
    other = tmp_path / "elsewhere.toml"
    other.write_text("[lint]\nignore = []\n", encoding="utf-8")
    assert codes(run("lint", "--format", "json", "--config", other, write(TEXT))) == ["W404"]


def test_per_file_ignores_are_globs_relative_to_the_configuration(tmp_path, write):
    (tmp_path / "shingikai.toml").write_text('[lint.per-file-ignores]\n"cases/archive/*.yaml" = ["W404"]\n', encoding="utf-8")
    archived = write(TEXT, name="cases/archive/old.yaml")
    current = write(TEXT, name="cases/new.yaml")
    result = run("lint", "--format", "json", archived, current)
    assert [(f["path"], f["code"]) for f in result.json()["findings"]] == [(str(current), "W404")]


def test_select_and_ignore_in_the_configuration(tmp_path, write):
    (tmp_path / "shingikai.toml").write_text('[lint]\nignore = ["W4"]\n', encoding="utf-8")
    assert codes(run("lint", "--format", "json", write(TEXT))) == []
    (tmp_path / "shingikai.toml").write_text('[lint]\nselect = ["E"]\n', encoding="utf-8")
    assert codes(run("lint", "--format", "json", write(TEXT))) == []
    # --select replaces the configured select.
    assert codes(run("lint", "--format", "json", "--select", "W404", write(TEXT))) == ["W404"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('municipality = "狛江市\n', "の TOML の書き方が正しくありません（1 行"),
        ('[articles]\n緊急の外部提供 = "条例第13条第4項"\n', '（2 行 1 列）。日本語のキーは "緊急の外部提供" = … のように引用符で囲んでください'),
        ("municipality = 1\n", "に誤りがあります:\n  municipality: 文字列で書いてください"),
        ('[lint]\nstrict = "yes"\n', "に誤りがあります:\n  lint.strict: 真偽値（true または false）で書いてください"),
        ('[lint]\nignore = "W404"\n', "に誤りがあります:\n  lint.ignore: リスト（[ ] で囲み「,」で区切った並び）で書いてください"),
        ("lint = true\n", "に誤りがあります:\n  lint: キーと値の組の並びで書いてください"),
        ('[lint]\nignore = ["W999"]\n', "に誤りがあります:\n  lint.ignore: 不明なコード: W999（`shingikai rules` で一覧を表示できます）"),
        ('municipalty = "狛江市"\n', "に誤りがあります:\n  municipalty: 不明なキーです（1 行目）。「municipality」の誤りではありませんか\n"),
        ('[articles]\n"外部提供する" = "条例第13条"\n', "に誤りがあります:\n  articles.外部提供する: 不明なキーです（2 行目）。「外部提供」の誤りではありませんか\n"),
    ],
)
def test_bad_configuration_is_exit_2_naming_the_file_and_key(tmp_path, write, content, message):
    config = tmp_path / "shingikai.toml"
    config.write_text(content, encoding="utf-8")
    result = run("lint", write(TEXT))
    assert result.code == 2
    assert result.stdout == ""
    assert f"設定ファイル {config.resolve()} " in result.stderr or f"設定ファイル {config} " in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


AT_THE_END = "。ファイルが途中で終わっています（値の書き忘れや、引用符・括弧の閉じ忘れがないか確認してください）"


@pytest.mark.parametrize(
    ("content", "position"),
    [
        # tomllib says "at end of document" here, not a line and column: the end is named.
        ("municipality = ", "1 行 16 列"),
        # Columns are characters, as in tomllib's own positions.
        ('municipality = "狛江市"\nordinance = ', "2 行 13 列"),
        # Ending with a line break: the end is the start of the line after it.
        ('[lint]\nignore = ["W403",\n', "3 行 1 列"),
        ('council = """狛江市\r\n審議会', "2 行 4 列"),
    ],
)
def test_a_toml_error_at_the_end_of_the_file_names_the_end(tmp_path, write, content, position):
    config = tmp_path / "shingikai.toml"
    config.write_bytes(content.encode("utf-8"))
    result = run("lint", write(TEXT))
    assert (result.code, result.stdout) == (2, "")
    assert f"設定ファイル {config} の TOML の書き方が正しくありません（{position}）{AT_THE_END}\n" in result.stderr


def test_a_configuration_not_in_utf_8_says_so(tmp_path, write):
    config = tmp_path / "shingikai.toml"
    config.write_bytes('municipality = "狛江市"\n'.encode("cp932"))
    result = run("lint", write(TEXT))
    assert (result.code, result.stdout) == (2, "")
    assert f"設定ファイル {config} は UTF-8 ではありません。UTF-8 で保存し直してください\n" in result.stderr


def test_missing_config_option_file(tmp_path, write):
    result = run("lint", "--config", tmp_path / "none.toml", write(TEXT))
    assert result.code == 2
    assert "none.toml を読み込めません（ファイルかディレクトリがありません）" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[lint]\nstric = true\n', "  lint.stric: 不明なキーです（2 行目）。「strict」の誤りではありませんか\n"),
        ('[lint]\nper-file-ignore = {}\n', "  lint.per-file-ignore: 不明なキーです（2 行目）。「per-file-ignores」の誤りではありませんか\n"),
        # Inside an inline table the line is not told; the nearest key still is.
        ("lint = { stric = true }\n", "  lint.stric: 不明なキーです。「strict」の誤りではありませんか\n"),
        ('ordinance = "狛江市個人情報保護条例"\nxyz = 1\n', "  xyz: 不明なキーです（2 行目）。書けるキー: municipality、ordinance、council、departments、known_names、pdf_font、articles、lint\n"),
    ],
)
def test_an_unknown_key_names_its_line_and_the_nearest_key(tmp_path, write, content, message):
    (tmp_path / "shingikai.toml").write_text(content, encoding="utf-8")
    result = run("lint", write(TEXT))
    assert result.code == 2
    assert message in result.stderr


def test_an_unknown_key_in_a_pyproject_is_counted_in_the_whole_file(tmp_path, write):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.shingikai.articles]\n"外部提供の" = "条例第13条"\n', encoding="utf-8")
    result = run("lint", write(TEXT, name="cases/case.yaml"))
    assert result.code == 2
    assert "  articles.外部提供の: 不明なキーです（5 行目）。「外部提供」の誤りではありませんか\n" in result.stderr


def test_a_basis_article_changed_without_its_notice_article(tmp_path, write):
    config = tmp_path / "shingikai.toml"
    config.write_text('municipality = "狛江市"\n[articles]\n"目的外利用" = "条例第9条第1項第3号"\n', encoding="utf-8")
    result = run("lint", write(TEXT))
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        f"shingikai: 設定ファイル {config.resolve()} に誤りがあります:\n"
        "  articles.目的外利用（3 行目）: 「条例第9条第1項第3号」に変えていますが、articles.目的外利用の通知 は既定の「条例第12条第5項」のままです。"
        '目的外利用の通知の規定も書いてください（既定のままでよければ "目的外利用の通知" = "条例第12条第5項" と書きます）\n'
    )


@pytest.mark.parametrize(
    "articles",
    [
        '"目的外利用" = "条例第9条第1項第3号"\n"目的外利用の通知" = "条例第9条第5項"\n',
        '"目的外利用" = "条例第9条第1項第3号"\n"目的外利用の通知" = "条例第12条第5項"\n',  # kept on purpose, said so
        '"目的外利用" = "条例第12条第2項第4号"\n',  # the default, written out
        '"本人外収集" = "条例第9条第2項"\n',  # no notice article to go stale: the rationale names it in words
        '"緊急の外部提供" = "条例第10条第3項"\n',
    ],
)
def test_articles_changed_together_or_without_a_notice_article_load(tmp_path, write, articles):
    (tmp_path / "shingikai.toml").write_text("[articles]\n" + articles, encoding="utf-8")
    assert codes(run("lint", "--format", "json", write(TEXT))) == ["W404"]
