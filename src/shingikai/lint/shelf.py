"""Reading a file (stages 1 and 2), and what one run has read for its meetings.

A meeting is checked with its cases and against the other meetings of its directory
(W503), and one case may be on several agendas: the shelf keeps what was read for a
meeting, so that each file is read, parsed and validated once per run (once per worker
in a run that uses the process pool). A run that lints only cases never puts anything
on it.
"""

import os
from typing import Final, NamedTuple

from ..errors import CodedProblem, InputError, UnreadableCase
from ..loading.document import Document, parse
from ..loading.source import decode, read_source
from ..model.validation import MeetingValidation, Validation, validate, validate_meeting
from ..model.vocabulary import MEETING_KIND, is_meeting

# The files a directory holds that are linted (case files and meeting files).
CASE_SUFFIXES: Final = (".yaml", ".yml")
# The UTF-8 of 会議: a file without it is no meeting file, whatever else it is.
_MEETING_BYTES: Final = MEETING_KIND.encode("utf-8")


class Loaded(NamedTuple):
    """A file read and parsed, or why it could not be."""

    text: str | None = None
    document: Document | None = None
    # The E1 problems that stopped reading (no document).
    problems: tuple[CodedProblem, ...] = ()
    # A usage or I/O problem: the file could not be read at all (exit 2).
    error: str | None = None


def load(path: str) -> Loaded:
    try:
        raw = read_source(path)
    except InputError as error:
        return Loaded(error=str(error))
    except UnreadableCase as unreadable:
        return Loaded(problems=unreadable.problems)
    text: str | None = None
    try:
        text = decode(raw)
        return Loaded(text, parse(text))
    except UnreadableCase as unreadable:
        return Loaded(text, problems=unreadable.problems)


class Shelf:
    """Files read for meetings in this run, by real path."""

    def __init__(self) -> None:
        self._loaded: dict[str, Loaded] = {}
        self._cases: dict[str, Validation] = {}
        self._meetings: dict[str, MeetingValidation | None] = {}

    def get(self, path: str) -> Loaded | None:
        """What was read of `path` already, if anything (no look-up while nothing was)."""
        if not self._loaded:
            return None
        return self._loaded.get(os.path.realpath(path))

    def validation(self, path: str) -> Validation | None:
        """The case validation of `path` made already, if any."""
        if not self._cases:
            return None
        return self._cases.get(os.path.realpath(path))

    def keep(self, path: str, loaded: Loaded) -> None:
        """Put a file read elsewhere on the shelf: a meeting, which its siblings read (W503)."""
        self._loaded.setdefault(os.path.realpath(path), loaded)

    def load(self, path: str) -> Loaded:
        key = os.path.realpath(path)
        loaded = self._loaded.get(key)
        if loaded is None:
            loaded = self._loaded[key] = load(path)
        return loaded

    def case(self, path: str) -> tuple[Loaded, Validation | None]:
        """The file read, and validated as a case when it parsed and is not a meeting."""
        loaded = self.load(path)
        if loaded.document is None or is_meeting(loaded.document.data):
            return loaded, None
        key = os.path.realpath(path)
        validation = self._cases.get(key)
        if validation is None:
            validation = self._cases[key] = validate(loaded.document)
        return loaded, validation

    def meeting(self, path: str) -> MeetingValidation | None:
        """The meeting file at `path` validated, or None when it is not one (a file that
        cannot hold 会議 is not parsed, so that a directory of cases costs little)."""
        key = os.path.realpath(path)
        if key in self._meetings:
            return self._meetings[key]
        validation = None
        loaded = self._loaded.get(key)
        if loaded is None and _may_be_meeting(path):
            loaded = self.load(path)
        if loaded is not None and loaded.document is not None and is_meeting(loaded.document.data):
            validation = validate_meeting(loaded.document)
        self._meetings[key] = validation
        return validation


def _may_be_meeting(path: str) -> bool:
    # A FIFO or a device among the files would block a plain read.
    if not os.path.isfile(path):
        return False
    try:
        with open(path, "rb") as stream:
            return _MEETING_BYTES in stream.read(1024 * 1024)
    except OSError:
        return False
