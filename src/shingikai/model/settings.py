"""The settings of a case repository: the municipality, its ruleset and lint settings.

These are only the shapes; finding and reading the configuration file is lint/config.py.
"""

# No `from __future__ import annotations`: pydantic would then evaluate every annotation
# from its string at start-up.
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


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
    # Codes or code prefixes; lint/config.py checks them against the rules.
    select: list[str] = []
    ignore: list[str] = []
    strict: bool = False
    per_file_ignores: dict[str, list[str]] = Field({}, alias="per-file-ignores")


class Config(_Settings):
    # W404 looks for the name with one ideograph off before its kind (市 of 狛江市).
    municipality: Annotated[str, StringConstraints(pattern=r"^.+[市町村区都道府県]$")] = "狛江市"
    ordinance: str = "狛江市個人情報保護条例"
    council: str = "狛江市個人情報保護審議会"
    departments: list[str] = []
    known_names: list[str] = ["松江市", "鯖江市"]
    # The Japanese font of `render --format pdf` (a family fontconfig knows); "" chooses one
    # of those installed (render/typesetting.py).
    pdf_font: str = ""
    articles: Articles = Field(default_factory=Articles.model_construct)
    lint: LintSettings = Field(default_factory=LintSettings.model_construct)


DEFAULT_CONFIG = Config.model_construct()
