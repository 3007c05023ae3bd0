"""Writing stored observations out: CSV, a JSON list, Parquet, or a terminal table.

Rows stream from ``Store.observation_batches`` in batches of plain tuples; each
batch becomes one DataFrame written by pandas' (or pyarrow's) C writers, so a
million-row export never holds a million dicts. The table format needs neither
pandas nor pyarrow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from schemas.records import CONTRACT_KEYS

if TYPE_CHECKING:
    import pandas as pd

#: The keys of every exported observation, in order (the extract contract plus provenance).
QUERY_KEYS: tuple[str, ...] = (
    *CONTRACT_KEYS,
    "source_url",
    "published",
    "extractor_version",
    "ingested_at",
)
#: Rows shown by the table format before it asks for a file format instead.
TABLE_ROWS = 500

Batches = Iterator[tuple[tuple[str, ...], list[tuple[Any, ...]]]]


def _utc(value: Any) -> Any:
    # SQLite hands back the stored UTC times without their zone; say so explicitly.
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def records(batches: Batches) -> Iterator[dict[str, Any]]:
    """Observations as dicts with exactly ``QUERY_KEYS``; ``items`` a list."""
    for keys, rows in batches:
        pos = [keys.index(k) for k in QUERY_KEYS]
        for row in rows:
            rec = {k: row[i] for k, i in zip(QUERY_KEYS, pos, strict=True)}
            rec["items"] = list(rec["items"] or [])
            rec["ingested_at"] = _utc(rec["ingested_at"])
            yield rec


DATE_COLUMNS = ("published", "period_start", "period_end")
TIME_COLUMNS = ("ingested_at", "superseded_at")


def normalise(df: pd.DataFrame) -> pd.DataFrame:
    """Raw driver values to typed columns, a column at a time.

    Dates become ``datetime64``, times UTC ``datetime64`` (SQLite returns the
    stored UTC times without a zone), ``items`` lists; only non-empty item lists
    are JSON-decoded, the rest share one empty list.
    """
    import json

    import pandas as pd

    for col in DATE_COLUMNS:
        if col in df:
            df[col] = pd.to_datetime(df[col], format="ISO8601")
    for col in TIME_COLUMNS:
        if col in df:
            df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601")
    if "items" in df:
        empty: list[str] = []
        df["items"] = [
            v if isinstance(v, list) else empty if not v or v == "[]" else json.loads(v)
            for v in df["items"]
        ]
    return df


def frames(batches: Batches) -> Iterator[pd.DataFrame]:
    """Raw batches as typed DataFrames with exactly ``QUERY_KEYS``."""
    import pandas as pd

    for keys, rows in batches:
        yield normalise(pd.DataFrame.from_records(rows, columns=list(keys))[list(QUERY_KEYS)])


def _iso(df: pd.DataFrame) -> pd.DataFrame:
    """Dates and times as ISO text (numpy formats whole columns; pandas would go row by row)."""
    import numpy as np

    out = df.copy()
    day = out["published"].to_numpy(dtype="datetime64[D]")
    days = np.datetime_as_string(day, unit="D").astype(object)
    days[np.isnat(day)] = None
    out["published"] = days
    stamp = out["ingested_at"].dt.tz_convert(None).to_numpy(dtype="datetime64[us]")
    stamps = np.char.add(np.datetime_as_string(stamp, unit="us"), "+00:00").astype(object)
    stamps[np.isnat(stamp)] = None
    out["ingested_at"] = stamps
    return out


def write_json(batches: Batches, out: IO[str]) -> int:
    """Write a JSON list of objects, one per line, without building it in memory."""
    n = 0
    out.write("[")
    for df in frames(batches):
        text = _iso(df).to_json(
            orient="records", lines=True, force_ascii=False, double_precision=15
        )
        # One object per line: raw newlines only ever separate records. pandas
        # escapes every "/" as "\/"; both are valid JSON, plain URLs read better.
        body = text.rstrip("\n").replace("\\/", "/").replace("\n", ",\n  ")
        if body:
            out.write(",\n  " if n else "\n  ")
            out.write(body)
            n += len(df)
    out.write("\n]\n" if n else "]\n")
    return n


def write_csv(batches: Batches, out: IO[str]) -> int:
    """Write CSV with a header; ``items`` joined by ``;``."""
    n = 0
    for df in frames(batches):
        flat = _iso(df)
        flat["items"] = flat["items"].str.join(";")
        flat.to_csv(out, header=n == 0, index=False, lineterminator="\n")
        n += len(df)
    if n == 0:
        out.write(",".join(QUERY_KEYS) + "\n")
    return n


def parquet_schema() -> Any:
    """The Parquet schema of exported observations."""
    import pyarrow as pa

    text = pa.string()
    types = {
        "value": pa.float64(),
        "items": pa.list_(text),
        "published": pa.date32(),
        "ingested_at": pa.timestamp("us", tz="UTC"),
    }
    return pa.schema([(k, types.get(k, text)) for k in QUERY_KEYS])


def write_parquet(batches: Batches, path: Path) -> int:
    """Write a Parquet file, one row group per batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    n = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    stamped = schema.set(
        schema.get_field_index("published"), pa.field("published", pa.timestamp("ns"))
    )
    with pq.ParquetWriter(str(path), schema) as writer:
        for df in frames(batches):
            table = pa.Table.from_pandas(df, schema=stamped, preserve_index=False)
            writer.write_table(table.cast(schema))
            n += len(df)
        if n == 0:
            writer.write_table(schema.empty_table())
    return n


def print_table(batches: Batches, console: Any = None, *, limit: int = TABLE_ROWS) -> int:
    """Print up to ``limit`` observations as a table with short source references."""
    from rich.console import Console
    from rich.table import Table

    from reports.format import short_url

    console = console or Console()
    table = Table("metric", "value", "country", "entity / kind", "period", "published", "source")
    n, more = 0, False
    for rec in records(batches):
        if n >= limit:
            more = True
            break
        table.add_row(
            rec["metric"],
            f"{rec['value']:,.6g}",
            rec["country"] or "",
            rec["entity"] or rec["counterparty"] or rec["qualifier"] or rec["action"] or "",
            rec["period"] or "",
            str(rec["published"] or ""),
            short_url(rec["source_url"] or "", 36),
        )
        n += 1
    console.print(table)
    tail = f"{n} observations"
    if more:
        tail = f"first {n} observations shown; use --limit, or --format csv/json/parquet for all"
    console.print(tail, highlight=False)
    return n


def open_output(path: Path | None) -> IO[str] | None:
    """A text file for ``--output`` (created with its folder), or ``None`` for stdout."""
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", encoding="utf-8", newline="")
