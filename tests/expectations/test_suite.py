"""The suite file itself: loadable by GX, named, and in step with the record vocabularies."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from expectations.validate import (
    COUNTRY_CODES_FILE,
    _import_gx,
    expectation_names,
    load_suite_json,
)
from schemas.records import CHIP_ACTIONS, METRICS, USER_QUALIFIERS, period_bounds

FOLDER = Path(__file__).resolve().parents[2] / "expectations"


def _by_name() -> dict[str, dict[str, Any]]:
    return {e["meta"]["name"]: e for e in load_suite_json()["expectations"]}


def _when(metric: str) -> dict[str, Any]:
    return {
        "type": "comparison",
        "column": {"name": "metric"},
        "operator": "==",
        "parameter": metric,
    }


def test_names_are_unique_short_and_stable() -> None:
    names = expectation_names()
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]{2,40}", n) for n in names)
    assert load_suite_json()["name"] == "observations"


def test_every_expectation_has_notes() -> None:
    assert all(e.get("notes") for e in load_suite_json()["expectations"])


def test_vocabularies_match_the_records() -> None:
    by_name = _by_name()
    assert by_name["metric_in_vocabulary"]["kwargs"]["value_set"] == list(METRICS)
    assert by_name["user_count_qualifier_known"]["kwargs"]["value_set"] == list(USER_QUALIFIERS)
    assert by_name["chip_export_event_action_known"]["kwargs"]["value_set"] == list(CHIP_ACTIONS)


@pytest.mark.parametrize("metric", list(METRICS))
def test_every_metric_has_a_unit_and_a_range(metric: str) -> None:
    by_name = _by_name()
    unit = by_name[f"{metric}_unit"]["kwargs"]
    assert unit["column"] == "unit"
    assert unit["value_set"] == [METRICS[metric]]
    assert unit["row_condition"] == _when(metric)
    bounds = by_name[f"{metric}_range"]["kwargs"]
    assert bounds["column"] == "value"
    assert bounds["row_condition"] == _when(metric)
    assert bounds["min_value"] is not None
    assert bounds["max_value"] is not None


def test_suite_round_trips_through_gx() -> None:
    gx = _import_gx()
    data = load_suite_json()
    suite = gx.ExpectationSuite(**data)
    # GX drops an expectation it cannot parse with only a log line.
    assert len(suite.expectations) == len(data["expectations"])
    again = gx.ExpectationSuite(**suite.to_json_dict())
    assert again == suite
    dumped = again.to_json_dict()
    assert dumped["name"] == data["name"]
    for want, got in zip(data["expectations"], dumped["expectations"], strict=True):
        assert got["type"] == want["type"]
        assert got["meta"] == want["meta"]
        assert got["notes"] == want["notes"]
        assert got["kwargs"] == want["kwargs"]


def test_country_codes_file() -> None:
    data = json.loads((FOLDER / COUNTRY_CODES_FILE).read_text("utf-8"))
    codes, extra = data["codes"], data["also_accepted"]
    assert len(codes) == 249
    assert all(re.fullmatch(r"[A-Z]{2}", c) for c in [*codes, *extra])
    assert {"US", "CN", "TW", "HK", "MO", "GB", "KR", "KP"} <= set(codes)
    assert not {"UK", "EU", "XK", "XX"} & set(codes)
    # The European Union's exceptionally reserved code, as the extractors' gazetteer uses it.
    assert set(extra) == {"EU"}


def test_country_codes_are_a_suite_parameter() -> None:
    assert _by_name()["country_iso_alpha2"]["kwargs"]["value_set"] == {
        "$PARAMETER": "country_codes"
    }


def test_period_regex_accepts_exactly_the_calendar() -> None:
    regex = re.compile(_by_name()["period_valid"]["kwargs"]["regex"])
    for year in range(1890, 2111):
        in_years = 1900 <= year <= 2099
        assert bool(regex.search(f"{year}")) == in_years
        for month in range(14):
            assert bool(regex.search(f"{year}-{month:02d}")) == (in_years and 1 <= month <= 12)
            for day in range(33):
                try:
                    dt.date(year, month, day)
                    real = in_years
                except ValueError:
                    real = False
                assert bool(regex.search(f"{year}-{month:02d}-{day:02d}")) == real


@pytest.mark.parametrize(
    "period", ["2024", "2024-02", "2024-02-29", "2023/2024", "2023-11/2024-02-29", "1999-12-31"]
)
def test_accepted_periods_are_readable_by_the_store(period: str) -> None:
    assert re.search(_by_name()["period_valid"]["kwargs"]["regex"], period)
    start, end = period_bounds(period)
    assert start is not None
    assert end is not None
