"""The keyword index: BM25 (bm25s) over the chunks' ``index_text``, saved under ``<data_dir>/bm25/``.

bm25s cannot add or remove single documents, so the index is rebuilt whenever the indexed chunk
set changes (0.4 s for 2,000 chunks). Each build goes to its own folder named by the
fingerprint of the chunk set, and a small ``current`` file, replaced atomically, names the live
one: a kill during a build leaves the previous index in place, and a reader in another process
never sees half a folder. The fingerprint also tells a stale index apart from a current one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import bm25s
import numpy as np

from minutes_core.text.stems import TOKENIZER_VERSION, terms
from minutes_core.text.stopwords import STOPWORDS

log = logging.getLogger(__name__)

_POINTER = "current"
_IDS = "ids.json"


def fingerprint(pairs: Iterable[tuple[str, str]]) -> str:
    """Identity of a chunk set and of how it is tokenised: hash of the tokenizer's version and the
    sorted (chunk id, index_text) pairs (a new tokenizer rebuilds the index)."""
    digest = hashlib.sha1(TOKENIZER_VERSION.encode("utf-8") + b"\x1e")
    for chunk_id, index_text in sorted(pairs):
        digest.update(chunk_id.encode("utf-8") + b"\x1f")
        digest.update(hashlib.sha1(index_text.encode("utf-8")).digest())
    return digest.hexdigest()


def tokenize(texts: list[str]) -> list[list[str]]:
    """Each text's terms as the rest of the project reads them (``minutes_core.text.stems``),
    stopwords left out: bm25s indexes pre-tokenised text as given."""
    return [terms(text, STOPWORDS) for text in texts]


class BM25Store:
    """The saved BM25 index and the chunk ids in its document order."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._lock = threading.Lock()
        self._loaded: str | None = None  # fingerprint of what is in memory
        self._retriever: bm25s.BM25 | None = None
        self._ids: list[str] = []

    @property
    def fingerprint(self) -> str | None:
        """The fingerprint of the saved index, or None when there is none (or it is incomplete)."""
        try:
            live = (self.folder / _POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return live if live and (self.folder / live / _IDS).is_file() else None

    def build(self, ids: list[str], texts: list[str], chunk_set: str) -> None:
        """Index texts (aligned with ids) and make the result the live index."""
        self.folder.mkdir(parents=True, exist_ok=True)
        staging = self.folder / f".{chunk_set}.{os.getpid()}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        if ids:  # bm25s cannot index an empty corpus; an empty folder stands for one
            retriever = bm25s.BM25()
            retriever.index(tokenize(texts), show_progress=False)
            retriever.save(str(staging), show_progress=False)
        (staging / _IDS).write_text(json.dumps(ids), encoding="utf-8")
        shutil.rmtree(self.folder / chunk_set, ignore_errors=True)
        os.replace(staging, self.folder / chunk_set)
        pointer = self.folder / f".{_POINTER}.{os.getpid()}.tmp"
        pointer.write_text(chunk_set, encoding="utf-8")
        os.replace(pointer, self.folder / _POINTER)
        for entry in self.folder.iterdir():
            if entry.is_dir() and entry.name != chunk_set:
                shutil.rmtree(entry, ignore_errors=True)
        log.info("BM25 index rebuilt over %d chunks", len(ids))

    def _current(self) -> tuple[str | None, bm25s.BM25 | None, list[str]]:
        """The live index, (re)loaded when another build (maybe another process) replaced it."""
        with self._lock:
            for attempt in range(3):
                live = self.fingerprint
                if live == self._loaded:
                    break
                try:
                    self._load(live)
                except FileNotFoundError:
                    # Another process replaced the index between our reading of the pointer
                    # and of the folder: read the pointer again.
                    log.debug("BM25 index %s went away while loading (attempt %d)", live, attempt + 1)
            return self._loaded, self._retriever, self._ids

    def _load(self, live: str | None) -> None:
        self._retriever, self._ids, self._loaded = None, [], None
        if live is not None:
            folder = self.folder / live
            ids = json.loads((folder / _IDS).read_text(encoding="utf-8"))
            if ids:
                self._retriever = bm25s.BM25.load(str(folder), show_progress=False)
            self._ids = ids
        self._loaded = live

    @property
    def ids(self) -> list[str]:
        """Chunk ids in index order."""
        return self._current()[2]

    def search(self, query: str, k: int,
               weights: Callable[[str, list[str]], np.ndarray] | None = None) -> list[tuple[str, float]]:
        """Up to k (chunk id, BM25 score) with a score above 0, best first.

        ``weights(fingerprint, ids)`` gives a 0/1 weight per indexed chunk of the index being
        searched (ids in index order); bm25s multiplies the scores by it, so a selective filter
        still finds its k best matches instead of filtering an over-fetched list.
        """
        live, retriever, ids = self._current()
        tokens = tokenize([query])
        if retriever is None or k <= 0 or not tokens[0]:
            return []
        mask = None if weights is None else np.asarray(weights(live, ids), dtype=np.float32)
        if mask is not None and not mask.any():
            return []
        documents, scores = retriever.retrieve(tokens, k=min(k, len(ids)), show_progress=False,
                                               weight_mask=mask)
        return [(ids[int(doc)], float(score)) for doc, score in zip(documents[0], scores[0])
                if score > 0]
