"""What a render is asked for, from its paths and options as given: the format, where the
outputs go, whether the one input is a meeting; and which route writes that format.

- The format is `--format`, else the one the output file's extension names (`.html`,
  `.md`, `.pdf`; see templates.EXTENSIONS), else HTML. A `--format` the extension
  contradicts is a usage problem (`UsageError`).
- One meeting file, given alone, is several pages (its 次第 and its sheets): they need a
  directory, as several files do. Printed, it is one file, the meeting's packet.
- PDF is written by printing.py, with a typesetter had before the files are checked
  (`typesetting`), every other format by publish.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ..errors import UsageError
from ..lint.shelf import Shelf
from .publish import Admitted, Destination, publish
from .templates import EXTENSIONS, Renderer

if TYPE_CHECKING:
    from .typesetting import Typesetter

PRINTED: Final = "pdf"
DEFAULT_FORMAT: Final = "html"


@dataclass(frozen=True, slots=True)
class Target:
    """The output of a render: its format, its destination, and whether the render was
    given one meeting file (whose pages fill the directory)."""

    format: str
    destination: Destination
    single_meeting: bool

    @property
    def printed(self) -> bool:
        return self.format == PRINTED

    @contextmanager
    def typesetting(self) -> Iterator[Typesetter | None]:
        """For a PDF, its typesetter, to be had before the files are checked: its processes
        (one a core for a packet or a directory, one for a sheet) load WeasyPrint meanwhile."""
        if not self.printed:
            yield None
            return
        # Before pypdf is loaded (pdf.py, for putting a packet together): the typesetting
        # processes, forked now, load WeasyPrint while this one checks the files.
        from .typesetting import Typesetter

        if self.destination.path is None:
            processes = 0  # refused by publish_pdf: PDF is never written to stdout
        elif self.single_meeting or self.destination.directory:
            processes = os.cpu_count() or 1
        else:
            # One sheet: one process, which loads WeasyPrint while this one checks the case.
            processes = 1
        with Typesetter(processes=processes) as typesetter:
            yield typesetter

    def write(
        self, renderer: Renderer, admitted: Admitted, typesetter: Typesetter | None, *, force: bool, notify: Callable[[str], None]
    ) -> str | None:
        """Write everything admitted, all or nothing (a PDF with `typesetter`, from
        `typesetting`); a sentence saying what was written to a file or a directory (None
        when it went to stdout)."""
        if typesetter is not None:
            from .printing import publish_pdf

            written = publish_pdf(renderer, self.destination, admitted, typesetter, force=force, notify=notify)
        else:
            written = publish(renderer, self.destination, admitted, single_meeting=self.single_meeting)
        return None if self.destination.path is None else written


def choose_target(paths: Sequence[str], output: Path | None, output_format: str | None, shelf: Shelf) -> Target:
    """The target of a render of `paths` to `output` (None: stdout) in `output_format` (None:
    from the extension). `shelf` keeps the meeting file it reads for the render."""
    single_meeting = len(paths) == 1 and os.path.isfile(paths[0]) and shelf.meeting(paths[0]) is not None
    printed = output_format == PRINTED or (
        output_format is None and output is not None and not output.is_dir() and EXTENSIONS.get(output.suffix.lower()) == PRINTED
    )
    destination = Destination.choose([Path(path) for path in paths], output, pages=single_meeting and not printed)
    inferred = None
    if destination.path is not None and not destination.directory:
        inferred = EXTENSIONS.get(destination.path.suffix.lower())
    if output_format is not None and inferred is not None and output_format != inferred:
        raise UsageError(
            f"--format {output_format} と出力先 {destination.path} の拡張子（{destination.path.suffix}、{inferred}）が食い違っています。"
            "どちらかを直すか、--format を省いて拡張子に任せてください"
        )
    return Target(output_format or inferred or DEFAULT_FORMAT, destination, single_meeting)
