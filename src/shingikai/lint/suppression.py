"""Which findings the user silenced: inline comments, configuration, command line."""

import bisect
import re
from collections.abc import Iterable
from fnmatch import fnmatch
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ..findings import Finding
from ..loading.document import Document, LineIndex
from ..rules import CHECKS
from ..rules.registry import Rule, matches
from .config import LoadedConfig

# Compiled (and cached) by `re` on first use: most files hold no directive.
_DIRECTIVE = r"(?m)(?:^|(?<=\s))#\s*shingikai:\s*(ignore|ignore-file)\[([^\]\n]*)\]"


class InlineSuppressions(NamedTuple):
    """`# shingikai: ignore[CODES]` per line and `# shingikai: ignore-file[CODES]`."""

    whole_file: tuple[str, ...] = ()
    by_line: dict[int, tuple[str, ...]] | None = None

    @classmethod
    def scan(cls, text: str | None, document: Document | None) -> "InlineSuppressions":
        if not text or "shingikai:" not in text:
            return cls()
        # A `#` inside a string value is text, not a comment.
        scalars = sorted((s.start, s.end) for s in document.texts) if document else []
        starts = [start for start, _ in scalars]
        whole_file: list[str] = []
        by_line: dict[int, tuple[str, ...]] = {}
        line_of = document.position if document else LineIndex(text).position
        for match in re.finditer(_DIRECTIVE, text):
            at = bisect.bisect_right(starts, match.start()) - 1
            if at >= 0 and match.start() < scalars[at][1]:
                continue
            codes = tuple(c.strip().upper() for c in match.group(2).split(",") if c.strip())
            if match.group(1) == "ignore-file":
                whole_file.extend(codes)
            else:
                line = line_of(match.start())[0]
                by_line[line] = (*by_line.get(line, ()), *codes)
        return cls(tuple(whole_file), by_line)

    def covers(self, finding: Finding) -> bool:
        if matches(finding.code, self.whole_file):
            return True
        if not self.by_line:
            return False
        return any(
            matches(finding.code, self.by_line.get(line, ())) for line in {finding.line, finding.anchor_line}
        )


class Selection(NamedTuple):
    """The codes a run reports: `select` (empty: all) minus `ignore`, per file."""

    select: tuple[str, ...]
    ignore: tuple[str, ...]
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...]
    root: Path | None

    @classmethod
    def of(cls, loaded: LoadedConfig, select: Iterable[str] | None, ignore: Iterable[str]) -> "Selection":
        settings = loaded.config.lint
        return cls(
            select=tuple(settings.select if select is None else select),
            ignore=(*settings.ignore, *ignore),
            per_file_ignores=tuple((glob, tuple(codes)) for glob, codes in settings.per_file_ignores.items()),
            root=loaded.root,
        )

    def for_file(self, path: str) -> tuple[str, ...]:
        """The ignored selectors for one file, per-file-ignores included."""
        if not self.per_file_ignores or self.root is None:
            return self.ignore
        try:
            relative = Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return self.ignore
        extra = [code for glob, codes in self.per_file_ignores if fnmatch(relative, glob) for code in codes]
        return (*self.ignore, *extra)

    def enabled(self, code: str, ignored: tuple[str, ...]) -> bool:
        return _selected(code, self.select, ignored)

    def checks(self, ignored: tuple[str, ...]) -> tuple[Rule, ...]:
        """The registered checks this selection runs on a file with `ignored`."""
        return _enabled_checks(self.select, ignored)

    def case_checks(self, ignored: tuple[str, ...]) -> tuple[Rule, ...]:
        """Those of `checks` that apply to a case file that validated as written: all but
        the meeting's (see `Rule.applies_to`)."""
        return _case_checks(self.select, ignored)


def _selected(code: str, select: tuple[str, ...], ignored: tuple[str, ...]) -> bool:
    return (not select or matches(code, select)) and not matches(code, ignored)


@lru_cache(maxsize=64)
def _enabled_checks(select: tuple[str, ...], ignored: tuple[str, ...]) -> tuple[Rule, ...]:
    return tuple(rule for rule in CHECKS if _selected(rule.code, select, ignored))


@lru_cache(maxsize=64)
def _case_checks(select: tuple[str, ...], ignored: tuple[str, ...]) -> tuple[Rule, ...]:
    return tuple(rule for rule in _enabled_checks(select, ignored) if rule.needs != "meeting")
