"""Writing a file whole or not at all: a temporary file in the same directory, then into place."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def write_whole(target: Path, content: str | bytes, *, replace: bool) -> None:
    """Write `content` (text as UTF-8) to `target` so that no reader ever sees a part of it.

    With `replace`, an existing file is replaced (a rename); without, an existing file
    is left alone and FileExistsError raised (a hard link never overwrites). Other
    failures raise OSError; the temporary file is removed in every case.
    """
    with whole_file(target, replace=replace) as stream:
        stream.write(content.encode("utf-8") if isinstance(content, str) else content)


@contextmanager
def whole_file(target: Path, *, replace: bool) -> Iterator[BinaryIO]:
    """`write_whole` for content written a part at a time (a register of many cases): what
    the block writes to the stream becomes `target` when the block ends, and only if it
    ends without an exception."""
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if replace:
            os.replace(temporary, target)
        else:
            os.link(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
