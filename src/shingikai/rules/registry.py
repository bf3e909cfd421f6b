"""What a rule is: a code, its documentation, and (for a check) a generator of problems.

A check is a function decorated with `@rule`, whose docstring is its documentation; a
code produced by a loading stage (E1, E2) is `declare`d with its documentation. Either
way the result is a `Rule` bound to a name in its module, and `rules/__init__.py`
collects the rules of the modules it imports: there is no registry to forget to fill.
The documentation is shown by `shingikai rules CODE`, exported to SARIF, and its two
examples are tested.
"""

import inspect
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Literal, NamedTuple

from ..findings import Problem, Severity, Span
from ..loading.document import DataPath, Document
from ..model.case import Case, is_blank
from ..model.agenda import AgendaCase, Approval, Decided
from ..model.changes import Change
from ..model.vocabulary import is_meeting
from ..model.settings import Config
from ..repository import repository_root

if TYPE_CHECKING:
    from ..model.meeting import Meeting

SECTION_TITLES = ("何を検査するか", "なぜ問題か", "違反例", "修正例")
_HEADING = re.compile(r"^## (.+)$", re.MULTILINE)


class Subject(NamedTuple):
    """What a check looks at: the parsed file, the case (or meeting) if it validated, the settings."""

    document: Document
    case: Case | None
    # Data paths whose values failed validation: in `case` they hold stand-ins, so a
    # check must not draw conclusions from them (see `valid`).
    invalid: frozenset[DataPath]
    config: Config
    file: str
    # The directory of the configuration file, if one was found.
    configured_root: Path | None
    # A meeting file: the meeting, its agenda's case files as found, and the decisions
    # of the other meetings in its directory.
    meeting: "Meeting | None" = None
    agenda: tuple[AgendaCase, ...] = ()
    decided: tuple[Decided, ...] = ()
    # A decided case file: the council's latest decision on it, with the content then, and
    # what has changed since (W504), when the history could tell.
    approval: Approval | None = None
    changes: tuple[Change, ...] = ()

    def repository_root(self) -> Path:
        """The case repository: the configuration's directory, else the git work tree,
        else the case file's directory."""
        return repository_root(os.path.dirname(os.path.abspath(self.file)), self.configured_root)

    @property
    def checked_case(self) -> Case:
        """The validated case; only checks registered with `needs="case"` read it."""
        if self.case is None:
            raise RuntimeError("a check that needs the case ran without one")
        return self.case

    @property
    def checked_meeting(self) -> "Meeting":
        """The validated meeting; only checks registered with `needs="meeting"` read it."""
        if self.meeting is None:
            raise RuntimeError("a check that needs the meeting ran without one")
        return self.meeting

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


# What a check reads: the validated case, the validated meeting, either of them, a case
# file's data however it validated, or (None) only the file's text, of either kind.
Needs = Literal["case", "meeting", "case or meeting", "case file"] | None


class Rule(NamedTuple):
    code: str
    title: str
    doc: str
    check: Check | None = None
    # A check is skipped when the file is of the other kind or did not validate far enough,
    needs: Needs = "case"
    # and when a top-level value it reads failed validation.
    reads: tuple[str, ...] = ()

    def applies_to(self, subject: Subject) -> bool:
        needs = self.needs
        if needs is None:
            return True
        if needs == "case":
            model: "Case | Meeting | None" = subject.case
        elif needs == "meeting":
            model = subject.meeting
        elif needs == "case file":
            return not is_meeting(subject.document.data)
        else:
            model = subject.case or subject.meeting
        return model is not None and (not subject.invalid or all(subject.valid(key) for key in self.reads))

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


def _documented(rule: Rule) -> Rule:
    headings = tuple(_HEADING.findall(rule.doc))
    if headings != SECTION_TITLES:
        raise ValueError(f"{rule.code}: documentation sections {headings} != {SECTION_TITLES}")
    return rule


def declare(code: str, title: str, doc: str) -> Rule:
    """The documentation of a code that a loading stage produces rather than a check."""
    return _documented(Rule(code=code, title=title, doc=inspect.cleandoc(doc), needs=None))


def rule(code: str, title: str, *, needs: Needs = "case", reads: tuple[str, ...] = ()) -> Callable[[Check], Rule]:
    """Make a check a rule; its docstring is its documentation."""

    def make(check: Check) -> Rule:
        doc = inspect.getdoc(check)
        if not doc:
            raise ValueError(f"{code}: a rule needs its documentation as docstring")
        return _documented(Rule(code=code, title=title, doc=doc, check=check, needs=needs, reads=reads))

    return make


def collect(*modules: ModuleType) -> tuple[Rule, ...]:
    """Every rule bound in `modules`, by code; a code defined twice is an error."""
    found: dict[str, Rule] = {}
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, Rule) and found.get(value.code) is not value:
                if value.code in found:
                    raise ValueError(f"code {value.code} defined twice")
                found[value.code] = value
    return tuple(sorted(found.values(), key=lambda r: r.code))


def matches(code: str, selectors: Iterable[str]) -> bool:
    """Whether a code is named by any selector: a whole code or a prefix (`W`, `E3`, `W40`)."""
    return code.startswith(tuple(selectors))
