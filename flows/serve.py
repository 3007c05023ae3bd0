"""``gaptrack serve``: run the scheduled deployments on this machine, with no set-up.

Prefect's temporary server (the one flows start when ``PREFECT_API_URL`` is
unset) never runs schedules. So unless ``PREFECT_API_URL`` names a server,
``serve`` starts ``prefect server start`` on 127.0.0.1 with its SQLite database
under the data folder, waits until it answers, restarts it if it dies, and
serves the deployments of ``flows.deployments`` against it.

Stopping (Ctrl-C or SIGTERM) stops the runner first, which lets Prefect pause
the served deployments so no late runs pile up while nothing serves them, and
only then the server. Serving again un-pauses them (``paused=False`` on apply).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import IO, Any

from flows.deployments import DeploymentSpec

log = logging.getLogger(__name__)

DEFAULT_PORT = 4200
_PR_SET_PDEATHSIG = 1


class ServerError(RuntimeError):
    """The local Prefect server did not start, or kept dying."""


def free_port(preferred: int = 0) -> int:
    """``preferred`` if nothing listens on it on 127.0.0.1, else a free port."""
    for port in (preferred, 0) if preferred else (0,):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            # As the server will: connections of a stopped server (TIME_WAIT) do not block it.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise ServerError("no free port on 127.0.0.1")


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: if gaptrack is killed outright,
    # the kernel sends the server SIGTERM instead of leaving it orphaned.
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _prefect_command() -> list[str]:
    script = Path(sys.executable).with_name("prefect")
    if script.exists():
        return [str(script)]
    found = shutil.which("prefect")
    return [found] if found else [sys.executable, "-m", "prefect"]


class LocalPrefectServer:
    """A ``prefect server start`` subprocess on 127.0.0.1, supervised and restarted if it dies."""

    def __init__(self, home: Path, port: int = DEFAULT_PORT, *, max_restarts: int = 5) -> None:
        self.home = home.resolve()
        self.port = port
        self.max_restarts = max_restarts
        self.restarts = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The server's base URL (the UI)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """The URL to give clients as ``PREFECT_API_URL``."""
        return f"{self.url}/api"

    @property
    def log_path(self) -> Path:
        """Where the server's output goes."""
        return self.home / "server.log"

    @property
    def pid(self) -> int | None:
        """The server process id while it runs."""
        return self._proc.pid if self._proc is not None else None

    def environment(self) -> dict[str, str]:
        """The server's environment: its home and SQLite database under ``home``."""
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env["PREFECT_HOME"] = str(self.home)
        env.setdefault(
            "PREFECT_SERVER_DATABASE_CONNECTION_URL",
            f"sqlite+aiosqlite:///{self.home / 'prefect.db'}",
        )
        env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        return env

    def healthy(self) -> bool:
        """Whether the API answers its health check."""
        try:
            with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as resp:
                return bool(resp.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def start(self, timeout: float = 180.0) -> None:
        """Start the server and wait until it answers; raises ServerError if it does not."""
        self.home.mkdir(parents=True, exist_ok=True)
        self._spawn()
        try:
            self._wait_healthy(timeout)
        except BaseException:  # Ctrl-C while waiting, too: never leave the server behind
            self.stop()
            raise
        self._watcher = threading.Thread(target=self._watch, name="prefect-server", daemon=True)
        self._watcher.start()

    def _spawn(self) -> None:
        if self._log is None:
            self._log = self.log_path.open("ab")
        cmd = [*_prefect_command(), "server", "start", "--host", "127.0.0.1"]
        cmd += ["--port", str(self.port), "--analytics-off"]
        self._proc = subprocess.Popen(
            cmd,
            env=self.environment(),
            cwd=self.home,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            # Its own session: a Ctrl-C in the terminal reaches gaptrack only, which
            # still needs the server to pause its deployments before stopping it.
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._stopping.is_set():
                return
            proc = self._proc
            if proc is not None and proc.poll() is not None:
                raise ServerError(
                    f"the Prefect server exited with code {proc.returncode}; see {self.log_path}"
                )
            if self.healthy():
                return
            time.sleep(0.5)
        raise ServerError(
            f"the Prefect server did not answer in {timeout:.0f}s; see {self.log_path}"
        )

    def _watch(self) -> None:
        # PR_SET_PDEATHSIG fires when the thread that forked exits, so restarts
        # happen here, in a thread that lives as long as the server is wanted.
        while not self._stopping.wait(2.0):
            proc = self._proc
            if proc is None or proc.poll() is None:
                continue
            if self.restarts >= self.max_restarts:
                log.error("the Prefect server keeps dying; giving up (see %s)", self.log_path)
                os.kill(os.getpid(), signal.SIGTERM)
                return
            self.restarts += 1
            log.warning(
                "the Prefect server exited with code %s; restarting it (%d/%d)",
                proc.returncode,
                self.restarts,
                self.max_restarts,
            )
            time.sleep(min(30.0, 2.0**self.restarts))
            try:
                self._spawn()
                self._wait_healthy(180.0)
            except ServerError:
                log.exception("restarting the Prefect server failed")

    def stop(self, timeout: float = 20.0) -> None:
        """Stop the server: SIGTERM, then SIGKILL after ``timeout`` seconds."""
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> LocalPrefectServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def prefect_api(home: Path, port: int, *, echo: Any = print) -> Iterator[str]:
    """The Prefect API to use: ``PREFECT_API_URL`` if set, else a local server started here."""
    given = os.environ.get("PREFECT_API_URL")
    if given:
        echo(f"using the Prefect server at {given}")
        yield given
        return
    chosen = free_port(port)
    if port and chosen != port:
        echo(f"port {port} is taken; using {chosen}")
    server = LocalPrefectServer(home, chosen)
    echo(f"starting a Prefect server on {server.url} (database and log in {server.home})")
    with server:
        echo(f"Prefect UI: {server.url}")
        # Set before Prefect reads its settings, and inherited by every flow-run process.
        os.environ["PREFECT_API_URL"] = server.api_url
        try:
            yield server.api_url
        finally:
            os.environ.pop("PREFECT_API_URL", None)


def serve_deployments(
    specs: Sequence[DeploymentSpec],
    schedules: dict[str, str | float | None] | None = None,
    *,
    limit: int | None = None,
    echo: Any = print,
) -> None:
    """Serve ``specs`` until SIGINT or SIGTERM; the runner pauses them as it stops."""
    import asyncio

    from prefect.runner import Runner
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import runner_deployments

    with temporary_settings(updates={PREFECT_API_URL: os.environ["PREFECT_API_URL"]}):
        deployments = runner_deployments(specs, schedules)
        runner = Runner(
            name=f"gaptrack-{socket.gethostname()}", pause_on_shutdown=True, limit=limit
        )
        for d in deployments:
            runner.add_deployment(d)
        for d in deployments:
            echo(f"serving {d.flow_name}/{d.name}: {_describe(d)}")

        interrupted = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            if interrupted.is_set():
                raise KeyboardInterrupt  # a second Ctrl-C: stop now
            interrupted.set()
            echo(f"received {signal.Signals(signum).name}; stopping (pausing the schedules)")
            # The runner's own SIGTERM path: cancel the polling loops and in-flight
            # runs, then pause the deployments on the way out of ``start``.
            runner.handle_sigterm()

        previous = signal.signal(signal.SIGINT, on_signal)
        try:
            # ``Runner.start`` installs its SIGTERM handler; SIGINT gets the same path.
            asyncio.run(runner.start())
        finally:
            signal.signal(signal.SIGINT, previous)


def _describe(deployment: Any) -> str:
    plans = []
    for s in deployment.schedules or []:
        sched = s.schedule
        cron = getattr(sched, "cron", None)
        interval = getattr(sched, "interval", None)
        plans.append(f"cron {cron!r}" if cron else f"every {interval}")
    return ", ".join(plans) or "on demand"


def serve(
    data_dir: Path,
    keys: Sequence[str] | None = None,
    schedules: dict[str, str | float | None] | None = None,
    *,
    port: int = DEFAULT_PORT,
    limit: int | None = None,
    echo: Any = print,
) -> None:
    """Serve gaptrack's deployments (all, or the flows named in ``keys``) until stopped.

    Call it in a process that has not imported Prefect yet: Prefect reads
    ``PREFECT_API_URL`` once, and the local server's URL is only known here.
    """
    from flows.deployments import DEPLOYMENTS, load_flow

    specs = [s for s in DEPLOYMENTS if not keys or s.key in keys]
    if not specs:
        raise ServerError("no deployment to serve")
    with prefect_api(data_dir / "prefect", port, echo=echo):
        usable = []
        for s in specs:
            try:
                load_flow(s)
            except (ImportError, AttributeError) as exc:
                # A flow that cannot be imported must not keep the others from running.
                echo(f"not serving {s.key}: cannot load {s.entrypoint} ({exc})")
                continue
            usable.append(s)
        if not usable:
            raise ServerError("no deployment to serve")
        serve_deployments(usable, schedules, limit=limit, echo=echo)
    echo("stopped")
