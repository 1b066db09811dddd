"""The web UI: search, document, 查重 (duplicate check) and boilerplate pages.

One module per concept: ``common`` (the blueprint and what every page shares),
``search_views``, ``export``, ``document_views``, ``dedup_views``.

Jinja templates in ``service/templates`` (autoescape on), CSS and a little
vanilla JS in ``service/static``; nothing is fetched from a CDN. Every HTML
page has a JSON twin (``?format=json``, or ``Accept: application/json``),
the datasette habit.

Every stage is reached through the backend contract (``search/backend.py``)
and the nlp package; views neither probe the backend nor read the store.

The only HTML taken from outside the templates is a search hit's ``snippet``,
which the backend has already escaped except for its ``<mark>`` tags;
:func:`safe_snippet` checks that before marking it safe.
"""

from __future__ import annotations

from service.ui import dedup_views, document_views, export, search_views  # noqa: F401  (registers the routes)
from service.ui.common import safe_snippet, ui

__all__ = ["safe_snippet", "ui"]
