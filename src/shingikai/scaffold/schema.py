"""The case format and the meeting format as JSON Schemas (draft 2020-12), generated
from the models.

Editors (the YAML language server) read it for completion, hover and checking as the
user types; `shingikai lint` stays the authority. Titles and descriptions are the
models' Japanese labels; enums and the item vocabulary come from the models too.
On top of `model_json_schema()` (of `Case`, and of `Meeting`) this adds only what
pydantic cannot say:

- `$schema` (draft 2020-12), and no `$id`, so the output is the same wherever it lives;
- a required text must not be blank (the models read a blank value as a missing one):
  `minLength: 1` and `pattern: \\S` on every required string, including the
  single-string form of `departments` (a string with a pattern of its own, such as a
  meeting's `date`, has that pattern instead);
- no `default: null`: yaml-language-server would write `external_provision: null` when
  the key is completed;
- the ordinance's pairings across fields that JSON Schema can state, from the tables
  the lint rules check (see Pairings below), each `then` titled with the rule's code
  and title: the editor names it as the source of what it underlines;
- completion skeletons in the sheet's words (yaml-language-server's `defaultSnippets`,
  see Snippets below).

`model_schema` does this for any model of the format, given its pairings. The case's
schema adds that each section with an item grid has an item (E304); a meeting's adds
what its agenda's lists decide (see Decisions below) and that the agenda holds one item
at least (the E201 of model/validation.py).

The rest is in the models: `uniqueItems` (bases, items, media), `departments` as a
string or a list, and each notice shape forbidding the other shape's keys.

Known difference, on the strict side: the models also read a number where text
belongs (`volume: 1800`) and a key written with no value where a list has a default
(`items:`); the schema asks for the canonical forms (`"1800"`, `items: []`).
"""

from __future__ import annotations

import itertools
import json
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final, Literal, NamedTuple, get_args, get_origin

from pydantic import BaseModel

from ..model import vocabulary as v
from ..model.case import (
    ACTION_SECTIONS,
    OTHER_BASIS_TEXT,
    OTHER_MEDIUM_DETAIL,
    PROVISION_CONDITIONS,
    Case,
    Requirement,
)
from ..model.meeting import CONDITIONS_OF_APPROVAL, AgendaItem, Meeting
from ..rules.format import MISSING
from ..rules.meeting import conditions_mismatch, decision_not_allowed
from ..rules.ordinance import (
    basis_without_section,
    media_detail_mismatch,
    other_basis_mismatch,
    provision_without_conditions,
    section_without_basis,
    section_without_items,
)
from ..rules.registry import Rule
from .skeleton import skeleton_fields

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
NON_BLANK: Final = {"minLength": 1, "pattern": r"\S"}
# A value that counts as written: the models read null and blank text as missing.
FILLED: Final = {"not": {"type": "null"}, "pattern": r"\S"}


class Pairing(NamedTuple):
    """A requirement that the schema states and the rule that checks it; `key_rule` when
    another rule checks the key written without its choice (an exclusive requirement's
    other half)."""

    rule: Rule
    requirement: Requirement
    key_rule: Rule | None = None


def case_pairings() -> list[Pairing]:
    """The pairings of the case that the schema states, each with the rule that checks it.

    Each basis needs its section (E301), and a section is written only with its basis
    (E302), but for the section that an emergency provision fills without its basis:
    whether `other_basis` cites the emergency article depends on the configuration, which
    the schema does not know (a repository's schema is the same whatever it configures)."""
    return [
        *(
            Pairing(
                basis_without_section,
                Requirement(Case, "bases", basis.value, (basis.section,), exclusive=basis.section != v.EMERGENCY_SECTION),
                section_without_basis,
            )
            for basis in v.BASES
            if basis.section
        ),
        Pairing(other_basis_mismatch, OTHER_BASIS_TEXT),
        Pairing(media_detail_mismatch, OTHER_MEDIUM_DETAIL),
        Pairing(provision_without_conditions, PROVISION_CONDITIONS),
    ]


def case_schema() -> dict[str, Any]:
    """The JSON Schema of a case file."""
    schema = model_schema(Case, case_pairings())
    for key in ACTION_SECTIONS:
        (section,) = _models_in(Case.model_fields[key].annotation)
        schema["$defs"][section.__name__].setdefault("allOf", []).append(_some_item())
    return schema


def model_schema(model: type[BaseModel], pairings: Sequence[Pairing]) -> dict[str, Any]:
    """The JSON Schema of files of `model`, stating `pairings` and offering skeletons."""
    schema = model.model_json_schema()
    definitions = {model: schema} | {m: schema["$defs"][m.__name__] for m in _models(model) if m is not model}
    for definition in definitions.values():
        _require_non_blank(definition)
        for prop in definition.get("properties", {}).values():
            if "default" in prop and prop["default"] is None:
                del prop["default"]
    for each in definitions:
        _add_snippets(each, definitions)
    _offer_at_the_top(model, schema)
    for pairing in pairings:
        definitions[pairing.requirement.model].setdefault("allOf", []).extend(_pairing(pairing))
    return {"$schema": DIALECT, **schema}


def meeting_schema() -> dict[str, Any]:
    """The JSON Schema of a meeting file."""
    schema = model_schema(Meeting, [])
    schema.setdefault("allOf", []).extend([_some_agenda_item(), *_decisions_by_list(schema)])
    return schema


def _some_agenda_item() -> dict[str, Any]:
    """One agenda item at least, in either list (E201, as model/validation.py finds it)."""
    in_a_list = [{"required": [a.key], **_within(a.key, {"type": "array", "minItems": 1})} for a in v.AGENDA_LISTS]
    return {"title": _title(MISSING), "anyOf": in_a_list}


def render(*, meeting: bool = False) -> str:
    """The schema as the committed `schemas/case.schema.json` (or `meeting.schema.json`) holds it."""
    schema = meeting_schema() if meeting else case_schema()
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def _require_non_blank(definition: dict[str, Any]) -> None:
    properties = definition.get("properties", {})
    for name in definition.get("required", ()):
        prop = properties[name]
        for branch in (prop, *prop.get("anyOf", ())):
            if branch.get("type") == "string" and not {"enum", "const", "pattern"} & branch.keys():
                branch.update(NON_BLANK)


# --- Pairings. Each is stated so that yaml-language-server underlines what lint points at:
# the chosen item while the key it needs is missing, the key while its choice is missing
# (a list has no item to underline then), and a section that lacks a key it needs. A
# single choice (a decision) is underlined at its value both ways: while the key it needs
# is missing, and while the key is written with another value.


def _pairing(pairing: Pairing) -> Iterator[dict[str, Any]]:
    rule, requirement, key_rule = pairing
    yield from _needs(rule, requirement)
    if requirement.exclusive:
        yield from _only_with(key_rule or rule, requirement)


def _needs(rule: Rule, requirement: Requirement) -> Iterator[dict[str, Any]]:
    """The chosen value needs its key."""
    choice, value, key = requirement.choice, requirement.value, requirement.key
    if len(key) == 1:
        other_value = {"not": {"const": value}}
        forbidden = _within(choice, {"items": other_value} if _is_list(requirement) else other_value)
        yield {"if": {"not": _filled(key[0])}, "then": {"title": _title(rule), **forbidden}}
    else:
        # The key is in a section: the choice needs it wherever the section is written.
        needed = {"required": [key[-1]], **_within(key[-1], FILLED)}
        for name in reversed(key[:-1]):
            needed = _within(name, needed)
        yield {"if": _chosen(choice, value), "then": {"title": _title(rule), **needed}}


def _only_with(rule: Rule, requirement: Requirement) -> Iterator[dict[str, Any]]:
    """The key is written only with the chosen value."""
    choice, value, (key, *_) = requirement.choice, requirement.value, requirement.key
    if not _is_list(requirement):
        # An enum, not a const: yaml-language-server words an enum's message in the
        # editor's language.
        yield {"if": _filled(key), "then": {"title": _title(rule), **_within(choice, {"enum": [value]})}}
        return
    not_chosen = {"required": [choice], "properties": {choice: {"not": {"contains": {"const": value}}}}}
    yield {
        "if": {"allOf": [_filled(key), not_chosen]},
        "then": {"title": _title(rule), "propertyNames": {"not": {"const": key}}},
    }


def _is_list(requirement: Requirement) -> bool:
    return get_origin(requirement.model.model_fields[requirement.choice].annotation) is list


def _title(rule: Rule) -> str:
    return f"{rule.code} {rule.title}"


def _filled(key: str) -> dict[str, Any]:
    return {"required": [key], "properties": {key: FILLED}}


def _within(key: str, schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` for the value of `key`, which a `then` holds. yaml-language-server completes
    keys from the `then` of a condition that holds as well: `doNotSuggest`, or each such
    key would be offered twice (and a required one under the rule's title)."""
    return {"properties": {key: {"doNotSuggest": True, **schema}}}


def _chosen(choice: str, value: str) -> dict[str, Any]:
    return {"required": [choice], "properties": {choice: {"contains": {"const": value}}}}


def _some_item() -> dict[str, Any]:
    """A section's items, in `items` and `other_items` together, are one or more (E304):
    while `other_items` holds none, `items` must, where lint points."""
    other_items = {"required": ["other_items"], "properties": {"other_items": {"type": "array", "minItems": 1}}}
    needed = {"required": ["items"], **_within("items", {"minItems": 1})}
    return {"if": {"not": other_items}, "then": {"title": _title(section_without_items), **needed}}


# --- Decisions. Which decisions a list allows (E504) is stated by each list of the agenda,
# on its items' `result`, from the table that E504 reads; the model's enum of every
# decision goes, or completion and hover would offer 了承 under 諮問事項 too. With it goes
# the `result` that every item offers: each list offers its own, whose skeleton chooses
# among that list's decisions. 条件付承認 needs its conditions (E505) only in a list that
# allows it, as E505 leaves it to E504 elsewhere; conditions want 条件付承認 in any list.


def _decisions_by_list(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    requirement = CONDITIONS_OF_APPROVAL
    result_model, choice = requirement.model, requirement.choice
    result = schema["$defs"][result_model.__name__]
    del result["properties"][choice]["enum"]
    result.setdefault("allOf", []).extend(_only_with(conditions_mismatch, requirement))
    field = AgendaItem.model_fields["result"]
    offered = schema["$defs"][AgendaItem.__name__]["properties"]["result"]
    del offered["defaultSnippets"]
    offered["doNotSuggest"] = True
    for agenda in v.AGENDA_LISTS:
        allowed = [{"title": _title(decision_not_allowed), **_within(choice, {"enum": list(agenda.decisions)})}]
        if requirement.value in agenda.decisions:
            allowed += _needs(conditions_mismatch, requirement)
        skeleton = _body(result_model, choices={choice: agenda.decisions})
        own = {
            "title": field.title,
            "description": field.description,
            "defaultSnippets": [{"label": field.title, "description": field.description, "body": skeleton}],
            "allOf": allowed,
        }
        yield _within(agenda.key, {"items": {"properties": {"result": own}}})


# --- Snippets. yaml-language-server labels a completion item with the key, never its
# title; a snippet carries a label of its own. So every optional section and every list
# of entries is offered at the top under its sheet label (外部提供, その他資料); a section's
# key completes to the same skeleton (a list's key to `[]`: the server takes no snippet
# there, but offers an entry's in the list); a notice offers its two shapes (通知 有,
# 通知 無). A skeleton holds the keys that `shingikai new` writes, with tab stops.


def _add_snippets(model: type[BaseModel], definitions: dict[type[BaseModel], dict[str, Any]]) -> None:
    properties = definitions[model].get("properties", {})
    for name, field in model.model_fields.items():
        models, entries = _held(field.annotation)
        if len(models) == 1 and not entries:
            properties[name]["defaultSnippets"] = [_snippet(models[0], definitions, field.title, field.description)]
        elif models:
            properties[name]["defaultSnippets"] = [_snippet(each, definitions) for each in models]


def _offer_at_the_top(model: type[BaseModel], schema: dict[str, Any]) -> None:
    offered = []
    for name, field in model.model_fields.items():
        models, entries = _held(field.annotation)
        if len(models) == 1 and not field.is_required():
            body = _body(models[0])
            offered.append(
                {
                    "label": field.title,
                    "description": field.description,
                    "sortText": name,
                    "body": {name: [body] if entries else body},
                }
            )
    schema["defaultSnippets"] = offered


def _snippet(
    model: type[BaseModel],
    definitions: dict[type[BaseModel], dict[str, Any]],
    label: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """The skeleton of `model`, labelled by default with the model's title."""
    definition = definitions[model]
    snippet = {"label": label or definition["title"], "description": description or definition.get("description")}
    return {key: value for key, value in snippet.items() if value} | {"body": _body(model)}


def _body(
    model: type[BaseModel], stops: Iterator[int] | None = None, choices: Mapping[str, Sequence[str]] | None = None
) -> dict[str, Any]:
    """A skeleton of `model` as snippet text: each value a tab stop, or fixed if it is; a
    choice among a field's values, or among its `choices` where given.
    Every basis counts as chosen: a section's skeleton holds what its basis requires."""
    stops = stops if stops is not None else itertools.count(1)
    body: dict[str, Any] = {}
    for name, field in skeleton_fields(model, [basis.value for basis in v.BASES]):
        annotation = field.annotation
        models, _ = _held(annotation)
        if get_origin(annotation) is Literal:
            values = (choices or {}).get(name, get_args(annotation))
            body[name] = str(values[0]) if len(values) == 1 else f"${{{next(stops)}|{','.join(values)}|}}"
        elif len(models) == 1:
            body[name] = _body(models[0], stops)
        elif get_origin(annotation) is list:
            body[name] = f"[${next(stops)}]"
        else:
            # Text, or a choice of shapes (a notice), which completion offers at the value.
            body[name] = f"${next(stops)}"
    return body


def _held(annotation: Any) -> tuple[list[type[BaseModel]], bool]:
    """The models that a field holds (a section, a notice's two shapes), and whether as
    the entries of a list (`attachments`)."""
    if get_origin(annotation) is list:
        return _models_in(get_args(annotation)[0]), True
    return _models_in(annotation), False


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if get_origin(annotation) in (typing.Union, types.UnionType):
        return [model for arg in get_args(annotation) for model in _models_in(arg)]
    return []


def _models(model: type[BaseModel]) -> list[type[BaseModel]]:
    """`model` and every model under it, each once."""
    seen: list[type[BaseModel]] = []
    pending = [model]
    while pending:
        current = pending.pop()
        if current not in seen:
            seen.append(current)
            pending += [held for field in current.model_fields.values() for held in _held(field.annotation)[0]]
    return seen
