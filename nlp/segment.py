"""jieba segmentation with the governance dictionary, HMM off.

HMM is off so that a span segments the same alone as inside its sentence:
with HMM on, unknown-word discovery depends on context and a query can miss
the text that contains it. Both the index and the query go through
:func:`index_tokens`, so the query's tokens are a subset of the indexed ones.

The dictionary loads once per process (lazily, under a lock). rjieba
(jieba-rs, same algorithm and dictionary, ~20x faster) is used when it is
installed, enabled and given the same user words; tests/test_segment.py
checks that it segments exactly like jieba on the seed page and the corpus.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain
from pathlib import Path

from govtext.settings import Settings, load_settings

log = logging.getLogger(__name__)
_lock = threading.Lock()
_lock_jieba = threading.Lock()
#: config folder -> user words resolved by another process (preset_user_words)
_preset: dict[str, list] = {}
_PUNCT_OR_SPACE = re.compile(r"^[\W_]+$", re.UNICODE)


def read_user_words(path: Path) -> list[tuple[str, int | None, str | None]]:
    """Entries of a jieba user dictionary: ``word [freq] [tag]`` per line, # comments."""
    words: list[tuple[str, int | None, str | None]] = []
    if not path.exists():
        return words
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        word, freq, tag = parts[0], None, None
        for part in parts[1:]:
            if part.isdigit():
                freq = int(part)
            else:
                tag = part
        words.append((word, freq, tag))
    return words


class Segmenter:
    """One loaded dictionary; :func:`get_segmenter` keeps one per process.

    jieba (pure Python) resolves the user words' frequencies, which rjieba must
    get exactly; loading its dictionary costs about 1 s of CPU. A process given the
    resolved words (:func:`preset_user_words`: ingest's tagging workers, from their
    parent), or finding them in the cache an earlier process wrote
    (:func:`resolution_cache`), cuts and tags with rjieba and loads jieba only if
    something asks for it; :meth:`subwords` then asks rjieba which pieces are words
    (``has_word``: the words to which jieba gives a positive frequency; tested on
    jieba's whole table).
    """

    def __init__(self, config_dir: Path, fast: bool = True, resolved: list | None = None):
        self.config_dir = config_dir
        self.user_words = read_user_words(config_dir / "userdict.txt")
        self._jieba: Any = None
        self._resolved: list[tuple[str, int, str | None]] = []  # filled when jieba loads
        self.rjieba = None
        if fast:
            try:
                import rjieba
            except ImportError:  # pragma: no cover - rjieba is in requirements
                log.info("rjieba not installed; using jieba")
            else:
                if resolved is None:
                    resolved = _read_resolution(self.user_words)
                if resolved is None:
                    resolved = self.resolved_user_words()
                    _write_resolution(self.user_words, resolved)
                fastcut = rjieba.Jieba()
                for word, freq, tag in resolved:
                    fastcut.add_word(word, freq, tag)
                self.rjieba = fastcut
                self._given = [tuple(r) for r in resolved]
                # jieba gives these no frequency (a user word of frequency 0 deletes it); rjieba keeps them
                self._no_freq = {w for w, f in {w: f for w, f, _ in self._given}.items() if not f}

    @property
    def jieba(self) -> Any:
        """jieba's tokenizer with the user words (loaded on first use)."""
        if self._jieba is None:
            with _lock_jieba:
                if self._jieba is None:
                    import jieba

                    jieba.setLogLevel(logging.WARNING)
                    tok = jieba.Tokenizer()
                    tok.initialize()
                    resolved = []
                    for word, freq, tag in self.user_words:
                        # jieba picks a frequency just high enough to keep the word whole
                        # when none is given; rjieba must get the very same number.
                        tok.add_word(word, freq, tag)
                        resolved.append((word, tok.FREQ[word], tag))
                    self._resolved = resolved
                    self._jieba = tok
        return self._jieba

    #: the resolved user words rjieba was given (by another process or the cache), None: jieba resolves them
    _given: list | None = None
    _no_freq: set[str] = set()

    def resolved_user_words(self) -> list[tuple[str, int, str | None]]:
        """The user words, each with the frequency jieba gave it when it was added."""
        if self._jieba is None and self._given is not None:
            return list(self._given)
        _ = self.jieba
        return list(self._resolved)

    def cut(self, text: str) -> list[str]:
        if self.rjieba is not None:
            return self.rjieba.cut(text, False)
        return self.jieba.lcut(text, HMM=False)

    def cut_jieba(self, text: str) -> list[str]:
        return self.jieba.lcut(text, HMM=False)

    def tag(self, text: str) -> list[tuple[str, str]]:
        """(word, part of speech) pairs, the words being those of :meth:`cut`."""
        if self.rjieba is not None:
            return self.rjieba.tag(text, False)
        if self._posseg is None:
            import jieba.posseg

            self._posseg = jieba.posseg.POSTokenizer(self.jieba)
        return [(p.word, p.flag) for p in self._posseg.lcut(text, HMM=False)]

    _posseg: Any = None  # a jieba.posseg.POSTokenizer once tag() needs it (jieba is untyped)

    @lru_cache(maxsize=200_000)  # noqa: B019 - one process-wide Segmenter (get_segmenter), so caching on self is intended
    def subwords(self, token: str) -> tuple[str, ...]:
        """Dictionary words strictly inside a longer token (人民政府 → 人民, 政府).

        The index stores these beside the token so that a query for 政府 or
        枫桥经验 finds 人民政府 or 新时代枫桥经验; the query itself is cut
        normally, so its tokens stay a subset of what the index holds.
        """
        n = len(token)
        if n <= 2:
            return ()
        if self._jieba is None and self.rjieba is not None and self._given is not None:
            has_word, no_freq = self.rjieba.has_word, self._no_freq

            def has_positive_freq(piece: str) -> bool:
                return has_word(piece) and piece not in no_freq

            is_word: Any = has_positive_freq if no_freq else has_word
        else:
            is_word = self.jieba.FREQ.get
        found = []
        for size in range(n - 1, 1, -1):
            for start in range(0, n - size + 1):
                piece = token[start : start + size]
                if is_word(piece):
                    found.append(piece)
        return tuple(dict.fromkeys(found))


def resolution_cache(user_words: list) -> Path | None:
    """The file that holds jieba's resolution of ``user_words`` (:meth:`Segmenter.resolved_user_words`)
    in the temporary folder, named by a hash of the words and of jieba's files (its dictionary, its code),
    as jieba keeps its own dictionary cache there; None without jieba."""
    import hashlib
    import importlib.util
    import json
    import tempfile

    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:  # pragma: no cover - jieba is in requirements
        return None
    stamps = []
    for path in (Path(spec.origin), Path(spec.origin).parent / "dict.txt"):
        try:
            st = path.stat()
        except OSError:
            return None
        stamps.append([str(path), st.st_size, st.st_mtime_ns])
    key = hashlib.sha256(json.dumps([user_words, stamps], ensure_ascii=False).encode("utf-8")).hexdigest()
    return Path(tempfile.gettempdir()) / f"govtext-userwords-{key[:32]}.json"


def _read_resolution(user_words: list) -> list | None:
    import json

    path = resolution_cache(user_words)
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path is not None else None
    except (OSError, ValueError):
        return None
    # the same words in the same order, each with an integer frequency
    if (
        not isinstance(data, list)
        or len(data) != len(user_words)
        or any(
            not isinstance(r, list) or len(r) != 3 or r[0] != w or r[2] != t or type(r[1]) is not int
            for r, (w, _, t) in zip(data, user_words)
        )
    ):
        return None
    return [tuple(r) for r in data]


def _write_resolution(user_words: list, resolved: list) -> None:
    import json
    import os
    import tempfile

    path = resolution_cache(user_words)
    if path is None:  # pragma: no cover - jieba is in requirements
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump([list(r) for r in resolved], fh, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        log.info("could not cache the resolved user words at %s", path)


_segmenter: Segmenter | None = None


def get_segmenter(settings: Settings | None = None) -> Segmenter:
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                settings = settings or load_settings()
                resolved = _preset.get(str(settings.config_dir))
                _segmenter = Segmenter(settings.config_dir, fast=settings.fast_segmenter, resolved=resolved)
    return _segmenter


def preset_user_words(config_dir: Path, resolved: list) -> None:
    """Give this process the user words another process resolved for ``config_dir``
    (:meth:`Segmenter.resolved_user_words`), so that rjieba loads without jieba."""
    _preset[str(config_dir)] = list(resolved)


def cut(text: str) -> list[str]:
    """Words of ``text`` as jieba cuts them (HMM off), spaces and punctuation kept."""
    return get_segmenter().cut(text)


def tag(text: str) -> list[tuple[str, str]]:
    """(word, part of speech) of ``text`` (jieba's tag set: n, v, vn, m, q …)."""
    return get_segmenter().tag(text)


class _WordTags(dict[str, str]):
    """word -> the part of speech rjieba gives it. rjieba tags each word it cuts by the word alone
    (its dictionary entry, else whether it is digits, Latin or other), so a word's tag is looked up
    once; a word that tagged alone is not one word has none (KeyError: the text is tagged whole)."""

    LIMIT = 2_000_000

    def __init__(self, segmenter: Segmenter):
        super().__init__()
        self.segmenter = segmenter

    def __missing__(self, word: str) -> str:
        pairs = self.segmenter.tag(word)
        if len(pairs) != 1 or pairs[0][0] != word:
            raise KeyError(word)
        if len(self) < self.LIMIT:
            self[word] = pairs[0][1]
        return pairs[0][1]


_word_tags: _WordTags | None = None


def words_and_tags(text: str) -> tuple[list[str], list[str]]:
    """The words of :func:`tag` and their parts of speech, as two lists.

    With rjieba the text is cut (faster than tagging it) and each word's tag looked up
    (:class:`_WordTags`); tests/test_ingest_sharing.py checks it against tagging."""
    words, tags, _ = words_and_word_tags(text)
    return words, tags


def words_and_word_tags(text: str) -> tuple[list[str], list[str], bool]:
    """:func:`words_and_tags` and whether each word's tag is a function of the word (looked up)."""
    global _word_tags
    segmenter = get_segmenter()
    if segmenter.rjieba is not None:
        tags = _word_tags
        if tags is None or tags.segmenter is not segmenter:
            tags = _word_tags = _WordTags(segmenter)
        words = segmenter.cut(text)
        try:
            return words, list(map(tags.__getitem__, words)), True
        except KeyError:
            pass
    pairs = segmenter.tag(text)
    return [w for w, _ in pairs], [t for _, t in pairs], False


def word_tag_seen(word: str) -> tuple[bool, str | None]:
    """(sure, tag): the part of speech :func:`words_and_word_tags` gave ``word`` standing as one word,
    or None when no text it looked up (with rjieba) held ``word`` as one word. ``sure`` is False when
    that cannot be told: no table yet, or a full one that no longer keeps every word it met."""
    tags = _word_tags
    if tags is None or tags.segmenter is not get_segmenter() or len(tags) >= _WordTags.LIMIT:
        return False, None
    return True, tags.get(word)


def tag_is_cut() -> bool:
    """Whether :func:`tag` gives exactly the words of :func:`cut` (rjieba: it tags the words it cuts;
    jieba's posseg cuts Latin and digits its own way)."""
    return get_segmenter().rjieba is not None


def is_word(token: str) -> bool:
    return bool(token) and not _PUNCT_OR_SPACE.match(token)


class _Forms(dict[str, str]):
    """token -> the token as indexed ('' for spaces and punctuation). Tokens repeat a lot, so
    a token is looked up in C (``map(forms.__getitem__, tokens)``) and computed once."""

    def __missing__(self, token: str) -> str:
        form = token.lower() if is_word(token) else ""
        if len(self) < 2_000_000:
            self[token] = form
        return form


_TOKEN_FORM = _Forms()


def index_tokens(text: str) -> list[str]:
    """Tokens for an index or a query: lower-cased words, no spaces or punctuation."""
    return list(filter(None, map(_TOKEN_FORM.__getitem__, cut(text))))


def index_string(text: str) -> str:
    """Tokens joined by spaces, for engines that split on whitespace."""
    return " ".join(index_tokens(text))


class _Subwords(dict[str, tuple[str, ...]]):
    """token -> :meth:`Segmenter.subwords` (() for tokens of up to 2 characters), looked up in C."""

    def __init__(self, segmenter: Segmenter):
        super().__init__()
        self.segmenter = segmenter

    def __missing__(self, token: str) -> tuple[str, ...]:
        found = self.segmenter.subwords(token) if len(token) > 2 else ()
        if len(self) < 2_000_000:
            self[token] = found
        return found


_subwords: _Subwords | None = None


def _subword_table() -> _Subwords:
    global _subwords
    segmenter = get_segmenter()
    table = _subwords
    if table is None or table.segmenter is not segmenter:
        table = _subwords = _Subwords(segmenter)
    return table


def subword_string(tokens: list[str]) -> str:
    """The dictionary words inside the given tokens, joined by spaces (see Segmenter.subwords)."""
    return " ".join(chain.from_iterable(map(_subword_table().__getitem__, tokens)))


#: a token of more than two characters in a space-joined token string (only those hold sub-words)
_LONG_TOKEN = re.compile(r"[^ ]{3,}")


def subword_string_of(joined: str) -> str:
    """``subword_string(joined.split(" "))``: the regex picks the tokens of more than two characters,
    the only ones with sub-words, without making a string of every other token (most of them; about
    half the time of splitting and looking up every token)."""
    return " ".join(chain.from_iterable(map(_subword_table().__getitem__, _LONG_TOKEN.findall(joined))))


#: characters the segmenter's word pattern leaves out (each is a token of its own, whatever is around it)
#: are those outside CJK ideographs, ASCII letters and digits and + # & . _ % - (jieba-rs's RE_HAN_DEFAULT)
_IN_WORDS = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U0002f800-\U0002fa1f"
    r"a-zA-Z0-9+#&._%\-]"
)
_WORD_CHAR = re.compile(r"\w")
_fold: dict[int, str] | None = None


def punctuation_fold() -> dict[int, str]:
    """``str.translate`` table: each punctuation or space character that NFKC (and lower-casing) turns
    into another such character (，→ , （→ ( 　→ space …). Both are tokens of their own and neither is
    indexed, so a text and its fold cut at the same places into the same indexed words."""
    global _fold
    if _fold is None:
        import unicodedata

        def alone(ch: str) -> bool:
            return not _IN_WORDS.match(ch) and not _WORD_CHAR.match(ch) and ch not in "\r\n"

        fold = {}
        for code in range(0x80, 0x10000):
            ch = chr(code)
            if 0xD800 <= code <= 0xDFFF or not alone(ch):
                continue
            to = unicodedata.normalize("NFKC", ch).lower()
            if len(to) == 1 and to != ch and alone(to):
                fold[code] = to
        _fold = fold
    return _fold


def _folded_paragraphs(paragraphs: list[str], lines: list[str]) -> list[bool]:
    """Per paragraph: whether ``lines`` holds it with only :func:`punctuation_fold` characters changed
    (compared as code points with numpy: ``str.translate`` costs about 200 ns a character)."""
    import numpy as np

    global _fold_codes
    if _fold_codes is None:
        codes = np.full(0x10000, -1, dtype=np.int64)
        for k, v in punctuation_fold().items():
            codes[k] = ord(v)
        _fold_codes = codes
    n = min(len(paragraphs), len(lines))
    same = [len(paragraphs[i]) == len(lines[i]) for i in range(n)] + [False] * (len(paragraphs) - n)
    chosen = [i for i in range(n) if same[i]]
    if not chosen:
        return same
    a = np.frombuffer("\n".join([paragraphs[i] for i in chosen]).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    b = np.frombuffer("\n".join([lines[i] for i in chosen]).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    diff = np.flatnonzero(a != b)
    if diff.size:
        was = a[diff].astype(np.int64)
        folded = np.where(was < 0x10000, _fold_codes[np.minimum(was, 0xFFFF)], -1)
        bad = diff[folded != b[diff]]
        if bad.size:
            starts = np.cumsum([0] + [len(paragraphs[i]) + 1 for i in chosen[:-1]])
            for j in set(np.searchsorted(starts, bad, side="right").tolist()):
                same[chosen[j - 1]] = False
    return same


_fold_codes: Any = None  # code point -> its fold (-1: none), a numpy array built on first use


def index_string_reusing(paragraphs: list[str], lines: list[str], line_words: list[list[str]]) -> str:
    """``index_string("\\n".join(paragraphs))``, taking a paragraph's words from ``line_words`` when its
    ``lines`` entry is the paragraph with only :func:`punctuation_fold` characters changed (the keyword
    text, normalized and lower-cased, already cut and tagged: :func:`nlp.analyze.analyze_for_ingest`);
    the other paragraphs are cut. Line breaks are tokens of their own, so each paragraph cuts alone."""
    words: list[str] = []
    for i, (para, folded) in enumerate(zip(paragraphs, _folded_paragraphs(paragraphs, lines))):
        words += line_words[i] if folded else cut(para)
    return " ".join(filter(None, map(_TOKEN_FORM.__getitem__, words)))


#: text -> its index token string, handed over by whoever segmented the text already (ingest's
#: tagging workers, :func:`give_index_tokens`); :func:`index_fields` takes it instead of cutting again
_given: dict[str, str] = {}


def give_index_tokens(text: str, tokens: str) -> None:
    """``index_string(text)``, known already: the next :func:`index_fields` of ``text`` uses it."""
    _given[text] = tokens


def forget_index_tokens(texts: Iterable[str]) -> None:
    """Drop what :func:`give_index_tokens` was given for ``texts`` (once they are indexed)."""
    for text in texts:
        _given.pop(text, None)


def index_fields(text: str) -> tuple[str, str]:
    """(tokens, sub-words) of ``text`` as space-joined strings, for the two index fields."""
    given = _given.get(text)
    if given is not None:
        return given, subword_string_of(given)
    tokens = index_tokens(text)
    return " ".join(tokens), subword_string(tokens)
