"""The golden extraction set: format, evidence, vocabulary and coverage."""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
from typing import Any

import pytest

from demo.content import story_text
from demo.golden import BASE_URL, FIELDS, OUTLET, numbered
from schemas.records import CHIP_ACTIONS, METRICS, USER_QUALIFIERS, Observation, period_bounds

from .helpers import GOLDEN, ROOT, golden_pairs, stories

PAIRS = golden_pairs()
ARTICLE_KEYS = {"id", "url", "title", "outlet", "published", "partial", "text"}
OPTIONAL = {"note", "value_max", "part_of_round"}


def _country_codes() -> set[str]:
    path = ROOT / "expectations" / "iso3166_alpha2.json"
    if path.is_file():
        return set(json.loads(path.read_text(encoding="utf-8"))["codes"])
    return {"US", "CN", "GB", "NL", "JP", "IN"}


COUNTRIES = _country_codes()


def _facts() -> list[tuple[str, dict[str, Any]]]:
    return [(article["id"], fact) for article, gold in PAIRS for fact in gold]


def test_every_story_has_an_article_and_gold_file() -> None:
    ids = [ident for ident, _ in numbered(stories())]
    assert [a["id"] for a, _ in PAIRS] == ids
    assert sorted(p.stem for p in (GOLDEN / "gold").glob("*.json")) == ids


def test_articles_match_the_site() -> None:
    by_url = {BASE_URL + s.path: s for s in stories()}
    for article, _ in PAIRS:
        assert set(article) == ARTICLE_KEYS
        story = by_url[article["url"]]
        assert article["title"] == story.title
        assert article["outlet"] == OUTLET
        assert article["published"] == story.date.isoformat()
        assert article["partial"] is False
        assert article["text"] == story_text(story)
        assert "\n\n" in article["text"]


@pytest.mark.parametrize(("ident", "fact"), _facts(), ids=lambda v: v if isinstance(v, str) else "")
def test_gold_fact_is_well_formed(ident: str, fact: dict[str, Any]) -> None:
    article = next(a for a, _ in PAIRS if a["id"] == ident)
    metric = fact["metric"]
    assert metric == "other" or metric in METRICS
    assert fact["evidence"] in article["text"]
    assert isinstance(fact["value"], int | float) and not isinstance(fact["value"], bool)
    if metric == "other":
        assert fact.get("note"), "an `other` fact says why it is not a metric"
        return
    assert set(fact) - OPTIONAL == {"metric", "value", "evidence", *FIELDS[metric]}
    if fact.get("country") is not None:
        assert fact["country"] in COUNTRIES
    if fact.get("period") is not None:
        start, end = period_bounds(fact["period"])
        assert start is not None and end is not None and start <= end
        assert dt.date(2019, 1, 1) <= start <= dt.date.fromisoformat(article["published"])
    if metric == "user_count":
        assert fact["qualifier"] in USER_QUALIFIERS
        assert fact["entity"] and fact["org"]
    if metric == "chip_export_event":
        assert fact["action"] in CHIP_ACTIONS
        assert fact["value"] == 1
        assert fact["items"] and all(isinstance(i, str) for i in fact["items"])
    if metric == "talent_share_pct":
        assert 0 < fact["value"] < 100
        assert fact["qualifier"] in {"undergraduate_origin", "work_location", "work_location_elite"}
    if metric == "ai_deal_count":
        assert float(fact["value"]).is_integer()
    if metric in ("ai_investment_usd", "funding_round_usd"):
        assert fact["value"] >= 1e6, "money is in dollars, not millions or billions"
    # The contract record accepts every scored fact as it stands.
    Observation(
        metric=metric,
        value=float(fact["value"]),
        evidence=fact["evidence"],
        country=fact.get("country"),
        entity=fact.get("entity"),
        org=fact.get("org"),
        counterparty=fact.get("counterparty"),
        qualifier=fact.get("qualifier"),
        action=fact.get("action"),
        items=tuple(fact.get("items", ())),
        period=fact.get("period"),
    ).to_contract()


def test_corpus_spans_2022_to_2026() -> None:
    years = collections.Counter(int(a["published"][:4]) for a, _ in PAIRS)
    assert len(PAIRS) >= 40
    assert set(years) == {2022, 2023, 2024, 2025, 2026}
    assert min(years.values()) >= 5


def test_corpus_covers_every_metric_family() -> None:
    counts = collections.Counter(fact["metric"] for _, fact in _facts())
    assert all(counts[m] >= 5 for m in METRICS), counts
    qualifiers = {f["qualifier"] for _, f in _facts() if f["metric"] == "user_count"}
    assert {"monthly_active", "weekly_active", "daily_active", "downloads"} <= qualifiers
    actions = {f["action"] for _, f in _facts() if f["metric"] == "chip_export_event"}
    assert {"restrict", "tighten", "relax", "license", "ban", "domestic_chip_launch"} <= actions


def test_corpus_has_hard_cases() -> None:
    table_row = re.compile(r"^[^\n|]+(?: \| [^\n|]+)+$")
    table_facts = [f for _, f in _facts() if table_row.match(f["evidence"])]
    assert len({f["evidence"] for f in table_facts}) >= 10
    assert sum(1 for _, gold in PAIRS if not gold) >= 3, "off-topic stories without facts"
    assert sum(1 for a, _ in PAIRS if " | " in a["text"]) >= 3, "stories with tables"
    us_2023 = [
        a["id"]
        for a, gold in PAIRS
        for f in gold
        if f["metric"] == "ai_investment_usd" and f["country"] == "US" and f["period"] == "2023"
    ]
    assert len(set(us_2023)) >= 3, "the same figure reported in several stories"
