"""`--format sarif`: SARIF 2.1.0, for code scanning.

Each location is a URI relative to the case repository of its file (`repository_root`:
the configuration's directory, else the git work tree), with the base `%SRCROOT%` that
the run's `originalUriBaseIds` gives as an absolute `file:` URI: code scanning matches
results to the repository's files by those relative paths. Files of a second case
repository in the same run get `%SRCROOT2%`, and so on. A file outside its own case
repository (`--config` of another directory) is named by its absolute URI.
"""

import os
from pathlib import Path
from typing import IO, ClassVar, Final

from .. import __version__
from ..findings import Finding, Severity
from ..lint.pipeline import FileResult
from ..repository import repository_root
from ..rules import RULES
from ..rules.registry import Rule
from .base import Reporter, Totals


SARIF_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"
SOURCE_ROOT: Final = "SRCROOT"
RULE_INDEX: Final = {rule.code: index for index, rule in enumerate(RULES)}


def sarif_rule(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.code,
        "name": rule.title,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.summary},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": "error" if rule.severity is Severity.ERROR else "warning"},
    }


def _directory_uri(directory: Path) -> str:
    """An absolute `file:` URI that ends in "/", as SARIF requires of a base."""
    uri = directory.as_uri()
    return uri if uri.endswith("/") else uri + "/"


class SarifReporter(Reporter):
    """SARIF 2.1.0: one run, every rule with its documentation, one result per finding."""

    name: ClassVar[str] = "sarif"

    def __init__(self, stream: IO[str]) -> None:
        super().__init__(stream)
        self.results: list[dict[str, object]] = []
        # Each case repository's base id, in the order they are first met.
        self.bases: dict[Path, str] = {}

    def file(self, result: FileResult) -> None:
        if result.findings:
            location = self._artifact_location(result)
            self.results.extend(self._result(finding, location) for finding in result.findings)

    def _artifact_location(self, result: FileResult) -> dict[str, str]:
        from urllib.parse import quote

        directory = os.path.dirname(os.path.abspath(result.display))
        root = repository_root(directory, result.configured_root)
        # The directory resolved as the root is, the file itself as named.
        path = Path(directory).resolve() / os.path.basename(result.display)
        if not path.is_relative_to(root):
            return {"uri": path.as_uri()}
        if root not in self.bases:
            number = len(self.bases) + 1
            self.bases[root] = f"%{SOURCE_ROOT}{number if number > 1 else ''}%"
        return {"uri": quote(path.relative_to(root).as_posix()), "uriBaseId": self.bases[root]}

    @staticmethod
    def _result(finding: Finding, location: dict[str, str]) -> dict[str, object]:
        return {
            "ruleId": finding.code,
            "ruleIndex": RULE_INDEX[finding.code],
            "level": "error" if finding.severity is Severity.ERROR else "warning",
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": location,
                        "region": {
                            "startLine": finding.line,
                            "startColumn": finding.column,
                            "endLine": finding.end_line,
                            "endColumn": finding.end_column,
                        },
                    }
                }
            ],
        }

    def finish(self, totals: Totals) -> None:
        import json

        run: dict[str, object] = {
            "tool": {
                "driver": {
                    "name": "shingikai",
                    "version": __version__,
                    "rules": [sarif_rule(rule) for rule in RULES],
                }
            },
        }
        if self.bases:
            run["originalUriBaseIds"] = {base: {"uri": _directory_uri(root)} for root, base in self.bases.items()}
        run["results"] = self.results
        log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
        json.dump(log, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")
