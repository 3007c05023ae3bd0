"""`gaptrack query` and `gaptrack report` through Typer's CliRunner, and the DataFrame API."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.cli import app
from reports import api
from reports.export import QUERY_KEYS

runner = CliRunner()


def _run(url: str, *args: str) -> str:
    result = runner.invoke(app, list(args), env={"GAPTRACK_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    return result.output


def test_json_is_a_list_of_objects_with_the_documented_keys(gap_url: str) -> None:
    rows = json.loads(_run(gap_url, "query", "--format", "json"))
    assert len(rows) == 32
    assert all(list(r) == list(QUERY_KEYS) for r in rows)
    assert set(QUERY_KEYS) == {
        "metric",
        "value",
        "unit",
        "country",
        "entity",
        "org",
        "counterparty",
        "qualifier",
        "action",
        "items",
        "period",
        "evidence",
        "source_url",
        "published",
        "extractor_version",
        "ingested_at",
    }
    chip = next(r for r in rows if r["metric"] == "chip_export_event")
    assert isinstance(chip["items"], list) and chip["items"]
    assert rows[0]["ingested_at"].endswith("+00:00")


def test_filters_narrow_the_rows(gap_url: str) -> None:
    def count(*args: str) -> int:
        return len(json.loads(_run(gap_url, "query", "-f", "json", *args)))

    assert count("--metric", "user_count", "--country", "cn") == 3
    assert count("--entity", "chatgpt") == 4  # substring, any case: ChatGPT, OpenAI's ChatGPT
    assert count("--metric", "ai_investment_usd", "--since", "2024-01-01") == 6
    assert count("--metric", "ai_investment_usd", "--until", "2021-12-31") == 2
    assert count("--source", "fedreg") == 1
    assert count("--extractor-version", "nope") == 0
    assert count("--limit", "3") == 3


def test_csv_has_a_header_and_joins_items(sqlite_gap_url: str) -> None:
    out = _run(sqlite_gap_url, "query", "--metric", "chip_export_event", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == list(QUERY_KEYS)
    assert "A800;H800" in {r["items"] for r in rows}


def test_parquet_needs_an_output_file_and_round_trips(sqlite_gap_url: str, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    result = runner.invoke(
        app, ["query", "-f", "parquet"], env={"GAPTRACK_DATABASE_URL": sqlite_gap_url}
    )
    assert result.exit_code == 1 and "--output" in result.output
    target = tmp_path / "out" / "obs.parquet"
    _run(sqlite_gap_url, "query", "-f", "parquet", "-o", str(target), "--metric", "user_count")
    table = pq.read_table(target)
    assert table.num_rows == 7
    assert table.column_names == list(QUERY_KEYS)
    assert str(table.schema.field("published").type) == "date32[day]"
    assert str(table.schema.field("items").type) == "list<element: string>"


def test_json_and_csv_can_go_to_a_file(sqlite_gap_url: str, tmp_path: Path) -> None:
    target = tmp_path / "obs.json"
    _run(sqlite_gap_url, "query", "-f", "json", "-o", str(target), "--metric", "talent_share_pct")
    assert len(json.loads(target.read_text())) == 2


def test_table_shows_short_sources_not_urls(sqlite_gap_url: str) -> None:
    out = _run(sqlite_gap_url, "query", "--metric", "user_count")
    assert "7 observations" in out
    assert "https://" not in out
    result = runner.invoke(
        app, ["query", "--since", "soon"], env={"GAPTRACK_DATABASE_URL": sqlite_gap_url}
    )
    assert result.exit_code == 1 and "YYYY-MM-DD" in result.output


def test_report_command_writes_every_format(sqlite_gap_url: str, tmp_path: Path) -> None:
    md = _run(sqlite_gap_url, "report", "--format", "markdown")
    assert md.startswith("# US–China AI gap report")
    _run(sqlite_gap_url, "report", "-o", str(tmp_path / "r.html"))
    html = (tmp_path / "r.html").read_text()
    assert html.startswith("<!doctype html>") and "<svg" in html
    _run(sqlite_gap_url, "report", "-o", str(tmp_path / "r.md"))
    assert (tmp_path / "r.md").read_text().startswith("# US–China")
    terminal = _run(sqlite_gap_url, "report", "--since", "2024-01-01")
    assert "At a glance" in terminal and "since=2024-01-01" in terminal


def test_dataframe_api(gap_url: str) -> None:
    obs = api.observations(gap_url, metric="user_count", country="US")
    assert list(obs.columns[: len(QUERY_KEYS)]) == list(QUERY_KEYS)
    assert len(obs) == 4 and set(obs.country) == {"US"}
    assert pd.api.types.is_datetime64_any_dtype(obs.published)
    assert str(obs.ingested_at.dt.tz) == "UTC"

    facts = api.facts(gap_url, metric="ai_investment_usd", country="US")
    used = facts[facts.chosen & (facts.period == "2024")].iloc[0]
    assert used.value == 109.1e9 and used.n_sources == 2
    assert sorted(used.source_urls) == [
        "https://news.example/2025/04/ai-index",
        "https://news.example/2026/02/talent-gap",
    ]
    assert len(api.facts(gap_url, used_only=True, metric="ai_investment_usd", country="US")) == 5

    ratio = api.indicators(gap_url, grain="year", indicator="investment", series="US/CN")
    assert list(ratio.period) == ["2021", "2022", "2023", "2024"]
    assert ratio.value.iloc[-1] == pytest.approx(109.1 / 9.3)
    assert api.report(gap_url, since="2024-01-01").scope == "since=2024-01-01"
    with pytest.raises(TypeError, match="unknown filter"):
        api.observations(gap_url, colour="red")


def test_query_table_starts_without_pandas_or_prefect(sqlite_gap_url: str) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = (
        "import sys; from flows.cli import main; sys.argv = ['gaptrack', 'query', '--limit', '2']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "bad = [m for m in ('pandas', 'prefect', 'pyarrow') if m in sys.modules]\n"
        "assert not bad, bad"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"GAPTRACK_DATABASE_URL": sqlite_gap_url, "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "2 observations" in proc.stdout
