"""govtext: search and duplicate detection for Chinese policy and governance texts.

This package holds what every stage shares: settings, the Document model and
typed errors. The stages live in the top-level packages named in DESIGN.md
(ingest, nlp, dedup, search, service).
"""

__version__ = "0.1.0"
