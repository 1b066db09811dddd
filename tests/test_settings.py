"""Settings: one object read from the environment, every variable documented."""

from __future__ import annotations

import re
from pathlib import Path

from govtext.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_readme_lists_every_setting():
    source = (ROOT / "govtext" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'"(GOVTEXT_[A-Z_]+)"', source))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted(n for n in names if f"`{n}`" not in readme)
    assert len(names) >= 15 and not missing, f"README's settings table lacks {missing}"


def test_no_stage_reads_the_environment_itself():
    """Only govtext/settings.py reads GOVTEXT_* variables; stages get a Settings passed down."""
    offenders = []
    for package in ("govtext", "ingest", "nlp", "dedup", "search", "service"):
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "settings.py" and package == "govtext":
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"os\.environ(\.get)?\s*[\[(]\s*[\"']GOVTEXT_|getenv\(\s*[\"']GOVTEXT_", text):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"read GOVTEXT_* themselves: {offenders}"


def test_environment_reaches_the_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVTEXT_DATA", str(tmp_path))
    monkeypatch.setenv("GOVTEXT_ACCESS_LOG", "1")
    monkeypatch.setenv("GOVTEXT_MAX_QUERY_CHARS", "77")
    s = load_settings()
    assert (s.data_dir, s.access_log, s.max_query_chars) == (tmp_path, True, 77)
    assert load_settings(max_query_chars=5).max_query_chars == 5
