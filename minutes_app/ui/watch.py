"""The Watch tab: standing questions, and what is new on each since the last report (the same
list and report as ``minutes watch``)."""

from __future__ import annotations

import gradio as gr

from minutes_app.ui import views
from minutes_app.ui.state import AppState
from vectorstore.watch import WatchError, WatchList


def watch_list(state: AppState) -> WatchList:
    return WatchList(state.index.layout.watch)


def kept(state: AppState) -> str:
    try:
        return views.render("watch.html", questions=watch_list(state).questions())
    except WatchError as error:
        return views.message_html(str(error))


def keep(state: AppState, question: str) -> tuple[str, str]:
    """Keep a question; returns the list's HTML and an empty question box (or the message)."""
    try:
        with state.write_lock:
            watch_list(state).add(question, state.index)
    except WatchError as error:
        return views.message_html(f"Not kept: {error}."), question
    return kept(state), ""


def report(state: AppState) -> str:
    try:
        with state.write_lock:
            found = watch_list(state).report(state.index, state.records)
    except WatchError as error:
        return views.message_html(str(error))
    return views.render("watch.html", questions=found["questions"])


def build_tab(state: AppState):
    """The Watch tab; returns a function giving the kept questions' HTML (page load) and its output."""
    with gr.Tab("Watch", id="watch"):
        gr.Markdown("Keep a question; after new papers are added, the report lists what is new on it "
                    "since the last report, with sources.")
        with gr.Row():
            question = gr.Textbox(label="Standing question", placeholder="e.g. What is new on election posters?",
                                  elem_id="watch-question", scale=4)
            add = gr.Button("Keep", elem_id="watch-add", scale=1)
            run = gr.Button("What is new?", variant="primary", elem_id="watch-run", scale=1)
        listing = gr.HTML("", elem_id="watch-list")
    for trigger in (question.submit, add.click):
        trigger(lambda q: keep(state, q), [question], [listing, question], api_visibility="private")
    run.click(lambda: report(state), None, [listing], api_visibility="private")
    return (lambda: kept(state)), listing
