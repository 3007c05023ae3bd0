"""One measured benchmark phase, run in its own process by ``bench.run``.

    python -m bench.phase NAME JSON_ARGS

Prints one JSON line: items, wall seconds, CPU seconds of the process and
every process it started (``cpu``; ``cpu_main`` for the process alone), busy
seconds of the whole machine (``machine_cpu``) and the peak resident memory of
the process tree in MB.
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
    """Run ``work`` and measure it: wall time, CPU time and peak memory.

    ``cpu`` and ``peak_mb`` cover this process and every process it started,
    the parse workers included (bench/proctree.py reads them from /proc);
    ``machine_cpu`` is the busy time of every core over the same span, which
    also counts the HTTP server the pages come from and the Prefect server.
    """
    from bench.proctree import TreeSampler, machine_busy_seconds

    tree = TreeSampler(interval=0.25)
    tree.start()
    before = dict(tree.cpu)
    busy0 = machine_busy_seconds()
    wall0, cpu0 = time.perf_counter(), _cpu()
    items = work()
    wall, cpu = time.perf_counter() - wall0, _cpu() - cpu0
    busy = machine_busy_seconds() - busy0
    tree.stop()
    workers = tree.descendant_cpu(before)
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {
        "items": items,
        "wall": round(wall, 3),
        "cpu": round(cpu + workers, 3),
        "cpu_main": round(cpu, 3),
        "machine_cpu": round(busy, 3),
        "peak_mb": round(max(own_peak, tree.peak_rss) / 2**20, 1),
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


def extract(args: dict[str, Any]) -> dict[str, Any]:
    """Metric extraction alone, over the main text of every page (parsed before the clock)."""
    from extractors.metrics import extract as extract_metrics
    from extractors.parse import parse_page
    from schemas.records import Page

    articles = []
    for f in sorted(Path(args["site"], "news").glob("*.html")):
        url = f"http://127.0.0.1/news/{f.name}"
        page = Page(url=url, final_url=url, status=200, body=f.read_bytes(), headers={})
        articles.append(parse_page(page))

    def work() -> int:
        for a in articles:
            extract_metrics(a.text, published=a.published, title=a.title)
        return len(articles)

    return _measure(work)


def _settings(args: dict[str, Any]) -> dict[str, Any]:
    return {
        **FAST_FETCH,
        "database_url": args["database_url"],
        "data_dir": args["data_dir"],
        "max_pages_per_source": args["n"],
    }


def _warm_up(args: dict[str, Any]) -> None:
    """Pay the one-off costs of a process up front, as a long backfill has long paid them.

    Imports, the validation suite's set-up, Prefect's first flow run in the process
    (its client, the API version check, the modules it loads on first use) and a
    store already at the newest schema. What every run pays stays on the clock.
    """
    import trafilatura  # noqa: F401
    from prefect import flow

    import extractors.metrics
    from expectations.validate import warm_up
    from schemas.store import Store

    warm_up()
    extractors.metrics.extract("The US drew $1 billion of AI investment in 2023.")
    Store(args["database_url"]).close()
    flow(name="bench-warm-up", validate_parameters=False)(_nothing)(overrides={})


def _nothing(overrides: dict[str, Any]) -> None:
    """The body of the warm-up flow; its one parameter is serialised like a real run's."""


def ingest(args: dict[str, Any]) -> dict[str, Any]:
    """The ingest flow end to end, from the local server into the store.

    With ``warm``, the process's one-off start-up is paid before the clock starts,
    which is the steady state of a long backfill; without, every cost counts.
    """
    from flows.ingest import ingest as ingest_flow

    if args.get("warm"):
        _warm_up(args)

    summary: dict[str, Any] = {}

    def work() -> int:
        summary.update(ingest_flow(sources_file=args["sources"], overrides=_settings(args)))
        return int(summary["urls_seen"])

    result = _measure(work)
    result["summary"] = {k: v for k, v in summary.items() if k not in ("sources", "run_id")}
    return result


def replay(args: dict[str, Any]) -> dict[str, Any]:
    """Re-extraction of every archived page, without network (warm start as in ``ingest``)."""
    from flows.replay import replay as replay_flow

    if args.get("warm"):
        _warm_up(args)
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
    "extract": extract,
    "ingest": ingest,
    "replay": replay,
    "report": report,
    "synthetic_report": synthetic_report,
}

if __name__ == "__main__":
    name, raw = sys.argv[1], sys.argv[2]
    print(json.dumps(PHASES[name](json.loads(raw))))
