"""The dense index: a Chroma collection of chunk vectors, on disk or on a Chroma server.

Chroma never embeds anything itself (its default embedding function would try to download a
model): the collection is created with ``embedding_function=None`` and every vector is passed in.
Chroma holds a chunk's vector, the few fields searches filter on (``FILTER_FIELDS``) and
``sync_hash``, which lets ``Index.sync`` tell a stale vector from a current one without reading it
back; no text and no other metadata: searches take those from the registry, and a copy here
took most of the data directory (documents, their full-text index, ~25 metadata rows a chunk).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import warnings
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from minutes_core import settings as settings_module
from vectorstore.layout import DataLayout
from vectorstore.models import Filters

log = logging.getLogger(__name__)

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# Rows read back per call when listing the collection.
_PAGE = 5000
# How many candidates HNSW explores per query. With Chroma's default (100) the neighbours past
# the first ten or so varied from one process to the next: below its sync threshold Chroma
# rebuilds the graph on load, and approximate search over a different graph finds different
# neighbours. Rankings must be repeatable (the eval suite compares runs), and exploring 400 costs
# well under a millisecond at the size of a council's records.
SEARCH_EF = 400


def date_number(date: str | None) -> int | None:
    """``YYYY-MM-DD`` as the int YYYYMMDD (Chroma compares numbers, not strings); None if not a date."""
    match = _DATE.match(date or "")
    return int("".join(match.groups())) if match else None


def store_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """Chunk metadata as Chroma stores it: no None values, scalars only, plus the filter fields."""
    out: dict[str, Any] = {}
    for key, value in metadata.items():
        if value is None:
            continue
        out[key] = value if isinstance(value, (str, int, float, bool)) else json.dumps(value)
    if metadata.get("committee"):
        out["committee_lc"] = str(metadata["committee"]).lower()
    meeting_ts = date_number(metadata.get("meeting_date"))
    if meeting_ts is not None:
        out["meeting_ts"] = meeting_ts
    return out


# The store_metadata() fields the filters test (see conditions): all Chroma keeps of a chunk's metadata.
FILTER_FIELDS = ("committee_lc", "meeting_ts", "doc_type", "is_decision", "source")


def dense_metadata(metadata: dict[str, Any], embedding_key: str) -> dict[str, Any]:
    """What Chroma stores with a chunk's vector: its filter fields and their sync_hash."""
    shaped = store_metadata(metadata)
    out = {name: shaped[name] for name in FILTER_FIELDS if name in shaped}
    out["sync_hash"] = sync_hash(embedding_key, out)
    return out


def conditions(filters: Filters | None) -> list[tuple[str, str, Any]]:
    """Filters as (field, operator, value) on store_metadata() fields: one list for both the
    Chroma ``where`` clause and the Python test, so dense and keyword search filter alike."""
    if filters is None:
        return []
    out: list[tuple[str, str, Any]] = []
    if filters.committee:
        out.append(("committee_lc", "$eq", filters.committee.strip().lower()))
    for bound, operator in ((filters.date_from, "$gte"), (filters.date_to, "$lte")):
        if bound:
            number = date_number(bound)
            if number is None:
                raise ValueError(f"Date filter {bound!r} is not a YYYY-MM-DD date.")
            out.append(("meeting_ts", operator, number))
    if filters.doc_type:
        out.append(("doc_type", "$eq", filters.doc_type))
    if filters.decisions_only:
        out.append(("is_decision", "$eq", True))
    if filters.source:
        out.append(("source", "$eq", filters.source))
    return out


def where_clause(filters: Filters | None) -> dict[str, Any] | None:
    """The Chroma ``where`` for filters; None when nothing is filtered."""
    parts = [{name: {operator: value}} for name, operator, value in conditions(filters)]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


def metadata_matches(metadata: dict[str, Any], filters: Filters | None) -> bool:
    """The same test as where_clause(), in Python, on store_metadata() output."""
    for name, operator, value in conditions(filters):
        actual = metadata.get(name)
        if actual is None:
            return False
        if operator == "$eq" and actual != value:
            return False
        if operator == "$gte" and actual < value:
            return False
        if operator == "$lte" and actual > value:
            return False
    return True


def sync_hash(embedding_key: str, metadata: dict[str, Any]) -> str:
    """Changes whenever the stored vector or metadata of a chunk would change."""
    payload = json.dumps([embedding_key, metadata], sort_keys=True)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def make_client(settings: settings_module.Settings) -> chromadb.ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if settings.chroma_mode == "http":
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                   settings=chroma_settings)
    path = DataLayout.of(settings).chroma
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class ChromaStore:
    """One collection of chunk vectors, tied to the embedder that made them.

    The collection records the embedder's identity; opened with a different one (the user
    changed the model), it is emptied, because vectors of two models cannot be compared.
    """

    def __init__(self, settings: settings_module.Settings, embedder_identity: str):
        self.client = make_client(settings)
        self.name = settings.collection
        self.identity = embedder_identity
        self.batch_size = self.client.get_max_batch_size()
        self.collection = self._open()

    def _open(self):
        metadata = {"embedder": self.identity}
        configuration = {"hnsw": {"space": "cosine", "ef_search": SEARCH_EF}}
        collection = self.client.get_or_create_collection(
            self.name, embedding_function=None, metadata=metadata, configuration=configuration)
        recorded = (collection.metadata or {}).get("embedder")
        if recorded != self.identity:
            log.warning("Chroma collection %s holds vectors of %s, not %s: emptying it; the next "
                        "sync re-fills it", self.name, recorded, self.identity)
            self.client.delete_collection(self.name)
            collection = self.client.get_or_create_collection(
                self.name, embedding_function=None, metadata=metadata, configuration=configuration)
        with warnings.catch_warnings():  # Chroma warns about its own legacy config on reading
            warnings.simplefilter("ignore", DeprecationWarning)
            hnsw = (collection.configuration or {}).get("hnsw") or {}
        if hnsw.get("ef_search") != SEARCH_EF:  # a collection made before this setting
            collection.modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})
        return collection

    def clear(self) -> None:
        """Empty the collection (a data directory written by an older version kept texts and
        every metadata field here; upserts would keep them, so it is emptied and refilled)."""
        self.client.delete_collection(self.name)
        self.collection = self._open()

    def count(self) -> int:
        return self.collection.count()

    def sync_hashes(self) -> dict[str, str]:
        """Every stored id with its sync_hash ("" when missing)."""
        out: dict[str, str] = {}
        offset = 0
        while True:
            page = self.collection.get(include=["metadatas"], limit=_PAGE, offset=offset)
            for chunk_id, metadata in zip(page["ids"], page["metadatas"]):
                out[chunk_id] = (metadata or {}).get("sync_hash", "")
            if len(page["ids"]) < _PAGE:
                return out
            offset += _PAGE

    def upsert(self, ids: list[str], vectors: np.ndarray, metadatas: list[dict[str, Any]]) -> None:
        for start in range(0, len(ids), self.batch_size):
            end = start + self.batch_size
            self.collection.upsert(ids=ids[start:end], embeddings=vectors[start:end],
                                   metadatas=metadatas[start:end])

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), self.batch_size):
            self.collection.delete(ids=ids[start:start + self.batch_size])

    def query(self, vector: np.ndarray, filters: Filters | None, k: int) -> list[tuple[str, float]]:
        """The k nearest chunk ids with their cosine distance, nearest first."""
        if k <= 0:
            return []
        result = self.collection.query(query_embeddings=[vector], n_results=k,
                                       where=where_clause(filters), include=["distances"])
        return list(zip(result["ids"][0], result["distances"][0]))
