"""The eval report's charts as Plotly figures (``plotly.graph_objects.Figure``).

Figure-building only: the report (``evals.report``) decides where a figure goes and embeds
plotly.js once, inline, so the page stays self-contained and works offline.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import plotly.graph_objects as go

OURS_COLOUR = "#2f6fdb"
BASELINE_COLOUR = "#b8c2d3"
_FONT = {"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 12, "color": "#1d2330"}
# Category labels longer than this are cut with "…" (the full name is in the hover text).
LABEL_CHARS = 22


def bar_chart(title: str, categories: list[str], series: list[tuple[str, str, dict[str, Any]]],
              name_of: Callable[[str], str] = str) -> go.Figure:
    """Horizontal bars of values in [0, 1], one group per category, one bar per series.

    ``series`` holds (legend name, colour, {category: value or None}); a missing value draws no
    bar (the table beside the chart says n/a).
    """
    figure = go.Figure()
    shown = [_short(name_of(c)) for c in categories]
    for legend, colour, values in series:
        figure.add_trace(go.Bar(
            name=legend, orientation="h", marker_color=colour, y=shown,
            x=[values.get(c) for c in categories],
            text=[f"{v:.2f}" if v is not None else "n/a" for v in (values.get(c) for c in categories)],
            textposition="outside", cliponaxis=False,
            hovertemplate="%{y}: %{x:.3f}<extra>" + legend + "</extra>"))
    figure.update_layout(
        title={"text": title, "font": {"size": 13}}, barmode="group", font=_FONT,
        width=480, height=90 + 26 * len(categories) * max(1, len(series)),
        margin={"l": 150, "r": 40, "t": 40, "b": 30}, showlegend=len(series) > 1,
        legend={"orientation": "h", "y": -0.12}, plot_bgcolor="white")
    figure.update_xaxes(range=[0, 1.12], tickvals=[0, 0.25, 0.5, 0.75, 1], gridcolor="#e3e7ee")
    figure.update_yaxes(autorange="reversed")
    return figure


def histogram(title: str, values: list[float], unit: str = "seconds") -> go.Figure:
    """How many values fall in each of about sqrt(n) equal-width bins (at most 20)."""
    bins = max(1, min(20, math.ceil(math.sqrt(len(values))))) if values else 1
    figure = go.Figure(go.Histogram(x=values, nbinsx=bins, marker_color=OURS_COLOUR,
                                    hovertemplate="%{x} " + unit + ": %{y}<extra></extra>"))
    figure.update_layout(title={"text": title, "font": {"size": 13}}, font=_FONT, width=500, height=260,
                         margin={"l": 50, "r": 20, "t": 40, "b": 45}, bargap=0.05, plot_bgcolor="white",
                         xaxis_title=f"{unit} (bar height: questions)")
    figure.update_yaxes(gridcolor="#e3e7ee")
    return figure


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
