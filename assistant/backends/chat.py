"""What the generative backends share: answering and rewriting through one chat completion.

A backend only says how to stream a completion (``complete``); the prompts, and so the answer
and rewrite behaviour, are the same whichever model serves them.
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant.models import Turn
from assistant.prompts import answer_messages, clean_rewrite, rewrite_messages
from vectorstore.models import Passage

# A standalone question is one line; this bounds a model that starts answering instead.
REWRITE_MAX_TOKENS = 96


class ChatBackend:
    """Answers and rewrites with prompts from assistant.prompts; subclasses stream completions."""

    settings = None

    def complete(self, messages: list[dict], max_tokens: int) -> Iterator[str]:
        raise NotImplementedError  # each backend streams from its own model or endpoint

    def generate(self, question: str, passages: list[Passage],
                 history: list[Turn]) -> Iterator[str]:
        """The answer's text as it arrives, with [n] markers pointing into ``passages``."""
        yield from self.complete(answer_messages(question, passages, history),
                                 self.settings.max_answer_tokens)

    def rewrite(self, question: str, history: list[Turn]) -> str:
        """``question`` as a standalone search query (unchanged when there is no history)."""
        if not history:
            return question
        reply = "".join(self.complete(rewrite_messages(question, history), REWRITE_MAX_TOKENS))
        return clean_rewrite(reply, question)
