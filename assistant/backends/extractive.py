"""The default answer backend: source sentences, picked and cited, with no language model.

Deterministic and faithful by construction: every sentence of an answer is a sentence of a
retrieved passage (whitespace re-flowed, nothing reworded), followed by its [n] citation. Sentences
are scored by the embedding model's cosine similarity to the query, by term overlap (numbers and
names count more) and by the rank of their passage. Questions about what was resolved quote the
RESOLVED block verbatim. When the best evidence scores below ``Settings.abstain_threshold`` the
backend says it cannot find the answer rather than offering the nearest sentence as one.
"""

from __future__ import annotations


import logging
import math
import re
import threading
from collections import OrderedDict
from functools import lru_cache, partial
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

from ingest.motions import asks_a_question
from ingest.tables import cells, column_names, header_rows, is_rule, is_table_row, label_row
from minutes_core.text.dates import human_date
from assistant.fusion import is_noise
from assistant.models import AnswerSentence
from assistant.constraints import Unmet, answer_unmet, unmet_constraint, year_keys
from assistant.filters import find_dates
from assistant.backends import abstention
from assistant.backends.abstention import ABSTAIN_MODEL
from assistant.backends.answer_model import ANSWER_MODEL
from assistant.people_route import OUTCOME_STEMS, asks_outcome_of, proposes, states_outcome, topic_stems
from assistant.question import (LEADS, YESNO, Question, analyse, has_new_value, tokens, typed_values, value_windows,
                                word_spans)
from minutes_core.text.sentences import passage_units, stemmed_sentences
from assistant.terms import STOP_STEMS, focus_terms, stem_set, weighted_terms
from minutes_core.settings import Settings
from vectorstore.models import Filters, Passage

log = logging.getLogger(__name__)

ABSTAIN_TEXT = "I can't find this in the records searched."
# Sentence candidates come from the best passages only, and only the lexically most promising
# (settings.answer_embedded_sentences) are embedded (``Embedder.embed_sentences``: ~5-6 ms a
# sentence in bfloat16 batches of 4 on one core, ~13-19 ms in one float32 batch). 8 / 12 / 16
# gave answer accuracy 0.775 / 0.781 / 0.787 on the bundled suite (scripts/bench_ask.py).
ANSWER_PASSAGES = 6
MAX_ANSWER_SENTENCES = 3
# Sentences each part of a compound question may keep (``_choose``'s gaps apply): a part's answer
# is as often split over two sentences as a simple question's ("184 detached ..., 96 townhouse
# ..."), and the first part's best one is often the record's heading (docs/rules.md, 0.12.0 parts).
PART_SENTENCES = 2
# Extra sentences must come close to the best one, and add words it does not have.
# Gaps are in the sentence model's log-odds (``answer_model``): an extra sentence from another
# passage may score up to 1.2 below the best, one from the same passage up to 1.0. 1.2 keeps as
# many sentences as the hand-set ratio of 0.8 did (about 2 an answer) and found a sentence with
# the answer for more dev items (per council 0.855 vs 0.842, 0.737 vs 0.729 and
# 0.778 vs 0.722; a ratio of 0.8 on probabilities kept 1.3 sentences and found 0.739).
EXTRA_SENTENCE_GAP = 1.2
SAME_PASSAGE_GAP = 1.0
NOVELTY_JACCARD = 0.5
# The evidence score behind abstention leaves the rank out: the top passage is always rank 1,
# however weak it is.
E_COSINE, E_OVERLAP = 0.6, 0.4
# The thing a question asks for ("which inspectors") counts this much more than its other terms
# in a sentence's term overlap (see ``terms.focus_terms``).
FOCUS_WEIGHT = 3.0
# How near a number or date the question's terms must be to be about it (words each side): the
# sentence model's ``apart`` feature. 3 / 5 / 8 words all got a negative weight of 0.9-1.9 in every
# fold; 5 broke fewest items out of fold (docs/rules.md).
VALUE_WINDOW = 5
# Sentence features the abstention model's ``best_probability`` was fitted without
# (``abstain_weights.json``): it reads the best sentence's probability as at its fit until it is
# refitted; with ``apart`` counted, the lower probabilities withdrew 3 abstentions on
# unanswerable dev items (ba-03, ld2-05; ld015 on the whole archive). A refit with ``apart`` counted
# gave the model's weight on ``best_probability`` nearly nothing and abstained wrongly more often
# out of fold: kept as fitted (docs/rules.md, 0.11.0, "The abstention model refitted").
ABSTENTION_UNSEEN = frozenset({"apart"})
# A sentence with fewer new content words than this restates the question ("This was the first
# Ofsted monitoring visit to the Trust." for "What did the first Ofsted visit to the Trust find?").
NEW_TERMS = 3
# The items shown after a sentence that introduces a list, and the longest an item may be.
LIST_ITEMS = 8
LIST_ITEM_CHARS = 250
# Where the sentence that completes an on-topic one is looked for: after it first.
NEIGHBOUR_OFFSETS = (1, 2, -1, 3, -2)
# What became of a matter follows it: an outcome is looked for after the sentence only.
OUTCOME_OFFSETS = (1, 2, 3)
# A matter's outcome at other meetings (``_other_stages``): the meetings an answer may cover,
# and how far below the best sentence another meeting's may score (log-odds).
MAX_STAGES = 3
STAGE_GAP = 2.5
# The share of the question's topic a stage's words must hold: the stages kept on the development
# items held 0.4-0.75 of it, the next item's outcomes 0.25-0.33 (docs/rules.md).
STAGE_TOPIC = 0.4
# How many sentences from a meeting's best sentence its outcome is looked for.
STAGE_SENTENCES = 8
MAX_BLOCK_CHARS = 3000
MIN_OVERLAP = 10
# Sentences are embedded by their opening only: the cost grows with length and the opening
# carries the subject (the full sentence is still what the answer quotes).
EMBED_CHARS = 300
MAX_RESOLUTIONS = 3
# A sentence that meets the question's constraints replaces a better-scored one that does not
# when it scores within this gap (log-odds) of it; beyond, the backend abstains (see constraints).
# Decision passages within RESOLUTION_GAP of the best are quoted too.
CONSTRAINT_GAP = 1.5
# A substitute from another passage than the best's must come within this gap of it: beside the
# best sentence its own passage often gives the figure or the year in the next sentence, while
# another passage's sentence that is silent on what the best missed is another item's answer
# (docs/rules.md, 0.11.0 near-miss abstention: the dev substitutions' gaps).
OTHER_PASSAGE_GAP = 0.5
RESOLUTION_GAP = 0.3
# An abstention cites the closest sentences of this many passages (what the records do hold).
CLOSEST_PASSAGES = 2

_RESOLVED = re.compile(r"^[ \t]*+\**+[ \t]*+RESOLVED\b\**[ \t]*[:\-–—.]*[ \t]*", re.M)
_ITEM_HEADING = re.compile(r"^\s*\d{1,2}\.\s+[A-Z][A-Z0-9 ’'&()/,\-–]{3,}\s*$", re.M)
@dataclass
class Draft:
    """An answer before the Assistant attaches the question, filters and timings."""

    text: str
    sentences: list[AnswerSentence] = field(default_factory=list)
    citations: dict[int, Passage] = field(default_factory=dict)
    abstained: bool = False
    evidence: float = 0.0
    notes: list[str] = field(default_factory=list)
    # The abstention decision: {"probability", "threshold", "features"} (``abstention``).
    abstention: dict | None = None
    # Passages cited beyond those retrieved (the chunk that continues a cited one), numbered
    # after them: the Assistant shows them with the retrieved passages.
    shown: list[Passage] = field(default_factory=list)


@dataclass
class _Candidate:
    text: str
    passage: int  # index into the passages
    position: int  # sentence number inside the passage
    stems: frozenset[str]
    # Share of the question's term weight that the sentence has, its focus stressed and its
    # document's title counted ("the 2017/18 work programme" is in the title, not the line).
    overlap: float
    support: float  # the share in the sentence alone, every term at its own weight: grounding
    rank: float
    typed: bool | None  # holds a new thing of the kind asked for (None: the kind has no value)
    restates: bool  # says back what the question said with too few new words
    meets: bool  # meets the question's period, body and person (``assistant.constraints``)
    focus: float  # share of the question's head noun stems in the sentence
    # Of ``support``, the share held only away from every new number or date (``_apart``).
    apart: float = 0.0
    cosine: float = 0.0

    def features(self) -> dict[str, float]:
        """The sentence's features, named as in ``answer_weights.json``."""
        return {
            "cosine": self.cosine, "overlap": self.overlap, "support": self.support,
            "rank": self.rank, "type_match": float(self.typed is True),
            "type_miss": float(self.typed is False), "restates": float(self.restates),
            "meets_constraints": float(self.meets), "focus": self.focus,
            "first_in_passage": float(self.position == 0), "apart": self.apart,
        }

    @property
    def score(self) -> float:
        """The sentence model's log-odds that the sentence answers the question."""
        return ANSWER_MODEL.log_odds(self.features())

    @property
    def evidence(self) -> float:
        return E_COSINE * self.cosine + E_OVERLAP * self.support


class CachingEmbedder:
    """An Embedder that remembers vectors by text (LRU), shared by dense search and the backend.

    The query is embedded once per ask (dense search and sentence scoring ask for the same text),
    and sentences of passages retrieved again are not embedded again. Anything else
    (``dimension``, ``model_name``, ``as_langchain``) is the wrapped embedder's.
    """

    def __init__(self, embedder, size: int = 20000):
        self.embedder = embedder
        self.size = size
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self.embedder, name)

    def embed_query(self, text: str) -> np.ndarray:
        key = ("query", text)
        cached = self._get(key)
        if cached is None:
            cached = np.asarray(self.embedder.embed_query(text), dtype=np.float32)
            self._put(key, cached)
        return cached

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return self._embed_many("document", texts, self.embedder.embed_documents)

    def embed_sentences(self, texts: list[str]) -> np.ndarray:
        """The answer stage's sentence vectors (``Embedder.embed_sentences``), cached apart from
        documents: they may be computed in another number format."""
        return self._embed_many("sentence", texts, self.embedder.embed_sentences)

    def _embed_many(self, kind: str, texts: list[str], embed) -> np.ndarray:
        found = [self._get((kind, text)) for text in texts]
        missing = sorted({text for text, vector in zip(texts, found) if vector is None})
        if missing:
            vectors = np.asarray(embed(missing), dtype=np.float32)
            fresh = dict(zip(missing, vectors))
            for text, vector in fresh.items():
                self._put((kind, text), vector)
            found = [vector if vector is not None else fresh[text] for text, vector in zip(texts, found)]
        if not found:
            return np.zeros((0, int(getattr(self.embedder, "dimension", 0) or 0)), dtype=np.float32)
        return np.vstack(found)

    def _get(self, key):
        with self._lock:
            vector = self._cache.get(key)
            if vector is not None:
                self._cache.move_to_end(key)
            return vector

    def _put(self, key, vector) -> None:
        with self._lock:
            self._cache[key] = vector
            self._cache.move_to_end(key)
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)


class ExtractiveBackend:
    """Answers from the passages' own sentences (``name = "extractive"``)."""

    name = "extractive"

    def __init__(self, settings: Settings, embedder, index=None):
        self.settings = settings
        self.embedder = embedder
        self.index = index

    def answer(self, query: str, passages: list[Passage], resolution: bool = False,
               question: Question | None = None, aliases: Mapping[str, str] | None = None) -> Draft:
        """Compose a cited answer to ``query`` from ``passages`` (numbered [1].. in that order).

        ``resolution`` asks for the RESOLVED text (the question was about what was resolved,
        decided, agreed or requested). ``question`` is the query's analysis (made here from
        ``query`` and the committee alias table ``aliases`` when not given): an answer must meet
        its constraints (``assistant.constraints``), or the backend says what the records give.
        """
        question = question or analyse(query, aliases)
        if resolution and not any(w >= 1.0 for w in weighted_terms(query).values()):
            # "What was resolved at the last meeting?": no topic to match, so every decision of
            # the meeting(s) found is the answer, in retrieval order.
            ranked = {i: 1.0 / (1 + i) for i, p in enumerate(passages[:ANSWER_PASSAGES])
                      if p.is_decision and not p.is_boilerplate}
            draft = self._resolution(passages, ranked, gap=float("inf"))
            if draft is not None:
                return draft
        candidates = self._score(query, passages, question, aliases)
        if not candidates:
            return Draft(ABSTAIN_TEXT, [AnswerSentence(ABSTAIN_TEXT)], abstained=True,
                         notes=["evidence_score=0.000"])
        best = max(candidates, key=lambda c: (c.evidence, -c.passage, -c.position))
        evidence = best.evidence
        notes = [f"evidence_score={evidence:.3f}"]
        ranked, unmet = _meeting_constraints(question, candidates, passages, aliases)
        by_score = sorted(ranked, key=lambda c: (-c.score, c.passage, c.position))
        values, missing = abstention.features(
            question, query, passages, passages[by_score[0].passage], evidence,
            ANSWER_MODEL.probability(by_score[0].features(), without=ABSTENTION_UNSEEN),
            best_unmet=unmet is not None)
        unanswerable = ABSTAIN_MODEL.probability(values)
        notes.append(f"unanswerable_probability={unanswerable:.3f}")
        decision = _decision(values, unanswerable)
        if evidence < self.settings.abstain_threshold:
            log.info("abstaining: evidence %.3f < %.3f for %r", evidence,
                     self.settings.abstain_threshold, query)
            return Draft(ABSTAIN_TEXT, [AnswerSentence(ABSTAIN_TEXT)], abstained=True,
                         evidence=evidence, notes=notes, abstention=decision)
        if len(compound_parts(query)) == 1:
            # The answer's own constraints (the year, the figure asked): a sentence close to the
            # best that meets them answers instead; if none does, the records do not answer.
            ranked, missed = _answer_constraints(question, ranked, passages)
            by_score = sorted(ranked, key=lambda c: (-c.score, c.passage, c.position))
            if missed is not None:
                log.info("abstaining: the answer misses the %s asked for %r", missed.kind, query)
                return _abstention(missed.message(question), by_score, passages, evidence, notes,
                                   {**decision, "unmet": missed.kind})
        if unanswerable >= ABSTAIN_MODEL.threshold:
            log.info("abstaining: unanswerable probability %.3f for %r", unanswerable, query)
            message = unmet.message(question) if unmet is not None else \
                abstention.reason(question, values, missing)
            return _abstention(message, by_score, passages, evidence, notes, decision)
        if resolution:
            by_passage: dict[int, float] = {}
            for c in candidates:
                if passages[c.passage].is_decision:
                    by_passage[c.passage] = max(by_passage.get(c.passage, -math.inf), c.score)
            draft = self._resolution(passages, by_passage, gap=RESOLUTION_GAP)
            if draft is not None:
                draft.evidence, draft.notes = evidence, notes + draft.notes
                draft.abstention = decision
                return draft
            notes.append("No RESOLVED text was among the passages found; the answer quotes the "
                         "closest sentences instead.")
        candidates = ranked  # those meeting the constraints, when one comes close to the best
        # the chunk after a passage, where an answer cut by a chunk boundary goes on
        continuation = partial(self.index.neighbour, offset=1) if self.index is not None else None
        parts = compound_parts(query)
        if len(parts) > 1:
            # "How long is the contract, and when does its first term end?": each part gets its
            # own best sentence, so the second is not crowded out by sentences on the first.
            picked = self._answer_parts(parts, passages)
        else:
            picked = _completed(self._choose(candidates), passages, _completion(query), continuation,
                                weighted_terms(query))
        if asks_outcome_of(query):
            picked += _other_stages(query, candidates, picked, passages, continuation)
        shown = list(passages)
        sentences, citations = [], {}
        for i, text in picked:
            if isinstance(i, Passage):  # the chunk that continues a cited one
                shown.append(i)
                i = len(shown) - 1
            citations[i + 1] = shown[i]
            sentences.append(AnswerSentence(text, [i + 1]))
        text = " ".join(f"{s.text} [{s.citations[0]}]" for s in sentences)
        return Draft(text, sentences, citations, evidence=evidence, notes=notes, abstention=decision,
                     shown=shown[len(passages):])

    def _answer_parts(self, parts: list[str], passages: list[Passage]) -> list[tuple[int, str]]:
        """The best sentences of each part of a compound question (up to ``PART_SENTENCES``,
        kept as ``_choose`` keeps a simple question's), each completed, in order.

        A later part borrows the first part's topic words ("and when does its first term end?"
        is about the contract). A part that names its own record, a period or a document's year
        ("and what is it in the 2020-21 one?"), or that comes after the first ("what did the
        valuation later show?"), is answered from the passages of that record when any is
        found (``_part_passages``), and borrows no dates or figures from the first part.
        """
        picked: list[tuple[int, str]] = []
        first_date = None
        for n, part in enumerate(parts):
            own = _part_passages(part, passages, first_date if n else None)
            topic = weighted_terms(parts[0]) if n else {}
            query = " ".join([part] + [t for t in topic if own is None or not any(ch.isdigit() for ch in t)])
            ranked = self._score_among(query, passages, own) if own else []
            ranked = ranked or sorted(self._score(query, passages), key=lambda c: (-c.score, c.passage, c.position))
            fresh = [c for c in ranked if (c.passage, c.text) not in picked]
            if not fresh:
                continue
            # A part's own constraints, as for a simple question (``_meeting_constraints``,
            # ``_answer_constraints``): its period and body, the year and the figure it asks; a
            # sentence that meets them answers it when it comes within ``CONSTRAINT_GAP`` of the
            # part's best.
            # Once a sentence meeting them stands in, the others kept must meet them too.
            asked = analyse(part)
            meeting = [c for c in fresh if c.meets and
                       answer_unmet(asked, passages[c.passage], c.text) is None]
            best = fresh[0]
            if meeting and meeting[0] is not best and best.score - meeting[0].score <= CONSTRAINT_GAP:
                best, fresh = meeting[0], meeting
            if n == 0:
                first_date = passages[best.passage].meeting_date
            for found in _completed(self._choose(fresh)[:PART_SENTENCES], passages, _completion(part)):
                if found not in picked:
                    picked.append(found)
        return picked

    def _score_among(self, query: str, passages: list[Passage], among: set[int]) -> list[_Candidate]:
        """``_score`` of the passages ``among`` only (indexes into ``passages``), best first: the
        sentences of one record do not compete for the shortlist with the others'."""
        chosen = sorted(i for i in among if i < ANSWER_PASSAGES)
        candidates = self._score(query, [passages[i] for i in chosen])
        for candidate in candidates:
            candidate.passage = chosen[candidate.passage]
        return sorted(candidates, key=lambda c: (-c.score, c.passage, c.position))

    # -- sentence scoring --------------------------------------------------------------------

    def _score(self, query: str, passages: list[Passage], question: Question | None = None,
               aliases: Mapping[str, str] | None = None) -> list[_Candidate]:
        """Every usable sentence of the best passages with its features; the lexically best
        ``settings.answer_embedded_sentences`` (the fitted model without the cosine) are embedded
        and returned."""
        question = question or analyse(query, aliases)
        query_terms = weighted_terms(query)
        total = sum(query_terms.values())
        focused_terms = dict(query_terms)
        for term in focus_terms(query) & query_terms.keys():
            focused_terms[term] *= FOCUS_WEIGHT
        focused_total = sum(focused_terms.values())
        asked = stem_set(query) | STOP_STEMS
        head = question.focus_stems - STOP_STEMS
        usable = [i for i, p in enumerate(passages[:ANSWER_PASSAGES]) if not is_noise(p, query)]
        if not usable:
            usable = list(range(min(len(passages), ANSWER_PASSAGES)))
        candidates: list[_Candidate] = []
        for i in usable:
            rank = 1.0 / (1.0 + 0.5 * i)
            title = stem_set(passages[i].title or "")
            for position, (sentence, stems) in enumerate(answer_units(passages[i].text)):
                if position == 0 and sentence[:1].islower():
                    continue  # a chunk that starts mid-sentence
                support = sum(w for t, w in query_terms.items() if t in stems) / total if total else 0.0
                overlap = sum(w for t, w in focused_terms.items() if t in stems or t in title) \
                    / focused_total if focused_total else 0.0
                typed = has_new_value(question, sentence)
                restates = len(stems - asked) < NEW_TERMS and not typed
                meets = unmet_constraint(question, passages[i], sentence, aliases) is None
                focus = len(head & stems) / len(head) if head else 0.0
                apart = _apart(question, sentence, query_terms, total, support)
                candidates.append(_Candidate(sentence, i, position, stems, overlap, support, rank,
                                             typed, restates, meets, focus, apart))
        if not candidates:
            return []
        candidates.sort(key=lambda c: (-c.score, c.passage, c.position))  # cosine still 0 here
        shortlist = candidates[:max(1, self.settings.answer_embedded_sentences)]
        query_vector = np.asarray(self.embedder.embed_query(query), dtype=np.float32)
        vectors = self.embedder.embed_sentences([c.text[:EMBED_CHARS] for c in shortlist])
        for candidate, vector in zip(shortlist, vectors):
            candidate.cosine = float(np.dot(vector, query_vector))
        return shortlist

    def _choose(self, candidates: list[_Candidate]) -> list[_Candidate]:
        ranked = sorted(candidates, key=lambda c: (-c.score, c.passage, c.position))
        chosen = [ranked[0]]
        for candidate in ranked[1:]:
            if len(chosen) == MAX_ANSWER_SENTENCES:
                break
            same_passage = any(c.passage == candidate.passage for c in chosen)
            gap = SAME_PASSAGE_GAP if same_passage else EXTRA_SENTENCE_GAP
            if chosen[0].score - candidate.score > gap:
                continue
            if any(_jaccard(candidate.stems, c.stems) >= NOVELTY_JACCARD or
                   candidate.stems <= c.stems for c in chosen):
                continue
            chosen.append(candidate)
        return chosen

    # -- resolutions -------------------------------------------------------------------------

    def _resolution(self, passages: list[Passage], scores: dict[int, float],
                    gap: float) -> Draft | None:
        """Quote the RESOLVED blocks of the best decision passages (``scores``: index -> score),
        one per meeting item, keeping those within ``gap`` of the best."""
        if not scores:
            return None
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        top_score = ranked[0][1]
        sentences, citations, seen = [], {}, set()
        for i, score in ranked:
            passage = passages[i]
            where = (passage.meeting_date, passage.item)
            if top_score - score > gap or where in seen:
                continue
            block = self.resolved_text(passage)
            if not block:
                continue
            seen.add(where)
            n = i + 1
            citations[n] = passage
            sentences.append(AnswerSentence(f"{_where(passage)}, it was RESOLVED: “{block}”", [n],
                                            quote=True))
            if len(sentences) == MAX_RESOLUTIONS:
                break
        if not sentences:
            return None
        text = "\n\n".join(f"{s.text} [{s.citations[0]}]" for s in sentences)
        return Draft(text, sentences, citations)

    def resolved_text(self, passage: Passage) -> str:
        """The RESOLVED block a decision passage belongs to, verbatim (lines re-flowed).

        A block cut by chunking is completed from the neighbouring decision chunks of the same
        document when an index is available.
        """
        text = passage.text
        chunk_index = passage.metadata.get("chunk_index")
        marker = _RESOLVED.search(text)
        if marker is None and self.index is not None and chunk_index is not None:
            previous = self.index.neighbour(passage, -1, decisions_only=True)
            if previous is not None and _RESOLVED.search(previous.text):
                text = _join_overlapping(previous.text, text)
                marker = _RESOLVED.search(text)
        block = text[marker.end():] if marker else text
        end = _ITEM_HEADING.search(block)
        if end is None and self.index is not None and chunk_index is not None:
            following = self.index.neighbour(passage, 1, decisions_only=True)
            if following is not None:
                block = _join_overlapping(block, following.text)
                end = _ITEM_HEADING.search(block)
        if end is not None:
            block = block[: end.start()]
        block = "\n".join(passage_units(block)).strip()
        return block[:MAX_BLOCK_CHARS]

@lru_cache(maxsize=4096)
def answer_units(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The sentences of a passage and its table rows, each with its stems, in text order.

    A flattened table is no sentence: its rows are read one by one with their column headers
    (``ingest.tables``), so a number question is answered by one row that names its columns
    ("Primary: Total Schools 189; Outstanding Count 38; ..."); the header rows are not answers.
    """
    units: list[tuple[str, frozenset[str]]] = []
    prose: list[str] = []
    lines = text.splitlines()
    n = 0
    while n < len(lines):
        if not is_table_row(lines[n]):
            prose.append(lines[n])
            n += 1
            continue
        start = n
        while n < len(lines) and is_table_row(lines[n]):
            n += 1
        if n - start < 2:  # one tabbed line is a layout accident, not a table
            prose.extend(lines[start:n])
            continue
        units.extend(stemmed_sentences("\n".join(prose)))
        prose = []
        rows = lines[start:n]
        headers = header_rows(rows)
        names = column_names(headers) if headers else []
        for row in rows:
            if is_rule(cells(row)) or cells(row) in headers:
                continue
            labelled = label_row(names, row)
            units.append((labelled, frozenset(stem_set(labelled))))
    units.extend(stemmed_sentences("\n".join(prose)))
    return tuple(units)


def _apart(question: Question, sentence: str, terms: Mapping[str, float], total: float,
           support: float) -> float:
    """For a number or date question, the share of the question's term weight that a sentence
    holds only away from the figures and dates it states (more than ``VALUE_WINDOW`` words from
    each new one, its best placed counted): a sentence may share the question's words and state a
    figure or date of something else (a letter's heading dated weeks before the meeting it calls,
    "an update on the Economic Assessment which was sought in January 2018" for when the workshop
    on it is held), while the answer's figure or date is written among the words of what it
    measures or dates ("the date for the next meeting was set for 18th February"). 0 for other
    questions, so their scores do not change, and for a sentence stating no new figure or date
    (``type_miss`` scores that; counting all its terms as apart made the answer and figure checks
    pass on unanswerable questions that abstained before: 5 items, 2 councils)."""
    if "often" in (w.lower() for w in question.words):
        return 0.0  # "how often" asks a frequency ("at least twice a month"), as ``constraints`` reads it
    windows = value_windows(question, sentence, VALUE_WINDOW)
    if not windows or not total:
        return 0.0  # a sentence with no figure or date is ``type_miss``'s
    near = max(sum(w for t, w in terms.items() if t in stem_set(window)) for window in windows)
    return max(0.0, support - near / total)


def _meeting_constraints(question: Question, candidates: list[_Candidate], passages: list[Passage],
                         aliases: Mapping[str, str] | None) -> tuple[list[_Candidate], Unmet | None]:
    """The candidates that meet the question's period and body (``unmet_constraint``), if one
    of them comes close to the best; else the candidates by score and what the best misses."""
    return _meeting(candidates, lambda c: unmet_constraint(question, passages[c.passage], c.text, aliases))


def _answer_constraints(question: Question, candidates: list[_Candidate], passages: list[Passage]
                        ) -> tuple[list[_Candidate], Unmet | None]:
    """As ``_meeting_constraints``, for the answer's own constraints, the year and the figure
    asked (``answer_unmet``)."""
    def close(c: _Candidate, best: _Candidate) -> bool:
        # A follow-up's words carry the thread's, so its best passage is often the previous
        # answer's, and the new part's answer another passage's.
        return bool(question.known) or c.passage == best.passage or \
            best.score - c.score <= OTHER_PASSAGE_GAP

    return _meeting(candidates, lambda c: answer_unmet(question, passages[c.passage], c.text),
                    close=close)


def _meeting(candidates: list[_Candidate], check: Callable[[_Candidate], Unmet | None],
             close: Callable[[_Candidate, _Candidate], bool] = lambda c, best: True
             ) -> tuple[list[_Candidate], Unmet | None]:
    """The candidates that ``check`` passes, if one that is ``close`` to the best comes within
    ``CONSTRAINT_GAP`` of it; else
    the candidates by score and what the best misses (None when it misses nothing)."""
    ranked = sorted(candidates, key=lambda c: (-c.score, c.passage, c.position))
    unmet = check(ranked[0])
    if unmet is None:
        return candidates, None
    meeting = [c for c in ranked if check(c) is None]
    near = [c for c in meeting if close(c, ranked[0])]
    if near and ranked[0].score - near[0].score <= CONSTRAINT_GAP:
        return meeting, None
    return ranked, unmet


def _abstention(message: str, ranked: list[_Candidate], passages: list[Passage], evidence: float,
                notes: list[str], decision: dict) -> Draft:
    """No answer: what the records searched lack (``message``), then what they do hold, the
    closest sentences of up to ``CLOSEST_PASSAGES`` passages, each cited with its meeting."""
    sentences, citations, seen = [AnswerSentence(message)], {}, set()
    # What the records hold is what they say, not a sentence restating the question ("How many
    # families are in emergency accommodation?" asked in the minutes, the answer next to it).
    saying = [c for c in ranked if not c.restates and not c.text.rstrip().endswith("?")] or ranked
    for candidate in saying:
        if candidate.passage in seen:
            continue
        seen.add(candidate.passage)
        passage = passages[candidate.passage]
        n = candidate.passage + 1
        citations[n] = passage
        sentences.append(AnswerSentence(f"{_where(passage)}: “{candidate.text}”", [n], quote=True))
        if len(seen) == CLOSEST_PASSAGES:
            break
    closest = "\n\n".join(f"{s.text} [{s.citations[0]}]" for s in sentences[1:])
    text = f"{message}\n\nThe closest the records come:\n\n{closest}" if closest else message
    return Draft(text, sentences, dict(sorted(citations.items())), abstained=True, evidence=evidence,
                 notes=notes, abstention=decision)


def _decision(values: dict[str, float], probability: float) -> dict:
    return {"probability": round(probability, 4), "threshold": ABSTAIN_MODEL.threshold,
            "features": {name: round(value, 4) for name, value in values.items()}}


def compound_parts(question: str) -> list[str]:
    """The questions a compound question joins: "What did the plan say, and how did he explain
    it?" -> ["What did the plan say?", "how did he explain it?"]. A simple question is one part.

    A part starts at a semicolon, or at "and" followed by a question word or an auxiliary, or by
    a preposition when the words on each side name a year of their own ("How was the population
    given in the 2017-18 plan and in the 2019-20 report?": one record each).
    Two question words opening it together ask two questions of the rest: "Where and how often
    does the assembly meet?" -> ["Where does the assembly meet?", "how often does the assembly
    meet?"] (``_shared_parts``).
    """
    spans = word_spans(question)
    shared = _shared_parts(question, spans)
    if shared:
        return shared
    cuts = []  # (end of the part before, start of the next part)
    for n, span in enumerate(spans[:-1]):
        following = spans[n + 1].lower
        if span.lower == "and" and (following in _PART_OPENERS or (
                following in _RECORD_PREPOSITIONS and year_keys(question[:span.start]) and
                year_keys(question[span.start:]) - year_keys(question[:span.start])) or (
                following in _ASKING_PREPOSITIONS and n + 2 < len(spans) and
                spans[n + 2].lower in _QUESTION_WORDS)):
            cuts.append((span.start, spans[n + 1].start))
    cuts += [(i, i + 1) for i, ch in enumerate(question) if ch == ";"]
    pieces, start = [], 0
    for end, following in sorted(cuts):
        if end >= start:
            pieces.append(question[start:end])
            start = following
    pieces.append(question[start:])
    pieces = [p.strip(" ,;") for p in pieces if p.strip(" ,;?")]
    if len(pieces) < 2 or any(len(tokens(p)) < 3 for p in pieces):
        return [question]
    return [p if p.endswith("?") else p + "?" for p in pieces]


def _shared_parts(question: str, spans: list) -> list[str] | None:
    """"Where and how often does X meet?", "When and where was X held?": the two questions of two
    question words joined by "and" before the rest they share, or None. "How much" and "how
    many", "how often" count as one question word; a leading "and" or "so" is skipped."""
    n = 0
    while n < len(spans) and spans[n].lower in LEADS:
        n += 1

    def asking(at: int) -> int:  # the end (span index) of a question word opening at ``at``
        if at >= len(spans) or spans[at].lower not in _QUESTION_WORDS:
            return at
        return at + 2 if spans[at].lower == "how" and at + 1 < len(spans) and \
            spans[at + 1].lower in _QUANTITY_OPENERS else at + 1

    first = asking(n)
    if first == n or first >= len(spans) or spans[first].lower != "and":
        return None
    second = asking(first + 1)
    if second == first + 1 or second >= len(spans):
        return None
    rest = question[spans[second].start:].strip()
    return [f"{question[spans[n].start:spans[first - 1].end]} {rest}",
            f"{question[spans[first + 1].start:spans[second - 1].end]} {rest}"]


# "how much", "how many", "how often", "how long", "how far": one question word.
_QUANTITY_OPENERS = frozenset("much many often long far".split())
# Words that place a part after the first one ("what did the valuation later show?").
_LATER_WORDS = frozenset("later subsequently eventually afterwards next then".split())
# "... in the 2017-18 plan and in the 2019-20 report": a preposition that opens another record.
_RECORD_PREPOSITIONS = frozenset("in at for by".split())
# "..., and for how much?", "and of what kinds?": a preposition that opens a question of its own.
_ASKING_PREPOSITIONS = frozenset("for of from at by with to in on since until".split())
_QUESTION_WORDS = frozenset("what how when who whom whose which where why".split())
_PART_OPENERS = frozenset("what how when who whom which where why is are was were did does do has "
                          "have".split())


def _completed(chosen: list[_Candidate], passages: list[Passage], completion: "Completion | None",
               continuation: Callable[[Passage], Passage | None] | None = None,
               terms: Mapping[str, float] | None = None) -> list[tuple[int | Passage, str]]:
    """The chosen sentences as (passage index, text), each followed by what completes it.

    A sentence that ends in a colon introduces a list: its items follow it. When the best
    sentence is on topic but lacks what the question asks (``completion``: "Alan Michell to be
    invited to a meeting to cover exclusions." for "when ..."), the nearest sentence of the same
    passage that has it follows ("Programmed for the 20th January 2021 committee meeting."), or
    of a passage that overlaps it; when the sentence ends its chunk, the first sentences of the
    next chunk (``continuation``) are read too, and the one of them that has it and holds most of
    the question's ``terms`` is cited from that chunk (given in place of the passage index).
    """
    out: list[tuple[int | Passage, str]] = []
    taken: set[tuple[int, int]] = set()

    def add(passage: int | Passage, position: int, text: str) -> None:
        key = (passage if isinstance(passage, int) else -1, position)
        if key not in taken:
            taken.add(key)
            out.append((passage, text))

    for n, candidate in enumerate(chosen):
        add(candidate.passage, candidate.position, candidate.text)
        sentences = _sentences(passages[candidate.passage].text)
        if candidate.text.rstrip().endswith(":"):
            for position in range(candidate.position + 1,
                                  min(len(sentences), candidate.position + 1 + LIST_ITEMS)):
                if len(sentences[position]) > LIST_ITEM_CHARS:
                    break
                add(candidate.passage, position, sentences[position])
        elif n == 0 and completion is not None and completion.needed(candidate.text):
            fits, offsets = completion.fits, completion.offsets
            # The sentence may end its chunk: the chunk that overlaps it holds what follows.
            for passage in [candidate.passage] + [i for i in range(len(passages)) if i != candidate.passage]:
                units = sentences if passage == candidate.passage else _sentences(passages[passage].text)
                at = candidate.position if passage == candidate.passage else \
                    next((i for i, unit in enumerate(units) if unit == candidate.text), None)
                if at is None:
                    continue
                found = next((at + offset for offset in offsets
                              if 0 <= at + offset < len(units) and fits(units[at + offset])), None)
                if found is not None:
                    add(passage, found, units[found])
                    if completion.runs_on and found + 1 < len(units) and fits(units[found + 1]):
                        add(passage, found + 1, units[found + 1])
                    break
            else:
                after = len(sentences) - 1 - candidate.position  # sentences after it in its chunk
                following = continuation(passages[candidate.passage]) \
                    if continuation is not None and after < max(offsets) else None
                if following is not None:
                    # the reply's lines often list several figures: the one on the question's terms
                    units = answer_units(following.text)[:max(offsets) - after]
                    fitting = [i for i, (unit, _) in enumerate(units) if fits(unit)]
                    if fitting:
                        found = max(fitting, key=lambda i: (sum(w for t, w in (terms or {}).items()
                                                                if t in units[i][1]), -i))
                        add(following, found, units[found][0])
    return out


def _sentences(text: str) -> list[str]:
    """The answer units of a passage's text, without their stems (``answer_units``)."""
    return [sentence for sentence, _ in answer_units(text)]


def _meeting_of(passage: Passage) -> tuple[str | None, str | None]:
    """The meeting a passage is a record of: its date and its body."""
    return passage.meeting_date, passage.committee


def _other_stages(query: str, candidates: list[_Candidate], picked: list[tuple[int | Passage, str]],
                  passages: list[Passage],
                  continuation: Callable[[Passage], Passage | None] | None = None
                  ) -> list[tuple[int | Passage, str]]:
    """What became of the matter at each meeting found: a matter goes from meeting to meeting (a
    motion referred by full Council to a committee, a proposal deferred to the next meeting), and
    a question of what happened to it is answered by each stage's outcome, not only by the best
    matched meeting's. For each meeting among the candidates whose outcome the answer does not
    state yet (best first, up to ``MAX_STAGES``), the outcome that follows its best sentence
    within ``STAGE_GAP`` of the best candidate (``_outcome_after``) is added, when the words from
    that sentence to the outcome, or the item's title, hold at least ``STAGE_TOPIC`` of the
    question's topic (``people_route.topic_stems``): an outcome a few sentences on may be the
    next item's (the adoption of the minutes, another councillor's motion).
    """
    if not candidates:
        return []
    topic = [s for s in topic_stems(query) if s not in OUTCOME_STEMS]
    ranked = sorted(candidates, key=lambda c: (-c.score, c.passage, c.position))
    seen = {_meeting_of(passages[i] if isinstance(i, int) else i)
            for i, text in picked if states_outcome(text)}
    out: list[tuple[int | Passage, str]] = []
    stages = 0
    for candidate in ranked:
        if ranked[0].score - candidate.score > STAGE_GAP or stages == MAX_STAGES:
            break
        meeting = _meeting_of(passages[candidate.passage])
        if meeting in seen:
            continue
        found = _outcome_after(candidate, passages, continuation)
        if found is None:
            continue
        outcome, span = found
        said = stem_set(f"{span} {passages[candidate.passage].item_title or ''}")
        if outcome in picked or outcome in out or \
                sum(s in said for s in topic) < STAGE_TOPIC * len(topic):
            continue
        seen.add(meeting)
        stages += 1
        out.append(outcome)
    return out


def _outcome_after(candidate: _Candidate, passages: list[Passage],
                   continuation: Callable[[Passage], Passage | None] | None
                   ) -> tuple[tuple[int | Passage, str], str] | None:
    """The first sentence stating an outcome at or within ``STAGE_SENTENCES`` after the
    candidate, read on into the next chunk (``continuation``) when its chunk ends first (a
    motion's text and its debate come before what became of it), with the words from the
    candidate to it."""
    sentences = _sentences(passages[candidate.passage].text)
    end = candidate.position + STAGE_SENTENCES
    found = next((i for i in range(candidate.position, min(len(sentences), end))
                  if states_outcome(sentences[i])), None)
    if found is not None:
        return (candidate.passage, sentences[found]), " ".join(sentences[candidate.position:found + 1])
    following = continuation(passages[candidate.passage]) \
        if continuation is not None and end > len(sentences) else None
    if following is None:
        return None
    units = _sentences(following.text)
    # The next chunk opens with the overlap of the two: the whole window is read in it.
    found = next((i for i in range(min(len(units), STAGE_SENTENCES)) if states_outcome(units[i])), None)
    if found is None:
        return None
    return (following, units[found]), " ".join(sentences[candidate.position:] + units[:found + 1])


def _part_passages(part: str, passages: list[Passage], after: str | None) -> set[int] | None:
    """The passages (indexes) of the record one part of a compound question names, or None when
    it names none: a period that holds the passage's meeting or document date; a year (a
    financial year as one, ``constraints.year_keys``) of the passage's document or item title, or
    of its meeting; or, for a part with a word of sequence ("later", "next", "then") and no date
    of its own, a meeting after ``after`` (the date the first part was answered from)."""
    periods = find_dates(part)
    years = year_keys(part)
    later = bool(_LATER_WORDS & {w.lower() for w in tokens(part)}) and after is not None
    if not periods and not years and not later:
        return None
    held = set()
    for i, passage in enumerate(passages):
        dates = [d[:10] for d in (passage.meeting_date, passage.metadata.get("doc_date")) if d]
        titled = year_keys(" ".join(x for x in (passage.title, passage.item_title) if x))
        if any(p.first.isoformat() <= d <= p.last.isoformat() for p in periods for d in dates) or \
                years & titled or any(d[:4] in _calendar_years(y) for y in years for d in dates) or \
                (not periods and not years and later and bool(dates) and dates[0] > after):
            held.add(i)
    return held


def _calendar_years(key: str) -> set[str]:
    """The calendar years a meeting of a year key may fall in: "2019" -> {"2019"}; a financial
    or municipal year, "2019/20" -> {"2019", "2020"} (its papers meet in either)."""
    if "/" not in key:
        return {key}
    return {key[:4], str(int(key[:4]) + 1)}


# -- answer kinds ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Completion:
    """What an answer's best sentence may lack, and what completes it: the sentence ``needed``
    completing when it lacks the thing asked; a neighbour that ``fits`` completes it, looked for
    at ``offsets`` from it; with ``runs_on``, a second fitting sentence right after the first
    follows too (a vote, then the result it was declared)."""

    needed: Callable[[str], bool]
    fits: Callable[[str], bool]
    offsets: tuple[int, ...] = NEIGHBOUR_OFFSETS
    runs_on: bool = False


def _completion(query: str) -> Completion | None:
    """What completes an answer to the question's kind (``assistant.question``): a new number,
    date, person, post or name; for "what happened to X" or "did the committee make X ...?"
    answered by a proposal, the outcome that follows it. None for other questions.

    "When did Ofsted visit in February 2020?" is not answered by a sentence whose only date is
    "February 2020": the thing asked for has to be new, which is what separates an answer from a
    sentence that merely restates the question.
    """
    if asks_outcome_of(query):  # "what happened to the scheme?": what became of it
        return Completion(lambda s: not states_outcome(s), states_outcome, OUTCOME_OFFSETS, runs_on=True)
    question = analyse(query)
    if question.answer_type == YESNO:  # "did the committee make the training mandatory?"
        return Completion(lambda s: proposes(s) and not states_outcome(s), states_outcome,
                          OUTCOME_OFFSETS, runs_on=True)
    if typed_values(question.answer_type, "") is None:
        return None
    # A member's question holds the words asked, not the figure or name the reply gave.
    typed = lambda sentence: not asks_a_question(sentence) and bool(has_new_value(question, sentence))  # noqa: E731
    return Completion(lambda s: not typed(s), typed)


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _join_overlapping(first: str, second: str) -> str:
    """Two consecutive chunk texts joined without repeating their overlap (the longest end of
    ``first`` that starts ``second``, if at least ``MIN_OVERLAP`` characters)."""
    first, second = first.rstrip(), second.strip()
    for size in range(min(len(first), len(second)), MIN_OVERLAP - 1, -1):
        if first.endswith(second[:size]):
            return first + second[size:]
    return first + "\n" + second


def _where(passage: Passage) -> str:
    """'At the 9 December 2020 meeting of <committee> (item 5, <title>)'."""
    parts = ["At the"]
    parts.append(f"{human_date(passage.meeting_date)} meeting" if passage.meeting_date else "meeting")
    if passage.committee:
        parts.append(f"of the {passage.committee}")
    item = ", ".join(x for x in [f"item {passage.item}" if passage.item else "",
                                 passage.item_title or ""] if x)
    text = " ".join(parts)
    return f"{text} ({item})" if item else text
