"""Paths and small readers shared by the demo tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html

from demo.content import CONTENT_DIR, Story, load_stories

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "demo" / "site"
GOLDEN = ROOT / "tests" / "fixtures" / "golden"


def stories() -> list[Story]:
    """Every story of the demo content, newest first."""
    return load_stories(CONTENT_DIR)


def page(rel: str) -> Any:
    """A built page of the site, parsed."""
    return lxml.html.fromstring((SITE / rel.lstrip("/")).read_bytes())


def golden_pairs() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each golden article with its gold facts, by id."""
    pairs = []
    for path in sorted((GOLDEN / "articles").glob("*.json")):
        article = json.loads(path.read_text(encoding="utf-8"))
        gold = json.loads((GOLDEN / "gold" / path.name).read_text(encoding="utf-8"))
        pairs.append((article, gold))
    return pairs
