"""Stage 6: findings to an output format, one reporter class per `--format`, by name."""

from .base import Reporter
from .github import GithubReporter
from .json_report import JsonReporter
from .sarif import SarifReporter
from .text import TextReporter

REPORTERS: dict[str, type[Reporter]] = {
    reporter.name: reporter for reporter in (TextReporter, JsonReporter, GithubReporter, SarifReporter)
}
