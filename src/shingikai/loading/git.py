"""Stage 1 for the past: the bytes of files at commits, read with the `git` command.

Git itself is asked, as pre-commit asks it, and its directory is never read by hand:
`git rev-parse` for the work tree, one `git log` for the commits that touched a set of
files, one `git cat-file --batch` for any number of files at commits. A run asks these
once per repository, however many files it reads.
"""

import os
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final, NamedTuple

from ..errors import os_reason

# Each git command a run asks is quick (a log of the meeting files, the files at a few
# commits); one that takes this long is stuck (a network file system, a lock).
_TIMEOUT_SECONDS: Final = 120
# Settings of the user's configuration that would change what the commands print.
_STEADY: Final = ("-c", "log.showSignature=false", "-c", "log.follow=false", "-c", "color.ui=false")
# Starts each commit's line in `git log`: a byte no file name in a case repository holds.
_RECORD: Final = b"\x1e"


class GitUnavailable(Exception):
    """History cannot be read: the message says why, in Japanese."""


class Commit(NamedTuple):
    sha: str
    parents: tuple[str, ...]
    # The committer's date, ISO 8601 with its offset (2022-01-20T10:00:00+09:00).
    date: str
    # Which of the paths asked for it changed (relative to the top of the work tree).
    paths: frozenset[str]


class Repository(NamedTuple):
    """A git work tree: where its top is, and whether it is a shallow clone."""

    top: Path
    shallow: bool

    @classmethod
    def at(cls, directory: Path) -> "Repository":
        """The work tree holding `directory`, as git sees it; GitUnavailable if there is none."""
        try:
            output = _git(["rev-parse", "--show-toplevel", "--is-shallow-repository"], directory)
        except _Refused as refused:
            raise GitUnavailable(f"git が {directory} をリポジトリとして読めません（git: {refused}）") from refused
        top, shallow = os.fsdecode(output).splitlines()[:2]
        return cls(Path(top).resolve(), shallow == "true")

    def commits(self, paths: Sequence[str]) -> list[Commit]:
        """The commits of HEAD that changed any of `paths`, newest first (parents after
        their children); none in a repository without a commit yet."""
        arguments = ["log", "--format=%x1e%H %P%x00%cI", "--name-only", "-z", "-m", "--topo-order", "--no-renames", "--"]
        try:
            output = _git(["--literal-pathspecs", *arguments, *paths], self.top)
        except _Refused as refused:
            if not self._has_commits():
                return []
            raise GitUnavailable(f"git log が失敗しました（git: {refused}）") from refused
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

    def _has_commits(self) -> bool:
        try:
            _git(["rev-parse", "--quiet", "--verify", "HEAD"], self.top)
        except _Refused:
            return False
        return True

    def files(self, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
        """The content of each (commit, path) that exists; a path that the commit does not
        hold (or holds as a directory) is left out."""
        wanted = list(dict.fromkeys(wanted))
        if not wanted:
            return {}
        request = b"".join(os.fsencode(f"{sha}:{path}") + b"\n" for sha, path in wanted)
        try:
            output = _git(["cat-file", "--batch"], self.top, request)
        except _Refused as refused:
            raise GitUnavailable(f"git cat-file が失敗しました（git: {refused}）") from refused
        found: dict[tuple[str, str], bytes] = {}
        offset = 0
        for key in wanted:
            end = output.index(b"\n", offset)
            header = output[offset:end].split()
            offset = end + 1
            if len(header) == 3 and header[2].isdigit():
                size = int(header[2])
                if header[1] == b"blob":
                    found[key] = output[offset : offset + size]
                # The content, then a line feed.
                offset += size + 1
        return found


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
