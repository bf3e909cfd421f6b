"""Text made by a forked process while this one goes on: the html's 項目別 (output.py).

`apart(make, failed)` forks a process that runs `make()` and writes the strings it yields
into a temporary file, a batch at a time (`marshal`); the context gives a function that
waits for that process, then yields the strings. `make` runs in the forked process and
opens what it reads itself (`Register.reader`: SQLite's connections must not cross a
fork). Where there is no fork (Windows), `make` runs when the strings are asked for.

A failure of the forked process is raised where the strings are asked for, as a
ShingikaiError that begins with `failed`; leaving the context before asking ends it.
"""

import gc
import marshal
import os
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import BinaryIO, Final, NoReturn

from ..errors import ShingikaiError, os_reason

# How many strings the forked process writes at a time.
_BATCH: Final = 1024


@contextmanager
def apart(make: Callable[[], Iterable[str]], failed: str) -> Iterator[Callable[[], Iterator[str]]]:
    if not hasattr(os, "fork"):
        yield lambda: iter(make())
        return
    try:
        scratch = tempfile.TemporaryFile()
    except OSError as error:
        raise ShingikaiError(f"{failed}（一時ファイルを作れません: {os_reason(error)}）") from error
    # What is built is no garbage: the forked process's collector does not walk it (and
    # copy its pages).
    gc.freeze()
    pid = os.fork()
    if pid == 0:
        _made(make, scratch)
    waited = False

    def strings() -> Iterator[str]:
        nonlocal waited
        assert not waited, "the strings are read once"
        _, status = os.waitpid(pid, 0)
        waited = True
        scratch.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise ShingikaiError(f"{failed}（{_reason(scratch)}）")
        while True:
            try:
                batch = marshal.load(scratch)
            except EOFError:
                return
            yield from batch

    try:
        yield strings
    finally:
        if not waited:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        scratch.close()


def _made(make: Callable[[], Iterable[str]], scratch: BinaryIO) -> NoReturn:
    """In the forked process: `make`'s strings into `scratch` (and exit status 0), or why
    they could not be made (and 1); then out at once: nothing of the parent's is flushed,
    closed or removed here."""
    status = 1
    try:
        strings = iter(make())
        for batch in iter(lambda: list(islice(strings, _BATCH)), []):
            marshal.dump(batch, scratch)
        scratch.flush()
        status = 0
    except BaseException as error:  # noqa: BLE001 - told to the parent, which raises it
        reason = os_reason(error) if isinstance(error, OSError) else str(error) or type(error).__name__
        try:
            marshal.dump(reason, scratch)
            scratch.flush()
        except BaseException:  # noqa: BLE001 - the parent says the process ended early
            pass
    finally:
        os._exit(status)


def _reason(scratch: BinaryIO) -> str:
    """Why the forked process failed, as it wrote it after what it had made."""
    while True:
        try:
            record = marshal.load(scratch)
        except (EOFError, ValueError, TypeError):
            return "その処理が途中で終わりました"
        if isinstance(record, str):
            return record
