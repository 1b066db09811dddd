"""CLI commands built on the NLP, dedup and crawl stages: tag, check, boilerplate, crawl."""

from __future__ import annotations


def register(sub) -> None:
    """Commands are added here as their stages land."""
