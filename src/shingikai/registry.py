"""The one list of codes: every finding's code is registered here with its documentation.

Codes of the loading stages (E1, E2 and the notice shapes) are *declared* by the module
that produces them; the ordinance and quality rules are *checks* registered with
`@rule`. Either way the docstring-like text is the rule's documentation, shown by
`shingikai rules CODE`, exported to SARIF, and its two examples are tested.
"""

from __future__ import annotations

import functools
import importlib
import os
import inspect
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple, TYPE_CHECKING

from .findings import Problem, Severity, Span
from .model import is_blank

if TYPE_CHECKING:
    from .config import Config
    from .document import Document, Path as DataPath
    from .model import Case

# Modules that declare or register codes; importing them fills the registry.
_CODE_MODULES = (
    "shingikai.source",
    "shingikai.document",
    "shingikai.validation",
    "shingikai.rules.ordinance",
    "shingikai.rules.quality",
    "shingikai.rules.text",
)

SECTION_TITLES = ("何を検査するか", "なぜ問題か", "違反例", "修正例")
_HEADING = re.compile(r"^## (.+)$", re.MULTILINE)


class Subject(NamedTuple):
    """What a check looks at: the parsed file, the case if it validated, the settings."""

    document: Document
    case: Case | None
    # Data paths whose values failed validation: in `case` they hold stand-ins, so a
    # check must not draw conclusions from them (see `valid`).
    invalid: frozenset[DataPath]
    config: Config
    file: str
    # The directory of the configuration file, if one was found.
    configured_root: Path | None

    def repository_root(self) -> Path:
        """The case repository: the configuration's directory, else the git work tree,
        else the case file's directory."""
        from .linter import repository_root

        return repository_root(os.path.dirname(os.path.abspath(self.file)), self.configured_root)

    @property
    def checked_case(self) -> Case:
        """The validated case; only checks registered with `needs_case` read it."""
        if self.case is None:
            raise RuntimeError("a check that needs the case ran without one")
        return self.case

    def present(self, key: str) -> bool:
        """Whether the file fills a top-level key (valid or not)."""
        return not is_blank(self.document.data.get(key))

    def valid(self, *path: str | int) -> bool:
        """Whether the value at `path` (and everything in it) validated as written."""
        return not self.invalid or not any(p[: len(path)] == path or path[: len(p)] == p for p in self.invalid)

    def at(self, *path: str | int) -> Span:
        """Where a finding about the value at `path` points (its key, or the list entry)."""
        return self.document.location(path).anchor


Check = Callable[[Subject], Iterable[Problem]]


class Rule(NamedTuple):
    code: str
    title: str
    doc: str
    check: Check | None = None
    # Checks that read the typed case are skipped when the file did not validate far enough,
    needs_case: bool = True
    # and when a top-level value they read failed validation.
    reads: tuple[str, ...] = ()

    def applies_to(self, subject: Subject) -> bool:
        if not self.needs_case:
            return True
        return subject.case is not None and (not subject.invalid or all(subject.valid(key) for key in self.reads))

    @property
    def severity(self) -> Severity:
        return Severity.of(self.code)

    def section(self, title: str) -> str:
        """One `## title` section of the documentation, without its heading."""
        parts = _HEADING.split(self.doc)
        sections = dict(zip(parts[1::2], parts[2::2], strict=True))
        return sections[title].strip()

    @property
    def summary(self) -> str:
        return self.section("何を検査するか").split("\n\n", 1)[0]


_REGISTRY: dict[str, Rule] = {}


def _register(rule: Rule) -> Rule:
    if rule.code in _REGISTRY:
        raise ValueError(f"code {rule.code} registered twice")
    headings = tuple(_HEADING.findall(rule.doc))
    if headings != SECTION_TITLES:
        raise ValueError(f"{rule.code}: documentation sections {headings} != {SECTION_TITLES}")
    _REGISTRY[rule.code] = rule
    return rule


def declare(code: str, title: str, doc: str) -> Rule:
    """Register a code produced by a loading stage rather than by a check."""
    return _register(Rule(code=code, title=title, doc=inspect.cleandoc(doc), needs_case=False))


def rule(code: str, title: str, *, needs_case: bool = True, reads: tuple[str, ...] = ()) -> Callable[[Check], Check]:
    """Register a check; its docstring is its documentation."""

    def register(check: Check) -> Check:
        doc = inspect.getdoc(check)
        if not doc:
            raise ValueError(f"{code}: a rule needs its documentation as docstring")
        _register(Rule(code=code, title=title, doc=doc, check=check, needs_case=needs_case, reads=reads))
        return check

    return register


def all_rules() -> list[Rule]:
    for module in _CODE_MODULES:
        importlib.import_module(module)
    return sorted(_REGISTRY.values(), key=lambda r: r.code)


@functools.cache
def checks() -> tuple[Rule, ...]:
    return tuple(r for r in all_rules() if r.check is not None)


def get(code: str) -> Rule | None:
    all_rules()
    return _REGISTRY.get(code.upper())


def matches(code: str, selectors: Iterable[str]) -> bool:
    """Whether a code is named by any selector: a whole code or a prefix (`W`, `E3`, `W40`)."""
    return any(code.startswith(selector) for selector in selectors)
