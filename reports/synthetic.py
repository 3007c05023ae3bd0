"""Synthetic observations for benchmarks: a store filled with N realistic rows, fast.

The rows look like what the extractors store from real news: a few thousand
underlying facts (yearly and quarterly investment totals, product user counts,
funding rounds, chip-export events, talent shares), each restated by many
articles with the variations the report has to consolidate: rounded values,
a competing older estimate, the entity written three ways ("OpenAI's ChatGPT",
"chatgpt"), dates given to the day, the month or the year, and some articles
from official (.gov) sources.

Rows are bulk-loaded through the store's engine: one ``executemany`` per chunk
on SQLite and ``COPY`` on PostgreSQL, so a million rows take seconds.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

EXTRACTOR_VERSION = "synthetic-1"
CHUNK = 50_000

#: (name, kind, host, official)
SOURCES = (
    ("wire-a", "rss", "news-a.example", False),
    ("wire-b", "rss", "news-b.example", False),
    ("tech-press", "html", "techpress.example", False),
    ("markets", "sitemap", "markets.example", False),
    ("federal-register", "federal_register", "www.federalregister.gov", True),
)
SOURCE_WEIGHTS = (0.3, 0.25, 0.2, 0.2, 0.05)

#: canonical product, maker, country, the ways articles write the product
PRODUCTS = (
    ("ChatGPT", "OpenAI", "US", ("ChatGPT", "OpenAI's ChatGPT", "chatgpt")),
    ("Gemini", "Google", "US", ("Gemini", "Google's Gemini", "Google Gemini")),
    ("Claude", "Anthropic", "US", ("Claude", "Anthropic's Claude", "Claude")),
    ("Meta AI", "Meta", "US", ("Meta AI", "Meta AI", "Meta's Meta AI")),
    ("Copilot", "Microsoft", "US", ("Copilot", "Microsoft's Copilot", "Copilot")),
    ("Ernie Bot", "Baidu", "CN", ("Ernie Bot", "Baidu's Ernie Bot", "ERNIE Bot")),
    ("Doubao", "ByteDance", "CN", ("Doubao", "ByteDance's Doubao", "Doubao")),
    ("Kimi", "Moonshot AI", "CN", ("Kimi", "Moonshot AI's Kimi", "Kimi")),
    ("Qwen", "Alibaba", "CN", ("Qwen", "Alibaba's Qwen", "Qwen")),
    ("DeepSeek", "DeepSeek", "CN", ("DeepSeek", "DeepSeek", "deepseek")),
)
COMPANIES = (
    ("OpenAI", "US"),
    ("Anthropic", "US"),
    ("xAI", "US"),
    ("Scale AI", "US"),
    ("Mistral AI", "FR"),
    ("Moonshot AI", "CN"),
    ("Zhipu AI", "CN"),
    ("MiniMax", "CN"),
    ("Baichuan", "CN"),
    ("StepFun", "CN"),
)
INVESTORS = ("Microsoft", "Amazon", "Alibaba", "Tencent", "SoftBank", "Thrive Capital", None)
CHIP_ITEMS = (
    ("Nvidia A100", "Nvidia H100"),
    ("A800", "H800"),
    ("H20",),
    ("Nvidia H20", "AMD MI308"),
    ("high-bandwidth memory",),
    ("chipmaking equipment",),
    ("gallium", "germanium"),
    ("lithography systems",),
)
CHIP_ACTORS = (("US", "CN"), ("US", "CN"), ("US", "CN"), ("CN", "US"), ("NL", "CN"), ("JP", "CN"))
CHIP_ACTIONS = ("restrict", "tighten", "license", "ban", "relax")
TALENT_QUALIFIER = "top-tier AI researchers"


@dataclass(frozen=True, slots=True)
class _Fact:
    metric: str
    unit: str
    value: float
    date: dt.date  # when the figure became true; articles come after it
    precision: int  # 1 year, 2 month, 3 day, 4 range
    period: str
    country: str | None = None
    names: tuple[str, ...] = ()
    org: str | None = None
    counterparty: str | None = None
    qualifier: str | None = None
    action: str | None = None
    items: tuple[str, ...] = ()


def _quarter(year: int, q: int) -> tuple[str, dt.date]:
    first = 3 * q - 2
    return f"{year}-{first:02d}/{year}-{first + 2:02d}", dt.date(
        year + (q == 4), (3 * q) % 12 + 1, 1
    )


def _catalogue(rng: Any) -> list[_Fact]:
    """The underlying facts that articles restate."""
    facts: list[_Fact] = []
    base = {"US": 30e9, "CN": 12e9, "GB": 3e9, "FR": 1.5e9, "IN": 1e9, "DE": 1.2e9}
    growth = {"US": 1.25, "CN": 1.05, "GB": 1.1, "FR": 1.15, "IN": 1.2, "DE": 1.08}
    for year in range(2015, 2026):
        for c, b in base.items():
            usd = round(b * growth[c] ** (year - 2015) * rng.uniform(0.85, 1.15), -8)
            deals = round(usd / rng.uniform(40e6, 80e6))
            end = dt.date(year + 1, 1, 15)
            facts.append(_Fact("ai_investment_usd", "USD", usd, end, 1, str(year), c))
            facts.append(_Fact("ai_deal_count", "deals", deals, end, 1, str(year), c))
            if c in ("US", "CN"):
                for q in range(1, 5):
                    period, qend = _quarter(year, q)
                    share = usd * rng.uniform(0.18, 0.32)
                    facts.append(
                        _Fact("ai_investment_usd", "USD", round(share, -7), qend, 4, period, c)
                    )
                    facts.append(
                        _Fact("ai_deal_count", "deals", round(deals / 4), qend, 4, period, c)
                    )
    for i, (_product, maker, country, names) in enumerate(PRODUCTS):
        start = dt.date(2022, 11, 30) + dt.timedelta(days=45 * i)
        users = 1e6 * rng.uniform(1, 5)
        day = start
        while day < dt.date(2026, 2, 1):
            for qualifier in ("monthly_active", "weekly_active"):
                value = users * (1 if qualifier == "monthly_active" else 0.6)
                facts.append(
                    _Fact(
                        "user_count",
                        "users",
                        float(f"{value:.2g}"),
                        day,
                        3,
                        day.isoformat(),
                        country,
                        names,
                        maker,
                        qualifier=qualifier,
                    )
                )
            users *= rng.uniform(1.1, 1.6)
            day += dt.timedelta(days=int(rng.integers(60, 120)))
    for company, country in COMPANIES:
        day = dt.date(2019, 1, 1) + dt.timedelta(days=int(rng.integers(0, 900)))
        amount = rng.uniform(0.1e9, 1e9)
        while day < dt.date(2026, 2, 1):
            facts.append(
                _Fact(
                    "funding_round_usd",
                    "USD",
                    float(f"{amount:.2g}"),
                    day,
                    3,
                    day.isoformat(),
                    country,
                    (company, f"{company} Inc.", company.lower()),
                    counterparty=INVESTORS[int(rng.integers(0, len(INVESTORS)))],
                )
            )
            amount *= rng.uniform(1.2, 3.0)
            day += dt.timedelta(days=int(rng.integers(150, 400)))
    day = dt.date(2019, 5, 15)
    while day < dt.date(2026, 2, 1):
        actor, target = CHIP_ACTORS[int(rng.integers(0, len(CHIP_ACTORS)))]
        items = CHIP_ITEMS[int(rng.integers(0, len(CHIP_ITEMS)))]
        action = CHIP_ACTIONS[int(rng.integers(0, len(CHIP_ACTIONS)))]
        org = "US Commerce Department" if actor == "US" and rng.random() < 0.5 else None
        facts.append(
            _Fact(
                "chip_export_event",
                "event",
                1.0,
                day,
                3,
                day.isoformat(),
                actor,
                (org,) if org else (),
                counterparty=target,
                action=action,
                items=items,
            )
        )
        day += dt.timedelta(days=int(rng.integers(20, 90)))
    for year in range(2018, 2026):
        shares = {"US": 60 - 2.5 * (year - 2018), "CN": 29 + 3 * (year - 2018), "IN": 5.0}
        for c, share in shares.items():
            facts.append(
                _Fact(
                    "talent_share_pct",
                    "percent",
                    round(share),
                    dt.date(year, 6, 30),
                    1,
                    str(year),
                    c,
                    qualifier=TALENT_QUALIFIER,
                )
            )
    return facts


def _money(v: float) -> str:
    return f"${v / 1e9:,.1f} billion" if v >= 1e9 else f"${v / 1e6:,.0f} million"


def _evidence(f: _Fact, name: str | None, value: float, period: str | None) -> str:
    when = f" in {period}" if period else ""
    if f.metric == "ai_investment_usd":
        return f"AI startups in {f.country} raised {_money(value)}{when}, data show."
    if f.metric == "ai_deal_count":
        return f"Investors closed {value:,.0f} AI deals in {f.country}{when}."
    if f.metric == "user_count":
        kind = (f.qualifier or "").replace("_", " ")
        return f"{name} reached {value / 1e6:,.0f} million {kind} users{when}."
    if f.metric == "funding_round_usd":
        lead = f" led by {f.counterparty}" if f.counterparty else ""
        return f"{name} raised {_money(value)}{lead}{when}."
    if f.metric == "chip_export_event":
        who = name or f.country
        return (
            f"{who} moved to {f.action} exports of {', '.join(f.items)} to {f.counterparty}{when}."
        )
    return f"{f.country} is home to {value:g}% of {f.qualifier}{when}."


def _period_variant(f: _Fact, kind: int) -> str | None:
    """How precisely an article dates the fact: the day, its month, not at all, or its year."""
    if f.precision != 3 or kind == 0:
        return f.period
    if kind == 1:
        return f.period[:7]
    if kind == 2 and f.metric != "chip_export_event":
        return None
    return f.period[:4]


def _period_bounds(period: str | None) -> tuple[str | None, str | None]:
    from schemas.records import period_bounds

    start, end = period_bounds(period)
    return (start.isoformat() if start else None, end.isoformat() if end else None)


def fill(store_url: str, n: int, *, seed: int = 0, articles: int | None = None) -> int:
    """Append ``n`` synthetic observations (and their articles) to a store; returns ``n``."""
    import numpy as np

    from schemas.store import Store

    rng = np.random.default_rng(seed)
    facts = _catalogue(rng)
    n_articles = articles or max(10, n // 10)
    token = uuid.uuid4().hex[:10]
    now = dt.datetime.now(dt.UTC)

    # Popular facts are restated far more often than obscure ones.
    weights = rng.pareto(1.5, len(facts)) + 1
    weights /= weights.sum()
    fact_idx = rng.choice(len(facts), size=n, p=weights)

    first_day = dt.date(2016, 1, 1).toordinal()
    last_day = dt.date(2026, 2, 28).toordinal()
    pub_ord = np.sort(rng.integers(first_day, last_day + 1, n_articles))
    fact_ord = np.array([f.date.toordinal() for f in facts])
    lag = rng.exponential(90, n).astype(np.int64)
    wanted = np.minimum(fact_ord[fact_idx] + lag, last_day)
    art_idx = np.minimum(np.searchsorted(pub_ord, wanted), n_articles - 1)
    src_idx = rng.choice(len(SOURCES), size=n_articles, p=SOURCE_WEIGHTS)

    # Each row is one fact told one way: value variant x name variant x date precision.
    value_kind = np.digitize(rng.random(n), (0.85, 0.96))
    name_kind = rng.integers(0, 3, n)
    period_kind = np.digitize(rng.random(n), (0.55, 0.85, 0.95))
    variant = ((fact_idx * 3 + value_kind) * 3 + name_kind) * 4 + period_kind
    stamp = now.replace(tzinfo=None).isoformat(sep=" ")

    store = Store(store_url)
    try:
        source_ids = store.sync_sources(_source_records())
        first_id = _next_id(store, "articles")
        article_rows = (
            (
                first_id + i,
                *_article_row(
                    i, token, int(pub_ord[i]), SOURCES[int(src_idx[i])], source_ids, stamp
                ),
            )
            for i in range(n_articles)
        )
        _load(store, "articles", article_rows)
        cache: dict[int, tuple[Any, ...]] = {}

        def told(v: int) -> tuple[Any, ...]:
            row = cache.get(v)
            if row is None:
                rest, pk = divmod(v, 4)
                rest, nk = divmod(rest, 3)
                fi, vk = divmod(rest, 3)
                row = cache[v] = _observation_values(facts[fi], vk, nk, pk, stamp)
            return row

        obs_rows = (
            (f"{token}-{i:09d}", first_id + a, *told(v))
            for i, (a, v) in enumerate(zip(art_idx.tolist(), variant.tolist(), strict=True))
        )
        _load(store, "observations", obs_rows)
    finally:
        store.close()
    return n


def _source_records() -> list[Any]:
    from schemas.records import Source

    return [Source(name, kind, f"https://{host}/feed") for name, kind, host, _ in SOURCES]


def _article_row(
    i: int,
    token: str,
    ordinal: int,
    source: tuple[str, str, str, bool],
    source_ids: dict[str, int],
    stamp: str,
) -> tuple[Any, ...]:
    day = dt.date.fromordinal(ordinal)
    name, _kind, host, _official = source
    url = f"https://{host}/{day:%Y/%m}/story-{token}-{i}.html"
    return (
        url,
        url,
        source_ids[name],
        f"Story {i} on the AI race",
        day.isoformat(),
        stamp,
        uuid.uuid5(uuid.NAMESPACE_URL, url).hex * 2,
        EXTRACTOR_VERSION,
        "Synthetic article text.",
    )


ARTICLE_COLUMNS = (
    "id",
    "url",
    "fetched_url",
    "source_id",
    "title",
    "published_at",
    "fetched_at",
    "content_hash",
    "extractor_version",
    "text",
)
OBSERVATION_COLUMNS = (
    "key",
    "article_id",
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
    "period_start",
    "period_end",
    "evidence",
    "extractor_version",
    "ingested_at",
)


def _observation_values(
    f: _Fact, value_kind: int, name_kind: int, period_kind: int, stamp: str
) -> tuple[Any, ...]:
    """Every column after ``key`` and ``article_id`` for one way of telling a fact."""
    value = f.value
    if f.metric != "chip_export_event":
        if value_kind == 2:
            value = value * 1.25  # an older, competing estimate
        elif value_kind == 1:
            value = float(f"{value:.2g}")  # rounded in the retelling
    name = f.names[name_kind % len(f.names)] if f.names else None
    period = _period_variant(f, period_kind)
    start, end = _period_bounds(period)
    entity = name if f.metric in ("user_count", "funding_round_usd", "chip_export_event") else None
    return (
        f.metric,
        value,
        f.unit,
        f.country,
        entity,
        f.org,
        f.counterparty,
        f.qualifier,
        f.action,
        json.dumps(list(f.items)),
        period,
        start,
        end,
        _evidence(f, name, value, period),
        EXTRACTOR_VERSION,
        stamp,
    )


def _chunks(rows: Iterator[tuple[Any, ...]] | Sequence[tuple[Any, ...]]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _next_id(store: Any, table: str) -> int:
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        return int(cur.fetchone()[0]) + 1
    finally:
        raw.close()


def _load(store: Any, table: str, rows: Iterator[tuple[Any, ...]] | Sequence[Any]) -> None:
    """Bulk-append rows in one transaction."""
    columns = ARTICLE_COLUMNS if table == "articles" else OBSERVATION_COLUMNS
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        if store.is_sqlite:
            # The store's connections run in autocommit; one explicit transaction
            # per load keeps SQLite from syncing after every chunk, and a large page
            # cache keeps the four index b-trees in memory while rows arrive.
            cur.execute("PRAGMA cache_size=-500000")
            cur.execute("BEGIN IMMEDIATE")
            sql = (
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})"
            )
            for batch in _chunks(rows):
                cur.executemany(sql, batch)
            cur.execute("COMMIT")
        else:
            cur.execute("SET synchronous_commit = off")
            raw.commit()
            try:
                # The article ids were just written by this load; checking the foreign
                # key row by row triples the load time. Only superusers may skip it.
                cur.execute("SET session_replication_role = replica")
                raw.commit()
            except Exception:
                raw.rollback()
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for batch in _chunks(rows):
                    for r in batch:
                        copy.write_row(r)
            if "id" in columns:
                # Explicit ids leave the serial sequence behind; later appends need it ahead.
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
            raw.commit()
            cur.execute("RESET session_replication_role")
            cur.execute("RESET synchronous_commit")
            cur.execute(f"ANALYZE {table}")
            raw.commit()
        cur.close()
    finally:
        raw.close()
