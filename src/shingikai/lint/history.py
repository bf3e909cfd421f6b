"""What the council approved, read from git: each decided case's content at its decision's commit.

The meeting files record the decisions (meeting-format.md, "Changes after a decision").
A case is held to its latest decision, by the meeting's date and number. The decision's
commit is the first commit in which the meeting file gives that agenda item a decision
other than 継続審議: going back from the working tree through the commits of the meeting
file, the oldest of those that give it one up to now (a decision recorded, taken out
and recorded again was recorded the second time). The approved content is the case file
as it was in that commit. A decision written in the working tree but in no commit yet
is being recorded now: the content committed with it is what is approved.

Which meeting files: the `kind: 会議` YAML files under a `meetings/` directory at the top
of the case repository or one directory down (`cases/meetings/`), at any depth below it.
A case file does not name its meeting, and these are where `shingikai init` and the
pre-commit hook put meetings. Looking only there keeps a run that lints cases cheap: it
reads no other file, and asks git nothing unless one of them records a decision. They
are read as data, not validated (that is their own lint).

History is read once per repository per run, in as many git commands whatever the
number of cases and meetings (loading/git.py): the work tree; then, at once, the
commits of the deciding meeting files and their versions, the blobs in HEAD, and which
files differ in the working tree; how the decided cases changed between the commits;
last, the approved contents that differ from the working tree's (only those are
compared). An agenda item is followed back through the versions of its meeting file by
its case, or, in a version without that case, by its place on the agenda: then the case
was renamed since, and is not compared.
"""

import os
import posixpath
import threading
from collections.abc import Callable, Sequence
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from ..errors import UnreadableCase
from ..findings import Note
from ..loading.document import Document, parse
from ..loading.source import decode
from ..model.agenda import Approval, Decided, agenda_label
from ..model.changes import Change, compare
from ..model.eras import era_day
from ..model.vocabulary import AGENDA_LIST_BY_KEY, AGENDA_LISTS, DECISIONS, KINDS, MEETING_KIND, PENDING, is_meeting
from ..repository import repository_root
from .config import ConfigResolver
from .shelf import CASE_SUFFIXES, Shelf, load

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
    # Its `result.decision` as written ("" when it has none).
    decision: str

    @property
    def decided(self) -> bool:
        """Whether it has a decision other than 継続審議."""
        return self.decision not in ("", PENDING)


class _Agenda:
    """The agenda items of one version of a meeting file, by their case and by their place."""

    __slots__ = ("items", "by_target", "by_place")

    def __init__(self, items: tuple[_Item, ...]) -> None:
        self.items = items
        self.by_target: dict[str, _Item] = {}
        for item in items:
            # A case listed twice is found at its first place, as on the agenda.
            self.by_target.setdefault(item.target, item)
        self.by_place = {(item.key, item.index): item for item in items}


_NO_AGENDA: Final = _Agenda(())


class _Version(NamedTuple):
    commit: "Commit"
    # The agenda of the meeting file at this commit: none where it holds no decision (or
    # the commit deleted it), None where it is not readable as YAML.
    agenda: _Agenda | None


class _Approved(NamedTuple):
    """A case's latest decision and what its history says of it."""

    decided: Decided
    status: Status
    commit: str = ""
    date: str = ""
    # The case file at the decision's commit; None where it is the working tree's.
    content: bytes | None = None
    reason: str = ""


class _Repository(NamedTuple):
    """The history of one case repository: the cases its meetings decided, by their path
    in the work tree, as git names them."""

    cases: dict[str, _Approved]
    # The top of the work tree, once git was asked.
    top: Path | None = None
    # Why the history cannot be read at all (the cases are then unknown, not undecided).
    unavailable: Looked | None = None


class History:
    """The approvals of each case repository, read once per run (per worker of a pool)."""

    def __init__(self) -> None:
        self._repositories: dict[Path, _Repository] = {}
        # By the directory as written (and the configuration's root): a directory's
        # repository is found once, not once per file.
        self._by_directory: dict[tuple[str, Path | None], _Repository] = {}

    def look(self, path: str, configured_root: Path | None, document: Document) -> Looked:
        """What the history says of the case file at `path`, whose current content is `document`."""
        repository = self._read(path, configured_root)
        if repository.unavailable is not None:
            return repository.unavailable
        approved = repository.cases.get(_in_git(path, repository.top)) if repository.top is not None else None
        if approved is None:
            return Looked(Status.UNDECIDED)
        if approved.status is not Status.APPROVED:
            return Looked(approved.status, approved.decided, reason=approved.reason)
        data = _data(approved.content, document)
        if data is None:
            return Looked(Status.UNKNOWN, approved.decided, reason=f"決定のコミット {approved.commit[:7]} のケースファイルを YAML として読めません")
        return Looked(Status.APPROVED, approved.decided, Approval(approved.decided, approved.commit, approved.date, data))

    def prepare(self, path: str, configured_root: Path | None) -> None:
        """Read the history of the repository of `path` now (before a pool's workers start)."""
        self._read(path, configured_root)

    def _read(self, path: str, configured_root: Path | None) -> _Repository:
        key = (os.path.dirname(path), configured_root)
        repository = self._by_directory.get(key)
        if repository is None:
            root = repository_root(os.path.dirname(os.path.abspath(path)), configured_root)
            repository = self._repositories.get(root)
            if repository is None:
                repository = self._repositories[root] = _read_repository(root)
            self._by_directory[key] = repository
        return repository


def _data(content: bytes | None, document: Document) -> dict[str, Any] | None:
    """The approved content as data: the current document's when it is the same file."""
    if content is None:
        return document.data
    try:
        text = decode(content)
        return document.data if text == document.text else parse(text).data
    except UnreadableCase:
        return None


def _in_git(path: str, top: Path) -> str:
    """The path of a file as git names it: relative to the top of the work tree."""
    directory, name = os.path.split(path)
    in_git = _directory_in_git(directory, top)
    return name if in_git == "." else f"{in_git}/{name}"


@lru_cache(maxsize=256)
def _directory_in_git(directory: str, top: Path) -> str:
    # Once per directory as written: a run's files are mostly in a few.
    return Path(os.path.relpath(os.path.realpath(directory or "."), top)).as_posix()


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


def _read_repository(root: Path) -> _Repository:
    if not _in_work_tree(root):
        return _Repository({}, unavailable=_wide(f"{root} は git のリポジトリの中にありません", quiet=True))
    meetings = [str(path) for path in meeting_files(root) if _records_decisions(path)]
    if not meetings:
        return _Repository({})
    from ..loading.git import GitUnavailable, Repository

    try:
        work_tree = Repository.at(root)
    except GitUnavailable as unavailable:
        return _Repository({}, unavailable=_wide(str(unavailable), quiet=True))
    try:
        return _Repository(_approvals(work_tree, meetings), work_tree.top)
    except GitUnavailable as unavailable:
        return _Repository({}, unavailable=_wide(f"git の履歴を読めません: {unavailable}", quiet=False))


def _wide(reason: str, *, quiet: bool) -> Looked:
    return Looked(Status.UNKNOWN, reason=reason, repository_wide=True, quiet=quiet)


class _Deciding(NamedTuple):
    """A case's latest decision, and the agenda of the meeting file that records it."""

    decided: Decided
    # The meeting file, as git names it, and its agenda in the working tree.
    meeting: str
    current: _Agenda
    item: _Item
    # The meeting file in the working tree, which most of its commits hold as well.
    written: bytes


def _latest(meetings: list[str], top: Path) -> dict[str, _Deciding]:
    """Each decided case, by its path in git, with its latest decision (by the meeting's day
    and number). The meeting files are read as data, not validated: what a decision needs
    (年度, 第N回, a date that is a day, a decision of the format) is checked here, and the
    rest is the meeting's own lint."""
    latest: dict[str, _Deciding] = {}
    for path in meetings:
        # Not kept on the run's shelf: the nodes of every meeting, alive to the end of the
        # run, would be gone over by each collection of the garbage collector that follows.
        loaded = load(path)
        data = loaded.document.data if loaded.document is not None else {}
        fiscal_year, number, date = data.get("fiscal_year"), data.get("number"), data.get("date")
        day = era_day(date) if isinstance(date, str) else None
        if not is_meeting(data) or not isinstance(fiscal_year, str) or type(number) is not int or day is None:
            continue
        name, written = _in_git(path, top), (loaded.text or "").encode("utf-8")
        current = _agenda(data, name)
        for item in current.items:
            if item.decision not in DECISIONS or not item.decided:
                continue
            label = agenda_label(AGENDA_LIST_BY_KEY[item.key], item.index)
            decided = Decided(top / item.target, fiscal_year, number, label, item.decision, day, path, item.key, item.index)
            earlier = latest.get(item.target)
            if earlier is None or (day, number) >= (earlier.decided.day, earlier.decided.number):
                latest[item.target] = _Deciding(decided, name, current, item, written)
    return latest


class _Asked(threading.Thread):
    """A question to git, asked at once: its process runs while this one goes on."""

    def __init__(self, question: Callable[..., Any], *arguments: Any) -> None:
        super().__init__(daemon=True)
        self._question, self._arguments = question, arguments
        self._answer: Any = None
        self._failure: Exception | None = None
        self.start()

    def run(self) -> None:
        try:
            self._answer = self._question(*self._arguments)
        except Exception as failure:  # raised again, in the asking thread, by `answer`
            self._failure = failure

    def answer(self) -> Any:
        self.join()
        if self._failure is not None:
            raise self._failure
        return self._answer


def _approvals(work_tree: "Repository", meetings: list[str]) -> dict[str, _Approved]:
    """The decided cases and their approved contents. While the meeting files are read,
    git is asked at once for the blobs in HEAD, for what differs in the working tree, and
    for the meeting files' commits and then their versions at those commits; then how the
    cases changed between those commits; last, the approved contents that differ from
    the working tree's."""
    top, head = work_tree.top, work_tree.head
    if head is None:
        # No commit yet: every decision is being recorded now.
        return {case: _Approved(deciding.decided, Status.UNCOMMITTED) for case, deciding in _latest(meetings, top).items()}
    names = sorted({_in_git(path, top) for path in meetings})
    # Asked while the meeting files are read: of the whole tree, as the cases are not known yet.
    listed = _Asked(_meeting_versions, work_tree, names)
    at_head = _Asked(work_tree.blobs, head, ())
    uncommitted = _Asked(work_tree.changed_in_work_tree, ())
    latest = _latest(meetings, top)
    commits, histories, contents = listed.answer()
    # Each commit against the one after it (the newest against HEAD): a file's blob in each
    # follows from HEAD's back through the changes. Asked of the cases' directories, not of
    # each case: git would match every path in the tree against every path asked.
    shas = [commit.sha for commit in commits]
    directories = sorted({posixpath.dirname(case) or "." for case in latest})
    between = _Asked(work_tree.changed_between, list(zip(shas, [head, *shas])), directories)
    # The working tree's versions are read already; most committed versions are one of them.
    parsed = {deciding.written: deciding.current for deciding in latest.values()}

    def version(commit: "Commit", name: str) -> _Version:
        content = contents.get(f"{commit.sha}:{name}", b"")
        if _DECISION_BYTES not in content:
            return _Version(commit, _NO_AGENDA)
        if content not in parsed:
            parsed[content] = _readable_agenda(content, name)
        return _Version(commit, parsed[content])

    versions = {name: [version(commit, name) for commit in found] for name, found in histories.items()}
    found: dict[str, _Approved] = {}
    for case, deciding in latest.items():
        commit, reason = _first_decision(deciding, versions[deciding.meeting], work_tree.shallow)
        if commit is not None:
            found[case] = _Approved(deciding.decided, Status.APPROVED, commit.sha, commit.date)
        else:
            found[case] = _Approved(deciding.decided, Status.UNKNOWN if reason else Status.UNCOMMITTED, reason=reason)
    wanted = _differing(found, shas, at_head.answer(), between.answer(), uncommitted.answer())
    approved = work_tree.contents(wanted.values())
    for case, blob in wanted.items():
        found[case] = found[case]._replace(content=approved.get(blob, b""))
    return found


def _meeting_versions(work_tree: "Repository", names: list[str]) -> tuple[list["Commit"], dict[str, list["Commit"]], dict[str, bytes]]:
    """The commits of the meeting files `names`, each file's commits, and the file's
    content at each of them: asked of git one after the other, in one thread."""
    commits = work_tree.commits(names)
    histories = {name: [commit for commit in commits if name in commit.paths] for name in names}
    return commits, histories, work_tree.contents(f"{commit.sha}:{name}" for name, found in histories.items() for commit in found)


def _differing(
    found: dict[str, _Approved],
    shas: list[str],
    at_head: dict[str, str],
    between: dict[str, dict[str, str | None]],
    uncommitted: set[str],
) -> dict[str, str]:
    """The blob at its decision's commit of each approved case that differs from the
    working tree's (changed since in a commit, or in the working tree); a case its
    decision's commit does not hold is unknown (found is updated)."""
    decided_at: dict[str, list[str]] = {}
    for case, entry in found.items():
        if entry.status is Status.APPROVED:
            decided_at.setdefault(entry.commit, []).append(case)
    blobs: dict[str, str | None] = dict(at_head)
    wanted: dict[str, str] = {}
    for sha in shas:
        blobs.update(between.get(sha, {}))
        for case in decided_at.get(sha, ()):
            blob = blobs.get(case)
            if blob is None:
                found[case] = found[case]._replace(
                    status=Status.UNKNOWN,
                    reason=f"決定のコミット {sha[:7]} にケースファイル {case} がありません"
                    "（決定の後に名前を変えたか移したか、決定のときにはコミットしていなかったようです）",
                )
            elif blob != at_head.get(case) or case in uncommitted:
                wanted[case] = blob
    return wanted


def _readable_agenda(content: bytes, meeting: str) -> _Agenda | None:
    try:
        data = parse(decode(content)).data
    except UnreadableCase:
        return None
    return _agenda(data, meeting)


def _agenda(data: dict[str, Any], meeting: str) -> _Agenda:
    """The agenda of a meeting file's data, read leniently: a version of the past need not
    validate to say which case it put to the council and whether it decided."""
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
            found.append(_Item(agenda.key, index, target, decision.strip() if isinstance(decision, str) else ""))
    return _Agenda(tuple(found))


def _first_decision(deciding: _Deciding, versions: list[_Version], shallow: bool) -> tuple["Commit | None", str]:
    """The commit that recorded the decision on the item: going back from the working tree
    through the `versions` of its meeting file (newest first), the oldest of the commits
    that give it a decision up to now. Else None, and why ("" when it is in no commit yet).

    A version that is not readable says nothing: a decision on both sides of it stands
    across it; at the old end of the run it might be where the decision was recorded."""
    item, meeting, label = deciding.item, deciding.meeting, deciding.decided.label
    target, place, newer = item.target, (item.key, item.index), deciding.current.by_target
    first: tuple[_Version, _Item] | None = None
    unreadable: _Version | None = None
    for listed in versions:
        agenda = listed.agenda
        if agenda is None:
            unreadable = unreadable or listed
            continue
        match = agenda.by_target.get(target)
        if match is None:
            # Not there by its case: the same place, holding a case the newer version does not hold.
            match = agenda.by_place.get(place)
            if match is not None and match.target in newer:
                match = None
        if match is None or not match.decided:
            break
        first, unreadable = (listed, match), None
        target, place, newer = match.target, (match.key, match.index), agenda.by_target
    else:
        # The run reaches the oldest commit listed: in a shallow clone, there may be more.
        oldest = versions[-1] if versions else None
        reached = oldest is not None and (unreadable is oldest or (first is not None and first[0] is oldest))
        if shallow and reached and oldest is not None and not oldest.commit.parents:
            return None, f"浅いクローン（shallow clone）のため、{meeting} の{label}の決定のコミットが履歴にありません。`git fetch --unshallow` で履歴を取得してください"
    if unreadable is not None:
        return None, f"{meeting} がコミット {unreadable.commit.sha[:7]} で YAML として読めないため、{label}の決定のコミットが分かりません"
    if first is None:
        return None, ""
    version, found = first
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
        looked = history.look(path, config.root, document)
        changes = compare(looked.approval.data, document.data) if looked.approval is not None else ()
        reports.append(CaseChanges(path, looked, changes, config.config.council))
    return reports, []
