"""Trend maths and rendering of gap reports.

statements (SQL) -> facts (``facts``) -> indicators (``indicators``) -> report
(``build``) -> layout -> terminal / Markdown / HTML. ``api`` returns DataFrames
for notebooks; ``synthetic`` fills a store for benchmarks.
"""

from reports.build import Report, build_report
from reports.indicators import INDICATORS, Indicator
from reports.render import FORMATS, print_report, render

__all__ = [
    "FORMATS",
    "INDICATORS",
    "Indicator",
    "Report",
    "build_report",
    "print_report",
    "render",
]
