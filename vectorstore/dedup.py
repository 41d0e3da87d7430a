"""Near-duplicate detection between documents of different files.

Council papers travel: a report is published on its own and again inside the agenda pack of the
meeting that considers it. Indexing both copies would fill search results with the same passage
twice, so each document carries a bottom-k sketch of its word 5-shingles (``ingest.fingerprint``,
taken when the file is parsed), and ``find_duplicates`` keeps one canonical copy per group of
near-identical documents.

A bottom-k sketch (Broder, "On the resemblance and containment of documents", 1997) keeps the k
smallest shingle hashes; the share of the union's k smallest hashes found in both sketches is an
unbiased estimate of the Jaccard similarity of the two shingle sets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two bottom-k sketches (0.0 to 1.0).

    The union's sample is cut at the longer sketch's length: a sketch shorter than k holds its
    document's whole shingle set, so the estimate stays exact for short documents.
    """
    if not a or not b:
        return 0.0
    set_a, set_b = set(a), set(b)
    size = max(len(set_a), len(set_b))
    union_sample = sorted(set_a | set_b)[:size]
    both = sum(1 for value in union_sample if value in set_a and value in set_b)
    return both / len(union_sample)


DocumentKey = tuple[str, int]  # (path, ordinal): unique in the registry


@dataclass(frozen=True)
class DocumentSketch:
    """What dedup needs to know of a stored document."""

    key: DocumentKey
    path: str
    file_documents: int  # how many documents the document's file holds
    fingerprint: tuple[int, ...]


def find_duplicates(documents: list[DocumentSketch], threshold: float) -> dict[DocumentKey, DocumentKey]:
    """Map each duplicate document's key to the key of its canonical copy.

    Only documents of different files are compared. The canonical copy is the one from the file
    with fewer documents (a standalone report beats its copy inside an agenda pack), then the
    smaller path, then the smaller ordinal, so the choice does not depend on ingest order.
    A canonical document is never itself a duplicate.

    The hashes two sketches share are counted for every pair at once (a sparse product of the
    document-by-hash matrix with itself): a council's boilerplate puts the same few hashes in
    most sketches, and counting pair by pair through them took 15 s on a 1,700-document archive.
    """
    ranked = sorted((d for d in documents if d.fingerprint),
                    key=lambda d: (d.file_documents, d.path, d.key[1]))
    if len(ranked) < 2:
        return {}
    lengths = np.fromiter((len(d.fingerprint) for d in ranked), dtype=np.int64, count=len(ranked))
    values = np.concatenate([np.asarray(d.fingerprint, dtype=np.uint64) for d in ranked])
    _, columns, counts = np.unique(values, return_inverse=True, return_counts=True)
    rows = np.repeat(np.arange(len(ranked)), lengths)
    common = counts[columns] > 1  # a hash in one sketch only adds to no pair
    matrix = sparse.csr_matrix((np.ones(int(common.sum()), dtype=np.int32), (rows[common], columns[common])),
                               shape=(len(ranked), len(counts)))
    shared = (matrix @ matrix.T).tocoo()
    # similarity() <= shared / longer sketch, so this skips pairs that cannot qualify.
    longer = np.maximum(lengths[shared.row], lengths[shared.col])
    keep = (shared.row < shared.col) & (shared.data >= threshold * longer)
    pairs = sorted(zip(shared.row[keep].tolist(), shared.col[keep].tolist()))

    duplicate_of: dict[DocumentKey, DocumentKey] = {}
    for position, other in pairs:  # each document in rank order, then its candidates
        document, candidate = ranked[position], ranked[other]
        if document.key in duplicate_of or candidate.key in duplicate_of or candidate.path == document.path:
            continue
        if similarity(list(document.fingerprint), list(candidate.fingerprint)) >= threshold:
            duplicate_of[candidate.key] = document.key
    return duplicate_of


def has_near_copy(new: list[DocumentSketch], documents: list[DocumentSketch], threshold: float) -> bool:
    """Whether any of the ``new`` documents is a near-copy of another file's document (the
    pairs ``find_duplicates`` would consider); cheap for a few new documents on a large archive."""
    others = [d for d in documents if d.fingerprint]
    if not others:
        return False
    width = max(len(d.fingerprint) for d in others)
    table = np.zeros((len(others), width), dtype=np.uint64)
    lengths = np.zeros(len(others), dtype=np.int64)
    for row, document in enumerate(others):
        table[row, :len(document.fingerprint)] = document.fingerprint
        lengths[row] = len(document.fingerprint)
    filled = np.arange(width) < lengths[:, None]
    for document in new:
        if not document.fingerprint:
            continue
        values = np.asarray(document.fingerprint, dtype=np.uint64)
        shared = (np.isin(table, values) & filled).sum(axis=1)
        # similarity() <= shared / longer sketch, as in find_duplicates.
        for row in np.flatnonzero(shared >= threshold * np.maximum(lengths, len(values))):
            other = others[row]
            if other.path != document.path and \
                    similarity(list(document.fingerprint), list(other.fingerprint)) >= threshold:
                return True
    return False
