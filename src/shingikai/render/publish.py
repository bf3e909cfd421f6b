"""Stage 7b: linted cases to files: which may be rendered, where the outputs go, and
writing them all or nothing.

Outputs are rendered fully in memory, then written: a file atomically (a temporary file
in the same directory, then a rename), stdout in one write.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import quote

from ..errors import Blocked, InputError, RenderError, os_reason
from ..files import write_whole
from ..findings import Severity
from ..lint.config import LoadedConfig
from ..lint.pipeline import Job, examine
from ..model.case import Case
from ..reporters.base import plain_line
from ..repository import repository_root
from .sheet import build_index, build_sheet
from .templates import Renderer

INDEX_STEM: Final = "index"


@dataclass(frozen=True, slots=True)
class Destination:
    """Where the outputs go: stdout (`path` None), one file, or a directory of files."""

    path: Path | None
    directory: bool

    @classmethod
    def choose(cls, inputs: list[Path], output: Path | None) -> Destination:
        several = len(inputs) > 1 or any(path.is_dir() for path in inputs)
        if output is None:
            if several:
                raise RenderError("複数のファイルやディレクトリを出力するには -o DIR で出力先のディレクトリを指定してください")
            return cls(None, directory=False)
        if output.is_dir():
            return cls(output, directory=True)
        if several:
            if output.exists():
                raise RenderError(f"出力先 {output} はディレクトリではありません。複数のシートの出力先にはディレクトリを指定してください")
            return cls(output, directory=True)
        return cls(output, directory=False)

    @property
    def link_base(self) -> Path:
        """The directory the outputs' relative links start from."""
        if self.path is None:
            return Path.cwd()
        return self.path if self.directory else self.path.parent

    def target(self, name: str) -> Path:
        """The file `name` inside the output directory; never anywhere else."""
        assert self.path is not None and self.directory
        target = self.path / name
        # A link already standing at the target would carry the output elsewhere.
        if target.resolve().parent != self.path.resolve():
            raise RenderError(f"出力ファイル {name} が出力先 {self.path} の外を指すため書き出しません")
        return target

    def prepare(self) -> None:
        """Create the output directory (or the output file's directory)."""
        if self.path is None:
            return
        directory = self.link_base
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise RenderError(f"出力先のディレクトリ {directory} を作れません（{os_reason(error)}）") from error


def write_atomic(target: Path, text: str) -> None:
    """Write `text` to `target` whole, replacing what was there."""
    try:
        write_whole(target, text, replace=True)
    except OSError as error:
        raise RenderError(f"{target} に書き出せません（{os_reason(error)}）") from error


def write_stdout(text: str) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


@dataclass(frozen=True, slots=True)
class Publishable:
    """A linted case that may be rendered, with the findings its banner lists (if forced)."""

    path: Path
    config: LoadedConfig
    case: Case
    findings: tuple[str, ...] = ()


def admit(jobs: Iterable[Job], *, force: bool, notify: Callable[[str], None]) -> list[Publishable]:
    """Lint each case; those without errors (with `force`, all that could be read) may
    be rendered. Every finding is shown through `notify`; nothing is rendered unless all are."""
    cases: list[Publishable] = []
    unreadable = blocked = False
    for job in jobs:
        inspection = examine(job)
        result = inspection.result
        if result.error is not None:
            notify(result.error)
            unreadable = True
            continue
        lines = tuple(plain_line(finding) for finding in result.findings)
        for line in lines:
            notify(line)
        has_errors = any(finding.severity is Severity.ERROR for finding in result.findings)
        if inspection.case is None:
            notify(f"{job.path}: ケースとして読み取れないため、シートにできません（--force でも出力できません）")
            blocked = True
        elif has_errors and not force:
            blocked = True
        else:
            cases.append(Publishable(Path(job.path), job.config, inspection.case, lines if has_errors else ()))
    if unreadable:
        raise InputError("読み込めないファイルがあるため、何も出力しませんでした")
    if blocked and force:
        # Only a case that could not be read at all blocks a forced render.
        raise Blocked("シートにできないケースがあるため、何も出力しませんでした（上のエラーを直してください）")
    if blocked:
        raise Blocked("検査エラーのあるケースがあるため、何も出力しませんでした（エラーを直すか、--force でエラーの一覧を載せて出力します）")
    return cases


def publish(renderer: Renderer, destination: Destination, cases: list[Publishable]) -> None:
    """Render every case (and, into a directory, the index) in memory, then write them."""
    names = [renderer.file_name(case.path.stem) for case in cases]
    index_name = renderer.file_name(INDEX_STEM)
    if destination.directory:
        _check_names(cases, names, index_name)
    sheets = [
        build_sheet(
            case.case,
            case.config.config,
            case_file=case.path,
            repository_root=repository_root(str(case.path.resolve().parent), case.config.root),
            output_dir=destination.link_base,
            findings=case.findings,
        )
        for case in cases
    ]
    texts = [renderer.sheet(sheet) for sheet in sheets]
    if not destination.directory:
        if destination.path is None:
            write_stdout(texts[0])
        else:
            destination.prepare()
            write_atomic(destination.path, texts[0])
        return
    index = build_index(cases[0].config.config.council, [(sheet, quote(name)) for sheet, name in zip(sheets, names)])
    outputs = [*zip(names, texts), (index_name, renderer.index(index))]
    destination.prepare()
    # Every target is checked before the first is written: all or nothing.
    targets = [destination.target(name) for name, _ in outputs]
    for target, (_, text) in zip(targets, outputs):
        write_atomic(target, text)


def _check_names(cases: list[Publishable], names: list[str], index_name: str) -> None:
    """Each case needs its own output file, distinct from the index."""
    first: dict[str, Path] = {}
    for case, name in zip(cases, names):
        if name == index_name:
            raise RenderError(f"{case.path}: 出力ファイル名 {name} は一覧（index）と重なります。ケースファイルの名前を変えてください")
        if name in first:
            raise RenderError(f"{first[name]} と {case.path} の出力ファイル名が同じ {name} になります。どちらかの名前を変えてください")
        first[name] = case.path
