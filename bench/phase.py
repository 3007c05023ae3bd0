"""One measured benchmark phase, run in its own process by ``bench.run``.

    python -m bench.phase NAME JSON_ARGS

Prints one JSON line: items, wall seconds, CPU seconds (all threads) and the
process's peak resident memory in MB.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FAST_FETCH = {
    "allowed_hosts": "127.0.0.1",
    "per_host_delay": 0.0,
    "per_host_concurrency": 8,
    "fetch_concurrency": 16,
    "revisit_after_hours": 0,
}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _measure(work: Callable[[], int]) -> dict[str, Any]:
    wall0, cpu0 = time.perf_counter(), _cpu()
    items = work()
    wall, cpu = time.perf_counter() - wall0, _cpu() - cpu0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "items": items,
        "wall": round(wall, 3),
        "cpu": round(cpu, 3),
        "peak_mb": round(peak_mb, 1),
    }


def floor(args: dict[str, Any]) -> dict[str, Any]:
    """Main-text extraction alone: decode and parse every page from disk."""
    from extractors.parse import parse_page
    from schemas.records import Page

    files = sorted(Path(args["site"], "news").glob("*.html"))
    bodies = [(f.name, f.read_bytes()) for f in files]

    def work() -> int:
        for name, body in bodies:
            url = f"http://127.0.0.1/news/{name}"
            parse_page(
                Page(
                    url=url,
                    final_url=url,
                    status=200,
                    body=body,
                    headers={"content-type": "text/html; charset=utf-8"},
                )
            )
        return len(bodies)

    return _measure(work)


def _settings(args: dict[str, Any]) -> dict[str, Any]:
    return {
        **FAST_FETCH,
        "database_url": args["database_url"],
        "data_dir": args["data_dir"],
        "max_pages_per_source": args["n"],
    }


def ingest(args: dict[str, Any]) -> dict[str, Any]:
    """The ingest flow end to end, from the local server into the store."""
    from flows.ingest import ingest as ingest_flow

    summary: dict[str, Any] = {}

    def work() -> int:
        summary.update(ingest_flow(sources_file=args["sources"], overrides=_settings(args)))
        return int(summary["urls_seen"])

    result = _measure(work)
    result["summary"] = {k: v for k, v in summary.items() if k not in ("sources", "run_id")}
    return result


def replay(args: dict[str, Any]) -> dict[str, Any]:
    """Re-extraction of every archived page, without network."""
    try:
        from flows.replay import replay as replay_flow
    except ImportError:
        return {"items": 0, "wall": 0.0, "cpu": 0.0, "peak_mb": 0.0, "note": "replay not available"}
    summary: dict[str, Any] = {}

    def work() -> int:
        summary.update(replay_flow(overrides=_settings(args), force=True))
        return int(summary["articles"])

    result = _measure(work)
    result["summary"] = summary
    return result


def report(args: dict[str, Any]) -> dict[str, Any]:
    """The gap report (built and rendered as HTML) over a store."""
    from reports.build import build_report
    from reports.render import render
    from schemas.store import Store

    def work() -> int:
        store = Store(args["database_url"])
        n = store.table_counts()["observations"]
        render(build_report(store), "html")
        store.close()
        return int(n)

    return _measure(work)


def synthetic_report(args: dict[str, Any]) -> dict[str, Any]:
    """The gap report over a synthetic store of many observations."""
    from reports.synthetic import fill

    fill(args["database_url"], int(args["rows"]))
    return report({"database_url": args["database_url"]})


PHASES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "floor": floor,
    "ingest": ingest,
    "replay": replay,
    "report": report,
    "synthetic_report": synthetic_report,
}

if __name__ == "__main__":
    name, raw = sys.argv[1], sys.argv[2]
    print(json.dumps(PHASES[name](json.loads(raw))))
