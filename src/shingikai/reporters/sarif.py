"""`--format sarif`: SARIF 2.1.0, for code scanning."""

from typing import IO, ClassVar, Final

from .. import __version__
from ..findings import Finding, Severity
from ..lint.pipeline import FileResult
from ..rules import RULES
from ..rules.registry import Rule
from .base import Reporter, Totals


SARIF_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"


def sarif_rule(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.code,
        "name": rule.title,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.summary},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": "error" if rule.severity is Severity.ERROR else "warning"},
    }


class SarifReporter(Reporter):
    """SARIF 2.1.0: one run, every rule with its documentation, one result per finding."""

    name: ClassVar[str] = "sarif"

    def __init__(self, stream: IO[str]) -> None:
        super().__init__(stream)
        self.findings: list[Finding] = []

    def file(self, result: FileResult) -> None:
        self.findings.extend(result.findings)

    def finish(self, totals: Totals) -> None:
        import json
        from urllib.parse import quote

        rules = RULES
        index = {rule.code: i for i, rule in enumerate(rules)}
        results = [
            {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": "error" if f.severity is Severity.ERROR else "warning",
                "message": {"text": f.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": quote(f.path.replace("\\", "/"))},
                            "region": {
                                "startLine": f.line,
                                "startColumn": f.column,
                                "endLine": f.end_line,
                                "endColumn": f.end_column,
                            },
                        }
                    }
                ],
            }
            for f in self.findings
        ]
        log = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "shingikai",
                            "version": __version__,
                            "rules": [sarif_rule(rule) for rule in rules],
                        }
                    },
                    "results": results,
                }
            ],
        }
        json.dump(log, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")
