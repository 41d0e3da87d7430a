"""LangChain views of the retriever and the assistant, for composing them into other chains.

``MinutesRetriever`` is a ``BaseRetriever``: ``invoke("question")`` gives LangChain Documents whose
metadata holds the Passage fields (source, committee, meeting_date, item, page, scores...).
``as_runnable(assistant)`` is a ``Runnable``: ``invoke`` takes a question (or
{"question", "history", "filters", "k", "backend"}) and returns the ``ask --json`` dict;
``stream`` yields the answer's text pieces; ``batch`` answers several questions.
"""

from __future__ import annotations

from typing import Any, Iterator

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableConfig

from assistant.models import Answer, Turn
from vectorstore.models import Filters, Passage

_FILTER_FIELDS = {"committee", "date_from", "date_to", "doc_type", "decisions_only", "source"}


def passage_to_document(passage: Passage) -> Document:
    """A Document with the passage text as content and every other Passage field as metadata."""
    metadata = passage.to_dict()
    metadata.pop("text")
    return Document(page_content=passage.text, metadata=metadata, id=passage.id)


class MinutesRetriever(BaseRetriever):
    """Any retriever of this project (``retrieve(query, filters, k)``) as a LangChain retriever."""

    retriever: Any
    filters: Filters | None = None
    k: int = 5

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        passages = self.retriever.retrieve(query, self.filters or Filters(), self.k)
        return [passage_to_document(p) for p in passages]


class AssistantRunnable(Runnable[Any, dict]):
    """The Assistant as a LangChain Runnable (see the module docstring for input and output)."""

    def __init__(self, assistant) -> None:
        self.assistant = assistant

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> dict:
        return self._call_with_config(self._ask, input, config)

    def stream(self, input: Any, config: RunnableConfig | None = None,
               **kwargs: Any) -> Iterator[str]:
        """The answer's text pieces as the assistant produces them (the final Answer is dropped)."""
        for item in self.assistant.stream(**ask_arguments(input)):
            if not isinstance(item, Answer):
                yield item

    def _ask(self, input: Any) -> dict:
        return self.assistant.ask(**ask_arguments(input)).to_dict()


def as_runnable(assistant) -> AssistantRunnable:
    """Wrap an Assistant so LangChain users can pipe, batch and stream it."""
    return AssistantRunnable(assistant)


def ask_arguments(input: Any) -> dict[str, Any]:
    """Keyword arguments of ``Assistant.ask`` from a question string or an input dict."""
    if isinstance(input, str):
        return {"question": input}
    if not isinstance(input, dict) or not isinstance(input.get("question"), str):
        raise ValueError('Input must be a question string or a dict with a "question" string.')
    unknown = set(input) - {"question", "history", "filters", "k", "backend"}
    if unknown:
        raise ValueError(f"Unknown input key(s): {', '.join(sorted(unknown))}.")
    filters = input.get("filters")
    if isinstance(filters, dict):
        bad = set(filters) - _FILTER_FIELDS
        if bad:
            raise ValueError(f"Unknown filter(s): {', '.join(sorted(bad))}; "
                             f"valid: {', '.join(sorted(_FILTER_FIELDS))}.")
        filters = Filters(**filters)
    history = [t if isinstance(t, Turn) else Turn(role=t["role"], content=t["content"])
               for t in input.get("history") or []]
    return {"question": input["question"], "history": history, "filters": filters,
            "k": input.get("k"), "backend": input.get("backend")}
