"""Every code shingikai reports, each with its documentation; the checks among them.

A rule module is listed here once, by a plain import; a test fails if a module of this
package is left out.
"""

from . import file, format, meeting, ordinance, quality, text
from .registry import Rule, collect

RULE_MODULES = (file, format, ordinance, quality, text, meeting)
RULES: tuple[Rule, ...] = collect(*RULE_MODULES)
CHECKS: tuple[Rule, ...] = tuple(rule for rule in RULES if rule.check is not None)
_BY_CODE = {rule.code: rule for rule in RULES}


def get(code: str) -> Rule | None:
    return _BY_CODE.get(code.upper())
