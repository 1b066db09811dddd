"""The rule that links two documents into one duplicate group.

Documents D and E are linked when the paragraphs of one are mostly copies of
the other's (``GROUP_SHARE`` of its normalized characters lie in clusters the
other also has) and at least ``GROUP_MIN_REVERSE`` of the other's characters
are shared back; the reverse floor stops a 16-essay compilation page from
gluing 16 unrelated essays into one group. Both the embedded index
(``dedup/index.py``) and the engine's scheme (``search/elastic_dedup.py``)
call these functions; each only gathers the cluster sizes its own way.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

GROUP_SHARE = 0.6
GROUP_MIN_REVERSE = 0.2
#: documents read per cluster when looking for group partners
GROUP_CLUSTER_DOCS = 50
#: partner documents scored per document
GROUP_CANDIDATES = 20

O = TypeVar("O", bound=Hashable)


def group_candidates(total: int, shared: Mapping[O, int]) -> list[O]:
    """Documents worth scoring: those sharing at least GROUP_MIN_REVERSE of ``total``
    characters, most shared first (ties by id), at most GROUP_CANDIDATES."""
    if not total:
        return []
    good = [kv for kv in shared.items() if kv[1] >= GROUP_MIN_REVERSE * total]
    good.sort(key=lambda kv: (-kv[1], kv[0]))  # type: ignore[operator]  # ids are str or int
    return [o for o, _ in good[:GROUP_CANDIDATES]]


def group_link(mine: Mapping, theirs: Mapping) -> tuple[float, float] | None:
    """(share of mine, share of theirs) when the two documents belong in one group, else None.

    ``mine`` and ``theirs`` map cluster id → normalized characters of the document in it.
    """
    total, t_total = sum(mine.values()), sum(theirs.values())
    if not total or not t_total:
        return None
    mine_share = sum(v for c, v in mine.items() if c in theirs) / total
    their_share = sum(v for c, v in theirs.items() if c in mine) / t_total
    if max(mine_share, their_share) >= GROUP_SHARE and min(mine_share, their_share) >= GROUP_MIN_REVERSE:
        return mine_share, their_share
    return None
