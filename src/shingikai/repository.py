"""The case repository a file belongs to, and what may be reached inside it."""

import os
import stat
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=256)
def repository_root(directory: str, configured: Path | None) -> Path:
    """The case repository of files in `directory`: the configuration's directory, else
    the git work tree, else `directory` itself; resolved."""
    if configured is not None:
        return configured.resolve()
    start = Path(directory).resolve()
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return start


def attachment_target(file: str, directory: Path, root: Path) -> Path | None:
    """Where an attachment's `file`, written relative to the case file's `directory`, lies;
    None when it is absolute or leads out of the (resolved) repository `root`."""
    target = (directory / file).resolve()
    if Path(file).is_absolute() or not target.is_relative_to(root):
        return None
    return target


def file_status(path: Path) -> os.stat_result | None:
    """The status of `path`, or None when there is none to be had: it does not exist, or
    the system refuses the name (too long, a loop of links)."""
    try:
        return path.stat()
    except (OSError, ValueError):
        return None


def is_regular_file(path: Path) -> bool:
    status = file_status(path)
    return status is not None and stat.S_ISREG(status.st_mode)
