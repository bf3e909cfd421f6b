"""Configuration: the municipality, its ruleset (article labels) and lint settings.

Searched from each linted path upwards: `shingikai.toml`, or `[tool.shingikai]` in a
`pyproject.toml`; `--config FILE` overrides. Without any, Komae's defaults apply.
"""

# No `from __future__ import annotations`: pydantic would then evaluate every annotation
# from its string at start-up.
import os
import re
from pathlib import Path
from typing import Annotated, Any, Final, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from .errors import ConfigError, os_reason

CONFIG_FILE: Final = "shingikai.toml"
PYPROJECT: Final = "pyproject.toml"


class _Settings(BaseModel):
    # Validators are built when a configuration file is first validated: most runs have
    # none and use the defaults, which are constructed (they are ours), not validated.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True, defer_build=True)


class Articles(_Settings):
    """The ruleset: the ordinance's article for each basis and notice provision."""

    本人外収集: str = "条例第8条第2項第6号"
    目的外利用: str = "条例第12条第2項第4号"
    外部提供: str = "条例第13条第2項第4号"
    記録項目: str = "条例第14条第2項"
    結合: str = "条例第15条第1項第2号"
    目的外利用の通知: str = "条例第12条第5項"
    外部提供の通知: str = "条例第13条第5項"
    # No seed sheet shows it: while empty, the 通知 無 理由 names the provision in words.
    本人外収集の通知: str = ""
    緊急の外部提供: str = "条例第13条第4項"

    def basis(self, value: str) -> str:
        """The article of a basis (`外部提供` → 条例第13条第2項第4号)."""
        return str(getattr(self, value))

    def notice(self, basis: str) -> str:
        """The notice provision of a section's basis, or "" when the ruleset has none."""
        return str(getattr(self, f"{basis}の通知", ""))


class LintSettings(_Settings):
    select: list[str] = []
    ignore: list[str] = []
    strict: bool = False
    per_file_ignores: dict[str, list[str]] = Field({}, alias="per-file-ignores")

    @field_validator("select", "ignore")
    @classmethod
    def _known_codes(cls, selectors: list[str]) -> list[str]:
        return check_selectors(selectors)

    @field_validator("per_file_ignores")
    @classmethod
    def _known_codes_per_file(cls, table: dict[str, list[str]]) -> dict[str, list[str]]:
        for selectors in table.values():
            check_selectors(selectors)
        return table


class Config(_Settings):
    # W404 looks for the name with one ideograph off before its kind (市 of 狛江市).
    municipality: Annotated[str, StringConstraints(pattern=r"^.+[市町村区都道府県]$")] = "狛江市"
    ordinance: str = "狛江市個人情報保護条例"
    council: str = "狛江市個人情報保護審議会"
    departments: list[str] = []
    known_names: list[str] = ["松江市", "鯖江市"]
    articles: Articles = Field(default_factory=Articles.model_construct)
    lint: LintSettings = Field(default_factory=LintSettings.model_construct)


def check_selectors(selectors: list[str]) -> list[str]:
    """Upper-cased selectors, each a code or a prefix of at least one code."""
    from .registry import all_rules

    codes = [r.code for r in all_rules()]
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


DEFAULT = LoadedConfig(Config.model_construct(), None)

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
    where = re.search(_TOML_POSITION, str(error))
    if where is None:
        return f"設定ファイル {path} は UTF-8 の TOML として読めません"
    line, column = int(where.group(1)), int(where.group(2))
    message = f"設定ファイル {path} の TOML の書き方が正しくありません（{line} 行 {column} 列）"
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    if 0 < line <= len(lines) and re.match(_UNQUOTED_JAPANESE_KEY, lines[line - 1]):
        key = lines[line - 1].split("=", 1)[0].strip()
        message += f"。日本語のキーは \"{key}\" = … のように引用符で囲んでください"
    return message


def _validate(table: dict[str, Any], path: Path) -> Config:
    try:
        return Config.model_validate(table)
    except ValidationError as error:
        lines = [_describe(detail) for detail in error.errors(include_url=False)]
        raise ConfigError(f"設定ファイル {path} に誤りがあります:\n" + "\n".join(lines)) from error


_EXPECTED: Final = {
    "string_type": "文字列",
    "bool_type": "真偽値（true または false）",
    "list_type": "リスト（例: [\"W403\"]）",
    "dict_type": "テーブル",
    "model_type": "テーブル",
}


def _describe(detail: Any) -> str:
    key = ".".join(str(part) for part in detail["loc"])
    kind = detail["type"]
    if kind == "extra_forbidden":
        return f"  {key}: 不明なキーです"
    if kind == "value_error":
        return f"  {key}: {detail['ctx']['error']}"
    if kind == "string_pattern_mismatch":
        return f"  {key}: 自治体名は 市・町・村・区・都・道・府・県 まで書いてください（例: 狛江市）"
    return f"  {key}: {_EXPECTED.get(kind, '正しい形式')}で書いてください"


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
