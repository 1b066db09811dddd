"""'Similar documents' by a weighted terms query: the document's most telling words.

Both backends pick the same terms (tf·idf over the document's own tokens,
words in more than half the corpus dropped) and differ only in how they ask
their engine for document frequencies and how they run the query.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

from nlp.segment import index_tokens

CANDIDATES = 300
KEEP = 30


def telling_terms(
    text: str, n_docs: int, doc_freqs: Callable[[list[str]], dict[str, int]], keep: int = KEEP
) -> list[tuple[str, float]]:
    """(token, weight) of the ``keep`` words that best characterize ``text``."""
    counts = Counter(t for t in index_tokens(text) if len(t) >= 2)
    top = counts.most_common(CANDIDATES)
    dfs = doc_freqs([t for t, _ in top])
    n = max(n_docs, 1)
    weighted = []
    for token, tf in top:
        df = dfs.get(token, 0)
        if df == 0 or df > 0.5 * n:
            continue
        weighted.append((token, (1 + math.log(tf)) * math.log(1 + n / df)))
    return sorted(weighted, key=lambda x: -x[1])[:keep]
