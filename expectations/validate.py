"""The validate stage: split extracted observations into accepted and rejected rows.

The rules live in ``observations.json``, a Great Expectations 1.x suite; this module
turns a batch of ``(article_url, Observation)`` pairs into one table, adds the few
columns a core expectation cannot compute (is the evidence in the article text, is
the value whole, how long is the period), runs the suite once over the table and
maps each failed expectation back to its rows by index.

Great Expectations (and pandas) are imported on the first call, not with this
module, and the context, suite and batch definition are built once per process.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import math
import numbers
import threading
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from schemas.records import Observation, period_bounds

if TYPE_CHECKING:
    # pandas ships no type information and pandas-stubs is not a dev dependency.
    import pandas as pd

__all__ = [
    "Rejected",
    "SuiteError",
    "Validated",
    "expectation_names",
    "load_suite_json",
    "validate",
]

SUITE_FILE = "observations.json"
COUNTRY_CODES_FILE = "iso3166_alpha2.json"

# Observation fields that become columns (``items`` is a tuple no expectation reads),
# then the columns computed here for the checks GX has no core expectation for.
_FIELDS = tuple(f.name for f in dataclasses.fields(Observation) if f.name != "items")
_DERIVED = (
    "article_url",
    "article_text_present",
    "evidence_in_text",
    "value_fraction",
    "period_span_days",
)
# The suite runs once with pass/fail results only, then each failed expectation runs
# again alone to list its rows: a whole-suite COMPLETE run costs about twice a
# BOOLEAN_ONLY one (0.43 s against 0.24 s for any batch size), one expectation 0.03 s.
_PASS_FAIL = {"result_format": "BOOLEAN_ONLY"}
_RESULT_FORMAT = {
    "result_format": "COMPLETE",
    # The pandas query string repeats every failing index; nothing here reads it.
    "return_unexpected_index_query": False,
}

# One validation at a time: the cached context and its batch definition are shared,
# and GX is CPU-bound, so parallel calls would gain nothing.
_LOCK = threading.Lock()
# Set after the first validation: GX's first call builds caches the later ones reuse.
_WARM = threading.Event()
log = logging.getLogger(__name__)


class SuiteError(RuntimeError):
    """The suite could not be loaded or run: a defect to fix, not bad data."""


@dataclass(frozen=True)
class Rejected:
    """An observation that failed validation, with the names of every expectation it failed."""

    article_url: str
    observation: Observation
    failed: tuple[str, ...]


@dataclass(frozen=True)
class Validated:
    """The outcome of one batch: every input row is in exactly one of the two lists."""

    accepted: list[tuple[str, Observation]]
    rejected: list[Rejected]


def warm_up() -> None:
    """Import GX and build the suite's runtime now, so the first real batch does not wait.

    Once one validation has run in this process there is nothing left to warm.
    """
    if _WARM.is_set():
        return
    sample = Observation(
        metric="ai_investment_usd",
        value=1e9,
        country="US",
        period="2023",
        evidence="The US drew $1 billion in 2023.",
    )
    try:
        validate(
            [("https://warm-up.invalid/", sample)], {"https://warm-up.invalid/": sample.evidence}
        )
    except Exception:  # a broken suite is reported by the first real batch, with its context
        log.debug("validation warm-up failed", exc_info=True)


def load_suite_json() -> dict[str, Any]:
    """The expectation suite as the plain dict stored in ``observations.json``."""
    return _read_json(SUITE_FILE)


def expectation_names() -> list[str]:
    """The stable names of the suite's expectations, in suite order."""
    return [e["meta"]["name"] for e in load_suite_json()["expectations"]]


def validate(rows: Sequence[tuple[str, Observation]], texts: Mapping[str, str]) -> Validated:
    """Run the suite over ``rows``; ``texts`` maps each article URL to its main text."""
    if not rows:
        return Validated(accepted=[], rejected=[])
    with _LOCK:
        runtime = _runtime()
        failures = runtime.failures(_frame(rows, texts, runtime.columns))
    _WARM.set()
    accepted: list[tuple[str, Observation]] = []
    rejected: list[Rejected] = []
    for i, (url, obs) in enumerate(rows):
        if failures[i]:
            rejected.append(Rejected(article_url=url, observation=obs, failed=failures[i]))
        else:
            accepted.append((url, obs))
    return Validated(accepted=accepted, rejected=rejected)


def _read_json(name: str) -> dict[str, Any]:
    # Next to this file rather than importlib.resources: an editable install can
    # expose the package as a namespace package, which resources cannot read.
    data: dict[str, Any] = json.loads(Path(__file__).with_name(name).read_text("utf-8"))
    return data


def _frame(
    rows: Sequence[tuple[str, Observation]],
    texts: Mapping[str, str],
    columns: Sequence[str] = (*_FIELDS, *_DERIVED),
) -> pd.DataFrame:
    """The batch as a table of ``columns``, one row per observation in input order."""
    import pandas as pd

    # Many observations share an article; normalise each text once.
    flat_texts: dict[str, str | None] = {}
    records = []
    for url, obs in rows:
        if url not in flat_texts:
            text = texts.get(url)
            flat_texts[url] = _flatten(text) if isinstance(text, str) and text.strip() else None
        record = {f: getattr(obs, f) for f in _FIELDS}
        record.update(_derived(url, obs, flat_texts[url]))
        records.append(record)
    return pd.DataFrame.from_records(records, columns=list(columns))


def _derived(url: str, obs: Observation, flat_text: str | None) -> dict[str, Any]:
    # The dataclass types are not enforced at run time; an odd type must fail an
    # expectation, never crash the batch or slip past a check that skips nulls.
    value = _number(obs.value)
    evidence = obs.evidence if isinstance(obs.evidence, str) else ""
    flat_evidence = _flatten(evidence)
    evidence_in_text = (
        # Left null when there is nothing to compare, so only the missing part is reported.
        flat_evidence in flat_text if flat_text is not None and flat_evidence else None
    )
    return {
        "metric": obs.metric if isinstance(obs.metric, str) else "",
        "value": value,
        "evidence": evidence,
        # The period regex reads ``str(value)``, so a year given as an int would pass it.
        "period": obs.period if obs.period is None or isinstance(obs.period, str) else "",
        "article_url": url,
        "article_text_present": flat_text is not None,
        "evidence_in_text": evidence_in_text,
        "value_fraction": value % 1.0 if math.isfinite(value) else math.nan,
        "period_span_days": _period_span_days(obs.period),
    }


def _flatten(text: str) -> str:
    # Extractors may rewrap a sentence; line breaks and runs of spaces are not evidence.
    return " ".join(text.split())


def _number(value: object) -> float:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    return math.nan


def _period_span_days(period: object) -> float | None:
    if not isinstance(period, str) or not period:
        return None
    try:
        start, end = period_bounds(period)
    except (ValueError, TypeError, OverflowError):
        # Malformed periods are reported by period_valid; no span to check here.
        return None
    if start is None or end is None:
        return None
    return float((end - start).days)


def _country_codes() -> list[str]:
    data = _read_json(COUNTRY_CODES_FILE)
    return sorted({*data["codes"], *data["also_accepted"]})


@dataclass(frozen=True)
class _Runtime:
    """The GX objects built once per process and reused for every batch."""

    batch_definition: Any
    suite: Any
    parameters: dict[str, Any]
    order: dict[str, int]
    by_name: dict[str, Any]
    #: The columns the suite reads: every row condition copies all columns of the
    #: table (pandas ``query``), so the table carries no others.
    columns: tuple[str, ...]

    def failures(self, frame: pd.DataFrame) -> list[tuple[str, ...]]:
        """For each row of ``frame``, the names of the expectations it failed, in suite order."""
        batch = self.batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(
            self.suite, result_format=_PASS_FAIL, expectation_parameters=self.parameters
        )
        per_row: list[list[str]] = [[] for _ in range(len(frame))]
        for outcome in result.results:
            name = outcome.expectation_config.meta["name"]
            _check_ran(name, outcome)
            if outcome.success:
                continue
            r = batch.validate(
                self.by_name[name],
                result_format=_RESULT_FORMAT,
                expectation_parameters=self.parameters,
            )
            _check_ran(name, r)
            if r.success:
                raise SuiteError(f"expectation {name} failed, then passed on the same rows")
            index = r.result.get("unexpected_index_list")
            if not index or len(index) != r.result.get("unexpected_count"):
                # Without the failing rows a failure cannot be attributed, and
                # rejecting the whole batch would hide which rows were bad.
                raise SuiteError(f"expectation {name} failed without listing its rows")
            for i in index:
                per_row[int(i)].append(name)
        return [tuple(sorted(names, key=self.order.__getitem__)) for names in per_row]


def _import_gx() -> Any:
    # GX 1.x imports the deprecated ``sre_constants`` module while loading; that
    # DeprecationWarning is GX's own and must not fail callers that treat warnings as errors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import great_expectations as gx
    # GX announces its temporary docs folder at INFO on every context; pipeline logs need not.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    return gx


@functools.cache
def _runtime() -> _Runtime:
    gx = _import_gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    data = load_suite_json()
    names = [e["meta"]["name"] for e in data["expectations"]]
    if len(set(names)) != len(names):
        raise SuiteError(f"{SUITE_FILE}: expectation names are not unique")
    suite = gx.ExpectationSuite(**data)
    # ExpectationSuite logs and drops an expectation it cannot parse instead of raising.
    if len(suite.expectations) != len(names):
        raise SuiteError(
            f"{SUITE_FILE}: {len(names) - len(suite.expectations)} invalid expectations"
        )

    context = gx.get_context(mode="ephemeral")
    # GX draws a tqdm bar on stderr for every validation by default.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = (
        context.data_sources.add_pandas("gaptrack")
        .add_dataframe_asset("observations")
        .add_batch_definition_whole_dataframe("batch")
    )
    return _Runtime(
        batch_definition=batch_definition,
        suite=suite,
        parameters={"country_codes": _country_codes()},
        order={n: i for i, n in enumerate(names)},
        by_name={e.meta["name"]: e for e in suite.expectations},
        columns=_suite_columns(data),
    )


def _suite_columns(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The table columns the suite names anywhere (arguments and row conditions)."""
    named: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key == "column" and isinstance(value, str):
                    named.add(value)
                elif key == "column" and isinstance(value, Mapping) and "name" in value:
                    named.add(str(value["name"]))
                elif key in ("column_A", "column_B") and isinstance(value, str):
                    named.add(value)
                elif key == "column_list" and isinstance(value, list):
                    named.update(str(v) for v in value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data["expectations"])
    # A name the table does not have stays out of it: GX then reports the column missing.
    return tuple(c for c in (*_FIELDS, *_DERIVED) if c in named)


def _check_ran(name: str, result: Any) -> None:
    if _raised(result.exception_info):
        raise SuiteError(f"expectation {name} could not run: {_message(result.exception_info)}")


def _raised(info: Any) -> bool:
    # GX reports an error either flat or keyed by the metric that raised it.
    if not isinstance(info, Mapping):
        return False
    if info.get("raised_exception"):
        return True
    return any(isinstance(v, Mapping) and v.get("raised_exception") for v in info.values())


def _message(info: Mapping[str, Any]) -> str:
    if info.get("exception_message"):
        return str(info["exception_message"])
    for v in info.values():
        if isinstance(v, Mapping) and v.get("exception_message"):
            return str(v["exception_message"])
    return "unknown error"
