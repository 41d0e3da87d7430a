"""The web UI: a Gradio app over the assistant (``minutes serve`` or ``python app.py``).

A thin adapter. Questions go to ``Assistant.stream``, documents to ``Ingester`` and ``Index``;
this module only turns UI input into those calls and their plain results into HTML (through
``app_views``, which escapes every piece of document text). One Index and one Assistant are built
per process and the model is loaded before the port opens, so no question pays for start-up.

Safe by default: binds 127.0.0.1; any other host needs users (``app_auth``); uploads are limited
in size and type; the viewer shows only documents the index holds, looked up by passage id, so
no request names a path. Offline: analytics off (``import settings``), system fonts, no share link.
"""

from __future__ import annotations

import settings  # noqa: F401  (first: sets the offline and no-telemetry environment)

import functools
import json
import logging
import re
import shutil
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

import gradio as gr

import app_views as views
from app_auth import Authenticator, check_binding, load_users
from assistant.validation import InputError, check_filters, check_history, check_question, clean_text
from settings import Settings, SettingsError
from vectorstore.models import Filters
from vectorstore.records import RecordsStore

log = logging.getLogger(__name__)

UPLOADS_DIR = "uploads"
RECORDS_FILE = "records.sqlite"  # where ingest.pipeline keeps the records store
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")
WARM_UP_QUESTION = "warm-up"

BACKEND_HELP = {
    "extractive": "Answers quote the records directly; nothing is generated.",
    "openai": "Answers are written by the configured OpenAI-compatible model and checked "
              "against their citations.",
    "local": "Answers are written by the local model on this machine and checked against "
             "their citations.",
}

# Gradio's default theme fetches Google Fonts in the browser (deps.md P8): system fonts only.
THEME = gr.themes.Soft(
    primary_hue="indigo", neutral_hue="slate",
    font=["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
)

CONVERSATION_JS = """
element.addEventListener('click', (event) => {
  const example = event.target.closest('[data-example]');
  if (example) { trigger('ask_example', {question: example.dataset.example}); return; }
  const copy = event.target.closest('[data-copy]');
  if (copy) {
    const source = element.querySelector('#' + copy.dataset.copy);
    const text = source ? source.value : '';
    const done = () => { copy.textContent = 'Copied'; setTimeout(() => { copy.textContent = 'Copy as Markdown'; }, 1500); };
    const fallback = () => { source.hidden = false; source.select(); document.execCommand('copy'); source.hidden = true; done(); };
    if (navigator.clipboard) { navigator.clipboard.writeText(text).then(done, fallback); } else { fallback(); }
    return;
  }
  const ref = event.target.closest('[data-ref]');
  if (ref) {
    event.preventDefault();
    const cards = ref.closest('.answer').querySelectorAll('.card');
    const card = cards[Number(ref.dataset.ref) - 1];
    if (card) { card.scrollIntoView({block: 'nearest', behavior: 'smooth'}); card.classList.add('flash'); setTimeout(() => card.classList.remove('flash'), 1200); }
    return;
  }
  const card = event.target.closest('[data-passage]');
  if (card) { trigger('open_passage', {passage: card.dataset.passage}); }
});
element.addEventListener('keydown', (event) => {
  const card = event.target.closest('[data-passage]');
  if (card && (event.key === 'Enter' || event.key === ' ')) {
    event.preventDefault();
    trigger('open_passage', {passage: card.dataset.passage});
  }
});
"""


def scroll_to_passage_js(viewer_id: str) -> str:
    """JS run after a viewer is filled: scroll its text to the cited passage (once it is drawn)."""
    return """
() => {
  const scroll = () => {
    const mark = document.querySelector('#%(id)s #passage');
    const body = document.querySelector('#%(id)s .viewer-body');
    if (!mark || !body) return false;
    body.scrollTop += mark.getBoundingClientRect().top - body.getBoundingClientRect().top - 40;
    document.querySelector('#%(id)s').scrollIntoView({block: 'nearest'});
    return true;
  };
  let tries = 0;
  const retry = () => { if (!scroll() && ++tries < 20) setTimeout(retry, 50); };
  setTimeout(retry, 30);
}
""" % {"id": viewer_id}


class AppCore:
    """What the handlers need, built once per process: the index, the assistant, the login rules.

    Also caches what does not change between questions (statistics, documents, filter choices)
    until an upload or removal changes the index.
    """

    def __init__(self, settings: Settings, assistant, index, auth: Authenticator):
        from ingest.pipeline import Ingester

        self.settings = settings
        self.assistant = assistant
        self.index = index
        self.auth = auth
        self.ingester = Ingester(settings, index)
        self.uploads = (settings.data_dir / UPLOADS_DIR).resolve()
        self.records = RecordsStore(settings.data_dir / RECORDS_FILE)
        self._write_lock = threading.Lock()
        self._cache: dict[str, Any] = {}

    # -- cached catalog ------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        if "stats" not in self._cache:
            self._cache["stats"] = self.index.stats()
        return self._cache["stats"]

    def documents(self) -> list[dict[str, Any]]:
        if "documents" not in self._cache:
            self._cache["documents"] = self.index.documents()
        return self._cache["documents"]

    def refresh(self) -> None:
        """Forget cached catalog data after the index changed."""
        self._cache.clear()
        self.assistant.refresh()

    def committees(self) -> list[str]:
        return sorted(c for c in self.stats().get("committees") or [] if c)

    def meeting_choices(self) -> list[tuple[str, str]]:
        meetings = sorted((m for m in self.stats().get("meetings") or [] if m), reverse=True)
        return [(views.date_label(m), m) for m in meetings]

    def doc_type_choices(self) -> list[tuple[str, str]]:
        kinds = sorted({d["doc_type"] for d in self.documents() if d.get("doc_type")})
        return [(views.doc_type_label(k), k) for k in kinds]

    def file_choices(self) -> list[tuple[str, str]]:
        return [(f"{Path(f.path).name}  ({f.n_documents} documents)", f.path) for f in self.index.files()]

    # -- answering -----------------------------------------------------------------------------
    def stream(self, question: str, history: list[dict[str, str]], filters: Filters) -> Iterator[Any]:
        return self.assistant.stream(question, history, filters)

    def viewer(self, passage: dict[str, Any] | None, fragments: list[str]) -> str:
        """The viewer's HTML: the indexed document holding ``passage``, scrolled to it.

        The document is the one the passage's chunk belongs to, or, for a passage that is not a
        chunk (a records row), the document of the same file whose text contains it. Documents
        come from the index only; nothing here reads a path the browser sent.
        """
        if not passage:
            return "<div class='viewer muted'>This passage is not part of the conversation.</div>"
        found = self.index.get_passages([passage["id"]]) if passage.get("id") else []
        doc_id = found[0].metadata.get("doc_id") if found else None
        candidates = [d for d in self.documents() if d.get("source") == passage.get("source")]
        candidates.sort(key=lambda d: d.get("doc_id") != doc_id)
        for document in candidates:
            text = self.index.document_text(document["doc_id"])
            if document.get("doc_id") == doc_id or views.find_flexible(text, passage.get("text") or ""):
                return views.viewer_html(document, text, passage, fragments,
                                         self._page_starts(document, text))
        return "<div class='viewer muted'>This document is no longer in the index.</div>"

    def _page_starts(self, document: dict[str, Any], text: str) -> list[tuple[int, int]]:
        """Where each page begins in the document text, from its chunks' page numbers."""
        chunks = [p for p in self.index.passages_where(Filters(source=document["source"]))
                  if p.metadata.get("doc_id") == document["doc_id"] and p.page is not None]
        chunks.sort(key=lambda p: int(p.metadata.get("chunk_index") or 0))
        starts: list[tuple[int, int]] = []
        position = 0
        for chunk in chunks:
            span = views.find_flexible(text, chunk.text, position)
            if span is None:
                continue
            position = span[0]
            if not starts or chunk.page != starts[-1][1]:
                starts.append((span[0], chunk.page))
        return starts

    # -- decisions -----------------------------------------------------------------------------
    def decisions(self, committee: str | None, meeting: str | None, search: str | None,
                  standing: bool) -> list[dict[str, Any]]:
        """Decision rows from the records store; standing resolutions only when asked for."""
        search = clean_text(search or "")
        if len(search) > self.settings.max_filter_chars:
            raise InputError(f"The search is {len(search):,} characters long; the limit is "
                             f"{self.settings.max_filter_chars}.")
        rows = self.records.query("decisions", committee=committee or None, meeting=meeting or None,
                                  search=search or None)
        return rows if standing else [r for r in rows if not r.get("boilerplate")]

    def decision_viewer(self, row: dict[str, Any]) -> str:
        """The viewer at the passage a decision row came from, its decision highlighted."""
        return self.viewer(row, views.sentence_fragments(row.get("decision") or ""))

    # -- documents -----------------------------------------------------------------------------
    def accept_upload(self, path: str) -> tuple[Path | None, str]:
        """Copy one uploaded file into the uploads folder; (None, reason) if it is refused."""
        from ingest.loaders import SUPPORTED_SUFFIXES

        source = Path(path)
        name = _UNSAFE_NAME.sub("_", source.name).strip(" .") or "upload"
        if source.suffix.lower() not in SUPPORTED_SUFFIXES:
            return None, (f"{name}: this kind of file is not supported "
                          f"(supported: {', '.join(SUPPORTED_SUFFIXES)})")
        size_mb = source.stat().st_size / 1_048_576
        if size_mb > self.settings.max_upload_mb:
            return None, f"{name}: {size_mb:.1f} MB is over the {self.settings.max_upload_mb:g} MB limit"
        self.uploads.mkdir(parents=True, exist_ok=True)
        target = self.uploads / name
        shutil.copyfile(source, target)
        return target, ""

    def ingest(self, paths: list[str], progress=None) -> dict[str, Any]:
        """Ingest uploaded files one by one (so the progress bar moves); a summary for the UI."""
        summary = {"added": [], "replaced": [], "unchanged": [], "errors": []}
        accepted = []
        for path in paths:
            target, reason = self.accept_upload(path)
            if target is None:
                summary["errors"].append(reason)
            else:
                accepted.append(target)
        with self._write_lock:
            for i, target in enumerate(accepted):
                if progress is not None:
                    progress((i, len(accepted)), desc=f"Reading and indexing {target.name}", unit="files")
                report = self.ingester.ingest([target], progress=False)
                for kind in ("added", "replaced", "unchanged"):
                    summary[kind] += [Path(p).name for p in getattr(report, kind)]
                summary["errors"] += [f"{Path(e['file']).name}: {e['error']}" for e in report.errors]
            if accepted:
                self.refresh()
        return summary

    def remove(self, path: str) -> str:
        """Forget an indexed file (and delete it if it was uploaded here); a message for the UI.

        Only a path the index holds is acted on (the choice list is no allow-list: an API
        caller can send any text).
        """
        from ingest.lock import writer_lock

        known = {f.path for f in self.index.files()}
        if path not in known:
            raise InputError("That file is not in the index.")
        with self._write_lock, writer_lock(self.settings.data_dir, self.settings.ingest_lock_timeout):
            self.index.remove_file(path)
            self.records.remove_file(path)
            self.index.sync()
            self.refresh()
        stored = Path(path)
        if stored.parent == self.uploads and stored.is_file():
            stored.unlink()
        return f"Removed {stored.name} from the index."


def parse_filters(committee: str | None, date_from: str | None, date_to: str | None,
                  doc_type: str | None, decisions_only: bool, settings: Settings) -> Filters:
    """Filters from the UI's fields or the API's arguments; a bad one is a user error."""
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


def user_error(handler):
    """Wrap a Gradio handler so the user sees one clear message and never a traceback.

    A user's mistake (``InputError``) is shown as it is; anything else is logged with its
    traceback and shown as a short apology.
    """
    @functools.wraps(handler)
    def wrapped(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except gr.Error:
            raise
        except InputError as error:
            raise gr.Error(str(error)) from None
        except Exception:
            log.exception("%s failed", handler.__name__)
            raise gr.Error("Something went wrong on the server; the details are in its log.") from None
    return wrapped


def without_paths(value: Any) -> Any:
    """``value`` (answer or document dicts) with every server path blanked, for non-admin users."""
    if isinstance(value, dict):
        return {k: (None if k == "path" else without_paths(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [without_paths(v) for v in value]
    return value


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


def build_app(settings: Settings, assistant=None, index=None, auth: Authenticator | None = None) -> gr.Blocks:
    """The Blocks app. Builds the Index and Assistant unless given (one of each per process)."""
    if index is None:
        from vectorstore.index import Index

        index = Index(settings)
    if assistant is None:
        from assistant.factory import build_assistant

        assistant = build_assistant(settings, index=index)
    core = AppCore(settings, assistant, index, auth or Authenticator({}))
    filter_inputs: list[gr.components.Component] = []

    with gr.Blocks(title="Minutes Assistant", analytics_enabled=False, fill_width=True) as demo:
        turns_state = gr.State([])
        with gr.Sidebar(open=True, width=300):
            gr.Markdown("## Minutes Assistant", elem_classes="brand")
            gr.Markdown("### Narrow the search")
            committee = gr.Dropdown(label="Committee", choices=core.committees(), value=None,
                                    allow_custom_value=False, elem_id="filter-committee")
            with gr.Row():
                date_from = gr.Dropdown(label="From meeting", choices=core.meeting_choices(),
                                        value=None, allow_custom_value=True, elem_id="filter-from")
                date_to = gr.Dropdown(label="To meeting", choices=core.meeting_choices(),
                                      value=None, allow_custom_value=True, elem_id="filter-to")
            doc_type = gr.Dropdown(label="Document type", choices=core.doc_type_choices(),
                                   value=None, elem_id="filter-doc-type")
            decisions = gr.Checkbox(label="Decisions only (RESOLVED)", elem_id="filter-decisions")
            clear_filters = gr.Button("Clear filters", size="sm", variant="secondary")
            filter_inputs = [committee, date_from, date_to, doc_type, decisions]
            gr.Markdown(
                f"**Answer backend:** `{settings.backend}`  \n{BACKEND_HELP.get(settings.backend, '')}",
                elem_id="backend-info")
            user_info = gr.Markdown("", elem_id="user-info")

        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=420):
                        conversation = gr.HTML(
                            views.conversation_html([], views.example_questions(core.stats())),
                            js_on_load=CONVERSATION_JS, elem_id="conversation", autoscroll=True,
                            min_height="55vh", max_height="70vh")
                        with gr.Row(elem_id="ask-row"):
                            question = gr.Textbox(
                                placeholder="Ask a question about the minutes, reports or decisions…",
                                show_label=False, lines=1, max_lines=4, scale=6, autofocus=True,
                                max_length=settings.max_question_chars, elem_id="question")
                            send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask-button")
                        new_chat = gr.Button("New conversation", size="sm", variant="secondary",
                                             elem_id="new-chat")
                    with gr.Column(scale=2, min_width=360, visible=False, elem_id="viewer-col") as viewer_col:
                        with gr.Row():
                            gr.Markdown("### Document")
                            close_viewer = gr.Button("Close", size="sm", scale=0, elem_id="close-viewer")
                        viewer = gr.HTML("", elem_id="viewer")

            with gr.Tab("Decisions", id="decisions"):
                gr.Markdown("Every RESOLVED decision in the minutes. Choose a row to read it in its document.")
                with gr.Row():
                    dec_committee = gr.Dropdown(label="Committee", choices=core.committees(), value=None,
                                                elem_id="decisions-committee")
                    dec_meeting = gr.Dropdown(label="Meeting", choices=core.meeting_choices(), value=None,
                                              elem_id="decisions-meeting")
                    dec_search = gr.Textbox(label="Search", placeholder="Words in the decision or item",
                                            elem_id="decisions-search")
                    dec_standing = gr.Checkbox(label="Include standing resolutions", value=False)
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        dec_rows = gr.State([])
                        dec_table = gr.Dataframe(headers=views.DECISION_COLUMNS, interactive=False, wrap=True,
                                                 datatype=["str"] * len(views.DECISION_COLUMNS),
                                                 column_widths=["13%", "20%", "17%", "35%", "15%"],
                                                 max_height=640, elem_id="decisions-table")
                        dec_csv = gr.DownloadButton("Download CSV", size="sm", elem_id="decisions-csv")
                    with gr.Column(scale=2):
                        dec_viewer = gr.HTML("", elem_id="decision-viewer")

            with gr.Tab("Documents", id="documents", visible=not core.auth.enabled) as docs_tab:
                gr.Markdown("Documents in the index, with the metadata detected when they were read.")
                # With logins on, the page's config (which every user's browser fetches) holds no
                # catalog: an admin's page fills it in on load.
                documents_table = gr.Dataframe(
                    headers=views.DOCUMENT_COLUMNS,
                    value=[] if core.auth.enabled else views.document_rows(core.documents()),
                    interactive=False, wrap=True, elem_id="documents-table", max_height=520,
                    column_widths=["24%", "10%", "18%", "9%", "5%", "6%", "13%", "7%", "8%"],
                    datatype=["str"] * len(views.DOCUMENT_COLUMNS))
                with gr.Row():
                    with gr.Column():
                        from ingest.loaders import SUPPORTED_SUFFIXES

                        uploads = gr.File(
                            label=f"Add files ({', '.join(SUPPORTED_SUFFIXES)}; up to "
                                  f"{settings.max_upload_mb:g} MB each)",
                            file_count="multiple", file_types=list(SUPPORTED_SUFFIXES),
                            type="filepath", elem_id="upload")
                        ingest_button = gr.Button("Add to the index", variant="primary",
                                                  elem_id="ingest-button")
                        ingest_result = gr.Markdown(elem_id="ingest-result")
                    with gr.Column():
                        # Custom values pass the dropdown: core.remove acts only on indexed paths.
                        remove_choice = gr.Dropdown(label="Remove a file from the index",
                                                    choices=[] if core.auth.enabled else core.file_choices(),
                                                    value=None, allow_custom_value=True,
                                                    elem_id="remove-choice")
                        remove_button = gr.Button("Remove", variant="stop", elem_id="remove-button")
                        remove_result = gr.Markdown(elem_id="remove-result")

        # -- handlers ------------------------------------------------------------------------
        def render(turns):
            return views.conversation_html(turns, views.example_questions(core.stats()))

        def respond(text, turns, committee_v, from_v, to_v, type_v, decisions_v):
            text = (text or "").strip()
            if not text:
                yield render(turns), turns, ""
                return
            try:
                text = check_question(text, settings)
                filters = parse_filters(committee_v, from_v, to_v, type_v, decisions_v, settings)
            except InputError as error:
                raise gr.Error(str(error)) from None
            history = history_of(turns, settings)
            turn = views.ChatTurn(text)
            turns = [*turns, turn]
            yield render(turns), turns, ""
            try:
                for item in core.stream(text, history, filters):
                    if isinstance(item, str):
                        turn.partial += item
                        yield render(turns), turns, ""
                    else:
                        turn.answer = item.to_dict()
            except Exception:
                log.exception("answering %r failed", text)
                turn.error = "Something went wrong while answering; the details are in the log."
            yield render(turns), turns, ""

        def respond_example(turns, committee_v, from_v, to_v, type_v, decisions_v, evt: gr.EventData):
            yield from respond(getattr(evt, "question", ""), turns, committee_v, from_v, to_v,
                               type_v, decisions_v)

        ask_inputs = [question, turns_state, *filter_inputs]
        ask_outputs = [conversation, turns_state, question]
        question.submit(respond, ask_inputs, ask_outputs, api_visibility="private")
        send.click(respond, ask_inputs, ask_outputs, api_visibility="private")
        conversation.ask_example(respond_example, [turns_state, *filter_inputs], ask_outputs,
                                 api_visibility="private")
        new_chat.click(lambda: (render([]), [], gr.Column(visible=False)), None,
                       [conversation, turns_state, viewer_col], api_visibility="private")
        clear_filters.click(lambda: (None, None, None, None, False), None, filter_inputs,
                            api_visibility="private")

        def open_passage(turns, evt: gr.EventData):
            passage, fragments = find_passage(turns, getattr(evt, "passage", ""))
            return core.viewer(passage, fragments), gr.Column(visible=True)

        conversation.open_passage(open_passage, [turns_state], [viewer, viewer_col],
                                  api_visibility="private").then(
            None, None, None, js=scroll_to_passage_js("viewer"), api_visibility="private")
        close_viewer.click(lambda: gr.Column(visible=False), None, viewer_col, api_visibility="private")

        @user_error
        def show_decisions(committee_v, meeting_v, search_v, standing_v):
            rows = core.decisions(committee_v, meeting_v, search_v, standing_v)
            return views.decision_rows(rows), rows, write_csv(rows)

        decision_inputs = [dec_committee, dec_meeting, dec_search, dec_standing]
        for trigger in (dec_committee.change, dec_meeting.change, dec_search.submit, dec_standing.change):
            trigger(show_decisions, decision_inputs, [dec_table, dec_rows, dec_csv], api_visibility="private")

        def open_decision(rows, evt: gr.SelectData):
            row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
            if not rows or row is None or row >= len(rows):
                return ""
            return core.decision_viewer(rows[row])

        dec_table.select(open_decision, [dec_rows], [dec_viewer], api_visibility="private").then(
            None, None, None, js=scroll_to_passage_js("decision-viewer"), api_visibility="private")

        def documents_outputs(admin: bool):
            # gr.update keeps what the user has chosen; only the choices change. Only an admin's
            # page gets the documents and the files' server paths.
            return (views.document_rows(core.documents()) if admin else [],
                    gr.update(choices=core.file_choices() if admin else []),
                    gr.update(choices=core.committees()), gr.update(choices=core.meeting_choices()),
                    gr.update(choices=core.meeting_choices()), gr.update(choices=core.doc_type_choices()))

        refreshed = [documents_table, remove_choice, committee, date_from, date_to, doc_type]

        def is_admin(request: gr.Request | None) -> bool:
            return core.auth.is_admin(getattr(request, "username", None))

        def require_admin(request: gr.Request | None):
            if not is_admin(request):
                raise gr.Error("Only an administrator can add or remove documents.")

        @user_error
        def ingest_files(files, request: gr.Request, progress=gr.Progress()):
            require_admin(request)
            paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in files or []]
            if not paths:
                raise gr.Error("Choose one or more files to add first.")
            summary = core.ingest(paths, progress)
            return (ingest_message(summary), None, *documents_outputs(True))

        ingest_button.click(ingest_files, [uploads], [ingest_result, uploads, *refreshed],
                            api_name="ingest", concurrency_limit=1, concurrency_id="write")

        @user_error
        def remove_file(path, request: gr.Request):
            require_admin(request)
            if not path:
                raise gr.Error("Choose a file to remove first.")
            return (core.remove(path), *documents_outputs(True))

        remove_button.click(remove_file, [remove_choice], [remove_result, *refreshed],
                            api_name="remove", concurrency_limit=1, concurrency_id="write")

        def on_load(request: gr.Request):
            name = getattr(request, "username", None)
            admin = is_admin(request)
            who = f"Signed in as **{name}**" + (" (admin)" if admin and core.auth.enabled else "") if name else ""
            return (gr.Tab(visible=admin), who, render([]), *documents_outputs(admin))

        demo.load(on_load, None, [docs_tab, user_info, conversation, *refreshed], api_visibility="private")
        demo.load(show_decisions, decision_inputs, [dec_table, dec_rows, dec_csv], api_visibility="private")

        # -- API for scripts (gradio_client) -------------------------------------------------
        # Replies are JSON text, not dicts: Gradio treats any dict with a "path" key (as a
        # Passage has) as a file to serve or download.
        @user_error
        def ask(question: str, history: list[dict] | None = None, committee: str = "",
                date_from: str = "", date_to: str = "", doc_type: str = "",
                decisions_only: bool = False, request: gr.Request = None) -> str:
            """Answer a question: the contract's ``ask --json`` shape as JSON text.

            ``history`` is the conversation so far, a list of {"role", "content"}. Passages carry
            their server path only for an admin.
            """
            # The question first, on its raw length: an oversized one costs nothing more.
            question = check_question(question, settings)
            filters = parse_filters(committee, date_from, date_to, doc_type, decisions_only, settings)
            answer = core.assistant.ask(question, check_history(history, settings), filters).to_dict()
            return json.dumps(answer if is_admin(request) else without_paths(answer))

        @user_error
        def documents(request: gr.Request = None) -> str:
            """The indexed documents with their detected metadata, as JSON text (paths for admins)."""
            return json.dumps(core.documents() if is_admin(request) else without_paths(core.documents()))

        def stats() -> str:
            """The contract's ``stats --json`` shape plus the answer backend, as JSON text."""
            return json.dumps({**core.stats(), "backend": settings.backend})

        gr.api(ask, api_name="ask")
        gr.api(documents, api_name="documents")
        gr.api(stats, api_name="stats")

    demo.queue(default_concurrency_limit=2)
    return demo


def write_csv(rows: list[dict[str, Any]]) -> str:
    """The decision rows as a CSV file for download, in the temp folder Gradio may serve.

    Named by its content, so the same table is written once however often it is shown.
    """
    import csv
    import hashlib
    import io
    import tempfile

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


def ingest_message(summary: dict[str, list[str]]) -> str:
    """A short Markdown report of an upload (names are escaped: they come from the user)."""
    lines = []
    for kind, label in (("added", "Added"), ("replaced", "Updated"), ("unchanged", "Already indexed")):
        if summary[kind]:
            lines.append(f"**{label}:** " + ", ".join(views.esc(n) for n in summary[kind]))
    for error in summary["errors"]:
        lines.append(f"**Not added:** {views.esc(error)}")
    return "  \n".join(lines) or "Nothing was added."


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
        "css": views.CSS,
        "ssr_mode": False,
        "footer_links": ["api"],
        "show_error": True,
        "quiet": True,
    }


def serve(settings: Settings) -> None:
    """Check the binding is safe, load everything once, then serve until interrupted."""
    auth = Authenticator(load_users(settings))
    check_binding(settings, auth.users)
    from assistant.factory import build_assistant
    from vectorstore.index import Index

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
