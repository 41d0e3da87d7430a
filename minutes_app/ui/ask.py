"""The Ask tab and its sidebar: a streamed conversation with citation cards, filters, and the
document viewer a card opens. Questions go to ``Assistant.stream``; this module only turns UI
input into that call and the answers into HTML (``views``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.validation import InputError, check_filters, check_question
from minutes_app.ui import views
from minutes_app.ui.state import AppState
from minutes_app.ui.viewer import document_viewer, scroll_to_passage_js
from minutes_core.settings import Settings
from vectorstore.models import Filters

log = logging.getLogger(__name__)

BACKEND_HELP = {
    "extractive": "Answers quote the records directly; nothing is generated.",
    "openai": "Answers are written by the configured OpenAI-compatible model and checked "
              "against their citations.",
    "local": "Answers are written by the local model on this machine and checked against "
             "their citations.",
}


@dataclass
class Sidebar:
    """The filter fields (in ``parse_filters`` order) and the signed-in user line."""

    committee: gr.Dropdown
    date_from: gr.Dropdown
    date_to: gr.Dropdown
    doc_type: gr.Dropdown
    decisions: gr.Checkbox
    user_info: gr.Markdown

    @property
    def filters(self) -> list[gr.components.Component]:
        return [self.committee, self.date_from, self.date_to, self.doc_type, self.decisions]

    @property
    def choices(self) -> list[gr.components.Component]:
        """The fields whose choices follow the index (refreshed after an upload or removal)."""
        return [self.committee, self.date_from, self.date_to, self.doc_type]


def parse_filters(committee: str | None, date_from: str | None, date_to: str | None,
                  doc_type: str | None, decisions_only: bool, settings: Settings) -> Filters:
    """Filters from the UI's fields or the API's arguments; a bad one is a user error (``InputError``)."""
    return check_filters(Filters(committee=committee or None, date_from=date_from or None,
                                 date_to=date_to or None, doc_type=doc_type or None,
                                 decisions_only=bool(decisions_only)), settings)


def history_of(turns: list[views.ChatTurn], settings: Settings) -> list[dict[str, str]]:
    """The conversation so far in the assistant's history format (answered turns only).

    Only the latest turns, each cut to the history limit: a long chat must not make the next
    question fail, and a follow-up only needs what was said last.
    """
    history = []
    for turn in turns:
        if turn.answer is not None:
            history += [{"role": "user", "content": turn.question},
                        {"role": "assistant", "content": turn.answer.get("answer", "")}]
    limit = settings.max_history_chars
    return [{"role": t["role"], "content": t["content"][:limit]}
            for t in history[-settings.max_history_turns:]]


def find_passage(turns: list[views.ChatTurn], passage_id: str) -> tuple[dict[str, Any] | None, list[str]]:
    """A passage shown in the conversation (cited or closest), and the fragments citing it."""
    for turn in reversed(turns):
        answer = turn.answer or {}
        for citation in answer.get("citations") or []:
            if citation.get("id") == passage_id:
                return citation, views.supporting_fragments(answer, citation["n"])
        for passage in answer.get("passages") or []:
            if passage.get("id") == passage_id:
                return passage, []
    return None, []


def build_sidebar(state: AppState) -> Sidebar:
    """The sidebar: filters that narrow the search, the answer backend, who is signed in."""
    with gr.Sidebar(open=True, width=300):
        gr.Markdown("## Minutes Assistant", elem_classes="brand")
        gr.Markdown("### Narrow the search")
        committee = gr.Dropdown(label="Committee", choices=state.committees(), value=None,
                                allow_custom_value=False, elem_id="filter-committee")
        with gr.Row():
            date_from = gr.Dropdown(label="From meeting", choices=state.meeting_choices(),
                                    value=None, allow_custom_value=True, elem_id="filter-from")
            date_to = gr.Dropdown(label="To meeting", choices=state.meeting_choices(),
                                  value=None, allow_custom_value=True, elem_id="filter-to")
        doc_type = gr.Dropdown(label="Document type", choices=state.doc_type_choices(),
                               value=None, elem_id="filter-doc-type")
        decisions = gr.Checkbox(label="Decisions only (RESOLVED)", elem_id="filter-decisions")
        clear_filters = gr.Button("Clear filters", size="sm", variant="secondary")
        backend = state.settings.backend
        gr.Markdown(f"**Answer backend:** `{backend}`  \n{BACKEND_HELP.get(backend, '')}",
                    elem_id="backend-info")
        user_info = gr.Markdown("", elem_id="user-info")
    sidebar = Sidebar(committee, date_from, date_to, doc_type, decisions, user_info)
    clear_filters.click(lambda: (None, None, None, None, False), None, sidebar.filters,
                        api_visibility="private")
    return sidebar


def render(state: AppState, turns: list[views.ChatTurn]) -> str:
    return views.conversation_html(turns, views.example_questions(state.stats()))


def build_tab(state: AppState, sidebar: Sidebar) -> gr.HTML:
    """The Ask tab; returns the conversation component (redrawn when the page loads)."""
    with gr.Tab("Ask", id="ask"):
        turns_state = gr.State([])  # inside the tab: a component directly under gr.Tabs breaks tab labels
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                conversation = gr.HTML(
                    render(state, []), js_on_load=views.static_text("conversation.js"),
                    elem_id="conversation", autoscroll=True, min_height="55vh", max_height="70vh")
                with gr.Row(elem_id="ask-row"):
                    question = gr.Textbox(
                        placeholder="Ask a question about the minutes, reports or decisions…",
                        show_label=False, lines=1, max_lines=4, scale=6, autofocus=True,
                        max_length=state.settings.max_question_chars, elem_id="question")
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask-button")
                new_chat = gr.Button("New conversation", size="sm", variant="secondary",
                                     elem_id="new-chat")
            with gr.Column(scale=2, min_width=360, visible=False, elem_id="viewer-col") as viewer_col:
                with gr.Row():
                    gr.Markdown("### Document")
                    close_viewer = gr.Button("Close", size="sm", scale=0, elem_id="close-viewer")
                viewer = gr.HTML("", elem_id="viewer")

    def respond(text, turns, committee_v, from_v, to_v, type_v, decisions_v):
        text = (text or "").strip()
        if not text:
            yield render(state, turns), turns, ""
            return
        try:
            text = check_question(text, state.settings)
            filters = parse_filters(committee_v, from_v, to_v, type_v, decisions_v, state.settings)
        except InputError as error:
            raise gr.Error(str(error)) from None
        history = history_of(turns, state.settings)
        turn = views.ChatTurn(text)
        turns = [*turns, turn]
        yield render(state, turns), turns, ""
        try:
            for item in state.assistant.stream(text, history, filters):
                if isinstance(item, str):
                    turn.partial += item
                    yield render(state, turns), turns, ""
                else:
                    turn.answer = item.to_dict()
        except Exception:
            log.exception("answering %r failed", text)
            turn.error = "Something went wrong while answering; the details are in the log."
        yield render(state, turns), turns, ""

    def respond_example(turns, committee_v, from_v, to_v, type_v, decisions_v, evt: gr.EventData):
        yield from respond(getattr(evt, "question", ""), turns, committee_v, from_v, to_v,
                           type_v, decisions_v)

    ask_inputs = [question, turns_state, *sidebar.filters]
    ask_outputs = [conversation, turns_state, question]
    question.submit(respond, ask_inputs, ask_outputs, api_visibility="private")
    send.click(respond, ask_inputs, ask_outputs, api_visibility="private")
    conversation.ask_example(respond_example, [turns_state, *sidebar.filters], ask_outputs,
                             api_visibility="private")
    new_chat.click(lambda: (render(state, []), [], gr.Column(visible=False)), None,
                   [conversation, turns_state, viewer_col], api_visibility="private")

    def open_passage(turns, evt: gr.EventData):
        passage, fragments = find_passage(turns, getattr(evt, "passage", ""))
        return document_viewer(state, passage, fragments), gr.Column(visible=True)

    conversation.open_passage(open_passage, [turns_state], [viewer, viewer_col],
                              api_visibility="private").then(
        None, None, None, js=scroll_to_passage_js("viewer"), api_visibility="private")
    close_viewer.click(lambda: gr.Column(visible=False), None, viewer_col, api_visibility="private")
    return conversation
