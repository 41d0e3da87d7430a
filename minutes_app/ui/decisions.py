"""The Decisions tab: every decision in the records store at full width (meeting, body, item, the
decision verbatim, outcome, votes, proposer, seconder, source), filtered by body, date range,
outcome, person and words; a row opens its source in the viewer at its page; a CSV download.
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
from minutes_app.ui import charts, views
from minutes_app.ui.guard import user_error
from minutes_app.ui.state import AppState
from minutes_app.ui.viewer import document_viewer, scroll_to_passage_js
from minutes_core.text.normalise import match_form
from vectorstore.people import parse_name

OUTCOMES = ["agreed", "carried", "lost", "deferred", "noted"]


def decisions(state: AppState, committee: str | None = None, date_from: str | None = None,
              date_to: str | None = None, outcome: str | None = None, person: str | None = None,
              search: str | None = None, standing: bool = False) -> list[dict[str, Any]]:
    """Decision rows from the records store, narrowed by the tab's filters.

    ``person`` matches the proposer, the seconder or a recorded vote by surname (and initial when
    given), so "Cllr J. Sheahan" finds "Sheahan (J)"; ``standing`` keeps standing resolutions.
    """
    search = clean_text(search or "")
    person = clean_text(person or "")
    for label, text in (("search", search), ("person", person), ("from date", date_from or ""),
                        ("to date", date_to or "")):
        if len(text) > state.settings.max_filter_chars:
            raise InputError(f"The {label} is {len(text):,} characters long; the limit is "
                             f"{state.settings.max_filter_chars}.")
    rows = state.records.query("decisions", committee=committee or None, date_from=(date_from or "").strip() or None,
                               date_to=(date_to or "").strip() or None, search=search or None,
                               aliases_file=state.settings.committee_aliases_file)
    if not standing:
        rows = [r for r in rows if not r.get("boilerplate")]
    if outcome:
        rows = [r for r in rows if (r.get("outcome") or "") == outcome]
    wanted = parse_name(person or "")
    if wanted is not None:
        rows = [r for r in rows if _names(r, wanted)]
    return rows


def _names(row: dict[str, Any], wanted) -> bool:
    names = [row.get("proposer") or "", row.get("seconder") or ""]
    for vote in ("for", "against", "abstain"):
        names.extend(row.get(f"names_{vote}") or [])
    for name in names:
        parsed = parse_name(name)
        if parsed and parsed.key == wanted.key and (not wanted.initial or not parsed.initial
                                                    or parsed.initial == wanted.initial):
            return True
    return False


def decision_viewer(state: AppState, row: dict[str, Any]) -> str:
    """The viewer at the passage a decision row came from, its decision highlighted."""
    return document_viewer(state, row, views.sentence_fragments(row.get("decision") or ""))


def decision_detail(row: dict[str, Any]) -> str:
    """The chosen decision in full, with its outcome, votes and movers, above the viewer."""
    return views.render("decision_detail.html", row=row, votes=views.vote_label(row),
                        outcome=views.outcome_label(row), when=views.date_label(row.get("meeting_date")))


def write_csv(rows: list[dict[str, Any]]) -> str:
    """The decision rows as a CSV file for download, in the temp folder Gradio may serve.

    Named by its content, so the same table is written once however often it is shown.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(views.DECISION_CSV_FIELDS)
    for row in rows:
        writer.writerow([_csv_cell(row.get(name)) for name in views.DECISION_CSV_FIELDS])
    data = buffer.getvalue()
    folder = Path(tempfile.gettempdir()) / "minutes-assistant"
    folder.mkdir(exist_ok=True)
    path = folder / f"decisions-{hashlib.sha1(data.encode()).hexdigest()[:12]}.csv"
    if not path.exists():
        path.write_text(data, encoding="utf-8")
    return str(path)


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def build_tab(state: AppState) -> tuple[list[gr.components.Component], Any, list[gr.components.Component]]:
    """The Decisions tab; returns (inputs, show function, outputs) so the page load can fill it."""
    with gr.Tab("Decisions", id="decisions"):
        gr.Markdown("Every decision in the minutes, with who proposed and seconded it and how members "
                    "voted. Choose a row to read it in full in its document, at its page.")
        with gr.Row(elem_id="decisions-filters"):
            committee = gr.Dropdown(label="Body", choices=state.committees(), value=None,
                                    elem_id="decisions-committee", scale=2)
            date_from = gr.Textbox(label="From (YYYY-MM-DD)", elem_id="decisions-from", scale=1)
            date_to = gr.Textbox(label="To (YYYY-MM-DD)", elem_id="decisions-to", scale=1)
            outcome = gr.Dropdown(label="Outcome", choices=OUTCOMES, value=None, elem_id="decisions-outcome",
                                  scale=1)
            person = gr.Textbox(label="Person", placeholder="Proposer, seconder or voter",
                                elem_id="decisions-person", scale=1)
            search = gr.Textbox(label="Words", placeholder="Words in the decision or item",
                                elem_id="decisions-search", scale=2)
        rows_state = gr.State([])
        table = gr.Dataframe(headers=views.DECISION_COLUMNS, interactive=False, wrap=True,
                             datatype=["str"] * len(views.DECISION_COLUMNS),
                             column_widths=["8%", "11%", "11%", "30%", "7%", "7%", "8%", "8%", "10%"],
                             max_height=640, buttons=["fullscreen", "copy"],
                             elem_id="decisions-table")
        with gr.Row():
            standing = gr.Checkbox(label="Include standing resolutions", value=False)
            download = gr.DownloadButton("Download CSV", size="sm", elem_id="decisions-csv")
        with gr.Accordion("Pictures: decisions per meeting and recorded votes", open=False,
                          elem_id="decisions-pictures"):
            with gr.Row():
                per_meeting = gr.Plot(label="Decisions per meeting", elem_id="decisions-per-meeting")
                votes = gr.Plot(label="Recorded votes", elem_id="decisions-votes")
        detail = gr.HTML("", elem_id="decision-detail")
        viewer = gr.HTML("", elem_id="decision-viewer")

    @user_error
    def show(committee_v, from_v, to_v, outcome_v, person_v, search_v, standing_v):
        rows = decisions(state, committee_v, from_v, to_v, outcome_v, person_v, search_v, standing_v)
        return (views.decision_rows(rows), rows, write_csv(rows), charts.decisions_chart(rows),
                charts.vote_chart(rows))

    inputs = [committee, date_from, date_to, outcome, person, search, standing]
    outputs = [table, rows_state, download, per_meeting, votes]
    for trigger in (committee.change, date_from.submit, date_to.submit, outcome.change, person.submit,
                    search.submit, standing.change):
        trigger(show, inputs, outputs, api_visibility="private")

    def open_decision(rows, evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        if not rows or row is None or row >= len(rows):
            return "", ""
        return decision_detail(rows[row]), decision_viewer(state, rows[row])

    table.select(open_decision, [rows_state], [detail, viewer], api_visibility="private").then(
        None, None, None, js=scroll_to_passage_js("decision-viewer"), api_visibility="private")
    return inputs, show, outputs
