"""The benchmark's pages look like news pages, and its meter sees the worker processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.pages import write_site
from bench.proctree import TreeSampler, machine_busy_seconds
from extractors.metrics import extract
from extractors.parse import parse_page
from schemas.records import Page


def _article(path: Path) -> tuple[str, int]:
    url = f"http://127.0.0.1/news/{path.name}"
    page = Page(url=url, final_url=url, status=200, body=path.read_bytes(), headers={})
    art = parse_page(page)
    return art.text, len(extract(art.text, published=art.published, title=art.title))


def test_pages_carry_site_furniture_that_main_text_leaves_out(tmp_path: Path) -> None:
    write_site(tmp_path / "full", 12)
    write_site(tmp_path / "lean", 12, lean=True)
    full = sorted((tmp_path / "full" / "news").glob("*.html"))
    lean = sorted((tmp_path / "lean" / "news").glob("*.html"))
    assert len(full) == len(lean) == 12
    assert sum(p.stat().st_size for p in full) > 5 * sum(p.stat().st_size for p in lean)
    found = 0
    for path in full:
        text, n = _article(path)
        found += n
        for furniture in ("Most read", "cookies", "function(", "Sign up", "Reply"):
            assert furniture not in text, (path.name, furniture)
    assert found >= 12  # the figures in the prose are still found


def test_tree_sampler_counts_child_processes(tmp_path: Path) -> None:
    sampler = TreeSampler(interval=0.05)
    sampler.start()
    before = dict(sampler.cpu)
    busy = machine_busy_seconds()
    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.5: pass\n"
    child = subprocess.Popen([sys.executable, "-c", burn + "time.sleep(0.3)"])
    child.wait(timeout=30)
    sampler.stop()
    # The child was sampled while it slept, after its half second of CPU.
    assert sampler.descendant_cpu(before) >= 0.4
    assert sampler.peak_rss > 0
    assert machine_busy_seconds() - busy >= 0.4


def test_repeated_phases_keep_their_fastest_run_and_every_wall_time() -> None:
    from bench.run import _best

    runs = [{"wall": 3.0, "peak_mb": 10}, {"wall": 2.0, "peak_mb": 12}, {"wall": 2.5}]
    assert _best(runs) == {"wall": 2.0, "peak_mb": 12, "walls": [3.0, 2.0, 2.5]}
