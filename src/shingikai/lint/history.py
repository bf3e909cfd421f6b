"""What the council approved, read from git: each decided case's content at its decision's commit.

The meeting files record the decisions (meeting-format.md, "Changes after a decision").
A case is held to its latest decision, by the meeting's date and number. The decision's
commit is the first commit in which the meeting file gives that agenda item a decision
other than 継続審議, and the approved content is the case file as it was in that commit.
A decision written in the working tree but in no commit yet is being recorded now: the
content committed with it is what is approved.

Which meeting files: the `kind: 会議` YAML files under a `meetings/` directory at the top
of the case repository or one directory down (`cases/meetings/`), at any depth below it.
A case file does not name its meeting, and these are where `shingikai init` and the
pre-commit hook put meetings. Looking only there keeps a run that lints cases cheap: it
reads no other file, and asks git nothing unless one of them records a decision.

History is read once per repository per run: one `git log` of all its deciding meeting
files, one `git cat-file --batch` for their versions, and one for the cases at their
decisions' commits (loading/git.py). An agenda item is followed back through the
versions of its meeting file by its case, or, in a version without that case, by its
place on the agenda: then the case was renamed since, and is not compared.
"""

import os
import posixpath
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from ..errors import UnreadableCase
from ..findings import Note
from ..loading.document import Document, parse
from ..loading.source import decode
from ..model.agenda import Approval, Decided
from ..model.changes import Change, compare
from ..model.vocabulary import AGENDA_LISTS, KINDS, MEETING_KIND, PENDING, is_meeting
from ..repository import repository_root
from .config import ConfigResolver
from .shelf import CASE_SUFFIXES, Shelf

if TYPE_CHECKING:
    from ..loading.git import Commit, Repository

MEETINGS_DIRECTORY: Final = "meetings"
# A meeting file without both holds no decision: it is not parsed.
_MEETING_BYTES: Final = MEETING_KIND.encode("utf-8")
_DECISION_BYTES: Final = b"decision"


class Status(StrEnum):
    # The decision's commit and the content then are known.
    APPROVED = "approved"
    # No meeting file records a decision on the case.
    UNDECIDED = "undecided"
    # A decision is written in the working tree, in no commit yet.
    UNCOMMITTED = "uncommitted"
    # The history cannot tell: `reason` says why.
    UNKNOWN = "unknown"


class Looked(NamedTuple):
    """What the history says of one case."""

    status: Status
    decided: Decided | None = None
    approval: Approval | None = None
    reason: str = ""
    # The reason holds for every case of the repository.
    repository_wide: bool = False
    # ... and is as expected there (no git, no work tree): said only on --verbose.
    quiet: bool = False

    def note(self, path: str) -> Note | None:
        """Why W504 was skipped for the case file `path`, if it was."""
        if self.status is Status.UNKNOWN:
            if self.repository_wide:
                return Note(f"W504 を省きます: {self.reason}", verbose=self.quiet)
            return Note(f"{path}: W504 を省きます: {self.reason}")
        if self.status is Status.UNCOMMITTED and self.decided is not None:
            return Note(f"{path}: {self.decided.label}の決定はまだコミットされていないため、W504 は決定をコミットした後に比べます", verbose=True)
        return None


class _Item(NamedTuple):
    """An agenda item of one version of a meeting file."""

    key: str
    index: int
    # The case file, relative to the top of the work tree.
    target: str
    # Whether it has a decision other than 継続審議.
    decided: bool


class _Version(NamedTuple):
    commit: "Commit"
    # None: the file at this commit is not readable as YAML.
    items: tuple[_Item, ...] | None
    # False: the commit deleted the file.
    exists: bool = True


class _Approved(NamedTuple):
    """A case's latest decision and what its history says of it."""

    decided: Decided
    status: Status
    commit: str = ""
    date: str = ""
    content: bytes = b""
    reason: str = ""


class _Repository(NamedTuple):
    """The history of one case repository: the cases its meetings decided, by real path."""

    cases: dict[Path, _Approved]
    # Why the history cannot be read at all (the cases are then unknown, not undecided).
    unavailable: Looked | None = None


class History:
    """The approvals of each case repository, read once per run (per worker of a pool)."""

    def __init__(self) -> None:
        self._repositories: dict[Path, _Repository] = {}

    def look(self, path: str, configured_root: Path | None, document: Document, shelf: Shelf) -> Looked:
        """What the history says of the case file at `path`, whose current content is `document`."""
        repository = self._read(path, configured_root, shelf)
        if repository.unavailable is not None:
            return repository.unavailable
        approved = repository.cases.get(Path(path).resolve())
        if approved is None:
            return Looked(Status.UNDECIDED)
        if approved.status is not Status.APPROVED:
            return Looked(approved.status, approved.decided, reason=approved.reason)
        data = _data(approved, document)
        if data is None:
            return Looked(Status.UNKNOWN, approved.decided, reason=f"決定のコミット {approved.commit[:7]} のケースファイルを YAML として読めません")
        return Looked(Status.APPROVED, approved.decided, Approval(approved.decided, approved.commit, approved.date, data))

    def prepare(self, path: str, configured_root: Path | None, shelf: Shelf) -> None:
        """Read the history of the repository of `path` now (before a pool's workers start)."""
        self._read(path, configured_root, shelf)

    def _read(self, path: str, configured_root: Path | None, shelf: Shelf) -> _Repository:
        root = repository_root(os.path.dirname(os.path.abspath(path)), configured_root)
        repository = self._repositories.get(root)
        if repository is None:
            repository = self._repositories[root] = _read_repository(root, shelf)
        return repository


def _data(approved: _Approved, document: Document) -> dict[str, Any] | None:
    """The approved content as data: the current document's when the text is the same."""
    try:
        text = decode(approved.content)
        if text == document.text:
            return document.data
        return parse(text).data
    except UnreadableCase:
        return None


def meeting_files(root: Path) -> list[Path]:
    """The YAML files under `meetings/` at the top of `root` or one directory down."""
    directories = {root / MEETINGS_DIRECTORY}
    try:
        with os.scandir(root) as entries:
            directories.update(Path(e.path) / MEETINGS_DIRECTORY for e in entries if not e.name.startswith(".") and e.is_dir())
    except OSError:
        return []
    found = []
    for directory in sorted(directories):
        for current, subdirectories, names in os.walk(directory):
            subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
            found += [Path(current, name) for name in sorted(names) if name.endswith(CASE_SUFFIXES) and not name.startswith(".")]
    return found


def _records_decisions(path: Path) -> bool:
    # A FIFO or a device among the files would block a plain read.
    if not path.is_file():
        return False
    try:
        with path.open("rb") as stream:
            raw = stream.read(1024 * 1024)
    except OSError:
        return False
    return _MEETING_BYTES in raw and _DECISION_BYTES in raw


def _in_work_tree(root: Path) -> bool:
    return any((directory / ".git").exists() for directory in (root, *root.parents))


def _read_repository(root: Path, shelf: Shelf) -> _Repository:
    if not _in_work_tree(root):
        return _Repository({}, _wide(f"{root} は git のリポジトリの中にありません", quiet=True))
    latest: dict[Path, Decided] = {}
    for path in meeting_files(root):
        if not _records_decisions(path):
            continue
        validation = shelf.meeting(str(path))
        if validation is None or validation.meeting is None:
            continue
        # Only a meeting with decisions needs the agenda's look-ups: imported then.
        from .agenda import decisions

        for decided in decisions(validation.meeting, validation.invalid, str(path), root):
            earlier = latest.get(decided.target)
            if earlier is None or (decided.day, decided.number) >= (earlier.day, earlier.number):
                latest[decided.target] = decided
    if not latest:
        return _Repository({})
    from ..loading.git import GitUnavailable, Repository

    try:
        work_tree = Repository.at(root)
    except GitUnavailable as unavailable:
        return _Repository({}, _wide(str(unavailable), quiet=True))
    try:
        return _Repository(_approvals(work_tree, latest, shelf))
    except GitUnavailable as unavailable:
        return _Repository({}, _wide(f"git の履歴を読めません: {unavailable}", quiet=False))


def _wide(reason: str, *, quiet: bool) -> Looked:
    return Looked(Status.UNKNOWN, reason=reason, repository_wide=True, quiet=quiet)


def _approvals(work_tree: "Repository", latest: dict[Path, Decided], shelf: Shelf) -> dict[Path, _Approved]:
    top = work_tree.top
    meetings = {decided.meeting: _relative(Path(decided.meeting), top) for decided in latest.values()}
    commits = work_tree.commits(sorted(filter(None, meetings.values())))
    histories = {meeting: [c for c in commits if meeting in c.paths] for meeting in filter(None, meetings.values())}
    contents = work_tree.files((commit.sha, meeting) for meeting, listed in histories.items() for commit in listed)
    parsed: dict[bytes, tuple[_Item, ...] | None] = {}

    def version(commit: "Commit", meeting: str) -> _Version:
        content = contents.get((commit.sha, meeting))
        if content is None:
            return _Version(commit, (), exists=False)
        if content not in parsed:
            parsed[content] = _readable_items(content, meeting)
        return _Version(commit, parsed[content])

    found: dict[Path, _Approved] = {}
    wanted: dict[Path, tuple[str, str]] = {}
    for case, decided in latest.items():
        meeting = meetings[decided.meeting]
        target = _relative(case, top)
        if meeting is None or target is None:
            outside = decided.meeting if meeting is None else str(case)
            found[case] = _Approved(decided, Status.UNKNOWN, reason=f"{outside} が git の作業ツリー（{top}）の外にあります")
            continue
        loaded = shelf.load(decided.meeting)
        current = _items(loaded.document.data, meeting) if loaded.document is not None else ()
        item = next((i for i in current if (i.key, i.index) == (decided.agenda_key, decided.index)), None)
        if item is None or item.target != target:
            # Through a symbolic link: the written path and the file's are not the same.
            item = _Item(decided.agenda_key, decided.index, target, True)
        versions = [version(commit, meeting) for commit in histories[meeting]]
        commit, reason = _first_decision(item, current, versions, work_tree.shallow, meeting, decided.label)
        if commit is not None:
            found[case] = _Approved(decided, Status.APPROVED, commit.sha, commit.date)
            wanted[case] = (commit.sha, target)
        else:
            found[case] = _Approved(decided, Status.UNKNOWN if reason else Status.UNCOMMITTED, reason=reason)
    approved = work_tree.files(wanted.values())
    for case, key in wanted.items():
        content = approved.get(key)
        if content is None:
            found[case] = found[case]._replace(
                status=Status.UNKNOWN,
                reason=f"決定のコミット {key[0][:7]} にケースファイル {key[1]} がありません"
                "（決定の後に名前を変えたか移したか、決定のときにはコミットしていなかったようです）",
            )
        else:
            found[case] = found[case]._replace(content=content)
    return found


def _relative(path: Path, top: Path) -> str | None:
    """`path` relative to the top of the work tree, as git names it; None outside it."""
    try:
        return path.resolve().relative_to(top).as_posix()
    except ValueError:
        return None


def _readable_items(content: bytes, meeting: str) -> tuple[_Item, ...] | None:
    try:
        data = parse(decode(content)).data
    except UnreadableCase:
        return None
    return _items(data, meeting)


def _items(data: dict[str, Any], meeting: str) -> tuple[_Item, ...]:
    """The agenda items of a meeting file's data, read leniently: a version of the past
    need not validate to say which case it put to the council and whether it decided."""
    found = []
    directory = posixpath.dirname(meeting)
    for agenda in AGENDA_LISTS:
        entries = data.get(agenda.key)
        for index, entry in enumerate(entries if isinstance(entries, list) else ()):
            case = entry.get("case") if isinstance(entry, dict) else None
            if not isinstance(case, str) or not case.strip():
                continue
            target = posixpath.normpath(posixpath.join(directory, case.strip()))
            if target == ".." or target.startswith(("../", "/")):
                continue
            result = entry.get("result")
            decision = result.get("decision") if isinstance(result, dict) else None
            decided = isinstance(decision, str) and decision.strip() not in ("", PENDING)
            found.append(_Item(agenda.key, index, target, decided))
    return tuple(found)


def _first_decision(
    item: _Item, current: tuple[_Item, ...], versions: list[_Version], shallow: bool, meeting: str, label: str
) -> tuple["Commit | None", str]:
    """The commit that first gave `item` a decision, going back from the working tree
    through `versions` (newest first); else None and why ("" when the decision is in no
    commit yet)."""
    target, place, newer = item.target, (item.key, item.index), {i.target for i in current}
    # (version, the item in it: None where the version is not readable), newest first.
    chain: list[tuple[_Version, _Item | None]] = []
    complete = True
    for listed in versions:
        if not listed.exists:
            complete = False
            break
        if listed.items is None:
            chain.append((listed, None))
            continue
        match = next((i for i in listed.items if i.target == target), None)
        if match is None:
            # Not there by its case: the same place, holding a case the newer version does not hold.
            match = next((i for i in listed.items if (i.key, i.index) == place and i.target not in newer), None)
        if match is None:
            complete = False
            break
        chain.append((listed, match))
        target, place, newer = match.target, (match.key, match.index), {i.target for i in listed.items}
    decided = [position for position, (_, found) in enumerate(chain) if found is not None and found.decided]
    first = decided[-1] if decided else -1
    unreadable = next((listed for listed, found in chain[first + 1 :] if found is None), None)
    if unreadable is not None:
        return None, f"{meeting} がコミット {unreadable.commit.sha[:7]} で YAML として読めないため、{label}の決定のコミットが分かりません"
    if not decided:
        return None, ""
    version, found = chain[first]
    assert found is not None
    if shallow and complete and first == len(chain) - 1 and not version.commit.parents:
        return None, f"浅いクローン（shallow clone）のため、{meeting} の{label}の決定のコミットが履歴にありません。`git fetch --unshallow` で履歴を取得してください"
    if found.target != item.target:
        return None, f"決定の後にケースファイルの名前が変わっています（決定のコミット {version.commit.sha[:7]} では {found.target}）"
    return version.commit, ""


class CaseChanges(NamedTuple):
    """What `shingikai changes` says of one case file."""

    path: str
    looked: Looked
    changes: tuple[Change, ...]
    # The council of the case's configuration, which names the meetings.
    council: str


def changes_since_decision(paths: Sequence[str], resolver: ConfigResolver) -> tuple[list[CaseChanges], list[str]]:
    """Each case file of `paths` against the content its latest decision approved; or,
    when any of them is not a case file that can be read, only why (one line each)."""
    shelf, history = Shelf(), History()
    read: list[tuple[str, Document]] = []
    problems: list[str] = []
    for path in paths:
        loaded = shelf.load(path)
        if loaded.error is not None:
            problems.append(loaded.error)
        elif loaded.document is None:
            code, problem = loaded.problems[0]
            problems.append(f"{path}: ケースファイルとして読めません（{code} {problem.message}）")
        elif is_meeting(loaded.document.data):
            problems.append(f"{path}: 会議ファイル（kind: {MEETING_KIND}）です。ケースファイルを指定してください")
        elif loaded.document.data.get("kind") not in KINDS:
            problems.append(f"{path}: 案件のケースファイルではありません（kind が {' でも '.join(KINDS)} でもありません）")
        else:
            read.append((path, loaded.document))
    if problems:
        return [], problems
    reports = []
    for path, document in read:
        config = resolver.for_path(path)
        looked = history.look(path, config.root, document, shelf)
        changes = compare(looked.approval.data, document.data) if looked.approval is not None else ()
        reports.append(CaseChanges(path, looked, changes, config.config.council))
    return reports, []
