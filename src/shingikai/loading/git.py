"""Stage 1 for the past: the bytes of files at commits, read with the `git` command.

Git itself is asked, as pre-commit asks it, and its directory is never read by hand.
Each question is one command however many files it is about: `git rev-parse` for the
work tree and HEAD, `git log` for the commits that touched a set of files, `git ls-tree`
for their blobs in one commit, `git diff-tree --stdin` for which of them changed between
the commits of any number of pairs, `git diff-index` for which differ in the working
tree, and `git cat-file --batch` for the content of any number of files at commits.
"""

import os
import subprocess
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeVar

from ..errors import os_reason

# Each git command a run asks is quick (a log of the meeting files, the files at a few
# commits); one that takes this long is stuck (a network file system, a lock).
_TIMEOUT_SECONDS: Final = 120
# Settings of the user's configuration that would change what the commands print.
_STEADY: Final = ("-c", "log.showSignature=false", "-c", "log.follow=false", "-c", "color.ui=false")
# Starts each commit's line in `git log`: a byte no file name in a case repository holds.
_RECORD: Final = b"\x1e"
T = TypeVar("T")


class GitUnavailable(Exception):
    """History cannot be read: the message says why, in Japanese."""


def _reading(command: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """What git prints is read as this module expects it; anything else it printed (another
    version's format, a stray line) is GitUnavailable, not a traceback."""

    def wrap(method: Callable[..., T]) -> Callable[..., T]:
        @wraps(method)
        def read(*args: Any, **kwargs: Any) -> T:
            try:
                return method(*args, **kwargs)
            except (ValueError, IndexError, StopIteration) as error:
                raise GitUnavailable(f"{command} の出力を読めません（{error}）") from error

        return read

    return wrap


class Commit(NamedTuple):
    sha: str
    parents: tuple[str, ...]
    # The committer's date, ISO 8601 with its offset (2022-01-20T10:00:00+09:00).
    date: str
    # Which of the paths asked for it changed (relative to the top of the work tree).
    paths: frozenset[str]


class Repository(NamedTuple):
    """A git work tree: where its top is, whether it is a shallow clone, and its HEAD."""

    top: Path
    shallow: bool
    # None in a repository without a commit yet.
    head: str | None

    @classmethod
    @_reading("git rev-parse")
    def at(cls, directory: Path) -> "Repository":
        """The work tree holding `directory`, as git sees it; GitUnavailable if there is none."""
        asked = ["rev-parse", "--show-toplevel", "--is-shallow-repository"]
        try:
            try:
                output = _git([*asked, "HEAD"], directory)
            except _Refused:
                # No commit yet, or no repository: which of the two, git says next.
                output = _git(asked, directory)
        except _Refused as refused:
            raise GitUnavailable(f"git が {directory} をリポジトリとして読めません（git: {refused}）") from refused
        top, shallow, *head = os.fsdecode(output).splitlines()
        return cls(Path(top).resolve(), shallow == "true", head[0] if head else None)

    @_reading("git log")
    def commits(self, paths: Sequence[str]) -> list[Commit]:
        """The commits of HEAD that changed any of `paths`, newest first (parents after
        their children)."""
        arguments = ["log", "--format=%x1e%H %P%x00%cI", "--name-only", "-z", "-m", "--topo-order", "--no-renames", "--"]
        output = self._ask("git log", ["--literal-pathspecs", *arguments, *paths])
        asked = set(paths)
        found: dict[str, Commit] = {}
        for record in output.split(_RECORD)[1:]:
            header, _, rest = record.partition(b"\n")
            shas, _, date = os.fsdecode(header).partition("\x00")
            sha, *parents = shas.split()
            names = {os.fsdecode(name.strip(b"\n")) for name in rest.split(b"\x00")} & asked
            if sha in found:
                # A merge is listed once per parent (`-m`): the paths of each together.
                names |= found[sha].paths
            found[sha] = Commit(sha, tuple(parents), date.strip("\x00\n"), frozenset(names))
        return list(found.values())

    @_reading("git ls-tree")
    def blobs(self, commit: str, paths: Sequence[str]) -> dict[str, str]:
        """The blob of each file in `commit` under `paths` (files or directories; none: all), by its path."""
        output = self._ask("git ls-tree", ["--literal-pathspecs", "ls-tree", "-r", "-z", commit, "--", *paths])
        found = {}
        for entry in filter(None, output.split(b"\x00")):
            info, _, path = entry.partition(b"\t")
            _mode, kind, blob = info.split()
            if kind == b"blob":
                found[os.fsdecode(path)] = blob.decode("ascii")
        return found

    @_reading("git diff-tree")
    def changed_between(self, pairs: Iterable[tuple[str, str]], paths: Sequence[str]) -> dict[str, dict[str, str | None]]:
        """For each (earlier, later) pair of commits, which files under `paths` (files or
        directories) differ between the two, each with its blob in the earlier commit (None
        where that had none); by the earlier commit, which is one pair's only."""
        # A line of commits is the first one against the others as its parents: each line
        # is the earlier commit against the later, so the "new" side of an entry is the earlier.
        request = b"".join(f"{earlier} {later}\n".encode("ascii") for earlier, later in pairs)
        if not request:
            return {}
        arguments = ["--literal-pathspecs", "diff-tree", "--stdin", "-r", "-z", "--raw", "--no-renames", "--", *paths]
        found: dict[str, dict[str, str | None]] = {}
        section: dict[str, str | None] = {}
        # For each line whose commits differ: the first commit, then a raw entry and its path per file.
        tokens = iter(self._ask("git diff-tree", arguments, request).split(b"\x00"))
        for token in tokens:
            if token.startswith(b":"):
                _later_mode, _earlier_mode, _later, earlier, _status = token[1:].split(b" ")
                section[os.fsdecode(next(tokens))] = None if earlier.strip(b"0") == b"" else earlier.decode("ascii")
            elif token.strip(b"\n"):
                section = found.setdefault(token.strip(b"\n").decode("ascii"), {})
        return found

    @_reading("git diff-index")
    def changed_in_work_tree(self, paths: Sequence[str]) -> set[str]:
        """Which files under `paths` (files or directories; none: all) differ between HEAD and
        the working tree (staged or not), as git's index tells it."""
        arguments = ["--literal-pathspecs", "diff-index", "-z", "--raw", "--no-renames", "HEAD", "--", *paths]
        tokens = iter(self._ask("git diff-index", arguments).split(b"\x00"))
        return {os.fsdecode(next(tokens)) for token in tokens if token.startswith(b":")}

    @_reading("git cat-file")
    def contents(self, names: Iterable[str]) -> dict[str, bytes]:
        """The content of each blob named (`<commit>:<path>`, or a blob's id) that there is;
        a name of nothing, or of a directory, is left out."""
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return {}
        output = self._ask("git cat-file", ["cat-file", "--batch"], b"".join(os.fsencode(name) + b"\n" for name in wanted))
        found: dict[str, bytes] = {}
        offset = 0
        for name in wanted:
            end = output.index(b"\n", offset)
            header = output[offset:end].split()
            offset = end + 1
            if len(header) == 3 and header[2].isdigit():
                size = int(header[2])
                if header[1] == b"blob":
                    found[name] = output[offset : offset + size]
                # The content, then a line feed.
                offset += size + 1
        return found

    def _ask(self, command: str, arguments: list[str], request: bytes | None = None) -> bytes:
        try:
            return _git(arguments, self.top, request)
        except _Refused as refused:
            raise GitUnavailable(f"{command} が失敗しました（git: {refused}）") from refused


class _Refused(Exception):
    """Git ran and said no: its first line of complaint is the message."""


def _git(arguments: list[str], directory: Path, request: bytes | None = None) -> bytes:
    try:
        completed = subprocess.run(
            ["git", *_STEADY, "-C", str(directory), *arguments],
            input=request,
            capture_output=True,
            timeout=_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError as error:
        raise GitUnavailable("git がインストールされていません（PATH に git がありません）") from error
    except subprocess.TimeoutExpired as error:
        raise GitUnavailable(f"git が {_TIMEOUT_SECONDS} 秒たっても終わりません") from error
    except OSError as error:
        raise GitUnavailable(f"git を実行できません（{os_reason(error)}）") from error
    if completed.returncode != 0:
        lines = completed.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise _Refused(lines[0] if lines else f"終了コード {completed.returncode}")
    return completed.stdout
