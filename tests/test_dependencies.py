"""Dependencies are declared once in pyproject.toml; requirements.txt pins exactly those."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[; ]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_requirements_pin_exactly_the_declared_dependencies():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {_name(d) for d in project["dependencies"]}
    dev = {_name(d) for d in project["optional-dependencies"]["dev"]}
    pins = {}
    for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            assert "==" in line, f"requirements.txt pins versions: {line!r}"
            pins[_name(line)] = line
    assert not runtime & dev, "a package is declared twice"
    assert sorted((runtime | dev) - set(pins)) == [], "declared in pyproject.toml but not pinned"
    assert sorted(set(pins) - (runtime | dev)) == [], "pinned but not declared in pyproject.toml"
