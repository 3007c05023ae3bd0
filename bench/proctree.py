"""CPU time and memory of a whole process tree, read from /proc while a phase runs.

``getrusage`` sees a process and the children it waited for; the parse workers
are children of multiprocessing's fork server, so neither their CPU time nor
their memory would be counted. A sampler thread walks the tree every
``interval`` seconds and keeps, per process, its latest CPU time and, for the
tree, the largest sum of resident memory. The machine's busy time over the
same span (``/proc/stat``) also counts what runs outside the tree: the HTTP
server the pages come from and the Prefect server.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _stat(pid: int) -> tuple[int, float, int] | None:
    """(parent pid, CPU seconds, resident bytes) of a process, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces and parentheses: split after its last ")".
    fields = raw[raw.rindex(")") + 2 :].split()
    ppid = int(fields[1])
    cpu = (int(fields[11]) + int(fields[12])) / _TICKS
    rss = int(fields[21]) * _PAGE
    return ppid, cpu, rss


def _children(pid: int) -> list[int]:
    """Direct children of a process, from each of its threads' ``children`` file."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):  # noqa: PTH208 - names only
            found += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    except OSError:  # the process or one of its threads ended meanwhile
        pass
    return found


def _tree(root: int) -> set[int]:
    """``root`` and its descendants; a scan of every process where ``children`` is missing."""
    if not Path(f"/proc/{root}/task/{root}/children").exists():
        return _scan(root)
    tree = {root}
    todo = [root]
    while todo:
        kids = [k for k in _children(todo.pop()) if k not in tree]
        tree.update(kids)
        todo += kids
    return tree


def _scan(root: int) -> set[int]:
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):  # noqa: PTH208 - names only, thousands of them
        if entry.isdigit() and (st := _stat(int(entry))) is not None:
            parent[int(entry)] = st[0]
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parent.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree


def machine_busy_seconds() -> float:
    """CPU seconds every core of the machine has spent not idle since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) / _TICKS


@dataclass
class TreeSampler:
    """Samples the descendants of this process until stopped."""

    interval: float = 0.1
    cpu: dict[int, float] = field(default_factory=dict)
    peak_rss: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> None:
        """Read every process of the tree once."""
        me = os.getpid()
        rss = 0
        for pid in _tree(me):
            st = _stat(pid)
            if st is None:
                continue
            rss += st[2]
            if pid != me:
                self.cpu[pid] = st[1]
        self.peak_rss = max(self.peak_rss, rss)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self) -> None:
        """Begin sampling in a daemon thread."""
        self.sample()
        self._thread = threading.Thread(target=self._run, name="tree-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Take a last sample and stop."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()

    def descendant_cpu(self, before: dict[int, float]) -> float:
        """CPU seconds the descendants spent since ``before`` (a copy of ``cpu`` taken then)."""
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in self.cpu.items())
