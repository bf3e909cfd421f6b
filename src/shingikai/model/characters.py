"""Kinds of character that the text checks tell apart."""

from typing import Final

# CJK ideographs (extension A, unified, compatibility) and the iteration mark 々. As
# code-point ranges: a regex class this wide takes milliseconds to compile.
_IDEOGRAPH_RANGES: Final = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x3005, 0x3005))


def is_ideograph(character: str) -> bool:
    code = ord(character)
    return any(low <= code <= high for low, high in _IDEOGRAPH_RANGES)
