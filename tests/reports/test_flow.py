"""The `report` Prefect flow publishes the Markdown report and the indicator table as artifacts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.report import INDICATORS_KEY, REPORT_KEY, report

pytestmark = pytest.mark.usefixtures("prefect_server")


def test_report_flow_publishes_artifacts_and_writes_files(gap_url: str, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    out = tmp_path / "out"
    summary = report(output_dir=str(out), overrides={"database_url": gap_url})
    assert summary["observations"] == 32
    assert summary["conflicts"] == 1
    assert sorted(Path(f).name for f in summary["files"]) == ["gap-report.html", "gap-report.md"]
    assert (out / "gap-report.html").read_text().startswith("<!doctype html>")

    with get_client(sync_client=True) as client:
        found = {
            key: client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
            )
            for key in (REPORT_KEY, INDICATORS_KEY)
        }
    md = next(a for a in found[REPORT_KEY] if str(a.id) == summary["artifacts"]["markdown"])
    assert md.type == "markdown"
    assert isinstance(md.data, str) and md.data.startswith("# US–China AI gap report")
    assert "## Where sources disagree" in md.data
    assert md.flow_run_id is not None

    table = next(a for a in found[INDICATORS_KEY] if str(a.id) == summary["artifacts"]["table"])
    assert table.type == "table"
    rows = json.loads(table.data) if isinstance(table.data, str) else table.data
    assert len(rows) == summary["indicator_rows"]
    ratio = next(
        r
        for r in rows
        if r["indicator"] == "investment"
        and r["grain"] == "year"
        and r["period"] == "2024"
        and r["series"] == "US/CN"
    )
    assert ratio["value"] == pytest.approx(109.1 / 9.3, rel=1e-4)
    assert ratio["facts"].startswith("F")
