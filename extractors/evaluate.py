"""Scoring the extractors against a folder of articles with gold facts.

The folder holds ``articles/NNN.json`` (id, url, title, published, text with
paragraphs separated by blank lines, optional ``boilerplate_start``) and
``gold/NNN.json`` (a list of facts). Each article is wrapped in a news page with
navigation, byline, a related-links aside and a footer, then parsed and
extracted exactly as ``gaptrack extract`` does. Predictions are matched to gold
one to one per metric:

- investment totals and deal counts: same country, value within 2 %, same year
  when the gold fact has a period;
- funding rounds: value within 2 %, the entity names the company;
- user counts: value within 2 %, the entity (or maker) names the product or maker;
- talent shares: same country, value within 1 %, evidence overlapping the gold
  sentence (at least half the words of the shorter one);
- chip-export events: evidence overlapping the gold sentence (at least 60 %)
  and the same kind of action (restricting, relaxing or licensing, domestic launch).

Facts of metric ``other`` are not scored.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCORED = (
    "ai_investment_usd",
    "ai_deal_count",
    "funding_round_usd",
    "user_count",
    "chip_export_event",
    "talent_share_pct",
)
_COUNTRY_NAMES = {
    "united states": "US",
    "usa": "US",
    "u.s.": "US",
    "america": "US",
    "china": "CN",
    "prc": "CN",
    "mainland china": "CN",
    "united kingdom": "GB",
    "uk": "GB",
    "britain": "GB",
}


@dataclass(frozen=True, slots=True)
class Case:
    """One article and its gold facts."""

    id: str
    article: dict[str, Any]
    gold: list[dict[str, Any]]


@dataclass(slots=True)
class Tally:
    """Counts for one metric."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        """Share of predictions that match a gold fact."""
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Share of gold facts found."""
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Scores:
    """Per-metric and overall results, with every miss."""

    by_metric: dict[str, Tally] = field(default_factory=lambda: {m: Tally() for m in SCORED})
    misses: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    articles: int = 0

    @property
    def total(self) -> Tally:
        """Micro-averaged counts over every metric."""
        t = Tally()
        for m in self.by_metric.values():
            t.tp += m.tp
            t.predicted += m.predicted
            t.gold += m.gold
        return t

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        total = self.total
        return {
            "articles": self.articles,
            "precision": round(total.precision, 4),
            "recall": round(total.recall, 4),
            "f1": round(total.f1, 4),
            "metrics": {
                m: {
                    "tp": t.tp,
                    "predicted": t.predicted,
                    "gold": t.gold,
                    "precision": round(t.precision, 4),
                    "recall": round(t.recall, 4),
                    "f1": round(t.f1, 4),
                }
                for m, t in self.by_metric.items()
            },
        }


def load_cases(folder: Path, ids: Iterable[str] | None = None) -> list[Case]:
    """Read every article with a gold file in ``folder``."""
    wanted = set(ids) if ids else None
    cases = []
    for gold_file in sorted((folder / "gold").glob("*.json")):
        case_id = gold_file.stem
        if wanted is not None and case_id not in wanted:
            continue
        article = json.loads((folder / "articles" / f"{case_id}.json").read_text(encoding="utf-8"))
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        cases.append(Case(case_id, article, gold))
    if not cases:
        raise FileNotFoundError(f"no gold/*.json with matching articles/ under {folder}")
    return cases


def news_page(article: dict[str, Any]) -> str:
    """Wrap an article's text in a page with the furniture real news sites have."""
    esc = html.escape
    title = esc(article.get("title") or "")
    boiler = article.get("boilerplate_start") or ""
    body: list[str] = []
    aside: list[str] = []
    target = body
    for para in (p.strip() for p in str(article.get("text") or "").split("\n")):
        if not para:
            continue
        if boiler and para.startswith(boiler[:30]):
            target = aside
        target.append(f"<p>{esc(para)}</p>")
    published = article.get("published")
    meta = (
        f'<meta property="article:published_time" content="{published}T07:00:00Z">'
        if published
        else ""
    )
    sections = "".join(
        f'<li><a href="/{s}">{s.title()}</a></li>' for s in ("world", "business", "tech", "ai")
    )
    related = "".join(
        f'<li><a href="/story/{i}">Markets slip as traders weigh the next rate decision</a></li>'
        for i in range(5)
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{meta}'
        f'<link rel="canonical" href="{esc(article.get("url") or "https://news.invalid/story")}"></head>'
        f"<body><header><nav><ul>{sections}</ul></nav></header><main><article><h1>{title}</h1>"
        f'<p class="byline">By a staff reporter</p><div class="story">{"".join(body)}</div>'
        f'</article><aside class="related"><h2>More stories</h2>{"".join(aside)}'
        f"<ul>{related}</ul></aside></main>"
        "<footer><p>All rights reserved. Subscriptions from $2 a month.</p></footer></body></html>"
    )


def predict(article: dict[str, Any]) -> list[dict[str, Any]]:
    """Run parse and extract on one wrapped article, as ``gaptrack extract`` does."""
    from extractors.metrics import extract
    from extractors.parse import parse_html

    published = dt.date.fromisoformat(article["published"]) if article.get("published") else None
    url = article.get("url") or f"https://news.invalid/{article.get('id', 'story')}"
    parsed = parse_html(news_page(article), url=url, fallback_published=published)
    observations = extract(parsed.text, published=published or parsed.published, title=parsed.title)
    return [o.to_contract() for o in observations]


def score(
    cases: Iterable[Case], predictor: Callable[[dict[str, Any]], list[dict[str, Any]]] = predict
) -> Scores:
    """Match predictions to gold one to one, per metric, over every case."""
    scores = Scores()
    for case in cases:
        scores.articles += 1
        preds = [p for p in predictor(case.article) if p.get("metric") in SCORED]
        used: set[int] = set()
        for g in (g for g in case.gold if g.get("metric") in SCORED):
            scores.by_metric[g["metric"]].gold += 1
            hit = next((i for i, p in enumerate(preds) if i not in used and matches(g, p)), None)
            if hit is None:
                scores.misses.append((case.id, "FN", g))
            else:
                used.add(hit)
                scores.by_metric[g["metric"]].tp += 1
        for i, p in enumerate(preds):
            scores.by_metric[p["metric"]].predicted += 1
            if i not in used:
                scores.misses.append((case.id, "FP", p))
    return scores


def matches(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    """Whether a prediction states the gold fact, by the rules of the module docstring."""
    metric = gold["metric"]
    if pred.get("metric") != metric:
        return False
    if metric in ("ai_investment_usd", "ai_deal_count"):
        return (
            _country(gold.get("country")) == _country(pred.get("country"))
            and _close(gold["value"], pred.get("value"), 0.02)
            and _same_year(gold.get("period"), pred.get("period"))
        )
    if metric == "funding_round_usd":
        return _close(gold["value"], pred.get("value"), 0.02) and _names(
            gold.get("entity"), pred.get("entity")
        )
    if metric == "user_count":
        named = (
            _names(gold.get("entity"), pred.get("entity"))
            or _names(gold.get("org"), pred.get("entity"))
            or _names(gold.get("entity"), pred.get("org"))
        )
        return named and _close(gold["value"], pred.get("value"), 0.02)
    if metric == "talent_share_pct":
        return (
            _country(gold.get("country")) == _country(pred.get("country"))
            and _close(gold["value"], pred.get("value"), 0.01)
            and _overlap(gold.get("evidence"), pred.get("evidence")) >= 0.5
        )
    if metric == "chip_export_event":
        return _overlap(gold.get("evidence"), pred.get("evidence")) >= 0.6 and _action_kind(
            gold.get("action")
        ) == _action_kind(pred.get("action"))
    return False


def _country(code: object) -> str | None:
    if not code:
        return None
    text = str(code).strip()
    return _COUNTRY_NAMES.get(text.lower(), text.upper())


def _close(a: object, b: object, tolerance: float) -> bool:
    try:
        x, y = float(a), float(b)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return abs(x - y) <= tolerance * max(abs(x), abs(y), 1e-9)


def _same_year(gold_period: object, pred_period: object) -> bool:
    want = str(gold_period or "")[:4]
    return not want or str(pred_period or "")[:4] == want


def _words(text: object) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", str(text or "").lower()))


def _norm(text: object) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", str(text or "").lower()))


def _names(a: object, b: object) -> bool:
    """Whether two names refer to each other: equal, one a word of the other, or contained."""
    x, y = _norm(a), _norm(b)
    if not x or not y:
        return False
    return (
        x == y
        or x in y.split()
        or y in x.split()
        or (len(x) > 3 and x in y)
        or (len(y) > 3 and y in x)
    )


def _overlap(a: object, b: object) -> float:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def _action_kind(action: object) -> str:
    a = str(action or "").lower()
    if any(w in a for w in ("relax", "licen", "lift", "eas", "allow", "approve", "grant")):
        return "relax"
    if "domestic" in a or "launch" in a:
        return "domestic"
    return "restrict"


def format_table(scores: Scores) -> str:
    """Per-metric precision, recall and F1 as aligned text."""
    lines = [f"{'metric':20s} {'tp':>4s} {'pred':>5s} {'gold':>5s} {'P':>5s} {'R':>5s} {'F1':>5s}"]
    for metric, t in scores.by_metric.items():
        lines.append(
            f"{metric:20s} {t.tp:4d} {t.predicted:5d} {t.gold:5d} "
            f"{t.precision:5.2f} {t.recall:5.2f} {t.f1:5.2f}"
        )
    total = scores.total
    lines.append(
        f"{'micro':20s} {total.tp:4d} {total.predicted:5d} {total.gold:5d} "
        f"{total.precision:5.3f} {total.recall:5.3f} {total.f1:5.3f}   articles={scores.articles}"
    )
    return "\n".join(lines)
