"""A copy of the project's working tree as a clone would hold it, plus what is not yet committed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import REPO


def copy_checkout(destination: Path) -> Path:
    """Copy the files git sees (tracked or untracked, not ignored) into `destination`.

    Not `.venv`, `build/` and the like: what is installed or built from the copy comes
    from the sources alone, and commands run in it write nothing into the checkout.
    """
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, os.fsdecode(listed).split("\0")):
        source = REPO / name
        # A tracked file deleted from the working tree is not part of it.
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    # A clone is a git work tree: what shingikai takes for the case repository when no
    # configuration file says otherwise (cases/meetings/ refers to the cases beside it).
    subprocess.run(["git", "init", "--quiet", str(destination)], check=True)
    return destination
