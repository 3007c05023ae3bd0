"""The golden extraction set: the demo stories as evaluation articles with their gold facts.

The output follows the evaluation-set format: ``articles/NNN.json`` (id, url, title,
outlet, published, partial, text) and ``gold/NNN.json`` (a list of facts). Articles are
numbered from the oldest, so adding a newer story never renumbers the older ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from demo.content import Story, story_text
from schemas.records import CHIP_ACTIONS, METRICS, USER_QUALIFIERS, period_bounds

__all__ = [
    "BASE_URL",
    "FIELDS",
    "OUTLET",
    "fact_problems",
    "golden_files",
    "numbered",
]

OUTLET = "The Compute Ledger"
#: Stands in for the host: the site itself only uses root-relative URLs.
BASE_URL = "https://demo.compute-ledger.example"

#: The fields each metric carries in gold, in output order (null when the text gives none).
FIELDS: dict[str, tuple[str, ...]] = {
    "ai_investment_usd": ("country", "period"),
    "ai_deal_count": ("country", "period"),
    "funding_round_usd": ("entity", "counterparty", "period"),
    "user_count": ("entity", "org", "country", "qualifier", "period"),
    "chip_export_event": ("actor", "target", "action", "items", "period"),
    "talent_share_pct": ("country", "qualifier"),
    "other": (),
}
_OPTIONAL = ("value_max", "part_of_round", "note")
_ALL_FIELDS = {f for fields in FIELDS.values() for f in fields}
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_PERIOD_PART = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
_PERIOD = re.compile(rf"^{_PERIOD_PART}(?:/{_PERIOD_PART})?$")


def numbered(stories: Sequence[Story]) -> list[tuple[str, Story]]:
    """Stories oldest first with their three-digit ids."""
    ordered = sorted(stories, key=lambda s: (s.date, s.slug))
    return [(f"{i:03d}", s) for i, s in enumerate(ordered, start=1)]


def fact_problems(fact: Mapping[str, Any], text: str) -> list[str]:
    """What is wrong with one gold fact for an article whose main text is ``text``."""
    problems: list[str] = []
    metric = fact.get("metric")
    if metric not in FIELDS or (metric != "other" and metric not in METRICS):
        return [f"unknown metric {metric!r}"]
    allowed = {"metric", "value", "evidence", *_OPTIONAL, *FIELDS[metric]}
    if metric == "other":
        allowed |= _ALL_FIELDS
    if extra := sorted(set(fact) - allowed):
        problems.append(f"{metric}: fields not in the gold format: {extra}")
    value = fact.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{metric}: value must be a number")
    evidence = fact.get("evidence")
    if not isinstance(evidence, str) or not evidence.strip():
        problems.append(f"{metric}: evidence is empty")
    elif evidence not in text:
        problems.append(f"{metric}: evidence is not in the text: {evidence!r}")
    if metric == "other" and not fact.get("note"):
        problems.append("other: a note must say why this is not a metric")
    code = fact.get("country")
    if code is not None and not _COUNTRY.match(str(code)):
        problems.append(f"{metric}: country must be an ISO 3166-1 alpha-2 code, not {code!r}")
    period = fact.get("period")
    if period is not None:
        try:
            if not _PERIOD.match(str(period)):
                raise ValueError(period)
            start, end = period_bounds(str(period))
            if start and end and end < start:
                raise ValueError(period)
        except ValueError:
            problems.append(f"{metric}: bad period {period!r}")
    problems.extend(_metric_problems(metric, fact))
    return problems


def _metric_problems(metric: str, fact: Mapping[str, Any]) -> list[str]:
    value = fact.get("value")
    number = float(value) if isinstance(value, int | float) else 0.0
    if metric == "user_count" and fact.get("qualifier") not in USER_QUALIFIERS:
        return [f"user_count: qualifier must be one of {USER_QUALIFIERS}"]
    if metric == "chip_export_event":
        out = []
        if fact.get("action") not in CHIP_ACTIONS:
            out.append(f"chip_export_event: action must be one of {CHIP_ACTIONS}")
        if number != 1:
            out.append("chip_export_event: an event counts once (value 1)")
        items = fact.get("items", [])
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            out.append("chip_export_event: items must be a list of strings")
        return out
    if metric == "funding_round_usd" and not fact.get("entity"):
        return ["funding_round_usd: entity (who raised) is required"]
    if metric == "talent_share_pct" and not 0 <= number <= 100:
        return ["talent_share_pct: a share is between 0 and 100"]
    if metric == "ai_deal_count" and not number.is_integer():
        return ["ai_deal_count: a deal count is a whole number"]
    return []


def _gold_fact(fact: Mapping[str, Any]) -> dict[str, Any]:
    metric = str(fact["metric"])
    out: dict[str, Any] = {"metric": metric, "value": _number(fact["value"])}
    if "value_max" in fact:
        out["value_max"] = _number(fact["value_max"])
    fields = FIELDS[metric] or tuple(f for f in sorted(_ALL_FIELDS) if f in fact)
    for name in fields:
        out[name] = list(fact.get(name, [])) if name == "items" else fact.get(name)
    if "part_of_round" in fact:
        out["part_of_round"] = bool(fact["part_of_round"])
    out["evidence"] = fact["evidence"]
    if "note" in fact:
        out["note"] = fact["note"]
    return out


def _number(value: Any) -> int | float:
    # Whole amounts print as integers so the JSON reads like the figures in the text.
    number = float(value)
    return int(number) if number.is_integer() else number


def golden_files(stories: Sequence[Story]) -> dict[str, bytes]:
    """``articles/NNN.json`` and ``gold/NNN.json`` for every story, keyed by relative path."""
    files: dict[str, bytes] = {}
    for ident, story in numbered(stories):
        text = story_text(story)
        problems = [p for f in story.facts for p in fact_problems(f, text)]
        if problems:
            raise ValueError(f"{story.slug}.facts.toml: " + "; ".join(problems))
        article = {
            "id": ident,
            "url": BASE_URL + story.path,
            "title": story.title,
            "outlet": OUTLET,
            "published": story.date.isoformat(),
            "partial": False,
            "text": text,
        }
        files[f"articles/{ident}.json"] = _json(article)
        files[f"gold/{ident}.json"] = _json([_gold_fact(f) for f in story.facts])
    return files


def _json(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
