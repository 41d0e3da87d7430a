"""Small fakes for the assistant's tests: a bag-of-words embedder and an in-memory index.

The fake index has the methods of ``vectorstore.index.Index`` that the assistant uses
(dense_search, keyword_search, get_passages, passages_where, stats) over a handful of passages
written in the style of the sample minutes, so the tests need neither the model nor Chroma.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re

import numpy as np

from vectorstore.index import Index
from vectorstore.models import Filters, Passage

DIM = 512
_STOP = {"the", "a", "an", "of", "in", "on", "at", "to", "for", "and", "or", "what", "did", "was",
         "were", "is", "are", "who", "how", "many", "by", "with", "that", "this", "it", "be"}


def _tokens(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9£%]+", text.lower().replace("’", "'"))
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words if w not in _STOP]


class FakeEmbedder:
    """Deterministic hashed bag-of-words vectors (L2-normalised), counting calls and texts."""

    dimension = DIM
    model_name = "fake-bow"
    identity = "fake-bow@256"

    def __init__(self):
        self.calls = 0
        self.texts_embedded = 0
        self.sentence_calls = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(DIM, dtype=np.float32)
        for token in _tokens(text):
            vector[int(hashlib.md5(token.encode()).hexdigest(), 16) % DIM] += 1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def embed_documents(self, texts, progress: bool = False) -> np.ndarray:
        self.calls += 1
        self.texts_embedded += len(texts)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.vstack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]

    def embed_sentences(self, texts) -> np.ndarray:
        """The answer stage's sentences: counted like documents, and apart."""
        self.sentence_calls += 1
        return self.embed_documents(texts)


def passage(pid: str, text: str, **fields) -> Passage:
    """A Passage whose metadata mirrors its fields (as the real index's passages do)."""
    meta = {"source": fields.pop("source", "minutes.txt"), **fields}
    meta.setdefault("doc_id", f"{meta['source']}#1")
    return Passage.from_chunk(pid, text, meta)


def _matches(p: Passage, filters: Filters | None) -> bool:
    if filters is None:
        return True
    if filters.committee and (p.committee or "").lower() != filters.committee.lower():
        return False
    if filters.date_from and not (p.meeting_date and p.meeting_date >= filters.date_from):
        return False
    if filters.date_to and not (p.meeting_date and p.meeting_date <= filters.date_to):
        return False
    if filters.doc_type and p.doc_type != filters.doc_type:
        return False
    if filters.decisions_only and not p.is_decision:
        return False
    if filters.source and p.source != filters.source:
        return False
    return True


class FakeIndex:
    """An in-memory stand-in for vectorstore.index.Index (search, lookup, stats)."""

    def __init__(self, passages: list[Passage], embedder: FakeEmbedder | None = None):
        self.passages = list(passages)
        self.embedder = embedder or FakeEmbedder()
        self.searches: list[tuple[str, str, Filters | None]] = []

    def _header(self, p: Passage) -> str:
        return " ".join(str(x) for x in [p.committee, p.meeting_date, p.title, p.item_title, p.text] if x)

    def dense_search(self, query: str, filters: Filters | None = None, k: int = 5) -> list[Passage]:
        self.searches.append(("dense", query, filters))
        q = self.embedder.embed_query(query)
        pool = [p for p in self.passages if _matches(p, filters)]
        if not pool:
            return []
        vectors = FakeEmbedder().embed_documents([self._header(p) for p in pool])
        scored = sorted(zip(pool, vectors @ q), key=lambda x: (-x[1], x[0].id))[:k]
        return [dataclasses.replace(p, score=float(s), scores={"dense": float(s)}) for p, s in scored]

    def dense_rankings(self, query: str, filters: Filters | None, k: int, scope: Filters,
                       scope_k: int, pool: int) -> tuple[list[Passage], list[Passage]]:
        nearest = self.dense_search(query, filters, max(k, pool))
        return nearest[:k], [p for p in nearest if _matches(p, scope)][:scope_k]

    def keyword_search(self, query: str, filters: Filters | None = None, k: int = 5) -> list[Passage]:
        self.searches.append(("bm25", query, filters))
        terms = set(_tokens(query))
        out = []
        for p in self.passages:
            if not _matches(p, filters):
                continue
            score = float(sum(1 for t in _tokens(self._header(p)) if t in terms))
            if score > 0:
                out.append(dataclasses.replace(p, score=score, scores={"bm25": score}))
        return sorted(out, key=lambda p: (-p.score, p.id))[:k]

    def get_passages(self, ids: list[str]) -> list[Passage]:
        by_id = {p.id: p for p in self.passages}
        return [by_id[i] for i in ids if i in by_id]

    def passages_where(self, filters: Filters, limit: int = 10000) -> list[Passage]:
        return [p for p in self.passages if _matches(p, filters)][:limit]

    neighbour = Index.neighbour  # the real lookup, over this index's passages_where

    def stats(self) -> dict:
        return {
            "files": len({p.source for p in self.passages}),
            "documents": len({p.metadata.get("doc_id") for p in self.passages}),
            "chunks": len(self.passages),
            "committees": sorted({p.committee for p in self.passages if p.committee}),
            "meetings": sorted({p.meeting_date for p in self.passages if p.meeting_date}),
        }


COMMITTEE = "Education and Children's Social Care Overview and Scrutiny Committee"
COUNCIL = "City Council"

TRUST_RESOLVED = """RESOLVED

The committee noted the update and requested the following:

- The report to the Children's Trust Board resulting from fundamental review regarding the workforce.
- The annual summary of the KPIs.
- The Cabinet Member to report back on the conversations and commitments made in relation to how best to engage Members as corporate parents. It

was suggested the best time to report back would probably be in the spring next year.
"""


def sample_passages() -> list[Passage]:
    """Passages in the style of the sample minutes: two 2020 meetings, one 2018, one 2017 report."""
    dec, oct_ = "2020-12-09", "2020-10-28"
    common = dict(committee=COMMITTEE, doc_type="minutes")
    return [
        passage("dec-trust-resolved", TRUST_RESOLVED, meeting_date=dec, item="5",
                item_title="Children's Trust Update", is_decision=True, chunk_index=7,
                source="dec.txt", doc_id="dec.txt#1", **common),
        passage("dec-trust-presented",
                "Andy Couldrick presented the paper and highlighted that to respond to the pandemic "
                "the Trust had invested in equipment for staff. The quality of supervision has been "
                "a focus during the pandemic.",
                meeting_date=dec, item="5", item_title="Children's Trust Update", chunk_index=4,
                source="dec.txt", doc_id="dec.txt#1", **common),
        passage("dec-agency",
                "- As a snapshot today there are about 80 85 agency social workers employed across "
                "the Trust, which is about 13% and lower than statistical neighbours.\n"
                "- The Trust distributed 3,500 laptops to vulnerable children so they can access "
                "learning when schools were closed.",
                meeting_date=dec, item="5", item_title="Children's Trust Update", chunk_index=5,
                source="dec.txt", doc_id="dec.txt#1", **common),
        passage("dec-webcast",
                "The Chairman advised that this meeting would be webcast for live or subsequent "
                "broadcast via the Council's Internet site.",
                meeting_date=dec, item="1", item_title="Notice of Recording/Webcast",
                is_boilerplate=True, chunk_index=1, source="dec.txt", doc_id="dec.txt#1", **common),
        passage("oct-send-resolved",
                "RESOLVED:\n\nThe committee agreed that the SEND Written Statement of Action update "
                "be noted and that a further report on home to school transport comes to the "
                "January 2021 meeting.",
                meeting_date=oct_, item="5", item_title="SEND WSOA Update", is_decision=True,
                chunk_index=3, source="oct.txt", doc_id="oct.txt#2", **common),
        passage("oct-webcast",
                "The Chairman advised that this meeting would be webcast for live or subsequent "
                "broadcast via the Council's Internet site.",
                meeting_date=oct_, item="1", item_title="Notice of Recording/Webcast",
                is_boilerplate=True, chunk_index=1, source="oct.txt", doc_id="oct.txt#2", **common),
        passage("jan18-resolved",
                "RESOLVED:\n\nThat the Corporate Parenting Board annual report be noted and that "
                "Members attend a Corporate Parenting training session.",
                meeting_date="2018-01-17", item="6", item_title="Corporate Parenting",
                is_decision=True, chunk_index=2, source="jan18.txt", doc_id="jan18.txt#3",
                committee=COMMITTEE, doc_type="minutes"),
        passage("quartet-schools",
                "There are 269 local authority maintained schools in Birmingham as at 8 November "
                "2017. Ofsted judged 83% of them good or outstanding.",
                meeting_date="2017-12-05", committee=COUNCIL, doc_type="council_report",
                title="Report of the Improvement Quartet", source="quartet.txt",
                doc_id="quartet.txt#1", chunk_index=0),
    ]
