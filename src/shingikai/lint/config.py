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

from pydantic import ValidationError

from ..errors import ConfigError, os_reason
from ..model.expected import expected
from ..model.settings import DEFAULT_CONFIG, Config, LintSettings
from ..rules import RULES

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
        lines = [_describe(detail) for detail in error.errors(include_url=False)]
        raise ConfigError(f"設定ファイル {path} に誤りがあります:\n" + "\n".join(lines)) from error
    return config.model_copy(update={"lint": _with_known_codes(config.lint, path)})


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


def _describe(detail: Any) -> str:
    key = ".".join(str(part) for part in detail["loc"])
    kind = detail["type"]
    if kind == "extra_forbidden":
        return f"  {key}: 不明なキーです"
    if kind == "string_pattern_mismatch":
        return f"  {key}: 自治体名は 市・町・村・区・都・道・府・県 まで書いてください（例: 狛江市）"
    return f"  {key}: {expected(kind)}で書いてください"


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
