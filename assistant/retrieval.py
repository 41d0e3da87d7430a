"""Hybrid retrieval: dense (Chroma) and BM25 candidates fused by reciprocal rank fusion.

Dense search finds paraphrases ("children in care" for "looked after children"); BM25 finds the
exact names, numbers and KPI labels that a 384-dimensional MiniLM vector blurs. Neither needs the
other's scores calibrated, which is why they are fused by rank. No cross-encoder weights exist
offline (docs: the dependency spike found none on PyPI), so re-ranking is an interface with a
pass-through default that a real reranker can replace.
"""

from __future__ import annotations

import calendar
import dataclasses
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from assistant import fusion
from assistant.filters import ParsedQuestion
from minutes_core.settings import Settings
from minutes_core.timing import StageTimer
from vectorstore.models import Filters, Passage

log = logging.getLogger(__name__)


def shift_months(iso: str, months: int) -> str:
    """The ISO date ``months`` calendar months after ``iso`` (before it when negative), clipped
    to the month's last day."""
    day = date.fromisoformat(iso[:10])
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1])).isoformat()

@dataclass(frozen=True)
class FusionWeights:
    """How fusion weighs what the question names; each factor multiplies fused scores.

    Each rule here fixes at least three development items across at least two councils, and the
    values were checked by leave-one-council-out over every council's development suites
    (``scripts/fit_fusion.py``; items and figures in ``docs/rules.md``). RRF scores of
    neighbouring ranks differ by a few per cent, so a factor of 1.5 moves a passage several
    places, not to the top from nowhere.
    """

    # A date the question names without tying it to a meeting ("KPI 13 in October 2020").
    date: float = 1.5
    # ... and named in a passage's own text, among the fused list's first ``date_text_candidates``
    # (a report of 2018's figures minuted in 2019): this factor more. 1.2 measured on the dev
    # suites of both plans by re-fusion; 1.5 over-lifts passages naming the year in passing.
    date_text: float = 1.2
    date_text_candidates: int = 40
    # A passage one of whose sentences holds all of the question's terms scores up to
    # (1 + sentence_match) times its fused score; only the head of the fused list is read.
    sentence_match: float = 1.0
    sentence_candidates: int = 20
    # A question about what a body resolved, decided or requested also searches among decisions
    # only: a decision is a short paragraph that drowns in the discussion around it. These
    # rankings count this much of a full one (kept for the answers it brings; docs/rules.md).
    decision_list: float = 0.5
    decision_candidates: int = 10
    # A period the question names without tying it to a meeting ("who chaired the SPC in 2018")
    # also searches among the passages of meetings around it: across an archive of many years,
    # other years' papers on the same topic fill the whole-archive rankings, and the dated
    # passage never reaches the date preference above. The window is wide on both sides: a
    # period's report is tabled months later, and next year's fees, budget or contract are
    # decided months before it starts. These rankings count this much of a full one.
    period_list: float = 1.0
    period_candidates: int = 20
    period_months_before: int = 6
    period_months_after: int = 6
    # The period's dense ranking is the part of the whole archive's nearest ``period_pool`` that
    # falls in the period (see ``Index.dense_rankings``).
    period_pool: int = 200
    # The meetings holding most of the fused list's first ``meeting_candidates`` passages (each by
    # its best ``meeting_passages``) lift their passages, the first meeting by 1 + this, fading by
    # rank (``fusion.prefer_meeting_consensus``). A scale rule: across a whole archive, other
    # years' single matches push the right meeting's second passage below five. 0.2-0.3
    # measured on the dev suites of both plans by re-fusion (docs/rules.md, "Meeting
    # consensus"); 0.4 costs a question whose answer spans two meetings.
    meeting: float = 0.25
    meeting_candidates: int = 20
    meeting_passages: int = 3


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
    """Ranked passages and the seconds each stage took (dense, bm25, fuse, rerank)."""

    passages: list[Passage]
    timings: dict[str, float] = field(default_factory=dict)


class HybridRetriever:
    """Dense + BM25 over one ``vectorstore.index.Index``, fused, re-weighted and collapsed."""

    def __init__(self, index, settings: Settings, reranker: Reranker | None = None,
                 weights: FusionWeights | None = None):
        self.index = index
        self.settings = settings
        self.reranker = reranker or KeepOrder()
        self.weights = weights or FusionWeights()

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
        w = self.weights
        scope = self._period_scope(filters, hints)
        period: dict[str, list[Passage]] = {}
        with timer.stage("dense"):
            if scope is None:
                dense = self.index.dense_search(query, filters, n)
            else:
                dense, period["dense_period"] = self.index.dense_rankings(
                    query, filters, n, scope, w.period_candidates, w.period_pool)
        with timer.stage("bm25"):
            keyword = self.index.keyword_search(query, filters, n)
            if scope is not None:
                period["bm25_period"] = self.index.keyword_search(query, scope, w.period_candidates)
        # The period's rankings add what the whole-archive rankings missed; a passage both found
        # keeps its whole-archive ranks (the date preference lifts it already).
        found = {p.id for p in dense} | {p.id for p in keyword}
        rankings = {"dense": dense, "bm25": keyword,
                    **{name: [p for p in ranking if p.id not in found] for name, ranking in period.items()}}
        if hints is not None and hints.resolution and not (filters and filters.decisions_only):
            with timer.stage("decisions"):
                decisions = dataclasses.replace(filters or Filters(), decisions_only=True)
                n_decisions = w.decision_candidates
                rankings["dense_decisions"] = self.index.dense_search(query, decisions, n_decisions)
                rankings["bm25_decisions"] = self.index.keyword_search(query, decisions, n_decisions)
        with timer.stage("fuse"):
            fused = self._fuse(query, rankings, hints, k)

        if not isinstance(self.reranker, KeepOrder):
            with timer.stage("rerank"):
                fused = self.reranker.rerank(query, fused)
        log.debug("retrieved %d dense + %d bm25 -> %d fused for %r", len(dense), len(keyword),
                  len(fused), query)
        return RetrievalResult(fused[:k], dict(timer.timings))

    def _period_scope(self, filters: Filters | None, hints: ParsedQuestion | None) -> Filters | None:
        """The filters of the period-scoped rankings, or None when the question prefers no period
        (or its dates already filter the search)."""
        if hints is None or not (hints.prefer_from or hints.prefer_to):
            return None
        if filters is not None and (filters.date_from or filters.date_to):
            return None
        w = self.weights
        date_from = hints.prefer_from and shift_months(hints.prefer_from, -w.period_months_before)
        date_to = hints.prefer_to and shift_months(hints.prefer_to, w.period_months_after)
        return dataclasses.replace(filters or Filters(), date_from=date_from, date_to=date_to)

    def _fuse(self, query: str, rankings: dict[str, list[Passage]], hints: ParsedQuestion | None,
              k: int) -> list[Passage]:
        """The rankings fused, re-weighted by what the question prefers, alternates collapsed."""
        w = self.weights
        dense_weight = self.settings.dense_weight
        fused = fusion.reciprocal_rank_fusion(rankings, k=self.settings.rrf_k, weights={
            "dense": dense_weight, "bm25": 1.0, "dense_decisions": dense_weight * w.decision_list,
            "bm25_decisions": w.decision_list, "dense_period": dense_weight * w.period_list,
            "bm25_period": w.period_list})
        fused = fusion.prefer_sentence_match(fused, query, w.sentence_match, w.sentence_candidates)
        if hints is not None and (hints.prefer_from or hints.prefer_to):
            fused = fusion.prefer_dates(fused, hints.prefer_from, hints.prefer_to, w.date,
                                        w.date_text, w.date_text_candidates)
        fused = fusion.prefer_meeting_consensus(fused, w.meeting, w.meeting_candidates,
                                                w.meeting_passages, self.settings.rrf_k)
        return fusion.collapse_alternates(fused[: max(k * COLLAPSE_WINDOW, 20)])
