"""The case format and the meeting format as JSON Schemas (draft 2020-12), generated
from the models.

Editors (the YAML language server) read it for completion, hover and checking as the
user types; `shingikai lint` stays the authority. Titles and descriptions are the
models' Japanese labels; enums and the item vocabulary come from the models too.
On top of `Case.model_json_schema()` (and `Meeting`'s) this adds only what pydantic
cannot say:

- `$schema` (draft 2020-12), and no `$id`, so the output is the same wherever it lives;
- a required text must not be blank (the models read a blank value as a missing one):
  `minLength: 1` and `pattern: \\S` on every required string, including the
  single-string form of `departments` (a string with a pattern of its own, such as a
  meeting's `date`, has that pattern instead).

The rest is in the models: `uniqueItems` (bases, items, media), `departments` as a
string or a list, and each notice shape forbidding the other shape's keys.

Known difference, on the strict side: the models also read a number where text
belongs (`volume: 1800`) and a key written with no value where a list has a default
(`items:`); the schema asks for the canonical forms (`"1800"`, `items: []`).
"""

from __future__ import annotations

import json
from typing import Any, Final

from pydantic import BaseModel

from ..model.case import Case
from ..model.meeting import Meeting

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
NON_BLANK: Final = {"minLength": 1, "pattern": r"\S"}


def file_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of a case file (`Case`) or a meeting file (`Meeting`)."""
    schema = model.model_json_schema()
    for definition in (schema, *schema.get("$defs", {}).values()):
        _require_non_blank(definition)
    return {"$schema": DIALECT, **schema}


def render(*, meeting: bool = False) -> str:
    """The schema as the committed `schemas/case.schema.json` (or `meeting.schema.json`) holds it."""
    return json.dumps(file_schema(Meeting if meeting else Case), ensure_ascii=False, indent=2) + "\n"


def _require_non_blank(definition: dict[str, Any]) -> None:
    properties = definition.get("properties", {})
    for name in definition.get("required", ()):
        prop = properties[name]
        for branch in (prop, *prop.get("anyOf", ())):
            if branch.get("type") == "string" and not {"enum", "const", "pattern"} & branch.keys():
                branch.update(NON_BLANK)
