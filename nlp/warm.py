"""Load what every analysis needs, once, in the process ingest's tagging workers are forked from.

Imported (``multiprocessing``'s forkserver preload, :class:`pipeline.Enricher`) by the server
process that forks the workers: the modules, the taxonomy and its rule automaton, the theme model,
the keyword word lists, the IDF table of the environment's data folder (or jieba's generic one),
the normalization tables and, when an earlier process cached jieba's resolution of the user words
(:func:`nlp.segment.resolution_cache`), the segmenter. Each worker then starts with them loaded
(about 0.8 CPU s each instead of loading them itself). Whatever fails here is loaded by the worker
on first use, as without this module.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def warm() -> None:
    from govtext.settings import load_settings
    from nlp import analyze  # noqa: F401  (the analysis modules)
    from nlp.keywords import get_idf_table, get_word_lists
    from nlp.model import get_model
    from nlp.segment import _read_resolution, get_segmenter, punctuation_fold, read_user_words
    from nlp.textnorm import _fast_table
    from nlp.themes import get_rule_tagger

    settings = load_settings()
    get_rule_tagger()
    get_model()
    get_word_lists()
    get_idf_table(settings)
    _fast_table()
    punctuation_fold()
    # the segmenter only when it needs no jieba (the workers get the parent's resolution otherwise)
    if settings.fast_segmenter and _read_resolution(read_user_words(settings.config_dir / "userdict.txt")) is not None:
        get_segmenter(settings)


try:
    warm()
except Exception:  # pragma: no cover - the workers load what is missing themselves
    log.exception("warming the analysis failed; the workers load it themselves")
else:
    from govtext.batchwork import settle

    settle()  # the workers forked from here inherit the frozen tables and the thresholds
