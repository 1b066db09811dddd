"""Turning sources (files, JSONL, crawled pages) into Documents."""
