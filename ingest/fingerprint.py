"""A document's fingerprint for near-duplicate detection: a bottom-k sketch of its word 5-shingles.

Taken when a file is parsed (``ingest.parse``), so the parse stage, which may run in another
process, hands storage everything it keeps; ``vectorstore.dedup`` compares the sketches.

A bottom-k sketch (Broder, "On the resemblance and containment of documents", 1997) keeps the k
smallest shingle hashes; the share of the union's k smallest hashes found in both sketches is an
unbiased estimate of the Jaccard similarity of the two shingle sets.
"""

from __future__ import annotations

import hashlib
import re

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
