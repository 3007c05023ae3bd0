"""Consolidation: observations that state the same thing become one fact with all its sources.

Input is one row per distinct statement as ``Store.observation_groups`` returns
it (exact repeats are already counted in SQL); everything here is vectorised
pandas over those rows, so a million observations cost what their few thousand
distinct statements cost. The rules, in order (reports/README.md explains why):

1. **Subject.** Each metric has a subject key: the country for investment and
   deal totals; the normalised product name and kind of count for user counts;
   the normalised company for funding rounds; country and measure for talent
   shares; actor, action, target and chip items for export-control events.
2. **Same statement.** Rows with the same metric, subject and stated period whose
   values lie within ``TOLERANCE`` (2 %) of their neighbour form one statement.
3. **Nested dates.** For point-in-time metrics (everything but investment and
   deal totals) a statement dated by month or year joins a statement with an
   agreeing value dated inside it ("2023-11" joins "2023-11-06"), taking the
   more precise date. Totals never nest: a year total and a quarter total are
   different quantities. An undated statement joins the latest dated statement
   of its subject with an agreeing value that had begun when the article
   appeared: it restates a known figure.
4. **Same event.** Export-control events of one actor and action merge when
   their dates nest, their targets agree (or one is unknown) and their items
   overlap (or one names only "chips").
5. **Conflicts.** Facts with the same subject and the same stated period (for
   undated statements: the same month of first publication) but different values
   conflict. ``choose`` keeps them all and marks one as used: an official source
   first, then more sources, then the more recent, then more mentions, then the
   one stored first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise
from typing import TYPE_CHECKING, Any

from reports.normalise import (
    entity_key,
    host,
    is_official_url,
    items_key,
    official_body,
    precision,
    specific_items,
    text_key,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

TOLERANCE = 0.02
FLOW_METRICS = frozenset({"ai_investment_usd", "ai_deal_count"})
EVENT_METRICS = frozenset({"chip_export_event"})

#: Article ids -> (article ids, their publication dates as ``YYYY-MM-DD`` or ``None``).
Dates = Callable[[list[int]], tuple[Sequence[int], Sequence[Any]]]

#: Columns of the facts table, in order.
FACT_COLUMNS = (
    "fact_id",
    "metric",
    "unit",
    "value",
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
    "date",
    "n_sources",
    "n_obs",
    "first_seen",
    "last_seen",
    "official",
    "official_why",
    "chosen",
    "conflict",
    "reason",
    "rivals",
    "slot",
    "subject",
    "evidence_id",
    "article_ids",
)


@dataclass(frozen=True, slots=True)
class Official:
    """What makes statements official: government article ids and their hosts."""

    articles: Mapping[int, str]

    def why(self, article_id: int) -> str | None:
        """The host that makes an article official, if it is."""
        url = self.articles.get(article_id)
        return host(url) if url and is_official_url(url) else None


def groups_frame(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    published: Dates | None = None,
    *,
    ordered: bool = False,
) -> pd.DataFrame:
    """The distinct statements from ``Store.observation_groups`` as a typed DataFrame.

    ``article_ids`` (``"1,5,9"``) become sorted tuples of distinct ids. Without
    ``first_seen`` and ``last_seen`` columns, ``published`` supplies them: given the
    distinct article ids, it returns those articles' ids and publication dates (as
    ``Store.article_dates`` does), and each statement was first and last seen on
    the earliest and latest date among its articles.

    ``ordered`` sorts the rows by ``GROUP_KEYS`` (missing values first): when two
    wordings of a statement tie, the first is its representative, and this makes
    that the same whichever order the database returned the rows in.
    """
    import numpy as np
    import pandas as pd

    df = pd.DataFrame.from_records(list(rows), columns=list(columns))
    for col in ("entity", "org", "counterparty", "qualifier", "action", "country", "period"):
        df[col] = df[col].fillna("").astype(str)
    df["items"] = df["items"].fillna("[]").astype(str)
    df["value"] = df["value"].astype(float)
    for col in ("period_start", "period_end"):
        df[col] = pd.to_datetime(df[col])
    owner, ids = _article_pairs(df["article_ids"].fillna("").astype(str).tolist())
    if "first_seen" in df:
        for col in ("first_seen", "last_seen"):
            df[col] = pd.to_datetime(df[col])
    else:
        df["first_seen"], df["last_seen"] = _seen(len(df), owner, ids, published)
    bounds = np.searchsorted(owner, np.arange(len(df) + 1)).tolist()
    flat = ids.tolist()
    df["article_ids"] = [tuple(flat[a:b]) for a, b in pairwise(bounds)]
    if ordered:
        df = df.sort_values(list(GROUP_KEYS), kind="stable", ignore_index=True)
    return df


def _article_pairs(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(row, article id) of every comma-separated id, distinct and sorted by row then id."""
    import numpy as np

    counts = np.fromiter((t.count(",") + 1 if t else 0 for t in texts), np.int64, len(texts))
    joined = ",".join(t for t in texts if t)
    ids = np.fromstring(joined, dtype=np.int64, sep=",") if joined else np.zeros(0, np.int64)
    if len(ids) != counts.sum():
        raise ValueError("malformed article ids")
    rows = np.repeat(np.arange(len(texts), dtype=np.int64), counts)
    return _distinct_pairs(rows, ids)


def _distinct_pairs(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (left, right) pairs of non-negative integers, sorted."""
    import numpy as np

    if not len(left):
        return left, right
    width = int(right.max()) + 1
    key = np.sort(left * width + right)
    key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    return key // width, key % width


def _seen(
    n: int, owner: np.ndarray, ids: np.ndarray, published: Dates | None
) -> tuple[pd.Series, pd.Series]:
    """The first and last publication date among each row's articles (NaT when none)."""
    import numpy as np
    import pandas as pd

    found_ids, found_days = published(np.unique(ids).tolist()) if published else ((), ())
    known = np.asarray(found_ids, dtype=np.int64)
    dates = pd.to_datetime(pd.Series(found_days, dtype=object), format="ISO8601")
    order = np.argsort(known, kind="stable")
    known, day = known[order], dates.to_numpy(dtype="datetime64[ns]")[order]
    when = np.full(len(ids), np.datetime64("NaT"), dtype="datetime64[ns]")
    if len(known):
        at = np.searchsorted(known, ids).clip(max=len(known) - 1)
        found = known[at] == ids
        when[found] = day[at[found]]
    when = pd.Series(when)
    by_row = when.groupby(owner).agg(["min", "max"]).reindex(range(n))
    return by_row["min"].astype("datetime64[ns]"), by_row["max"].astype("datetime64[ns]")


GROUP_KEYS = (
    "metric",
    "country",
    "entity",
    "org",
    "counterparty",
    "qualifier",
    "action",
    "items",
    "period",
    "value",
)


#: What ``Store.observation_groups`` aggregates per statement (and dates from its articles).
AGGREGATES = (
    "unit",
    "period_start",
    "period_end",
    "n_obs",
    "first_seen",
    "last_seen",
    "first_id",
    "last_id",
    "article_ids",
)


def groups_from_rows(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """What ``Store.observation_groups`` computes in SQL, from observation dicts in memory."""
    import json

    import pandas as pd

    if not rows:
        return groups_frame((*GROUP_KEYS, *AGGREGATES), [])
    df = pd.DataFrame.from_records(list(rows))
    df["items"] = [json.dumps(list(v or ())) for v in df["items"]]
    for col in GROUP_KEYS[:-1]:
        df[col] = df[col].fillna("")
    g = df.groupby(list(GROUP_KEYS), sort=False)
    out = g.agg(
        unit=("unit", "min"),
        period_start=("period_start", "min"),
        period_end=("period_end", "min"),
        n_obs=("id", "size"),
        first_seen=("published", "min"),
        last_seen=("published", "max"),
        first_id=("id", "min"),
        last_id=("id", "max"),
        article_ids=("article_id", lambda s: ",".join(str(i) for i in sorted(set(s)))),
    ).reset_index()
    return groups_frame(list(out.columns), list(out.itertuples(index=False, name=None)))


def consolidate(groups: pd.DataFrame, official: Official | None = None) -> pd.DataFrame:
    """Merge distinct statements into facts (rules 1-4); ``choose`` then resolves conflicts."""
    import pandas as pd

    if groups.empty:
        return pd.DataFrame(columns=list(FACT_COLUMNS))
    official = official or Official({})
    d = _with_subject(groups)
    claims, pairs = _claims(d, official)
    target = _nest(claims)
    facts = _aggregate(claims, pairs, target)
    merged = _merge_events(facts)
    if merged:
        target = target.map(merged).fillna(target).astype(target.dtype)
        facts = _aggregate(claims, pairs, target)
    return facts


def _with_subject(groups: pd.DataFrame) -> pd.DataFrame:
    import numpy as np

    d = groups.copy()
    names = d[["entity", "org"]].drop_duplicates()
    names["ent_key"] = [entity_key(e, o) for e, o in zip(names.entity, names.org, strict=True)]
    d = d.merge(names, on=["entity", "org"], how="left")
    cps = d[["counterparty"]].drop_duplicates()
    cps["cp_key"] = [entity_key(c) for c in cps.counterparty]
    d = d.merge(cps, on="counterparty", how="left")
    its = d[["items"]].drop_duplicates()
    its["items_key"] = [",".join(items_key(i)) for i in its["items"]]
    d = d.merge(its, on="items", how="left")
    quals = d[["qualifier"]].drop_duplicates()
    quals["q_key"] = [text_key(q) for q in quals.qualifier]
    d = d.merge(quals, on="qualifier", how="left")

    m = d.metric
    sep = "|"
    d["subject"] = np.select(
        [
            m.isin(FLOW_METRICS),
            m.eq("user_count"),
            m.eq("funding_round_usd"),
            m.eq("talent_share_pct"),
            m.isin(EVENT_METRICS),
        ],
        [
            d.country,
            d.ent_key + sep + d.q_key,
            d.ent_key,
            d.country + sep + d.q_key,
            d.country + sep + d.action + sep + d.cp_key + sep + d.items_key,
        ],
        default=d.country + sep + d.ent_key + sep + d.q_key + sep + d.action,
    )
    d["pkey"] = d.period
    d["prec"] = [precision(p) for p in d.period]
    d["point"] = ~m.isin(FLOW_METRICS)
    return d


def _claims(d: pd.DataFrame, official: Official) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rule 2: one row per statement, plus (claim, article) pairs."""
    import numpy as np
    import pandas as pd

    d = d.sort_values(["metric", "subject", "pkey", "value"], kind="stable").reset_index(drop=True)
    same_key = (
        d.metric.eq(d.metric.shift()) & d.subject.eq(d.subject.shift()) & d.pkey.eq(d.pkey.shift())
    )
    prev = d.value.shift()
    close = (d.value - prev).abs() <= TOLERANCE * np.maximum(d.value.abs(), prev.abs())
    d["claim"] = (~(same_key & close)).cumsum() - 1

    counts = np.fromiter((len(t) for t in d.article_ids), np.int64, len(d))
    claim, article = _distinct_pairs(
        np.repeat(d.claim.to_numpy(dtype=np.int64), counts),
        np.fromiter(chain.from_iterable(d.article_ids), np.int64, int(counts.sum())),
    )
    pairs = pd.DataFrame({"claim": claim, "article_id": article})

    # The representative row of a statement is its most repeated wording.
    d = d.sort_values(["claim", "n_obs", "last_seen"], ascending=[True, False, False])
    claims = d.drop_duplicates("claim").set_index("claim")
    agg = d.groupby("claim").agg(
        n_obs=("n_obs", "sum"),
        first_seen=("first_seen", "min"),
        last_seen=("last_seen", "max"),
        first_id=("first_id", "min"),
        last_id=("last_id", "max"),
    )
    claims = claims.drop(columns=agg.columns).join(agg)
    claims["n_sources"] = pairs.groupby("claim").size().reindex(claims.index, fill_value=0)

    # Official by name: the subject, maker or issuer is an official body.
    names = d[["claim", "entity", "org"]].drop_duplicates()
    bodies = {n: official_body(n) for n in set(names.entity) | set(names.org)}
    names["why"] = [bodies[e] or bodies[o] for e, o in zip(names.entity, names.org, strict=True)]
    by_name = names.dropna(subset=["why"]).groupby("claim").why.first()
    # Official by publisher: a government host or an official source kind.
    gov = pairs[pairs.article_id.isin(official.articles.keys())].copy()
    gov["why"] = [official.why(a) or "official source" for a in gov.article_id]
    by_host = gov.groupby("claim").why.first()
    claims["official_why"] = by_name.combine_first(by_host).reindex(claims.index)
    return claims, pairs


def _nest(claims: pd.DataFrame) -> pd.Series:
    """Rule 3: map every statement to the statement it joins (itself when none)."""
    import numpy as np

    target = claims.index.to_series()
    base = claims[claims.point & claims.prec.between(1, 3)].reset_index()
    for level, width in ((2, 7), (1, 4)):
        coarse = base[base.prec == level][["claim", "metric", "subject", "pkey", "value"]]
        fine = base[base.prec > level].copy()
        if coarse.empty or fine.empty:
            continue
        fine["anchor"] = fine.pkey.str[:width]
        fine["target"] = target.reindex(fine.claim).to_numpy()
        m = coarse.merge(
            fine[["metric", "subject", "anchor", "value", "n_sources", "last_seen", "target"]],
            left_on=["metric", "subject", "pkey"],
            right_on=["metric", "subject", "anchor"],
            suffixes=("", "_f"),
        )
        m = m[(m.value - m.value_f).abs() <= TOLERANCE * np.maximum(m.value, m.value_f).abs()]
        m = m.sort_values(["claim", "n_sources", "last_seen"], ascending=[True, False, False])
        m = m.drop_duplicates("claim")
        target.loc[m.claim.to_numpy()] = m.target.to_numpy()

    # An undated statement restates the latest agreeing dated one that had begun
    # when the article appeared ("ChatGPT has 100 million weekly users").
    undated = claims[(claims.prec == 0) & claims.first_seen.notna()].reset_index()
    dated = claims[claims.prec.between(1, 4)].reset_index()
    if not undated.empty and not dated.empty:
        dated["target"] = target.reindex(dated.claim).to_numpy()
        m = undated[["claim", "metric", "subject", "value", "first_seen"]].merge(
            dated[["metric", "subject", "value", "period_start", "target"]],
            on=["metric", "subject"],
            suffixes=("", "_d"),
        )
        m = m[
            (m.period_start <= m.first_seen)
            & ((m.value - m.value_d).abs() <= TOLERANCE * np.maximum(m.value, m.value_d).abs())
        ]
        m = m.sort_values(["claim", "period_start"], ascending=[True, False])
        m = m.drop_duplicates("claim")
        target.loc[m.claim.to_numpy()] = m.target.to_numpy()
    return target


def _aggregate(claims: pd.DataFrame, pairs: pd.DataFrame, target: pd.Series) -> pd.DataFrame:
    """Facts from statements and the fact each statement belongs to."""
    import pandas as pd

    c = claims.assign(fact_id=target.reindex(claims.index).to_numpy())
    agg = c.groupby("fact_id").agg(
        n_obs=("n_obs", "sum"),
        first_seen=("first_seen", "min"),
        last_seen=("last_seen", "max"),
        first_id=("first_id", "min"),
        official_why=("official_why", "first"),
    )
    rep = claims.loc[agg.index]  # the target statement carries the most precise date
    facts = rep.drop(columns=["n_obs", "first_seen", "last_seen", "first_id", "official_why"])
    facts = facts.join(agg).rename_axis("fact_id").reset_index()
    facts["evidence_id"] = rep.first_id.to_numpy()

    fp = pd.DataFrame(
        {"fact_id": target.reindex(pairs.claim).to_numpy(), "article_id": pairs.article_id}
    ).drop_duplicates()
    ids = fp.sort_values(["fact_id", "article_id"]).groupby("fact_id").article_id.agg(tuple)
    facts["article_ids"] = ids.reindex(facts.fact_id).to_numpy()
    facts["n_sources"] = [len(t) for t in facts.article_ids]

    item_lists = c.groupby("fact_id")["items"].agg(list).reindex(facts.fact_id)
    facts["items"] = [_union_items(v) for v in item_lists]
    facts["official"] = facts.official_why.notna()
    facts["date"] = _effective_date(facts)
    facts["chosen"] = True
    facts["conflict"] = False
    facts["reason"] = ""
    facts["rivals"] = [() for _ in range(len(facts))]
    facts["slot"] = _slots(facts)
    facts["period"] = facts.period.replace("", None)
    for col in ("country", "entity", "org", "counterparty", "qualifier", "action"):
        facts[col] = facts[col].replace("", None)
    return facts[list(FACT_COLUMNS)].sort_values("fact_id").reset_index(drop=True)


def _union_items(texts: list[str]) -> tuple[str, ...]:
    import json

    seen: dict[str, str] = {}
    for text in texts:
        for item in json.loads(text or "[]"):
            key = ",".join(items_key([item]))
            seen.setdefault(key, item)
    return tuple(seen.values())


def _effective_date(facts: pd.DataFrame) -> pd.Series:
    """When a fact was true: the end of its stated period, but never after it was reported.

    Undated statements count as of their first publication.
    """
    end = facts.period_end
    return end.where(end.notna() & (end <= facts.first_seen), facts.first_seen).fillna(end)


def _slots(facts: pd.DataFrame) -> pd.Series:
    month = facts.first_seen.dt.strftime("%Y-%m").fillna("?")
    when = facts.period.where(facts.period != "", "~" + month)
    slot = facts.metric + "|" + facts.subject + "|" + when
    events = facts.metric.isin(EVENT_METRICS)
    return slot.where(~events, "event|" + facts.fact_id.astype(str))


def _merge_events(facts: pd.DataFrame) -> dict[int, int]:
    """Rule 4: export-control events told differently; returns fact id -> merged fact id."""
    ev = facts[facts.metric.isin(EVENT_METRICS) & facts.period.notna()].copy()
    if ev.empty:
        return {}
    ev["prec"] = [precision(p) for p in ev.period]
    ev = ev[ev.prec.between(1, 3)].sort_values(
        ["prec", "n_sources", "fact_id"], ascending=[False, False, True]
    )
    clusters: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    merged: dict[int, int] = {}
    for row in ev.itertuples(index=False):
        cp = entity_key(row.counterparty or "")
        items = specific_items(items_key(list(row.items)))
        bucket = clusters.setdefault((row.country or "", row.action or "", row.period[:4]), [])
        best = None
        for c in bucket:
            if not c["period"].startswith(row.period):
                continue
            if cp and c["cp"] and cp != c["cp"]:
                continue
            if items and c["items"] and not items & c["items"]:
                continue
            if best is None or len(items & c["items"]) > len(items & best["items"]):
                best = c
        if best is None:
            bucket.append({"id": row.fact_id, "period": row.period, "cp": cp, "items": items})
            continue
        merged[row.fact_id] = best["id"]
        best["cp"] = best["cp"] or cp
        best["items"] = best["items"] | items
    return merged


def choose(facts: pd.DataFrame, evidence: Mapping[int, str] | None = None) -> pd.DataFrame:
    """Rule 5: mark conflicts, the fact used in each, and why it was used."""
    import numpy as np
    import pandas as pd

    if facts.empty:
        return facts
    f = facts.copy()
    if evidence:
        named = f.evidence_id.map(lambda i: official_body(evidence.get(i)))
        f["official_why"] = f.official_why.where(f.official_why.notna(), named)
        f["official"] = f.official_why.notna()
    f["_last"] = f.last_seen.fillna(pd.Timestamp.min)
    f = f.sort_values(
        ["slot", "official", "n_sources", "_last", "n_obs", "evidence_id"],
        ascending=[True, False, False, False, False, True],
    )
    rank = f.groupby("slot").cumcount()
    size = f.groupby("slot").fact_id.transform("size")
    f["chosen"] = rank.eq(0)
    f["conflict"] = size.gt(1)
    members = f.groupby("slot").fact_id.agg(tuple)
    f["rivals"] = [
        tuple(x for x in members[s] if x != i) for s, i in zip(f.slot, f.fact_id, strict=True)
    ]

    runner = f[rank.eq(1)].set_index("slot")
    win = f[rank.eq(0) & size.gt(1)]
    r = runner.reindex(win.slot)
    a_off, b_off = win.official.to_numpy(), r.official.to_numpy(dtype=bool)
    a_src, b_src = win.n_sources.to_numpy(), r.n_sources.to_numpy()
    a_last, b_last = win._last.to_numpy(), r._last.to_numpy()
    a_obs, b_obs = win.n_obs.to_numpy(), r.n_obs.to_numpy()
    reasons = np.select(
        [a_off & ~b_off, a_src > b_src, a_last > b_last, a_obs > b_obs],
        [
            ["official source: " + str(w) for w in win.official_why],
            [f"more sources: {x} vs {y}" for x, y in zip(a_src, b_src, strict=True)],
            [
                f"more recent: {_day(x)} vs {_day(y)}"
                for x, y in zip(win.last_seen, r.last_seen, strict=True)
            ],
            [f"more mentions: {x} vs {y}" for x, y in zip(a_obs, b_obs, strict=True)],
        ],
        default="tie: stated first",
    )
    f.loc[win.index, "reason"] = reasons
    return f.drop(columns="_last").sort_values("fact_id").reset_index(drop=True)


def _day(ts: Any) -> str:
    return "undated" if ts is None or ts != ts else str(ts)[:10]
