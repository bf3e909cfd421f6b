"""The nearest valid word to a mistyped one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

_CUTOFF = 0.5


def nearest(word: str, candidates: Iterable[str], aliases: Mapping[str, str] | None = None) -> str | None:
    """The candidate closest to `word`, or None if none is close.

    `aliases` maps other spellings (the sheet's Japanese labels) to a candidate, so a
    user who types the label as the key (`外部提供先の概要:`) is pointed at `recipient`.
    """
    from difflib import SequenceMatcher

    spellings = {c: c for c in candidates}
    spellings.update(aliases or {})
    best, best_score = None, _CUTOFF
    for spelling, candidate in spellings.items():
        shorter = min(word, spelling, key=len)
        if (word in spelling or spelling in word) and (len(shorter) >= 2 or not shorter.isascii()):
            # 電話 → 電話番号, 紙 → 紙媒体: a part of the right word is the likeliest slip
            # (but one Latin letter is part of too many words to say which).
            score = 0.9 + 0.1 * min(len(word), len(spelling)) / max(len(word), len(spelling))
        else:
            score = SequenceMatcher(None, word, spelling).ratio()
        if score > best_score:
            best, best_score = candidate, score
    return best
