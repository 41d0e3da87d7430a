"""Hybrid retrieval: dense (Chroma) and BM25 candidates fused by reciprocal rank fusion.

Dense search finds paraphrases ("children in care" for "looked after children"); BM25 finds the
exact names, numbers and KPI labels that a 384-dimensional MiniLM vector blurs. Neither needs the
other's scores calibrated, which is why they are fused by rank. No cross-encoder weights exist
offline (docs: the dependency spike found none on PyPI), so re-ranking is an interface with a
pass-through default that a real reranker can replace.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Protocol

from assistant import fusion
from assistant.filters import ParsedQuestion
from minutes_core.settings import Settings
from minutes_core.timing import StageTimer
from vectorstore.models import Filters, Passage

log = logging.getLogger(__name__)

# Soft preferences from the question multiply the fused score. A month named without a meeting
# ("KPI 13 in October 2020") should outrank other periods' passages of similar relevance; RRF
# scores of neighbouring ranks differ by ~2-3 %, so 1.5 moves a passage several places, not to
# the top from nowhere. Decisions get a smaller lift: RESOLVED text is usually short and sits
# lower in both rankings than the discussion around it.
DATE_PREFERENCE = 1.5
DECISION_PREFERENCE = 1.3
# A committee named in the question lifts its passages as much as a named month does.
COMMITTEE_PREFERENCE = 1.5
# A kind of report named ("according to the business plan") lifts that report's passages as much.
DOC_KIND_PREFERENCE = 1.5
# A passage with one sentence holding all of the question's terms scores up to twice its fused
# score (1 + 1.0 x share); only the head of the fused list is read. Weights 0.3 / 0.6 / 1.0 /
# 1.5 / 2.5 gave bundled hit@5 0.906 at each and MRR@5 0.792 / 0.809 / 0.804 / 0.805 / 0.790
# (0.770 without); held-out MRR@5 0.738 / 0.757 / 0.776 / 0.771 / 0.774 (0.701 without).
SENTENCE_MATCH_WEIGHT = 1.0
SENTENCE_MATCH_CANDIDATES = 20
# The decisions-only rankings are extra votes for RESOLVED passages, worth half a full ranking so
# they lift a decision without burying the passage that answers the question.
DECISION_LIST_WEIGHT = 0.5
# Candidates of the extra decisions-only searches run for resolution questions.
DECISION_CANDIDATES = 10
# Only the head of the fused list is checked for duplicate texts (the check is pairwise).
COLLAPSE_WINDOW = 4


class Reranker(Protocol):
    """Re-orders fused candidates (a cross-encoder, say). Returns the passages best first."""

    def rerank(self, query: str, passages: list[Passage]) -> list[Passage]: ...


class KeepOrder:
    """The default reranker: keeps the fused order (no offline cross-encoder weights exist)."""

    def rerank(self, query: str, passages: list[Passage]) -> list[Passage]:
        return list(passages)


@dataclass
class RetrievalResult:
    """Ranked passages and the seconds each stage took (dense, bm25, decisions, fuse, rerank)."""

    passages: list[Passage]
    timings: dict[str, float] = field(default_factory=dict)


class HybridRetriever:
    """Dense + BM25 over one ``vectorstore.index.Index``, fused, re-weighted and collapsed."""

    def __init__(self, index, settings: Settings, reranker: Reranker | None = None):
        self.index = index
        self.settings = settings
        self.reranker = reranker or KeepOrder()

    def retrieve(self, query: str, filters: Filters | None = None, k: int | None = None) -> list[Passage]:
        """The retriever interface (docs/interfaces.md): the top ``k`` passages."""
        return self.search(query, filters, k).passages

    def search(self, query: str, filters: Filters | None = None, k: int | None = None,
               hints: ParsedQuestion | None = None) -> RetrievalResult:
        """Retrieve with per-stage timings; ``hints`` adds the question's soft preferences."""
        k = k or self.settings.k
        filters = filters if filters is not None and not filters.is_empty() else None
        n = max(self.settings.candidates, k)
        timer = StageTimer()
        with timer.stage("dense"):
            dense = self.index.dense_search(query, filters, n)
        with timer.stage("bm25"):
            keyword = self.index.keyword_search(query, filters, n)

        rankings = {"dense": dense, "bm25": keyword}
        if hints is not None and hints.resolution and not (filters and filters.decisions_only):
            # RESOLVED blocks are short and drown in the discussion around them; a search among
            # decisions only gives them their own rankings to fuse.
            with timer.stage("decisions"):
                decisions = dataclasses.replace(filters or Filters(), decisions_only=True)
                rankings["dense_decisions"] = self.index.dense_search(query, decisions,
                                                                      DECISION_CANDIDATES)
                rankings["bm25_decisions"] = self.index.keyword_search(query, decisions,
                                                                       DECISION_CANDIDATES)

        with timer.stage("fuse"):
            fused = self._fuse(query, rankings, filters, hints, k)

        if not isinstance(self.reranker, KeepOrder):
            with timer.stage("rerank"):
                fused = self.reranker.rerank(query, fused)
        log.debug("retrieved %d dense + %d bm25 -> %d fused for %r", len(dense), len(keyword),
                  len(fused), query)
        return RetrievalResult(fused[:k], dict(timer.timings))

    def _fuse(self, query: str, rankings: dict[str, list[Passage]], filters: Filters | None,
              hints: ParsedQuestion | None, k: int) -> list[Passage]:
        """The rankings fused, re-weighted by what the question prefers, alternates collapsed."""
        dense_weight = self.settings.dense_weight
        weights = {"dense": dense_weight, "bm25": 1.0,
                   "dense_decisions": dense_weight * DECISION_LIST_WEIGHT,
                   "bm25_decisions": DECISION_LIST_WEIGHT}
        fused = fusion.reciprocal_rank_fusion(rankings, k=self.settings.rrf_k, weights=weights)
        fused = fusion.down_weight_boilerplate(fused, self.settings.boilerplate_weight, query)
        fused = fusion.prefer_sentence_match(fused, query, SENTENCE_MATCH_WEIGHT,
                                             SENTENCE_MATCH_CANDIDATES)
        if hints is not None:
            if hints.prefer_from or hints.prefer_to:
                fused = fusion.prefer_dates(fused, hints.prefer_from, hints.prefer_to, DATE_PREFERENCE)
            if hints.committee and not (filters and filters.committee):
                fused = fusion.prefer_committee(fused, hints.committee, COMMITTEE_PREFERENCE)
            if hints.doc_kind:
                fused = fusion.prefer_doc_kind(fused, hints.doc_kind, DOC_KIND_PREFERENCE)
            if hints.resolution:
                fused = fusion.prefer_decisions(fused, DECISION_PREFERENCE, query)
            if hints.latest:
                fused = fusion.recency_tiebreak(fused)
        return fusion.collapse_alternates(fused[: max(k * COLLAPSE_WINDOW, 20)])
