"""What a follow-up leans on: the passages the previous answer cited.

"Who seconded it?", "and who moved that?", "what did they decide about the motion?": the thing
"it" stands for is the motion, item or decision the previous answer was about, and the passage
that answer cited usually holds the rest of it (the seconder is in the same minute as the
proposer). The history carries only text, so the cited passages are found again: the previous
question is retrieved once more (through the same rewrite), the previous answer's own words are
searched by keyword (an extractive answer quotes its passages; on a whole archive the question
alone may rank other meetings first), and of what comes back, the passages that best support
the previous answer's text are taken to be the ones it cited (an assistant turn's own ``[n]``
marks cannot be trusted to number the same list).

The follow-up is then answered with those passages right after the best of what its own
rewritten query retrieves: the meeting, item and decision carry over through the evidence rather than through
word lists of pronouns.

When the follow-up asks for a field of the decision the previous answer was about ("who seconded
it?", "and who moved that?", "how did the vote go?"), the records store's row for the decision in
a carried passage answers it: proposer, seconder and outcome as the minutes give them, cited to
that passage (``decision_follow_up``), instead of the nearest sentence that names a councillor.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from typing import Any

from assistant.citations import key_terms
from assistant.models import AnswerSentence, Turn
from assistant.question import tokens
from minutes_core.text.normalise import match_form
from minutes_core.text.stems import stem
from vectorstore.models import Passage

log = logging.getLogger(__name__)

# How many of the previous question's passages may be carried, and how much of the previous
# answer's key terms a passage must hold to count as cited by it.
CARRIED_PASSAGES = 2
MIN_ANSWER_SUPPORT = 0.3
# The fields of a decision record (``ingest.records.DecisionRecord``) and the words that ask for
# them; any of them is answered with the whole line (mover, seconder, outcome), which is what the
# minutes print together.
_FIELD_WORDS = ("second seconded seconder seconding propose proposed proposer proposal move moved "
                "mover vote votes voted voting outcome result carried passed")
DECISION_FIELD_STEMS = frozenset(stem(word) for word in _FIELD_WORDS.split())
# How much of a decision's opening must be in a passage for the passage to hold it, when the
# record does not name its passage.
DECISION_OPENING = 80
# The decision text quoted after the mover and seconder, at most this long.
DECISION_QUOTE = 300
# How many of a follow-up's passages come from the document the previous answer cited.
SCOPED_LEAD = 3
_TITLES = frozenset("cllr councillor mayor mr mrs ms dr".split())


@dataclass
class PreviousAnswer:
    """The previous user question and assistant answer of a conversation, if any."""

    question: str
    answer: str
    history: list[Turn] = field(default_factory=list)  # the turns before that question


def previous_answer(turns: list[Turn]) -> PreviousAnswer | None:
    """The last question-and-answer pair of ``turns`` (the answer may be missing)."""
    for n in range(len(turns) - 1, -1, -1):
        if turns[n].role == "user" and turns[n].content.strip():
            answer = " ".join(t.content for t in turns[n + 1:] if t.role == "assistant")
            return PreviousAnswer(turns[n].content, answer, turns[:n])
    return None


def cited_passages(previous: PreviousAnswer, passages: list[Passage],
                   limit: int = CARRIED_PASSAGES) -> list[Passage]:
    """The passages among ``passages`` (retrieved again for the previous question) that the
    previous answer most likely cited: those sharing the most of its key terms; without an
    answer text, the top passage."""
    if not passages:
        return []
    terms = key_terms(previous.answer) if previous.answer else set()
    if not terms:
        return passages[:1]
    scored = []
    for rank, passage in enumerate(passages):
        context = " ".join([passage.text, passage.title or "", passage.item_title or "",
                            passage.committee or ""])
        share = len(terms & key_terms(context)) / len(terms)
        if share >= MIN_ANSWER_SUPPORT:
            scored.append((-share, rank, passage))
    return [passage for _, _, passage in sorted(scored, key=lambda s: s[:2])[:limit]]


def with_carried(carried: list[Passage], passages: list[Passage], k: int,
                 scoped: list[Passage] = ()) -> list[Passage]:
    """The passages a follow-up is answered from, ``k`` in all, without duplicates: the best
    ``SCOPED_LEAD`` of ``scoped`` (the follow-up's own words searched in the document the
    previous answer cited), the follow-up's best passage from the whole collection (it may have
    moved on to another paper), then ``carried`` (the previous answer's evidence), then the rest
    of ``passages``. The conversation's document leads: "how many homes are planned there?"
    is about the site those minutes discuss, which a search of the whole collection loses."""
    seen: set[str] = set()
    merged: list[Passage] = []
    for passage in [*scoped[:SCOPED_LEAD], *passages[:1], *carried, *passages[1:]]:
        if passage.id in seen:
            continue
        seen.add(passage.id)
        merged.append(passage)
    return merged[:k]


def cited_sources(carried: list[Passage]) -> list[str]:
    """The documents of the ``carried`` passages, in their order, each once. The previous answer
    often rests on two papers of one meeting (its agenda and its minutes) or on a report and the
    minutes that discussed it, and the first carried passage is not always the paper that goes on
    to say what the follow-up asks."""
    return list(dict.fromkeys(p.source for p in carried if p.source))


def cited_period(carried: list[Passage]) -> tuple[str | None, str | None]:
    """The first and last meeting dates of the ``carried`` passages (None, None without any): the
    time a follow-up that names none is asked at. "And who was chosen as his deputy?" after an
    answer about a 2017 annual meeting asks of that meeting, not of the same office in the years
    the archive also holds; the previous question may have named its period in words a date
    parser does not read ("its 2017 annual meeting"), but the passages its answer rests on carry
    their meeting's date."""
    dates = sorted(p.meeting_date for p in carried if p.meeting_date)
    return (dates[0], dates[-1]) if dates else (None, None)


def by_rank(rankings: list[list[Passage]]) -> list[Passage]:
    """``rankings`` (one per cited document) merged rank by rank, without duplicates: every
    document's best passage before any document's second. The documents' own scores are not
    compared: each was searched alone, so a long document's many matching chunks say nothing
    about whether it or a short one answers."""
    seen: set[str] = set()
    merged: list[Passage] = []
    for rank in range(max((len(r) for r in rankings), default=0)):
        for ranking in rankings:
            if rank < len(ranking) and ranking[rank].id not in seen:
                seen.add(ranking[rank].id)
                merged.append(ranking[rank])
    return merged


def continuations(carried: list[Passage], index) -> list[Passage]:
    """Each of the ``carried`` passages followed by the chunk after it in its document when that
    chunk is of the same item: what a follow-up asks next ("when did he come back?", "where and
    when is it?", "how many were waiting?") is mostly told in the lines after those the previous
    answer quoted, which a chunk boundary may have cut off."""
    out: list[Passage] = []
    for passage in carried:
        out.append(passage)
        following = _following(passage, index)
        if following is not None:
            out.append(following)
    return out


def _following(passage: Passage, index) -> Passage | None:
    """The chunk after ``passage`` in its document, if it belongs to the same item."""
    if index is None or not passage.item:
        return None
    try:
        following = index.neighbour(passage, 1)
    except Exception:  # a damaged index must not stop a question
        log.exception("cannot read the chunks of %s", passage.source)
        return None
    return following if following is not None and following.item == passage.item else None


def asks_decision_field(question: str) -> bool:
    """Whether ``question`` asks who moved or seconded a decision, or how the vote went."""
    return any(stem(word.lower()) in DECISION_FIELD_STEMS for word in tokens(question))


def decision_rows(passage: Passage, records) -> list[dict[str, Any]]:
    """The records store's decision rows held by ``passage`` that name a mover, a seconder or a
    vote: the rows whose passage it is, and those whose opening the passage holds."""
    try:
        rows = records.query("decisions", meeting=passage.meeting_date) if passage.meeting_date \
            else []
    except Exception:  # a damaged records store must not stop a question
        log.exception("cannot read the decisions of %s", passage.meeting_date)
        return []
    text = match_form(passage.text)
    held = []
    for row in rows:
        if not (row.get("proposer") or row.get("seconder") or row.get("votes_for") is not None):
            continue
        opening = match_form(row.get("decision") or "")[:DECISION_OPENING]
        if row.get("passage_id") == passage.id or (opening and opening in text):
            held.append(row)
    return held


def decision_line(row: dict[str, Any]) -> str:
    """"Proposed by X and seconded by Y; carried (7 to 3). For: A, B; against: C." from a
    decision row (the names only when the minutes record who voted each way)."""
    parts = []
    if row.get("proposer"):
        parts.append(f"proposed by {_councillor(row['proposer'])}")
    if row.get("seconder"):
        parts.append(f"seconded by {_councillor(row['seconder'])}")
    line = " and ".join(parts)
    outcome = row.get("outcome")
    if outcome and row.get("outcome_stated", True):
        line = f"{line}; {outcome}" if line else outcome
    if row.get("votes_for") is not None and row.get("votes_against") is not None:
        line += f" ({row['votes_for']} to {row['votes_against']})"
    line = line.strip("; ")
    line = line[:1].upper() + line[1:] + "." if line else ""
    sides = [f"{side}: {', '.join(row[key])}" for side, key in
             (("for", "names_for"), ("against", "names_against"), ("abstained", "names_abstain"))
             if row.get(key)]
    if sides:
        named = "; ".join(sides)
        line = f"{line} {named[:1].upper()}{named[1:]}." if line else f"{named[:1].upper()}{named[1:]}."
    return line


def decision_follow_up(question: str, previous: PreviousAnswer | None, carried: list[Passage],
                       passages: list[Passage], records
                       ) -> tuple[str, list[AnswerSentence], dict[int, Passage]] | None:
    """The answer to a follow-up asking who moved or seconded the previous answer's decision,
    or how its vote went: of the decision rows the ``carried`` passages hold, the one sharing
    most key terms with the previous question and answer (at least one: a passage often holds
    several decisions, and an unrelated one is a confident wrong answer), cited by its passage's
    place in ``passages``. None when the question asks no such thing or no carried passage holds
    a decision row on the previous answer's subject that says it."""
    if records is None or not carried or previous is None or not asks_decision_field(question):
        return None
    about = key_terms(f"{previous.question} {previous.answer}")
    shown = {passage.id: passage for passage in passages}
    best = None  # (shared terms, -order, row, passage)
    order = 0
    for passage in carried:
        if passage.id not in shown:
            continue
        passage = shown[passage.id]
        for row in decision_rows(passage, records):
            order += 1
            shared = len(about & key_terms(f"{row.get('item_title') or ''} {row.get('decision') or ''}"))
            if shared and decision_line(row) and (best is None or (shared, -order) > best[:2]):
                best = (shared, -order, row, passage)
    if best is None:
        return None
    _, _, row, passage = best
    n = passages.index(passage) + 1
    quoted = " ".join((row.get("decision") or "").split())
    if len(quoted) > DECISION_QUOTE:
        quoted = quoted[:DECISION_QUOTE].rsplit(" ", 1)[0] + " …"
    sentences = [AnswerSentence(decision_line(row), [n]),
                 AnswerSentence(f"The decision: “{quoted}”", [n], quote=True)]
    text = " ".join(f"{s.text} [{n}]" for s in sentences)
    return text, sentences, {n: passage}


def _councillor(name: str) -> str:
    """A mover's name as printed ("Keller", "J Gilligan") with the title the minutes drop."""
    return name if name.split()[0].lower().rstrip(".") in _TITLES else f"Councillor {name}"

