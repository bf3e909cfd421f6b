"""E1: the file itself — syntax, duplicates, encodings, shape, tags, limits."""

from __future__ import annotations

import codecs
import time

import pytest

from conftest import EXAMPLE, MINIMAL, lint_json, run


def findings(path):
    result = lint_json(path)
    assert result.code == 1, result.stderr
    return [(f["line"], f["column"], f["code"]) for f in result.json()["findings"]]


def test_syntax_error_at_the_parser_position_names_where_the_construct_started(write):
    path = write("title: 外部提供について\nbases: [外部提供, 結合\n")
    result = lint_json(path)
    [finding] = result.json()["findings"]
    assert (finding["line"], finding["column"], finding["code"]) == (3, 1, "E101")
    assert "`[` に対応する `]` がありません" in finding["message"]
    assert "2 行 8 列から" in finding["message"]


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("  recipient：株式会社A", 12, "キーの後の「：」が全角です。半角の「: 」（コロンと空白）にしてください"),
        ("  recipient:株式会社A", 12, "「:」の後に空白がありません。「キー: 値」のように「: 」と書いてください"),
        ("\u3000recipient: 株式会社A", 1, "字下げに全角の空白があります。半角の空白で字下げしてください"),
    ],
)
def test_japanese_typing_slips_are_named_on_their_own_line(write, line, column, message):
    """The parser stops a line later (at `media`), in its own terms; the slip is on line 12."""
    path = write(MINIMAL.replace("  recipient: 株式会社A", line))
    [finding] = lint_json(path).json()["findings"]
    assert (finding["line"], finding["column"], finding["code"], finding["message"]) == (
        12,
        column,
        "E101",
        f"YAML の構文エラー: {message}",
    )


def test_tab_indentation_is_a_syntax_error_in_japanese(write):
    path = write("external_provision:\n\trecipient: x\n")
    [(line, column, code)] = findings(path)
    assert (line, column, code) == (2, 1, "E101")
    assert "タブ" in lint_json(path).json()["findings"][0]["message"]


def test_control_character_is_a_syntax_error_at_its_position(write):
    path = write("title: a\nsummary: ab\x07c\n")
    assert findings(path) == [(2, 12, "E101")]


def test_duplicate_key_names_both_positions_and_keeps_checking(write):
    text = EXAMPLE.read_text(encoding="utf-8").replace("volume: 年間約1,800件\n", "volume: 年間約1,800件\nperiod: 令和4年1月18日～\n")
    path = write(text)
    result = lint_json(path)
    [finding] = result.json()["findings"]
    assert (finding["line"], finding["column"], finding["code"]) == (18, 1, "E102")
    assert "「period」が重複しています（最初は 16 行 1 列）" in finding["message"]


def test_cp932_file_names_the_encoding_and_how_to_convert(write):
    path = write("title: 外部提供について\n".encode("cp932"))
    result = lint_json(path)
    [finding] = result.json()["findings"]
    assert (finding["line"], finding["column"], finding["code"]) == (1, 8, "E103")
    assert "CP932（Shift_JIS）" in finding["message"]
    assert "iconv -f CP932 -t UTF-8" in finding["message"]


def test_utf16_file_is_named_as_utf16(write):
    path = write("title: 外部提供について\n".encode("utf-16"))
    result = lint_json(path)
    [finding] = result.json()["findings"]
    assert finding["code"] == "E103" and "UTF-16" in finding["message"]


def test_utf8_bom_is_accepted_and_positions_are_unchanged(write):
    path = write(codecs.BOM_UTF8 + EXAMPLE.read_bytes())
    result = lint_json(path)
    assert result.code == 0, result.stdout
    assert result.json()["findings"] == []


def test_crlf_line_endings_keep_lines_and_columns(write):
    text = EXAMPLE.read_text(encoding="utf-8").replace("[氏名, 住所, 電話番号, 財産]", "[氏名, 住所, 電話, 財産]")
    path = write(text.replace("\n", "\r\n").encode("utf-8"))
    result = lint_json(path)
    [finding] = result.json()["findings"]
    assert (finding["line"], finding["column"], finding["code"]) == (20, 19, "E205")


def test_empty_file(write):
    assert findings(write("")) == [(1, 1, "E104")]


def test_comment_only_file_is_empty(write):
    assert findings(write("# yaml-language-server: $schema=../schemas/case.schema.json\n")) == [(1, 1, "E104")]


def test_two_documents(write):
    assert findings(write("title: a\n---\ntitle: b\n")) == [(2, 1, "E104")]


def test_top_level_list(write):
    assert findings(write("- 外部提供\n- 結合\n")) == [(1, 1, "E104")]


def test_python_tag_is_refused_and_never_constructed(write, tmp_path):
    marker = tmp_path / "constructed"
    path = write(f"title: !!python/object/apply:os.system ['touch {marker}']\n")
    result = lint_json(path)
    [finding] = result.json()["findings"]
    assert (finding["line"], finding["column"], finding["code"]) == (1, 8, "E105")
    assert "!!python/object/apply:os.system" in finding["message"]
    assert not marker.exists()


def test_custom_tags_on_keys_and_values_are_all_reported(write):
    path = write("title: !secret x\n!!binary a2V5: y\n")
    assert findings(path) == [(1, 8, "E105"), (2, 1, "E105")]


def test_billion_laughs_is_refused_fast(write):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    names = "abcdefghij"
    for previous, name in zip(names, names[1:]):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    path = write("\n".join(lines) + "\n")
    started = time.perf_counter()
    result = lint_json(path)
    elapsed = time.perf_counter() - started
    [finding] = result.json()["findings"]
    assert finding["code"] == "E106"
    # The whole process, start-up included; the point is that it does not expand 10^10 values.
    assert elapsed < 5


def test_recursive_alias_is_refused(write):
    assert findings(write("a: &x [1, *x]\n")) == [(1, 4, "E106")]


def test_deep_nesting_is_refused(write):
    path = write("title: " + "[" * 2000 + "]" * 2000 + "\n")
    [(_, _, code)] = findings(path)
    assert code == "E106"


def test_oversize_file_is_refused_without_reading_it_all(write):
    path = write(b"title: " + b"x" * (2 * 1024 * 1024) + b"\n")
    assert findings(path) == [(1, 1, "E106")]


def test_yaml_12_scalars_keep_text_as_written(write):
    # 0312345670 would be an octal int, and yes a boolean, under YAML 1.1.
    text = EXAMPLE.read_text(encoding="utf-8").replace("volume: 年間約1,800件", "volume: 0312345670")
    result = lint_json(write(text))
    [finding] = result.json()["findings"]
    assert finding["code"] == "W406" and "0312345670" in finding["message"]


def test_unreadable_path_is_exit_2_and_other_files_are_still_linted(tmp_path):
    result = run("lint", "--format", "json", tmp_path / "missing.yaml", EXAMPLE)
    assert result.code == 2
    assert "missing.yaml: ファイルもディレクトリもありません" in result.stderr
    assert result.json()["files"] == 1
