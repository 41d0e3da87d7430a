"""The registry: a SQLite database of ingested files, their documents and chunks, and cached vectors.

It is the source of truth. Chroma and BM25 are indexes derived from it, which ``Index.sync``
rebuilds or repairs, so the registry only ever changes in whole transactions: a kill at any
moment leaves either the old state or the new one. WAL mode lets searches read while an ingest
writes (also from another process).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from ingest.models import Chunk, Document, LoadedFile
from vectorstore.dedup import DocumentKey, DocumentSketch

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    checksum TEXT NOT NULL,
    size INTEGER NOT NULL,
    ingested_at TEXT NOT NULL,
    parser TEXT NOT NULL DEFAULT ''  -- vectorstore.ingestion.parser_key() the file was parsed with
);
CREATE TABLE IF NOT EXISTS documents (
    path TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    doc_id TEXT NOT NULL,
    data TEXT NOT NULL,              -- Document.to_dict() as JSON
    fingerprint TEXT NOT NULL,       -- JSON list of ints (vectorstore.dedup.sketch)
    indexable INTEGER NOT NULL,
    duplicate_of TEXT,               -- doc_id of the canonical copy, decided by sync()
    alternates TEXT NOT NULL DEFAULT '[]',  -- JSON list of the duplicates' sources
    PRIMARY KEY (path, ordinal)
);
CREATE INDEX IF NOT EXISTS documents_doc_id ON documents (doc_id);
CREATE TABLE IF NOT EXISTS chunks (
    path TEXT NOT NULL,
    id TEXT NOT NULL,
    doc_ordinal INTEGER,
    ordinal INTEGER NOT NULL,        -- position in the file's chunk list
    text TEXT NOT NULL,
    index_text TEXT NOT NULL,
    metadata TEXT NOT NULL,          -- JSON
    PRIMARY KEY (path, id)
);
CREATE INDEX IF NOT EXISTS chunks_id ON chunks (id);
CREATE INDEX IF NOT EXISTS chunks_document ON chunks (path, doc_ordinal);
CREATE TABLE IF NOT EXISTS embeddings (
    key TEXT PRIMARY KEY,            -- sha1(embedder identity + "\\x1f" + index_text)
    vector BLOB NOT NULL             -- float32
);
"""

# A chunk is indexed when its document is indexable and not a duplicate (or it has no document).
_INDEXED = "(d.path IS NULL OR (d.indexable = 1 AND d.duplicate_of IS NULL))"
_CHUNK_JOIN = "chunks c LEFT JOIN documents d ON d.path = c.path AND d.ordinal = c.doc_ordinal"


@dataclass
class FileRecord:
    """What the registry knows of an ingested file."""

    path: str
    source: str
    checksum: str
    size: int
    n_documents: int
    n_chunks: int
    ingested_at: str = ""
    parser: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class StoredChunk:
    """A chunk as the registry holds it; ``metadata`` includes ``alternates`` when its document
    has duplicates elsewhere (a ";"-joined string, as Chroma metadata must be scalar)."""

    id: str
    text: str
    index_text: str
    metadata: dict[str, Any]
    indexed: bool


class Registry:
    """Files, documents, chunks and the embedding cache in ``<data_dir>/registry.sqlite``."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        # Autocommit mode: transactions are opened explicitly by _transaction().
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None,
                                   timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable against process crashes in WAL mode; only a power cut can lose
        # the last commits, and never consistency.
        self._db.execute("PRAGMA synchronous=NORMAL")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            raise RuntimeError(
                f"The records database {path} has schema version {version}; this version of the "
                f"tool reads version {SCHEMA_VERSION}. Ingest into a new data directory."
            )
        with self._lock:  # executescript commits as it goes; every statement is idempotent
            self._db.executescript(_SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(files)")}
            if "parser" not in columns:  # a registry written before files recorded their parser
                self._db.execute("ALTER TABLE files ADD COLUMN parser TEXT NOT NULL DEFAULT ''")
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cursor = self._db.execute(sql, tuple(params))
            return cursor.fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- files ---------------------------------------------------------------------------------
    def replace_file(self, loaded: LoadedFile, documents: list[Document], chunks: list[Chunk],
                     parser: str = "") -> None:
        """Swap the file's documents and chunks for new ones, in one transaction.

        ``parser`` names the rules and settings that produced them (``vectorstore.ingestion.parser_key``).
        """
        path = str(loaded.path)
        ids = [chunk.id for chunk in chunks]
        if len(set(ids)) != len(ids):
            raise ValueError(f"Two chunks of {path} have the same id (same document, index and text).")
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._transaction() as db:
            self._delete_file(db, path)
            db.execute(
                "INSERT INTO files (path, source, checksum, size, ingested_at, parser)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (path, loaded.source, loaded.checksum, loaded.size_bytes, now, parser),
            )
            db.executemany(
                "INSERT INTO documents (path, ordinal, doc_id, data, fingerprint, indexable)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(path, d.ordinal, d.doc_id, json.dumps(d.to_dict()), json.dumps(list(d.fingerprint)),
                  int(d.indexable)) for d in documents],
            )
            db.executemany(
                "INSERT INTO chunks (path, id, doc_ordinal, ordinal, text, index_text, metadata)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(path, c.id, c.metadata.get("doc_ordinal"), n, c.text, c.index_text,
                  json.dumps(c.metadata)) for n, c in enumerate(chunks)],
            )
        log.debug("stored %s: %d documents, %d chunks", path, len(documents), len(chunks))

    def remove_file(self, path: str) -> bool:
        with self._transaction() as db:
            removed = self._delete_file(db, str(path))
        log.debug("removed %s: %s", path, "done" if removed else "was not stored")
        return removed

    @staticmethod
    def _delete_file(db: sqlite3.Connection, path: str) -> bool:
        db.execute("DELETE FROM chunks WHERE path = ?", (path,))
        db.execute("DELETE FROM documents WHERE path = ?", (path,))
        return db.execute("DELETE FROM files WHERE path = ?", (path,)).rowcount > 0

    def files(self, path: str | None = None) -> list[FileRecord]:
        where = "WHERE f.path = ?" if path is not None else ""
        rows = self._query(
            "SELECT f.path, f.source, f.checksum, f.size, f.ingested_at, f.parser,"
            " (SELECT COUNT(*) FROM documents d WHERE d.path = f.path),"
            " (SELECT COUNT(*) FROM chunks c WHERE c.path = f.path)"
            f" FROM files f {where} ORDER BY f.path",
            () if path is None else (str(path),),
        )
        return [FileRecord(path=r[0], source=r[1], checksum=r[2], size=r[3], ingested_at=r[4],
                           parser=r[5], n_documents=r[6], n_chunks=r[7]) for r in rows]

    # -- documents and dedup -------------------------------------------------------------------
    def document_sketches(self) -> list[DocumentSketch]:
        """The indexable documents with their fingerprints, for duplicate detection."""
        rows = self._query(
            "SELECT d.path, d.ordinal, d.fingerprint,"
            " (SELECT COUNT(*) FROM documents o WHERE o.path = d.path)"
            " FROM documents d WHERE d.indexable = 1"
        )
        return [DocumentSketch(key=(r[0], r[1]), path=r[0], file_documents=r[3],
                               fingerprint=tuple(json.loads(r[2]))) for r in rows]

    def set_duplicates(self, duplicate_of: dict[DocumentKey, DocumentKey]) -> int:
        """Record the dedup decision for every document (one transaction); returns how many
        documents changed state."""
        rows = self._query("SELECT path, ordinal, doc_id, json_extract(data, '$.source'),"
                           " duplicate_of, alternates FROM documents")
        doc_ids = {(r[0], r[1]): r[2] for r in rows}
        sources = {(r[0], r[1]): r[3] for r in rows}
        alternates: dict[DocumentKey, list[str]] = {}
        for duplicate, canonical in duplicate_of.items():
            alternates.setdefault(canonical, []).append(sources[duplicate])
        changes = []
        for path, ordinal, _, _, old_duplicate, old_alternates in rows:
            key = (path, ordinal)
            new_duplicate = doc_ids[duplicate_of[key]] if key in duplicate_of else None
            new_alternates = json.dumps(sorted(set(alternates.get(key, []))))
            if (new_duplicate, new_alternates) != (old_duplicate, old_alternates):
                changes.append((new_duplicate, new_alternates, path, ordinal))
        if changes:
            with self._transaction() as db:
                db.executemany(
                    "UPDATE documents SET duplicate_of = ?, alternates = ? WHERE path = ? AND ordinal = ?",
                    changes,
                )
        return len(changes)

    def documents(self) -> list[dict[str, Any]]:
        """Every document: Document.to_dict() plus n_chunks, duplicate_of and alternates."""
        rows = self._query(
            "SELECT d.data, d.duplicate_of, d.alternates,"
            " (SELECT COUNT(*) FROM chunks c WHERE c.path = d.path AND c.doc_ordinal = d.ordinal)"
            " FROM documents d ORDER BY d.path, d.ordinal"
        )
        out = []
        for data, duplicate_of, alternates, n_chunks in rows:
            record = json.loads(data)
            record.update(n_chunks=n_chunks, duplicate_of=duplicate_of, alternates=json.loads(alternates))
            out.append(record)
        return out

    def document_chunk_texts(self, doc_id: str) -> list[str]:
        """The texts of one document's chunks in file order ([] for an unknown doc_id)."""
        rows = self._query(
            "SELECT c.text FROM documents d JOIN chunks c"
            " ON c.path = d.path AND c.doc_ordinal = d.ordinal"
            " WHERE d.doc_id = ? AND d.path = (SELECT MIN(path) FROM documents WHERE doc_id = ?)"
            " ORDER BY c.ordinal",
            (doc_id, doc_id),
        )
        return [r[0] for r in rows]

    # -- chunks --------------------------------------------------------------------------------
    def _stored(self, row: sqlite3.Row) -> StoredChunk:
        chunk_id, text, index_text, metadata, alternates, indexed = row
        metadata = json.loads(metadata)
        names = json.loads(alternates) if alternates else []
        if names:
            metadata["alternates"] = ";".join(names)
        return StoredChunk(id=chunk_id, text=text, index_text=index_text, metadata=metadata,
                           indexed=bool(indexed))

    _COLUMNS = f"c.id, c.text, c.index_text, c.metadata, d.alternates, {_INDEXED}"

    def indexed_chunks(self) -> list[StoredChunk]:
        """The chunks Chroma and BM25 must hold, in file order, each id once."""
        rows = self._query(
            f"SELECT {self._COLUMNS} FROM {_CHUNK_JOIN} WHERE {_INDEXED} ORDER BY c.path, c.ordinal"
        )
        seen: set[str] = set()
        out = []
        for row in rows:
            if row[0] not in seen:
                seen.add(row[0])
                out.append(self._stored(row))
        return out

    def chunks_by_id(self, ids: Iterable[str]) -> dict[str, StoredChunk]:
        """The stored chunks with these ids (an indexed copy preferred); unknown ids are absent."""
        ids = list(dict.fromkeys(ids))
        out: dict[str, StoredChunk] = {}
        for start in range(0, len(ids), 500):  # SQLite's host-parameter limit is 999 in old builds
            part = ids[start:start + 500]
            marks = ",".join("?" * len(part))
            rows = self._query(
                f"SELECT {self._COLUMNS} FROM {_CHUNK_JOIN} WHERE c.id IN ({marks})"
                f" ORDER BY {_INDEXED} DESC, c.path",
                part,
            )
            for row in rows:
                out.setdefault(row[0], self._stored(row))
        return out

    def all_index_texts(self) -> list[str]:
        return [r[0] for r in self._query("SELECT DISTINCT index_text FROM chunks")]

    def stats(self) -> dict[str, Any]:
        """The contract's ``stats`` numbers, from what is (or, before a sync, is to be) indexed."""
        files = self._query("SELECT COUNT(*) FROM files")[0][0]
        documents = self._query(
            "SELECT COUNT(*) FROM documents WHERE indexable = 1 AND duplicate_of IS NULL")[0][0]
        chunks = self._query(f"SELECT COUNT(DISTINCT c.id) FROM {_CHUNK_JOIN} WHERE {_INDEXED}")[0][0]

        def distinct(key: str) -> list[str]:
            rows = self._query(
                f"SELECT DISTINCT json_extract(c.metadata, '$.{key}') AS value FROM {_CHUNK_JOIN}"
                f" WHERE {_INDEXED} AND value IS NOT NULL AND value != '' ORDER BY value"
            )
            return [r[0] for r in rows]

        def unknown(key: str) -> int:
            """Indexed documents where no convention named this (shown as unknown, never guessed)."""
            return self._query(
                "SELECT COUNT(*) FROM documents WHERE indexable = 1 AND duplicate_of IS NULL"
                f" AND COALESCE(json_extract(data, '$.{key}'), '') = ''")[0][0]

        return {"files": files, "documents": documents, "chunks": chunks,
                "committees": distinct("committee"), "meetings": distinct("meeting_date"),
                "unknown": {"committee": unknown("committee"), "meeting_date": unknown("meeting_date")}}

    # -- embedding cache -----------------------------------------------------------------------
    def cached_keys(self, keys: Iterable[str]) -> set[str]:
        keys = list(set(keys))
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            rows = self._query(f"SELECT key FROM embeddings WHERE key IN ({','.join('?' * len(part))})", part)
            found.update(r[0] for r in rows)
        return found

    def vectors(self, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        unique = list(set(keys))
        for start in range(0, len(unique), 500):
            part = unique[start:start + 500]
            rows = self._query(
                f"SELECT key, vector FROM embeddings WHERE key IN ({','.join('?' * len(part))})", part)
            out.update((key, np.frombuffer(blob, dtype=np.float32)) for key, blob in rows)
        return out

    def put_vectors(self, items: list[tuple[str, np.ndarray]]) -> None:
        """Cache vectors, committed at once so a later kill keeps them."""
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO embeddings (key, vector) VALUES (?, ?)",
                [(key, np.asarray(vector, dtype=np.float32).tobytes()) for key, vector in items],
            )

    def prune_vectors(self, keep: set[str]) -> int:
        """Drop cached vectors no stored chunk uses any more; returns how many went."""
        stale = [r[0] for r in self._query("SELECT key FROM embeddings") if r[0] not in keep]
        if stale:
            with self._transaction() as db:
                db.executemany("DELETE FROM embeddings WHERE key = ?", [(key,) for key in stale])
        return len(stale)

    def count_vectors(self) -> int:
        return self._query("SELECT COUNT(*) FROM embeddings")[0][0]
