"""The error hierarchy. Every error carries a Japanese message meant for the user."""

import errno
from collections.abc import Sequence
from typing import Final, NamedTuple

from .findings import Problem


_OS_REASONS: Final = {
    errno.ENOENT: "ファイルかディレクトリがありません",
    errno.EACCES: "権限がありません",
    errno.EPERM: "権限がありません",
    errno.EISDIR: "ディレクトリです",
    errno.ENOTDIR: "途中にディレクトリでないものがあります",
    errno.EEXIST: "既にあります",
    errno.ENOSPC: "ディスクに空きがありません",
    errno.EROFS: "読み取り専用です",
    errno.ELOOP: "シンボリックリンクが循環しています",
    errno.ENAMETOOLONG: "名前が長すぎます",
}


def os_reason(error: OSError) -> str:
    """Why the system refused, in Japanese (the system's own words only for rare cases)."""
    return _OS_REASONS.get(error.errno or 0) or f"システムのエラー: {error.strerror or error}"


class ShingikaiError(Exception):
    """A usage or I/O problem: the CLI prints the message and exits with status 2."""


class UsageError(ShingikaiError):
    """The options of a command ask for what cannot be done (they contradict each other, or
    a value cannot be read): the CLI says so as it says a usage error of its own, with how
    to see the command's usage, and exits with status 2."""


class ConfigError(ShingikaiError):
    """The configuration file cannot be read or does not validate."""


class InputError(ShingikaiError):
    """A path given on the command line cannot be read."""


class RenderError(ShingikaiError):
    """A sheet cannot be written."""


class Blocked(Exception):
    """Lint errors stop the command (exit status 1); the findings were shown already."""


class CodedProblem(NamedTuple):
    code: str
    problem: Problem


class UnreadableCase(Exception):
    """The file is not a YAML mapping we can check: findings (E1), not a usage problem."""

    def __init__(self, problems: Sequence[CodedProblem]) -> None:
        super().__init__(", ".join(p.code for p in problems))
        self.problems = tuple(problems)
