"""Output formats, selection and exit statuses of `shingikai lint`."""

from __future__ import annotations

import json
import os
import pty
import subprocess

import pytest

from conftest import MINIMAL, SHINGIKAI, run

# Line 7: W406 (a warning); line 11: E205 (an error).
DEFECTIVE = MINIMAL.replace("summary: 概要", "summary: 連絡先 03-1234-5678").replace("items: [住所]", "items: [住所, 電話]")


@pytest.fixture
def defective(write):
    return write(DEFECTIVE)


def test_text_off_a_terminal_is_one_plain_line_per_finding(defective):
    result = run("lint", defective)
    assert result.code == 1
    assert result.lines() == [
        f"{defective}:7:14: W406 電話番号と思われる「03-1234-5678」があります。公開されるシートに直接の識別子を書かないでください",
        f"{defective}:11:15: E205 「電話」は保有個人情報の項目表にありません。「電話番号」の誤りではありませんか（表にない項目は other_items に書きます）",
    ]
    assert result.stderr == ""


def test_text_on_a_terminal_has_a_summary(defective):
    controller, terminal = pty.openpty()
    completed = subprocess.run(
        [str(SHINGIKAI), "lint", str(defective)],
        stdin=terminal,
        stdout=terminal,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "200"},
        timeout=60,
    )
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    text = output.decode()
    assert completed.returncode == 1
    assert "E205" in text and "W406" in text
    assert "1 ファイルを検査" in text and "エラー 1 件" in text and "警告 1 件" in text


def test_json_shape(defective):
    result = run("lint", "--format", "json", defective)
    assert result.code == 1
    assert result.json() == {
        "findings": [
            {
                "path": str(defective),
                "line": 7,
                "column": 14,
                "end_line": 7,
                "end_column": 26,
                "code": "W406",
                "severity": "warning",
                "message": "電話番号と思われる「03-1234-5678」があります。公開されるシートに直接の識別子を書かないでください",
            },
            {
                "path": str(defective),
                "line": 11,
                "column": 15,
                "end_line": 11,
                "end_column": 17,
                "code": "E205",
                "severity": "error",
                "message": "「電話」は保有個人情報の項目表にありません。「電話番号」の誤りではありませんか（表にない項目は other_items に書きます）",
            },
        ],
        "files": 1,
    }


def test_github_annotations(defective):
    result = run("lint", "--format", "github", defective)
    assert result.code == 1
    assert result.lines() == [
        f"::warning file={defective},line=7,col=14,endLine=7,endColumn=26,title=W406::W406 電話番号と思われる「03-1234-5678」があります。公開されるシートに直接の識別子を書かないでください",
        f"::error file={defective},line=11,col=15,endLine=11,endColumn=17,title=E205::E205 「電話」は保有個人情報の項目表にありません。「電話番号」の誤りではありませんか（表にない項目は other_items に書きます）",
    ]


def test_github_escapes_properties_and_data(write):
    path = write(DEFECTIVE, name="a,b:c.yaml")
    line = run("lint", "--format", "github", path).lines()[0]
    assert line.startswith(f"::warning file={str(path).replace(',', '%2C').replace(':', '%3A')},line=7,")


def test_sarif_2_1_0(defective):
    result = run("lint", "--format", "sarif", defective)
    assert result.code == 1
    log = result.json()
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    [sarif_run] = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "shingikai"
    rules = driver["rules"]
    listed = run("rules").lines()
    assert [rule["id"] for rule in rules] == [line.split()[0] for line in listed[1:]]
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert "## なぜ問題か" in rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] == ("warning" if rule["id"].startswith("W") else "error")
    results = sarif_run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("W406", "warning"), ("E205", "error")]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["message"]["text"]
    region = results[1]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 11, "startColumn": 15, "endLine": 11, "endColumn": 17}
    uri = results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == str(defective)


def test_sarif_uri_is_percent_encoded(write):
    path = write(DEFECTIVE, name="外部提供 案.yaml")
    log = run("lint", "--format", "sarif", path).json()
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("/%E5%A4%96%E9%83%A8%E6%8F%90%E4%BE%9B%20%E6%A1%88.yaml")


def test_warnings_alone_exit_0_unless_strict(write):
    path = write(MINIMAL.replace("summary: 概要", "summary: 連絡先 03-1234-5678"))
    assert run("lint", path).code == 0
    assert run("lint", "--strict", path).code == 1


def test_strict_from_the_configuration(write, tmp_path):
    (tmp_path / "shingikai.toml").write_text("[lint]\nstrict = true\n", encoding="utf-8")
    path = write(MINIMAL.replace("summary: 概要", "summary: 連絡先 03-1234-5678"))
    assert run("lint", path).code == 1


def test_select_and_ignore_take_codes_and_prefixes(defective):
    assert [f["code"] for f in run("lint", "--format", "json", "--select", "E", defective).json()["findings"]] == ["E205"]
    assert [f["code"] for f in run("lint", "--format", "json", "--ignore", "E2", defective).json()["findings"]] == ["W406"]
    ignored = run("lint", "--select", "W406,E205", "--ignore", "W406,E205", defective)
    assert (ignored.code, ignored.stdout) == (0, "")


def test_unknown_code_in_select_is_a_usage_error(defective):
    result = run("lint", "--select", "X999", defective)
    assert result.code == 2
    assert "--select の値が正しくありません: 不明なコード: X999" in result.stderr


def test_unknown_format_is_a_usage_error(defective):
    result = run("lint", "--format", "xml", defective)
    assert result.code == 2
    assert "「xml」は選べません（選択肢: text, json, github, sarif）" in result.stderr


def test_unknown_option_is_said_in_japanese(defective):
    result = run("lint", "--stirct", defective)
    assert result.code == 2
    assert "オプション --stirct はありません" in result.stderr
    assert "Traceback" not in result.stderr


def test_directory_walk_finds_yaml_and_yml_recursively_in_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("b/two.yml", "a.yaml", ".hidden/skip.yaml", "notes.txt"):
        (tmp_path / name).write_text(DEFECTIVE, encoding="utf-8")
    result = run("lint", "--format", "json", tmp_path)
    assert result.json()["files"] == 2
    paths = [f["path"] for f in result.json()["findings"]]
    assert paths == [str(tmp_path / "a.yaml")] * 2 + [str(tmp_path / "b" / "two.yml")] * 2


def test_no_yaml_file_is_a_usage_error(tmp_path):
    result = run("lint", tmp_path)
    assert result.code == 2
    assert "検査する YAML ファイル（*.yaml / *.yml）が見つかりません" in result.stderr


def test_the_same_file_given_twice_is_linted_once(defective):
    result = run("lint", "--format", "json", defective, defective, defective.parent)
    assert result.json()["files"] == 1
    assert len(result.json()["findings"]) == 2


def test_json_is_valid_even_when_empty(write):
    result = run("lint", "--format", "json", write(MINIMAL))
    assert (result.code, json.loads(result.stdout)) == (0, {"findings": [], "files": 1})
