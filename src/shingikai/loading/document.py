"""Stage 2: text to a document — plain data plus the source position of every key and value.

libyaml's composer builds the node tree (never objects: no tag is ever constructed);
this module walks it once, resolving scalars, refusing foreign tags, bounding alias
expansion and depth, reporting duplicate keys, and recording positions by path.
"""

import bisect
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final, NamedTuple

import yaml
from yaml.cyaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import CodedProblem, UnreadableCase
from ..findings import Problem, Span
from .source import TOO_LARGE

PathKey = str | int
DataPath = tuple[PathKey, ...]

MAX_DEPTH: Final = 32
# Values produced, counting every expansion of an alias.
MAX_VALUES: Final = 50_000

# The codes of this stage; their documentation is in rules/file.py.
SYNTAX_ERROR: Final = "E101"
DUPLICATE_KEY: Final = "E102"
NOT_A_CASE: Final = "E104"
FOREIGN_TAG: Final = "E105"

_CORE = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT = _CORE + "str", _CORE + "null", _CORE + "bool", _CORE + "int"
# Resolved as text: floats and dates keep the digits as written (件数 1.50, 2022-01-18).
_AS_TEXT: Final = frozenset({_CORE + "float", _CORE + "timestamp"})
_SEQ, _MAP = _CORE + "seq", _CORE + "map"
_PLAIN_SCALAR: Final = frozenset({_STR, _NULL, _BOOL, _INT, *_AS_TEXT})
# YAML 1.2 core schema: no octal, no yes/no/on/off booleans, no sexagesimal numbers.
_INT_12 = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
# Most scalars are text: a look at the first character spares them the pattern.
_INT_START: Final = frozenset("+-0123456789")
_BOOL_12: Final = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULL_12: Final = frozenset({"", "~", "null", "Null", "NULL"})
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


class Location(NamedTuple):
    key: Span | None
    value: Span

    @property
    def anchor(self) -> Span:
        """Where a finding about this value points: its key, or itself in a list."""
        if self.key is None:
            return self.value
        return Span(self.key.line, self.key.column, self.value.end_line, self.value.end_column)


class TextScalar(NamedTuple):
    """A string value and where its source text lies."""

    path: DataPath
    value: str
    start: int
    end: int
    # The line of its key (or of itself, in a list): where a suppression comment can be.
    anchor_line: int


@dataclass(frozen=True)
class Document:
    text: str
    data: dict[str, Any]
    # The composed nodes, kept to find a value's position only when a finding needs it.
    root: MappingNode
    texts: tuple[TextScalar, ...]
    # Non-fatal problems found while reading (duplicate keys).
    problems: tuple[CodedProblem, ...] = ()

    def _nodes(self, path: DataPath) -> tuple[int, Node | None, Node]:
        """How many parts of `path` exist, and the key and value nodes of the last of them."""
        key: Node | None = None
        node: Node = self.root
        for depth, part in enumerate(path):
            if isinstance(node, MappingNode) and isinstance(part, str):
                pair = next(((k, v) for k, v in node.value if _key_text(k) == part), None)
                if pair is None:
                    return depth, key, node
                key, node = pair
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                key, node = None, node.value[part]
            else:
                return depth, key, node
        return len(path), key, node

    def has(self, path: DataPath) -> bool:
        return self._nodes(path)[0] == len(path)

    def location(self, path: DataPath) -> Location:
        """The location of `path`, or of its nearest present ancestor."""
        _, key, node = self._nodes(path)
        return Location(_span(key) if key is not None else None, _span(node))

    def missing_span(self, path: DataPath) -> Span:
        """Where a finding about a missing value points: its key if written empty, else
        the mapping that lacks it."""
        if self.has(path):
            return self.location(path).anchor
        return self.location(path[:-1]).value

    @cached_property
    def joined(self) -> tuple[str, list[int]]:
        """Every string value in one text, separated by NUL (which YAML text cannot hold),
        and where each starts: a pattern runs once per file, not once per value."""
        starts, offset = [], 0
        for scalar in self.texts:
            starts.append(offset)
            offset += len(scalar.value) + 1
        return "\x00".join(scalar.value for scalar in self.texts), starts

    def span_in_joined(self, start: int, end: int) -> tuple[Span, int]:
        """The source span of `joined[start:end]` and the anchor line of its value."""
        _, starts = self.joined
        index = bisect.bisect_right(starts, start) - 1
        scalar = self.texts[index]
        return self.span_of(scalar, start - starts[index], end - start), scalar.anchor_line

    @cached_property
    def _lines(self) -> "LineIndex":
        return LineIndex(self.text)

    def position(self, index: int) -> tuple[int, int]:
        return self._lines.position(index)

    @cached_property
    def _occurrences(self) -> dict[tuple[int, str], tuple[list[int], list[int]]]:
        return {}

    def span_of(self, scalar: TextScalar, offset: int, length: int) -> Span:
        """The source span of `scalar.value[offset:offset + length]`.

        Block and quoted scalars do not map 1:1 onto their source (folding, escapes,
        indentation), so the matched text is looked up in the source slice, the same
        occurrence as in the value; if it is not there verbatim, the scalar's own span.
        Occurrences are found once per scalar and text, so many findings stay linear.
        """
        needle = scalar.value[offset : offset + length]
        found = self._occurrences.get((scalar.start, needle))
        if found is None:
            found = (_all(scalar.value, needle, 0, len(scalar.value)), _all(self.text, needle, scalar.start, scalar.end))
            self._occurrences[(scalar.start, needle)] = found
        in_value, in_source = found
        occurrence = bisect.bisect_left(in_value, offset)
        if occurrence < len(in_source):
            start, end = in_source[occurrence], in_source[occurrence] + len(needle)
        else:
            start, end = scalar.start, scalar.end
        return Span(*self.position(start), *self.position(end))


def _all(text: str, needle: str, start: int, end: int) -> list[int]:
    """Where `needle` starts in `text[start:end]` (overlaps included, as str.count does not)."""
    found = []
    index = text.find(needle, start, end)
    while index >= 0:
        found.append(index)
        index = text.find(needle, index + 1, end)
    return found


class LineIndex:
    """Character index to 1-based (line, column), counting line breaks as libyaml does."""

    def __init__(self, text: str) -> None:
        self._starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]

    def position(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, index)
        return line, index - self._starts[line - 1] + 1


def _span(node: Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _fatal(code: str, span: Span, message: str) -> UnreadableCase:
    return UnreadableCase([CodedProblem(code, Problem(span, message))])


class _Composer(CParser):  # type: ignore[misc]
    """libyaml's composer with the YAML 1.2 core schema's tags for untagged nodes.

    PyYAML's loaders resolve plain scalars by the YAML 1.1 rules (yes/no booleans, octal,
    dates), in Python, for every scalar; this does the YAML 1.2 rules with less work. It
    is only a composer: no constructor is ever set up, as no object is ever built.
    """

    def descend_resolver(self, current_node: Node | None, current_index: object) -> None:
        """Path-dependent resolution: not used (the composer calls it for every node)."""

    def ascend_resolver(self) -> None:
        """Path-dependent resolution: not used."""

    def resolve(self, kind: type[Node], value: str | None, implicit: tuple[bool, bool] | None) -> str:
        if kind is ScalarNode:
            if implicit is not None and implicit[0]:
                if value in _NULL_12:
                    return _NULL
                if value in _BOOL_12:
                    return _BOOL
                if value and value[0] in _INT_START and _INT_12.fullmatch(value):
                    return _INT
            return _STR
        return _SEQ if kind is SequenceNode else _MAP


def parse(text: str) -> Document:
    """Compose `text` with libyaml and build the document, or raise `UnreadableCase`."""
    try:
        composer = _Composer(text)
        try:
            root = composer.get_single_node()
        finally:
            composer.dispose()
    except yaml.MarkedYAMLError as error:
        raise _syntax_problem(error, text) from error
    except yaml.reader.ReaderError as error:
        # libyaml counts this position in bytes of the UTF-8 text, not in characters.
        index = len(text.encode("utf-8")[: error.position].decode("utf-8", errors="ignore"))
        line, column = LineIndex(text).position(index)
        char = f"U+{error.character:04X}" if isinstance(error.character, int) else repr(error.character)
        raise _fatal(
            SYNTAX_ERROR,
            Span.point(line, column),
            f"YAML に書けない制御文字（{char}）があります。削除してください",
        ) from error
    if root is None:
        raise _fatal(NOT_A_CASE, Span.point(1, 1), "ファイルが空です。付議案件シートの内容を書いてください")
    if not isinstance(root, MappingNode):
        raise _fatal(
            NOT_A_CASE,
            _span(root),
            "最上位は「キー: 値」の並び（マッピング）にしてください（例: `title: …`）",
        )
    builder = _Builder(text)
    data = builder.mapping(root, (), 1)
    if builder.fatal:
        raise UnreadableCase(builder.fatal)
    return Document(text=text, data=data, root=root, texts=tuple(builder.texts), problems=tuple(builder.duplicates))


# libyaml's messages, in the words a sheet's author understands.
_SYNTAX_MESSAGES: Final = (
    ("tab character", "字下げにタブ文字は使えません。空白で字下げしてください"),
    ("cannot start any token", "ここに書けない文字があります（字下げのタブ、または `@`・`` ` ``・`%` で始まる値は引用符で囲んでください）"),
    ("expected ',' or ']'", "`[` に対応する `]` がありません"),
    ("expected ',' or '}'", "`{` に対応する `}` がありません"),
    ("mapping values are not allowed", "ここに「キー: 値」は書けません（字下げがずれていないか、値に「: 」を含むなら引用符で囲んでいるか確認してください）"),
    ("did not find expected key", "キーがあるべき位置です（字下げがずれていないか確認してください）"),
    ("block sequence entries are not allowed", "ここに「- 」のリストは書けません（字下げを確認してください）"),
    ("expected <block end>", "字下げが揃っていません（同じ階層のキーは同じ字下げにしてください）"),
    ("found unexpected end of stream", "ファイルが途中で終わっています（引用符や括弧の閉じ忘れがないか確認してください）"),
    ("found unknown escape character", "二重引用符の中に使えない `\\` の組み合わせがあります（`\\` を書くなら単一引用符で囲んでください）"),
    ("could not find expected ':'", "「:」がありません（キーの後には「: 」が必要です）"),
    ("did not find expected node content", "値があるべき位置です"),
    ("undefined alias", "定義されていないエイリアス（`*名前`）です"),
    ("duplicate anchor", "同じ名前のアンカー（`&名前`）が二つあります"),
    ("unexpected ':'", "予期しない「:」があります（値に「:」を含むなら引用符で囲んでください）"),
)


# Slips of Japanese typing that break a `key: value` line; the parser reports them a line
# or so later and in its own terms. Patterns of an error path: compiled when needed.
_SLIPS: Final = (
    (r"^ *[A-Za-z_][A-Za-z0-9_]* *(：)", "キーの後の「：」が全角です。半角の「: 」（コロンと空白）にしてください"),
    (r"^ *(?:- )?[A-Za-z_][A-Za-z0-9_]*(:)[^ \t\r\n]", "「:」の後に空白がありません。「キー: 値」のように「: 」と書いてください"),
    (r"^ *(\u3000)", "字下げに全角の空白があります。半角の空白で字下げしてください"),
)
# How many lines before the parser's position a slip is looked for.
_SLIP_WINDOW: Final = 3


def _typing_slip(text: str, line: int) -> tuple[Span, str] | None:
    """The last slip of `_SLIPS` on the lines up to `line` (0-based) and a few before it."""
    lines = text.splitlines()[max(0, line - _SLIP_WINDOW) : line + 1]
    first = max(0, line - _SLIP_WINDOW)
    for offset in range(len(lines) - 1, -1, -1):
        for pattern, message in _SLIPS:
            found = re.search(pattern, lines[offset])
            if found:
                return Span.point(first + offset + 1, found.start(1) + 1), message
    return None


def _syntax_problem(error: yaml.MarkedYAMLError, text: str) -> UnreadableCase:
    mark = error.problem_mark or error.context_mark
    span = Span.point(mark.line + 1, mark.column + 1) if mark else Span.point(1, 1)
    problem = error.problem or ""
    if "maximum nesting depth" in problem:
        return _fatal(TOO_LARGE, span, "入れ子が深すぎます。付議案件シートに必要な深さを大きく超えています")
    if "expected a single document" in (error.context or ""):
        return _fatal(NOT_A_CASE, span, "YAML の文書が二つ以上あります。1 ファイルに 1 件（`---` で区切らない）にしてください")
    slip = _typing_slip(text, mark.line) if mark is not None else None
    if slip is not None:
        return _fatal(SYNTAX_ERROR, slip[0], f"YAML の構文エラー: {slip[1]}")
    context = error.context_mark
    # The parser stops where the text stops making sense; the construct it was reading
    # (an unclosed `[`, a quoted string) often starts earlier.
    since = (
        f"（{context.line + 1} 行 {context.column + 1} 列から読んでいる途中）"
        if context is not None and mark is not None and context.line != mark.line
        else ""
    )
    for needle, message in _SYNTAX_MESSAGES:
        if needle in problem:
            return _fatal(SYNTAX_ERROR, span, f"YAML の構文エラー: {message}{since}")
    return _fatal(SYNTAX_ERROR, span, f"YAML の構文エラーです（構文解析器の報告: {problem}）{since}")


_FOREIGN: Final = object()


def _resolve(node: ScalarNode) -> Any:
    """The value of a scalar with a tag other than str: null, bool and int (implicit, or
    explicit and well-formed) become values; floats and dates stay text as written."""
    tag, text = node.tag, node.value
    if tag == _STR or tag in _AS_TEXT:
        return text
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return _BOOL_12.get(text, text)
    if tag == _INT:
        return int(text) if _INT_12.fullmatch(text) else text
    return _FOREIGN


def _key_text(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return node.value
    # A list or mapping as a key: no key of the format, reported as an unknown key.
    return f"（{node.start_mark.line + 1} 行目のリストやマッピングのキー）"


_new_tuple: Final = tuple.__new__


class _Builder:
    """Nodes to plain data in one walk: the hot path of every lint, kept lean."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.texts: list[TextScalar] = []
        self.duplicates: list[CodedProblem] = []
        self.fatal: list[CodedProblem] = []
        self.remaining = MAX_VALUES
        self.active: set[int] = set()
        # An alias is the same node again: its value is reused and its size counted
        # without walking it again, so an alias bomb is refused after a few nodes.
        self.built: dict[int, tuple[Any, int]] = {}
        # An alias is written `*name`: without a `*` in the text, every node is reached once
        # and none of the bookkeeping above is needed (the usual case).
        self.may_alias = "*" in text
        # Set once a limit is hit: nothing more is read.
        self.stopped = False

    def value(self, node: Node, path: DataPath, depth: int, line: int) -> Any:
        """The value of `node` at `path`; `line` is its key's line (its own, in a list)."""
        self.remaining -= 1
        if node.__class__ is ScalarNode:
            if node.tag == _STR:
                value = node.value
            else:
                value = _resolve(node)
                if value is _FOREIGN:
                    self._foreign_tag(node)
                    return None
                if not isinstance(value, str):
                    return value
            start = node.start_mark.index
            if node.style in ("|", ">"):
                # The header line (`|`, `>-`, and any comment after it) is not content.
                header_end = _LINE_BREAK.search(self.text, start, node.end_mark.index)
                start = header_end.end() if header_end else node.end_mark.index
            # tuple.__new__: the NamedTuple's own __new__ is a Python call, once per string.
            self.texts.append(_new_tuple(TextScalar, (path, value, start, node.end_mark.index, line)))
            return value
        if self.remaining < 0:
            self._too_large(node, f"値の数が多すぎます（エイリアスの展開を含めて {MAX_VALUES:,} 個まで）")
            return None
        if depth > MAX_DEPTH:
            self._too_large(node, f"入れ子が深すぎます（{MAX_DEPTH} 段まで）")
            return None
        if not self.may_alias:
            if node.__class__ is MappingNode:
                return self.mapping(node, path, depth + 1)
            return self._sequence(node, path, depth + 1)
        identity = id(node)
        if identity in self.active:
            self._too_large(node, "エイリアスが自分自身を含んでいます（循環参照）")
            return None
        if identity in self.built:
            value, size = self.built[identity]
            self.remaining -= size
            if self.remaining < 0:
                self._too_large(node, f"エイリアスを展開すると値が多すぎます（{MAX_VALUES:,} 個まで）")
                return None
            return value
        before = self.remaining
        self.active.add(identity)
        if isinstance(node, MappingNode):
            value = self.mapping(node, path, depth + 1)
        else:
            value = self._sequence(node, path, depth + 1)
        self.active.discard(identity)
        self.built[identity] = (value, before - self.remaining)
        return value

    def _too_large(self, node: Node, message: str) -> None:
        self.stopped = True
        self.fatal.append(CodedProblem(TOO_LARGE, Problem(_span(node), message)))

    def mapping(self, node: MappingNode, path: DataPath, depth: int) -> dict[str, Any]:
        if node.tag != _MAP:
            self._foreign_tag(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is ScalarNode and key_node.tag in _PLAIN_SCALAR:
                key = key_node.value
            else:
                if isinstance(key_node, ScalarNode):
                    self._foreign_tag(key_node)
                key = _key_text(key_node)
            if key in result:
                self._duplicate(node, key, key_node)
                continue
            result[key] = self.value(value_node, (*path, key), depth, key_node.start_mark.line + 1)
            if self.stopped:
                break
        return result

    def _sequence(self, node: SequenceNode, path: DataPath, depth: int) -> list[Any]:
        if node.tag != _SEQ:
            self._foreign_tag(node)
        result = []
        for index, item in enumerate(node.value):
            result.append(self.value(item, (*path, index), depth, item.start_mark.line + 1))
            if self.stopped:
                break
        return result

    def _duplicate(self, mapping: MappingNode, key: str, key_node: Node) -> None:
        first = next(k for k, _ in mapping.value if _key_text(k) == key).start_mark
        self.duplicates.append(
            CodedProblem(
                DUPLICATE_KEY,
                Problem(
                    _span(key_node),
                    f"キー「{key}」が重複しています（最初は {first.line + 1} 行 {first.column + 1} 列）。"
                    "最初の方を採用して検査を続けます",
                ),
            )
        )

    def _foreign_tag(self, node: Node) -> None:
        tag = "!!" + node.tag.removeprefix(_CORE) if node.tag.startswith(_CORE) else node.tag
        self.fatal.append(
            CodedProblem(
                FOREIGN_TAG,
                Problem(
                    _span(node),
                    f"タグ「{tag}」は使えません。文字列・数・リスト・マッピングだけで書いてください",
                ),
            )
        )
