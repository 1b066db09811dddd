"""Normalization shared by the NLP stages: NFKC and traditional → simplified.

Traditional Chinese input is converted with OpenCC's t2s tables (the pure
Python ``opencc-python-reimplemented``), so 堅持發展楓橋經驗 is tagged exactly
like 坚持发展枫桥经验. The conversion costs about 5 µs per character, so it
only runs when the text contains a character that t2s would change; that test
is a set intersection with the characters that the same tables convert
(about 70 ns per character).

:func:`normalize_many` (and :func:`normalize` of a long text) does both with numpy where it can: NFKC of
a text whose characters are all in :func:`_fast_table` (ASCII, CJK ideographs, CJK and general
punctuation, full-width forms: each maps to one character that composes with nothing) is the text
mapped character by character, and the test for traditional characters is a lookup per code point.
Any other text goes through ``unicodedata``; tests/test_textnorm.py compares both on hostile text.
"""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path
from typing import Any

_lock = threading.Lock()
_converter = None
_trad_chars: frozenset = frozenset()


def _load():
    global _converter, _trad_chars
    if _converter is not None:
        return
    with _lock:
        if _converter is not None:
            return
        from opencc import OpenCC

        import opencc as _pkg

        chars = set()
        table = Path(_pkg.__file__).parent / "dictionary" / "TSCharacters.txt"
        for line in table.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 2 and len(parts[0]) == 1:
                targets = parts[1].split()
                if targets and targets[0] != parts[0]:
                    chars.add(parts[0])
        _trad_chars = frozenset(chars)
        _converter = OpenCC("t2s")


def has_traditional(text: str) -> bool:
    _load()
    return not _trad_chars.isdisjoint(text)


def to_simplified(text: str) -> str:
    """``text`` in simplified characters (unchanged when it has no traditional ones)."""
    if not text:
        return text
    if not has_traditional(text):
        return text
    assert _converter is not None
    return _converter.convert(text)


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII) and traditional → simplified.

    NFKC keeps Chinese punctuation such as ，。 but folds （） to (), so
    patterns that look for brackets should accept both forms.
    """
    if len(text) >= FAST_MIN_CHARS:
        return normalize_many([text])[0]
    return to_simplified(unicodedata.normalize("NFKC", text))


#: texts at least this long are normalized with numpy by :func:`normalize` (its fixed cost is a few µs)
FAST_MIN_CHARS = 200
#: the blocks of the fast table: ASCII and Latin-1, general punctuation to enclosed numbers, CJK punctuation and
#: ideographs, full-width forms
_FAST_BLOCKS: tuple[tuple[int, int], ...] = ((0x0A, 0x0A), (0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x24FF))
_FAST_BLOCKS += ((0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF))
_fast: Any = None  # (code -> its NFKC code or -1, code -> traditional?) as numpy arrays, built on first use


def _fast_table() -> tuple[Any, Any]:
    """(``nfkc``: int64 array over the BMP, a character's NFKC when that is one character and neither it
    nor its NFKC combines (canonical combining class 0, never the second of a composition: tested), else -1;
    ``trad``: bool array over all code points, whether :func:`to_simplified` would look at the character)."""
    global _fast
    if _fast is None:
        import numpy as np

        _load()
        nfkc = np.full(0x10000, -1, dtype=np.int64)
        for lo, hi in _FAST_BLOCKS:
            for code in range(lo, hi + 1):
                ch = chr(code)
                to = unicodedata.normalize("NFKC", ch)
                if len(to) == 1 and not unicodedata.combining(ch) and not unicodedata.combining(to):
                    nfkc[code] = ord(to)
        trad = np.zeros(0x110000, dtype=np.bool_)
        trad[[ord(ch) for ch in _trad_chars]] = True
        _fast = (nfkc, trad)
    return _fast


def normalize_many(texts: list[str]) -> list[str]:
    """``[normalize(t) for t in texts]``, with one numpy pass over the texts joined by line breaks."""
    import numpy as np

    joined = "\n".join(texts)
    if len(texts) != 1 and joined.count("\n") != len(texts) - 1:  # a line break in a text: no split gives it
        return [to_simplified(unicodedata.normalize("NFKC", t)) for t in texts]
    nfkc, trad = _fast_table()
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    mapped = nfkc[np.minimum(codes, 0xFFFF)]
    slow = (mapped < 0) | (codes > 0xFFFF)
    mapped = np.where(slow, codes, mapped) if slow.any() else mapped
    whole = mapped.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    out = [whole] if len(texts) == 1 else whole.split("\n")
    # unicodedata normalizes the texts holding a character outside the table; to_simplified converts
    # those and the ones holding a traditional character
    again = np.flatnonzero(slow | trad[mapped])
    if again.size:
        starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
        slow_texts = set((np.searchsorted(starts, np.flatnonzero(slow), side="right") - 1).tolist())
        for i in set((np.searchsorted(starts, again, side="right") - 1).tolist()):
            out[i] = to_simplified(unicodedata.normalize("NFKC", texts[i]) if i in slow_texts else out[i])
    return out
