"""The People tab: a page per councillor and officer named in the records, with their attendance
by body and year (as a table and a chart), their meetings, the motions they proposed and
seconded and their recorded votes, each row naming its source and page.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from minutes_app.ui import charts, views
from minutes_app.ui.state import AppState


def person_choices(state: AppState, councillors_only: bool = False) -> list[tuple[str, str]]:
    """(label, person id) of everyone the records name, by surname."""
    return [(f"{p.name}{'' if p.councillor else ' (officer or guest)'}", p.id)
            for p in state.people().people(councillors_only)]


def person_page(state: AppState, pid: str | None) -> tuple[str, Any]:
    """The person page's HTML and attendance chart, or a message and no chart."""
    person = state.people().get(pid) if pid else None
    if person is None:
        return views.message_html("Choose a person to see their meetings, motions and votes."), None
    page = person.page()
    chart = charts.attendance_chart(page["name"], page["attendance_by_body_year"]) if page["meetings"] else None
    return views.render("person.html", page=page), chart


def build_tab(state: AppState) -> tuple[gr.components.Component, Any]:
    """The People tab; returns the chooser and a function giving its fresh choices (page load)."""
    with gr.Tab("People", id="people"):
        gr.Markdown("Councillors and officers named in the minutes: their attendance, the motions they "
                    "proposed and seconded and how they voted, each with its source.")
        with gr.Row():
            chooser = gr.Dropdown(label="Person", choices=[], value=None, filterable=True,
                                  elem_id="people-choice", scale=3)
            councillors = gr.Checkbox(label="Councillors only", value=True, elem_id="people-councillors", scale=1)
        chart = gr.Plot(label="Attendance", elem_id="people-chart")
        page = gr.HTML("", elem_id="people-page")

    def choices(only: bool):
        return gr.Dropdown(choices=person_choices(state, only), value=None)

    councillors.change(choices, [councillors], [chooser], api_visibility="private")
    chooser.change(lambda pid: person_page(state, pid), [chooser], [page, chart], api_visibility="private")
    return chooser, lambda: choices(True)
