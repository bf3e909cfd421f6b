"""Stage 1: a path to text. Reads at most the size limit and decodes strict UTF-8."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path
from typing import Final

from .errors import CodedProblem, InputError, UnreadableCase, os_reason
from .findings import Problem, Span
from .registry import declare

# A council sheet is a few kilobytes; a megabyte is already a hundred sheets' worth.
MAX_BYTES: Final = 1024 * 1024

NOT_UTF8 = declare(
    "E103",
    "UTF-8 ではないファイル",
    """
    ## 何を検査するか
    ファイルが UTF-8 で書かれているか（BOM 付きも可）。読めない場合は、最もありそうな文字コード
    （まず CP932 / Shift_JIS、次に UTF-16、EUC-JP）と変換の方法を示します。

    ## なぜ問題か
    Windows の古いエディタや Excel から保存したファイルは CP932（Shift_JIS）のことが多く、
    そのままでは文字化けした内容が審議会に出ていきます。文字コードを推測して読み進めるのではなく、
    UTF-8 に直してもらうことで、公開される文書がファイルの内容と必ず一致します。

    ## 違反例
    ```yaml
    # CP932（Shift_JIS）で保存されたファイル
    title: 外部提供について
    ```

    ## 修正例
    ```yaml
    # 同じ内容を UTF-8 で保存し直したファイル
    title: 外部提供について
    ```
    """,
)

TOO_LARGE = declare(
    "E106",
    "大きさ・入れ子・エイリアスの上限超過",
    f"""
    ## 何を検査するか
    ファイルの大きさ（{MAX_BYTES // 1024 // 1024} MiB まで）、入れ子の深さ、エイリアス（`*名前`）を
    展開したときの要素の数が上限を超えていないか。上限を超えたファイルはそれ以上読みません。

    ## なぜ問題か
    付議案件シートは数キロバイトです。それを大きく超えるファイルや、エイリアスを重ねて
    展開すると膨大になるファイル（いわゆる billion laughs）は、誤って置かれたファイルか攻撃です。
    読み込むだけで pre-commit や CI を止めてしまうので、すぐに拒否します。

    ## 違反例
    ```yaml
    a: &a [x, x, x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    ```

    ## 修正例
    ```yaml
    # 同じ値を何度も書く必要がある場合も、エイリアスを重ねずに書きます。
    title: 外部提供について
    ```
    """,
)


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
        raise UnreadableCase([CodedProblem(TOO_LARGE.code, problem)])
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
    return CodedProblem(NOT_UTF8.code, Problem(Span.point(line, column), message))
