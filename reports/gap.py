"""The first report's entry point, kept for callers that pass observation dicts.

``build_report(store.observations())`` still works; ``reports.build.build_report(store)``
aggregates in SQL instead of loading every row and is the one to use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reports.build import Report, build_report_from_rows


def build_report(rows: Sequence[Mapping[str, Any]]) -> Report:
    """The gap report from observation dicts (as ``Store.observations`` returns them)."""
    return build_report_from_rows(rows)
