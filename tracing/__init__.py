"""How policy wording travels, built on the duplicate index.

One module per concept:

- ``source``: what the tracing features read from a backend (the duplicate
  index's lookups, paragraph texts, document metadata), for both backends;
- ``trace``: 提法溯源, every document holding a passage or a near copy, earliest first;
- ``timeline``: the trace drawn as a server-side SVG chart;
- ``articles``: 第X条 parsing (Chinese numerals, chapters, multi-line articles);
- ``diff``: 修订对照, article-by-article comparison of two editions;
- ``implements``: 上位法对照, local clauses that copy or adapt national articles;
- ``watches``: saved passages and queries, and the new documents that reuse them.
"""
