"""Answers from any OpenAI-compatible chat endpoint: Ollama, vLLM, llama.cpp server, OpenAI, Azure.

Plain HTTP with httpx rather than the openai package: the protocol is one POST and a
server-sent-event stream, and every self-hosted server speaks that subset, while the SDK adds a
dependency and its own retry policy. Settings used: ``openai_base_url`` (up to and including
``/v1``), ``openai_model``, ``openai_api_key`` (sent as a Bearer token when set),
``openai_timeout`` and ``max_answer_tokens``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator

import httpx

from assistant.backends.chat import ChatBackend
from assistant.backends.errors import BackendError

log = logging.getLogger(__name__)


# What to check, by HTTP status, for the one-sentence error.
_STATUS_HINTS = {
    401: "check openai_api_key",
    403: "check openai_api_key and that the key may use this model",
    404: "check openai_base_url (it usually ends in /v1) and openai_model",
    429: "the endpoint is rate-limiting; wait and retry",
}


class OpenAIBackend(ChatBackend):
    """Streams a cited answer from ``{openai_base_url}/chat/completions``."""

    name = "openai"

    def __init__(self, settings) -> None:
        self.settings = settings

    @property
    def url(self) -> str:
        return self.settings.openai_base_url.rstrip("/") + "/chat/completions"


    def complete(self, messages: list[dict], max_tokens: int) -> Iterator[str]:
        """Stream the reply to ``messages`` (temperature 0); raise BackendError on any failure."""
        body = {"model": self.settings.openai_model, "messages": messages, "stream": True,
                "temperature": 0, "max_tokens": max_tokens}
        headers = {"Accept": "text/event-stream"}
        if self.settings.openai_api_key:
            headers["Authorization"] = f"Bearer {self.settings.openai_api_key}"
        url, timeout = self.url, self.settings.openai_timeout
        try:
            with httpx.Client(timeout=timeout) as client:
                with client.stream("POST", url, json=body, headers=headers) as response:
                    if response.status_code >= 400:
                        raise BackendError(_status_error(url, response))
                    if "text/event-stream" in response.headers.get("content-type", ""):
                        yield from iter_sse_content(response.iter_lines(), url)
                    else:  # a server that ignores "stream" sends one JSON completion
                        yield _message_content(response.read(), url)
        except httpx.ConnectError as error:
            log.warning("connect to %s failed: %s", url, error)
            raise BackendError(
                f"Cannot connect to the chat endpoint {url}: check that the server is running "
                f"and that openai_base_url is right."
            ) from error
        except httpx.TimeoutException as error:
            log.warning("timeout from %s: %r", url, error)
            raise BackendError(
                f"The chat endpoint {url} did not answer within {timeout:g} s: check the server's "
                f"load or raise openai_timeout."
            ) from error
        except httpx.HTTPError as error:
            log.warning("HTTP error from %s: %r", url, error)
            raise BackendError(
                f"The chat endpoint {url} failed ({type(error).__name__}): check the server's log "
                f"and openai_base_url."
            ) from error


def iter_sse_content(lines: Iterable[str], url: str = "the chat endpoint") -> Iterator[str]:
    """The text deltas of an OpenAI chat-completion event stream.

    ``data: {json}`` lines carry ``choices[0].delta.content``; ``data: [DONE]`` ends the stream;
    blank lines, ``event:``/``id:`` fields and ``:`` keep-alive comments are skipped. A line that
    is not valid JSON is logged and skipped (one garbled event should not lose the answer), but a
    stream in which no event parses raises BackendError, as does an ``error`` event.
    """
    parsed = malformed = 0
    for line in lines:
        line = line.strip()
        if not line.startswith("data:"):
            continue
        data = line[len("data:"):].strip()
        if data == "[DONE]":
            return
        try:
            event = json.loads(data)
        except json.JSONDecodeError:
            malformed += 1
            log.warning("skipped a malformed event from %s: %.200s", url, data)
            continue
        if not isinstance(event, dict):
            malformed += 1
            continue
        if event.get("error"):
            raise BackendError(f"The chat endpoint {url} reported an error: "
                               f"{_error_message(event)}; check the server's log and openai_model.")
        parsed += 1
        for choice in event.get("choices") or []:
            content = (choice.get("delta") or {}).get("content")
            if content:
                yield content
    if malformed and not parsed:
        raise BackendError(f"The chat endpoint {url} did not send an OpenAI-compatible event "
                           f"stream: check that openai_base_url points at a chat-completions API.")


def _message_content(raw: bytes, url: str) -> str:
    """The message text of a non-streamed chat completion."""
    try:
        data = json.loads(raw)
        return data["choices"][0]["message"]["content"] or ""
    except (ValueError, KeyError, IndexError, TypeError) as error:
        log.warning("unexpected reply from %s: %.300r", url, raw)
        raise BackendError(f"The chat endpoint {url} answered with something that is not a chat "
                           f"completion: check that openai_base_url points at a chat-completions "
                           f"API.") from error


def _error_message(data: dict) -> str:
    error = data.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or error)
    return str(error or data)


def _status_error(url: str, response: httpx.Response) -> str:
    raw = response.read()
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if isinstance(data, dict):
        detail = _error_message(data)
    else:
        detail = raw.decode("utf-8", "replace").strip()
    log.warning("HTTP %s from %s: %.500s", response.status_code, url, detail)
    hint = _STATUS_HINTS.get(response.status_code, "check the server's log and openai_model")
    said = f" ({detail[:200]})" if detail else ""
    return f"The chat endpoint {url} answered HTTP {response.status_code}{said}: {hint}."
