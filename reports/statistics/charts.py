"""The statistics charts as SVG, drawn with matplotlib.

The same SVG is shown on the dashboard and embedded in the PDF reports, so it is self-contained
(no scripts, no external references), its text stays text (selectable, in the page's font), and
the same numbers give the same bytes (no date, fixed ids) so it can be cached by fingerprint.
"""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("svg")  # no GUI backend, ever: workers and web processes have no display

from matplotlib.figure import Figure

from reports.models import GroupingStatistic
from reports.statistics.selectors import TrendPoint

# Part of every cached chart's key: raise it when the drawing code changes.
CHART_FORMAT = 2
UN_BLUE = "#009edb"
UN_NAVY = "#1b365d"
MUTED = "#5b6770"
REGION_COLOURS = ["#1b365d", "#009edb", "#7fb4d9", "#c5dfef", "#9aa5b1", "#4d6f91"]
STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "poa-reports",
    "font.family": "sans-serif",
    "font.sans-serif": ["Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial"],
    "font.size": 10,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": "#222222",
    "xtick.color": "#222222",
    "ytick.color": "#222222",
}


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    # Drop the XML prologue and DOCTYPE (so the SVG can be inlined in HTML) and the RDF metadata.
    svg = svg[svg.index("<svg") :]
    return re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)


def region_rate_chart(regions: list[GroupingStatistic], title: str = "") -> str:
    """Horizontal bars: the share of each region's States that reported, with "n of N"."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(7.0, 0.55 * max(len(regions), 1) + 1.0))
        axes = figure.add_subplot()
        names = [region.name for region in regions][::-1]
        rates = [round(region.rate * 100) for region in regions][::-1]
        bars = axes.barh(names, rates, color=UN_BLUE, height=0.6)
        for bar, region in zip(bars, list(regions)[::-1], strict=True):
            axes.annotate(
                f"{region.reported} of {region.states} ({round(region.rate * 100)} per cent)",
                xy=(bar.get_width(), bar.get_y() + bar.get_height() / 2),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
                color="#222222",
            )
        axes.set_xlim(0, 100)
        axes.set_xlabel("States that reported (per cent)")
        axes.spines[["top", "right"]].set_visible(False)
        if title:
            axes.set_title(title, loc="left", fontsize=11, color=UN_NAVY)
        figure.tight_layout()
        return _svg(figure)


def trend_chart(points: list[TrendPoint], region_names: dict[str, str], title: str = "") -> str:
    """Stacked bars: the reports counted per cycle, by region, with the total above each bar."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(7.0, 3.6))
        axes = figure.add_subplot()
        years = [str(point.year) for point in points]
        positions = list(range(len(points)))
        bottoms = [0] * len(points)
        for index, (code, name) in enumerate(region_names.items()):
            values = [point.regions.get(code, 0) for point in points]
            axes.bar(
                positions,
                values,
                bottom=bottoms,
                label=name,
                color=REGION_COLOURS[index % len(REGION_COLOURS)],
                width=0.65,
            )
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        for x, point in enumerate(points):
            axes.annotate(
                str(point.reports),
                xy=(x, point.reports),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=9,
            )
        axes.set_xticks(positions, years)
        axes.set_ylabel("National reports")
        axes.set_ylim(0, max([point.reports for point in points] + [10]) * 1.15)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
        if title:
            axes.set_title(title, loc="left", fontsize=11, color=UN_NAVY)
        figure.tight_layout()
        return _svg(figure)


def cached_chart(stats, name: str, *, up_to=None) -> str:
    """A chart of stored statistics ("regions" or "trend"), cached under the fingerprint of what
    it shows: the dashboard and the PDF reports draw it once."""
    from django.core.cache import cache

    from reports.statistics import selectors

    if name == "regions":
        key = f"statistics-chart:{CHART_FORMAT}:regions:{stats.fingerprint}"

        def build() -> str:
            return region_rate_chart([g for g in stats.groupings.all() if g.kind == g.Kind.REGION])

    elif name == "trend":
        year = up_to.year if up_to is not None else "all"
        key = f"statistics-chart:{CHART_FORMAT}:trend:{selectors.trend_fingerprint()}:{year}"

        def build() -> str:
            return trend_chart(selectors.trend(up_to=up_to), selectors.dashboard_region_names())

    else:
        raise ValueError(f"no chart {name!r}")
    return cache.get_or_set(key, build, timeout=24 * 60 * 60)
