"""The ``gaptrack`` command line: a thin layer over the flows, the store and the extractors.

Heavy libraries (Prefect, Great Expectations, SQLAlchemy) are imported inside
the commands that need them, so ``gaptrack extract`` starts fast. Library
errors become one clean message and exit code 1 here, in one place.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
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


class ReportFormat(StrEnum):
    """Output formats of ``report``."""

    terminal = "terminal"
    markdown = "markdown"


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
        QueryFormat, typer.Option("--format", "-f", help="table, csv or json.")
    ] = QueryFormat.table,
) -> None:
    """Query stored observations with filters."""
    from schemas.records import CONTRACT_KEYS
    from schemas.store import ObservationFilter

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
        rows = store.observations(flt)
    keys = [*CONTRACT_KEYS, "source_url", "published", "extractor_version", "ingested_at"]
    records = [{k: row.get(k) for k in keys} for row in rows]
    if fmt == QueryFormat.json:
        typer.echo(json.dumps(records, indent=2, default=str, ensure_ascii=False))
    elif fmt == QueryFormat.csv:
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=keys)
        writer.writeheader()
        for r in records:
            writer.writerow({**r, "items": ";".join(r["items"] or [])})
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table("metric", "value", "country", "entity", "kind", "period", "source")
        for r in records:
            table.add_row(
                r["metric"],
                f"{r['value']:,.6g}",
                r["country"] or "",
                r["entity"] or r["counterparty"] or "",
                r["qualifier"] or r["action"] or "",
                r["period"] or "",
                r["source_url"],
            )
        Console().print(table)
        typer.echo(f"{len(records)} observations")


@app.command()
def report(
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="terminal or markdown.")
    ] = ReportFormat.terminal,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
) -> None:
    """Print the US–China gap over time, each line traced to its sources."""
    from reports.gap import build_report
    from reports.render import print_terminal, to_markdown

    with _store() as store:
        gap = build_report(store.observations())
    if fmt == ReportFormat.markdown or output is not None:
        text = to_markdown(gap)
        if output is not None:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
            typer.echo(f"wrote {output}")
        else:
            typer.echo(text)
        return
    print_terminal(gap)


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
