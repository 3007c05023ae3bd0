"""Hand-made stories stored through the real store, for every report test."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from schemas.records import Article, FetchOutcome, FetchState, Observation, PageResult, Source
from schemas.store import Store

NEWS = "https://news.example"
GOV = "https://www.bis.gov"


@dataclass
class Story:
    """One article and what it states."""

    url: str
    published: dt.date
    observations: list[Observation] = field(default_factory=list)
    title: str = "A story about the AI race"
    source: str = "wire"


def obs(metric: str, value: float, evidence: str = "", **keys: object) -> Observation:
    """An observation with a default evidence sentence."""
    return Observation(
        metric=metric, value=value, evidence=evidence or f"{metric} was {value:g}.", **keys
    )


def save(url: str, stories: list[Story], *, version: str = "t1") -> None:
    """Store stories as new articles with their observations."""
    store = Store(url)
    try:
        names = sorted({s.source for s in stories})
        ids = store.sync_sources(
            [
                Source(n, "federal_register" if n == "fedreg" else "rss", f"{NEWS}/{n}")
                for n in names
            ]
        )
        results = []
        for i, s in enumerate(stories):
            text = f"Story {i}. " + " ".join(o.evidence for o in s.observations)
            art = Article(
                url=s.url, title=s.title, published=s.published, text=text, source=s.source
            )
            out = FetchOutcome(url=s.url, state=FetchState.NEW, source=s.source)
            results.append(
                PageResult(
                    outcome=out,
                    state=FetchState.NEW,
                    article=art,
                    observations=tuple(s.observations),
                )
            )
        store.save(None, results, extractor_version=version, source_ids=ids)
    finally:
        store.close()


def d(text: str) -> dt.date:
    """A date from YYYY-MM-DD."""
    return dt.date.fromisoformat(text)


def gap_stories() -> list[Story]:
    """A small but complete picture of the gap: every indicator, repeats and conflicts."""
    inv, deals, users = "ai_investment_usd", "ai_deal_count", "user_count"
    chip, talent, rounds = "chip_export_event", "talent_share_pct", "funding_round_usd"
    return [
        Story(
            f"{NEWS}/2022/ai-index",
            d("2022-03-17"),
            [
                obs(
                    inv,
                    52.9e9,
                    "US AI investment reached $52.9 billion in 2021.",
                    country="US",
                    period="2021",
                ),
                obs(inv, 17e9, "China drew $17 billion in 2021.", country="CN", period="2021"),
            ],
            title="AI Index 2022",
        ),
        Story(
            f"{NEWS}/2023/ai-index",
            d("2023-04-04"),
            [
                obs(
                    inv,
                    47.4e9,
                    "US private AI investment was $47.4 billion in 2022.",
                    country="US",
                    period="2022",
                ),
                obs(
                    inv,
                    13.4e9,
                    "China followed with $13.4 billion in 2022.",
                    country="CN",
                    period="2022",
                ),
                obs(
                    deals,
                    1151,
                    "US startups closed 1,151 AI deals in 2022.",
                    country="US",
                    period="2022",
                ),
                obs(
                    deals,
                    160,
                    "Chinese startups closed 160 deals in 2022.",
                    country="CN",
                    period="2022",
                ),
            ],
            title="AI Index 2023",
        ),
        Story(
            f"{NEWS}/2023/11/chatgpt-devday",
            d("2023-11-07"),
            [
                obs(
                    users,
                    100e6,
                    "ChatGPT now has 100 million weekly users, OpenAI said on November 6.",
                    country="US",
                    entity="ChatGPT",
                    org="OpenAI",
                    qualifier="weekly_active",
                    period="2023-11-06",
                ),
            ],
            title="ChatGPT has 100 million weekly users",
        ),
        Story(
            f"{NEWS}/2023/12/ernie",
            d("2023-12-29"),
            [
                obs(
                    users,
                    100e6,
                    "Baidu's Ernie Bot has passed 100 million users.",
                    country="CN",
                    entity="Ernie Bot",
                    org="Baidu",
                    qualifier="total",
                    period="2023-12-28",
                ),
                obs(
                    users,
                    100e6,
                    "OpenAI's ChatGPT had 100 million weekly users in November.",
                    country="US",
                    entity="OpenAI's ChatGPT",
                    org="OpenAI",
                    qualifier="weekly_active",
                    period="2023-11",
                ),
            ],
            title="Ernie Bot tops 100 million users",
        ),
        Story(
            f"{NEWS}/2024/04/ai-index",
            d("2024-04-16"),
            [
                obs(
                    inv,
                    67.2e9,
                    "US private AI investment rose to $67.2 billion in 2023.",
                    country="US",
                    period="2023",
                ),
                obs(
                    inv, 7.8e9, "China's fell to $7.8 billion in 2023.", country="CN", period="2023"
                ),
                obs(
                    deals, 1143, "US AI deals numbered 1,143 in 2023.", country="US", period="2023"
                ),
                obs(
                    deals,
                    232,
                    "Chinese AI deals numbered 232 in 2023.",
                    country="CN",
                    period="2023",
                ),
                obs(
                    talent,
                    18,
                    "The US is home to 18% of top-tier AI researchers.",
                    country="US",
                    qualifier="top-tier AI researchers",
                    period="2024",
                ),
                obs(
                    talent,
                    47,
                    "China trained 47% of top-tier AI researchers.",
                    country="CN",
                    qualifier="top-tier AI researchers",
                    period="2024",
                ),
            ],
            title="AI Index 2024",
        ),
        Story(
            f"{NEWS}/2024/04/cb-insights",
            d("2024-04-25"),
            [
                obs(
                    inv,
                    9.3e9,
                    "US AI startups raised $9.3 billion in the first quarter of 2024.",
                    country="US",
                    period="2024-01/2024-03",
                ),
                obs(
                    inv,
                    1.1e9,
                    "Chinese AI startups raised $1.1 billion in the first quarter.",
                    country="CN",
                    period="2024-01/2024-03",
                ),
                obs(
                    inv,
                    67e9,
                    "Last year US AI startups took $67 billion.",
                    country="US",
                    period="2023",
                ),
            ],
            title="CB Insights: Q1 2024",
        ),
        Story(
            f"{NEWS}/2024/12/chatgpt-300m",
            d("2024-12-05"),
            [
                obs(
                    users,
                    300e6,
                    "ChatGPT has 300 million weekly users.",
                    country="US",
                    entity="chatgpt",
                    org="OpenAI",
                    qualifier="weekly_active",
                    period="2024-12",
                ),
                obs(
                    users,
                    10e6,
                    "Qwen was downloaded 10 million times.",
                    country="CN",
                    entity="Qwen",
                    org="Alibaba",
                    qualifier="downloads",
                    period="2024-11",
                ),
            ],
        ),
        Story(
            f"{NEWS}/2025/01/pitchbook",
            d("2025-01-08"),
            [
                obs(
                    inv,
                    97e9,
                    "US AI startups took $97 billion in 2024, PitchBook says.",
                    country="US",
                    period="2024",
                ),
            ],
            title="PitchBook: $97bn",
        ),
        Story(
            f"{NEWS}/2025/04/ai-index",
            d("2025-04-08"),
            [
                obs(
                    inv,
                    109.1e9,
                    "US private AI investment reached $109.1 billion in 2024.",
                    country="US",
                    period="2024",
                ),
                obs(
                    inv, 9.3e9, "China's reached $9.3 billion in 2024.", country="CN", period="2024"
                ),
                obs(
                    inv,
                    67.2e9,
                    "That is up from $67.2 billion in 2023.",
                    country="US",
                    period="2023",
                ),
            ],
            title="AI Index 2025",
        ),
        Story(
            f"{NEWS}/2026/02/talent-gap",
            d("2026-02-26"),
            [
                obs(
                    inv,
                    109.1e9,
                    "Private AI investment in the US reached $109.1 billion in 2024.",
                    country="US",
                    period="2024",
                ),
                obs(
                    users,
                    157e6,
                    "Doubao had 157 million monthly active users in August.",
                    country="CN",
                    entity="Doubao",
                    org="ByteDance",
                    qualifier="monthly_active",
                    period="2025-08",
                ),
                obs(
                    users,
                    700e6,
                    "ChatGPT reached 700 million weekly users in August.",
                    country="US",
                    entity="ChatGPT",
                    org="OpenAI",
                    qualifier="weekly_active",
                    period="2025-08",
                ),
            ],
            title="The talent gap",
        ),
        Story(
            f"{NEWS}/2022/09/a100",
            d("2022-09-01"),
            [
                obs(
                    chip,
                    1,
                    "The US Commerce Department told Nvidia to stop selling A100 and H100 chips to China.",
                    country="US",
                    entity="US Commerce Department",
                    counterparty="CN",
                    action="restrict",
                    items=("A100", "H100"),
                    period="2022-08-31",
                ),
            ],
            title="US curbs A100 sales",
        ),
        Story(
            f"{NEWS}/2026/02/timeline",
            d("2026-02-05"),
            [
                obs(
                    chip,
                    1,
                    "August 2022: the US restricts Nvidia A100 and H100 sales to China.",
                    country="US",
                    counterparty="CN",
                    action="restrict",
                    items=("Nvidia A100", "Nvidia H100"),
                    period="2022-08",
                ),
                obs(
                    chip,
                    1,
                    "December 2024: China bans gallium and germanium exports to the US.",
                    country="CN",
                    counterparty="US",
                    action="ban",
                    items=("gallium", "germanium"),
                    period="2024-12",
                ),
            ],
            title="Four years of chip controls",
        ),
        Story(
            f"{GOV}/press/2023-10-17",
            d("2023-10-17"),
            [
                obs(
                    chip,
                    1,
                    "The Bureau of Industry and Security restricts exports of A800 and H800 chips.",
                    country="US",
                    counterparty="CN",
                    action="restrict",
                    items=("A800", "H800"),
                    period="2023-10-17",
                ),
            ],
            title="BIS updates export controls",
            source="fedreg",
        ),
        Story(
            f"{NEWS}/2024/10/openai-round",
            d("2024-10-03"),
            [
                obs(
                    rounds,
                    6.6e9,
                    "OpenAI raised $6.6 billion led by Thrive Capital.",
                    country="US",
                    entity="OpenAI",
                    counterparty="Thrive Capital",
                    period="2024-10-02",
                ),
            ],
        ),
    ]


@pytest.fixture
def gap_url(db_url: str) -> str:
    """A store (SQLite and PostgreSQL) holding ``gap_stories``."""
    save(db_url, gap_stories())
    return db_url


@pytest.fixture
def sqlite_gap_url(tmp_path: object) -> str:
    """A SQLite store holding ``gap_stories``."""
    url = f"sqlite:///{tmp_path}/gap.db"
    save(url, gap_stories())
    return url
