"""The ``gaptrack`` command line: a thin layer over the flows, the store and the extractors.

Heavy libraries (Prefect, Great Expectations, SQLAlchemy) are imported inside
the commands that need them, so ``gaptrack extract`` starts fast. Library
errors become one clean message and exit code 1 here, in one place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from flows.settings import Settings
    from schemas.store import Store

app = typer.Typer(
    name="gaptrack",
    help="Track the US–China AI gap from news: ingest, extract, query and report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class ExtractFormat(StrEnum):
    """Output formats of ``extract``."""

    jsonl = "jsonl"
    table = "table"


class QueryFormat(StrEnum):
    """Output formats of ``query``."""

    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


class ReportFormat(StrEnum):
    """Output formats of ``report``."""

    terminal = "terminal"
    markdown = "markdown"
    html = "html"


class StatusFormat(StrEnum):
    """Output formats of ``status``."""

    table = "table"
    json = "json"


def _fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(1)


def _settings() -> Settings:
    from flows.settings import Settings

    return Settings()


def _store(settings: Settings | None = None) -> Store:
    from schemas.store import Store

    return Store((settings or _settings()).sqlalchemy_url)


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{name} must be a date as YYYY-MM-DD, got {value!r}") from None


@app.command()
def ingest(
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources", "-s", help="Sources file (default: GAPTRACK_SOURCES_FILE or sources.toml)."
        ),
    ] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source (repeatable).")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="At most this many articles per source.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Run the ingest flow once: discover, fetch, parse, extract, validate, store."""
    from flows.config import ConfigError, load_sources

    settings = _settings()
    try:
        # Check the file before starting Prefect, so a typo costs no flow run.
        load_sources(sources or settings.sources_file, names=source)
        from flows.ingest import ingest as ingest_flow

        summary = ingest_flow(
            sources_file=str(sources or settings.sources_file), source_names=source, limit=limit
        )
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    _print_summary(summary, as_json)


def _print_summary(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(summary, indent=2, default=str))
        return
    keys = (
        "urls_seen",
        "fetched",
        "new_articles",
        "unchanged",
        "skipped",
        "failed",
        "observations",
        "quarantined",
    )
    typer.echo("ingest: " + ", ".join(f"{k}={summary.get(k, 0)}" for k in keys))
    if summary.get("reasons"):
        typer.echo(
            "  reasons: " + ", ".join(f"{k}={v}" for k, v in sorted(summary["reasons"].items()))
        )


@app.command()
def extract(
    path: Annotated[
        Path,
        typer.Argument(help="An HTML page or a plain .txt article.", exists=True, dir_okay=False),
    ],
    url: Annotated[str | None, typer.Option(help="The page's URL (default: file:// path).")] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date YYYY-MM-DD (default: from the page).")
    ] = None,
    fmt: Annotated[
        ExtractFormat, typer.Option("--format", "-f", help="jsonl or table.")
    ] = ExtractFormat.jsonl,
) -> None:
    """Extract observations from one page without storing anything (one JSON object per line)."""
    from extractors.errors import ParseError
    from extractors.metrics import extract as extract_metrics
    from extractors.parse import decode_html, parse_html, parse_text

    pub = _date(published, "--published")
    page_url = url or path.resolve().as_uri()
    raw = path.read_bytes()
    try:
        if path.suffix.lower() in (".txt", ".text"):
            article = parse_text(decode_html(raw), url=page_url, published=pub)
        else:
            article = parse_html(decode_html(raw), url=page_url, fallback_published=pub)
    except ParseError as exc:
        raise _fail(f"{path}: {exc}") from None
    observations = extract_metrics(
        article.text, published=pub or article.published, title=article.title
    )
    if fmt == ExtractFormat.jsonl:
        out = sys.stdout
        for obs in observations:
            out.write(json.dumps(obs.to_contract(), ensure_ascii=False) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("metric", "value", "country", "entity", "qualifier/action", "period", "evidence")
    for o in observations:
        table.add_row(
            o.metric,
            f"{o.value:,.6g}",
            o.country or "",
            o.entity or o.counterparty or "",
            o.qualifier or o.action or "",
            o.period or "",
            o.evidence[:90],
        )
    Console().print(table)


@app.command(name="eval")
def evaluate(
    folder: Annotated[
        Path,
        typer.Argument(help="Folder with articles/NNN.json and gold/NNN.json.", file_okay=False),
    ],
    ids: Annotated[str | None, typer.Option(help="Only these ids, comma-separated.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every miss.")] = False,
    as_json: Annotated[
        Path | None, typer.Option("--json", help="Also write scores as JSON here.")
    ] = None,
) -> None:
    """Score the extractors against gold facts: precision, recall and F1 per metric."""
    from extractors.evaluate import format_table, load_cases, score

    try:
        cases = load_cases(folder, ids.split(",") if ids else None)
    except FileNotFoundError as exc:
        raise _fail(str(exc)) from None
    scores = score(cases)
    typer.echo(format_table(scores))
    if verbose:
        keys = ("metric", "value", "country", "entity", "org", "action", "period", "evidence")
        for case_id, kind, rec in scores.misses:
            typer.echo(f"{kind} {case_id} " + json.dumps({k: rec.get(k) for k in keys})[:400])
    if as_json is not None:
        as_json.write_text(json.dumps(scores.as_dict(), indent=2), encoding="utf-8")


@app.command()
def query(
    metric: Annotated[str | None, typer.Option(help="Metric name, e.g. ai_investment_usd.")] = None,
    country: Annotated[str | None, typer.Option(help="ISO country code, e.g. US or CN.")] = None,
    entity: Annotated[
        str | None, typer.Option(help="Company or product (substring match).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Periods ending on or after YYYY-MM-DD.")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Periods starting on or before YYYY-MM-DD.")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Only articles from this source name.")] = None,
    extractor_version: Annotated[
        str | None, typer.Option(help="Only this extractor version.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many rows.")] = None,
    fmt: Annotated[
        QueryFormat, typer.Option("--format", "-f", help="table, csv, json or parquet.")
    ] = QueryFormat.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (required for parquet)."),
    ] = None,
) -> None:
    """Query stored observations with filters; JSON is a list of objects with fixed keys."""
    from reports import export
    from schemas.store import ObservationFilter

    if fmt == QueryFormat.parquet and output is None:
        raise _fail("--format parquet needs --output FILE")
    if fmt == QueryFormat.table and output is not None:
        raise _fail("--output needs --format csv, json or parquet")
    flt = ObservationFilter(
        metric=metric,
        country=country,
        entity=entity,
        since=_date(since, "--since"),
        until=_date(until, "--until"),
        source=source,
        extractor_version=extractor_version,
        limit=limit,
    )
    with _store() as store:
        # Files convert whole columns at once from the driver's raw values.
        batches = store.observation_batches(
            flt, raw=fmt != QueryFormat.table, columns=export.QUERY_KEYS
        )
        if fmt == QueryFormat.table:
            export.print_table(batches, limit=limit or export.TABLE_ROWS)
            return
        if fmt == QueryFormat.parquet:
            assert output is not None
            try:
                n = export.write_parquet(batches, output)
            except ImportError:
                raise _fail("--format parquet needs pyarrow (pip install pyarrow)") from None
            typer.echo(f"wrote {n} observations to {output}", err=True)
            return
        write = export.write_json if fmt == QueryFormat.json else export.write_csv
        handle = export.open_output(output)
        try:
            n = write(batches, handle or sys.stdout)
        finally:
            if handle is not None:
                handle.close()
        if output is not None:
            typer.echo(f"wrote {n} observations to {output}", err=True)


@app.command()
def report(
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format", "-f", help="terminal, markdown or html (default: from --output's suffix)."
        ),
    ] = ReportFormat.terminal,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
    urls: Annotated[
        bool, typer.Option("--urls", help="Terminal: list every source's full URL at the end.")
    ] = False,
    since: Annotated[
        str | None, typer.Option(help="Only observations of periods ending on or after this.")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only observations of periods starting on or before this.")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Only articles from this source name.")] = None,
    extractor_version: Annotated[
        str | None, typer.Option(help="Only this extractor version.")
    ] = None,
) -> None:
    """The US–China gap by year and quarter: consolidated facts, indicators, sources."""
    from reports.build import build_report
    from reports.render import print_report, render
    from schemas.store import ObservationFilter

    if output is not None and fmt == ReportFormat.terminal:
        html = output.suffix.lower() in (".html", ".htm")
        fmt = ReportFormat.html if html else ReportFormat.markdown
    flt = ObservationFilter(
        since=_date(since, "--since"),
        until=_date(until, "--until"),
        source=source,
        extractor_version=extractor_version,
    )
    with _store() as store:
        gap = build_report(store, flt)
    if fmt == ReportFormat.terminal:
        print_report(gap, urls=urls)
        return
    text = render(gap, fmt.value)
    if output is None:
        typer.echo(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output}")


@app.command()
def status(
    fmt: Annotated[
        StatusFormat, typer.Option("--format", "-f", help="table or json.")
    ] = StatusFormat.table,
    limit: Annotated[int, typer.Option(help="How many past runs to show.")] = 10,
) -> None:
    """Show the last runs per source and the final state of every URL they saw."""
    from schemas.archive import Archive

    settings = _settings()
    states = ("new", "unchanged", "skipped", "failed")
    with _store(settings) as store:
        runs = [r for r in store.runs(limit) if r["flow"] == "ingest"]
        if fmt == StatusFormat.json:
            latest: dict[str, Any] = (
                store.fetch_states(runs[0]["id"]) if runs else {"discovered": 0, "reasons": {}}
            )
            counts = latest.get("states", {})
            latest["states"] = {s: counts.get(s, 0) for s in states}
            typer.echo(json.dumps(latest, indent=2))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(
            "started", "run", "source", "discovered", *states, "reasons", "listings failed"
        )
        for r in runs:
            for source, c in sorted(store.fetch_states_by_source(r["id"]).items()):
                table.add_row(
                    str(r["started_at"])[:19],
                    r["status"],
                    source,
                    str(c["discovered"]),
                    *(str(c["states"].get(k, 0)) for k in states),
                    ", ".join(f"{k}={v}" for k, v in sorted(c["reasons"].items())),
                    f"{c['listings_failed']}/{c['listings']}",
                )
        console = Console()
        console.print(table)
        size = Archive(settings.archive_path).size_bytes() if settings.archive_path.exists() else 0
        console.print(f"raw archive: {settings.archive_path} ({size / 1e6:,.1f} MB)")


@app.command()
def serve(
    only: Annotated[
        list[str] | None,
        typer.Option(help="Serve only this flow: ingest, report, replay or backfill (repeatable)."),
    ] = None,
    schedule: Annotated[
        list[str] | None,
        typer.Option(
            help="Replace a flow's schedule: NAME=CRON, NAME=SECONDS or NAME=off (repeatable)."
        ),
    ] = None,
    port: Annotated[
        int, typer.Option(help="Port of the local Prefect server (another if taken).")
    ] = 4200,
    limit: Annotated[int | None, typer.Option(help="At most this many flow runs at once.")] = None,
) -> None:
    """Run the scheduled deployments (ingest hourly, report daily, replay weekly) until Ctrl-C.

    Uses the Prefect server at PREFECT_API_URL, or starts one on 127.0.0.1 with
    its database in the data folder.
    """
    from flows.deployments import DEPLOYMENTS, parse_schedule
    from flows.serve import ServerError
    from flows.serve import serve as serve_flows

    known = {s.key for s in DEPLOYMENTS}
    unknown = sorted(set(only or []) - known)
    if unknown:
        raise _fail(f"unknown flow {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    overrides: dict[str, str | float | None] = {}
    for item in schedule or []:
        name, sep, value = item.partition("=")
        if not sep or name not in known:
            raise _fail(f"--schedule takes NAME=CRON|SECONDS|off with NAME one of {sorted(known)}")
        try:
            overrides[name] = parse_schedule(value)
        except ValueError as exc:
            raise _fail(str(exc)) from None
    settings = _settings()
    try:
        serve_flows(
            settings.data_dir,
            only,
            overrides,
            port=port,
            limit=limit,
            echo=lambda line: typer.echo(line, err=True),
        )
    except ServerError as exc:
        raise _fail(str(exc)) from None


@app.command()
def backfill(
    since: Annotated[str, typer.Option(help="First day of the window, YYYY-MM-DD.")],
    until: Annotated[str, typer.Option(help="Last day of the window, YYYY-MM-DD.")],
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources", "-s", help="Sources file (default: GAPTRACK_SOURCES_FILE or sources.toml)."
        ),
    ] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source (repeatable).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Redo chunks that already finished.")
    ] = False,
    concurrency: Annotated[int, typer.Option(help="Chunks run at once by this worker.")] = 2,
    lease: Annotated[
        float,
        typer.Option(help="Seconds before a chunk whose worker went silent is taken over."),
    ] = 120.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Ingest the past articles of a date window, per source and week; resumable.

    Start it again after an interruption, or on other machines against the
    same PostgreSQL store, and the workers share out what is left.
    """
    from flows.config import ConfigError, load_sources

    start, end = _date(since, "--since"), _date(until, "--until")
    assert start is not None and end is not None
    if end < start:
        raise _fail("--until is before --since")
    if concurrency < 1:
        raise _fail("--concurrency must be at least 1")
    settings = _settings()
    sources_file = sources or settings.sources_file
    try:
        names = [s.name for s in load_sources(sources_file, names=source)]
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    from flows.backfill import backfill as backfill_flow

    with _store(settings) as store, _chunk_progress(store, names, start, end, not as_json):
        summary = backfill_flow(
            since=start,
            until=end,
            source_names=source,
            sources_file=str(sources_file),
            force=force,
            concurrency=concurrency,
            lease_seconds=lease,
        )
    _print_summary(summary, as_json)
    chunks = summary["chunks"]
    if not as_json:
        typer.echo(
            "chunks: "
            + ", ".join(f"{k}={chunks[k]}" for k in ("total", "done", "failed", "pending", "ran"))
        )
    if chunks["failed"] or chunks["pending"]:
        raise _fail(
            f"{chunks['failed']} chunk(s) failed and {chunks['pending']} are unfinished; "
            "run the same command again to retry them"
        )


@contextlib.contextmanager
def _chunk_progress(
    store: Store, names: list[str], since: dt.date, until: dt.date, show: bool
) -> Iterator[None]:
    """A progress bar of the window's finished chunks, read from the store (all workers)."""
    if not show:
        yield
        return
    import threading

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    stop = threading.Event()
    with Progress(
        TextColumn("backfill {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as bar:
        task_id = bar.add_task(f"{since} to {until}", total=None)

        def poll() -> None:
            while True:
                with contextlib.suppress(Exception):  # a busy database only delays the bar
                    states = store.chunk_states(names, since, until)
                    finished = states.get("done", 0) + states.get("failed", 0)
                    bar.update(task_id, total=sum(states.values()) or None, completed=finished)
                if stop.wait(0.5):
                    return

        watcher = threading.Thread(target=poll, name="backfill-progress", daemon=True)
        watcher.start()
        try:
            yield
        finally:
            stop.set()
            watcher.join(timeout=5)


@app.command()
def replay(
    since: Annotated[
        str | None,
        typer.Option(help="Only articles published (or, undated, fetched) on or after YYYY-MM-DD."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Also re-extract articles already at the current version."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Re-extract stored raw pages with the current extractor version, without network.

    Observations of older versions are superseded, not deleted.
    """
    start = _date(since, "--since")
    with _store():
        pass  # migrate before Prefect starts, so a bad database URL costs no flow run
    from flows.replay import replay as replay_flow

    summary = replay_flow(since=start, force=force)
    if as_json:
        typer.echo(json.dumps(summary, indent=2, default=str))
        return
    keys = (
        "articles",
        "replayed",
        "from_archive",
        "from_text",
        "failed",
        "observations",
        "superseded",
        "quarantined",
    )
    typer.echo(
        f"replay to extractor {summary['extractor_version']}: "
        + ", ".join(f"{k}={summary[k]}" for k in keys)
    )


@app.command()
def migrate() -> None:
    """Create or upgrade the store's schema to the newest revision."""
    with _store() as store:
        typer.echo(f"store at revision {store.current_revision()}")


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (a free one if taken).")] = 8765,
    serve_only: Annotated[
        bool, typer.Option("--serve-only", help="Only serve the site until Ctrl-C.")
    ] = False,
) -> None:
    """Serve the bundled demo site, ingest it through the normal fetch path, print the report."""
    import time

    from flows.demo import serve

    settings = _settings()
    with serve(port=port) as site:
        sources_file = settings.data_dir / "demo-sources.toml"
        sources_file.parent.mkdir(parents=True, exist_ok=True)
        sources_file.write_text(site.sources_toml(), encoding="utf-8")
        if serve_only:
            typer.echo(f"serving the demo site at {site.base_url}/ (Ctrl-C to stop)")
            typer.echo(f"sources file: {sources_file}\n")
            typer.echo(site.sources_toml())
            hint = f"GAPTRACK_ALLOWED_HOSTS=127.0.0.1 gaptrack ingest --sources {sources_file}"
            typer.echo(f"ingest it with: {hint}")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                return
        from flows.ingest import ingest as ingest_flow

        summary = ingest_flow(
            sources_file=str(sources_file),
            overrides={
                "allowed_hosts": "127.0.0.1,localhost",
                "per_host_delay": 0.0,
                "per_host_concurrency": 4,
            },
        )
    _print_summary(summary, as_json=False)
    report(fmt=ReportFormat.terminal, output=None)


def main() -> None:
    """Console-script entry point."""
    # Prefect's local server reports usage to its makers by default; an ETL box
    # often has no route out, which shows as an error in every run's log.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    app()


if __name__ == "__main__":
    main()
