"""Shared fixtures: one article text, a valid observation per metric, a warmed-up suite."""

from __future__ import annotations

import pytest

from expectations.validate import validate
from schemas.records import Observation

URL = "https://news.example/ai-gap"

TEXT = """China's AI investment reached $12 billion in 2024, the ministry said.
Chinese AI start-ups closed 300 deals last year. Moonshot raised $1 billion in a round
led by Alibaba. DeepSeek had 30 million monthly active users in January.
The US restricted exports of H20 chips to China.
China trained 47% of the world's top AI researchers."""

VALID: dict[str, Observation] = {
    "ai_investment_usd": Observation(
        "ai_investment_usd",
        12e9,
        "China's AI investment reached $12 billion in 2024",
        country="CN",
        period="2024",
    ),
    "ai_deal_count": Observation(
        "ai_deal_count", 300, "Chinese AI start-ups closed 300 deals last year.", country="CN"
    ),
    "funding_round_usd": Observation(
        "funding_round_usd",
        1e9,
        # The text breaks this sentence over two lines; the check ignores whitespace runs.
        "Moonshot raised $1 billion in a round led by Alibaba.",
        country="CN",
        entity="Moonshot",
    ),
    "user_count": Observation(
        "user_count",
        30e6,
        "DeepSeek had 30 million monthly active users in January.",
        country="CN",
        qualifier="monthly_active",
        period="2025-01",
    ),
    "chip_export_event": Observation(
        "chip_export_event",
        1,
        "The US restricted exports of H20 chips to China.",
        country="US",
        action="restrict",
        items=("H20",),
    ),
    "talent_share_pct": Observation(
        "talent_share_pct",
        47,
        "China trained 47% of the world's top AI researchers.",
        country="CN",
    ),
}


@pytest.fixture(scope="session")
def suite_ready() -> None:
    """Build the GX context, suite and batch definition once for the whole session."""
    validate([(URL, VALID["ai_deal_count"])], {URL: TEXT})
