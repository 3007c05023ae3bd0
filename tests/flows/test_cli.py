"""The CLI: the extract contract, help for every command, clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.conftest import ROOT

runner = CliRunner()
CONTRACT = {
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
}
SEED = ROOT.parent / "shared" / "seed" / "article.txt"
DEMO_PAGE = next((ROOT / "demo" / "site" / "news").rglob("*.html"))


def test_every_command_has_help_and_is_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = [
        c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands
    ]
    assert {"ingest", "extract", "query", "report", "status", "demo"} <= set(commands)
    for name in commands:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, result.output
        assert f"gaptrack {name}" in readme, f"README does not document `gaptrack {name}`"


def test_extract_prints_the_contract_for_an_html_page() -> None:
    result = runner.invoke(app, ["extract", str(DEMO_PAGE), "--url", "https://news.example/a"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    for rec in records:
        assert set(rec) == CONTRACT
        assert isinstance(rec["items"], list)


def test_extract_rejects_a_bad_date_cleanly(tmp_path: Path) -> None:
    page = tmp_path / "a.txt"
    page.write_text("The US drew $10 billion of AI investment in 2023.")
    result = runner.invoke(app, ["extract", str(page), "--published", "yesterday"])
    assert result.exit_code == 1
    assert "YYYY-MM-DD" in result.output


@pytest.mark.skipif(not SEED.exists(), reason=f"reference article not present at {SEED}")
def test_extract_on_the_reference_article() -> None:
    """The reference article yields its headline figures in contract form."""
    result = runner.invoke(
        app, ["extract", str(SEED), "--published", "2024-03-29", "--format", "jsonl"]
    )
    assert result.exit_code == 0, result.output
    recs = [json.loads(line) for line in result.output.splitlines()]

    def has(metric: str, value: float, **keys: str) -> bool:
        return any(
            r["metric"] == metric
            and abs(r["value"] - value) <= 0.02 * value
            and all(str(r.get(k) or "").lower().find(v.lower()) >= 0 for k, v in keys.items())
            for r in recs
        )

    assert has("ai_investment_usd", 31e9, country="US", period="2022")
    assert has("ai_deal_count", 1151, country="US", period="2022")
    assert has("ai_investment_usd", 2e9, country="CN")
    assert has("ai_deal_count", 68, country="CN")
    assert has("funding_round_usd", 2.7e9, entity="Anthropic", counterparty="Amazon")
    assert has("user_count", 100e6, entity="Ernie")


def test_extract_starts_without_prefect_or_great_expectations(tmp_path: Path) -> None:
    page = tmp_path / "a.txt"
    page.write_text("The US drew $10 billion of AI investment in 2023.")
    code = (
        "import sys; from flows.cli import main; sys.argv = ['gaptrack', 'extract', sys.argv[1]];\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "bad = [m for m in ('prefect', 'great_expectations', 'pandas', 'sqlalchemy') if m in sys.modules]\n"
        "assert not bad, bad"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(page)], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr


def test_query_json_has_the_documented_keys(tmp_path: Path) -> None:
    from schemas.records import Article, FetchOutcome, FetchState, Observation, PageResult
    from schemas.store import Store

    url = f"sqlite:///{tmp_path / 'q.db'}"
    store = Store(url)
    art = Article(
        url="https://news.example/a", title="t", published=None, text="The US drew $10 billion."
    )
    obs = Observation(
        metric="ai_investment_usd", value=1e10, country="US", evidence="The US drew $10 billion."
    )
    out = FetchOutcome(url=art.url, state=FetchState.NEW)
    store.save(
        None,
        [PageResult(outcome=out, state=FetchState.NEW, article=art, observations=(obs,))],
        extractor_version="t",
    )
    store.close()
    result = runner.invoke(
        app,
        ["query", "--metric", "ai_investment_usd", "--format", "json"],
        env={"GAPTRACK_DATABASE_URL": url},
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 1
    assert set(rows[0]) == CONTRACT | {
        "source_url",
        "published",
        "extractor_version",
        "ingested_at",
    }
    assert rows[0]["source_url"] == "https://news.example/a"


def test_ingest_reports_a_missing_sources_file_cleanly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", "--sources", str(tmp_path / "nope.toml")])
    assert result.exit_code == 1
    assert "sources file not found" in result.output
