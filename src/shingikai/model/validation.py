"""Stage 4: the document against the model; pydantic's errors become E2 findings.

Each error is placed on the node it is about (rules.md: the key of a wrong or empty
value, the list entry of a bad item, the mapping that lacks a key) and names the
sheet's label and the key. When only some top-level parts are invalid, the file is
validated again without them, so that the rules can still check the rest. A case file
is validated against `Case`, a meeting file (`kind: 会議`) against `Meeting`.
"""

import copy
import types
import typing
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from ..errors import CodedProblem
from ..findings import Problem
from ..loading.document import DataPath, Document
from ..suggest import nearest
from .case import NOTICE_SHAPE_KEYS, Case, NoticeGiven, NoticeWithheld, is_blank
from .expected import expected
from .vocabulary import AGENDA_LISTS, ITEM_GROUPS, ITEMS

if TYPE_CHECKING:
    from .meeting import Meeting

# The codes of this stage; their documentation is in rules/format.py.
MISSING: Final = "E201"
UNKNOWN_KEY: Final = "E202"
WRONG_TYPE: Final = "E203"
NOT_IN_ENUM: Final = "E204"
UNKNOWN_ITEM: Final = "E205"
REPEATED: Final = "E206"
UNSUPPORTED_VERSION: Final = "E207"

_NOTICE_TAGS: Final = {"有", "無"}


class Validation(NamedTuple):
    # The case, when the file validated as written or once repaired (see `_repair`).
    case: Case | None
    problems: tuple[CodedProblem, ...]
    # Data paths whose values failed validation; in `case` they hold stand-ins.
    invalid: frozenset[DataPath]


class MeetingValidation(NamedTuple):
    # As `Validation`, for a meeting file.
    meeting: "Meeting | None"
    problems: tuple[CodedProblem, ...]
    invalid: frozenset[DataPath]


def prepare() -> None:
    """Build the case model's validator now, not at the first case validated: before a
    process pool forks, so that its workers inherit it built."""
    Case.model_rebuild()


def validate(document: Document) -> Validation:
    """A case file against the case format."""
    return Validation(*_validated(document, Case))


def validate_meeting(document: Document) -> MeetingValidation:
    """A meeting file against the meeting format, which also wants at least one agenda item."""
    # Most runs read no meeting: its model is imported when one is read.
    from .meeting import Meeting

    meeting, problems, invalid = _validated(document, Meeting)
    if meeting is not None and not meeting.consultations and not meeting.reports:
        keys = [agenda.key for agenda in AGENDA_LISTS]
        if not any(path[:1] == (key,) for path in invalid for key in keys):
            where = next((key for key in keys if document.has((key,))), keys[0])
            message = "議題がありません。" + "か".join(f"{a.label}（{a.key}）" for a in AGENDA_LISTS) + "に案件を一つ以上書いてください"
            problems += (CodedProblem(MISSING, Problem(document.missing_span((where,)), message)),)
    return MeetingValidation(meeting, problems, invalid)


def _validated(document: Document, model: type[Any]) -> tuple[Any, tuple[CodedProblem, ...], frozenset[DataPath]]:
    try:
        return model.model_validate(document.data), (), frozenset()
    except ValidationError as error:
        details = error.errors(include_url=False)
    problems = tuple(p for detail in details for p in _translate(detail, document, model))
    repaired, invalid = _repair(document.data, details, model)
    try:
        validated = model.model_validate(repaired)
    except ValidationError:
        validated = None
    return validated, problems, frozenset(invalid)


# A required value that failed validation is replaced by a stand-in so that the rules
# can check the rest of the file; the rules skip what they would read from a stand-in.
STAND_IN_TEXT: Final = "（未記入）"


def _stand_in(annotation: Any) -> Any:
    if annotation is int:
        return 1
    origin = get_origin(annotation)
    if origin is Literal:
        return get_args(annotation)[0]
    if origin is list:
        return [_stand_in(get_args(annotation)[0])]
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        return _stand_in(next(a for a in get_args(annotation) if a is not type(None)))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {name: _stand_in(f.annotation) for name, f in annotation.model_fields.items() if f.is_required()}
    return STAND_IN_TEXT


def _repair(data: dict[str, Any], details: list[ErrorDetails], model: type[BaseModel]) -> tuple[dict[str, Any], set[DataPath]]:
    """A copy of `data` that validates: bad list entries and unknown keys removed,
    bad optional values dropped, bad required values replaced by stand-ins (a field's
    first example, where it has one: a stand-in must fit the field's pattern)."""
    repaired = copy.deepcopy(data)
    invalid: set[DataPath] = set()
    removals: list[DataPath] = []
    for detail in details:
        path, steps, _ = _walk(detail["loc"], model)
        if detail["type"] == "extra_forbidden":
            removals.append(path)
            if "notice" in path:
                invalid.add(path[: path.index("notice") + 1])
            continue
        if detail["type"] == "repeated":
            removals.extend((*path, index) for index in detail["ctx"]["indexes"])
            invalid.add(path)
            continue
        if isinstance(path[-1], int):
            removals.append(path)
            invalid.add(path[:-1])
            continue
        invalid.add(path)
        field = steps[-1].field if steps else None
        container = _container(repaired, path[:-1])
        if not isinstance(container, dict):
            continue
        if field is not None and field.is_required():
            container[path[-1]] = field.examples[0] if field.examples else _stand_in(field.annotation)
        else:
            container.pop(path[-1], None)
    # Last index first, so that earlier removals do not shift later ones.
    for path in sorted(removals, key=lambda p: [(0, k) if isinstance(k, int) else (1, str(k)) for k in p], reverse=True):
        container = _container(repaired, path[:-1])
        if isinstance(container, dict):
            container.pop(path[-1], None)
        elif isinstance(container, list) and isinstance(path[-1], int) and path[-1] < len(container):
            del container[path[-1]]
    return repaired, invalid


def _container(data: Any, path: DataPath) -> Any:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


@cache
def _keys_elsewhere(model: type[BaseModel]) -> dict[str, str]:
    """Each key of a part of the file, to the top-level keys of the parts that hold it."""
    holders: dict[str, list[str]] = {}
    for name, field in model.model_fields.items():
        for model in _models_in(field.annotation):
            for key in model.model_fields:
                holders.setdefault(key, []).append(name)
    return {key: "・".join(names) for key, names in holders.items()}


class _Step(NamedTuple):
    """One key of an error's location: the model holding it and its field."""

    key: str
    model: type[BaseModel]
    field: FieldInfo | None


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    elif get_origin(annotation) in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in get_args(annotation):
            yield from _models_in(arg)


def _walk(loc: tuple[int | str, ...], root: type[BaseModel]) -> tuple[DataPath, list[_Step], str | None]:
    """The data path of `loc` (without union tags), its named steps and the notice shape."""
    path: list[int | str] = []
    steps: list[_Step] = []
    shape: str | None = None
    candidates: list[type[BaseModel]] = [root]
    for part in loc:
        if isinstance(part, int):
            path.append(part)
            continue
        if part in _NOTICE_TAGS and steps and steps[-1].key == "notice":
            shape = part
            candidates = [m for m in candidates if m.model_fields["given"].annotation == Literal[part]]
            continue
        path.append(part)
        model = next((m for m in candidates if part in m.model_fields), candidates[0] if candidates else root)
        field = model.model_fields.get(part)
        steps.append(_Step(part, model, field))
        candidates = list(_models_in(field.annotation)) if field else []
    return tuple(path), steps, shape


def _dotted(path: DataPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _label(steps: list[_Step], path: DataPath) -> str:
    title = steps[-1].field.title if steps and steps[-1].field else None
    return f"{title}（{_dotted(path)}）" if title else _dotted(path)


def label(path: DataPath, root: type[BaseModel] = Case) -> str:
    """How messages name the value at `path` of a file of `root`: the sheet's label and
    the key, as 「外部提供の理由、方法等（external_provision.reason）」."""
    data_path, steps, _ = _walk(path, root)
    return _label(steps, data_path)


def _allowed(field: FieldInfo | None) -> tuple[str, ...]:
    """The enum values a field (or its list's entries) takes."""
    annotation = field.annotation if field else None
    while annotation is not None and get_origin(annotation) is not Literal:
        args = get_args(annotation)
        annotation = args[0] if args else None
    return tuple(str(a) for a in get_args(annotation)) if annotation is not None else ()


def _translate(detail: ErrorDetails, document: Document, model: type[BaseModel]) -> Iterator[CodedProblem]:
    path, steps, shape = _walk(detail["loc"], model)
    kind = detail["type"]
    if shape is not None and (kind == "missing" or (kind == "extra_forbidden" and path[-1] in NOTICE_SHAPE_KEYS)):
        # What a notice of its shape lacks or mixes in: E305 and E306, rules of the ordinance.
        return
    label = _label(steps, path)
    if path[:1] == ("version",) and kind != "missing":
        yield _at_key(UNSUPPORTED_VERSION, document, path, _version_message(detail["input"]))
    elif kind == "missing":
        yield _missing(document, path, label)
    elif kind == "too_short":
        yield _at_key(MISSING, document, path, f"{label}が空です。一つ以上書いてください")
    elif kind == "extra_forbidden":
        yield _unknown_key(document, path, steps, shape, model)
    elif kind == "literal_error":
        yield _not_allowed(document, path, steps, label, detail["input"])
    elif kind == "union_tag_invalid" and is_blank(detail["input"].get("given")):
        yield _at_key(MISSING, document, (*path, "given"), f"通知の有無（{_dotted((*path, 'given'))}）が空です。有 か 無 を書いてください")
        yield from _unknown_notice_keys(document, path, detail["input"])
    elif kind == "union_tag_invalid":
        given_path = (*path, "given")
        given = detail["input"].get("given")
        invisible = _invisible(given, _NOTICE_TAGS) if isinstance(given, str) else None
        shown = f"の「{given}」は選べません" if _scalar(given) else "には一つの値を書きます"
        yield _at_key(
            NOT_IN_ENUM,
            document,
            given_path,
            f"通知の有無（{_dotted(given_path)}）" + (f"は、{invisible}" if invisible else f"{shown}。有 か 無 のどちらかです"),
        )
        yield from _unknown_notice_keys(document, path, detail["input"])
    elif kind == "union_tag_not_found":
        # 「通知: 無」 is the missing given, misspelt: its E202 says so, and E201 would say it again.
        if "given" not in _notice_key_suggestions(detail["input"]).values():
            yield _at_mapping(MISSING, document, path, f"通知の有無（{_dotted((*path, 'given'))}）がありません。有 か 無 を書いてください")
        yield from _unknown_notice_keys(document, path, detail["input"])
    elif kind == "repeated":
        yield from _repeated(document, path, label, detail["input"], detail["ctx"]["indexes"])
    elif kind == "string_pattern_mismatch" and steps and steps[-1].field and steps[-1].field.examples:
        example = steps[-1].field.examples[0]
        yield _at_key(WRONG_TYPE, document, path, f"{label}は「{example}」のように書いてください（「{detail['input']}」は読めません）")
    elif kind == "greater_than":
        yield _at_key(WRONG_TYPE, document, path, f"{label}は 1 以上の整数で書いてください")
    elif kind in _MAPPING_TYPES:
        yield _at_key(WRONG_TYPE, document, path, _mapping_message(path, steps, label, detail["input"]))
    elif kind == "list_type" and (parts := _as_entries(detail["input"], steps)):
        # 「items: 氏名、住所」: a list written as one string, with Japanese commas.
        yield _at_key(
            WRONG_TYPE,
            document,
            path,
            f"{label}はリストで書きます。「{detail['input']}」は一つの文字列として読まれています。"
            f"[{', '.join(parts)}] のように半角の「,」で区切って [ ] で囲むか、一行に一つずつ「- 」で書きます",
        )
    else:
        yield _at_key(WRONG_TYPE, document, path, f"{label}は{expected(kind)}で書いてください")


def _as_entries(value: Any, steps: list[_Step]) -> list[str] | None:
    """The entries of a list written as one string, 「氏名、住所」, if it is several."""
    return _separated(value, _allowed(steps[-1].field if steps else None)) if isinstance(value, str) else None


def _scalar(value: Any) -> bool:
    """Whether a value can be shown as written: lists and mappings would show as Python."""
    return not isinstance(value, (list, dict))


def _version_message(value: Any) -> str:
    if isinstance(value, str) and unicodedata.normalize("NFKC", value).strip() == "1":
        return "version は数の 1 です。引用符を付けず半角で version: 1 と書いてください"
    if not _scalar(value):
        return "version は 1 のみ対応しています。version: 1 と書いてください"
    return f"version は 1 のみ対応しています（「{value}」は読めません）"


# Characters that do not show, or show as blank, in an editor.
_UNSEEN: Final = {
    "\u3000": "全角の空白 U+3000",
    "\u00a0": "改行しない空白 U+00A0",
    "\t": "タブ",
    "\u200b": "幅のない空白 U+200B",
    "\u200c": "幅のない文字 U+200C",
    "\u200d": "幅のない文字 U+200D",
    "\u2060": "幅のない文字 U+2060",
    "\ufeff": "幅のない文字 U+FEFF",
}


def _invisible(value: str, allowed: Iterable[str]) -> str | None:
    """What to say when `value` is an allowed value but for characters that do not show."""
    seen = "".join(c for c in value if not (c in _UNSEEN or c.isspace()))
    if seen == value or seen not in allowed:
        return None
    extra = [c for c in value if c in _UNSEEN or c.isspace()]
    names = "、".join(dict.fromkeys(_UNSEEN.get(c, f"空白 U+{ord(c):04X}") for c in extra))
    where = "後ろ" if value.startswith(seen) else "前" if value.endswith(seen) else "中"
    return f"「{seen}」の{where}に見えない文字（{names}）があります。消して「{seen}」とだけ書いてください"


_NOTICE_FIELDS: Final = {**NoticeGiven.model_fields, **NoticeWithheld.model_fields}


def _notice_key_suggestions(notice: dict[str, Any]) -> dict[str, str | None]:
    """Each key of a notice that neither shape has, and the key it was likely meant as."""
    labels = {field.title: name for name, field in _NOTICE_FIELDS.items() if field.title}
    return {key: nearest(key, _NOTICE_FIELDS, labels) for key in notice if key not in _NOTICE_FIELDS}


def _unknown_notice_keys(document: Document, path: DataPath, notice: dict[str, Any]) -> Iterator[CodedProblem]:
    """The unknown keys of a notice whose shape is not known (no valid `given`): pydantic
    checks a notice's keys only once `given` has chosen its shape."""
    for key, suggestion in _notice_key_suggestions(notice).items():
        hint = (
            f"「{suggestion}」（{_NOTICE_FIELDS[suggestion].title}）の誤りではありませんか"
            if suggestion
            else "ここに書けるキー: " + "、".join(_NOTICE_FIELDS)
        )
        yield _at_key(UNKNOWN_KEY, document, (*path, key), f"不明なキー「{key}」です。{hint}")


_MAPPING_TYPES: Final = frozenset({"model_type", "model_attributes_type", "dict_type"})
_GIVEN_SHAPE: Final = "given: 有、timing: 事前 か 事後、method: 通知の方法"
_WITHHELD_SHAPE: Final = "given: 無、proviso: の下に risk:（漏えいリスクの低減）と necessity:（必要性）"
# A file name as an attachment's title: 概要資料.pdf.
_FILE_SUFFIX_LENGTH: Final = 5


def _mapping_message(path: DataPath, steps: list[_Step], label: str, value: Any) -> str:
    """A mapping was expected: which keys, in which shape."""
    if path[-1] == "notice":
        if value == "有":
            return f"{label}は「notice: 有」ではなく、notice の下に字下げしたキーで書きます: {_GIVEN_SHAPE}"
        if value == "無":
            return f"{label}は「notice: 無」ではなく、notice の下に字下げしたキーで書きます: {_WITHHELD_SHAPE}"
        return f"{label}は notice の下に字下げしたキーで書きます。通知するなら {_GIVEN_SHAPE}。通知しないなら {_WITHHELD_SHAPE}"
    if len(path) == 2 and path[0] == "attachments" and isinstance(path[1], int):
        if isinstance(value, str) and value.strip():
            name = PurePosixPath(value.strip())
            suffix = name.suffix
            named = (
                f"{{title: {name.stem}, file: {value.strip()}}}"
                if suffix and len(suffix) <= _FILE_SUFFIX_LENGTH and suffix[1:].isascii() and suffix[1:].isalnum()
                else f"{{title: {value.strip()}}}"
            )
            example = f"（この資料なら {named}）"
        else:
            example = ""
        return f"{label}は資料ごとに title（資料名）と、ファイルがあれば file（ケースファイルからの相対パス）をキーで書きます{example}"
    models = list(_models_in(steps[-1].field.annotation)) if steps and steps[-1].field else []
    keys = "、".join(dict.fromkeys(name for model in models for name in model.model_fields))
    return f"{label}は{expected('model_type')}で書いてください" + (f"（書けるキー: {keys}）" if keys else "")


def _at_key(code: str, document: Document, path: DataPath, message: str) -> CodedProblem:
    location = document.location(path)
    return CodedProblem(code, Problem(location.anchor, message))


def _at_mapping(code: str, document: Document, path: DataPath, message: str) -> CodedProblem:
    return CodedProblem(code, Problem(document.location(path).value, message))


def _missing(document: Document, path: DataPath, label: str) -> CodedProblem:
    message = f"{label}が空です" if document.has(path) else f"{label}がありません"
    return CodedProblem(MISSING, Problem(document.missing_span(path), message))


def _unknown_key(
    document: Document, path: DataPath, steps: list[_Step], shape: str | None, root: type[BaseModel]
) -> CodedProblem:
    key = str(path[-1])
    model = steps[-1].model
    fields = {name: f for name, f in model.model_fields.items() if name != "given" or shape is None}
    labels = {f.title: name for name, f in fields.items() if f.title}
    suggestion = nearest(key, fields, labels)
    elsewhere = _keys_elsewhere(root).get(key)
    invisible = _invisible(key, fields)
    if invisible is not None:
        hint = f"キーの{invisible}"
    elif suggestion is not None:
        hint = f"「{suggestion}」（{fields[suggestion].title}）の誤りではありませんか"
    elif elsewhere is not None:
        hint = f"「{key}」は {elsewhere} の中に書くキーです（字下げを確認してください）"
    else:
        hint = "ここに書けるキー: " + "、".join(fields)
    return _at_key(UNKNOWN_KEY, document, path, f"不明なキー「{key}」です。{hint}")


# What a Japanese typist puts between list entries instead of 「,」.
_JAPANESE_SEPARATORS: Final = "、，､"
_MIDDLE_DOT: Final = "・"


def _separated(value: str, allowed: tuple[str, ...]) -> list[str] | None:
    """The entries of 「氏名、住所」 written as one value, if it is several."""
    for separators, all_allowed in ((_JAPANESE_SEPARATORS, False), (_MIDDLE_DOT, True)):
        if not any(separator in value for separator in separators):
            continue
        text = value
        for separator in separators[1:]:
            text = text.replace(separator, separators[0])
        parts = [part.strip() for part in text.split(separators[0]) if part.strip()]
        if len(parts) > 1 and (not all_allowed or all(part in allowed for part in parts)):
            return parts
    return None


def _grid() -> str:
    return "、".join(f"{group}（{'、'.join(items)}）" for group, items in ITEM_GROUPS.items())


def _not_allowed(document: Document, path: DataPath, steps: list[_Step], label: str, value: Any) -> CodedProblem:
    field = steps[-1].field if steps else None
    allowed = _allowed(field)
    code = UNKNOWN_ITEM if allowed == ITEMS else NOT_IN_ENUM
    choices = "表の項目名" if allowed == ITEMS else "、".join(allowed)
    if not _scalar(value):
        return _at_key(code, document, path, f"{label}には一つの値を書きます（リストやキーと値の組は書けません。選択肢: {choices}）")
    text = str(value)
    invisible = _invisible(text, allowed)
    if invisible is not None:
        return _at_key(code, document, path, f"{label}は、{invisible}")
    parts = _separated(text, allowed)
    if parts is not None and isinstance(path[-1], int):
        return _at_key(
            code,
            document,
            path,
            f"「{text}」は一つの値として読まれています。リストの値は半角の「,」で区切るか"
            f"（[{', '.join(parts)}]）、一行に一つずつ「- 」で書きます",
        )
    if allowed == ITEMS:
        return _at_key(code, document, path, _unknown_item_message(text))
    suggestion = nearest(text, allowed)
    hint = f"「{suggestion}」の誤りではありませんか" if suggestion else ""
    message = f"{label}の「{text}」は選べません（選択肢: {choices}）" + (f"。{hint}" if hint else "")
    return _at_key(code, document, path, message)


def _unknown_item_message(value: str) -> str:
    group = ITEM_GROUPS.get(value)
    if group is not None:
        return f"「{value}」は項目表の分類の名前です。この分類の項目（{'、'.join(group)}）から選んでください"
    suggestion = nearest(value, ITEMS)
    if suggestion is not None:
        return f"「{value}」は保有個人情報の項目表にありません。「{suggestion}」の誤りではありませんか（表にない項目は other_items に書きます）"
    return f"「{value}」は保有個人情報の項目表にありません。表の項目: {_grid()}。表にない項目は other_items に書きます"


def _repeated(document: Document, path: DataPath, label: str, values: list[Any], indexes: list[int]) -> Iterator[CodedProblem]:
    for index in indexes:
        first = values.index(values[index])
        first_line = document.location((*path, first)).value.line
        yield _at_key(
            REPEATED,
            document,
            (*path, index),
            f"{label}に「{values[index]}」が重複しています（最初は {first_line} 行目）",
        )
