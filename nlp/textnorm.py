"""Normalization shared by the NLP stages: NFKC and traditional → simplified.

Traditional Chinese input is converted with OpenCC's t2s tables (the pure
Python ``opencc-python-reimplemented``), so 堅持發展楓橋經驗 is tagged exactly
like 坚持发展枫桥经验. The conversion costs about 5 µs per character, so it
only runs when the text contains a character that t2s would change; that test
is a set intersection with the characters that the same tables convert
(about 70 ns per character).
"""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path

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
    return to_simplified(unicodedata.normalize("NFKC", text))
