"""The document viewer shared by the Ask and Decisions tabs: a whole indexed document with the
cited passage marked, and the script that scrolls to it once drawn.
"""

from __future__ import annotations

from typing import Any

from minutes_app.ui import views
from minutes_app.ui.state import AppState
from vectorstore.models import Filters


def document_viewer(state: AppState, passage: dict[str, Any] | None, fragments: list[str]) -> str:
    """The viewer's HTML: the indexed document holding ``passage``, scrolled to it.

    The document is the one the passage's chunk belongs to, or, for a passage that is not a
    chunk (a records row), the document of the same file whose text contains it. Documents
    come from the index only; nothing here reads a path the browser sent.
    """
    if not passage:
        return views.message_html("This passage is not part of the conversation.")
    found = state.index.get_passages([passage["id"]]) if passage.get("id") else []
    doc_id = found[0].metadata.get("doc_id") if found else None
    candidates = [d for d in state.documents() if d.get("source") == passage.get("source")]
    candidates.sort(key=lambda d: d.get("doc_id") != doc_id)
    for document in candidates:
        text = state.index.document_text(document["doc_id"])
        if document.get("doc_id") == doc_id or views.find_flexible(text, passage.get("text") or ""):
            return views.viewer_html(document, text, passage, fragments,
                                     page_starts(state, document, text))
    return views.message_html("This document is no longer in the index.")


def page_starts(state: AppState, document: dict[str, Any], text: str) -> list[tuple[int, int]]:
    """Where each page begins in the document text, from its chunks' page numbers."""
    chunks = [p for p in state.index.passages_where(Filters(source=document["source"]))
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


def scroll_to_passage_js(viewer_id: str) -> str:
    """JS run after a viewer is filled: scroll its text to the cited passage (once it is drawn)."""
    return views.static_text("scroll_to_passage.js").replace("__VIEWER_ID__", viewer_id)
