"""The HTML report in headless Chromium: it renders, its charts have points, nothing errs or loads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reports.build import build_report
from reports.render import render
from schemas.store import Store
from tests.reports.browser import CHROMIUM, load

REQUIRE = os.environ.get("GAPTRACK_REQUIRE_BROWSER") == "1"

PROBE = """(() => {
  const charts = {};
  for (const svg of document.querySelectorAll('svg.chart')) {
    const paths = [...svg.querySelectorAll('path.line')].filter(p => (p.getAttribute('d') || '').length > 10);
    const points = svg.querySelectorAll('a.point circle');
    const box = svg.getBoundingClientRect();
    charts[svg.dataset.chart] = {paths: paths.length, points: points.length, width: box.width, height: box.height};
  }
  const broken = [...document.querySelectorAll('a[href^="#"]')]
    .map(a => a.getAttribute('href').slice(1))
    .filter(id => !document.getElementById(id));
  return {title: document.title, charts, broken, tables: document.querySelectorAll('table').length};
})()"""


@pytest.fixture
def browser() -> None:
    if CHROMIUM.exists():
        return
    message = f"headless Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    if REQUIRE:
        pytest.fail(message + "; GAPTRACK_REQUIRE_BROWSER=1 requires it")
    pytest.skip(message + "; set GAPTRACK_REQUIRE_BROWSER=1 to fail instead")


@pytest.mark.usefixtures("browser")
def test_html_report_renders_with_charts_and_no_errors(sqlite_gap_url: str, tmp_path: Path) -> None:
    store = Store(sqlite_gap_url)
    try:
        page = tmp_path / "report.html"
        page.write_text(render(build_report(store), "html"), encoding="utf-8")
    finally:
        store.close()
    run = load(page.as_uri(), probe=PROBE, screenshot=True)
    assert run.errors == []
    assert run.requests == []  # self-contained: nothing fetched, not even fonts
    probe = run.probe
    assert probe["title"] == "US–China AI gap report"
    assert probe["broken"] == []  # every point and reference lands on its evidence or source
    assert probe["tables"] >= 8
    charts = probe["charts"]
    assert {"investment", "ratio", "deals", "top_users", "talent", "events"} <= set(charts)
    for key, chart in charts.items():
        assert chart["points"] > 0, key
        assert chart["width"] > 300 and chart["height"] > 100, key
    for key in ("investment", "deals", "ratio"):
        assert charts[key]["paths"] > 0, key
    assert run.screenshot is not None and run.screenshot[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(run.screenshot) > 50_000


@pytest.mark.usefixtures("browser")
def test_the_harness_catches_errors_and_outside_requests(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        "<!doctype html><title>bad</title><img src='http://127.0.0.1:9/x.png'>"
        "<script>console.error('boom'); notDefined();</script>",
        encoding="utf-8",
    )
    run = load(page.as_uri())
    assert any("boom" in e for e in run.errors)
    assert any(e.startswith("Uncaught") for e in run.errors)
    assert run.requests == ["http://127.0.0.1:9/x.png"]
