"""The deployments of gaptrack's flows and their schedules, defined once.

``gaptrack serve`` turns these into served deployments; ``deploy/prefect.yaml``
declares the same ones for a process work pool (``tests/flows/test_deployments.py``
checks that the two agree). Schedules are cron expressions in UTC.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

TIMEZONE = "UTC"
TAGS = ("gaptrack",)


@dataclass(frozen=True, slots=True)
class DeploymentSpec:
    """One deployment: which flow, under what name, on what schedule, with what parameters."""

    key: str  # the flow's short name, as ``gaptrack serve --only`` takes it
    name: str  # the deployment's name: runs are started as ``<flow>/<name>``
    entrypoint: str  # ``path/to/file.py:function`` from the project root
    cron: str | None
    description: str
    parameters: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def module(self) -> str:
        """The flow's module, e.g. ``flows.ingest``."""
        return self.entrypoint.split(":", 1)[0].removesuffix(".py").replace("/", ".")

    @property
    def function(self) -> str:
        """The name of the flow object in its module."""
        return self.entrypoint.split(":", 1)[1]


DEPLOYMENTS: tuple[DeploymentSpec, ...] = (
    DeploymentSpec(
        key="ingest",
        name="hourly",
        entrypoint="flows/ingest.py:ingest",
        cron="0 * * * *",
        description="Ingest the configured sources every hour.",
    ),
    DeploymentSpec(
        key="report",
        name="daily",
        entrypoint="flows/report.py:report",
        cron="30 6 * * *",
        description="Build the US–China gap report every day.",
    ),
    DeploymentSpec(
        key="replay",
        name="weekly",
        entrypoint="flows/replay.py:replay",
        cron="0 3 * * 0",
        description="Re-extract stored pages whose extractor version is out of date, weekly.",
    ),
    DeploymentSpec(
        key="backfill",
        name="on-demand",
        entrypoint="flows/backfill.py:backfill",
        cron=None,
        description="Ingest a past date window per source and week; start it with parameters.",
    ),
)


def spec(key: str) -> DeploymentSpec:
    """The deployment of the flow called ``key``; raises KeyError naming the known ones."""
    for s in DEPLOYMENTS:
        if s.key == key:
            return s
    raise KeyError(f"no deployment for {key!r} (known: {', '.join(s.key for s in DEPLOYMENTS)})")


def load_flow(s: DeploymentSpec) -> Any:
    """The flow object a deployment runs (imports its module)."""
    return getattr(importlib.import_module(s.module), s.function)


def parse_schedule(text: str) -> str | float | None:
    """A ``--schedule`` value: seconds between runs, a cron expression, or ``off``."""
    text = text.strip()
    if text.lower() in ("off", "none", ""):
        return None
    try:
        seconds = float(text)
    except ValueError:
        if len(text.split()) not in (5, 6):
            raise ValueError(f"not a cron expression or a number of seconds: {text!r}") from None
        return text
    if seconds <= 0:
        raise ValueError(f"an interval must be positive, got {text!r}")
    return seconds


def runner_deployments(
    specs: Sequence[DeploymentSpec], schedules: dict[str, str | float | None] | None = None
) -> list[RunnerDeployment]:
    """Served deployments of ``specs``; ``schedules`` replaces the schedule of some flows."""
    from prefect.schedules import Cron, Interval
    from prefect.types.entrypoint import EntrypointType

    schedules = schedules or {}
    out = []
    for s in specs:
        when = schedules.get(s.key, s.cron)
        if when is None:
            plan = []
        elif isinstance(when, str):
            plan = [Cron(when, timezone=TIMEZONE)]
        else:
            plan = [Interval(dt.timedelta(seconds=when), timezone=TIMEZONE)]
        out.append(
            load_flow(s).to_deployment(
                s.name,
                schedules=plan,
                # A runner pauses its deployments when it stops; serving again resumes them.
                paused=False,
                parameters=s.parameters,
                description=s.description,
                tags=list(TAGS),
                # Import by module name: runs work from any folder once gaptrack is installed.
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
        )
    return out
