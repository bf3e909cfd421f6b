"""Stage 1: a path to text. Reads at most the size limit and decodes strict UTF-8."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path
from typing import Final

from ..errors import CodedProblem, InputError, UnreadableCase, os_reason
from ..findings import Problem, Span

# A council sheet is a few kilobytes; a megabyte is already a hundred sheets' worth.
MAX_BYTES: Final = 1024 * 1024

# The codes of this stage; their documentation is in rules/file.py.
NOT_UTF8: Final = "E103"
TOO_LARGE: Final = "E106"


def read_source(path: str | Path) -> bytes:
    """The bytes of a case file, refusing anything that is not a regular file of sane size."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise InputError(f"{path}: 読み込めません（{os_reason(error)}）") from error
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise InputError(f"{path}: 通常のファイルではありません")
        # One byte past the limit is enough to know the file is too large.
        wanted = min(status.st_size, MAX_BYTES) + 1
        chunks = []
        while wanted > 0 and (chunk := os.read(fd, wanted)):
            chunks.append(chunk)
            wanted -= len(chunk)
        raw = b"".join(chunks)
    except OSError as error:
        raise InputError(f"{path}: 読み込めません（{os_reason(error)}）") from error
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        problem = Problem(
            Span.point(1, 1),
            f"ファイルが大きすぎます（{MAX_BYTES // 1024 // 1024} MiB まで）。"
            "付議案件シート 1 件は数キロバイトです。別のファイルが紛れ込んでいないか確認してください",
        )
        raise UnreadableCase([CodedProblem(TOO_LARGE, problem)])
    return raw


def decode(raw: bytes) -> str:
    """UTF-8 text (a BOM is dropped), or E103 naming the likely encoding."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    elif not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise UnreadableCase([_not_utf8(raw, error.start)]) from error
    else:
        raise UnreadableCase([_not_utf8(raw, 0)])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableCase([_not_utf8(raw, error.start)]) from error


_LIKELY_ENCODINGS: Final = (("cp932", "CP932（Shift_JIS）", "CP932"), ("euc_jp", "EUC-JP", "EUC-JP"))


def _likely_encoding(raw: bytes) -> tuple[str, str] | None:
    """(name for people, name for iconv) of the encoding the bytes most likely are."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or raw.count(0) * 4 > len(raw):
        return "UTF-16", "UTF-16"
    for codec, shown, iconv_name in _LIKELY_ENCODINGS:
        try:
            raw.decode(codec)
        except UnicodeDecodeError:
            continue
        return shown, iconv_name
    return None


def _not_utf8(raw: bytes, offset: int) -> CodedProblem:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    likely = _likely_encoding(raw)
    if likely is None:
        message = (
            f"UTF-8 で書かれていません（{line} 行目に UTF-8 として読めないバイトがあります）。"
            "エディタで文字コードを「UTF-8」にして保存し直してください"
        )
    else:
        shown, iconv_name = likely
        message = (
            f"UTF-8 で書かれていません。{shown}で保存されているようです。"
            f"エディタで文字コードを「UTF-8」にして保存し直すか、"
            f"`iconv -f {iconv_name} -t UTF-8 元のファイル > 新しいファイル` で変換してください"
        )
    return CodedProblem(NOT_UTF8, Problem(Span.point(line, column), message))
