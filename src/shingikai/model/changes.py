"""What changed in a case between two versions of its file: in meaning, not in text.

Both versions are compared as data (what the YAML says, not how it is written), key by
key in the order of the sheet, and each change is named by the sheet's label:

- text is compared without its layout: the whitespace between two Latin characters is
  one space, any other whitespace (line breaks, blank lines, indentation, spaces beside
  Japanese text) is none; so re-wrapping a block, or writing it `>` rather than `|`, is
  no change;
- the ticked items, 根拠規定, 外部提供の形態 and その他資料 are sets: the same entries in
  another order are no change. A section's `items` and `other_items` are one list, as
  the sheet's grid shows them;
- a section (本人外収集, 目的外利用, …) present in one version only is added or removed;
- a number and its digits quoted are the same value, as are a blank value and none.

Comments, quoting, key order and aliases are gone once the YAML is read.
"""

import re
from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import Any, Final, NamedTuple

from ..loading.document import DataPath
from . import vocabulary as v
from .case import SECTIONS, Case, NoticeGiven, Proviso

# The caption of each section's item grid, as the sheet words it.
_GRID_LABELS: Final = {
    "indirect_collection": "収集する個人情報の項目",
    "secondary_use": "目的外利用する保有個人情報の項目",
    "external_provision": "外部提供する保有個人情報の項目",
    "record_items": "記録項目に{operation}する保有個人情報の項目",
}
# The lists whose order means nothing: the sheet shows them as ticked boxes, or as a list
# of documents.
_SETS: Final = frozenset({("bases",), ("attachments",), *((section, "media") for section in SECTIONS)})
# The keys of a notice of either shape, in the sheet's order.
_NOTICE_KEYS: Final = ("given", "timing", "method", "proviso")
# Up to this many characters on one line, a text change is shown as old → new.
SHORT_TEXT: Final = 40
# Patterns compiled (and cached) by `re` when first used: most runs compare nothing.
_WHITESPACE: Final = r"\s+"
# The units of a long text's diff: sentences (up to 。) within paragraphs.
_SENTENCE: Final = r"[^。]*。|[^。]+$"
_PARAGRAPH_BREAK: Final = r"\n\s*\n"


class ChangeKind(StrEnum):
    TEXT = "text"
    ITEMS = "items"
    # A section present in the later version only, or in the earlier one only.
    ADDED = "added"
    REMOVED = "removed"


class Change(NamedTuple):
    """One field of the sheet that changed."""

    # The key that changed (for a section's item grid, `items` or `other_items`).
    path: DataPath
    label: str
    kind: ChangeKind
    # TEXT: the value before and after, as written (None: there was none).
    old: str | None = None
    new: str | None = None
    # ITEMS: the entries the later version added and removed.
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The path as a user writes it: `external_provision.items`, `attachments`."""
        text = ""
        for part in self.path:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
        return text

    @property
    def short(self) -> bool:
        """A text change small enough to show as old → new rather than as a diff."""
        return all(value is None or ("\n" not in value and len(value) <= SHORT_TEXT) for value in (self.old, self.new))

    def diff(self, old_name: str, new_name: str) -> list[str]:
        """A text change as a unified diff of its sentences, each without its layout."""
        import difflib

        return list(difflib.unified_diff(_units(self.old), _units(self.new), old_name, new_name, n=1, lineterm=""))


def comparable(text: str) -> str:
    """Text without its layout: one space between Latin characters, none elsewhere."""
    return re.sub(_WHITESPACE, _space, text.strip())


def _space(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    return " " if start > 0 and end < len(text) and _latin(text[start - 1]) and _latin(text[end]) else ""


def _latin(character: str) -> bool:
    # The sheet's own line (render/sheet.py): below U+2E80 a character is a narrow one.
    return ord(character) < 0x2E80


def _units(text: str | None) -> list[str]:
    if text is None:
        return []
    return [unit for paragraph in re.split(_PARAGRAPH_BREAK, text) for unit in re.findall(_SENTENCE, comparable(paragraph))]


def compare(old: dict[str, Any], new: dict[str, Any]) -> tuple[Change, ...]:
    """What changed from `old` to `new`, the data of two versions of a case file, in the
    order of the sheet."""
    return tuple(_mapping(old, new, ()))


def _mapping(old: dict[str, Any], new: dict[str, Any], path: DataPath) -> Iterator[Change]:
    for key in dict.fromkeys([*_known_keys(path), *new, *old]):
        if len(path) == 1 and path[0] in _GRID_LABELS and key in ("items", "other_items"):
            if key == "items":
                yield from _grid(old, new, str(path[0]))
            continue
        yield from _value(old.get(key), new.get(key), (*path, key))


def _known_keys(path: DataPath) -> Sequence[str]:
    """The keys the format gives the mapping at `path`, in the sheet's order."""
    if not path:
        return tuple(Case.model_fields)
    if len(path) == 1 and path[0] in SECTIONS:
        return tuple(_section_model(str(path[0])).model_fields)
    if path[1:] == ("notice",):
        return _NOTICE_KEYS
    if path[1:] == ("notice", "proviso"):
        return tuple(Proviso.model_fields)
    return ()


def _section_model(section: str) -> Any:
    annotation = Case.model_fields[section].annotation
    return next(argument for argument in annotation.__args__ if argument is not type(None))


def _value(before: Any, after: Any, path: DataPath) -> Iterator[Change]:
    # Most values are as they were, written the same: nothing to normalise.
    if before == after or not _present(before) and not _present(after):
        return
    label = _label(path)
    if len(path) == 1 and path[0] in SECTIONS:
        if not _present(before):
            yield Change(path, label, ChangeKind.ADDED)
            return
        if not _present(after):
            yield Change(path, label, ChangeKind.REMOVED)
            return
    if isinstance(before, dict) or isinstance(after, dict):
        yield from _mapping(before if isinstance(before, dict) else {}, after if isinstance(after, dict) else {}, path)
    elif path in _SETS:
        yield from _set(_entries(before, path), _entries(after, path), path, label)
    else:
        old, new = _text(before), _text(after)
        if (old and comparable(old)) != (new and comparable(new)):
            yield Change(path, label, ChangeKind.TEXT, old, new)


def _scalar(value: Any) -> str | None:
    """A value as the text it means (None when it is absent or blank)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip()
    return text or None


def _present(value: Any) -> bool:
    if isinstance(value, dict | list):
        return bool(value)
    return _scalar(value) is not None


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        # 主管課: a list whose order counts (the first names the sheet), joined as the sheet does.
        return "・".join(text for text in map(_text, value) if text) or None
    if isinstance(value, dict):
        return _text(list(value.values()))
    return _scalar(value)


def _entries(value: Any, path: DataPath) -> list[str]:
    """The entries of a list as text (a single value is a list of one)."""
    entries = value if isinstance(value, list) else [value]
    if path == ("attachments",):
        return [_attachment(entry) for entry in entries if _present(entry)]
    return [text for text in map(_text, entries) if text is not None]


def _attachment(entry: Any) -> str:
    """その他資料 as the sheet lists it: the title, and the file in brackets."""
    if not isinstance(entry, dict):
        return _text(entry) or ""
    title, file = _text(entry.get("title")) or "", _text(entry.get("file"))
    return f"{title}（{file}）" if file else title


def _set(old: list[str], new: list[str], path: DataPath, label: str) -> Iterator[Change]:
    before = {comparable(entry): entry for entry in old}
    after = {comparable(entry): entry for entry in new}
    added = tuple(entry for key, entry in after.items() if key not in before)
    removed = tuple(entry for key, entry in before.items() if key not in after)
    if added or removed:
        yield Change(path, label, ChangeKind.ITEMS, added=added, removed=removed)


def _grid(old: dict[str, Any], new: dict[str, Any], section: str) -> Iterator[Change]:
    """A section's ticked items and its その他の項目, as one list."""
    operation = _scalar(new.get("operation")) or _scalar(old.get("operation")) or v.OPERATIONS[0]
    label = _GRID_LABELS[section].format(operation=operation)

    def entries(data: dict[str, Any], key: str) -> list[str]:
        return _entries(data.get(key), (section, key)) if _present(data.get(key)) else []

    key = "items" if set(entries(old, "items")) != set(entries(new, "items")) else "other_items"
    both = [*entries(old, "items"), *entries(old, "other_items")], [*entries(new, "items"), *entries(new, "other_items")]
    yield from _set(*both, (section, key), label)


def _label(path: DataPath) -> str:
    """The sheet's label of the value at `path`, made specific where the model's title is not."""
    key = str(path[-1])
    if len(path) == 1:
        field = Case.model_fields.get(key)
        return field.title or key if field is not None else key
    basis = v.BASIS_BY_SECTION.get(str(path[0]))
    if basis is None:
        return ".".join(map(str, path))
    if path[1:2] == ("notice",):
        notice = f"通知（{basis.value}）"
        if path[1:] == ("notice", "given"):
            return notice
        if path[1:] == ("notice", "proviso", key) and key in Proviso.model_fields:
            return f"{notice}の理由（{Proviso.model_fields[key].title}）"
        if path[1:] == ("notice", key) and key in NoticeGiven.model_fields:
            return notice + str(NoticeGiven.model_fields[key].title).removeprefix("通知")
        return f"{notice}の{'.'.join(map(str, path[2:]))}"
    field = _section_model(str(path[0])).model_fields.get(key) if len(path) == 2 else None
    if field is None or field.title is None:
        return f"{basis.value}の{'.'.join(map(str, path[1:]))}"
    return field.title if basis.value in field.title else f"{basis.value}の{field.title}"
