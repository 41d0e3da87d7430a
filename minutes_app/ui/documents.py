"""The Documents tab (admins only when login is on): what is indexed with its detected metadata;
upload (size and type limits, progress bar) and removal. Uploads go to ``Ingester``, removals to
``Index``; both refresh the catalogue the other tabs show.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.validation import InputError
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.lock import writer_lock
from minutes_app.ui import views
from minutes_app.ui.ask import Sidebar
from minutes_app.ui.guard import user_error
from minutes_app.ui.state import AppState
from vectorstore.ingestion import Ingester
from vectorstore.layout import DataLayout

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def accept_upload(state: AppState, path: str) -> tuple[Path | None, str]:
    """Copy one uploaded file into the uploads folder; (None, reason) if it is refused."""
    source = Path(path)
    name = _UNSAFE_NAME.sub("_", source.name).strip(" .") or "upload"
    if source.suffix.lower() not in SUPPORTED_SUFFIXES:
        return None, (f"{name}: this kind of file is not supported "
                      f"(supported: {', '.join(SUPPORTED_SUFFIXES)})")
    size_mb = source.stat().st_size / 1_048_576
    limit = state.settings.max_upload_mb
    if size_mb > limit:
        return None, f"{name}: {size_mb:.1f} MB is over the {limit:g} MB limit"
    state.uploads.mkdir(parents=True, exist_ok=True)
    target = state.uploads / name
    shutil.copyfile(source, target)
    return target, ""


def ingest(state: AppState, paths: list[str], progress=None) -> dict[str, Any]:
    """Ingest uploaded files one by one (so the progress bar moves); a summary for the UI."""
    summary = {"added": [], "replaced": [], "unchanged": [], "errors": []}
    accepted = []
    for path in paths:
        target, reason = accept_upload(state, path)
        if target is None:
            summary["errors"].append(reason)
        else:
            accepted.append(target)
    with state.write_lock:
        ingester = Ingester(state.settings, state.index)
        for i, target in enumerate(accepted):
            if progress is not None:
                progress((i, len(accepted)), desc=f"Reading and indexing {target.name}", unit="files")
            report = ingester.ingest([target], progress=False)
            for kind in ("added", "replaced", "unchanged"):
                summary[kind] += [Path(p).name for p in getattr(report, kind)]
            summary["errors"] += [f"{Path(e['file']).name}: {e['error']}" for e in report.errors]
        if accepted:
            state.refresh()
    return summary


def remove(state: AppState, path: str) -> str:
    """Forget an indexed file (and delete it if it was uploaded here); a message for the UI.

    Only a path the index holds is acted on (the choice list is no allow-list: an API caller can
    send any text). The data directory's writer lock keeps a command-line ingest out meanwhile.
    """
    known = {f.path for f in state.index.files()}
    if path not in known:
        raise InputError("That file is not in the index.")
    with state.write_lock, writer_lock(DataLayout.of(state.settings).ingest_lock,
                                       state.settings.ingest_lock_timeout):
        state.index.remove_file(path)
        state.records.remove_file(path)
        state.index.sync()
        state.refresh()
    stored = Path(path)
    if stored.parent == state.uploads and stored.is_file():
        stored.unlink()
    return f"Removed {stored.name} from the index."


def ingest_message(summary: dict[str, list[str]]) -> str:
    """A short Markdown report of an upload (names are escaped: they come from the user)."""
    lines = []
    for kind, label in (("added", "Added"), ("replaced", "Updated"), ("unchanged", "Already indexed")):
        if summary[kind]:
            lines.append(f"**{label}:** " + ", ".join(views.esc(n) for n in summary[kind]))
    for error in summary["errors"]:
        lines.append(f"**Not added:** {views.esc(error)}")
    return "  \n".join(lines) or "Nothing was added."


@dataclass
class DocumentsTab:
    """The tab and what a change of the index refreshes (``outputs`` with ``refreshed(admin)``)."""

    tab: gr.Tab
    outputs: list[gr.components.Component]
    refreshed: Any


def build_tab(state: AppState, sidebar: Sidebar) -> DocumentsTab:
    with gr.Tab("Documents", id="documents", visible=not state.auth.enabled) as tab:
        gr.Markdown("Documents in the index, with the metadata detected when they were read.")
        # With logins on, the page's config (which every user's browser fetches) holds no
        # catalogue: an admin's page fills it in on load.
        table = gr.Dataframe(
            headers=views.DOCUMENT_COLUMNS,
            value=[] if state.auth.enabled else views.document_rows(state.documents()),
            interactive=False, wrap=True, elem_id="documents-table", max_height=520,
            column_widths=["24%", "10%", "18%", "9%", "5%", "6%", "13%", "7%", "8%"],
            datatype=["str"] * len(views.DOCUMENT_COLUMNS))
        with gr.Row():
            with gr.Column():
                uploads = gr.File(
                    label=f"Add files ({', '.join(SUPPORTED_SUFFIXES)}; up to "
                          f"{state.settings.max_upload_mb:g} MB each)",
                    file_count="multiple", file_types=list(SUPPORTED_SUFFIXES),
                    type="filepath", elem_id="upload")
                ingest_button = gr.Button("Add to the index", variant="primary", elem_id="ingest-button")
                ingest_result = gr.Markdown(elem_id="ingest-result")
            with gr.Column():
                # Custom values pass the dropdown: remove() acts only on indexed paths.
                remove_choice = gr.Dropdown(label="Remove a file from the index",
                                            choices=[] if state.auth.enabled else state.file_choices(),
                                            value=None, allow_custom_value=True,
                                            elem_id="remove-choice")
                remove_button = gr.Button("Remove", variant="stop", elem_id="remove-button")
                remove_result = gr.Markdown(elem_id="remove-result")

    def refreshed(admin: bool):
        # gr.update keeps what the user has chosen; only the choices change. Only an admin's
        # page gets the documents and the files' server paths.
        return (views.document_rows(state.documents()) if admin else [],
                gr.update(choices=state.file_choices() if admin else []),
                gr.update(choices=state.committees()), gr.update(choices=state.meeting_choices()),
                gr.update(choices=state.meeting_choices()), gr.update(choices=state.doc_type_choices()))

    outputs = [table, remove_choice, *sidebar.choices]

    def require_admin(request: gr.Request | None):
        if not state.auth.is_admin(getattr(request, "username", None)):
            raise gr.Error("Only an administrator can add or remove documents.")

    @user_error
    def ingest_files(files, request: gr.Request, progress=gr.Progress()):
        require_admin(request)
        paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in files or []]
        if not paths:
            raise gr.Error("Choose one or more files to add first.")
        summary = ingest(state, paths, progress)
        return (ingest_message(summary), None, *refreshed(True))

    ingest_button.click(ingest_files, [uploads], [ingest_result, uploads, *outputs],
                        api_name="ingest", concurrency_limit=1, concurrency_id="write")

    @user_error
    def remove_file(path, request: gr.Request):
        require_admin(request)
        if not path:
            raise gr.Error("Choose a file to remove first.")
        return (remove(state, path), *refreshed(True))

    remove_button.click(remove_file, [remove_choice], [remove_result, *outputs],
                        api_name="remove", concurrency_limit=1, concurrency_id="write")
    return DocumentsTab(tab, outputs, refreshed)
