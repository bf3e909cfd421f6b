"""E1: the file itself — syntax, duplicates, encodings, shape, tags, limits — and the paths
given to `shingikai lint`. Each attack is its own test, answered by an exact finding in
Japanese; the ones that would exhaust the machine run with their memory capped.
"""

from __future__ import annotations

import codecs
import os
import subprocess
import sys

import pytest

from conftest import EXAMPLE, MINIMAL, SHINGIKAI, Completed, lint_json, run

# A lint takes about 30 MiB resident; expanding an alias bomb or reading a huge file
# would take gigabytes. Capped, such a run fails at once (MemoryError) instead of slowly.
MEMORY_LIMIT = 256 * 1024 * 1024
WITH_MEMORY_LIMIT = (
    "import os, resource, sys; "
    "resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1]))); "
    "os.execv(sys.argv[2], sys.argv[2:])"
)


def lint_within_memory_limit(*paths) -> Completed:
    """`shingikai lint --format json PATHS` with its address space capped at MEMORY_LIMIT."""
    completed = subprocess.run(
        [sys.executable, "-c", WITH_MEMORY_LIMIT, str(MEMORY_LIMIT), str(SHINGIKAI), "lint", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        # A guard against hanging, not a measure: the assertions are on the answer.
        timeout=60,
    )
    return Completed(completed.returncode, completed.stdout, completed.stderr)


def findings(path):
    result = lint_json(path)
    assert result.code == 1, result.stderr
    return [(f["line"], f["column"], f["code"]) for f in result.json()["findings"]]


def exact(result):
    """Every finding of a `--format json` run as (line, column, code, message)."""
    assert "Traceback" not in result.stderr
    return [(f["line"], f["column"], f["code"], f["message"]) for f in result.json()["findings"]]


# E101: syntax.


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


@pytest.mark.parametrize(
    ("text", "line", "column", "code_point"),
    [
        ("title: a\nsummary: ab\x07c\n", 2, 12, "U+0007"),
        (MINIMAL.replace("概要", "概\x00要"), 7, 11, "U+0000"),
    ],
    ids=["bell", "nul"],
)
def test_a_control_character_is_a_syntax_error_at_its_position(write, text, line, column, code_point):
    result = lint_json(write(text))
    assert result.code == 1
    assert exact(result) == [(line, column, "E101", f"YAML に書けない制御文字（{code_point}）があります。削除してください")]


def test_bidi_controls_and_ideographic_spaces_in_a_value_are_text(write):
    result = lint_json(write(MINIMAL.replace("recipient: 株式会社A", "recipient: 株式会社\u202eA\u3000")))
    assert result.code == 0
    assert exact(result) == []


# E102: duplicate keys.


def test_duplicate_key_names_both_positions_and_keeps_checking(write):
    text = EXAMPLE.read_text(encoding="utf-8").replace("volume: 年間約1,800件\n", "volume: 年間約1,800件\nperiod: 令和4年1月18日～\n")
    path = write(text)
    result = lint_json(path)
    [finding] = result.json()["findings"]
    assert (finding["line"], finding["column"], finding["code"]) == (18, 1, "E102")
    assert "「period」が重複しています（最初は 16 行 1 列）" in finding["message"]


# E103: encodings; a BOM and CRLF line endings are accepted.


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


AS_WRITTEN = {
    "lf": lambda text: text.encode("utf-8"),
    "bom": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "bom-crlf": lambda text: codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8"),
}


@pytest.mark.parametrize("written_as", AS_WRITTEN)
def test_a_bom_and_crlf_line_endings_are_accepted(write, written_as):
    result = lint_json(write(AS_WRITTEN[written_as](EXAMPLE.read_text(encoding="utf-8"))))
    assert result.code == 0, result.stdout
    assert exact(result) == []


@pytest.mark.parametrize("written_as", AS_WRITTEN)
def test_a_bom_and_crlf_line_endings_keep_lines_and_columns(write, written_as):
    text = (
        EXAMPLE.read_text(encoding="utf-8")
        .replace("[氏名, 住所, 電話番号, 財産]", "[氏名, 住所, 電話, 財産]")
        .replace("NTTデータ\n", "柏江市\n", 1)
    )
    result = lint_json(write(AS_WRITTEN[written_as](text)))
    assert result.code == 1
    assert exact(result) == [
        (
            20,
            19,
            "E205",
            "「電話」は保有個人情報の項目表にありません。「電話番号」の誤りではありませんか（表にない項目は other_items に書きます）",
        ),
        (21, 14, "W404", "「柏江市」は「狛江市」の誤りではありませんか（実在する別の名前なら設定の known_names に加えてください）"),
    ]


# E104: not one mapping.


def test_empty_file(write):
    assert findings(write("")) == [(1, 1, "E104")]


def test_comment_only_file_is_empty(write):
    assert findings(write("# yaml-language-server: $schema=../schemas/case.schema.json\n")) == [(1, 1, "E104")]


def test_two_documents(write):
    assert findings(write("title: a\n---\ntitle: b\n")) == [(2, 1, "E104")]


def test_top_level_list(write):
    assert findings(write("- 外部提供\n- 結合\n")) == [(1, 1, "E104")]


# E105: tags.


def test_python_tags_are_refused_and_never_constructed(write, tmp_path):
    marker = tmp_path / "constructed"
    path = write(
        f"title: !!python/object/apply:os.system ['touch {marker}']\n"
        f"kind: !!python/object/new:subprocess.Popen [['touch', '{marker}']]\n"
    )
    result = lint_json(path)
    assert result.code == 1
    assert exact(result) == [
        (1, 8, "E105", "タグ「!!python/object/apply:os.system」は使えません。文字列・数・リスト・マッピングだけで書いてください"),
        (2, 7, "E105", "タグ「!!python/object/new:subprocess.Popen」は使えません。文字列・数・リスト・マッピングだけで書いてください"),
    ]
    assert not marker.exists()


def test_custom_tags_on_keys_and_values_are_all_reported(write):
    path = write("title: !secret x\n!!binary a2V5: y\n")
    assert findings(path) == [(1, 8, "E105"), (2, 1, "E105")]


# E106: limits. Each bomb is run with its memory capped: a guard that gave way would fail
# the run (MemoryError, or the timeout), never merely make it slow.


def test_a_billion_laughs_is_refused_within_bounded_memory(write):
    lines = ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 9) + "]")
    result = lint_within_memory_limit(write("\n".join(lines) + "\n"))
    assert result.code == 1, result.stderr
    # Named at lol3, whose expansions (7,381 values each) by lol4 pass the limit.
    assert exact(result) == [(4, 7, "E106", "エイリアスを展開すると値が多すぎます（50,000 個まで）")]


def test_recursive_alias_is_refused(write):
    result = lint_json(write("a: &x [1, *x]\n"))
    assert result.code == 1
    assert exact(result) == [(1, 4, "E106", "エイリアスが自分自身を含んでいます（循環参照）")]


TOO_DEEP_FOR_THE_PARSER = "入れ子が深すぎます。付議案件シートに必要な深さを大きく超えています"
TOO_DEEP_FOR_A_CASE = "入れ子が深すぎます（32 段まで）"


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        # The parser gives up at its own limit (1,000 levels), in the first `[` past it.
        ("title: " + "[" * 10_000 + "]" * 10_000 + "\n", 1, 1007, TOO_DEEP_FOR_THE_PARSER),
        # One space a level keeps 1,100 levels under the size limit.
        ("".join(" " * depth + f"k{depth}:\n" for depth in range(1_100)), 1000, 1004, TOO_DEEP_FOR_THE_PARSER),
        # Parsed, but deeper than any case: at the value past 32 levels.
        ("title: " + "[" * 40 + "]" * 40 + "\n", 1, 40, TOO_DEEP_FOR_A_CASE),
        ("".join("  " * depth + f"k{depth}:\n" for depth in range(40)), 34, 67, TOO_DEEP_FOR_A_CASE),
    ],
    ids=["flow-10000", "block-1100", "flow-40", "block-40"],
)
def test_deep_nesting_is_refused(write, text, line, column, message):
    result = lint_within_memory_limit(write(text))
    assert result.code == 1, result.stderr
    assert exact(result) == [(line, column, "E106", message)]


TOO_LARGE = (
    "ファイルが大きすぎます（1 MiB まで）。付議案件シート 1 件は数キロバイトです。"
    "別のファイルが紛れ込んでいないか確認してください"
)


def test_an_oversize_file_is_refused(write):
    result = lint_within_memory_limit(write(b"title: " + b"x" * (2 * 1024 * 1024) + b"\n"))
    assert result.code == 1, result.stderr
    assert exact(result) == [(1, 1, "E106", TOO_LARGE)]


def test_a_file_larger_than_the_memory_limit_is_refused_without_reading_it(write):
    path = write(b"summary: " + "あ".encode("utf-8") * 1000)
    # Sparse: a gigabyte on paper, four times what the run may hold, no disk space taken.
    with path.open("r+b") as stream:
        stream.truncate(4 * MEMORY_LIMIT)
    result = lint_within_memory_limit(path)
    assert result.code == 1, result.stderr
    assert exact(result) == [(1, 1, "E106", TOO_LARGE)]


def test_yaml_12_scalars_keep_text_as_written(write):
    # 0312345670 would be an octal int, and yes a boolean, under YAML 1.1.
    text = EXAMPLE.read_text(encoding="utf-8").replace("volume: 年間約1,800件", "volume: 0312345670")
    result = lint_json(write(text))
    [finding] = result.json()["findings"]
    assert finding["code"] == "W406" and "0312345670" in finding["message"]


# The paths given: what cannot be read is said, and everything else is still linted.


def test_a_missing_path_is_exit_2_and_the_other_files_are_still_linted(tmp_path):
    result = run("lint", "--format", "json", tmp_path / "missing.yaml", EXAMPLE)
    assert result.code == 2
    assert "missing.yaml: ファイルもディレクトリもありません" in result.stderr
    assert result.json()["files"] == 1


def test_an_unreadable_file_is_reported_and_the_others_are_still_linted(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "a-good.yaml").write_text(MINIMAL, encoding="utf-8")
    (cases / "b-dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    if os.geteuid() == 0:
        # Permissions do not stop root: a FIFO is a file nobody can lint.
        os.mkfifo(cases / "c-unreadable.yaml")
    else:
        (cases / "c-unreadable.yaml").write_text(MINIMAL, encoding="utf-8")
        (cases / "c-unreadable.yaml").chmod(0)
    (cases / "d-bad.yaml").write_text(MINIMAL.replace("items: [住所]", "items: [電話]"), encoding="utf-8")
    result = lint_json(cases)
    assert result.code == 2
    assert f"{cases / 'b-dangling.yaml'}: 読み込めません" in result.stderr
    assert f"{cases / 'c-unreadable.yaml'}:" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.json()["files"] == 2
    assert [(f["path"], f["code"]) for f in result.json()["findings"]] == [(str(cases / "d-bad.yaml"), "E205")]


def test_a_symlink_loop_under_the_cases_directory_ends_the_walk(tmp_path):
    cases = tmp_path / "cases"
    (cases / "sub").mkdir(parents=True)
    (cases / "sub" / "loop").symlink_to(cases, target_is_directory=True)
    (cases / "self").symlink_to("self")
    (cases / "ok.yaml").write_text(MINIMAL, encoding="utf-8")
    # Were the loop followed, the run would not end: `run` gives up after a minute.
    result = lint_json(cases)
    assert result.code == 0
    assert result.json() == {"findings": [], "files": 1}


def test_the_same_path_given_twice_is_reported_once(write):
    path = write(MINIMAL.replace("items: [住所]", "items: [電話]"))
    result = lint_json(path, path, str(path).replace("/case.yaml", "/./case.yaml"))
    assert result.json()["files"] == 1
    assert [f["code"] for f in result.json()["findings"]] == ["E205"]
