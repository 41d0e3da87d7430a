"""Where the assistant is put together: index, embedder, retriever, backends, committee names.

Composition in one visible place, so that the CLI, the web UI and the eval runner build the same
thing and a test can swap any part (a fake index, the eval's naive retriever).
"""

from __future__ import annotations

import functools
import logging

from assistant.answering import Assistant
from assistant.backends.extractive import CachingEmbedder, ExtractiveBackend
from assistant.records_route import PassageRecords
from assistant.retrieval import HybridRetriever
from ingest.committees import committee_aliases, known_committees, spell_out_abbreviations
from minutes_core.settings import Settings
from vectorstore.embedder import Embedder
from vectorstore.index import Index

log = logging.getLogger(__name__)


def build_assistant(settings: Settings | None = None, index=None, retriever=None) -> Assistant:
    """An Assistant over ``index`` (default: the Index in ``settings.data_dir``).

    ``retriever`` replaces the hybrid retriever (any object with ``retrieve(query, filters, k)``);
    without an index, the retriever's ``index`` attribute, if any, supplies the meetings and
    committees for filter parsing. The index's embedder is wrapped in a CachingEmbedder so that
    the query embedded by dense search is reused by the extractive backend.
    """
    settings = settings or Settings.load()
    retriever_given = retriever is not None
    if index is None and retriever is None:
        index = Index(settings, embedder=CachingEmbedder(Embedder(settings)))
    if index is None:
        index = getattr(retriever, "index", None)
    embedder = getattr(index, "embedder", None) if index is not None else None
    if embedder is None:
        embedder = Embedder(settings)
    if not isinstance(embedder, CachingEmbedder):
        embedder = CachingEmbedder(embedder)
        if index is not None and hasattr(index, "embedder"):
            index.embedder = embedder
    if retriever is None:
        retriever = HybridRetriever(index, settings)
    names, aliases_of = _committee_names(getattr(settings, "committee_aliases_file", ""))
    # Structured records answer list questions, unless a custom retriever is being measured
    # (the eval's naive baseline must not borrow our structure).
    records = None
    if retriever_given is False and hasattr(index, "open_records"):
        store = index.open_records(missing_ok=False)
        records = PassageRecords(store, index) if store is not None else None
    return Assistant(
        settings,
        retriever,
        ExtractiveBackend(settings, embedder, index),
        catalog=index.stats if index is not None else None,
        committee_names=names,
        aliases_of=aliases_of,
        records=records,
        spell_out=functools.partial(spell_out_abbreviations,
                                    aliases_file=getattr(settings, "committee_aliases_file", "")),
    )


def _committee_names(aliases_file: str):
    """Canonical committee names and their aliases from ingest's alias file (if it is readable)."""
    try:
        names = sorted(set(known_committees(aliases_file).values()))
        return names, functools.partial(committee_aliases, aliases_file=aliases_file)
    except (OSError, ValueError):
        log.warning("committee aliases unavailable; committees are matched by indexed names only",
                    exc_info=True)
        return [], None
