"""The error hierarchy. Every error carries a Japanese message meant for the user."""

from collections.abc import Sequence
from typing import NamedTuple

from .findings import Problem


class ShingikaiError(Exception):
    """A usage or I/O problem: the CLI prints the message and exits with status 2."""


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
