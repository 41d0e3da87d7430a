"""The registry: a SQLite database of ingested files, their documents and chunks, the keyword
index over them, and cached vectors.

It is the source of truth. The keyword index (``vectorstore.keyword``) lives in it and changes in
the same transactions as the chunks; Chroma is an index derived from it, which ``Index.sync``
brings in step using what each chunk row records (``in_dense``, ``dense_removed``). The registry
only ever changes in whole transactions: a kill at any moment leaves either the old state or the
new one. WAL mode lets searches read while an ingest writes (also from another process).

Stored lean: a chunk keeps only the metadata its document does not give, its texts compressed,
and a document's sketch as packed integers (``minutes ingest`` reports bytes per chunk).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ingest.models import Chunk, Document, LoadedFile
from minutes_core.text.stems import TOKENIZER_VERSION
from vectorstore import keyword
from vectorstore.dedup import DocumentKey, DocumentSketch

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    checksum TEXT NOT NULL,
    size INTEGER NOT NULL,
    ingested_at TEXT NOT NULL,
    parser TEXT NOT NULL DEFAULT '',  -- vectorstore.ingestion.parser_key() the file was parsed with
    stamp TEXT                        -- size and mtime of the file and its sidecar when hashed
);
CREATE TABLE IF NOT EXISTS documents (
    path TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    doc_id TEXT NOT NULL,
    data TEXT NOT NULL,              -- Document.to_dict() as JSON
    fingerprint BLOB NOT NULL,       -- vectorstore.dedup.sketch as 8-byte big-endian ints
    indexable INTEGER NOT NULL,
    duplicate_of TEXT,               -- doc_id of the canonical copy, decided by sync()
    alternates TEXT NOT NULL DEFAULT '[]',  -- JSON list of the duplicates' sources
    deduped INTEGER NOT NULL DEFAULT 0,     -- dedup has compared it with the others
    PRIMARY KEY (path, ordinal)
);
CREATE INDEX IF NOT EXISTS documents_doc_id ON documents (doc_id);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    id TEXT NOT NULL,
    doc_ordinal INTEGER,
    ordinal INTEGER NOT NULL,        -- position in the file's chunk list
    body BLOB NOT NULL,              -- text then index_text, zlib-compressed together (_pack_body)
    text_chars INTEGER NOT NULL,     -- where text ends in the body
    metadata TEXT NOT NULL,          -- JSON: the keys whose value its document does not give (_delta)
    in_dense INTEGER NOT NULL DEFAULT 0  -- its vector is in Chroma (set by sync)
);
CREATE INDEX IF NOT EXISTS chunks_id ON chunks (id);
CREATE INDEX IF NOT EXISTS chunks_document ON chunks (path, doc_ordinal);
CREATE TABLE IF NOT EXISTS embeddings (
    key TEXT PRIMARY KEY,            -- sha1(embedder identity + "\\x1f" + index_text)
    vector BLOB NOT NULL             -- float16 (a cache: Chroma gets the float32 just computed)
);
-- Ids of chunks deleted while their vector was in Chroma: the next sync deletes them there.
CREATE TABLE IF NOT EXISTS dense_removed (id TEXT PRIMARY KEY);
-- Counters and flags: generation (every change), keyword_generation, tokenizer, dedup_dirty
-- (a removed document had duplicates: dedup must run whole), pruned, dense_reset.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
""" + keyword.SCHEMA

# Chunk metadata its document gives: stored once in documents.data, not once a chunk.
_DOCUMENT_KEYS = ("source", "path", "url", "doc_id", "doc_type", "title", "committee",
                  "committee_printed", "meeting_date", "pack_date", "doc_date", "item", "item_title")
_ABSENT = "_absent"  # keys of _DOCUMENT_KEYS a chunk's metadata did not have


def _pack_body(text: str, index_text: str) -> bytes:
    """A chunk's two texts compressed together: the indexed text repeats the passage (normalised,
    after a header), and zlib (stdlib) over both keeps a third of their size (half of what
    compressing each alone keeps) at a few microseconds a read."""
    return zlib.compress((text + index_text).encode("utf-8"), 6)


def _unpack_body(blob: bytes, text_chars: int) -> tuple[str, str]:
    both = zlib.decompress(blob).decode("utf-8")
    return both[:text_chars], both[text_chars:]


def _index_text(blob: bytes, text_chars: int) -> str:
    return _unpack_body(blob, text_chars)[1]


def _pack_sketch(values: list[int]) -> bytes:
    return b"".join(int(v).to_bytes(8, "big") for v in values)


def _unpack_sketch(blob: bytes) -> tuple[int, ...]:
    return tuple(np.frombuffer(blob, dtype=">u8").tolist())


def _base(document: dict[str, Any] | None, checksum: str | None, doc_ordinal: Any) -> dict[str, Any]:
    """What a chunk's metadata inherits from its document and file."""
    base: dict[str, Any] = {"doc_ordinal": doc_ordinal}
    if checksum is not None:
        base["checksum"] = checksum
    if document is not None:
        base.update((key, document.get(key)) for key in _DOCUMENT_KEYS)
    return base


def _delta(metadata: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """The metadata minus what ``base`` already says; ``_merge(base, _delta(m, base)) == m``."""
    out = {key: value for key, value in metadata.items() if key not in base or base[key] != value}
    absent = [key for key in base if key not in metadata]
    if absent:
        out[_ABSENT] = absent
    return out


def _merge(base: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    out = {**base, **delta}
    for key in out.pop(_ABSENT, ()):
        out.pop(key, None)
    return out


# A chunk is indexed when its document is indexable and not a duplicate (or it has no document).
_INDEXED = "(d.path IS NULL OR (d.indexable = 1 AND d.duplicate_of IS NULL))"
_CHUNK_JOIN = ("chunks c LEFT JOIN documents d ON d.path = c.path AND d.ordinal = c.doc_ordinal"
               " LEFT JOIN files f ON f.path = c.path")


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
    stamp: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class FileState(NamedTuple):
    checksum: str
    stamp: str | None
    parser: str


@dataclass
class StoredChunk:
    """A chunk as the registry holds it; ``metadata`` includes ``alternates`` when its document
    has duplicates elsewhere (a ";"-joined string, as Chroma metadata must be scalar)."""

    id: str
    text: str
    index_text: str
    metadata: dict[str, Any]
    indexed: bool
    rowid: int = 0


class Registry:
    """Files, documents, chunks, the keyword index and the embedding cache in
    ``<data_dir>/registry.sqlite``."""

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
        self._searcher = keyword.KeywordSearcher()
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, 1, SCHEMA_VERSION):
            raise RuntimeError(
                f"The records database {path} has schema version {version}; this version of the "
                f"tool reads version {SCHEMA_VERSION}. Ingest into a new data directory."
            )
        with self._lock:
            if version == 1:
                self._migrate_from_1()
            else:  # executescript commits as it goes; every statement is idempotent
                self._db.executescript(_SCHEMA)
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self._check_tokenizer()

    def _migrate_from_1(self) -> None:
        """Rewrite a schema-1 registry in place (one transaction): compressed chunk texts,
        metadata as a delta from the document, binary sketches, the keyword index inside."""
        log.warning("upgrading %s to schema %d (once)", self.path, SCHEMA_VERSION)
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            columns = {row[1] for row in db.execute("PRAGMA table_info(files)")}
            if "parser" not in columns:
                db.execute("ALTER TABLE files ADD COLUMN parser TEXT NOT NULL DEFAULT ''")
            db.execute("ALTER TABLE files ADD COLUMN stamp TEXT")
            for name in ("chunks_id", "chunks_document", "documents_doc_id"):
                db.execute(f"DROP INDEX IF EXISTS {name}")
            db.execute("ALTER TABLE documents RENAME TO documents_v1")
            db.execute("ALTER TABLE chunks RENAME TO chunks_v1")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.executemany(
                "INSERT INTO documents (path, ordinal, doc_id, data, fingerprint, indexable,"
                " duplicate_of, alternates) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ((path, ordinal, doc_id, data, _pack_sketch(json.loads(fingerprint)), indexable,
                  duplicate_of, alternates)
                 for path, ordinal, doc_id, data, fingerprint, indexable, duplicate_of, alternates
                 in db.execute("SELECT * FROM documents_v1").fetchall()))
            documents = {(r[0], r[1]): json.loads(r[2])
                         for r in db.execute("SELECT path, ordinal, data FROM documents")}
            checksums = dict(db.execute("SELECT path, checksum FROM files").fetchall())
            rows = db.execute("SELECT path, id, doc_ordinal, ordinal, text, index_text, metadata"
                              " FROM chunks_v1 ORDER BY path, ordinal").fetchall()
            db.executemany(
                "INSERT INTO chunks (path, id, doc_ordinal, ordinal, body, text_chars, metadata)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((path, chunk_id, doc_ordinal, ordinal, _pack_body(text, index_text), len(text),
                  json.dumps(_delta(json.loads(metadata), _base(documents.get((path, doc_ordinal)),
                                                                checksums.get(path), doc_ordinal))))
                 for path, chunk_id, doc_ordinal, ordinal, text, index_text, metadata in rows))
            db.executemany("UPDATE embeddings SET vector = ? WHERE key = ?", (
                (np.frombuffer(blob, dtype=np.float32).astype(np.float16).tobytes(), key)
                for key, blob in db.execute("SELECT key, vector FROM embeddings").fetchall()))
            db.execute("DROP TABLE documents_v1")
            db.execute("DROP TABLE chunks_v1")
            # Chroma still holds what schema 1 put there (texts, every metadata field).
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('dense_reset', '1')")
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        db.execute("VACUUM")

    def _check_tokenizer(self) -> None:
        """Empty the keyword index when it was built by another tokenizer: its postings could not
        be removed (they are recomputed from the text), and sync adds every chunk again."""
        if self.meta_text("tokenizer") == TOKENIZER_VERSION:
            return
        with self._transaction() as db:
            keyword.clear(db)
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('tokenizer', ?)",
                       (TOKENIZER_VERSION,))
            self._bump(db, "generation", "keyword_generation")

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

    @staticmethod
    def _bump(db: sqlite3.Connection, *keys: str) -> None:
        for key in keys:
            db.execute("INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT (key)"
                       " DO UPDATE SET value = CAST(value AS INTEGER) + 1", (key,))

    def meta_text(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def counter(self, key: str) -> int:
        """A change counter of the meta table: ``generation`` (any change), ``keyword_generation``."""
        return int(self.meta_text(key) or 0)

    def set_counter(self, key: str, value: int | str) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, str(value)))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- files ---------------------------------------------------------------------------------
    def replace_file(self, loaded: LoadedFile, documents: list[Document], chunks: list[Chunk],
                     parser: str = "", stamp: str | None = None) -> set[str]:
        """Swap the file's documents and chunks for new ones, in one transaction.

        ``parser`` names the rules and settings that produced them (``vectorstore.ingestion.parser_key``);
        ``stamp`` the file's size and mtime when its checksum was taken (``vectorstore.ingestion.file_stamp``).
        Returns the index texts the file no longer has (their cached vectors may go).
        """
        path = str(loaded.path)
        ids = [chunk.id for chunk in chunks]
        if len(set(ids)) != len(ids):
            raise ValueError(f"Two chunks of {path} have the same id (same document, index and text).")
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        document_data = {d.ordinal: d.to_dict() for d in documents}
        with self._transaction() as db:
            stale = self._delete_file(db, path)
            db.execute(
                "INSERT INTO files (path, source, checksum, size, ingested_at, parser, stamp)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (path, loaded.source, loaded.checksum, loaded.size_bytes, now, parser, stamp),
            )
            db.executemany(
                "INSERT INTO documents (path, ordinal, doc_id, data, fingerprint, indexable)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(path, d.ordinal, d.doc_id, json.dumps(document_data[d.ordinal]),
                  _pack_sketch(d.fingerprint), int(d.indexable)) for d in documents],
            )
            rows = []
            for n, c in enumerate(chunks):
                doc_ordinal = c.metadata.get("doc_ordinal")
                base = _base(document_data.get(doc_ordinal), loaded.checksum, doc_ordinal)
                rows.append((path, c.id, doc_ordinal, n, _pack_body(c.text, c.index_text), len(c.text),
                             json.dumps(_delta(c.metadata, base))))
            db.executemany(
                "INSERT INTO chunks (path, id, doc_ordinal, ordinal, body, text_chars, metadata)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            self._bump(db, "generation")
        log.debug("stored %s: %d documents, %d chunks", path, len(documents), len(chunks))
        return stale - {c.index_text for c in chunks}

    def touch_file(self, path: str, stamp: str) -> None:
        """Record the stamp of a stored file whose checksum was found unchanged."""
        with self._transaction() as db:
            db.execute("UPDATE files SET stamp = ? WHERE path = ?", (stamp, str(path)))

    def remove_file(self, path: str) -> set[str] | None:
        """Forget a file; the index texts it had (None when it was not stored)."""
        with self._transaction() as db:
            removed = db.execute("SELECT 1 FROM files WHERE path = ?", (str(path),)).fetchone() is not None
            stale = self._delete_file(db, str(path))
            if removed:
                self._bump(db, "generation")
        log.debug("removed %s: %s", path, "done" if removed else "was not stored")
        return stale if removed else None

    def _delete_file(self, db: sqlite3.Connection, path: str) -> set[str]:
        """Delete a file's rows; its chunks leave the keyword index at once (their postings can
        only be recomputed while their text is here) and Chroma at the next sync. Returns the
        index texts of its chunks."""
        rows = db.execute(
            "SELECT c.rowid, c.id, c.body, c.text_chars, c.in_dense, k.rowid IS NOT NULL FROM chunks c"
            " LEFT JOIN keyword_chunks k ON k.rowid = c.rowid WHERE c.path = ?", (path,)).fetchall()
        texts = {rowid: _index_text(body, chars) for rowid, _, body, chars, _, _ in rows}
        if keyword.remove(db, [(rowid, texts[rowid]) for rowid, *_, in_keyword in rows if in_keyword]):
            self._bump(db, "keyword_generation")
        db.executemany("INSERT OR IGNORE INTO dense_removed (id) VALUES (?)",
                       [(chunk_id,) for _, chunk_id, _, _, in_dense, _ in rows if in_dense])
        if db.execute("SELECT 1 FROM documents WHERE path = ? AND (duplicate_of IS NOT NULL"
                      " OR alternates != '[]') LIMIT 1", (path,)).fetchone():
            # A copy, or the canonical copy of others, goes: who is canonical may change.
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('dedup_dirty', '1')")
        db.execute("DELETE FROM chunks WHERE path = ?", (path,))
        db.execute("DELETE FROM documents WHERE path = ?", (path,))
        db.execute("DELETE FROM files WHERE path = ?", (path,))
        return set(texts.values())

    def files(self, path: str | None = None) -> list[FileRecord]:
        where = "WHERE f.path = ?" if path is not None else ""
        rows = self._query(
            "SELECT f.path, f.source, f.checksum, f.size, f.ingested_at, f.parser, f.stamp,"
            " (SELECT COUNT(*) FROM documents d WHERE d.path = f.path),"
            " (SELECT COUNT(*) FROM chunks c WHERE c.path = f.path)"
            f" FROM files f {where} ORDER BY f.path",
            () if path is None else (str(path),),
        )
        return [FileRecord(path=r[0], source=r[1], checksum=r[2], size=r[3], ingested_at=r[4],
                           parser=r[5], stamp=r[6], n_documents=r[7], n_chunks=r[8]) for r in rows]

    def file_states(self) -> dict[str, FileState]:
        """Every stored file's checksum, stamp and parser: what a re-ingest compares each file
        with, read in one query instead of one a file."""
        return {r[0]: FileState(*r[1:])
                for r in self._query("SELECT path, checksum, stamp, parser FROM files")}

    # -- documents and dedup -------------------------------------------------------------------
    def document_sketches(self, new_only: bool = False) -> list[DocumentSketch]:
        """The indexable documents with their fingerprints, for duplicate detection (``new_only``:
        the ones dedup has not compared yet)."""
        rows = self._query(
            "SELECT d.path, d.ordinal, d.fingerprint,"
            " (SELECT COUNT(*) FROM documents o WHERE o.path = d.path)"
            " FROM documents d WHERE d.indexable = 1" + (" AND d.deduped = 0" if new_only else "")
        )
        return [DocumentSketch(key=(r[0], r[1]), path=r[0], file_documents=r[3],
                               fingerprint=_unpack_sketch(r[2])) for r in rows]

    def dedup_dirty(self) -> bool:
        """A document with duplicates was removed since the last dedup (it must run whole)."""
        return bool(self.meta_text("dedup_dirty"))

    def mark_deduped(self) -> None:
        """Every document has been compared: new ones found no duplicate, or dedup ran whole."""
        with self._transaction() as db:
            db.execute("UPDATE documents SET deduped = 1 WHERE deduped = 0")
            db.execute("DELETE FROM meta WHERE key = 'dedup_dirty'")

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
                self._bump(db, "generation")
        return len(changes)

    def count_duplicates(self) -> int:
        return self._query("SELECT COUNT(*) FROM documents WHERE duplicate_of IS NOT NULL")[0][0]

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
            "SELECT c.body, c.text_chars FROM documents d JOIN chunks c"
            " ON c.path = d.path AND c.doc_ordinal = d.ordinal"
            " WHERE d.doc_id = ? AND d.path = (SELECT MIN(path) FROM documents WHERE doc_id = ?)"
            " ORDER BY c.ordinal",
            (doc_id, doc_id),
        )
        return [_unpack_body(body, chars)[0] for body, chars in rows]

    # -- chunks --------------------------------------------------------------------------------
    _COLUMNS = (f"c.id, c.body, c.text_chars, c.metadata, d.alternates, {_INDEXED}, d.data,"
                " f.checksum, c.doc_ordinal, c.rowid")

    @staticmethod
    def _stored(row: sqlite3.Row, documents: dict[str, dict[str, Any]] | None = None) -> StoredChunk:
        chunk_id, body, text_chars, delta, alternates, indexed, data, checksum, doc_ordinal, rowid = row
        if data is None:
            document = None
        elif documents is None:
            document = json.loads(data)
        else:  # many chunks of one document: its JSON parsed once
            document = documents.get(data)
            if document is None:
                document = documents[data] = json.loads(data)
        metadata = _merge(_base(document, checksum, doc_ordinal), json.loads(delta))
        names = json.loads(alternates) if alternates else []
        if names:
            metadata["alternates"] = ";".join(names)
        text, index_text = _unpack_body(body, text_chars)
        return StoredChunk(id=chunk_id, text=text, index_text=index_text,
                           metadata=metadata, indexed=bool(indexed), rowid=rowid)

    def paths_of_source(self, source: str) -> list[str]:
        """The paths of the stored files named ``source`` (usually one)."""
        return [row[0] for row in self._query("SELECT path FROM files WHERE source = ?", (source,))]

    def indexed_chunks(self, paths: Iterable[str] | None = None) -> list[StoredChunk]:
        """The chunks Chroma and the keyword index must hold, in file order, each id once; only
        those of the files at ``paths`` when given (read through the ``chunks (path, ...)`` index,
        so a few files of a large archive cost what their chunks cost)."""
        where, params = _INDEXED, ()
        if paths is not None:
            params = tuple(dict.fromkeys(paths))
            if not params:
                return []
            where += f" AND c.path IN ({', '.join('?' * len(params))})"
        rows = self._query(
            f"SELECT {self._COLUMNS} FROM {_CHUNK_JOIN} WHERE {where} ORDER BY c.path, c.ordinal", params
        )
        seen: set[str] = set()
        documents: dict[str, dict[str, Any]] = {}
        out = []
        for row in rows:
            if row[0] not in seen:
                seen.add(row[0])
                out.append(self._stored(row, documents))
        return out

    def indexed_rows(self) -> dict[int, str]:
        """rowid -> chunk id of the chunks that must be indexed (each id once, file order first):
        what sync compares the indexes with, without reading any text."""
        rows = self._query(f"SELECT c.rowid, c.id FROM {_CHUNK_JOIN} WHERE {_INDEXED}"
                           " ORDER BY c.path, c.ordinal")
        out: dict[int, str] = {}
        seen: set[str] = set()
        for rowid, chunk_id in rows:
            if chunk_id not in seen:
                seen.add(chunk_id)
                out[rowid] = chunk_id
        return out

    def chunks_by_rowid(self, rowids: Iterable[int]) -> list[StoredChunk]:
        """The stored chunks of these rows, in the order given (missing rows skipped)."""
        rowids = list(rowids)
        found: dict[int, StoredChunk] = {}
        documents: dict[str, dict[str, Any]] = {}
        for start in range(0, len(rowids), 500):  # SQLite's host-parameter limit is 999 in old builds
            part = rowids[start:start + 500]
            rows = self._query(f"SELECT {self._COLUMNS} FROM {_CHUNK_JOIN}"
                               f" WHERE c.rowid IN ({','.join('?' * len(part))})", part)
            for row in rows:
                found[row[-1]] = self._stored(row, documents)
        return [found[rowid] for rowid in rowids if rowid in found]

    def chunks_by_id(self, ids: Iterable[str]) -> dict[str, StoredChunk]:
        """The stored chunks with these ids (an indexed copy preferred); unknown ids are absent."""
        ids = list(dict.fromkeys(ids))
        out: dict[str, StoredChunk] = {}
        documents: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ",".join("?" * len(part))
            rows = self._query(
                f"SELECT {self._COLUMNS} FROM {_CHUNK_JOIN} WHERE c.id IN ({marks})"
                f" ORDER BY {_INDEXED} DESC, c.path",
                part,
            )
            for row in rows:
                if row[0] not in out:
                    out[row[0]] = self._stored(row, documents)
        return out

    def index_texts(self) -> set[str]:
        """Every stored chunk's index_text (what the embedding cache must keep vectors for)."""
        return {_index_text(body, chars) for body, chars in self._query("SELECT body, text_chars FROM chunks")}

    # -- what sync keeps in step -----------------------------------------------------------------
    def dense_rows(self) -> tuple[dict[int, str], list[str]]:
        """The rows whose vector is in Chroma (rowid -> id) and the ids deleted since the last sync."""
        rows = dict(self._query("SELECT rowid, id FROM chunks WHERE in_dense = 1"))
        removed = [r[0] for r in self._query("SELECT id FROM dense_removed")]
        return rows, removed

    def mark_dense(self, added: Iterable[int], cleared: Iterable[int], deleted: Iterable[str]) -> None:
        """Record what sync wrote to Chroma: rows now there, rows not, deleted ids done."""
        with self._transaction() as db:
            db.executemany("UPDATE chunks SET in_dense = 1 WHERE rowid = ?", [(r,) for r in added])
            db.executemany("UPDATE chunks SET in_dense = 0 WHERE rowid = ?", [(r,) for r in cleared])
            db.executemany("DELETE FROM dense_removed WHERE id = ?", [(i,) for i in deleted])

    def reset_dense(self) -> None:
        """Forget what Chroma holds (it was emptied or lost): the next sync compares it whole."""
        with self._transaction() as db:
            db.execute("UPDATE chunks SET in_dense = 0 WHERE in_dense = 1")
            db.execute("DELETE FROM dense_removed")

    def keyword_rows(self) -> set[int]:
        return {r[0] for r in self._query("SELECT rowid FROM keyword_chunks")}

    def keyword_ids(self) -> list[str]:
        """The chunk ids the keyword index holds (a chunk twice would be listed twice)."""
        return [r[0] for r in self._query(
            "SELECT c.id FROM keyword_chunks k JOIN chunks c ON c.rowid = k.rowid")]

    def update_keyword(self, add: list[tuple[int, str, dict[str, Any]]], remove: list[int]) -> None:
        """Add (rowid, index_text, filter fields) and remove rows, in one transaction."""
        if not add and not remove:
            return
        with self._transaction() as db:
            texts = {}
            for start in range(0, len(remove), 500):
                part = remove[start:start + 500]
                texts.update((rowid, _index_text(body, chars)) for rowid, body, chars in db.execute(
                    f"SELECT rowid, body, text_chars FROM chunks WHERE rowid IN ({','.join('?' * len(part))})",
                    part))
            keyword.remove(db, [(rowid, texts[rowid]) for rowid in remove])
            keyword.add(db, add)
            self._bump(db, "keyword_generation")

    def keyword_search(self, query: str, k: int,
                       conditions: list[tuple[str, str, Any]] | None = None) -> list[tuple[str, float]]:
        """Up to k (chunk id, BM25 score) of the keyword index, best first (``vectorstore.keyword``)."""
        with self._lock:
            self._db.execute("BEGIN")  # one snapshot: another process may be writing
            try:
                generation = int((self._db.execute(
                    "SELECT value FROM meta WHERE key = 'keyword_generation'").fetchone() or (0,))[0])
                hits = self._searcher.search(self._db, generation, query, k, conditions)
                ids = dict(self._db.execute(
                    f"SELECT rowid, id FROM chunks WHERE rowid IN ({','.join('?' * len(hits))})",
                    [rowid for rowid, _ in hits]).fetchall()) if hits else {}
            finally:
                self._db.execute("COMMIT")
        return [(ids[rowid], score) for rowid, score in hits if rowid in ids]

    def ids_matching(self, ids: list[str], conditions: list[tuple[str, str, Any]]) -> set[str]:
        """Which of the chunk ``ids`` meet the filter ``conditions`` (the keyword index keeps each
        chunk's filter fields, so a dense ranking is narrowed without asking Chroma again)."""
        if not ids:
            return set()
        where, params = keyword.where_sql(conditions)
        rows = self._query(
            "SELECT c.id FROM chunks c JOIN keyword_chunks k ON k.rowid = c.rowid"
            f" WHERE c.id IN ({','.join('?' * len(ids))}) AND {where}", [*ids, *params])
        return {row[0] for row in rows}

    def stats(self) -> dict[str, Any]:
        """The contract's ``stats`` numbers, from what is (or, before a sync, is to be) indexed."""
        files = self._query("SELECT COUNT(*) FROM files")[0][0]
        documents = self._query(
            "SELECT COUNT(*) FROM documents WHERE indexable = 1 AND duplicate_of IS NULL")[0][0]
        chunks = self._query(f"SELECT COUNT(DISTINCT c.id) FROM {_CHUNK_JOIN} WHERE {_INDEXED}")[0][0]

        def distinct(key: str) -> list[str]:
            # A chunk's own value where it has one (its metadata delta), else its document's.
            value = (f"CASE WHEN json_type(c.metadata, '$.{key}') IS NOT NULL"
                     f" THEN json_extract(c.metadata, '$.{key}') ELSE json_extract(d.data, '$.{key}') END")
            rows = self._query(
                f"SELECT DISTINCT {value} AS value FROM {_CHUNK_JOIN}"
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
            out.update((key, np.frombuffer(blob, dtype=np.float16).astype(np.float32)) for key, blob in rows)
        return out

    def put_vectors(self, items: list[tuple[str, np.ndarray]]) -> None:
        """Cache vectors, committed at once so a later kill keeps them.

        Kept as float16, half the bytes: the cache only spares re-embedding an unchanged text
        (a re-parsed file, a refilled Chroma), where a rounding of 1e-3 of a unit vector's
        components moves a cosine by about 1e-4; fresh vectors go to Chroma as computed."""
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO embeddings (key, vector) VALUES (?, ?)",
                [(key, np.asarray(vector, dtype=np.float16).tobytes()) for key, vector in items],
            )

    def drop_vectors(self, keys: Iterable[str]) -> None:
        with self._transaction() as db:
            db.executemany("DELETE FROM embeddings WHERE key = ?", [(key,) for key in keys])

    def prune_vectors(self, keep: set[str]) -> int:
        """Drop cached vectors no stored chunk uses any more; returns how many went."""
        stale = [r[0] for r in self._query("SELECT key FROM embeddings") if r[0] not in keep]
        if stale:
            with self._transaction() as db:
                db.executemany("DELETE FROM embeddings WHERE key = ?", [(key,) for key in stale])
        return len(stale)

    def count_vectors(self) -> int:
        return self._query("SELECT COUNT(*) FROM embeddings")[0][0]
