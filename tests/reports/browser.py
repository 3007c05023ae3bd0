"""Headless Chromium driven over the DevTools protocol: console errors, requests, DOM, screenshot.

Chromium listens on 127.0.0.1 only; the page is a local file. Run as a script to
screenshot a report: ``python -m tests.reports.browser report.html out.png``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("GAPTRACK_CHROMIUM", "/usr/bin/chromium"))
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)


@dataclass
class PageRun:
    """What loading one page showed."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    probe: Any = None
    screenshot: bytes | None = None


class _Session:
    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session_id: str | None = None

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30) -> Any:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session_id and not method.startswith(("Target.", "Browser.")):
            msg["sessionId"] = self.session_id
        self.ws.send(json.dumps(msg))
        deadline = time.monotonic() + timeout
        while True:
            data = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if data.get("id") == self.next_id:
                if "error" in data:
                    raise RuntimeError(f"{method}: {data['error']}")
                return data.get("result", {})
            self.events.append(data)

    def wait(self, method: str, timeout: float = 30) -> dict[str, Any]:
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            data = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if data.get("method") == method:
                return data
            self.events.append(data)

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.events.append(json.loads(self.ws.recv(timeout=left)))
            except TimeoutError:
                return


def _port(profile: Path, proc: subprocess.Popen[bytes], timeout: float) -> tuple[int, str]:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if marker.exists():
            lines = marker.read_text().split()
            if len(lines) >= 2:
                return int(lines[0]), lines[1]
        if proc.poll() is not None:
            raise RuntimeError(f"chromium exited with {proc.returncode}")
        time.sleep(0.05)
    raise TimeoutError("chromium did not open its DevTools port")


def load(
    url: str,
    *,
    probe: str = "null",
    screenshot: bool = False,
    width: int = 1280,
    height: int = 900,
    region: tuple[int, int] | None = None,
    timeout: float = 60,
) -> PageRun:
    """Load ``url``; collect errors and requests, evaluate ``probe``, optionally screenshot.

    The screenshot covers the whole page, or ``region`` = (top, height) of it.
    """
    from websockets.sync.client import connect

    run = PageRun()
    with tempfile.TemporaryDirectory(prefix="gaptrack-chromium-") as tmp:
        profile = Path(tmp)
        proc = subprocess.Popen(
            [
                str(CHROMIUM),
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            port, path = _port(profile, proc, timeout)
            with connect(
                f"ws://127.0.0.1:{port}{path}", max_size=None, proxy=None, open_timeout=timeout
            ) as ws:
                s = _Session(ws)
                target = s.send("Target.createTarget", {"url": "about:blank"})["targetId"]
                s.session_id = s.send(
                    "Target.attachToTarget", {"targetId": target, "flatten": True}
                )["sessionId"]
                for domain in ("Runtime", "Log", "Network", "Page"):
                    s.send(f"{domain}.enable")
                s.send(
                    "Emulation.setDeviceMetricsOverride",
                    {
                        "width": width,
                        "height": height,
                        "deviceScaleFactor": 1,
                        "mobile": False,
                    },
                )
                s.send("Page.navigate", {"url": url})
                s.wait("Page.loadEventFired", timeout)
                s.drain(0.5)  # late console messages and violations
                result = s.send("Runtime.evaluate", {"expression": probe, "returnByValue": True})[
                    "result"
                ]
                run.probe = result.get("value")
                if screenshot:
                    size = s.send("Page.getLayoutMetrics")["cssContentSize"]
                    top, tall = region or (0, size["height"])
                    shot = s.send(
                        "Page.captureScreenshot",
                        {
                            "format": "png",
                            "captureBeyondViewport": True,
                            "clip": {
                                "x": 0,
                                "y": top,
                                "width": size["width"],
                                "height": min(tall, size["height"] - top),
                                "scale": 1,
                            },
                        },
                        timeout,
                    )
                    run.screenshot = base64.b64decode(shot["data"])
                _collect(s.events, url, run)
                # The browser may drop the socket while closing.
                with contextlib.suppress(Exception):
                    s.send("Browser.close", timeout=5)
        finally:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
    return run


def _collect(events: list[dict[str, Any]], url: str, run: PageRun) -> None:
    for e in events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.exceptionThrown":
            d = params["exceptionDetails"]
            run.errors.append(
                "Uncaught " + str(d.get("exception", {}).get("description") or d["text"])
            )
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            run.errors.append(f"console.{params['type']}: {args}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            run.errors.append(f"log: {params['entry']['text']}")
        elif method == "Network.requestWillBeSent":
            requested = params["request"]["url"]
            if requested != url and not requested.startswith(("data:", "about:")):
                run.requests.append(requested)


def main() -> None:
    """Screenshot an HTML file: ``python -m tests.reports.browser in.html out.png [width top h]``."""
    src, dst = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    width = int(sys.argv[3]) if len(sys.argv) > 3 else 1280
    region = (int(sys.argv[4]), int(sys.argv[5])) if len(sys.argv) > 5 else None
    run = load(src.as_uri(), screenshot=True, width=width, region=region)
    assert run.screenshot is not None
    dst.write_bytes(run.screenshot)
    print(f"wrote {dst} ({len(run.screenshot)} bytes); errors={run.errors} requests={run.requests}")


if __name__ == "__main__":
    main()
