"""The keyword index: BM25 over the indexed chunks, kept inside the registry's SQLite database.

Adding or removing a file must cost time in proportion to that file, and a kill must never leave
the keyword side out of step with the registry. So the postings live in an SQLite FTS5 table in
``registry.sqlite`` and change in the same transactions as the chunks they index; nothing is
ever rebuilt whole (bm25s, used before, could not add or remove a document).

What is indexed is a chunk's ``index_text`` read as the rest of the project reads it
(``minutes_core.text.stems.terms``, stopwords left out), so keyword search and sentence scoring see
the same terms. FTS5 would tokenise and rank by its own rules (its ``bm25()`` fixes k1 = 1.2 and a
different idf), so each distinct term of a chunk is stored once as the token ``term#tf``: the
FTS5 table is then a compact postings list (``detail=none``: about 100 bytes a chunk), the
``fts5vocab`` instance table reads one term's postings with its term frequencies by a range
lookup, and the score is computed here exactly as bm25s's default did (Lucene BM25, k1 = 1.5,
b = 0.75, float32), so rankings do not move.

The table is contentless (it stores no text); removing a chunk's postings needs its tokens, which
are recomputed from the ``index_text`` the registry keeps. A new tokenizer version
(``TOKENIZER_VERSION``) therefore rebuilds the postings, which ``Registry`` does on opening.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np

from minutes_core.text.stems import terms
from minutes_core.text.stopwords import STOPWORDS

log = logging.getLogger(__name__)

# Lucene BM25 as bm25s computes it by default (bm25s.BM25(): method="lucene", k1=1.5, b=0.75).
K1 = 1.5
B = 0.75

# The characters a term can hold besides letters and digits (``stems.WORD`` keeps apostrophes,
# dots, commas, hyphens, % and £ inside numbers), plus "#", which separates a term from its count
# and which no term holds. FTS5's unicode61 tokenizer then keeps "term#tf" as one token.
_SEPARATOR = "#"
_TOKEN_CHARS = "'.,-%£" + _SEPARATOR

SCHEMA = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS keyword_postings USING fts5(
    tokens, content='', detail=none,
    tokenize="unicode61 remove_diacritics 0 tokenchars '{_TOKEN_CHARS.replace("'", "''")}'"
);
CREATE VIRTUAL TABLE IF NOT EXISTS keyword_vocab USING fts5vocab(keyword_postings, instance);
CREATE TABLE IF NOT EXISTS keyword_chunks (
    rowid INTEGER PRIMARY KEY,       -- chunks.rowid: the chunk this row of the index stands for
    n_terms INTEGER NOT NULL,        -- BM25's document length
    -- the fields search filters on (vectorstore.chroma_store.FILTER_FIELDS), as in Chroma
    committee_lc TEXT, meeting_ts INTEGER, doc_type TEXT, is_decision INTEGER, source TEXT
);
"""

FILTER_COLUMNS = ("committee_lc", "meeting_ts", "doc_type", "is_decision", "source")
_OPERATORS = {"$eq": "=", "$gte": ">=", "$lte": "<="}


def chunk_terms(index_text: str) -> list[str]:
    """The terms BM25 indexes for a chunk, and searches for a query."""
    return terms(index_text, STOPWORDS)


def _tokens(counts: Counter) -> str:
    return " ".join(f"{term}{_SEPARATOR}{n}" for term, n in sorted(counts.items()))


def add(db: sqlite3.Connection, rows: Iterable[tuple[int, str, dict[str, Any]]]) -> int:
    """Index chunks: (chunks.rowid, index_text, filter fields). Inside the caller's transaction."""
    n = 0
    for rowid, index_text, fields in rows:
        counts = Counter(chunk_terms(index_text))
        db.execute("INSERT INTO keyword_postings (rowid, tokens) VALUES (?, ?)", (rowid, _tokens(counts)))
        db.execute(
            f"INSERT INTO keyword_chunks (rowid, n_terms, {', '.join(FILTER_COLUMNS)})"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (rowid, sum(counts.values()), *(fields.get(name) for name in FILTER_COLUMNS)),
        )
        n += 1
    return n


def remove(db: sqlite3.Connection, rows: Iterable[tuple[int, str]]) -> int:
    """Forget chunks: (chunks.rowid, the index_text they were added with). Inside a transaction."""
    n = 0
    for rowid, index_text in rows:
        counts = Counter(chunk_terms(index_text))
        db.execute("INSERT INTO keyword_postings (keyword_postings, rowid, tokens) VALUES ('delete', ?, ?)",
                   (rowid, _tokens(counts)))
        db.execute("DELETE FROM keyword_chunks WHERE rowid = ?", (rowid,))
        n += 1
    return n


def clear(db: sqlite3.Connection) -> None:
    """Empty the index (a new tokenizer: every chunk is added again)."""
    db.execute("INSERT INTO keyword_postings (keyword_postings) VALUES ('delete-all')")
    db.execute("DELETE FROM keyword_chunks")


def where_sql(conditions: list[tuple[str, str, Any]]) -> tuple[str, list[Any]]:
    """``vectorstore.chroma_store`` filter conditions as SQL on ``keyword_chunks`` (a missing
    value never matches, as in Chroma)."""
    parts, params = [], []
    for name, operator, value in conditions:
        if name not in FILTER_COLUMNS or operator not in _OPERATORS:
            raise ValueError(f"cannot filter the keyword index on {name} {operator}")
        parts.append(f"{name} {_OPERATORS[operator]} ?")
        params.append(int(value) if isinstance(value, bool) else value)
    return " AND ".join(parts) or "1", params


class KeywordSearcher:
    """BM25 search over the postings, with each term's postings cached until the index changes.

    ``generation`` (bumped by every write, see ``Registry``) tells a cache entry from a stale one,
    also when another process wrote.
    """

    def __init__(self, cache_terms: int = 4096):
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._lengths: tuple[np.ndarray, np.ndarray] = (np.zeros(0, np.int64), np.zeros(0, np.float32))
        self._cache_terms = cache_terms

    def _refresh(self, db: sqlite3.Connection, generation: int) -> None:
        if generation != self._generation:
            rows = db.execute("SELECT rowid, n_terms FROM keyword_chunks ORDER BY rowid").fetchall()
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            lengths = np.fromiter((r[1] for r in rows), dtype=np.float32, count=len(rows))
            self._lengths = (ids, lengths)
            self._postings = {}
            self._generation = generation

    def _term_postings(self, db: sqlite3.Connection, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(positions in the rowid-sorted chunk list, term frequencies) of one term."""
        found = self._postings.get(term)
        if found is None:
            rows = db.execute("SELECT doc, term FROM keyword_vocab WHERE term >= ? AND term < ?",
                              (term + _SEPARATOR, term + chr(ord(_SEPARATOR) + 1))).fetchall()
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            tfs = np.fromiter((int(r[1].rpartition(_SEPARATOR)[2]) for r in rows), dtype=np.float32,
                              count=len(rows))
            positions = np.searchsorted(self._lengths[0], ids)
            keep = (positions < len(self._lengths[0]))
            keep[keep] = self._lengths[0][positions[keep]] == ids[keep]
            found = (positions[keep], tfs[keep])
            if len(self._postings) >= self._cache_terms:
                self._postings.clear()
            self._postings[term] = found
        return found

    def search(self, db: sqlite3.Connection, generation: int, query: str, k: int,
               conditions: list[tuple[str, str, Any]] | None = None) -> list[tuple[int, float]]:
        """Up to k (chunks.rowid, BM25 score) with a score above 0, best first (ties: older first).

        A query term counts as often as the query says it (as in bm25s); terms no chunk holds
        add nothing. ``conditions`` restrict the chunks scored, so a selective filter still finds
        its k best matches.
        """
        query_terms = Counter(chunk_terms(query))
        if k <= 0 or not query_terms:
            return []
        with self._lock:
            self._refresh(db, generation)
            ids, lengths = self._lengths
            if not len(ids):
                return []
            n_docs = len(ids)
            length_norm = K1 * ((1 - B) + B * lengths / np.float32(lengths.mean()))
            scores = np.zeros(n_docs, dtype=np.float32)
            for term, repeat in query_terms.items():
                positions, tfs = self._term_postings(db, term)
                if not len(positions):
                    continue
                idf = np.float32(math.log(1 + (n_docs - len(positions) + 0.5) / (len(positions) + 0.5)))
                scores[positions] += np.float32(repeat) * idf * tfs / (length_norm[positions] + tfs)
        if conditions:
            sql, params = where_sql(conditions)
            allowed = np.fromiter((r[0] for r in db.execute(
                f"SELECT rowid FROM keyword_chunks WHERE {sql}", params)), dtype=np.int64)
            mask = np.zeros(n_docs, dtype=bool)
            mask[np.searchsorted(ids, allowed)] = True
            scores = np.where(mask, scores, np.float32(0))
        hits = np.flatnonzero(scores > 0)
        if not len(hits):
            return []
        # Best score first; equal scores in index order, so the same query ranks the same way.
        order = hits[np.lexsort((hits, -scores[hits]))][:k]
        return [(int(ids[i]), float(scores[i])) for i in order]
