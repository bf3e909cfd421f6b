"""Configuration: the municipality, its ruleset (article labels) and lint settings.

Searched from each linted path upwards: `shingikai.toml`, or `[tool.shingikai]` in a
`pyproject.toml`; `--config FILE` overrides. Without any, Komae's defaults apply.
"""

# No `from __future__ import annotations`: pydantic would then evaluate every annotation
# from its string at start-up.
import os
import re
from pathlib import Path
from typing import Any, Final, NamedTuple

from pydantic import BaseModel, ValidationError

from ..errors import ConfigError, os_reason
from ..model.expected import expected
from ..model.settings import DEFAULT_CONFIG, Articles, Config, LintSettings
from ..model.vocabulary import BASES
from ..rules import RULES
from ..suggest import nearest

CONFIG_FILE: Final = "shingikai.toml"
PYPROJECT: Final = "pyproject.toml"


def check_selectors(selectors: list[str]) -> list[str]:
    """Upper-cased selectors, each a code or a prefix of at least one code."""
    codes = [r.code for r in RULES]
    normalized = [s.strip().upper() for s in selectors]
    unknown = [s for s in normalized if not s or not any(code.startswith(s) for code in codes)]
    if unknown:
        raise ValueError(f"不明なコード: {', '.join(unknown)}（`shingikai rules` で一覧を表示できます）")
    return normalized


class LoadedConfig(NamedTuple):
    config: Config
    # The file it came from; per-file-ignores globs and the repository root are relative to it.
    source: Path | None

    @property
    def root(self) -> Path | None:
        return self.source.parent if self.source else None


DEFAULT = LoadedConfig(DEFAULT_CONFIG, None)

# Error-path patterns stay source, compiled (and cached) by `re` when an error needs them.
_TOML_POSITION = r"\(at line (\d+), column (\d+)\)"


def load(path: Path) -> LoadedConfig:
    """Read a configuration file (`shingikai.toml`, or a pyproject's `[tool.shingikai]`)."""
    import tomllib

    try:
        with path.open("rb") as stream:
            table = tomllib.load(stream)
    except OSError as error:
        raise ConfigError(f"設定ファイル {path} を読み込めません（{os_reason(error)}）") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(_toml_problem(path, error)) from error
    if path.name == PYPROJECT:
        table = table.get("tool", {}).get("shingikai", {})
    return LoadedConfig(_validate(table, path), path.resolve())


# TOML's bare keys are ASCII only: 緊急の外部提供 = "…" must be written "緊急の外部提供" = "…".
_UNQUOTED_JAPANESE_KEY = r"^\s*[^\x00-\x7f]+\s*="


def _toml_problem(path: Path, error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return f"設定ファイル {path} は UTF-8 ではありません。UTF-8 で保存し直してください"
    # As tomllib read it: bytes decoded, line ends untranslated.
    text = path.read_bytes().decode("utf-8", errors="replace")
    where = re.search(_TOML_POSITION, str(error))
    if where is not None:
        line, column = int(where.group(1)), int(where.group(2))
    else:
        # tomllib names no position when the text ends where it still expects something
        # ("at end of document"): the end, counted as tomllib counts (lines by "\n").
        line, column = text.count("\n") + 1, len(text) - text.rfind("\n")
    message = f"設定ファイル {path} の TOML の書き方が正しくありません（{line} 行 {column} 列）"
    lines = text.splitlines()
    if where is None:
        message += "。ファイルが途中で終わっています（値の書き忘れや、引用符・括弧の閉じ忘れがないか確認してください）"
    elif 0 < line <= len(lines) and re.match(_UNQUOTED_JAPANESE_KEY, lines[line - 1]):
        key = lines[line - 1].split("=", 1)[0].strip()
        message += f"。日本語のキーは \"{key}\" = … のように引用符で囲んでください"
    return message


def _validate(table: dict[str, Any], path: Path) -> Config:
    try:
        config = Config.model_validate(table)
    except ValidationError as error:
        lines = [_describe(detail, path) for detail in error.errors(include_url=False)]
        raise ConfigError(f"設定ファイル {path} に誤りがあります:\n" + "\n".join(lines)) from error
    stale = _stale_notice_articles(table, path)
    if stale:
        raise ConfigError(f"設定ファイル {path} に誤りがあります:\n" + "\n".join(stale))
    return config.model_copy(update={"lint": _with_known_codes(config.lint, path)})


# The bases whose sections have a 通知 row, and so a notice article beside their own.
_NOTICED_BASES: Final = tuple(basis.value for basis in BASES if basis.action)


def _stale_notice_articles(table: dict[str, Any], path: Path) -> list[str]:
    """A basis article changed while its notice article is left at Komae's: the 通知 無
    rationale would cite Komae's article under another city's ordinance."""
    articles = table.get("articles")
    if not isinstance(articles, dict):
        return []
    defaults = Articles.model_construct()
    problems = []
    for basis in _NOTICED_BASES:
        notice = f"{basis}の通知"
        kept = defaults.notice(basis)
        if basis not in articles or articles[basis] == defaults.basis(basis) or notice in articles or not kept:
            continue
        line = _key_line(path, ("articles", basis))
        where = f"（{line} 行目）" if line else ""
        problems.append(
            f"  articles.{basis}{where}: 「{articles[basis]}」に変えていますが、articles.{notice} は既定の「{kept}」のままです。"
            f"{notice}の規定も書いてください（既定のままでよければ \"{notice}\" = \"{kept}\" と書きます）"
        )
    return problems


def _with_known_codes(settings: LintSettings, path: Path) -> LintSettings:
    """The lint settings with their selectors upper-cased, each naming a known code."""
    problems: list[str] = []

    def checked(key: str, selectors: list[str]) -> list[str]:
        try:
            return check_selectors(selectors)
        except ValueError as error:
            problems.append(f"  {key}: {error}")
            return selectors

    update = {
        "select": checked("lint.select", settings.select),
        "ignore": checked("lint.ignore", settings.ignore),
        "per_file_ignores": {
            glob: checked(f"lint.per-file-ignores.{glob}", codes) for glob, codes in settings.per_file_ignores.items()
        },
    }
    if problems:
        raise ConfigError(f"設定ファイル {path} に誤りがあります:\n" + "\n".join(problems))
    return settings.model_copy(update=update)


def _describe(detail: Any, path: Path) -> str:
    loc = tuple(str(part) for part in detail["loc"])
    key = ".".join(loc)
    kind = detail["type"]
    if kind == "extra_forbidden":
        line = _key_line(path, loc)
        where = f"（{line} 行目）" if line else ""
        known = _keys_of(loc[:-1])
        suggestion = nearest(loc[-1], known)
        hint = f"「{suggestion}」の誤りではありませんか" if suggestion else "書けるキー: " + "、".join(known)
        return f"  {key}: 不明なキーです{where}。{hint}"
    if kind == "string_pattern_mismatch":
        return f"  {key}: 自治体名は 市・町・村・区・都・道・府・県 まで書いてください（例: 狛江市）"
    return f"  {key}: {expected(kind)}で書いてください"


def _keys_of(table: tuple[str, ...]) -> list[str]:
    """The keys the configuration's table at `table` takes, as written in TOML."""
    model: type[BaseModel] | None = Config
    for part in table:
        field = next((f for name, f in model.model_fields.items() if part in (name, f.alias)), None) if model else None
        annotation = field.annotation if field else None
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    if model is None:
        return []
    return [field.alias or name for name, field in model.model_fields.items()]


# Error-path patterns: a table header, a `key =` line, and one part of a dotted key.
_TABLE_HEADER = r"^\s*\[\[?\s*(.+?)\s*\]\]?\s*(?:#.*)?$"
_KEY_START = r"^\s*((?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+))*)\s*="
_KEY_PART = r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+)"


def _key_line(path: Path, loc: tuple[str, ...]) -> int | None:
    """The line of the TOML file where the key at `loc` is written (in a pyproject, below
    [tool.shingikai]); None when it cannot be told (inside an inline table, say)."""
    prefix = ("tool", "shingikai") if path.name == PYPROJECT else ()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    table: tuple[str, ...] = ()
    for number, line in enumerate(lines, 1):
        header = re.match(_TABLE_HEADER, line)
        if header is not None:
            table = _key_parts(header.group(1))
            continue
        key = re.match(_KEY_START, line)
        if key is not None and table[: len(prefix)] == prefix and (*table[len(prefix) :], *_key_parts(key.group(1))) == loc:
            return number
    return None


def _key_parts(dotted: str) -> tuple[str, ...]:
    return tuple(next((group for group in part if group), "") for part in re.findall(_KEY_PART, dotted))


def _declares_config(directory: Path) -> Path | None:
    candidate = directory / CONFIG_FILE
    if candidate.is_file():
        return candidate
    pyproject = directory / PYPROJECT
    if pyproject.is_file():
        import tomllib

        try:
            with pyproject.open("rb") as stream:
                if "shingikai" in tomllib.load(stream).get("tool", {}):
                    return pyproject
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            # A broken pyproject that may not be ours: reading it as ours reports the error.
            if "[tool.shingikai]" in pyproject.read_text(errors="replace"):
                return pyproject
    return None


class ConfigResolver:
    """The configuration of each linted path: `--config`, or the nearest one upwards."""

    def __init__(self, override: Path | None) -> None:
        self._override = load(override) if override else None
        self._by_directory: dict[Path, LoadedConfig] = {}
        # By the directory as given, so that a directory is resolved only once.
        self._by_given: dict[str, LoadedConfig] = {}

    def for_path(self, path: str | Path) -> LoadedConfig:
        if self._override is not None:
            return self._override
        # Keyed by the directory as written: made absolute (which asks for the working
        # directory) only once per directory, not once per file.
        given = os.path.dirname(path)
        found = self._by_given.get(given)
        if found is None:
            found = self._by_given[given] = self._search(Path(os.path.abspath(given)).resolve())
        return found

    def loaded(self) -> list[LoadedConfig]:
        """Every configuration found so far."""
        found = [self._override] if self._override else list(self._by_given.values())
        return list({id(c): c for c in found}.values())

    def strict(self) -> bool:
        """Whether a configuration found so far sets `[lint] strict`: warnings fail the run."""
        return any(loaded.config.lint.strict for loaded in self.loaded())

    def _search(self, start: Path) -> LoadedConfig:
        visited: list[Path] = []
        found = DEFAULT
        for directory in (start, *start.parents):
            if directory in self._by_directory:
                found = self._by_directory[directory]
                break
            visited.append(directory)
            config_file = _declares_config(directory)
            if config_file is not None:
                found = load(config_file)
                break
        for directory in visited:
            self._by_directory[directory] = found
        return found
