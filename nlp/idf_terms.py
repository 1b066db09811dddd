"""Each stored text's IDF term set, kept from ingest so that learning the IDF does not segment it again.

Analysis at ingest has the document's keyword tokens at hand, and they are the
words :func:`nlp.keywords.idf_terms` gives for the stored text (the words of its
keyword text, :func:`nlp.keywords.document_body`), so their set costs nothing more. The ingest
writes that set here and ``refresh_idf`` (service/cli.py) counts the sets
instead of re-tokenizing the corpus.

The sets live in ``idf_terms.sqlite`` in the data folder, keyed by a hash of
the text and of what the words depend on (:func:`stamp`: the stop-list, the
user dictionary, the governance terms and :data:`FORMAT`), so a set is used
only for the very text and word lists it was computed from. A text without a
set (an older store, a custom analyzer, changed word lists) is tokenized as
before: the IDF table is the same either way.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zlib
from collections.abc import Iterable
from pathlib import Path

#: bump when keyword tokenization changes in a way that changes which words a text yields
FORMAT = "govtext-idf-terms-2"  # 2: the words of the keyword text (nlp.keywords.document_body)
FILENAME = "idf_terms.sqlite"

_stamp: tuple[tuple, str] | None = None


def stamp() -> str:
    """A digest of everything a text's IDF terms depend on besides the text."""
    global _stamp
    from govtext.settings import load_settings
    from nlp.keywords import MAX_KEYWORD_CHARS, get_word_lists

    lists = get_word_lists()
    userdict = Path(load_settings().config_dir) / "userdict.txt"
    try:
        user_bytes = userdict.read_bytes()
    except OSError:
        user_bytes = b""
    key = (id(lists), user_bytes)
    if _stamp is not None and _stamp[0] == key:
        return _stamp[1]
    h = hashlib.sha256(FORMAT.encode())
    h.update(str(MAX_KEYWORD_CHARS).encode())
    for part in (sorted(lists.stop), sorted(lists.terms)):
        h.update(b"\x00" + "\n".join(part).encode())
    h.update(b"\x00" + user_bytes)
    digest = h.hexdigest()
    _stamp = (key, digest)
    return digest


def text_key(text: str, words_stamp: str) -> str:
    return hashlib.sha256((words_stamp + "\x00" + text).encode("utf-8", "surrogatepass")).hexdigest()


class IdfTermStore:
    """``idf_terms.sqlite``: text key → the text's IDF term set."""

    def __init__(self, data_dir: Path | str):
        path = Path(data_dir) / FILENAME
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS terms (key TEXT PRIMARY KEY, terms BLOB NOT NULL)")
        self.stamp = stamp()

    def put(self, items: Iterable[tuple[str, Iterable[str]]]) -> None:
        """Store (text, its IDF term set) pairs."""
        rows = [
            (text_key(text, self.stamp), zlib.compress("\n".join(sorted(terms)).encode("utf-8", "surrogatepass")))
            for text, terms in items
        ]
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO terms (key, terms) VALUES (?, ?)", rows)

    def get(self, text: str) -> list[str] | None:
        """The stored term set of ``text``, or None."""
        return self.get_key(text_key(text, self.stamp))

    def get_key(self, key: str) -> list[str] | None:
        row = self.db.execute("SELECT terms FROM terms WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        data = zlib.decompress(row[0]).decode("utf-8", "surrogatepass")
        return data.split("\n") if data else []

    def keep_only(self, keys: set[str]) -> int:
        """Drop every set whose key is not in ``keys`` (texts replaced or removed, sets of
        older word lists); returns how many were dropped."""
        with self.db:
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS live (key TEXT PRIMARY KEY)")
            self.db.execute("DELETE FROM live")
            self.db.executemany("INSERT OR IGNORE INTO live (key) VALUES (?)", ((k,) for k in keys))
            dropped = self.db.execute("DELETE FROM terms WHERE key NOT IN (SELECT key FROM live)").rowcount
            self.db.execute("DELETE FROM live")
        return dropped

    def close(self) -> None:
        self.db.close()


def corpus_terms(texts: Iterable[str], data_dir: Path | str | None, prune: bool = False) -> Iterable[list[str]]:
    """The IDF terms of each text: stored at ingest when there, else tokenized now.

    ``prune``: ``texts`` is the whole stored corpus, so once every text has been read the
    sets of no text among them (replaced or removed documents) are dropped; a pass that
    stops early drops nothing."""
    from nlp.keywords import idf_terms

    store = IdfTermStore(data_dir) if data_dir is not None else None
    live: set[str] = set()
    try:
        for text in texts:
            terms = None
            if store is not None:
                key = text_key(text, store.stamp)
                live.add(key)
                terms = store.get_key(key)
            yield terms if terms is not None else idf_terms(text)
        if store is not None and prune:
            store.keep_only(live)
    finally:
        if store is not None:
            store.close()
