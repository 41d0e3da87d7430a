"""The UI's pictures as Plotly figures (shown through ``gr.Plot``): a member's attendance by year
and body, decisions per meeting and their vote splits.

Readable without colour alone: every series also has its own fill pattern and its values are
printed on the bars, and the legend names each series.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import plotly.graph_objects as go

_FONT = {"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 12, "color": "#1d2330"}
# (status, legend label, colour, pattern): colour-blind-safe hues (Okabe-Ito) plus a fill pattern.
STATUSES = [
    ("present", "Present", "#0072B2", ""),
    ("apologies", "Apologies", "#E69F00", "/"),
    ("absent", "Absent", "#D55E00", "x"),
    ("official", "As official", "#009E73", "."),
]
VOTES = [("for", "For", "#0072B2", ""), ("against", "Against", "#D55E00", "x"),
         ("abstain", "Abstaining", "#999999", "/")]


def _layout(figure: go.Figure, title: str, height: int = 320) -> go.Figure:
    figure.update_layout(title={"text": title, "font": {"size": 14}}, font=_FONT, height=height,
                         barmode="stack", plot_bgcolor="white", margin={"l": 60, "r": 20, "t": 50, "b": 60},
                         legend={"orientation": "h", "y": -0.2})
    figure.update_yaxes(gridcolor="#e3e7ee")
    return figure


def attendance_chart(name: str, summary: list[dict[str, Any]]) -> go.Figure:
    """Stacked bars, one per year and body: meetings present, with apologies, absent."""
    labels = [f"{row['year']} · {row['body']}" for row in summary]
    figure = go.Figure()
    for status, legend, colour, pattern in STATUSES:
        values = [row.get(status, 0) for row in summary]
        if not any(values):
            continue
        figure.add_trace(go.Bar(name=legend, x=labels, y=values, marker_color=colour,
                                marker_pattern_shape=pattern, text=[v or "" for v in values],
                                textposition="inside",
                                hovertemplate="%{x}: %{y} " + legend.lower() + "<extra></extra>"))
    figure.update_xaxes(tickangle=-20)
    return _layout(figure, f"Meetings of {name}, by year and body", height=360)


def decisions_chart(rows: list[dict[str, Any]]) -> go.Figure:
    """Decisions per meeting (bars), split by outcome with a pattern per outcome."""
    meetings = sorted({r.get("meeting_date") or "undated" for r in rows})
    outcomes = Counter(r.get("outcome") or "not stated" for r in rows)
    patterns = ["", "/", "x", ".", "-", "+", "\\", "|"]
    figure = go.Figure()
    for number, (outcome, _) in enumerate(outcomes.most_common()):
        counts = Counter(r.get("meeting_date") or "undated" for r in rows if (r.get("outcome") or "not stated") == outcome)
        figure.add_trace(go.Bar(name=outcome, x=meetings, y=[counts.get(m, 0) for m in meetings],
                                marker_pattern_shape=patterns[number % len(patterns)],
                                hovertemplate="%{x}: %{y} " + outcome + "<extra></extra>"))
    figure.update_xaxes(type="category", tickangle=-30)
    return _layout(figure, "Decisions per meeting, by outcome")


def vote_chart(rows: list[dict[str, Any]]) -> go.Figure:
    """Recorded votes: for, against and abstaining per decision that printed a vote."""
    voted = [r for r in rows if any(_count(r, v) for v, *_ in VOTES)]
    labels = [f"{r.get('meeting_date') or 'undated'} · {' '.join((r.get('decision') or '').split())[:40]}…"
              for r in voted]
    figure = go.Figure()
    for vote, legend, colour, pattern in VOTES:
        values = [_count(r, vote) for r in voted]
        figure.add_trace(go.Bar(name=legend, y=labels, x=values, orientation="h", marker_color=colour,
                                marker_pattern_shape=pattern, text=[v or "" for v in values],
                                textposition="inside",
                                hovertemplate="%{y}: %{x} " + legend.lower() + "<extra></extra>"))
    figure.update_yaxes(autorange="reversed")
    return _layout(figure, "Recorded votes", height=max(260, 80 + 34 * len(voted)))


def _count(row: dict[str, Any], vote: str) -> int:
    count = row.get(f"votes_{vote}")
    return int(count) if count is not None else len(row.get(f"names_{vote}") or [])


# (kind, legend label, marker symbol, colour): the symbol alone tells the kinds apart.
KINDS = [("agenda", "On the agenda", "square", "#0072B2"), ("discussion", "Discussed", "circle", "#009E73"),
         ("decision", "Decided", "diamond", "#D55E00"), ("update", "Report or update", "triangle-up", "#CC79A7")]


def topic_chart(timeline: dict[str, Any]) -> go.Figure:
    """A topic's meetings on a time line, one row per body, a marker shape per kind of mention,
    and an arrow labelled "deferred" from a deferral to the meeting that decided it."""
    dated = [m for m in timeline["meetings"] if m["meeting_date"]]
    figure = go.Figure()
    for kind, legend, symbol, colour in KINDS:
        points = [m for m in dated if kind in m["kinds"]]
        if not points:
            continue
        figure.add_trace(go.Scatter(
            name=legend, mode="markers", x=[m["meeting_date"] for m in points],
            y=[m["committee"] or "unknown body" for m in points],
            marker={"symbol": symbol, "size": 13, "color": colour, "line": {"width": 1, "color": "#1d2330"}},
            hovertemplate="%{x} · %{y}: " + legend.lower() + "<extra></extra>"))
    for m in dated:
        if m["deferred_until"]:
            later = next(x for x in dated if x["meeting_date"] == m["deferred_until"])
            figure.add_annotation(x=later["meeting_date"], y=later["committee"] or "unknown body",
                                  ax=m["meeting_date"], ay=m["committee"] or "unknown body",
                                  xref="x", yref="y", axref="x", ayref="y", text="deferred",
                                  showarrow=True, arrowhead=2, font={"size": 11})
    bodies = {m["committee"] or "unknown body" for m in dated}
    figure.update_xaxes(type="date", gridcolor="#e3e7ee")
    figure.update_layout(margin={"l": 220, "r": 20, "t": 50, "b": 60})
    return _layout(figure, f"“{timeline['topic']}” across meetings", height=max(260, 140 + 45 * len(bodies)))
