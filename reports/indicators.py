"""Gap indicators by period: every definition lives here.

``INDICATORS`` says what each indicator is; ``compute`` turns the facts that
``reports.facts.choose`` marked as used into one tidy table (one row per
indicator, grain, period and series) that the renderers, the DataFrame API and
the Prefect artifact all read. reports/README.md repeats the definitions.

Which period a fact counts in:

- **Totals** (investment, deals) count only in a period they state exactly: a
  total "for 2023" is a year value, a total for "2024-01/2024-03" a quarter
  value; a total for eleven months counts nowhere.
- **Everything else** is a point in time and counts in the year or quarter its
  stated period lies within ("2023-11-06" counts in 2023 and 2023-Q4, "2023"
  only in 2023). Undated statements count on their first publication date.

Change is measured against the previous period *with data* for that series
(``previous_period`` says which); for event counts every period between the
first and the last event exists, with zero when nothing happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reports.normalise import text_key

if TYPE_CHECKING:
    import pandas as pd

GAP = ("US", "CN")
GRAINS = ("year", "quarter")
EXCLUDED_USER_KINDS = ("downloads",)


@dataclass(frozen=True, slots=True)
class Indicator:
    """One gap indicator: which metric, how a period's value is picked, how US and CN compare."""

    name: str
    title: str
    metric: str
    unit: str
    rule: str  # total | largest | latest | count
    compare: str  # ratio (US/CN) | difference (US-CN) | "" (none)
    definition: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "investment",
        "AI investment",
        "ai_investment_usd",
        "USD",
        "total",
        "ratio",
        "Private AI investment stated for exactly that year or quarter, per country. "
        "US/CN divides the US figure by China's.",
    ),
    Indicator(
        "deals",
        "AI deals",
        "ai_deal_count",
        "deals",
        "total",
        "ratio",
        "Number of AI investment deals stated for exactly that year or quarter, per country. "
        "US/CN divides the US count by China's.",
    ),
    Indicator(
        "top_users",
        "Largest AI product",
        "user_count",
        "users",
        "largest",
        "ratio",
        "The largest user count stated for any product of the country and dated in the "
        "period, of any kind but downloads; the label names the product and the kind "
        "(monthly, weekly, daily active or total). US/CN divides the two.",
    ),
    Indicator(
        "talent",
        "AI talent share",
        "talent_share_pct",
        "percent",
        "latest",
        "difference",
        "The country's share of the talent measure reported most often (for example "
        "top-tier AI researchers), the latest stated in the period. US-CN is the "
        "difference in percentage points.",
    ),
    Indicator(
        "chip_events",
        "Chip-export events",
        "chip_export_event",
        "events",
        "count",
        "",
        "Distinct export-control events (restrict, tighten, license, ban, relax, "
        "domestic chip launch) dated in the period: one series per action, 'by US' and "
        "'by CN' for the events each country initiated, and 'all'.",
    ),
)
BY_NAME = {i.name: i for i in INDICATORS}

#: Columns of the indicator table, in order.
COLUMNS = (
    "indicator",
    "grain",
    "period",
    "start",
    "end",
    "series",
    "value",
    "unit",
    "label",
    "previous_period",
    "previous",
    "change",
    "change_pct",
    "fact_ids",
)


def compute(facts: pd.DataFrame, grains: Sequence[str] = GRAINS) -> pd.DataFrame:
    """The indicator table from consolidated facts (only those marked ``chosen`` count)."""
    import pandas as pd

    if facts.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    used = facts[facts.chosen.astype(bool)] if "chosen" in facts else facts
    parts = []
    for grain in grains:
        placed = _place(used, grain)
        for ind in INDICATORS:
            rows = placed[placed.metric == ind.metric]
            part = _RULES[ind.rule](rows, ind)
            if part.empty:
                continue
            if ind.compare:
                part = pd.concat([part, _compare(part, ind)], ignore_index=True)
            if ind.rule == "count":
                part = _fill_zero(part, grain)
            part["indicator"] = ind.name
            part["grain"] = grain
            parts.append(part)
    if not parts:
        return pd.DataFrame(columns=list(COLUMNS))
    out = pd.concat(parts, ignore_index=True)
    out = _with_bounds(out)
    out = _with_change(out)
    return out[list(COLUMNS)].reset_index(drop=True)


def _place(facts: pd.DataFrame, grain: str) -> pd.DataFrame:
    """Facts with the period label they count in at this grain (rows that count nowhere dropped)."""
    import pandas as pd

    ps, pe, when = facts.period_start, facts.period_end, facts.date
    dated = ps.notna() & pe.notna()
    flow = facts.metric.isin(("ai_investment_usd", "ai_deal_count"))
    if grain == "year":
        same = dated & (ps.dt.year == pe.dt.year)
        exact = same & ps.dt.is_year_start & pe.dt.is_year_end
        label = ps.dt.year.astype("Int64").astype(str)
        undated_label = when.dt.year.astype("Int64").astype(str)
    else:
        qs, qe = ps.dt.to_period("Q"), pe.dt.to_period("Q")
        same = dated & (qs == qe)
        exact = same & ps.dt.is_quarter_start & pe.dt.is_quarter_end
        label = qs.astype(str).str.replace("Q", "-Q", regex=False)
        undated_label = when.dt.to_period("Q").astype(str).str.replace("Q", "-Q", regex=False)
    keep = (flow & exact) | (~flow & same) | (~flow & ~dated & when.notna())
    out = facts[keep].copy()
    out["period_label"] = pd.Series(label, index=facts.index).where(dated, undated_label)[keep]
    return out


def _pick(rows: pd.DataFrame, order: list[str], ascending: list[bool]) -> pd.DataFrame:
    """The first fact per (period, country) in the given order."""
    rows = rows.sort_values(["period_label", "country", *order], ascending=[True, True, *ascending])
    return rows.drop_duplicates(["period_label", "country"])


def _series(rows: pd.DataFrame, ind: Indicator, label: pd.Series | None = None) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        {
            "period": rows.period_label.to_numpy(),
            "series": rows.country.to_numpy(),
            "value": rows.value.astype(float).to_numpy(),
            "unit": ind.unit,
            "label": (label if label is not None else pd.Series("", index=rows.index)).to_numpy(),
            "fact_ids": [(int(i),) for i in rows.fact_id],
        }
    )


def _total(rows: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    rows = rows[rows.country.isin(GAP)]
    # A year stated as "2023" and as "2023-01/2023-12" are two slots; the better-sourced wins.
    rows = _pick(rows, ["official", "n_sources", "last_seen"], [False, False, False])
    return _series(rows, ind)


def _largest(rows: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    rows = rows[rows.country.isin(GAP) & ~rows.qualifier.isin(EXCLUDED_USER_KINDS)]
    rows = _pick(rows, ["value", "n_sources"], [False, False])
    kind = rows.qualifier.fillna("").str.replace("_", " ")
    label = rows.entity.fillna("?") + kind.where(kind == "", " (" + kind + ")")
    return _series(rows, ind, label)


def _latest(rows: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    rows = rows[rows.country.isin(GAP)]
    if rows.empty:
        return _series(rows, ind)
    keys = rows.qualifier.fillna("").map(text_key)
    main = keys.value_counts().index[0]
    rows = rows[keys == main]
    rows = _pick(rows, ["date", "n_sources"], [False, False])
    return _series(rows, ind, rows.qualifier.fillna(""))


def _count(rows: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    import pandas as pd

    if rows.empty:
        return _series(rows, ind)
    rows = rows.assign(series=rows.action.fillna("other"))
    by_action = rows.groupby(["period_label", "series"]).fact_id.agg(tuple).reset_index()
    actors = rows[rows.country.isin(GAP)].assign(series=lambda r: "by " + r.country)
    by_actor = actors.groupby(["period_label", "series"]).fact_id.agg(tuple).reset_index()
    total = rows.groupby("period_label").fact_id.agg(tuple).reset_index().assign(series="all")
    both = pd.concat([by_action, by_actor, total], ignore_index=True)
    return pd.DataFrame(
        {
            "period": both.period_label,
            "series": both.series,
            "value": [float(len(t)) for t in both.fact_id],
            "unit": ind.unit,
            "label": "",
            "fact_ids": [tuple(int(i) for i in t) for t in both.fact_id],
        }
    )


_RULES = {"total": _total, "largest": _largest, "latest": _latest, "count": _count}


def _compare(part: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """The US-vs-China series: a ratio or a difference, where both countries have a value."""
    import pandas as pd

    us = part[part.series == "US"].set_index("period")
    cn = part[part.series == "CN"].set_index("period")
    both = us.join(cn, lsuffix="_us", rsuffix="_cn", how="inner")
    if ind.compare == "ratio":
        both = both[both.value_cn != 0]
        value = both.value_us / both.value_cn
        series, unit = "US/CN", "x"
    else:
        value = both.value_us - both.value_cn
        series, unit = "US-CN", "points"
    return pd.DataFrame(
        {
            "period": both.index,
            "series": series,
            "value": value.to_numpy(),
            "unit": unit,
            "label": "",
            "fact_ids": [a + b for a, b in zip(both.fact_ids_us, both.fact_ids_cn, strict=True)],
        }
    )


def _fill_zero(part: pd.DataFrame, grain: str) -> pd.DataFrame:
    """Event counts exist for every period from the first event to the last."""
    import pandas as pd

    periods = _span(sorted(part.period.unique()), grain)
    grid = pd.MultiIndex.from_product([periods, sorted(part.series.unique())])
    full = part.set_index(["period", "series"]).reindex(grid)
    missing = full.value.isna()
    full.loc[missing, "value"] = 0.0
    full["unit"] = full.unit.fillna(part.unit.iloc[0])
    full["label"] = full.label.fillna("")
    full["fact_ids"] = [t if isinstance(t, tuple) else () for t in full.fact_ids]
    return full.rename_axis(["period", "series"]).reset_index()


def _span(labels: list[str], grain: str) -> list[str]:
    import pandas as pd

    if not labels:
        return []
    if grain == "year":
        return [str(y) for y in range(int(labels[0]), int(labels[-1]) + 1)]
    first, last = (pd.Period(x.replace("-", ""), freq="Q") for x in (labels[0], labels[-1]))
    return [str(p).replace("Q", "-Q") for p in pd.period_range(first, last, freq="Q")]


def _with_bounds(out: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    from reports.normalise import quarter_bounds

    bounds: dict[tuple[str, str], tuple[Any, Any]] = {}
    for grain, period in set(zip(out.grain, out.period, strict=True)):
        if grain == "year":
            bounds[grain, period] = (
                pd.Timestamp(int(period), 1, 1),
                pd.Timestamp(int(period), 12, 31),
            )
        else:
            a, b = quarter_bounds(period)
            bounds[grain, period] = (pd.Timestamp(a), pd.Timestamp(b))
    keys = list(zip(out.grain, out.period, strict=True))
    out["start"] = [bounds[k][0] for k in keys]
    out["end"] = [bounds[k][1] for k in keys]
    return out


def _with_change(out: pd.DataFrame) -> pd.DataFrame:
    out = out.sort_values(["indicator", "grain", "series", "start"]).reset_index(drop=True)
    grp = out.groupby(["indicator", "grain", "series"], sort=False)
    out["previous"] = grp.value.shift()
    out["previous_period"] = grp.period.shift()
    out["change"] = out.value - out.previous
    prev = out.previous.where(out.previous != 0)
    out["change_pct"] = out.change / prev
    return out


def latest(
    table: pd.DataFrame, grain: str = "year", *, as_of: dt.date | None = None
) -> dict[str, str]:
    """The latest period of each indicator at a grain, preferring one where US and CN compare.

    Event counts of a period still running on ``as_of`` are partial, so they are skipped.
    """
    out: dict[str, str] = {}
    if table.empty:
        return out
    rows = table[table.grain == grain]
    for ind in INDICATORS:
        mine = rows[rows.indicator == ind.name]
        if ind.rule == "count" and as_of is not None:
            mine = mine[mine.end.dt.date < as_of]
        if mine.empty:
            continue
        paired = mine[mine.series.isin(("US/CN", "US-CN"))]
        pick = paired if not paired.empty else mine
        out[ind.name] = str(pick.sort_values("start").period.iloc[-1])
    return out
