"""Stage 4: the document against the model; pydantic's errors become E2 findings.

Each error is placed on the node it is about (rules.md: the key of a wrong or empty
value, the list entry of a bad item, the mapping that lacks a key) and names the
sheet's label and the key. When only some top-level parts are invalid, the case is
validated again without them, so that the rules can still check the rest.
"""

import copy
import types
import typing
from collections.abc import Iterator
from typing import Any, Final, Literal, NamedTuple, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from .document import Document, Path
from .errors import CodedProblem
from .findings import Problem
from .model import Case, is_blank
from .registry import declare
from .suggest import nearest
from .vocabulary import ITEMS

MISSING = declare(
    "E201",
    "必須の項目がない・空",
    """
    ## 何を検査するか
    付議案件シートに必ず書く項目（件名、主管課、事務の概要、各欄の理由や提供先など）が、
    キーごと抜けていたり、値が空だったりしないか。空白だけの値も空とみなします。

    ## なぜ問題か
    審議会は空欄のあるシートを審議できません。空のままの欄は差し戻しの原因になり、
    公開されたシートでは説明責任を果たしていないことになります。

    ## 違反例
    ```yaml
    external_provision:
      recipient: ""
    ```

    ## 修正例
    ```yaml
    external_provision:
      recipient: 株式会社〇〇システム（AI-OCR サービスの提供事業者）
    ```
    """,
)

UNKNOWN_KEY = declare(
    "E202",
    "不明なキー",
    """
    ## 何を検査するか
    形式にないキーが書かれていないか。いちばん近い正しいキー（シートの項目名で書いた場合もそのキー）を示します。

    ## なぜ問題か
    キーの綴りを誤ると、その内容はシートに載りません。黙って無視せず、誤りとして知らせます。

    ## 違反例
    ```yaml
    external_provision:
      recipent: NTTデータ
    ```

    ## 修正例
    ```yaml
    external_provision:
      recipient: NTTデータ
    ```
    """,
)

WRONG_TYPE = declare(
    "E203",
    "値の型の誤り",
    """
    ## 何を検査するか
    文字列を書く所にリストやマッピングが、リストを書く所に文字列が書かれていないかなど、値の型。

    ## なぜ問題か
    型が違うと、シートのどの欄にどう載せるかが決まりません。字下げのずれで
    意図せずマッピングになっていることもあります。

    ## 違反例
    ```yaml
    bases: 外部提供
    ```

    ## 修正例
    ```yaml
    bases: [外部提供]
    ```
    """,
)

NOT_IN_ENUM = declare(
    "E204",
    "選択肢にない値",
    """
    ## 何を検査するか
    選択肢の決まった値（`kind`、`bases`、`media`、`given`、`timing`、`operation`）が選択肢の中にあるか。
    いちばん近い選択肢を示します。

    ## なぜ問題か
    シートのチェック欄（■/□）はこの値から作られます。選択肢にない値では、
    どの欄にチェックを付けるかが決まりません。

    ## 違反例
    ```yaml
    kind: 諮問事項
    ```

    ## 修正例
    ```yaml
    kind: 諮問
    ```
    """,
)

UNKNOWN_ITEM = declare(
    "E205",
    "項目表にない個人情報の項目",
    """
    ## 何を検査するか
    `items` の値が保有個人情報の項目表（基本的事項・心身の状況・家族状況等・社会生活）にある項目か。
    いちばん近い項目を示します。

    ## なぜ問題か
    `items` はシートの項目表のチェック（■）になります。表にない語は表に載らず、
    チェックしたつもりの項目が抜けたシートが公開されます。表にない項目は `other_items` に書きます。

    ## 違反例
    ```yaml
    external_provision:
      items: [氏名, 電話]
    ```

    ## 修正例
    ```yaml
    external_provision:
      items: [氏名, 電話番号]
    ```
    """,
)

REPEATED = declare(
    "E206",
    "値の重複",
    """
    ## 何を検査するか
    `bases`、`items`、`media` に同じ値が二度書かれていないか。

    ## なぜ問題か
    チェック欄は一つの値に一つです。重複は書き誤り（別の値のつもりだった）であることが多く、
    本来チェックすべき欄が抜けているおそれがあります。

    ## 違反例
    ```yaml
    external_provision:
      items: [氏名, 住所, 氏名]
    ```

    ## 修正例
    ```yaml
    external_provision:
      items: [氏名, 住所, 電話番号]
    ```
    """,
)

UNSUPPORTED_VERSION = declare(
    "E207",
    "対応していない形式の版",
    """
    ## 何を検査するか
    `version` が、このツールの読める形式の版（1）か。

    ## なぜ問題か
    版が違うファイルはキーや意味が違う可能性があり、推測して読むと誤ったシートになります。

    ## 違反例
    ```yaml
    version: 2
    ```

    ## 修正例
    ```yaml
    version: 1
    ```
    """,
)

PROVISO_MISSING = declare(
    "E305",
    "通知 無 のただし書の理由がない",
    """
    ## 何を検査するか
    通知を 無 とした欄に、条例のただし書を適用する理由の二つの部分、
    `proviso.risk`（漏えいリスクが十分に低減されていること）と `proviso.necessity`（必要性）が両方あるか。
    外部提供は条例第13条第5項、目的外利用は第12条第5項のただし書です（条文は設定の ruleset による）。

    ## なぜ問題か
    本人への通知を省けるのは、ただし書の要件を満たすと説明できる場合だけです。
    理由の欠けたシートは、審議会が通知不要を判断する材料を欠いています。

    ## 違反例
    ```yaml
    external_provision:
      notice:
        given: 無
        proviso:
          risk: 閉域ネットワークを介しており、漏えいリスクは十分に低減されている。
    ```

    ## 修正例
    ```yaml
    external_provision:
      notice:
        given: 無
        proviso:
          risk: 閉域ネットワークを介しており、漏えいリスクは十分に低減されている。
          necessity: 業務の効率化を図るため、本件の必要性は高い。
    ```
    """,
)

NOTICE_SHAPE = declare(
    "E306",
    "通知 有 の時期・方法がない、または 有 と 無 の混在",
    """
    ## 何を検査するか
    通知を 有 とした欄に `timing`（事前・事後）と `method`（方法）があるか。
    また、有 の欄に `proviso` が、無 の欄に `timing` や `method` が書かれていないか。

    ## なぜ問題か
    シートの通知欄は 有 なら時期と方法、無 なら理由のどちらか一方です。両方が混ざったシートは、
    本人に通知するのかしないのかが読み取れません。

    ## 違反例
    ```yaml
    external_provision:
      notice:
        given: 有
        method: 本人へ送付した。
    ```

    ## 修正例
    ```yaml
    external_provision:
      notice:
        given: 有
        timing: 事後
        method: 本人へ送付した。
    ```
    """,
)

_TYPE_NAMES: Final = {
    "string_type": "文字列",
    "list_type": "リスト（例: `[a, b]` や「- 」の並び）",
    "model_type": "「キー: 値」の並び（マッピング）",
    "model_attributes_type": "「キー: 値」の並び（マッピング）",
    "dict_type": "「キー: 値」の並び（マッピング）",
    "int_type": "整数",
    "int_parsing": "整数",
}
_NOTICE_TAGS: Final = {"有", "無"}


class Validation(NamedTuple):
    # The case, when the file validated as written or once repaired (see `_repair`).
    case: Case | None
    problems: tuple[CodedProblem, ...]
    # Data paths whose values failed validation; in `case` they hold stand-ins.
    invalid: frozenset[Path]


def validate(document: Document) -> Validation:
    try:
        return Validation(Case.model_validate(document.data), (), frozenset())
    except ValidationError as error:
        details = error.errors(include_url=False)
    problems = tuple(p for detail in details for p in _translate(detail, document))
    repaired, invalid = _repair(document.data, details)
    try:
        case: Case | None = Case.model_validate(repaired)
    except ValidationError:
        case = None
    return Validation(case, problems, frozenset(invalid))


# A required value that failed validation is replaced by a stand-in so that the rules
# can check the rest of the file; the rules skip what they would read from a stand-in.
STAND_IN_TEXT: Final = "（未記入）"


def _stand_in(annotation: Any) -> Any:
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


def _repair(data: dict[str, Any], details: list[ErrorDetails]) -> tuple[dict[str, Any], set[Path]]:
    """A copy of `data` that validates: bad list entries and unknown keys removed,
    bad optional values dropped, bad required values replaced by stand-ins."""
    repaired = copy.deepcopy(data)
    invalid: set[Path] = set()
    removals: list[Path] = []
    for detail in details:
        path, steps, _ = _walk(detail["loc"])
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
            container[path[-1]] = _stand_in(field.annotation)
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


def _container(data: Any, path: Path) -> Any:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _section_keys() -> dict[str, str]:
    """Each key of a section, to the top-level keys of the sections that hold it."""
    holders: dict[str, list[str]] = {}
    for name, field in Case.model_fields.items():
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


def _walk(loc: tuple[int | str, ...]) -> tuple[Path, list[_Step], str | None]:
    """The data path of `loc` (without union tags), its named steps and the notice shape."""
    path: list[int | str] = []
    steps: list[_Step] = []
    shape: str | None = None
    candidates: list[type[BaseModel]] = [Case]
    for part in loc:
        if isinstance(part, int):
            path.append(part)
            continue
        if part in _NOTICE_TAGS and steps and steps[-1].key == "notice":
            shape = part
            candidates = [m for m in candidates if m.model_fields["given"].annotation == Literal[part]]
            continue
        path.append(part)
        model = next((m for m in candidates if part in m.model_fields), candidates[0] if candidates else Case)
        field = model.model_fields.get(part)
        steps.append(_Step(part, model, field))
        candidates = list(_models_in(field.annotation)) if field else []
    return tuple(path), steps, shape


_KEYS_ELSEWHERE: Final = _section_keys()


def _dotted(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _label(steps: list[_Step], path: Path) -> str:
    title = steps[-1].field.title if steps and steps[-1].field else None
    return f"{title}（{_dotted(path)}）" if title else _dotted(path)


def _allowed(field: FieldInfo | None) -> tuple[str, ...]:
    """The enum values a field (or its list's entries) takes."""
    annotation = field.annotation if field else None
    while annotation is not None and get_origin(annotation) is not Literal:
        args = get_args(annotation)
        annotation = args[0] if args else None
    return tuple(str(a) for a in get_args(annotation)) if annotation is not None else ()


def _translate(detail: ErrorDetails, document: Document) -> Iterator[CodedProblem]:
    path, steps, shape = _walk(detail["loc"])
    kind = detail["type"]
    label = _label(steps, path)
    if path[:1] == ("version",) and kind != "missing":
        yield _at_key(UNSUPPORTED_VERSION.code, document, path, f"version は 1 のみ対応しています（「{detail['input']}」は読めません）")
    elif kind == "missing":
        yield _missing(document, path, label, shape)
    elif kind == "too_short":
        yield _at_key(MISSING.code, document, path, f"{label}が空です。一つ以上書いてください")
    elif kind == "extra_forbidden":
        yield _unknown_key(document, path, steps, shape)
    elif kind == "literal_error":
        yield _not_allowed(document, path, steps, label, detail["input"])
    elif kind == "union_tag_invalid" and is_blank(detail["input"].get("given")):
        yield _at_key(MISSING.code, document, (*path, "given"), f"通知の有無（{_dotted((*path, 'given'))}）が空です。有 か 無 を書いてください")
    elif kind == "union_tag_invalid":
        given_path = (*path, "given")
        yield _at_key(
            NOT_IN_ENUM.code,
            document,
            given_path,
            f"通知の有無（{_dotted(given_path)}）の「{detail['input'].get('given')}」は選べません。有 か 無 のどちらかです",
        )
    elif kind == "union_tag_not_found":
        yield _at_mapping(MISSING.code, document, path, f"通知の有無（{_dotted((*path, 'given'))}）がありません。有 か 無 を書いてください")
    elif kind == "repeated":
        yield from _repeated(document, path, label, detail["input"], detail["ctx"]["indexes"])
    else:
        expected = _TYPE_NAMES.get(kind, "正しい形式")
        yield _at_key(WRONG_TYPE.code, document, path, f"{label}は{expected}で書いてください")


def _at_key(code: str, document: Document, path: Path, message: str) -> CodedProblem:
    location = document.location(path)
    return CodedProblem(code, Problem(location.anchor, message))


def _at_mapping(code: str, document: Document, path: Path, message: str) -> CodedProblem:
    return CodedProblem(code, Problem(document.location(path).value, message))


def _missing(document: Document, path: Path, label: str, shape: str | None) -> CodedProblem:
    present = document.has(path)
    if shape == "無":
        code, note = PROVISO_MISSING.code, "。通知 無 には、ただし書を適用する理由（risk と necessity）が必要です"
    elif shape == "有":
        code, note = NOTICE_SHAPE.code, "。通知 有 には、時期（事前・事後）と方法が必要です"
    else:
        code, note = MISSING.code, ""
    message = f"{label}が空です{note}" if present else f"{label}がありません{note}"
    return CodedProblem(code, Problem(document.missing_span(path), message))


def _unknown_key(document: Document, path: Path, steps: list[_Step], shape: str | None) -> CodedProblem:
    key = str(path[-1])
    model = steps[-1].model
    if shape is not None and key in ("timing", "method", "proviso"):
        own = "無" if key == "proviso" else "有"
        return _at_key(
            NOTICE_SHAPE.code,
            document,
            path,
            f"通知 {shape} の欄に「{key}」は書けません（通知 {own} の項目です）。given と内容のどちらが正しいか見直してください",
        )
    fields = {name: f for name, f in model.model_fields.items() if name != "given" or shape is None}
    labels = {f.title: name for name, f in fields.items() if f.title}
    suggestion = nearest(key, fields, labels)
    elsewhere = _KEYS_ELSEWHERE.get(key)
    if suggestion is not None:
        hint = f"「{suggestion}」（{fields[suggestion].title}）の誤りではありませんか"
    elif elsewhere is not None:
        hint = f"「{key}」は {elsewhere} の中に書くキーです（字下げを確認してください）"
    else:
        hint = "ここに書けるキー: " + "、".join(fields)
    return _at_key(UNKNOWN_KEY.code, document, path, f"不明なキー「{key}」です。{hint}")


def _not_allowed(document: Document, path: Path, steps: list[_Step], label: str, value: Any) -> CodedProblem:
    field = steps[-1].field if steps else None
    allowed = _allowed(field)
    suggestion = nearest(str(value), allowed)
    hint = f"「{suggestion}」の誤りではありませんか" if suggestion else ""
    if allowed == ITEMS:
        message = f"「{value}」は保有個人情報の項目表にありません。" + (
            hint + "（表にない項目は other_items に書きます）" if hint else "表にない項目は other_items に書きます"
        )
        return _at_key(UNKNOWN_ITEM.code, document, path, message)
    choices = "、".join(allowed)
    message = f"{label}の「{value}」は選べません（選択肢: {choices}）" + (f"。{hint}" if hint else "")
    return _at_key(NOT_IN_ENUM.code, document, path, message)


def _repeated(document: Document, path: Path, label: str, values: list[Any], indexes: list[int]) -> Iterator[CodedProblem]:
    for index in indexes:
        first = values.index(values[index])
        first_line = document.location((*path, first)).value.line
        yield _at_key(
            REPEATED.code,
            document,
            (*path, index),
            f"{label}に「{values[index]}」が重複しています（最初は {first_line} 行目）",
        )
