"""The ``report`` Prefect flow: build the gap report from the store and publish it.

The Markdown report and the indicator table become Prefect artifacts under
fixed keys (``gap-report``, ``gap-indicators``), so the Prefect UI always shows
the latest report next to the run that built it; optionally the Markdown and
HTML files are written too.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.settings import Settings

if TYPE_CHECKING:
    from reports.build import Report

REPORT_KEY = "gap-report"
INDICATORS_KEY = "gap-indicators"
#: Columns of the indicator table artifact.
TABLE_COLUMNS = (
    "indicator",
    "grain",
    "period",
    "series",
    "value",
    "unit",
    "label",
    "previous_period",
    "change",
    "change_pct",
    "facts",
)


@task(name="build-report", cache_policy=NO_CACHE)
def build(database_url: str, filters: dict[str, Any]) -> Report:
    """Consolidate the store's observations and compute the indicators."""
    from reports.api import observation_filter
    from reports.build import build_report
    from schemas.store import Store

    store = Store(database_url)
    try:
        return build_report(store, observation_filter(**filters) if filters else None)
    finally:
        store.close()


def indicator_rows(report: Report) -> list[dict[str, Any]]:
    """The indicator table as JSON-safe rows for a table artifact."""
    rows = []
    for r in report.indicators.to_dict("records"):
        row = {k: r.get(k) for k in TABLE_COLUMNS if k != "facts"}
        row["facts"] = " ".join(f"F{i}" for i in r["fact_ids"])
        for k, v in row.items():
            if isinstance(v, float):
                row[k] = None if math.isnan(v) else round(v, 6)
        rows.append(row)
    return rows


@task(name="publish-report", cache_policy=NO_CACHE)
def publish(report: Report) -> dict[str, str]:
    """Create the Markdown and table artifacts; returns their ids."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    from reports.render import render

    summary = (
        f"{report.n_observations:,} observations, {report.n_facts:,} facts, "
        f"{report.n_conflicts:,} conflicts"
    )
    md = create_markdown_artifact(
        markdown=render(report, "markdown"),
        key=REPORT_KEY,
        description=f"US–China AI gap report ({summary})",
    )
    table = create_table_artifact(
        table=indicator_rows(report),
        key=INDICATORS_KEY,
        description="Gap indicators by year and quarter (see reports/README.md)",
    )
    return {"markdown": str(md), "table": str(table)}


@flow(name="report", log_prints=True, validate_parameters=False)
def report(
    output_dir: str | None = None,
    formats: list[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    source: str | None = None,
    extractor_version: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the report, publish it as artifacts, and write files to ``output_dir`` if given."""
    logger = get_run_logger()
    settings = Settings(**(overrides or {}))
    filters = {
        k: v
        for k, v in (
            ("since", since),
            ("until", until),
            ("source", source),
            ("extractor_version", extractor_version),
        )
        if v is not None
    }
    rep = build(settings.sqlalchemy_url, filters)
    artifacts = publish(rep)
    files = []
    if output_dir:
        from reports.render import render

        folder = Path(output_dir)
        folder.mkdir(parents=True, exist_ok=True)
        for fmt in formats or ["markdown", "html"]:
            path = folder / ("gap-report.md" if fmt == "markdown" else "gap-report.html")
            path.write_text(render(rep, fmt), encoding="utf-8")
            files.append(str(path))
    result = {
        "observations": rep.n_observations,
        "facts": rep.n_facts,
        "conflicts": rep.n_conflicts,
        "indicator_rows": len(rep.indicators),
        "artifacts": artifacts,
        "files": files,
    }
    logger.info("report summary: %s", result)
    return result
