"""Appends are idempotent and every result ends in one fetch-log state, on both databases."""

from __future__ import annotations

import datetime as dt
import threading

from schemas.records import (
    Article,
    FetchOutcome,
    FetchState,
    Observation,
    Page,
    PageResult,
    Rejected,
    Source,
)
from schemas.store import ObservationFilter, Store

TEXT = "The US drew $31 billion in AI investment in 2022. China drew $2 billion."


def _result(url: str, text: str = TEXT, *, value: float = 31e9) -> PageResult:
    page = Page(url=url, final_url=url, status=200, body=b"<html/>", headers={"etag": '"v1"'})
    out = FetchOutcome(
        url=url, state=FetchState.NEW, attempts=1, http_status=200, page=page, source="s1"
    )
    art = Article(url=url, title="T", published=dt.date(2023, 3, 1), text=text, source="s1")
    good = Observation(
        metric="ai_investment_usd",
        value=value,
        country="US",
        period="2022",
        evidence="The US drew $31 billion in AI investment in 2022.",
        evidence_start=0,
        evidence_end=49,
    )
    bad = Observation(
        metric="ai_investment_usd", value=-1, country="US", evidence="China drew $2 billion."
    )
    return PageResult(
        outcome=out,
        state=FetchState.NEW,
        article=art,
        observations=(good,),
        rejected=(Rejected(bad, ("value_in_range",)),),
    )


def test_save_is_idempotent(db_url: str) -> None:
    store = Store(db_url)
    ids = store.sync_sources([Source("s1", "rss", "http://example.test/feed")])
    run = store.start_run("ingest")
    first = store.save(
        run, [_result("http://example.test/a")], extractor_version="1", source_ids=ids
    )
    assert (first.new_articles, first.observations, first.quarantined) == (1, 1, 1)
    second = store.save(
        run, [_result("http://example.test/a")], extractor_version="1", source_ids=ids
    )
    assert (second.new_articles, second.observations, second.quarantined) == (0, 0, 0)
    assert second.states == {FetchState.UNCHANGED: 1}
    counts = store.table_counts()
    assert counts["articles"] == 1
    assert counts["observations"] == 1
    assert counts["quarantine"] == 1
    assert counts["fetch_log"] == 2
    q = store.quarantined()[0]
    assert q["failed_expectations"] == ["value_in_range"]
    assert q["record"]["value"] == -1
    store.close()


def test_same_text_under_another_url_is_a_duplicate(db_url: str) -> None:
    store = Store(db_url)
    store.save(None, [_result("http://example.test/a")], extractor_version="1")
    counts = store.save(None, [_result("http://example.test/a?copy")], extractor_version="1")
    assert counts.states == {FetchState.SKIPPED: 1}
    assert store.table_counts()["articles"] == 1
    store.close()


def test_edited_article_is_refreshed_not_duplicated(db_url: str) -> None:
    store = Store(db_url)
    store.save(None, [_result("http://example.test/a")], extractor_version="1")
    edited = _result("http://example.test/a", TEXT + " Updated.", value=31.5e9)
    counts = store.save(None, [edited], extractor_version="1")
    assert counts.states == {FetchState.NEW: 1}
    assert store.table_counts()["articles"] == 1
    assert sorted(r["value"] for r in store.observations()) == [31e9, 31.5e9]
    store.close()


def test_one_batch_mixes_new_duplicate_unchanged_and_edited_pages(db_url: str) -> None:
    store = Store(db_url)
    base = "http://example.test/"
    store.save(
        None,
        [_result(base + "kept", "Kept text."), _result(base + "edited", "First text.")],
        extractor_version="1",
    )
    batch = [
        _result(base + "new", "New text."),
        _result(base + "copy-in-batch", "New text."),
        _result(base + "kept", "Kept text."),
        _result(base + "edited", "Second text.", value=32e9),
        _result(base + "copy-of-stored", "Kept text."),
        _result(base + "other", "Other text.", value=33e9),
    ]
    run = store.start_run("ingest")
    counts = store.save(run, batch, extractor_version="1")
    assert counts.states == {FetchState.NEW: 3, FetchState.SKIPPED: 2, FetchState.UNCHANGED: 1}
    assert store.fetch_states(run)["reasons"] == {"duplicate": 2}
    assert (counts.new_articles, counts.observations) == (3, 3)
    assert store.table_counts()["articles"] == 4
    # Each observation hangs on the article it came from.
    by_url = {r["source_url"]: r["value"] for r in store.observations() if r["value"] != 31e9}
    assert by_url == {base + "edited": 32e9, base + "other": 33e9}
    assert {r["source_url"] for r in store.observations()} == {
        base + u for u in ("kept", "edited", "new", "other")
    }
    store.close()


def test_one_canonical_url_twice_in_a_batch_keeps_one_row(db_url: str) -> None:
    store = Store(db_url)
    url = "http://example.test/story"
    same = store.save(
        None, [_result(url, "One text."), _result(url, "One text.")], extractor_version="1"
    )
    assert same.states == {FetchState.NEW: 1, FetchState.UNCHANGED: 1}
    edited = store.save(
        None,
        [_result(url, "Two."), _result(url, "Three.", value=40e9)],
        extractor_version="1",
    )
    # The second text is an edit of the first: one row, refreshed, with both observations.
    assert edited.states == {FetchState.NEW: 2}
    assert store.table_counts()["articles"] == 1
    assert sorted({r["value"] for r in store.observations()}) == [31e9, 40e9]
    store.close()


def test_query_filters_and_joins(db_url: str) -> None:
    store = Store(db_url)
    ids = store.sync_sources([Source("s1", "rss", "http://example.test/feed")])
    store.save(None, [_result("http://example.test/a")], extractor_version="1", source_ids=ids)
    rows = store.observations(ObservationFilter(metric="ai_investment_usd", country="us"))
    assert len(rows) == 1
    row = rows[0]
    assert row["source_url"] == "http://example.test/a"
    assert row["published"] == dt.date(2023, 3, 1)
    assert row["source"] == "s1"
    assert row["period_start"] == dt.date(2022, 1, 1)
    assert row["period_end"] == dt.date(2022, 12, 31)
    assert store.observations(ObservationFilter(country="CN")) == []
    assert store.observations(ObservationFilter(since=dt.date(2023, 1, 1))) == []
    assert len(store.observations(ObservationFilter(until=dt.date(2022, 6, 1)))) == 1
    assert store.observations(ObservationFilter(extractor_version="2")) == []
    store.close()


def test_outcomes_without_pages_are_logged_with_reasons(db_url: str) -> None:
    store = Store(db_url)
    run = store.start_run("ingest")
    store.log_outcomes(
        run,
        [
            FetchOutcome(url="http://example.test/x", state=FetchState.SKIPPED, reason="robots"),
            FetchOutcome(
                url="http://example.test/y", state=FetchState.FAILED, error="http 404", attempts=1
            ),
        ],
    )
    store.log_outcomes(
        run, [FetchOutcome(url="http://example.test/feed", state=FetchState.NEW)], kind="listing"
    )
    states = store.fetch_states(run)
    assert states == {
        "discovered": 2,
        "states": {"skipped": 1, "failed": 1},
        "reasons": {"robots": 1},
    }
    store.close()


def test_concurrent_writers_do_not_duplicate(db_url: str) -> None:
    """Two writers storing the same batch at once: no lock errors, every row once."""
    stores = [Store(db_url), Store(db_url)]
    batch = [_result(f"http://example.test/{i}", f"{TEXT} Story {i}.") for i in range(40)]
    errors: list[BaseException] = []

    def work(store: Store) -> None:
        try:
            for i in range(0, len(batch), 5):
                store.save(None, batch[i : i + 5], extractor_version="1")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    counts = stores[0].table_counts()
    assert counts["articles"] == 40
    assert counts["observations"] == 40
    for s in stores:
        s.close()


def test_replace_observations_supersedes_inserts_and_revives_per_article(db_url: str) -> None:
    from dataclasses import replace

    from schemas.store import ReplayItem

    store = Store(db_url)
    urls = ["http://example.test/a", "http://example.test/b"]
    store.save(None, [_result(u, f"{TEXT} ({u})") for u in urls], extractor_version="1")
    ids = {o["source_url"]: o["article_id"] for o in store.observations()}
    v1 = {o["source_url"]: o["key"] for o in store.observations()}
    good = _result(urls[0]).observations[0]
    changed = replace(good, value=32e9)
    edited = Article(
        url=urls[1], title="New title", published=None, text=TEXT + " More.", source="s1"
    )

    # a: its value changes; b: same value, page re-parsed with a new text and title.
    counts = store.replace_observations(
        [
            ReplayItem(ids[urls[0]], urls[0], None, (changed,)),
            ReplayItem(ids[urls[1]], urls[1], edited, (good,), _result(urls[1]).rejected),
        ],
        extractor_version="2",
    )
    # Keys carry the extractor version: every row of version 1 gives way to one of 2.
    assert (counts.articles, counts.superseded, counts.observations) == (2, 2, 2)
    now = {o["source_url"]: o for o in store.observations()}
    assert now[urls[0]]["value"] == 32e9 and now[urls[1]]["value"] == good.value
    assert {o["extractor_version"] for o in now.values()} == {"2"}
    art = store.articles_by_id([ids[urls[1]]])[ids[urls[1]]]
    assert art["title"] == "New title"
    assert art["published"] == dt.date(2023, 3, 1)  # a page without a date keeps the stored one
    assert store.articles_by_id([ids[urls[0]]])[ids[urls[0]]]["title"] == "T"

    # Version 1 comes back for a: its old row is believed again, nothing is duplicated.
    counts = store.replace_observations(
        [ReplayItem(ids[urls[0]], urls[0], None, (good,))], extractor_version="1"
    )
    assert (counts.superseded, counts.observations) == (1, 0)
    believed = {o["source_url"]: o["key"] for o in store.observations()}
    assert believed[urls[0]] == v1[urls[0]]
    assert believed[urls[1]] == now[urls[1]]["key"]
    everything = store.observations(ObservationFilter(include_superseded=True))
    assert len(everything) == 4
    store.close()
