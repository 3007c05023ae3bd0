"""The deployments are defined once: flows/deployments.py and deploy/prefect.yaml agree."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from flows.deployments import DEPLOYMENTS, TAGS, load_flow, parse_schedule, runner_deployments
from tests.conftest import ROOT

PREFECT_YAML = ROOT / "deploy" / "prefect.yaml"


def _yaml_deployments() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))
    return {d["name"]: d for d in data["deployments"]}


def test_prefect_yaml_matches_the_deployments_in_code() -> None:
    declared = _yaml_deployments()
    assert set(declared) == {s.name for s in DEPLOYMENTS}
    for spec in DEPLOYMENTS:
        d = declared[spec.name]
        assert d["entrypoint"] == spec.entrypoint
        assert d["description"] == spec.description
        assert (d.get("parameters") or {}) == spec.parameters
        assert d.get("tags") == list(TAGS)
        schedules = d.get("schedules") or []
        if spec.cron is None:
            assert schedules == []
        else:
            assert schedules == [{"cron": spec.cron, "timezone": "UTC"}]
        assert d["work_pool"]["name"] == "gaptrack"


def test_entrypoints_name_flows_in_files_that_exist() -> None:
    for spec in DEPLOYMENTS:
        path = spec.entrypoint.partition(":")[0]
        assert (ROOT / path).is_file(), spec.entrypoint
        assert load_flow(spec).name == spec.key


def test_schedule_overrides() -> None:
    assert parse_schedule("30") == 30.0
    assert parse_schedule("*/15 * * * *") == "*/15 * * * *"
    assert parse_schedule("off") is None
    for bad in ("every hour", "-5", "* * *"):
        with pytest.raises(ValueError):
            parse_schedule(bad)


def test_served_deployments_carry_the_schedules() -> None:
    built = {d.flow_name: d for d in runner_deployments(DEPLOYMENTS, {"replay": 45.0})}
    assert built["ingest"].name == "hourly"
    assert built["ingest"].entrypoint == "flows.ingest.ingest"
    assert built["ingest"].paused is False
    ingest_schedule = built["ingest"].schedules[0].schedule
    assert getattr(ingest_schedule, "cron", None) == "0 * * * *"
    assert getattr(built["replay"].schedules[0].schedule, "interval", None) == dt.timedelta(
        seconds=45
    )
    assert built["backfill"].schedules == []
    assert getattr(built["report"].schedules[0].schedule, "cron", None) == "30 6 * * *"
