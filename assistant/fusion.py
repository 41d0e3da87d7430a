"""Combining and re-weighting ranked passage lists.

Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009) merges the dense and BM25
rankings without calibrating their scores against each other: each list contributes
1 / (k + rank), with k = 60, the paper's constant (``Settings.rrf_k``). The other functions
adjust the fused scores for what the rankers cannot know: which passage holds one sentence saying
what was asked, the period the question names, which meeting answers with several passages, and
which passages are the same text stored twice;
``is_noise`` tells the answer step which boilerplate passages the question does not ask about.

Every function returns a new list sorted by score, ties broken by passage id, so that the same
inputs always give the same order.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from typing import Callable, Mapping

from assistant.filters import find_dates
from minutes_core.text.sentences import stemmed_sentences
from assistant.terms import STOP_STEMS, stem_set, weighted_terms
from vectorstore.models import Passage

RRF_K = 60  # Cormack et al. 2009; also Settings.rrf_k's default.
# Two passages whose word sets overlap this much are the same text (a restated paragraph, a
# duplicate document's chunk) when they also belong to the same meeting.
SAME_TEXT_JACCARD = 0.9
# Words of procedural item titles that any question may use without asking about the item.
_TITLE_NOISE = STOP_STEMS | stem_set("committee committees meeting meetings item items date council "
                                     "officer officers member members")


def reciprocal_rank_fusion(rankings: Mapping[str, list[Passage]], k: int = RRF_K,
                           weights: Mapping[str, float] | None = None) -> list[Passage]:
    """Fuse named rankings: score = sum over lists of weight / (k + rank), rank starting at 1.

    ``weights`` (default 1.0 a list) lets a weaker ranker count for less: on council papers the
    small embedding model ranks worse than BM25 (see ``Settings.dense_weight``).

    Each fused passage keeps, in ``scores``, every list's own score and rank
    (``scores["dense"]``, ``scores["dense_rank"]``...) and the fused value as ``scores["rrf"]``.
    """
    fused: dict[str, Passage] = {}
    for name, ranking in rankings.items():
        for rank, passage in enumerate(ranking, start=1):
            entry = fused.get(passage.id)
            if entry is None:
                entry = dataclasses.replace(passage, score=0.0, scores=dict(passage.scores))
                fused[passage.id] = entry
            if f"{name}_rank" in entry.scores:
                continue  # a list repeating a passage counts it once, at its best rank
            entry.score += (weights or {}).get(name, 1.0) / (k + rank)
            entry.scores[name] = passage.score
            entry.scores[f"{name}_rank"] = float(rank)
    for entry in fused.values():
        entry.scores["rrf"] = entry.score
    return _sorted(fused.values())


def reweight(passages: list[Passage], applies: Callable[[Passage], bool], factor: float,
             label: str) -> list[Passage]:
    """Multiply the score of the passages ``applies`` selects by ``factor`` (noted in ``scores``)."""
    out = []
    for passage in passages:
        if applies(passage):
            passage = dataclasses.replace(passage, score=passage.score * factor,
                                          scores={**passage.scores, label: factor})
        out.append(passage)
    return _sorted(out)


def is_noise(passage: Passage, query: str) -> bool:
    """A boilerplate passage the question does not ask about.

    A procedural item that the question names by its title ("under urgent business", "when is
    the next meeting", "what authority was given to the Chair") is the answer, not noise.
    """
    if not passage.is_boilerplate:
        return False
    return not (stem_set(passage.item_title or "") & (stem_set(query) - _TITLE_NOISE))


def prefer_dates(passages: list[Passage], date_from: str | None, date_to: str | None,
                 factor: float, text_factor: float = 1.0, text_candidates: int = 0) -> list[Passage]:
    """Lift passages dated in a range the question mentions without requiring it.

    A passage is dated by its meeting, by its document's own date, and by a period its
    document's title names: "PERFORMANCE SCORECARD - December 2017", tabled in February 2018,
    is about December 2017; those count ``factor``.

    Of the first ``text_candidates`` passages, one whose own text names a date in the range
    counts ``text_factor`` more (on top of ``factor`` when both hold): papers report a period
    at a later meeting ("During 2018, 11 spot fines were issued", minuted in 2019) and plan the
    next one at an earlier one (a budget for 2015 adopted in October 2014). Across an archive,
    the meetings of the period asked hold that topic's other papers too (2019's meetings discuss
    2020's budget), so the meeting's date alone lifts the wrong ones.
    """
    def overlaps(first: str, last: str) -> bool:
        return (date_from is None or last >= date_from) and (date_to is None or first <= date_to)

    def inside(p: Passage) -> bool:
        dated = [(d, d) for d in (p.meeting_date, p.metadata.get("doc_date")) if d]
        dated += named_periods(p.title or "")
        return any(overlaps(first, last) for first, last in dated)

    def names_it(p: Passage) -> bool:
        return any(overlaps(first, last) for first, last in named_periods(p.text))
    lifted = reweight(passages, inside, factor, "date_preference")
    if text_factor == 1.0 or text_candidates <= 0:
        return lifted
    head = reweight(lifted[:text_candidates], names_it, text_factor, "date_in_text")
    return _sorted(head + lifted[text_candidates:])


@lru_cache(maxsize=8192)
def named_periods(text: str) -> tuple[tuple[str, str], ...]:
    """(first, last) ISO dates of each period a document title or a passage's text names,
    parsed once per text (a warm question asks the same top passages again)."""
    return tuple((m.first.isoformat(), m.last.isoformat()) for m in find_dates(text))


def prefer_sentence_match(passages: list[Passage], query: str, weight: float,
                          n: int) -> list[Passage]:
    """Lift the top ``n`` passages by how much of the question one of their sentences holds.

    BM25 scores a chunk's words wherever they stand and a 256-token vector blurs a long chunk, so
    a passage whose single sentence says what was asked ("has agreed to remain as Independent
    Chair until September 2021") can rank below one that scatters the same words over a page.
    Each passage's score is multiplied by 1 + ``weight`` x its best sentence's share of the
    question's term weight (``terms.weighted_terms``).
    """
    terms = weighted_terms(query)
    total = sum(terms.values())
    if not total:
        return list(passages)
    head = []
    for passage in passages[:n]:
        share = max((sum(w for t, w in terms.items() if t in stems) / total
                     for _, stems in stemmed_sentences(passage.text)), default=0.0)
        head.append(dataclasses.replace(passage, score=passage.score * (1 + weight * share),
                                        scores={**passage.scores, "sentence_match": share}))
    return _sorted(head) + list(passages[n:])


def prefer_meeting_consensus(passages: list[Passage], weight: float, n: int, per_meeting: int,
                             k: int = RRF_K) -> list[Passage]:
    """Lift the passages of the meetings that hold the most of the fused list's head.

    The right meeting usually answers with several passages at once (its agenda, its minutes'
    item, the report tabled), while another year's paper on the same topic matches alone; across
    a whole archive such single matches push the right meeting's second passage (the vote after
    the nomination, the count after the motion) below five. Each meeting among the first ``n``
    passages is scored by the sum of its best ``per_meeting`` fused scores and ranked; a passage
    of the meeting ranked r scores (1 + ``weight`` x k / (k + r - 1)) times as much: 1 + weight
    for the first meeting, fading as reciprocal rank fusion fades (``k``, its constant), so that a
    rank and not a raw score sum decides and no meeting's single strong passage is buried. A
    passage of no meeting counts by its document.
    """
    if weight <= 0 or n <= 0:
        return list(passages)
    head = passages[:n]
    best: dict[tuple[str, str], list[float]] = {}
    for passage in head:
        best.setdefault(_meeting_of(passage), []).append(passage.score)
    totals = {key: sum(sorted(scores, reverse=True)[:per_meeting]) for key, scores in best.items()}
    order = sorted(totals, key=lambda key: (-totals[key], key))
    rank = {key: r for r, key in enumerate(order, start=1)}
    lifted = []
    for passage in head:
        factor = 1 + weight * k / (k + rank[_meeting_of(passage)] - 1)
        lifted.append(dataclasses.replace(passage, score=passage.score * factor,
                                          scores={**passage.scores, "meeting_consensus": factor}))
    return _sorted(lifted) + list(passages[n:])


def _meeting_of(passage: Passage) -> tuple[str, str]:
    """A passage's meeting (its body and date) or, undated, its document."""
    if passage.meeting_date:
        return (passage.committee or "", passage.meeting_date)
    return ("", passage.source)


def collapse_alternates(passages: list[Passage]) -> list[Passage]:
    """Keep one passage per text: the best-ranked copy absorbs the others' sources as alternates.

    Two passages are copies when their word sets overlap by ``SAME_TEXT_JACCARD`` and they belong
    to the same meeting (or one lists the other's file as an alternate). The same wording at two
    different meetings (a declaration repeated each time) stays: those are two facts.
    """
    kept: list[tuple[Passage, set[str]]] = []
    for passage in _sorted(passages):
        words = _word_set(passage.text)
        twin = next((k for k in kept if _same_text(k[0], k[1], passage, words)), None)
        if twin is None:
            kept.append((dataclasses.replace(passage, alternates=list(passage.alternates)), words))
            continue
        keeper = twin[0]
        for source in [passage.source, *passage.alternates]:
            if source and source != keeper.source and source not in keeper.alternates:
                keeper.alternates.append(source)
    return [k[0] for k in kept]


def _same_text(a: Passage, a_words: set[str], b: Passage, b_words: set[str]) -> bool:
    related = (a.meeting_date == b.meeting_date or b.source in a.alternates
               or a.source in b.alternates)
    if not related or not a_words or not b_words:
        return False
    if min(len(a_words), len(b_words)) < SAME_TEXT_JACCARD * max(len(a_words), len(b_words)):
        return False  # the sizes alone rule the overlap out
    return len(a_words & b_words) / len(a_words | b_words) >= SAME_TEXT_JACCARD


def _word_set(text: str) -> set[str]:
    text = re.sub(r"<[^>]+>|\*\*", " ", text.lower().replace("’", "'"))
    return set(re.findall(r"[a-z0-9']+", text))


def _sorted(passages) -> list[Passage]:
    return sorted(passages, key=lambda p: (-p.score, p.id))
