"""`shingikai new` (a case skeleton) and `shingikai init` (a case repository).

The skeleton is generated from the models, so it follows the format: in field order,
every required key, the item grid (`items: []`, `other_items: []`) of each action
section, and the optional keys that a chosen basis makes required (`other_basis` for
その他, `external_provision.conditions` for 外部提供); each key carries its sheet label
(the field's `title`) as a comment. Values are filled only where the choice is made:
`version`, `kind`, `bases`.

Linting a fresh skeleton reports each empty required value once: E201 for each empty
key, and, for the keys the ordinance makes required, the ordinance's code — E304 for an
empty grid (on its `items` line), E308 for empty `conditions`, E303 for an empty
`other_basis` (on the `bases` line). Decisions:

- A notice is written as an empty `notice:`: the shape (有 or 無) is the user's answer.
- Lists are written `[]` (one item at least is required: E201 "空です").

A meeting skeleton (`new --meeting`) holds the meeting's required keys, 時間, and each
list of the agenda with one empty item; the decisions (`result`) are left out, as they
are until the council has met.

`create` writes a file atomically and never replaces an existing one.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..errors import ShingikaiError, os_reason
from ..files import write_whole
from ..model import vocabulary as v
from ..model.case import OTHER_BASIS_TEXT, PROVISION_CONDITIONS, ActionSection, Case
from ..model.meeting import AgendaItem, Meeting

SCHEMA_PATH: Final = "schemas/case.schema.json"
MODELINE: Final = f"# yaml-language-server: $schema=../{SCHEMA_PATH}"
MEETING_SCHEMA_PATH: Final = "schemas/meeting.schema.json"
MEETING_MODELINE: Final = f"# yaml-language-server: $schema=../{MEETING_SCHEMA_PATH}"


def skeleton(kind: str, bases: Sequence[str]) -> str:
    """A case file with every key that `kind` and `bases` require, values left empty."""
    chosen = [basis.value for basis in v.BASES if basis.value in bases]
    given = {"kind": kind, "bases": f"[{', '.join(chosen)}]"}
    lines = [MODELINE]
    for name, field in Case.model_fields.items():
        section = _section_model(field.annotation)
        if section is not None:
            if v.BASIS_BY_SECTION[name].value in chosen:
                lines += ["", _line(0, name, "", field.title)]
                lines += _section(section, chosen)
        elif field.is_required() or _REQUIRED_BY_BASIS.get((Case, name)) in chosen:
            lines.append(_line(0, name, given.get(name, _empty(field.annotation)), field.title))
    return "\n".join(lines) + "\n"


def meeting_skeleton() -> str:
    """A meeting file with every required key and an empty item in each list of the agenda."""
    lines = [MEETING_MODELINE]
    for name, field in Meeting.model_fields.items():
        if get_origin(field.annotation) is list and name in ("consultations", "reports"):
            lines.append(_line(0, name, "", field.title))
            item = AgendaItem.model_fields["case"]
            lines.append(_line(1, "- case", "", item.title))
        elif field.is_required() or name == "time":
            lines.append(_line(0, name, _empty(field.annotation), field.title))
    return "\n".join(lines) + "\n"


def _section(model: type[BaseModel], chosen: list[str]) -> Iterator[str]:
    for name, field in skeleton_fields(model, chosen):
        yield _line(1, name, _empty(field.annotation), field.title)


def skeleton_fields(model: type[BaseModel], chosen: Sequence[str]) -> Iterator[tuple[str, FieldInfo]]:
    """The keys of `model` in a skeleton: the required ones, the item grid, and the
    optional ones that a basis in `chosen` makes required."""
    for name, field in model.model_fields.items():
        if (
            field.is_required()
            or name in ActionSection.model_fields
            or _REQUIRED_BY_BASIS.get((model, name)) in chosen
        ):
            yield name, field


def _section_model(annotation: Any) -> type[BaseModel] | None:
    """The model of an optional section (`Linkage | None`), else None."""
    if get_origin(annotation) not in (typing.Union, types.UnionType):
        return None
    models = [a for a in get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
    return models[0] if len(models) == 1 and type(None) in get_args(annotation) else None


def _model_at(model: type[BaseModel], path: tuple[str, ...]) -> type[BaseModel] | None:
    """The model of the section at `path` in `model` (`model` itself for an empty path)."""
    found: type[BaseModel] | None = model
    for name in path:
        found = found and _section_model(found.model_fields[name].annotation)
    return found


# Optional keys that a basis makes required (the ordinance's pairings of E303 and E308),
# by the model that holds them.
_REQUIRED_BY_BASIS: Final = {
    (_model_at(requirement.model, requirement.key[:-1]), requirement.key[-1]): requirement.value
    for requirement in (OTHER_BASIS_TEXT, PROVISION_CONDITIONS)
}


def _empty(annotation: Any) -> str:
    """The value to leave in the skeleton: a fixed value, `[]` for a list, else nothing."""
    if get_origin(annotation) is Literal and len(get_args(annotation)) == 1:
        return str(get_args(annotation)[0])
    return "[]" if get_origin(annotation) is list else ""


def _line(depth: int, key: str, value: str, title: str | None) -> str:
    text = f"{'  ' * depth}{key}:" + (f" {value}" if value else "")
    return f"{text}  # {title}" if title else text


def create(path: Path, text: str) -> None:
    """Write `path` whole or not at all, never replacing a file."""
    try:
        write_whole(path, text, replace=False)
    except FileExistsError as error:
        raise ShingikaiError(f"{path} は既にあります。上書きしません") from error
    except FileNotFoundError as error:
        raise ShingikaiError(f"{path} を書き込めません（ディレクトリ {path.parent} がありません）") from error
    except OSError as error:
        raise ShingikaiError(f"{path} を書き込めません（{os_reason(error)}）") from error
