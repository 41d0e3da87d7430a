"""The keyword baseline: what a civic-search site gives, to measure our hybrid retrieval against.

Council search sites built on SQLite (Datasette-style search, civic.band) index fixed-size pieces of
each document's text in an FTS5 table and rank matches with FTS5's built-in bm25. This retriever
does the same: each file's raw text split into ~1,000-character chunks (the same splitter and sizes
as the naive baseline, so the two baselines differ only in how they rank), an FTS5 table with the
Porter stemmer (``tokenize='porter unicode61'``), and a query that ORs the question's words (an
implicit AND would match almost nothing for a full question). No structure, no metadata, no
filters.

The table lives in ``<data_dir>/baseline/fts5.sqlite`` and is rebuilt only when the set of files or
their contents changed. Building needs no model, so it takes a second or two.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_text_splitters import RecursiveCharacterTextSplitter

from evals.baseline import CHUNK_OVERLAP, CHUNK_SIZE
from ingest.loaders import load_file
from vectorstore.models import Filters, Passage

if TYPE_CHECKING:
    from minutes_core.settings import Settings

log = logging.getLogger(__name__)

DATABASE = "fts5.sqlite"
# FTS5 query syntax is not for user text: only word characters go into the query, each quoted.
_WORD = re.compile(r"\w+")
# A question longer than this many distinct words adds nothing to bm25 but cost.
MAX_QUERY_WORDS = 64


class FTS5Retriever:
    """A retriever (``retrieve(query, filters, k)``) over SQLite FTS5 bm25 on fixed-size chunks."""

    def __init__(self, settings: Settings, paths: list[str | Path]) -> None:
        self.settings = settings
        self.paths = [Path(p) for p in paths]
        self.database = Path(settings.data_dir) / "baseline" / DATABASE
        self._connection: sqlite3.Connection | None = None

    def retrieve(self, query: str, filters: Filters | None = None, k: int = 5) -> list[Passage]:
        """The k chunks FTS5 ranks best for any of the query's words (filters are ignored)."""
        match = fts5_query(query)
        if not match:
            return []
        rows = self.connection().execute(
            "SELECT rowid, text, source, path, bm25(chunks) FROM chunks WHERE chunks MATCH ? "
            "ORDER BY bm25(chunks) LIMIT ?", (match, k)).fetchall()
        # FTS5's bm25() is lower-is-better (negative); the Passage score is higher-is-better.
        return [Passage(id=f"fts5-{rowid}", text=text, source=source, path=path, score=-rank,
                        scores={"bm25": -rank})
                for rowid, text, source, path, rank in rows]

    def connection(self) -> sqlite3.Connection:
        """The FTS5 database, built first if the files changed since the last build."""
        if self._connection is None:
            self.database.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.database, check_same_thread=False)
            manifest = json.dumps(self._manifest(), sort_keys=True)
            if _built_manifest(connection) != manifest:
                self._build(connection, manifest)
            self._connection = connection
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _build(self, connection: sqlite3.Connection, manifest: str) -> None:
        log.info("building the FTS5 baseline over %d file(s)", len(self.paths))
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        with connection:  # one transaction: a build killed half-way leaves the old manifest out
            connection.execute("DROP TABLE IF EXISTS chunks")
            connection.execute("DROP TABLE IF EXISTS manifest")
            connection.execute("CREATE VIRTUAL TABLE chunks USING fts5("
                               "text, source UNINDEXED, path UNINDEXED, tokenize='porter unicode61')")
            connection.execute("CREATE TABLE manifest (value TEXT NOT NULL)")
            count = 0
            for path in self.paths:
                loaded = load_file(path, self.settings)
                rows = [(text, loaded.source, loaded.path) for text in splitter.split_text(loaded.text)]
                connection.executemany("INSERT INTO chunks (text, source, path) VALUES (?, ?, ?)", rows)
                count += len(rows)
            connection.execute("INSERT INTO manifest (value) VALUES (?)", (manifest,))
        log.info("FTS5 baseline: %d chunks", count)

    def _manifest(self) -> dict[str, object]:
        """What the table depends on: the chunk sizes and each file's sha256."""
        return {
            "chunking": [CHUNK_SIZE, CHUNK_OVERLAP],
            "files": {str(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in self.paths},
        }


def fts5_query(question: str) -> str:
    """An FTS5 MATCH expression that ORs the question's distinct words, each quoted."""
    words: list[str] = []
    for word in _WORD.findall(question.lower()):
        if word not in words:
            words.append(word)
        if len(words) == MAX_QUERY_WORDS:
            break
    return " OR ".join(f'"{word}"' for word in words)


def _built_manifest(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT value FROM manifest").fetchone()
    except sqlite3.DatabaseError:  # never built, or built by a killed run
        return None
    return row[0] if row else None
