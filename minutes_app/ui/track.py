"""The Track tab: a topic followed across meetings (agenda, discussion, decisions, updates), as a
picture and a list with sources, a deferral linked to the meeting that decided it.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from minutes_app.ui import charts, views
from minutes_app.ui.state import AppState
from vectorstore.track import track


def timeline(state: AppState, topic: str) -> tuple[str, Any]:
    """The timeline's HTML and chart for a topic (a message and no chart for an empty topic)."""
    topic = " ".join((topic or "").split())
    if not topic:
        return views.message_html("Type a topic: a place, a scheme, a plan's name."), None
    found = track(topic, state.index, state.records)
    chart = charts.topic_chart(found) if any(m["meeting_date"] for m in found["meetings"]) else None
    return views.render("track.html", timeline=found), chart


def build_tab(state: AppState) -> None:
    with gr.Tab("Track a topic", id="track"):
        gr.Markdown("Follow a topic from meeting to meeting: when it was on the agenda, discussed, "
                    "deferred and decided.")
        with gr.Row():
            topic = gr.Textbox(label="Topic", placeholder="e.g. election posters", elem_id="track-topic", scale=4)
            go = gr.Button("Track", variant="primary", elem_id="track-button", scale=1)
        chart = gr.Plot(label="Timeline", elem_id="track-chart")
        listing = gr.HTML("", elem_id="track-list")
    for trigger in (topic.submit, go.click):
        trigger(lambda t: timeline(state, t), [topic], [listing, chart], api_visibility="private")
