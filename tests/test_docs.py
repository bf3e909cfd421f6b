"""`shingikai rules` and the rules' own documentation, whose examples must tell the truth."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import CASES, dump, overlay, run

LISTED = run("rules").lines()
CODES = [line.split()[0] for line in LISTED[1:]]


def test_rules_lists_every_code_with_severity_and_title():
    assert LISTED[0].split() == ["コード", "種別", "内容"]
    assert CODES == sorted(CODES)
    expected = [f"E10{i}" for i in range(1, 7)] + [f"E20{i}" for i in range(1, 8)]
    expected += [f"E30{i}" for i in range(1, 10)] + [f"E50{i}" for i in range(1, 6)]
    expected += [f"W4{i:02}" for i in range(1, 13)] + [f"W50{i}" for i in range(1, 5)]
    assert CODES == expected
    assert "E305  エラー  通知 無 のただし書の理由がない" in [re.sub(r"\s{2,}", "  ", line) for line in LISTED]
    assert "W404  警告    自治体名の誤記".split() in [line.split() for line in LISTED]


def test_rules_code_explains_what_why_and_examples():
    result = run("rules", "w404")
    assert result.code == 0
    text = result.stdout
    assert text.startswith("# W404 自治体名の誤記（警告）\n")
    for heading in ("## 何を検査するか", "## なぜ問題か", "## 違反例", "## 修正例"):
        assert heading in text
    assert "柏江市" in text


def test_rules_unknown_code():
    result = run("rules", "E999")
    assert result.code == 2
    assert "コード「E999」はありません" in result.stderr


def examples(code: str) -> tuple[str, str]:
    text = run("rules", code).stdout
    failing, fixed = re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)
    return failing, fixed


def lint_codes(path) -> list[str]:
    return [f["code"] for f in run("lint", "--format", "json", path).json()["findings"]]


# The meeting a meeting rule's example is laid over: the seed's cases, in a repository.
MEETING = {
    "version": 1,
    "kind": "会議",
    "fiscal_year": "令和3年度",
    "number": 3,
    "date": "令和4年1月17日（月）",
    "place": "狛江市役所4階 特別会議室",
    "consultations": [{"case": "../cases/ai-ocr-shoukyaku-shisan.yaml"}, {"case": "../cases/gakkou-kenshin-itaku.yaml"}],
    "reports": [{"case": "../cases/ninchisho-koureisha-sousaku.yaml"}],
}
# W503's example is about an earlier meeting of the same directory, which decided on AI-OCR.
EARLIER_MEETING = {
    **MEETING,
    "number": 2,
    "date": "令和3年12月20日（月）",
    "consultations": [{"case": "../cases/ai-ocr-shoukyaku-shisan.yaml", "result": {"decision": "承認"}}],
    "reports": [],
}


def meeting_repository(tmp_path, code: str):
    """A case repository with the seed's cases and, for W503, the earlier meeting."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "cases").mkdir()
    for case in sorted(CASES.glob("*.yaml")):
        (tmp_path / "cases" / case.name).write_text(case.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "meetings").mkdir()
    if code == "W503":
        (tmp_path / "meetings" / "earlier.yaml").write_text(dump(EARLIER_MEETING), encoding="utf-8")
    return tmp_path / "meetings"


# The codes whose examples need more than a file to lint, each checked by a test of its own.
CHECKED_ELSEWHERE = {
    "W504": "W504 の例は、決定を記録した git の履歴が要るため、tests/test_changes.py の "
    "test_the_failing_example_of_w504_warns_and_the_fixed_one_does_not が履歴を作って検査します",
}


@pytest.mark.parametrize("code", CODES)
def test_the_failing_example_fails_and_the_fixed_one_does_not(code, example, tmp_path):
    if code in CHECKED_ELSEWHERE:
        pytest.skip(CHECKED_ELSEWHERE[code])
    failing, fixed = examples(code)
    directory, base = tmp_path, example
    if code.startswith(("E5", "W5")):
        # A meeting rule's examples are meeting files, pointing at real case files.
        directory, base = meeting_repository(tmp_path, code), MEETING
    if code == "W408":
        (tmp_path / "shingikai.toml").write_text('departments = ["企画財政部情報政策課", "市民生活部課税課"]\n', encoding="utf-8")
    for name, snippet, should_fire in (("failing.yaml", failing, True), ("fixed.yaml", fixed, False)):
        path = directory / name
        if code.startswith("E1"):
            # File-level codes: the snippet is the whole file.
            path.write_bytes(snippet.encode("cp932" if code == "E103" and should_fire else "utf-8"))
        else:
            path.write_text(dump(overlay(base, yaml.safe_load(snippet))), encoding="utf-8")
        found = lint_codes(path)
        assert (code in found) is should_fire, f"{code} {name}: {found}"
        path.unlink()
