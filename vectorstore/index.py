"""The one facade over storage: the registry (truth, and the keyword index inside it) and Chroma
(dense).

Writers change the registry only (``replace_file``, ``remove_file``); ``sync`` then makes the
indexes agree with it. Because sync compares states instead of replaying steps, it can be
run any number of times and repairs whatever a kill left half-done. Searches read the derived
indexes but take texts and metadata from the registry, so a result never shows a chunk the
registry no longer holds.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import threading
import time
from dataclasses import asdict, dataclass, field
from collections.abc import Iterable
from typing import Any

import numpy as np
from tqdm import tqdm

from minutes_core import settings as settings_module
from ingest.models import Chunk, Document, LoadedFile
from vectorstore.chroma_store import ChromaStore, conditions, dense_metadata, metadata_matches, store_metadata
from vectorstore.dedup import find_duplicates, has_near_copy
from vectorstore.embedder import Embedder
from vectorstore.layout import DataLayout
from vectorstore.models import Filters, Passage
from vectorstore.records import RecordsStore
from vectorstore.registry import FileRecord, FileState, Registry, StoredChunk

log = logging.getLogger(__name__)

# Successive chunks of a section overlap (settings.chunk_overlap); document_text() removes
# repeats at least this long, so a chance match of a few characters is left alone.
_MIN_OVERLAP = 20
_MAX_OVERLAP = 2000
# Up to this many new documents are compared with the archive one by one before dedup runs whole.
_FEW_NEW_DOCUMENTS = 32


@dataclass
class SyncReport:
    """What one sync did. ``embedded`` counts vectors computed in this run (cache misses)."""

    embedded: int = 0
    added: int = 0
    updated: int = 0
    deleted: int = 0
    duplicates: int = 0
    keyword_added: int = 0
    keyword_removed: int = 0
    pruned: int = 0  # cached vectors no stored chunk uses any more, dropped
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
        if self.layout.bm25.is_dir():  # the keyword index now lives in the registry
            shutil.rmtree(self.layout.bm25, ignore_errors=True)
        self._chroma: ChromaStore | None = None
        self._lock = threading.Lock()  # guards the lazily opened Chroma
        # One sync at a time; searches do not wait for it (the registry and Chroma take their
        # own short locks), so a long embedding run does not stall the web UI.
        self._sync_lock = threading.Lock()
        # Cache key -> the files this Index stored holding its text: a text that a removed file
        # shares with another file stored since keeps its vector (a moved or renamed folder is
        # re-linked, not embedded again).
        self._holders: dict[str, set[str]] = {}

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
                     parser: str = "", stamp: str | None = None) -> None:
        """Store a file's documents and chunks in place of its old ones (one transaction).

        ``parser`` names the rules that produced them (``vectorstore.ingestion.parser_key``). Searches
        see the change after the next ``sync()``.
        """
        stale = self.registry.replace_file(loaded, documents, chunks, parser, stamp)
        path = str(loaded.path)
        for chunk in chunks:
            self._holders.setdefault(embedding_key(self.embedder.identity, chunk.index_text), set()).add(path)
        self._drop_vectors(stale, path)

    def _drop_vectors(self, texts: set[str], path: str) -> None:
        """Drop the cached vectors of the index texts ``path`` no longer holds, except those of
        texts another file stored by this Index holds (a file stored before it opened may
        still hold the same text: its vector is then computed again if ever needed, never wrong)."""
        drop = []
        for text in texts:
            key = embedding_key(self.embedder.identity, text)
            holders = self._holders.get(key)
            if holders:
                holders.discard(path)
            if not holders:
                self._holders.pop(key, None)  # a long-lived Index (the UI's watcher) keeps no dead keys
                drop.append(key)
        if drop:
            self.registry.drop_vectors(drop)

    def file_states(self) -> dict[str, FileState]:
        """path -> (checksum, stamp, parser) of every stored file, in one read."""
        return self.registry.file_states()

    def touch_file(self, path, stamp: str) -> None:
        """Record a new stamp for a stored file whose bytes did not change."""
        self.registry.touch_file(str(path), stamp)

    def remove_file(self, path) -> bool:
        """Forget a file; False if it was not stored. Its chunks leave the indexes at ``sync()``."""
        stale = self.registry.remove_file(str(path))
        if stale is None:
            return False
        self._drop_vectors(stale, str(path))
        return True

    # -- sync ----------------------------------------------------------------------------------
    def sync(self, progress: bool = False, dedup: bool = True) -> SyncReport:
        """Decide duplicates, then make Chroma and the keyword index hold exactly the indexed chunks.

        ``dedup=False`` keeps the last duplicate decisions (new documents count as canonical): an
        ingest's intermediate syncs skip the archive-wide comparison, and its last sync decides.

        Work in proportion to what changed: dedup runs when documents changed, and only chunk rows
        not yet in an index (or no longer wanted there) are read. Chroma is compared whole only
        when its count disagrees with what the registry recorded (a kill between a Chroma write
        and its record, a lost or emptied collection).
        """
        started = time.perf_counter()
        report = SyncReport()
        with self._sync_lock:
            registry = self.registry
            if dedup:
                self._dedup()
            report.duplicates = registry.count_duplicates()
            wanted = registry.indexed_rows()
            report.keyword_added, report.keyword_removed = self._sync_keyword(wanted)
            self._sync_dense(wanted, report, progress)
            # replace_file and remove_file drop the vectors of the texts a file no longer has; a
            # new model's first sync drops every vector of the old one (reading every text).
            if registry.meta_text("pruned") != self.embedder.identity:
                keep = {embedding_key(self.embedder.identity, text) for text in registry.index_texts()}
                report.pruned = registry.prune_vectors(keep)
                registry.set_counter("pruned", self.embedder.identity)
        report.seconds = round(time.perf_counter() - started, 3)
        log.info("sync: %s", report.to_dict())
        return report

    def _dedup(self) -> None:
        """Decide duplicates when something can have changed them.

        Comparing every document takes seconds on an archive, and adding a meeting rarely makes a
        duplicate: new documents are first compared with the others, and only when one of them
        has a near-copy (or a removed document had one) does the whole decision run again. The
        outcome is the same, since the decision only ever looks at near-copy pairs.
        """
        registry = self.registry
        threshold = self.settings.dedup_threshold
        new = registry.document_sketches(new_only=True)
        if not new and not registry.dedup_dirty():
            return
        everything = registry.document_sketches()
        # Compared one by one, a few dozen new documents cost what the whole decision costs.
        if registry.dedup_dirty() or len(new) > _FEW_NEW_DOCUMENTS or has_near_copy(new, everything, threshold):
            registry.set_duplicates(find_duplicates(everything, threshold))
        registry.mark_deduped()

    def _sync_keyword(self, wanted: dict[int, str]) -> tuple[int, int]:
        have = self.registry.keyword_rows()
        remove = [rowid for rowid in have if rowid not in wanted]
        add = [chunk for chunk in self.registry.chunks_by_rowid(r for r in wanted if r not in have)]
        self.registry.update_keyword(
            [(c.rowid, c.index_text, store_metadata(c.metadata)) for c in add], remove)
        return len(add), len(remove)

    def _sync_dense(self, wanted: dict[int, str], report: SyncReport, progress: bool) -> None:
        registry = self.registry
        if registry.meta_text("dense_reset"):  # written by an older version: refilled lean
            self.chroma.clear()
            registry.reset_dense()
            registry.set_counter("dense_reset", "")
        dense, removed = registry.dense_rows()
        wanted_ids = set(wanted.values())
        stored: dict[str, str] | None = None
        if self.chroma.count() != len(set(dense.values()) | set(removed)):
            log.warning("Chroma does not hold what the registry recorded: comparing it whole")
            registry.reset_dense()
            dense, removed = {}, []
            stored = self.chroma.sync_hashes()
            removed = [chunk_id for chunk_id in stored if chunk_id not in wanted_ids]
        cleared = [rowid for rowid in dense if rowid not in wanted]
        delete = sorted((set(removed) | {dense[rowid] for rowid in cleared}) - wanted_ids)
        self.chroma.delete(delete)
        registry.mark_dense([], cleared, removed)
        report.deleted = len(delete)
        todo = [rowid for rowid in wanted if rowid not in dense]
        step = max(self.settings.embedding_batch_size, 1) * 8
        with tqdm(total=len(todo), desc="Embedding", unit="chunk", disable=not progress or not todo) as bar:
            for start in range(0, len(todo), step):
                chunks = registry.chunks_by_rowid(todo[start:start + step])
                self._write_dense(chunks, stored, report)
                bar.update(len(chunks))

    def _write_dense(self, chunks: list[StoredChunk], stored: dict[str, str] | None,
                     report: SyncReport) -> None:
        """Embed what the cache lacks, then upsert what Chroma lacks, and record it."""
        keys = {c.rowid: embedding_key(self.embedder.identity, c.index_text) for c in chunks}
        metadata = {c.rowid: dense_metadata(c.metadata, keys[c.rowid]) for c in chunks}
        embed_started = time.perf_counter()
        fresh = self._embed_missing(chunks, keys)
        report.embed_seconds = round(report.embed_seconds + time.perf_counter() - embed_started, 3)
        report.embedded += len(fresh)
        report.embedded_files.update(c.metadata.get("path") or "" for c in chunks
                                     if keys[c.rowid] in fresh)
        upsert = [c for c in chunks
                  if stored is None or stored.get(c.id) != metadata[c.rowid]["sync_hash"]]
        if upsert:
            vectors = {**self.registry.vectors([keys[c.rowid] for c in upsert
                                                if keys[c.rowid] not in fresh]), **fresh}
            self.chroma.upsert(ids=[c.id for c in upsert],
                               vectors=np.stack([vectors[keys[c.rowid]] for c in upsert]),
                               metadatas=[metadata[c.rowid] for c in upsert])
            new = sum(1 for c in upsert if stored is None or c.id not in stored)
            report.added += new
            report.updated += len(upsert) - new
        self.registry.mark_dense([c.rowid for c in chunks], [], [])

    def _embed_missing(self, chunks: list[StoredChunk], keys: dict[int, str]) -> dict[str, np.ndarray]:
        """Embed the texts whose vectors are not cached, committing each batch to the cache;
        returns the vectors computed (key -> float32 vector)."""
        cached = self.registry.cached_keys(keys.values())
        todo: dict[str, str] = {}
        for chunk in chunks:
            key = keys[chunk.rowid]
            if key not in cached:
                todo.setdefault(key, chunk.index_text)
        if not todo:
            return {}
        # Longest first: batches of similar lengths waste less padding.
        items = sorted(todo.items(), key=lambda item: len(item[1]), reverse=True)
        batch = self.settings.embedding_batch_size
        bounds = [*range(0, len(items), batch), len(items)]
        if len(bounds) > 2 and bounds[-1] - bounds[-2] < batch:
            # A short last batch joins the one before: fewer texts than a batch are embedded as a
            # question is, on ``query_threads`` (``Embedder.threads_for``), which idles a core.
            del bounds[-2]
        started = time.perf_counter()
        fresh: dict[str, np.ndarray] = {}
        for start, end in zip(bounds, bounds[1:]):
            part = items[start:end]
            vectors = self.embedder.embed_documents([text for _, text in part])
            self.registry.put_vectors([(key, vector) for (key, _), vector in zip(part, vectors)])
            fresh.update((key, np.asarray(vector, dtype=np.float32)) for (key, _), vector in zip(part, vectors))
        seconds = time.perf_counter() - started
        log.info("embedded %d chunks in %.1f s (%.1f chunks/s)", len(items), seconds,
                 len(items) / seconds if seconds else 0.0)
        return fresh

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

    def _dense_hits(self, query: str, filters: Filters | None, k: int) -> list[tuple[str, float]]:
        """(chunk id, 1 - cosine distance) of the k chunks nearest the query, nearest first."""
        vector = self.embedder.embed_query(query)
        return [(chunk_id, 1.0 - distance) for chunk_id, distance in self.chroma.query(vector, filters, k)]

    def dense_search(self, query: str, filters: Filters | None = None, k: int = 5) -> list[Passage]:
        """The k chunks nearest the query by cosine similarity (score = 1 - cosine distance)."""
        return self._passages(self._dense_hits(query, filters, k), "dense")

    def dense_rankings(self, query: str, filters: Filters | None, k: int, scope: Filters,
                       scope_k: int, pool: int) -> tuple[list[Passage], list[Passage]]:
        """The k nearest chunks under ``filters``, and the ``scope_k`` nearest of those in ``scope``
        among the ``pool`` nearest: one vector search for both.

        Chroma's filtered queries cost several times an unfiltered one on a large archive (a
        metadata pre-filter before the graph search); the pool of an unfiltered one, narrowed by
        the filter fields the keyword index keeps, costs a few milliseconds.
        """
        hits = self._dense_hits(query, filters, max(k, pool))
        inside = self.registry.ids_matching([chunk_id for chunk_id, _ in hits], conditions(scope))
        scoped = [hit for hit in hits if hit[0] in inside][:scope_k]
        read = {p.id: p for p in self._passages(list(dict.fromkeys(hits[:k] + scoped)), "dense")}  # one read
        return ([read[i] for i, _ in hits[:k] if i in read], [read[i] for i, _ in scoped if i in read])

    def keyword_search(self, query: str, filters: Filters | None = None, k: int = 5) -> list[Passage]:
        """The k best BM25 matches (score = BM25 score); chunks sharing no word are left out.

        Filters restrict the chunks scored, so a selective filter still finds its k best."""
        return self._passages(self.registry.keyword_search(query, k, conditions(filters)), "bm25")

    def get_passages(self, ids: list[str]) -> list[Passage]:
        """Passages for chunk ids, in the order given; unknown ids are skipped."""
        stored = self.registry.chunks_by_id(ids)
        return [Passage.from_chunk(i, stored[i].text, stored[i].metadata)
                for i in dict.fromkeys(ids) if i in stored]

    def passages_of_files(self, paths: Iterable[str]) -> list[Passage]:
        """Every indexed passage of the files at ``paths``, in file order (citing a records row by
        the chunk that holds its lines reads those files' chunks only)."""
        return [Passage.from_chunk(chunk.id, chunk.text, chunk.metadata)
                for chunk in self.registry.indexed_chunks(paths)]

    def passages_where(self, filters: Filters, limit: int = 10000) -> list[Passage]:
        """Indexed passages matching the filters, in file order, unranked (for records and lists).

        With ``filters.source`` only that file's chunks are read (the viewer and the answer's
        neighbouring chunk ask per file; a large archive must not be scanned for them)."""
        out = []
        paths = None if filters.source is None else self.registry.paths_of_source(filters.source)
        for chunk in self.registry.indexed_chunks(paths):
            if metadata_matches(store_metadata(chunk.metadata), filters):
                out.append(Passage.from_chunk(chunk.id, chunk.text, chunk.metadata))
                if len(out) >= limit:
                    break
        return out

    def neighbour(self, passage: Passage, offset: int, decisions_only: bool = False) -> Passage | None:
        """The chunk ``offset`` places from ``passage`` in its document (the next one at +1), or
        None: a sentence or an answer cut by a chunk boundary goes on there. Only the passage's
        file is read (``passages_where``)."""
        doc_id, position = passage.metadata.get("doc_id"), passage.metadata.get("chunk_index")
        if doc_id is None or position is None or not passage.source or int(position) + offset < 0:
            return None
        wanted = int(position) + offset
        for other in self.passages_where(Filters(source=passage.source, decisions_only=decisions_only)):
            if other.metadata.get("doc_id") == doc_id and other.metadata.get("chunk_index") is not None \
                    and int(other.metadata["chunk_index"]) == wanted:
                return other
        return None

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
