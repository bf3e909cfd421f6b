"""`shingikai schema` and the committed JSON Schema, checked by an independent validator."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator, ValidationError

from shingikai.model import vocabulary
from shingikai.model.case import SECTIONS

from conftest import AS_SUBMITTED, CASES, REPO, dump, lint_json, overlay, run

SCHEMA_FILE = REPO / "schemas" / "case.schema.json"
MEETING_SCHEMA_FILE = REPO / "schemas" / "meeting.schema.json"
SEED_MEETING = CASES / "meetings" / "r3-3.yaml"
MODELINE = "# yaml-language-server: $schema=../schemas/case.schema.json"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# The codes the schema states: the format (E2, and the notice shapes E305/E306), and the
# ordinance's pairings that JSON Schema can say (E301, E302 but in an emergency, E303,
# E304, E307, E308).
SCHEMA_CODES = re.compile(r"E2\d\d|E30[1-8]")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema)


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_committed_schema_is_what_shingikai_schema_prints() -> None:
    result = run("schema")
    assert result.code == 0, result.stderr
    assert result.stdout == SCHEMA_FILE.read_text(encoding="utf-8"), "schemas/case.schema.json is stale: run `make schema`"


def test_the_committed_meeting_schema_is_what_shingikai_schema_meeting_prints() -> None:
    result = run("schema", "--meeting")
    assert result.code == 0, result.stderr
    assert result.stdout == MEETING_SCHEMA_FILE.read_text(encoding="utf-8"), "schemas/meeting.schema.json is stale: run `make schema`"


@pytest.fixture(scope="module")
def meeting_validator() -> Draft202012Validator:
    schema = json.loads(MEETING_SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema" and "$id" not in schema
    return Draft202012Validator(schema)


def test_every_meeting_key_has_its_label_and_a_japanese_description() -> None:
    schema = json.loads(MEETING_SCHEMA_FILE.read_text(encoding="utf-8"))
    properties = list(_properties(schema))
    assert {name for name, _ in properties} >= {"fiscal_year", "number", "date", "place", "consultations", "case", "decision", "conditions", "opinion"}
    for name, prop in properties:
        assert JAPANESE.search(prop["title"]), name
        assert JAPANESE.search(prop["description"]) and "\n" not in prop["description"], name
    assert schema["properties"]["date"]["title"] == "日時"


def test_each_list_states_the_decisions_it_allows_from_the_table_e504_reads() -> None:
    schema = json.loads(MEETING_SCHEMA_FILE.read_text(encoding="utf-8"))
    assert "enum" not in schema["$defs"]["Result"]["properties"]["decision"]
    stated = {}
    for clause in schema["allOf"]:
        for key, prop in clause.get("properties", {}).items():
            result = prop["items"]["properties"]["result"]
            stated[key] = [c["properties"]["decision"]["enum"] for c in result["allOf"] if c.get("title", "").startswith("E504 ")]
    assert stated == {agenda.key: [list(agenda.decisions)] for agenda in vocabulary.AGENDA_LISTS}


def test_the_seed_meeting_passes_the_meeting_schema(meeting_validator: Draft202012Validator) -> None:
    assert SEED_MEETING.read_text(encoding="utf-8").splitlines()[0] == "# yaml-language-server: $schema=../../schemas/meeting.schema.json"
    assert list(meeting_validator.iter_errors(load(SEED_MEETING))) == []


@pytest.fixture
def lint_meeting(tmp_path: Path) -> Callable[[dict[str, Any]], list[str]]:
    """The codes `shingikai lint` reports for a meeting (and its cases, the six seeds) as data."""
    (tmp_path / "cases" / "meetings").mkdir(parents=True)
    for case in CASES.glob("*.yaml"):
        (tmp_path / "cases" / case.name).write_text(case.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / ".git").mkdir()

    def codes(data: dict[str, Any]) -> list[str]:
        path = tmp_path / "cases" / "meetings" / "m.yaml"
        path.write_text(dump(data), encoding="utf-8")
        return [code for _, code in lint_json(path).codes()]

    return codes


@pytest.mark.parametrize(
    ("snippet", "code"),
    [
        ({"fiscal_year": "令和3年"}, "E203"),
        ({"date": "2022年1月17日"}, "E203"),
        ({"number": 0}, "E203"),
        ({"place": " "}, "E201"),
        ({"consultations": [{"case": "../ai-ocr-shoukyaku-shisan.yaml", "result": {"decision": "可決"}}]}, "E204"),
        ({"reports": [{"case": "../ninchisho-koureisha-sousaku.yaml", "memo": "x"}]}, "E202"),
    ],
    ids=["fiscal year", "western date", "number 0", "blank place", "decision", "unknown key"],
)
def test_the_meeting_schema_rejects_what_lint_reports(
    snippet: dict[str, Any], code: str, meeting_validator: Draft202012Validator, lint_meeting: Callable[..., list[str]]
) -> None:
    data = overlay(load(SEED_MEETING), snippet)
    assert list(meeting_validator.iter_errors(data)) != []
    assert code in lint_meeting(data)


RULE_TITLE = re.compile(r"[EW]\d{3} ")


def rules_named(schema: dict[str, Any], error: ValidationError) -> set[str]:
    """The codes of the rules that the schema names (a clause's title) on the way to what
    `error` failed; through `anyOf`, each alternative's (one is the best match)."""
    if error.context:
        return {code for each in error.context for code in rules_named(schema, each)}
    named, node = set(), schema
    for step in error.absolute_schema_path:
        while isinstance(node, dict) and step not in node and "$ref" in node:
            node = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
        node = node[step]
        if isinstance(node, dict) and RULE_TITLE.match(node.get("title", "")):
            named.add(node["title"].split()[0])
    return named


CONDITIONS = "委託先における監視カメラの記録の保存期間を契約書に明記すること。"
# The seed meeting after the council has met: each decision that each list allows, the
# conditions with 条件付承認, an opinion with any decision.
DECIDED = {
    "consultations": [
        {"case": "../ai-ocr-shoukyaku-shisan.yaml", "result": {"decision": "承認"}},
        {"case": "../gakkou-kenshin-itaku.yaml", "result": {"decision": "条件付承認", "conditions": CONDITIONS}},
        {"case": "../koseki-cloud.yaml", "result": {"decision": "継続審議", "opinion": "費用の見込みを示すこと。"}},
        {"case": "../hikazei-setai-kyufukin.yaml", "result": {"decision": "不承認"}},
    ],
    "reports": [
        {"case": "../ninchisho-koureisha-sousaku.yaml", "result": {"decision": "了承", "opinion": "周知に努めること。"}},
        {"case": "../kosodate-senkou-kyufukin.yaml", "result": {"decision": "継続審議"}},
    ],
}


def decided(list_key: str, index: int, result: dict[str, Any]) -> dict[str, Any]:
    """The decided meeting with one item's result replaced."""
    items = [dict(item) for item in DECIDED[list_key]]
    items[index]["result"] = result
    return {**DECIDED, list_key: items}


def test_the_meeting_schema_and_lint_accept_a_decided_meeting(
    meeting_validator: Draft202012Validator, lint_meeting: Callable[..., list[str]]
) -> None:
    data = overlay(load(SEED_MEETING), DECIDED)
    assert list(meeting_validator.iter_errors(data)) == []
    assert lint_meeting(data) == []


# Each rule the meeting schema states, broken in the decided meeting; the schema names the
# rule that lint reports, and no other (条件付承認 under 報告事項 is E504's, not E505's).
MEETING_DEFECTS: dict[str, tuple[dict[str, Any], str]] = {
    "了承 under 諮問事項": (decided("consultations", 0, {"decision": "了承"}), "E504"),
    "承認 under 報告事項": (decided("reports", 0, {"decision": "承認"}), "E504"),
    "条件付承認 under 報告事項": (decided("reports", 0, {"decision": "条件付承認"}), "E504"),
    "条件付承認 with conditions under 報告事項": (
        decided("reports", 0, {"decision": "条件付承認", "conditions": CONDITIONS}),
        "E504",
    ),
    "条件付承認 without conditions": (decided("consultations", 1, {"decision": "条件付承認"}), "E505"),
    "条件付承認 with blank conditions": (decided("consultations", 1, {"decision": "条件付承認", "conditions": " "}), "E505"),
    "conditions with 承認": (decided("consultations", 0, {"decision": "承認", "conditions": CONDITIONS}), "E505"),
    "conditions with 了承": (decided("reports", 0, {"decision": "了承", "conditions": CONDITIONS}), "E505"),
    "no agenda item": ({"consultations": [], "reports": []}, "E201"),
    "no agenda list": ({"consultations": None, "reports": None}, "E201"),
}


@pytest.mark.parametrize("name", MEETING_DEFECTS)
def test_the_meeting_schema_names_the_rule_that_lint_reports(
    name: str, meeting_validator: Draft202012Validator, lint_meeting: Callable[..., list[str]]
) -> None:
    snippet, code = MEETING_DEFECTS[name]
    data = {key: value for key, value in overlay(load(SEED_MEETING), snippet).items() if value is not None}
    named = [rules_named(meeting_validator.schema, error) for error in meeting_validator.iter_errors(data)]
    assert named != [] and all(codes == {code} for codes in named), named
    assert lint_meeting(data) == [code]


def test_the_schema_is_draft_2020_12_without_an_id(schema: dict[str, Any]) -> None:
    assert next(iter(schema)) == "$schema"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "$id" not in SCHEMA_FILE.read_text(encoding="utf-8")
    Draft202012Validator.check_schema(schema)


def _properties(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every key of the format, in the definitions (the pairings' conditions only point at them)."""
    for definition in (schema, *schema["$defs"].values()):
        yield from definition["properties"].items()


def test_every_key_has_its_sheet_label_and_a_one_line_japanese_description(schema: dict[str, Any]) -> None:
    properties = list(_properties(schema))
    assert len(properties) > 50
    for name, prop in properties:
        assert JAPANESE.search(prop["title"]), name
        assert JAPANESE.search(prop["description"]) and "\n" not in prop["description"], name
    definitions = [schema, *schema["$defs"].values()]
    assert all(JAPANESE.search(d["title"]) for d in definitions)
    assert all(JAPANESE.search(d["description"]) for d in definitions if "description" in d)
    provision = schema["$defs"]["Provision"]["properties"]
    assert provision["recipient"]["title"] == "外部提供先の概要"
    assert schema["properties"]["departments"]["title"] == "主管課"


def test_enums_and_the_item_vocabulary_are_in_the_schema(schema: dict[str, Any]) -> None:
    top = schema["properties"]
    assert top["kind"]["enum"] == list(vocabulary.KINDS)
    assert top["bases"]["items"]["enum"] == [basis.value for basis in vocabulary.BASES]
    provision = schema["$defs"]["Provision"]["properties"]
    assert provision["items"]["items"]["enum"] == list(vocabulary.ITEMS)
    assert provision["media"]["items"]["enum"] == list(vocabulary.MEDIA)
    assert all(prop["uniqueItems"] for prop in (top["bases"], provision["items"], provision["media"]))
    assert schema["$defs"]["NoticeGiven"]["properties"]["timing"]["enum"] == list(vocabulary.TIMINGS)


@pytest.mark.parametrize("path", sorted(CASES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_case_starts_with_the_modeline_and_passes_the_schema(path: Path, validator: Draft202012Validator) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == MODELINE
    assert (path.parent / MODELINE.split("=", 1)[1]).resolve() == SCHEMA_FILE
    assert list(validator.iter_errors(load(path))) == []


@pytest.mark.parametrize("path", sorted(AS_SUBMITTED.glob("*.yaml")), ids=lambda p: p.name)
def test_the_schema_and_lint_agree_on_the_files_as_submitted(path: Path, validator: Draft202012Validator) -> None:
    findings = [code for _, code in lint_json(path).codes() if SCHEMA_CODES.fullmatch(code)]
    schema_errors = list(validator.iter_errors(load(path)))
    assert bool(schema_errors) == bool(findings), (findings, [e.message for e in schema_errors])


NOTICE_GIVEN = {"given": "有", "timing": "事後", "method": "本人へ送付した。"}
PROVISO = {"risk": "閉域ネットワークを介している。", "necessity": "業務の効率化のため必要である。"}

DEFECTS: dict[str, tuple[dict[str, Any], str]] = {
    "unknown key": ({"external_provision": {"recipent": "NTTデータ"}}, "E202"),
    "bad enum value": ({"kind": "諮問事項"}, "E204"),
    "unknown item": ({"external_provision": {"items": ["氏名", "電話"]}}, "E205"),
    "有 with a proviso": ({"external_provision": {"notice": {**NOTICE_GIVEN, "proviso": PROVISO}}}, "E306"),
    "無 with a timing and a method": (
        {"external_provision": {"notice": {"given": "無", "proviso": PROVISO, "timing": "事後", "method": "送付"}}},
        "E306",
    ),
    "blank required text": ({"title": "   "}, "E201"),
    "repeated item": ({"external_provision": {"items": ["氏名", "住所", "氏名"]}}, "E206"),
    "その他 without other_basis": ({"bases": ["外部提供", "結合", "その他"]}, "E303"),
    "other_basis without その他": ({"other_basis": "条例第13条第2項第2号"}, "E303"),
    "その他の媒体 without media_detail": ({"external_provision": {"media_detail": None}}, "E307"),
    "media_detail without その他の媒体": ({"external_provision": {"media": ["紙媒体"]}}, "E307"),
    "外部提供 without conditions": ({"external_provision": {"conditions": None}}, "E308"),
    "a section without its basis": ({"bases": ["外部提供"]}, "E302"),
    "a section without items": ({"external_provision": {"items": []}}, "E304"),
    "a section without items written": ({"external_provision": {"items": None}}, "E304"),
}


@pytest.mark.parametrize("name", DEFECTS)
def test_the_schema_rejects_an_error_that_lint_reports(
    name: str, example: dict[str, Any], write: Callable[..., Path], validator: Draft202012Validator
) -> None:
    snippet, code = DEFECTS[name]
    data = overlay(example, snippet)
    assert list(validator.iter_errors(data)) != []
    assert code in [c for _, c in lint_json(write(dump(data))).codes()]


@pytest.mark.parametrize(
    "snippet",
    [
        {"departments": "企画財政部情報政策課"},
        {"remarks": ""},
        {"other_basis": "  "},
        # Provided in an emergency (条例第13条第4項): a section without its basis, and
        # so without conditions (E302 and E308 do not apply).
        {"kind": "報告", "bases": ["結合", "その他"], "other_basis": "条例第13条第4項", "external_provision": {"conditions": None}},
        {"external_provision": {"items": [], "other_items": ["続柄"]}},
    ],
    ids=[
        "departments as one string",
        "blank optional text",
        "blank other_basis without その他",
        "emergency provision",
        "other items only",
    ],
)
def test_the_schema_accepts_what_lint_accepts(
    snippet: dict[str, Any], example: dict[str, Any], write: Callable[..., Path], validator: Draft202012Validator
) -> None:
    data = overlay(example, snippet)
    assert list(validator.iter_errors(data)) == []
    assert [c for _, c in lint_json(write(dump(data))).codes() if SCHEMA_CODES.fullmatch(c)] == []


@pytest.mark.parametrize("basis", [basis for basis in vocabulary.BASES if basis.section], ids=lambda b: b.value)
def test_each_basis_needs_its_section_in_the_schema_as_in_lint(
    basis: vocabulary.Basis, example: dict[str, Any], write: Callable[..., Path], validator: Draft202012Validator
) -> None:
    """From the one table of bases and sections: each basis, not only those of the example."""
    data = {key: value for key, value in example.items() if key != basis.section}
    data["bases"] = [*dict.fromkeys([*example["bases"], basis.value])]
    assert [error.validator for error in validator.iter_errors(data)] == ["not"]
    assert [c for _, c in lint_json(write(dump(data))).codes() if SCHEMA_CODES.fullmatch(c)] == ["E301"]


# A section of each kind as the seed cases write it (none has 本人外収集).
WRITTEN_SECTIONS = {
    key: value for path in sorted(CASES.glob("*.yaml")) for key, value in load(path).items() if key in SECTIONS
} | {
    "indirect_collection": {
        "items": ["氏名", "住所"],
        "source": "警察署",
        "reason": "行方不明者の捜索のため、警察署から氏名と住所の提供を受ける。",
        "notice": {"given": "有", "timing": "事後", "method": "本人へ送付した。"},
    }
}


@pytest.mark.parametrize("basis", [basis for basis in vocabulary.BASES if basis.section], ids=lambda b: b.value)
def test_each_section_needs_its_basis_in_the_schema_as_in_lint_but_in_an_emergency(
    basis: vocabulary.Basis, example: dict[str, Any], write: Callable[..., Path], validator: Draft202012Validator
) -> None:
    """E302 from the one table of bases and sections. For the emergency section only lint
    knows: whether other_basis cites the emergency article depends on the configuration."""
    assert basis.section is not None
    data = {**example, basis.section: WRITTEN_SECTIONS[basis.section]}
    data["bases"] = [value for value in example["bases"] if value != basis.value]
    named = [rules_named(validator.schema, error) for error in validator.iter_errors(data)]
    assert named == ([] if basis.section == vocabulary.EMERGENCY_SECTION else [{"E302"}])
    assert [c for _, c in lint_json(write(dump(data))).codes() if SCHEMA_CODES.fullmatch(c)] == ["E302"]


def test_no_optional_key_has_a_null_default(schema: dict[str, Any]) -> None:
    """yaml-language-server would complete `external_provision` to `external_provision: null`."""
    assert [name for name, prop in _properties(schema) if "default" in prop and prop["default"] is None] == []
