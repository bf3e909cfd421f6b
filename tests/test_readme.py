"""The README's shell examples run as written.

Each ```sh block runs, line by line in order (a line may need the one before it), in bash
as a user's terminal would, in a fresh copy of the repository with the installed
`shingikai` first on PATH, and with a home directory of its own: what the examples write
lands in the copy, or in that home (a shell's configuration, say), never in the checkout
or the real home. Every line must exit 0.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from checkout import copy_checkout
from conftest import REPO, SHINGIKAI, run

README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```sh\n(.*?)^```", README, re.DOTALL | re.MULTILINE)
COMMANDS = [[line for line in block.splitlines() if line.strip()] for block in BLOCKS]

# The only lines not run, each with why a test cannot run it.
NOT_RUN = {
    "make test": "このテストを含むテスト全体を実行するため（テストの中から自分自身は実行できない）",
}
# What the parent `make test` tells a make run inside it; a user's shell has none of it.
_MAKE_VARIABLES = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")


def _command(line: str) -> str:
    return line.split("#", 1)[0].strip()


def _example(commands: list[str]) -> object:
    # `make demo` makes a virtual environment and installs into it, as the slow tests do.
    slow = [pytest.mark.slow] if any(_command(line) == "make demo" for line in commands) else []
    return pytest.param(commands, id=_command(commands[0]), marks=slow)


def test_the_lines_not_run_are_lines_of_the_readme() -> None:
    assert set(NOT_RUN) <= {_command(line) for commands in COMMANDS for line in commands}


def test_every_command_of_the_help_has_an_example() -> None:
    listed = run("--help").stdout.split("\nコマンド:\n", 1)[1]
    names = re.findall(r"^  (\S+)  ", listed, re.MULTILINE)
    assert names
    examples = {line.split()[1] for commands in COMMANDS for line in commands if line.startswith("shingikai ")}
    assert [name for name in names if name not in examples] == []


@pytest.mark.parametrize("commands", [_example(commands) for commands in COMMANDS])
def test_each_shell_example_of_the_readme_runs_as_written(commands: list[str], tmp_path: Path) -> None:
    copy = copy_checkout(tmp_path / "repository")
    (tmp_path / "home").mkdir()
    environment = {key: value for key, value in os.environ.items() if key not in _MAKE_VARIABLES}
    environment.update(HOME=str(tmp_path / "home"), PATH=f"{SHINGIKAI.parent}{os.pathsep}{environment['PATH']}")
    for line in commands:
        if _command(line) in NOT_RUN:
            continue
        completed = subprocess.run(
            ["bash", "-c", line], cwd=copy, env=environment, capture_output=True, text=True, timeout=600
        )
        assert completed.returncode == 0, f"{line}\n{completed.stdout}{completed.stderr}"
