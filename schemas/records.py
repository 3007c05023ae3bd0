"""Records in flight: Source -> Link -> Page -> Article -> Observation.

Frozen dataclasses with no database or framework imports, so the extract path
stays fast and every stage can be called directly from tests. The SQLModel
tables in ``schemas.tables`` are the only persistent shape.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: The metric vocabulary of the extract contract. Names never change; new
#: metrics may be added.
METRICS: dict[str, str] = {
    "ai_investment_usd": "USD",
    "ai_deal_count": "deals",
    "funding_round_usd": "USD",
    "user_count": "users",
    "chip_export_event": "event",
    "talent_share_pct": "percent",
}

USER_QUALIFIERS = (
    "total",
    "monthly_active",
    "weekly_active",
    "daily_active",
    "downloads",
    "registered",
)
CHIP_ACTIONS = ("restrict", "tighten", "relax", "license", "ban", "domestic_chip_launch")

#: Keys printed by ``gaptrack extract`` for every observation, in order.
CONTRACT_KEYS = (
    "metric",
    "value",
    "unit",
    "country",
    "entity",
    "org",
    "counterparty",
    "qualifier",
    "action",
    "items",
    "period",
    "evidence",
)


class SourceKind(StrEnum):
    """How a source lists its articles."""

    RSS = "rss"
    SITEMAP = "sitemap"
    HTML = "html"
    FEDERAL_REGISTER = "federal_register"
    GDELT = "gdelt"


@dataclass(frozen=True, slots=True)
class Source:
    """A configured place to discover articles (one ``[[source]]`` of sources.toml)."""

    name: str
    kind: str
    url: str
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class Link:
    """A URL discovered on a source, with what the listing said about it."""

    url: str
    source: str
    published: dt.date | None = None
    title: str | None = None


class FetchState(StrEnum):
    """The one final state every discovered URL ends in."""

    NEW = "new"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched HTTP response body with the metadata needed to parse and archive it."""

    url: str
    final_url: str
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict, hash=False)
    fetched_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    source: str | None = None
    listed_published: dt.date | None = None

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True, slots=True)
class FetchOutcome:
    """What happened to one discovered URL; ``page`` is set only when a body was read.

    ``body_digest`` names the body in the raw archive once it is stored there;
    from then on the page may travel without its body.
    """

    url: str
    state: FetchState
    reason: str | None = None
    error: str | None = None
    attempts: int = 0
    http_status: int | None = None
    page: Page | None = None
    source: str | None = None
    body_digest: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """Clean main text and metadata of one news page."""

    url: str
    title: str | None
    published: dt.date | None
    text: str
    fetched_url: str | None = None
    fetched_at: dt.datetime | None = None
    source: str | None = None

    @property
    def content_hash(self) -> str:
        """Hash of the main text: the same story under two URLs hashes the same."""
        return hashlib.sha256(" ".join(self.text.split()).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Observation:
    """One extracted value with the exact sentence it came from."""

    metric: str
    value: float
    evidence: str
    unit: str = ""
    country: str | None = None
    entity: str | None = None
    org: str | None = None
    counterparty: str | None = None
    qualifier: str | None = None
    action: str | None = None
    items: tuple[str, ...] = ()
    period: str | None = None
    evidence_start: int | None = None
    evidence_end: int | None = None
    original_value: float | None = None
    original_currency: str | None = None

    def __post_init__(self) -> None:
        if not self.unit and self.metric in METRICS:
            object.__setattr__(self, "unit", METRICS[self.metric])

    def to_contract(self) -> dict[str, Any]:
        """The stable JSON form printed by ``gaptrack extract``."""
        # Attribute reads, not dataclasses.asdict: this runs for every stored value.
        out = {k: getattr(self, k) for k in CONTRACT_KEYS}
        out["items"] = list(self.items)
        return out

    def key(self, article_url: str, extractor_version: str) -> str:
        """Natural key: the same fact from the same article and extractor is stored once."""
        parts = [article_url, extractor_version, *(str(v) for v in self.to_contract().values())]
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def period_bounds(period: str | None) -> tuple[dt.date | None, dt.date | None]:
    """First and last day covered by ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``A/B``."""
    if not period:
        return None, None
    if "/" in period:
        a, b = period.split("/", 1)
        return period_bounds(a)[0], period_bounds(b)[1]
    parts = [int(p) for p in period.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        y, m = parts
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        return dt.date(y, m, 1), nxt - dt.timedelta(days=1)
    d = dt.date(*parts)
    return d, d


@dataclass(frozen=True, slots=True)
class Rejected:
    """An observation that failed validation, with the names of the failed expectations."""

    observation: Observation
    failed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PageResult:
    """Everything learned from one fetched URL, stored in one transaction.

    ``state`` is the pipeline's verdict before storing; the store may still turn
    NEW into UNCHANGED (another run stored the same text first) or SKIPPED
    (duplicate text under another URL).
    """

    outcome: FetchOutcome
    state: FetchState
    article: Article | None = None
    observations: tuple[Observation, ...] = ()
    rejected: tuple[Rejected, ...] = ()
    reason: str | None = None
    error: str | None = None
