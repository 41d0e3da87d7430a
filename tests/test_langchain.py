"""The LangChain interfaces: MinutesRetriever is a BaseRetriever returning Documents with the
Passage fields; as_runnable(assistant) is a Runnable with invoke, stream, batch and piping."""

import pytest
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from assistant.factory import build_assistant
from assistant.langchain import MinutesRetriever, as_runnable, ask_arguments
from assistant.retrieval import HybridRetriever
from minutes_core.settings import Settings
from tests.assistant_fakes import FakeIndex, sample_passages
from vectorstore.models import Filters

LAPTOPS = "How many laptops did the Trust distribute?"


@pytest.fixture
def index():
    return FakeIndex(sample_passages())


@pytest.fixture
def runnable(index, tmp_path):
    return as_runnable(build_assistant(Settings(data_dir=tmp_path), index=index))


def test_retriever_is_a_langchain_retriever_returning_documents_with_passage_metadata(index):
    retriever = MinutesRetriever(retriever=HybridRetriever(index, Settings(data_dir="unused")), k=2)
    assert isinstance(retriever, BaseRetriever)
    documents = retriever.invoke("agency social workers employed across the Trust")
    assert len(documents) == 2 and all(isinstance(d, Document) for d in documents)
    first = documents[0]
    assert first.page_content.startswith("- As a snapshot today there are about 80 85")
    assert first.id == "dec-agency"
    assert {"source", "committee", "meeting_date", "doc_type", "item", "page", "score"} <= set(first.metadata)
    assert first.metadata["meeting_date"] == "2020-12-09"
    assert "text" not in first.metadata


def test_retriever_applies_its_filters(index):
    retriever = MinutesRetriever(retriever=HybridRetriever(index, Settings(data_dir="unused")),
                                 filters=Filters(date_from="2018-01-01", date_to="2018-12-31"))
    documents = retriever.invoke("Corporate Parenting")
    assert [d.metadata["meeting_date"] for d in documents] == ["2018-01-17"]


def test_retriever_batches(index):
    retriever = MinutesRetriever(retriever=HybridRetriever(index, Settings(data_dir="unused")), k=1)
    results = retriever.batch(["laptops", "Corporate Parenting"])
    assert [r[0].id for r in results] == ["dec-agency", "jan18-resolved"]


def test_runnable_invoke_takes_a_string_and_returns_the_ask_json(runnable):
    assert isinstance(runnable, Runnable)
    out = runnable.invoke(LAPTOPS)
    assert out["question"] == LAPTOPS
    assert "3,500 laptops" in out["answer"]
    assert out["citations"][0]["n"] == 1


def test_runnable_invoke_takes_history_and_filters(runnable):
    out = runnable.invoke({
        "question": "and who presented it?",
        "history": [{"role": "user", "content": "What did the committee ask the Children's Trust "
                                                "for in December 2020?"},
                    {"role": "assistant", "content": "..."}],
        "filters": {"date_from": "2020-12-09", "date_to": "2020-12-09"},
    })
    assert out["standalone_query"].startswith("Who presented Children's Trust")
    assert out["filters"] == {"date_from": "2020-12-09", "date_to": "2020-12-09"}
    assert all(p["meeting_date"] == "2020-12-09" for p in out["passages"])


def test_runnable_stream_yields_text_chunks(runnable):
    chunks = list(runnable.stream(LAPTOPS))
    assert chunks and all(isinstance(c, str) for c in chunks)
    assert "".join(chunks) == runnable.invoke(LAPTOPS)["answer"]


def test_runnable_batch_answers_each_question(runnable):
    outs = runnable.batch([LAPTOPS, {"question": "What is the budget for the new swimming pool?"}])
    assert "3,500 laptops" in outs[0]["answer"]
    assert outs[1]["abstained"]


def test_runnable_composes_with_other_runnables(runnable):
    chain = RunnableLambda(lambda topic: f"How many {topic} did the Trust distribute?") | runnable \
        | RunnableLambda(lambda out: out["answer"])
    assert "3,500 laptops" in chain.invoke("laptops")


@pytest.mark.parametrize("value, message", [
    (42, "question string"),
    ({"query": "x"}, "question string"),
    ({"question": "x", "topk": 3}, "Unknown input key"),
    ({"question": "x", "filters": {"year": 2020}}, "Unknown filter"),
])
def test_bad_input_is_a_clear_error(value, message):
    with pytest.raises(ValueError, match=message):
        ask_arguments(value)


def test_input_dict_becomes_ask_arguments():
    args = ask_arguments({"question": "q", "k": 3, "backend": "extractive",
                          "filters": {"committee": "City Council", "decisions_only": True}})
    assert args["filters"] == Filters(committee="City Council", decisions_only=True)
    assert (args["k"], args["backend"], args["history"]) == (3, "extractive", [])
