"""The one facade over storage: the registry (truth), Chroma (dense) and BM25 (keyword).

Writers change the registry only (``replace_file``, ``remove_file``); ``sync`` then makes the two
derived indexes agree with it. Because sync compares states instead of replaying steps, it can be
run any number of times and repairs whatever a kill left half-done. Searches read the derived
indexes but take texts and metadata from the registry, so a result never shows a chunk the
registry no longer holds.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

import numpy as np
from tqdm import tqdm

from minutes_core import settings as settings_module
from ingest.models import Chunk, Document, LoadedFile
from vectorstore.bm25_store import BM25Store, fingerprint
from vectorstore.chroma_store import ChromaStore, metadata_matches, store_metadata, sync_hash
from vectorstore.dedup import find_duplicates
from vectorstore.embedder import Embedder
from vectorstore.layout import DataLayout
from vectorstore.models import Filters, Passage
from vectorstore.records import RecordsStore
from vectorstore.registry import FileRecord, Registry, StoredChunk

log = logging.getLogger(__name__)

# Successive chunks of a section overlap (settings.chunk_overlap); document_text() removes
# repeats at least this long, so a chance match of a few characters is left alone.
_MIN_OVERLAP = 20
_MAX_OVERLAP = 2000


@dataclass
class SyncReport:
    """What one sync did. ``embedded`` counts vectors computed in this run (cache misses)."""

    embedded: int = 0
    added: int = 0
    updated: int = 0
    deleted: int = 0
    duplicates: int = 0
    bm25_rebuilt: bool = False
    seconds: float = 0.0
    embed_seconds: float = 0.0  # the part of ``seconds`` spent computing vectors
    embedded_files: set[str] = field(default_factory=set)  # paths of the chunks embedded

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["embedded_files"] = len(self.embedded_files)
        return out


def embedding_key(identity: str, index_text: str) -> str:
    """Cache key of a vector: the same text under the same embedder is never embedded twice."""
    return hashlib.sha1(f"{identity}\x1f{index_text}".encode("utf-8")).hexdigest()


class Index:
    """Stored files, documents and chunks, and dense and keyword search over the indexed ones.

    ``embedder`` is anything with the Embedder interface (``identity``, ``embed_documents``,
    ``embed_query``); the default loads the configured model on first use. Chroma is opened on
    first use too, so ``stats()`` needs neither the model nor a Chroma server.
    """

    def __init__(self, settings: settings_module.Settings, embedder: Embedder | None = None):
        self.settings = settings
        self.embedder = embedder or Embedder(settings)
        self.layout = DataLayout.of(settings)
        self.layout.root.mkdir(parents=True, exist_ok=True)
        self.registry = Registry(self.layout.registry)
        self.bm25 = BM25Store(self.layout.bm25)
        self._chroma: ChromaStore | None = None
        self._lock = threading.Lock()  # guards the lazily opened Chroma and the BM25 metadata cache
        # One sync at a time; searches do not wait for it (the registry and Chroma take their
        # own short locks), so a long embedding run does not stall the web UI.
        self._sync_lock = threading.Lock()
        self._bm25_metadata: tuple[str | None, list[dict[str, Any]]] = (None, [])

    @property
    def chroma(self) -> ChromaStore:
        with self._lock:
            if self._chroma is None:
                self._chroma = ChromaStore(self.settings, self.embedder.identity)
            return self._chroma

    def open_records(self, missing_ok: bool = True) -> RecordsStore | None:
        """The records store of this data directory, opened for the caller (who closes it).

        With ``missing_ok=False``, None when nothing was ever ingested here (no store file).
        """
        if not missing_ok and not self.layout.records.exists():
            return None
        return RecordsStore(self.layout.records)

    # -- files ---------------------------------------------------------------------------------
    def file_record(self, path) -> FileRecord | None:
        records = self.registry.files(str(path))
        return records[0] if records else None

    def files(self) -> list[FileRecord]:
        return self.registry.files()

    def replace_file(self, loaded: LoadedFile, documents: list[Document], chunks: list[Chunk],
                     parser: str = "") -> None:
        """Store a file's documents and chunks in place of its old ones (one transaction).

        ``parser`` names the rules that produced them (``vectorstore.ingestion.parser_key``). Searches
        see the change after the next ``sync()``.
        """
        self.registry.replace_file(loaded, documents, chunks, parser)

    def remove_file(self, path) -> bool:
        """Forget a file; False if it was not stored. Its chunks leave the indexes at ``sync()``."""
        return self.registry.remove_file(str(path))

    # -- sync ----------------------------------------------------------------------------------
    def sync(self, progress: bool = False) -> SyncReport:
        """Decide duplicates, then make Chroma and BM25 hold exactly the indexed chunks."""
        started = time.perf_counter()
        report = SyncReport()
        with self._sync_lock:
            duplicate_of = find_duplicates(self.registry.document_sketches(),
                                           self.settings.dedup_threshold)
            self.registry.set_duplicates(duplicate_of)
            report.duplicates = len(duplicate_of)
            wanted = self.registry.indexed_chunks()
            keys = {c.id: embedding_key(self.embedder.identity, c.index_text) for c in wanted}
            embed_started = time.perf_counter()
            report.embedded, report.embedded_files = self._embed_missing(wanted, keys, progress)
            report.embed_seconds = round(time.perf_counter() - embed_started, 3)
            report.added, report.updated, report.deleted = self._sync_chroma(wanted, keys)
            chunk_set = fingerprint((c.id, c.index_text) for c in wanted)
            if self.bm25.fingerprint != chunk_set:
                self.bm25.build([c.id for c in wanted], [c.index_text for c in wanted], chunk_set)
                report.bm25_rebuilt = True
            keep = {embedding_key(self.embedder.identity, text) for text in self.registry.all_index_texts()}
            pruned = self.registry.prune_vectors(keep)
        report.seconds = round(time.perf_counter() - started, 3)
        log.info("sync: %s (%d cached vectors dropped)", report.to_dict(), pruned)
        return report

    def _embed_missing(self, wanted: list[StoredChunk], keys: dict[str, str],
                       progress: bool) -> tuple[int, set[str]]:
        """Embed the texts whose vectors are not cached, committing each batch to the cache.

        Returns how many texts were embedded and the paths of the files whose chunks needed them.
        """
        cached = self.registry.cached_keys(keys.values())
        todo: dict[str, str] = {}
        files: set[str] = set()
        for chunk in wanted:
            key = keys[chunk.id]
            if key not in cached:
                todo.setdefault(key, chunk.index_text)
                files.add(chunk.metadata.get("path") or "")
        if not todo:
            return 0, set()
        # Longest first: batches of similar lengths waste less padding.
        items = sorted(todo.items(), key=lambda item: len(item[1]), reverse=True)
        batch = self.settings.embedding_batch_size
        started = time.perf_counter()
        with tqdm(total=len(items), desc="Embedding", unit="chunk", disable=not progress) as bar:
            for start in range(0, len(items), batch):
                part = items[start:start + batch]
                vectors = self.embedder.embed_documents([text for _, text in part])
                self.registry.put_vectors([(key, vector) for (key, _), vector in zip(part, vectors)])
                bar.update(len(part))
        seconds = time.perf_counter() - started
        log.info("embedded %d chunks in %.1f s (%.1f chunks/s)", len(items), seconds,
                 len(items) / seconds if seconds else 0.0)
        return len(items), files

    def _sync_chroma(self, wanted: list[StoredChunk], keys: dict[str, str]) -> tuple[int, int, int]:
        stored = self.chroma.sync_hashes()
        wanted_ids = {c.id for c in wanted}
        extra = [chunk_id for chunk_id in stored if chunk_id not in wanted_ids]
        self.chroma.delete(extra)
        changed: list[tuple[StoredChunk, dict[str, Any]]] = []
        for chunk in wanted:
            metadata = store_metadata(chunk.metadata)
            metadata["sync_hash"] = sync_hash(keys[chunk.id], chunk.text, metadata)
            if stored.get(chunk.id) != metadata["sync_hash"]:
                changed.append((chunk, metadata))
        step = self.chroma.batch_size
        for start in range(0, len(changed), step):
            part = changed[start:start + step]
            vectors = self.registry.vectors([keys[chunk.id] for chunk, _ in part])
            self.chroma.upsert(
                ids=[chunk.id for chunk, _ in part],
                vectors=np.stack([vectors[keys[chunk.id]] for chunk, _ in part]),
                texts=[chunk.text for chunk, _ in part],
                metadatas=[metadata for _, metadata in part],
            )
        added = sum(1 for chunk, _ in changed if chunk.id not in stored)
        return added, len(changed) - added, len(extra)

    # -- search --------------------------------------------------------------------------------
    def _passages(self, hits: list[tuple[str, float]], kind: str) -> list[Passage]:
        """Passages for (id, score) hits, dropping chunks the registry no longer indexes."""
        stored = self.registry.chunks_by_id(chunk_id for chunk_id, _ in hits)
        return [
            Passage.from_chunk(chunk_id, stored[chunk_id].text, stored[chunk_id].metadata,
                               score, **{kind: score})
            for chunk_id, score in hits
            if chunk_id in stored and stored[chunk_id].indexed
        ]

    def dense_search(self, query: str, filters: Filters | None = None, k: int = 5) -> list[Passage]:
        """The k chunks nearest the query by cosine similarity (score = 1 - cosine distance)."""
        vector = self.embedder.embed_query(query)
        hits = self.chroma.query(vector, filters, k)
        return self._passages([(chunk_id, 1.0 - distance) for chunk_id, distance in hits], "dense")

    def keyword_search(self, query: str, filters: Filters | None = None, k: int = 5) -> list[Passage]:
        """The k best BM25 matches (score = BM25 score); chunks sharing no word are left out."""
        weights = None if filters is None or filters.is_empty() else partial(self._bm25_weights, filters)
        return self._passages(self.bm25.search(query, k, weights), "bm25")

    def _bm25_weights(self, filters: Filters, live: str, ids: list[str]) -> np.ndarray:
        """1.0 for the BM25 index's chunks that pass the filters, 0.0 for the others."""
        metadata = self._bm25_metadata_for(live, ids)
        return np.fromiter((metadata_matches(m, filters) for m in metadata), dtype=np.float32,
                           count=len(ids))

    def _bm25_metadata_for(self, live: str, ids: list[str]) -> list[dict[str, Any]]:
        """Filterable metadata of a BM25 index's chunks in its order (cached per index build)."""
        with self._lock:
            if self._bm25_metadata[0] != live:
                stored = self.registry.chunks_by_id(ids)
                self._bm25_metadata = (live, [
                    store_metadata(stored[i].metadata) if i in stored else {} for i in ids])
            return self._bm25_metadata[1]

    def get_passages(self, ids: list[str]) -> list[Passage]:
        """Passages for chunk ids, in the order given; unknown ids are skipped."""
        stored = self.registry.chunks_by_id(ids)
        return [Passage.from_chunk(i, stored[i].text, stored[i].metadata)
                for i in dict.fromkeys(ids) if i in stored]

    def passages_where(self, filters: Filters, limit: int = 10000) -> list[Passage]:
        """Indexed passages matching the filters, in file order, unranked (for records and lists)."""
        out = []
        for chunk in self.registry.indexed_chunks():
            if metadata_matches(store_metadata(chunk.metadata), filters):
                out.append(Passage.from_chunk(chunk.id, chunk.text, chunk.metadata))
                if len(out) >= limit:
                    break
        return out

    # -- documents and stats -------------------------------------------------------------------
    def documents(self) -> list[dict[str, Any]]:
        """Every stored document: Document.to_dict() plus n_chunks, duplicate_of, alternates."""
        return self.registry.documents()

    def document_text(self, doc_id: str) -> str:
        """A document's text from its chunks in order, with the overlap between chunks removed."""
        text = ""
        for piece in self.registry.document_chunk_texts(doc_id):
            overlap = _overlap(text, piece)
            if overlap:
                text += piece[overlap:]
            else:
                text = f"{text}\n\n{piece}" if text else piece
        return text

    def stats(self) -> dict[str, Any]:
        """The contract's ``stats --json``: files, documents, chunks, committees, meetings."""
        return self.registry.stats()

    def close(self) -> None:
        """Release the database; Chroma persists on every write and needs no closing."""
        self.registry.close()
        self._chroma = None


def _overlap(before: str, after: str) -> int:
    """Length of the longest end of ``before`` that starts ``after`` (0 if under _MIN_OVERLAP)."""
    longest = min(len(before), len(after), _MAX_OVERLAP)
    for size in range(longest, _MIN_OVERLAP - 1, -1):
        if before.endswith(after[:size]):
            return size
    return 0
