"""What an editor shows of a case file and of a meeting file: the real yaml-language-server,
driven over stdio.

The releases are pinned in tests/editor/package.json (`make test` installs them with
npm; Node.js comes from the machine, or `.ci/run`). Without them these tests are skipped,
unless SHINGIKAI_REQUIRE_EDITOR=1 (as in `.ci/run`). One server per release for the
module, in this repository as its workspace; each document is opened with its text.
A case is opened at a path under cases/, so the modeline finds the committed
schemas/case.schema.json as it does for a real case file. A meeting is opened under
meetings/ without a modeline, as in a repository that `shingikai init` made: its schema
comes from the `yaml.schemas` that init writes to .vscode/settings.json, which the
server is sent as VS Code sends it. The server runs in Japanese (`locale: ja`), as VS
Code in Japanese starts it.

Both releases are driven, 1.25.0 and 2.0.0 (the first one built as ES modules): they
behave alike in all that is checked here. 2.0.0 declares Node.js 22.13 or later in its
`engines`; it runs on Node.js 20 for all of this (npm only warns).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from shingikai import rules
from shingikai.model import vocabulary
from shingikai.model.case import SECTIONS, Case, NoticeGiven, NoticeWithheld, Provision
from shingikai.model.meeting import Meeting

from conftest import CASES, MINIMAL, REPO, lint_json, run
from language_server import TIMEOUT, LanguageServer

SERVERS = REPO / "tests" / "editor"
RELEASES = sorted(
    name.removeprefix("yaml-language-server-")
    for name in json.loads((SERVERS / "package.json").read_text(encoding="utf-8"))["dependencies"]
)
SETTINGS = {"yaml": {"validate": True, "hover": True, "completion": True}}
CASE = "# yaml-language-server: $schema=../schemas/case.schema.json\n" + MINIMAL
SEED_MEETING = CASES / "meetings" / "r3-3.yaml"
# What yaml-language-server says (in Japanese) when a value matches a `not`, and when a
# list is shorter than its `minItems` of 1.
NOT_ALLOWED = "許可されていないスキーマに一致しています。"
TOO_FEW = "配列の項目数が少なすぎます。1 項目以上必要です。"
PROPERTY = 10  # LSP's CompletionItemKind of a key


def missing_requirement(release: str) -> str | None:
    if shutil.which("node") is None:
        return "Node.js がありません（`apt-get install nodejs npm`、または `.ci/run` で入ります）"
    if not _script(release).exists():
        return f"yaml-language-server {release} がありません（`make test` が npm で tests/editor に入れます）"
    return None


def _script(release: str) -> Path:
    return SERVERS / "node_modules" / f"yaml-language-server-{release}" / "bin" / "yaml-language-server"


@pytest.fixture(scope="module")
def workspace_schemas(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The `yaml.schemas` of the .vscode/settings.json that `shingikai init` writes. Its
    schemas are paths in the workspace, which init writes as they are committed here."""
    repository = tmp_path_factory.mktemp("init") / "repository"
    assert run("init", repository).code == 0
    schemas = json.loads((repository / ".vscode" / "settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    assert [(repository / path).read_text(encoding="utf-8") for path in schemas] == [(REPO / path).read_text(encoding="utf-8") for path in schemas]
    return schemas


@pytest.fixture(scope="module", params=RELEASES)
def yaml_language_server(request: pytest.FixtureRequest, workspace_schemas: dict[str, list[str]]) -> Iterator[LanguageServer]:
    missing = missing_requirement(request.param)
    if missing is not None:
        if os.environ.get("SHINGIKAI_REQUIRE_EDITOR") == "1":
            pytest.fail(f"エディタのテストを実行できません: {missing}。SHINGIKAI_REQUIRE_EDITOR=1 のため失敗にします")
        pytest.skip(f"エディタのテストを省きます: {missing}")
    settings = {"yaml": {**SETTINGS["yaml"], "schemas": workspace_schemas}}
    server = LanguageServer(["node", str(_script(request.param)), "--stdio"], REPO, settings, locale="ja")
    _wait_for_the_schemas(server)
    yield server
    server.close()


def _wait_for_the_schemas(server: LanguageServer) -> None:
    """Until the server offers the schemas' keys: it applies its settings, then reads each
    schema, after it has answered `initialize` (a first test would otherwise race it)."""
    deadline = time.monotonic() + TIMEOUT
    for probe in (REPO / "cases" / "ready.yaml", REPO / "meetings" / "ready.yaml"):
        uri = server.open(probe, "")
        while "kind" not in {item["label"] for item in server.completion(uri, 0, 0)}:
            assert time.monotonic() < deadline, f"{TIMEOUT} 秒待っても {probe.parent.name}/ のスキーマが使われません"
            time.sleep(0.1)


def _position(text: str, line_start: str, token: str) -> dict[str, int]:
    """The position of `token` in the first line that starts with `line_start`, in UTF-16
    code units as LSP counts."""
    number, line = next((n, line) for n, line in enumerate(text.splitlines()) if line.startswith(line_start))
    return {"line": number, "character": _utf16(line[: line.index(token)])}


def _range(text: str, line_start: str, token: str) -> dict[str, dict[str, int]]:
    start = _position(text, line_start, token)
    return {"start": start, "end": {**start, "character": start["character"] + _utf16(token)}}


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _end(text: str) -> tuple[int, int]:
    """The last position of `text`: the editor's cursor after typing it."""
    lines = text.split("\n")
    return len(lines) - 1, _utf16(lines[-1])


def _inserted(snippet: str) -> str:
    """A completion's text as the editor leaves it when every tab stop is left empty."""
    return re.sub(r"\$\{\d+\|[^|}]*\|\}|\$\{\d+\}|\$\d+", "", snippet)


@pytest.mark.editor
def test_no_case_file_has_a_diagnostic(yaml_language_server: LanguageServer) -> None:
    """Nor the seed meeting, at cases/meetings/ with its modeline."""
    paths = sorted(CASES.rglob("*.yaml"))
    assert SEED_MEETING in paths
    uris = {path.name: yaml_language_server.open(path, path.read_text(encoding="utf-8")) for path in paths}
    assert {name: yaml_language_server.diagnostics(uri) for name, uri in uris.items()} == {name: [] for name in uris}


# Each pairing of the ordinance that the schema states, broken in CASE: where the editor
# underlines it (the first line starting so, the token on it) and what it says.
DEFECTS: dict[str, tuple[str, str, str, str, str]] = {
    "a basis without its section": (
        "E301", CASE.replace("bases: [外部提供]", "bases: [外部提供, 結合]"), "bases:", "結合", NOT_ALLOWED,
    ),
    "a basis with its section written empty": (
        "E301", CASE.replace("bases: [外部提供]", "bases: [外部提供, 結合]") + "linkage:\n", "bases:", "結合", NOT_ALLOWED,
    ),
    "その他 without other_basis": (
        "E303", CASE.replace("bases: [外部提供]", "bases: [外部提供, その他]"), "bases:", "その他", NOT_ALLOWED,
    ),
    "other_basis without その他": (
        "E303",
        CASE.replace("bases: [外部提供]\n", "bases: [外部提供]\nother_basis: 条例第13条第2項第2号\n"),
        "other_basis:",
        "other_basis",
        NOT_ALLOWED,
    ),
    "その他の媒体 without media_detail": (
        "E307", CASE.replace("media: [紙媒体]", "media: [紙媒体, その他の媒体]"), "  media:", "その他の媒体", NOT_ALLOWED,
    ),
    "media_detail without その他の媒体": (
        "E307",
        CASE.replace("  media: [紙媒体]\n", "  media: [紙媒体]\n  media_detail: 閉域ネットワーク\n"),
        "  media_detail:",
        "media_detail",
        NOT_ALLOWED,
    ),
    "外部提供 without conditions": (
        "E308", CASE.replace("  conditions: 条件\n", ""), "external_provision:", "external_provision", 'Missing property "conditions".',
    ),
    "a section without its basis": (
        "E302", CASE + "linkage:\n  city_system: 端末\n  third_party_system: サーバ\n  network: 閉域網\n", "linkage:", "linkage", NOT_ALLOWED,
    ),
    "a section without items": ("E304", CASE.replace("  items: [住所]", "  items: []"), "  items:", "[]", TOO_FEW),
}


@pytest.mark.parametrize("name", DEFECTS)
def test_lint_reports_each_defect_that_the_editor_underlines(name: str, write: Callable[..., Path]) -> None:
    code, text, *_ = DEFECTS[name]
    assert [c for _, c in lint_json(write(text)).codes() if c.startswith("E")] == [code]


@pytest.mark.editor
def test_the_editor_underlines_each_pairing_at_its_key_and_names_the_rule(yaml_language_server: LanguageServer) -> None:
    uris = {name: yaml_language_server.open(REPO / "cases" / f"defect-{n}.yaml", DEFECTS[name][1]) for n, name in enumerate(DEFECTS)}
    shown = {
        name: [(d["range"], d["message"], d["source"]) for d in yaml_language_server.diagnostics(uri)]
        for name, uri in uris.items()
    }
    expected = {}
    for name, (code, text, line_start, token, message) in DEFECTS.items():
        rule = rules.get(code)
        assert rule is not None
        expected[name] = [(_range(text, line_start, token), message, f"yaml-schema: {rule.code} {rule.title}")]
    assert shown == expected


@pytest.mark.editor
def test_the_clean_case_has_no_diagnostic(yaml_language_server: LanguageServer) -> None:
    uri = yaml_language_server.open(REPO / "cases" / "minimal.yaml", CASE)
    assert yaml_language_server.diagnostics(uri) == []


# The README's example of what only `shingikai lint` finds: a text that names an item
# left unchecked (W402).
UNCHECKED_ITEM = CASE.replace("summary: 概要", "summary: 申請者の電話番号を提供する。")


def test_lint_finds_what_the_editor_cannot(write: Callable[..., Path]) -> None:
    assert [c for _, c in lint_json(write(UNCHECKED_ITEM)).codes()] == ["W402"]


@pytest.mark.editor
def test_the_editor_shows_nothing_of_what_only_lint_finds(yaml_language_server: LanguageServer) -> None:
    uri = yaml_language_server.open(REPO / "cases" / "unchecked-item.yaml", UNCHECKED_ITEM)
    assert yaml_language_server.diagnostics(uri) == []


@pytest.mark.editor
def test_completion_at_the_top_offers_each_section_by_its_sheet_label_and_writes_its_skeleton(
    yaml_language_server: LanguageServer,
) -> None:
    text = CASE.split("external_provision:")[0] + "\n"
    uri = yaml_language_server.open(REPO / "cases" / "completion.yaml", text)
    offered = yaml_language_server.completion(uri, *_end(text))
    items = {item["label"]: item for item in offered}
    assert len(items) == len(offered), sorted(item["label"] for item in offered)
    labels = [Case.model_fields[name].title for name in (*SECTIONS, "attachments")]
    assert set(labels) <= set(items), sorted(items)
    assert labels == ["本人外収集", "目的外利用", "外部提供", "電子計算機処理による記録項目の設定、追加又は変更", "電子計算機処理による結合", "その他資料"]
    assert items["外部提供"]["documentation"] == "保有個人情報を外部に提供する場合"
    # The key completes to the same skeleton, not to `external_provision: null`.
    assert items["external_provision"]["insertText"] == items["外部提供"]["insertText"]
    written = yaml.safe_load(_inserted(items["外部提供"]["insertText"]))
    new = yaml.safe_load(run("new", "--kind", "諮問", "--basis", "外部提供").stdout)
    assert written == {"external_provision": new["external_provision"]}
    assert yaml.safe_load(_inserted(items["その他資料"]["insertText"])) == {"attachments": [{"title": None}]}


@pytest.mark.editor
def test_completion_in_a_section_offers_each_of_its_keys_once(yaml_language_server: LanguageServer) -> None:
    """The conditions of the pairings hold keys too: they are not offered a second time."""
    text = CASE.split("  items:")[0] + "  "
    uri = yaml_language_server.open(REPO / "cases" / "completion-section.yaml", text)
    offered = yaml_language_server.completion(uri, *_end(text))
    assert sorted(item["label"] for item in offered if item.get("kind") == PROPERTY) == sorted(Provision.model_fields)
    assert [item["label"] for item in offered if rules.get(item["label"].split()[0])] == []


@pytest.mark.editor
def test_a_section_already_written_is_not_offered_again(yaml_language_server: LanguageServer) -> None:
    text = CASE + "\n"
    uri = yaml_language_server.open(REPO / "cases" / "completion-again.yaml", text)
    labels = {item["label"] for item in yaml_language_server.completion(uri, *_end(text))}
    assert "外部提供" not in labels and "external_provision" not in labels
    assert {"電子計算機処理による結合", "linkage"} <= labels


@pytest.mark.editor
def test_a_notice_offers_its_two_shapes_by_their_sheet_labels(yaml_language_server: LanguageServer) -> None:
    text = CASE.split("  notice:")[0] + "  notice: "
    uri = yaml_language_server.open(REPO / "cases" / "notice.yaml", text)
    items = yaml_language_server.completion(uri, *_end(text))
    assert [item["label"] for item in items] == ["通知 有", "通知 無"]
    shapes = [yaml.safe_load("notice:" + _inserted(item["insertText"]))["notice"] for item in items]
    assert shapes == [
        {"given": "有", "timing": None, "method": None},
        {"given": "無", "proviso": {"risk": None, "necessity": None}},
    ]
    assert [list(shape) for shape in shapes] == [list(NoticeGiven.model_fields), list(NoticeWithheld.model_fields)]


@pytest.mark.editor
def test_an_attachment_entry_is_offered_by_its_sheet_label(yaml_language_server: LanguageServer) -> None:
    text = CASE + "attachments:\n  "
    uri = yaml_language_server.open(REPO / "cases" / "attachments.yaml", text)
    items = {item["label"]: item for item in yaml_language_server.completion(uri, *_end(text))}
    assert yaml.safe_load("attachments:\n  " + _inserted(items["資料"]["insertText"])) == {"attachments": [{"title": None}]}


@pytest.mark.editor
def test_hover_shows_the_sheet_label_and_the_description(yaml_language_server: LanguageServer) -> None:
    uri = yaml_language_server.open(REPO / "cases" / "hover.yaml", CASE)
    section = yaml_language_server.hover(uri, **_position(CASE, "external_provision:", "external_provision"))
    key = yaml_language_server.hover(uri, **_position(CASE, "  recipient:", "recipient"))
    assert section.startswith("#### 外部提供\n\n保有個人情報を外部に提供する場合\n")
    assert key.startswith("#### 外部提供先の概要\n\n提供先の名称と概要（委託先の事業者名など）\n")


# --- Meeting files, opened under meetings/ (see the module's docstring).

# The seed meeting without its modeline and comments: the agenda before the council met.
AGENDA = "".join(line for line in SEED_MEETING.read_text(encoding="utf-8").splitlines(keepends=True) if not line.startswith("#"))
# After it met: each decision that each list allows, conditions with 条件付承認, opinions.
RESULTS = {
    "ai-ocr-shoukyaku-shisan": ["decision: 承認"],
    "gakkou-kenshin-itaku": [
        "decision: 条件付承認",
        "conditions: 委託先における監視カメラの記録の保存期間を契約書に明記すること。",
        "opinion: 保護者への周知に努めること。",
    ],
    "koseki-cloud": ["decision: 継続審議"],
    "hikazei-setai-kyufukin": ["decision: 不承認"],
    "ninchisho-koureisha-sousaku": ["decision: 了承", "opinion: 協力事業者の拡大に努めること。"],
    "kosodate-senkou-kyufukin": ["decision: 継続審議"],
}


def decided(changed: dict[str, list[str]] | None = None) -> str:
    """The seed meeting with the result of each item as in RESULTS, or in `changed`."""
    text = AGENDA
    for case, lines in (RESULTS | (changed or {})).items():
        item = f"  - case: ../{case}.yaml\n"
        assert item in text
        text = text.replace(item, item + "    result:\n" + "".join(f"      {line}\n" for line in lines))
    return text


DECIDED = decided()
CONDITIONS = "conditions: 保存期間を定めること。"


def _only(*values: str) -> str:
    """What yaml-language-server says (in Japanese) of a value outside an enum."""
    return "値が許可されていません。有効な値: " + ", ".join(f'"{value}"' for value in values) + "。"


CONSULTATIONS, REPORTS = (agenda.decisions for agenda in vocabulary.AGENDA_LISTS)
# Each rule the meeting schema states, broken in the decided meeting: where the editor
# underlines it (as DEFECTS) and what it says. E504 and E505 point at the decision.
MEETING_DEFECTS: dict[str, tuple[str, str, str, str, str]] = {
    "条件付承認 without conditions": (
        "E505", decided({"gakkou-kenshin-itaku": ["decision: 条件付承認"]}), "      decision: 条件付承認", "条件付承認", NOT_ALLOWED,
    ),
    "conditions with 承認": (
        "E505", decided({"ai-ocr-shoukyaku-shisan": ["decision: 承認", CONDITIONS]}), "      decision: 承認", "承認", _only("条件付承認"),
    ),
    "conditions with 了承": (
        "E505", decided({"ninchisho-koureisha-sousaku": ["decision: 了承", CONDITIONS]}), "      decision: 了承", "了承", _only("条件付承認"),
    ),
    "了承 under 諮問事項": (
        "E504", decided({"ai-ocr-shoukyaku-shisan": ["decision: 了承"]}), "      decision: 了承", "了承", _only(*CONSULTATIONS),
    ),
    # E504's, not E505's too: the conditions it lacks are not what is wrong.
    "条件付承認 under 報告事項": (
        "E504",
        decided({"gakkou-kenshin-itaku": ["decision: 承認"], "ninchisho-koureisha-sousaku": ["decision: 条件付承認"]}),
        "      decision: 条件付承認",
        "条件付承認",
        _only(*REPORTS),
    ),
    "no agenda item": ("E201", AGENDA.split("consultations:")[0], "version:", "v", 'Missing property "consultations".'),
}


@pytest.fixture
def lint_meeting(tmp_path: Path) -> Callable[[str], list[str]]:
    """The codes `shingikai lint` reports for a meeting's text, among the six seed cases."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "cases" / "meetings").mkdir(parents=True)
    for case in CASES.glob("*.yaml"):
        (tmp_path / "cases" / case.name).write_text(case.read_text(encoding="utf-8"), encoding="utf-8")

    def codes(text: str) -> list[str]:
        path = tmp_path / "cases" / "meetings" / "meeting.yaml"
        path.write_text(text, encoding="utf-8")
        return [code for _, code in lint_json(path).codes()]

    return codes


def test_lint_finds_the_decided_meeting_clean(lint_meeting: Callable[[str], list[str]]) -> None:
    assert lint_meeting(DECIDED) == []


@pytest.mark.parametrize("name", MEETING_DEFECTS)
def test_lint_reports_each_meeting_defect_that_the_editor_underlines(name: str, lint_meeting: Callable[[str], list[str]]) -> None:
    code, text, *_ = MEETING_DEFECTS[name]
    assert lint_meeting(text) == [code]


@pytest.mark.editor
def test_the_decided_meeting_has_no_diagnostic(yaml_language_server: LanguageServer) -> None:
    uri = yaml_language_server.open(REPO / "meetings" / "decided.yaml", DECIDED)
    assert yaml_language_server.diagnostics(uri) == []


@pytest.mark.editor
def test_the_editor_underlines_each_meeting_defect_at_the_decision_and_names_the_rule(
    yaml_language_server: LanguageServer,
) -> None:
    uris = {
        name: yaml_language_server.open(REPO / "meetings" / f"defect-{n}.yaml", MEETING_DEFECTS[name][1])
        for n, name in enumerate(MEETING_DEFECTS)
    }
    shown = {
        name: [(d["range"], d["message"], d["source"]) for d in yaml_language_server.diagnostics(uri)]
        for name, uri in uris.items()
    }
    expected = {}
    for name, (code, text, line_start, token, message) in MEETING_DEFECTS.items():
        rule = rules.get(code)
        assert rule is not None
        expected[name] = [(_range(text, line_start, token), message, f"yaml-schema: {rule.code} {rule.title}")]
    assert shown == expected


@pytest.mark.editor
def test_completion_at_the_top_of_a_meeting_offers_the_lists_by_their_labels(yaml_language_server: LanguageServer) -> None:
    text = AGENDA.split("consultations:")[0]
    uri = yaml_language_server.open(REPO / "meetings" / "completion.yaml", text)
    offered = yaml_language_server.completion(uri, *_end(text))
    items = {item["label"]: item for item in offered}
    assert len(items) == len(offered), sorted(item["label"] for item in offered)
    assert [item["label"] for item in offered if rules.get(item["label"].split()[0])] == []
    lists = {"consultations": "諮問事項", "reports": "報告事項", "attachments": "会議資料"}
    assert {key: Meeting.model_fields[key].title for key in lists} == lists
    for key, label in lists.items():
        assert items[label]["documentation"] == Meeting.model_fields[key].description
    assert yaml.safe_load(_inserted(items["諮問事項"]["insertText"])) == {"consultations": [{"case": None}]}
    assert yaml.safe_load(_inserted(items["報告事項"]["insertText"])) == {"reports": [{"case": None}]}
    assert yaml.safe_load(_inserted(items["会議資料"]["insertText"])) == {"attachments": [{"title": None}]}


@pytest.mark.editor
def test_an_agenda_item_offers_a_result_that_chooses_among_its_lists_decisions(yaml_language_server: LanguageServer) -> None:
    for agenda, case in zip(vocabulary.AGENDA_LISTS, ["ai-ocr-shoukyaku-shisan", "ninchisho-koureisha-sousaku"]):
        text = AGENDA.split(f"  - case: ../{case}.yaml\n")[0] + f"  - case: ../{case}.yaml\n    "
        uri = yaml_language_server.open(REPO / "meetings" / f"result-{agenda.key}.yaml", text)
        result = next(item for item in yaml_language_server.completion(uri, *_end(text)) if item["label"] == "result")
        assert yaml.safe_load(_inserted(result["insertText"])) == {"result": {"decision": None}}
        assert re.findall(r"\$\{1\|([^|]*)\|\}", result["insertText"]) == [",".join(agenda.decisions)]
        text += "result:\n      decision: "
        uri = yaml_language_server.open(REPO / "meetings" / f"decision-{agenda.key}.yaml", text)
        assert [item["label"] for item in yaml_language_server.completion(uri, *_end(text))] == list(agenda.decisions)


@pytest.mark.editor
def test_a_meeting_attachment_entry_is_offered_by_its_label(yaml_language_server: LanguageServer) -> None:
    text = AGENDA + "attachments:\n  "
    uri = yaml_language_server.open(REPO / "meetings" / "attachments.yaml", text)
    items = {item["label"]: item for item in yaml_language_server.completion(uri, *_end(text))}
    assert yaml.safe_load("attachments:\n  " + _inserted(items["会議資料"]["insertText"])) == {"attachments": [{"title": None}]}


@pytest.mark.editor
def test_hover_in_a_meeting_shows_the_label_and_the_decisions_of_the_list(yaml_language_server: LanguageServer) -> None:
    uri = yaml_language_server.open(REPO / "meetings" / "hover.yaml", DECIDED)
    date = yaml_language_server.hover(uri, **_position(DECIDED, "date:", "date"))
    assert date.startswith(f"#### 日時\n\n{Meeting.model_fields['date'].description}\n")
    decision = yaml_language_server.hover(uri, **_position(DECIDED, "      decision: 了承", "decision"))
    assert decision.startswith("#### 会議の結果\n")
    assert sorted(re.findall(r"^\* `(.+)`$", decision, re.MULTILINE)) == sorted(REPORTS)
