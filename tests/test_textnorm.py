"""nlp.textnorm's numpy path (normalize_many, normalize of a long text) against its definition,
``to_simplified(unicodedata.normalize("NFKC", text))``, on the corpus, random and hostile text."""

from __future__ import annotations

import itertools
import json
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import LAWS, REPORTS, needs_shared
from ingest.text import split_paragraphs
from nlp.textnorm import FAST_MIN_CHARS, _fast_table, normalize, normalize_many, to_simplified


def by_definition(text: str) -> str:
    return to_simplified(unicodedata.normalize("NFKC", text))


def test_the_table_maps_each_character_to_its_nfkc_and_no_character_of_it_composes():
    nfkc, _ = _fast_table()
    fast = [code for code in range(0x10000) if nfkc[code] >= 0]
    assert len(fast) > 25_000
    for code in fast:
        assert unicodedata.normalize("NFKC", chr(code)) == chr(int(nfkc[code]))
    # no character of the table (nor what it maps to) is the second of a canonical composition
    # or has a combining class: then NFKC of a text of them is the text mapped character by character
    seconds = set()
    for code in range(0x110000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(int(parts[1], 16))
    for code in fast:
        for c in (code, int(nfkc[code])):
            assert c not in seconds and not unicodedata.combining(chr(c))


HOSTILE = "中國體，。（）ＡＢａ１２　 …·①⑩Ⅱ℃é\u0301=\u0338가\u1161\u11a8\u3099か\u0300\ud800\U0001f600\U0002f800\ufb01\n\r\u00a0x"


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(HOSTILE), max_size=40) | st.text(max_size=20), max_size=6))
def test_normalize_many_is_the_definition(texts):
    assert normalize_many(texts) == [by_definition(t) for t in texts]
    for text in texts:
        long = text * (FAST_MIN_CHARS // max(1, len(text)) + 1)
        assert normalize(long) == by_definition(long)


@needs_shared
def test_normalize_many_is_the_definition_on_the_corpus():
    docs = []
    for path in (REPORTS, LAWS):
        with path.open(encoding="utf-8") as fh:
            docs += [json.loads(line)["text"] for line in itertools.islice(fh, 150)]
    for text in docs:
        paragraphs = split_paragraphs(text)
        assert normalize_many(paragraphs) == [by_definition(p) for p in paragraphs]
        assert normalize(text) == by_definition(text)
