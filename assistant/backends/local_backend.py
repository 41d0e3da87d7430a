"""Answers from a GGUF model run in-process by llama.cpp (the optional ``llm`` extra).

For users with no chat server at all. The runtime is xllamacpp (a prebuilt CPU wheel; the
llama-cpp-python package would need a 12-minute compile), and the default model is the
Qwen2.5-Coder-1.5B assembled by ``local_model``: the best chat model that installs offline from
PyPI, yet slow on a laptop CPU (20-35 s before the first word of a five-passage answer) and right
only about three times in five, so its answers always go through the citation check and the UI
labels the backend experimental.

xllamacpp embeds llama.cpp's server: ``Server(params)`` loads the model and also opens an HTTP
listener on a random loopback port, which this backend does not use; it is given a random API key
so that other local users cannot borrow the model through it.
"""

from __future__ import annotations

import logging
import os
import queue
import secrets
import threading
from collections.abc import Iterator

from assistant.backends import local_model
from assistant.backends.chat import ChatBackend
from assistant.backends.errors import BackendError

log = logging.getLogger(__name__)

# Context window: five 1,200-character passages, the instructions and the history come to about
# 1,300 tokens, plus max_answer_tokens; 4096 leaves room and keeps the KV cache near 120 MB.
CONTEXT_TOKENS = 4096
INSTALL_HINT = "pip install -e '.[llm]'"
_END = object()


class LocalBackend(ChatBackend):
    """Streams a cited answer from a GGUF model loaded in this process (loaded on first use)."""

    name = "local"

    def __init__(self, settings) -> None:
        self.settings = settings
        self._server = None
        self._lock = threading.Lock()


    def complete(self, messages: list[dict], max_tokens: int) -> Iterator[str]:
        """Stream the reply to ``messages`` (greedy decoding); raise BackendError on failure.

        llama.cpp calls back once per generated piece from a worker thread; the pieces pass
        through a queue so the caller can iterate. Closing the iterator early stops generation
        at the next piece.
        """
        server = self._load()
        body = {"messages": messages, "stream": True, "temperature": 0, "max_tokens": max_tokens}
        chunks: queue.Queue = queue.Queue()
        stop = threading.Event()

        def on_chunk(chunk: dict) -> bool:
            chunks.put(chunk)
            return stop.is_set()  # True tells llama.cpp to stop generating

        def run() -> None:
            try:
                server.handle_chat_completions(body, on_chunk)
            except Exception as error:  # reported to the caller below
                chunks.put(error)
            finally:
                chunks.put(_END)

        threading.Thread(target=run, name="local-llm", daemon=True).start()
        try:
            while (chunk := chunks.get()) is not _END:
                if isinstance(chunk, Exception):
                    log.warning("local model failed: %r", chunk)
                    raise BackendError(f"The local model failed ({chunk}): check the log."
                                       ) from chunk
                if chunk.get("error"):
                    error = chunk["error"]
                    message = error.get("message") if isinstance(error, dict) else error
                    log.warning("local model error: %s", chunk)
                    raise BackendError(f"The local model could not answer: {message}.")
                for choice in chunk.get("choices") or []:
                    content = (choice.get("delta") or {}).get("content")
                    if content:
                        yield content
        finally:
            stop.set()

    def _load(self):
        """The llama.cpp server holding the model, created once per backend."""
        with self._lock:
            if self._server is None:
                self._server = self._start()
            return self._server

    def _start(self):
        try:
            import xllamacpp
        except ImportError as error:
            raise BackendError(
                f"The local backend needs the optional llama.cpp runtime: run {INSTALL_HINT}."
            ) from error
        path = local_model.model_path(self.settings)
        params = xllamacpp.CommonParams()
        params.model.path = str(path)
        params.n_ctx = CONTEXT_TOKENS
        params.n_parallel = 1
        threads = self.settings.torch_threads or os.cpu_count() or 1
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.ui = False
        params.api_keys = [secrets.token_urlsafe(24)]
        log.info("loading local model %s (%d threads)", path, threads)
        try:
            return xllamacpp.Server(params)
        except RuntimeError as error:
            log.warning("llama.cpp could not load %s: %s", path, error)
            raise BackendError(f"llama.cpp could not load the model {path}: check that it is a "
                               f"GGUF chat model (local_model_path).") from error
