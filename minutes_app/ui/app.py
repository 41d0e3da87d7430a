"""The web UI: a Gradio app over the assistant (``minutes serve`` or ``python app.py``).

``build_app`` composes the tabs (``ask``, ``decisions``, ``people``, ``track``, ``watch``, ``documents``) over one shared
``AppState``; each tab module holds its own components and handlers, and all HTML comes from
``views`` and its templates. One Index and one Assistant are built per process and the model is
loaded before the port opens, so no question pays for start-up.

Safe by default: binds 127.0.0.1; any other host needs users (``minutes_app.auth``); uploads are
limited in size and type; the viewer shows only documents the index holds, looked up by passage
id, so no request names a path. Offline: analytics off (importing ``minutes_core.settings``),
system fonts, no share link.
"""

from __future__ import annotations

import minutes_core.settings  # noqa: F401  (first: sets the offline and no-telemetry environment)

import json
import logging
import sys
from typing import Any

import gradio as gr

from assistant.factory import build_assistant
from assistant.validation import check_history, check_question
from minutes_app.auth import Authenticator, check_binding, load_users
from minutes_app.ui import ask, decisions, documents, people, track, views, watch
from minutes_app.ui.guard import user_error, without_paths
from minutes_app.ui.state import AppState
from minutes_core.settings import Settings, SettingsError
from vectorstore.index import Index

log = logging.getLogger(__name__)

WARM_UP_QUESTION = "warm-up"

# Gradio's default theme fetches Google Fonts in the browser (deps.md P8): system fonts only.
THEME = gr.themes.Soft(
    primary_hue="indigo", neutral_hue="slate",
    font=["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
)


def build_app(settings: Settings, assistant=None, index=None, auth: Authenticator | None = None) -> gr.Blocks:
    """The Blocks app. Builds the Index and Assistant unless given (one of each per process)."""
    if index is None:
        index = Index(settings)
    if assistant is None:
        assistant = build_assistant(settings, index=index)
    state = AppState(settings, assistant, index, auth or Authenticator({}))

    with gr.Blocks(title="Minutes Assistant", analytics_enabled=False, fill_width=True) as demo:
        sidebar = ask.build_sidebar(state)
        with gr.Tabs():
            conversation = ask.build_tab(state, sidebar)
            decision_inputs, show_decisions, decision_outputs = decisions.build_tab(state)
            person_chooser, person_choices = people.build_tab(state)
            track.build_tab(state)
            watch_kept, watch_output = watch.build_tab(state)
            docs = documents.build_tab(state, sidebar)

        def on_load(request: gr.Request):
            name = getattr(request, "username", None)
            admin = state.auth.is_admin(name)
            who = f"Signed in as **{name}**" + (" (admin)" if admin and state.auth.enabled else "") if name else ""
            return (gr.Tab(visible=admin), who, ask.render(state, []), *docs.refreshed(admin))

        demo.load(on_load, None, [docs.tab, sidebar.user_info, conversation, *docs.outputs],
                  api_visibility="private")
        demo.load(show_decisions, decision_inputs, decision_outputs, api_visibility="private")
        demo.load(person_choices, None, [person_chooser], api_visibility="private")
        demo.load(watch_kept, None, [watch_output], api_visibility="private")
        add_api(state)

    demo.queue(default_concurrency_limit=2)
    return demo


def add_api(state: AppState) -> None:
    """Endpoints for scripts (gradio_client). Replies are JSON text, not dicts: Gradio treats any
    dict with a "path" key (as a Passage has) as a file to serve or download."""

    def is_admin(request: gr.Request | None) -> bool:
        return state.auth.is_admin(getattr(request, "username", None))

    @user_error
    def ask_question(question: str, history: list[dict] | None = None, committee: str = "",
                     date_from: str = "", date_to: str = "", doc_type: str = "",
                     decisions_only: bool = False, request: gr.Request = None) -> str:
        """Answer a question: the contract's ``ask --json`` shape as JSON text.

        ``history`` is the conversation so far, a list of {"role", "content"}. Passages carry
        their server path only for an admin.
        """
        # The question first, on its raw length: an oversized one costs nothing more.
        question = check_question(question, state.settings)
        filters = ask.parse_filters(committee, date_from, date_to, doc_type, decisions_only, state.settings)
        answer = state.assistant.ask(question, check_history(history, state.settings), filters).to_dict()
        return json.dumps(answer if is_admin(request) else without_paths(answer))

    @user_error
    def documents_json(request: gr.Request = None) -> str:
        """The indexed documents with their detected metadata, as JSON text (paths for admins)."""
        return json.dumps(state.documents() if is_admin(request) else without_paths(state.documents()))

    def stats() -> str:
        """The contract's ``stats --json`` shape plus the answer backend, as JSON text."""
        return json.dumps({**state.stats(), "backend": state.settings.backend})

    gr.api(ask_question, api_name="ask")
    gr.api(documents_json, api_name="documents")
    gr.api(stats, api_name="stats")


def launch_options(settings: Settings, auth: Authenticator) -> dict[str, Any]:
    """Arguments for ``Blocks.launch``: host, port, login, upload limit, local theme, no share."""
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "share": False,
        "auth": auth if auth.enabled else None,
        "auth_message": "Sign in to the Minutes Assistant." if auth.enabled else None,
        "max_file_size": int(settings.max_upload_mb * 1_048_576),
        "theme": THEME,
        "css": views.static_text("ui.css"),
        "ssr_mode": False,
        "footer_links": ["api"],
        "show_error": True,
        "quiet": True,
    }


def serve(settings: Settings) -> None:
    """Check the binding is safe, load everything once, then serve until interrupted."""
    auth = Authenticator(load_users(settings))
    check_binding(settings, auth.users)
    index = Index(settings)
    assistant = build_assistant(settings, index=index)
    try:
        assistant.ask(WARM_UP_QUESTION)  # loads the model, Chroma and BM25 before the port opens
    except Exception:
        log.exception("warm-up question failed; the first real question will load the models")
    demo = build_app(settings, assistant=assistant, index=index, auth=auth)
    log.warning("Minutes Assistant on http://%s:%d (backend %s, %s)", settings.host, settings.port,
                settings.backend, "login required" if auth.enabled else "no login: loopback only")
    demo.launch(**launch_options(settings, auth))


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        serve(Settings.load())
    except SettingsError as error:
        print(f"minutes: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
