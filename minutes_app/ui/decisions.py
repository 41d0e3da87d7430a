"""The Decisions tab: every RESOLVED block from the records store, filterable by committee,
meeting and text, each row opening its source passage in the viewer; a CSV download.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.validation import InputError, clean_text
from minutes_app.ui import views
from minutes_app.ui.guard import user_error
from minutes_app.ui.state import AppState
from minutes_app.ui.viewer import document_viewer, scroll_to_passage_js


def decisions(state: AppState, committee: str | None, meeting: str | None, search: str | None,
              standing: bool) -> list[dict[str, Any]]:
    """Decision rows from the records store; standing resolutions only when asked for."""
    search = clean_text(search or "")
    if len(search) > state.settings.max_filter_chars:
        raise InputError(f"The search is {len(search):,} characters long; the limit is "
                         f"{state.settings.max_filter_chars}.")
    rows = state.records.query("decisions", committee=committee or None, meeting=meeting or None,
                               search=search or None)
    return rows if standing else [r for r in rows if not r.get("boilerplate")]


def decision_viewer(state: AppState, row: dict[str, Any]) -> str:
    """The viewer at the passage a decision row came from, its decision highlighted."""
    return document_viewer(state, row, views.sentence_fragments(row.get("decision") or ""))


def write_csv(rows: list[dict[str, Any]]) -> str:
    """The decision rows as a CSV file for download, in the temp folder Gradio may serve.

    Named by its content, so the same table is written once however often it is shown.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(views.DECISION_CSV_FIELDS)
    for row in rows:
        writer.writerow(["" if row.get(name) is None else row[name] for name in views.DECISION_CSV_FIELDS])
    data = buffer.getvalue()
    folder = Path(tempfile.gettempdir()) / "minutes-assistant"
    folder.mkdir(exist_ok=True)
    path = folder / f"decisions-{hashlib.sha1(data.encode()).hexdigest()[:12]}.csv"
    if not path.exists():
        path.write_text(data, encoding="utf-8")
    return str(path)


def build_tab(state: AppState) -> tuple[list[gr.components.Component], Any, list[gr.components.Component]]:
    """The Decisions tab; returns (inputs, show function, outputs) so the page load can fill it."""
    with gr.Tab("Decisions", id="decisions"):
        gr.Markdown("Every RESOLVED decision in the minutes. Choose a row to read it in its document.")
        with gr.Row():
            committee = gr.Dropdown(label="Committee", choices=state.committees(), value=None,
                                    elem_id="decisions-committee")
            meeting = gr.Dropdown(label="Meeting", choices=state.meeting_choices(), value=None,
                                  elem_id="decisions-meeting")
            search = gr.Textbox(label="Search", placeholder="Words in the decision or item",
                                elem_id="decisions-search")
            standing = gr.Checkbox(label="Include standing resolutions", value=False)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                rows_state = gr.State([])
                table = gr.Dataframe(headers=views.DECISION_COLUMNS, interactive=False, wrap=True,
                                     datatype=["str"] * len(views.DECISION_COLUMNS),
                                     column_widths=["13%", "20%", "17%", "35%", "15%"],
                                     max_height=640, elem_id="decisions-table")
                download = gr.DownloadButton("Download CSV", size="sm", elem_id="decisions-csv")
            with gr.Column(scale=2):
                viewer = gr.HTML("", elem_id="decision-viewer")

    @user_error
    def show(committee_v, meeting_v, search_v, standing_v):
        rows = decisions(state, committee_v, meeting_v, search_v, standing_v)
        return views.decision_rows(rows), rows, write_csv(rows)

    inputs = [committee, meeting, search, standing]
    outputs = [table, rows_state, download]
    for trigger in (committee.change, meeting.change, search.submit, standing.change):
        trigger(show, inputs, outputs, api_visibility="private")

    def open_decision(rows, evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        if not rows or row is None or row >= len(rows):
            return ""
        return decision_viewer(state, rows[row])

    table.select(open_decision, [rows_state], [viewer], api_visibility="private").then(
        None, None, None, js=scroll_to_passage_js("decision-viewer"), api_visibility="private")
    return inputs, show, outputs
