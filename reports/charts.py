"""Charts as inline SVG strings: line charts and an event timeline, no scripts, no fetches.

Every point is a link to the evidence entry of its fact (``#fact-<id>``), which
lists the fact's sources; hovering shows the value and change as a tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

from reports import format as fmt
from reports.layout import Chart, Point, Series

PALETTE = {
    "US": "#1d4ed8",
    "CN": "#c2410c",
    "ratio": "#7c3aed",
    "ratio2": "#0f766e",
    "other": "#6b7280",
}
WIDTH, HEIGHT = 560, 250
LEFT, RIGHT, TOP, BOTTOM = 62, 14, 34, 28


def render_chart(chart: Chart) -> str:
    """One chart as an ``<svg>`` element."""
    if chart.kind == "timeline":
        return _timeline(chart)
    return _line_chart(chart)


def _fmt_axis(unit: str) -> Callable[[float], str]:
    if unit == "percent":
        return lambda v: f"{v:g}%"
    if unit == "x":
        return lambda v: f"{v:g}x"
    if unit == "USD":
        return fmt.money
    return fmt.count


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step) * step
    ticks = []
    t = first
    while t <= hi + step * 0.001:
        ticks.append(round(t, 10))
        t += step
    if ticks[-1] < hi:
        ticks.append(ticks[-1] + step)
    return ticks


def _x_range(series: tuple[Series, ...]) -> tuple[float, float]:
    xs = [p.x for s in series for p in s.points]
    lo, hi = math.floor(min(xs)), math.ceil(max(xs))
    return (lo, hi) if hi > lo else (lo, lo + 1)


def _frame(chart: Chart, body: list[str]) -> str:
    label = escape(chart.title)
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{label}" xmlns="http://www.w3.org/2000/svg" data-chart="{chart.key}">'
        + "".join(body)
        + "</svg>"
    )


def _legend(series: tuple[Series, ...]) -> list[str]:
    out, x = [], LEFT
    for s in series:
        color = PALETTE.get(s.color, PALETTE["other"])
        out.append(f'<rect x="{x}" y="10" width="12" height="12" rx="2" fill="{color}"/>')
        out.append(f'<text x="{x + 17}" y="20" class="legend">{escape(s.name)}</text>')
        x += 30 + 7 * len(s.name)
    return out


def _x_axis(lo: float, hi: float, sx: Callable[[float], float]) -> list[str]:
    out = []
    years = list(range(int(lo), int(hi) + 1))
    stride = max(1, math.ceil(len(years) / 9))
    for y in years:
        x = sx(y)
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" class="grid"/>'
        )
        if (y - years[0]) % stride == 0 and y < hi:
            out.append(
                f'<text x="{sx(y + 0.5):.1f}" y="{HEIGHT - BOTTOM + 17}" class="tick" '
                f'text-anchor="middle">{y}</text>'
            )
    return out


def _point(p: Point, x: float, y: float, color: str, r: float = 4.5) -> str:
    href = f"#fact-{p.facts[0]}" if p.facts else "#evidence"
    return (
        f'<a href="{href}" class="point" data-facts="{",".join(map(str, p.facts))}">'
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{color}" '
        'stroke="#fff" stroke-width="1.5">'
        f"<title>{escape(p.text)}</title></circle></a>"
    )


def _line_chart(chart: Chart) -> str:
    pts = [p for s in chart.series for p in s.points]
    lo_x, hi_x = _x_range(chart.series)
    ys = [p.y for p in pts]
    if chart.log:
        positive = [y for y in ys if y > 0] or [1.0]
        lo_e, hi_e = math.floor(math.log10(min(positive))), math.ceil(math.log10(max(positive)))
        hi_e = max(hi_e, lo_e + 1)
        ticks = [10.0**e for e in range(lo_e, hi_e + 1)]

        def ty(v: float) -> float:
            return (math.log10(max(v, 10.0**lo_e)) - lo_e) / (hi_e - lo_e)

    else:
        lo_y = min(0.0, min(ys))
        ticks = _nice_ticks(lo_y, max(ys))

        def ty(v: float) -> float:
            return (v - ticks[0]) / (ticks[-1] - ticks[0])

    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(x: float) -> float:
        return LEFT + (x - lo_x) / (hi_x - lo_x) * plot_w

    def sy(v: float) -> float:
        return TOP + (1 - ty(v)) * plot_h

    axis = _fmt_axis(chart.unit)
    body = _legend(chart.series) + _x_axis(lo_x, hi_x, sx)
    for t in ticks:
        y = sy(t)
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
        )
        body.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">{axis(t)}</text>'
        )
    if chart.unit == "x" and ticks[0] <= 1 <= ticks[-1]:
        one = f"{sy(1):.1f}"
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{one}" y2="{one}" class="parity"/>'
        )
    for s in chart.series:
        color = PALETTE.get(s.color, PALETTE["other"])
        coords = [(sx(p.x), sy(p.y)) for p in s.points]
        if len(coords) > 1:
            # A missing period breaks the solid line (joining 2014 to 2021 would invent
            # a trend); a faint dashed bridge keeps the series readable as one.
            solid: list[str] = []
            bridge: list[str] = []
            for i in range(1, len(coords)):
                (x0, y0), (x1, y1) = coords[i - 1], coords[i]
                gap = s.points[i].x - s.points[i - 1].x > chart.step * 1.01
                (bridge if gap else solid).append(f"M{x0:.1f},{y0:.1f} L{x1:.1f},{y1:.1f}")
            for cls, segs in (("line", solid), ("line bridge", bridge)):
                if segs:
                    body.append(
                        f'<path d="{" ".join(segs)}" fill="none" stroke="{color}" '
                        f'stroke-width="2.2" class="{cls}"/>'
                    )
        body += [_point(p, x, y, color) for p, (x, y) in zip(s.points, coords, strict=True)]
    return _frame(chart, body)


def _timeline(chart: Chart) -> str:
    lo_x, hi_x = _x_range(chart.series)
    lanes = chart.lanes
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    lane_h = plot_h / max(len(lanes), 1)

    def sx(x: float) -> float:
        return LEFT + (x - lo_x) / (hi_x - lo_x) * plot_w

    body = _legend(chart.series) + _x_axis(lo_x, hi_x, sx)
    for i, lane in enumerate(lanes):
        y = TOP + (i + 0.5) * lane_h
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="lane"/>'
        )
        body.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">{lane}</text>'
        )
    # Events in the same lane and month are stacked a little so each stays clickable.
    seen: dict[tuple[int, int], int] = {}
    for s in chart.series:
        color = PALETTE.get(s.color, PALETTE["other"])
        for p in s.points:
            slot = (int(p.y), int(p.x * 12))
            k = seen.get(slot, 0)
            seen[slot] = k + 1
            offset = (k % 3 - 1) * 6 if k else 0
            y = TOP + (p.y + 0.5) * lane_h + offset
            body.append(_point(p, sx(p.x), y, color, r=5))
    return _frame(chart, body)
