"""What the assistant returns: an Answer made of cited sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vectorstore.models import Filters, Passage


@dataclass
class Turn:
    """One message of a conversation (the contract's history item)."""

    role: str  # "user" or "assistant"
    content: str


@dataclass
class AnswerSentence:
    """One sentence of an answer and the citation numbers that support it.

    ``supported`` is False when a generated sentence's citations were checked and none of the
    cited passages shares its key content; the UI marks such sentences.
    ``quote`` is True when the sentence is verbatim source text (a RESOLVED block, say).
    """

    text: str
    citations: list[int] = field(default_factory=list)
    supported: bool = True
    quote: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "citations": self.citations, "supported": self.supported,
                "quote": self.quote}


@dataclass
class Answer:
    """An answer with its evidence; ``to_dict()`` is the contract's ``ask --json`` shape."""

    question: str
    answer: str
    standalone_query: str
    filters: Filters = field(default_factory=Filters)
    abstained: bool = False
    citations: dict[int, Passage] = field(default_factory=dict)
    passages: list[Passage] = field(default_factory=list)
    sentences: list[AnswerSentence] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    backend: str = "extractive"
    route: str = "retrieval"  # "retrieval" or "records"
    notes: list[str] = field(default_factory=list)
    # The extractive backend's abstention decision: {"probability" that the records do not
    # answer, "threshold", "features"}; None when no such decision was made (records answers).
    abstention: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "standalone_query": self.standalone_query,
            "filters": self.filters.to_dict(),
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [{"n": n, **p.to_dict()} for n, p in sorted(self.citations.items())],
            "passages": [p.to_dict() for p in self.passages],
            "sentences": [s.to_dict() for s in self.sentences],
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "backend": self.backend,
            "route": self.route,
            "notes": self.notes,
            "abstention": self.abstention,
        }
