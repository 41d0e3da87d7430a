"""Near-duplicate detection between documents of different files.

Council papers travel: a report is published on its own and again inside the agenda pack of the
meeting that considers it. Indexing both copies would fill search results with the same passage
twice, so each document carries a bottom-k sketch of its word 5-shingles (``sketch``), and
``find_duplicates`` keeps one canonical copy per group of near-identical documents.

A bottom-k sketch (Broder, "On the resemblance and containment of documents", 1997) keeps the k
smallest shingle hashes; the share of the union's k smallest hashes found in both sketches is an
unbiased estimate of the Jaccard similarity of the two shingle sets.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass

from minutes_core.text.normalise import match_form

SHINGLE_WORDS = 5
DEFAULT_K = 256

_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Text as compared for duplication: the differences between two extractions of one paper
    (case, curly quotes, markdown bold, HTML tags, spacing) removed."""
    return match_form(text, tags=True, dashes=False)


def _hash(shingle: str) -> int:
    # A stable 64-bit hash: Python's hash() is salted per process and would change every run.
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "big")


def sketch(text: str, k: int = DEFAULT_K) -> list[int]:
    """The k smallest hashes of the text's word 5-shingles, ascending; [] for text without words.

    A text shorter than five words is one shingle, so short documents still compare.
    """
    words = _WORD.findall(normalise(text))
    if not words:
        return []
    if len(words) < SHINGLE_WORDS:
        shingles = {" ".join(words)}
    else:
        shingles = {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    return sorted({_hash(s) for s in shingles})[:k]


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
    """
    ranked = sorted((d for d in documents if d.fingerprint),
                    key=lambda d: (d.file_documents, d.path, d.key[1]))
    postings: dict[int, list[int]] = defaultdict(list)
    for position, document in enumerate(ranked):
        for value in document.fingerprint:
            postings[value].append(position)

    duplicate_of: dict[DocumentKey, DocumentKey] = {}
    for position, document in enumerate(ranked):
        if document.key in duplicate_of:
            continue
        shared: dict[int, int] = defaultdict(int)
        for value in document.fingerprint:
            for other in postings[value]:
                if other > position:
                    shared[other] += 1
        for other, count in shared.items():
            candidate = ranked[other]
            if candidate.path == document.path or candidate.key in duplicate_of:
                continue
            # similarity() <= shared / longer sketch, so this skips pairs that cannot qualify.
            if count / max(len(document.fingerprint), len(candidate.fingerprint)) < threshold:
                continue
            if similarity(list(document.fingerprint), list(candidate.fingerprint)) >= threshold:
                duplicate_of[candidate.key] = document.key
    return duplicate_of
