"""Metric extractors: numbers, entities, deals, users, chips, talent.

``extract`` turns an article's main text into ``Observation``s, each carrying
the exact sentence it came from. Pure Python and ``re``: it runs in
milliseconds per article and never needs the network or a model.
"""

from __future__ import annotations

import datetime as dt
import math

from extractors.metrics.chips import extract_chip_events
from extractors.metrics.deals import extract_deals
from extractors.metrics.document import analyse
from extractors.metrics.rounds import extract_rounds
from extractors.metrics.talent import extract_talent
from extractors.metrics.users import extract_users
from schemas.records import Observation

__all__ = ["EXTRACTOR_VERSION", "extract"]

#: Bump when the same text would yield different observations.
EXTRACTOR_VERSION = "0.4.0"

# Plausible ranges, the same as the validation suite's (expectations/observations.json),
# so that a misread scale is dropped here rather than quarantined later.
_LIMITS = {
    "ai_investment_usd": (1.0, 2e12),
    "funding_round_usd": (1e5, 2e11),
    "ai_deal_count": (1.0, 1e5),
    "user_count": (1.0, 1e10),
    "chip_export_event": (1.0, 1.0),
    "talent_share_pct": (0.0, 100.0),
}


def _plausible(o: Observation) -> bool:
    lo, hi = _LIMITS.get(o.metric, (-math.inf, math.inf))
    return math.isfinite(o.value) and lo <= o.value <= hi


def extract(
    text: str, *, published: dt.date | None = None, title: str | None = None
) -> list[Observation]:
    """Observations found in an article's main text, in reading order."""
    if not text or not text.strip():
        return []
    doc = analyse(text, published, title)
    rounds, used = extract_rounds(doc)
    found = [
        *rounds,
        *extract_deals(doc, used),
        *extract_users(doc),
        *extract_chip_events(doc),
        *extract_talent(doc),
    ]
    found = [o for o in found if _plausible(o)]
    return sorted(found, key=lambda o: (o.evidence_start or 0, o.metric))
