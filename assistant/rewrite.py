"""Rule-based rewriting of follow-up questions into standalone queries (the extractive backend's).

"and what did they decide?" or "who presented it?" retrieve nothing useful on their own. Walking
the conversation's user turns in order, each turn is either standalone (it becomes the context)
or a follow-up, which inherits what it leaves out from the context: the topic, the meeting date,
the committee, and the people named by the previous question or answer. Pronouns are replaced by
what they stand for; "what about X?" swaps X for the matching part of the previous query.
Generative backends rewrite with their LLM instead (``backend.rewrite``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from assistant.filters import find_committee, find_dates, without_dates
from assistant.models import Turn
from minutes_core.text.names import CAPITALISED_RUN, last_person, person_names
from minutes_core.text.stopwords import TOPIC_STOPWORDS

_LEAD = re.compile(r"^\s*(and|but|so|also|then|ok(ay)?|right|well)\b[\s,]*", re.I)
_WHAT_ABOUT = re.compile(r"^\s*(?:and\s+)?(?:what|how)\s+about\s+(?P<rest>.+?)\s*\??\s*$", re.I)
_PRONOUN = re.compile(r"\b(it|its|they|them|their|he|she|him|her|his|these|those)\b", re.I)
_DEMONSTRATIVE = re.compile(
    r"\b(this|that|the same)\s+(meeting|item|report|paper|update|decision|committee|session)\b", re.I
)
_BARE_DEMONSTRATIVE = re.compile(r"\b(this|that)\s*(\?|$)", re.I)
_ELSE = re.compile(r"\b(else|other|another)\b", re.I)
_PERSON_PRONOUN = re.compile(r"\b(he|she|him|her|his)\b", re.I)
_THEY = re.compile(r"\b(they|them|their)\b", re.I)
_IT = re.compile(r"\b(it|this|that)\b(?=\s*(\?|$|\s(?:to|at|in|on|for|about|with)\b))", re.I)
# Words that point back at something the question does not name: "signed up to it", "those
# children", "what does that add up to", "did they".
_POINTING = re.compile(
    r"\b(?:to|about|on|for|with|from|of|into|in|at|by)\s+(?:it|them)\b|\b(?:it|them)\s*\??\s*$|"
    r"\b(?:those|these)\s+[a-z]|\b(?:does|did|is|was|has|had|do|will|would)\s+(?:that|this)\b|"
    r"\b(?:they|them|their)\b", re.I)
# A follow-up this short ("Why?", "Who chaired?") cannot stand alone.
SHORT_QUESTION_WORDS = 3

@dataclass
class Rewrite:
    """A standalone query, whether the question was a follow-up, and what was carried over."""

    query: str
    follow_up: bool = False
    carried: dict[str, str] = field(default_factory=dict)


@dataclass
class _Context:
    query: str = ""
    topic: str = ""
    date: str = ""  # with its preposition: "in December 2020"
    date_text: str = ""  # as written: "December 2020"
    committee: str = ""
    person: str = ""
    subject: str = ""  # the last proper name of the query: what "it" most likely stands for
    mentions_committee: bool = False


def is_follow_up(question: str) -> bool:
    """Does the question lean on an earlier turn (a pronoun, "and ...", "what about ...", ellipsis)?"""
    text = question.strip()
    if not text:
        return False
    if _LEAD.match(text) or _WHAT_ABOUT.match(text) or _DEMONSTRATIVE.search(text):
        return True
    if _BARE_DEMONSTRATIVE.search(text):
        return True
    words = re.findall(r"[\w'’]+", text)
    if len(words) <= SHORT_QUESTION_WORDS:
        return True
    if _PERSON_PRONOUN.search(text) or _POINTING.search(text):
        return True
    return bool(_PRONOUN.search(text)) and not topic_of(text)


def rewrite_follow_up(question: str, history: Iterable[Turn | dict],
                      committees: Mapping[str, str] | None = None) -> Rewrite:
    """The standalone form of ``question`` given the conversation so far.

    ``committees`` is an alias table (``filters.committee_alias_table``) used to recognise a
    committee named in an earlier turn.
    """
    context: _Context | None = None
    for turn in _turns(history):
        if turn.role == "user":
            rewritten = _resolve(turn.content, context, committees)
            context = _context_of(rewritten.query, committees, context)
        elif context is not None:
            # An answer's first name is its subject ("Penny Thompson, Independent Chair,
            # introduced it, with Simon Cross"): the "she" of the next question.
            named = person_names(turn.content)
            if named:
                context.person = named[0]
    return _resolve(question, context, committees)


def topic_of(text: str) -> str:
    """The content words of a question in order: no question words, dates, frames or pronouns."""
    words = re.findall(r"[\w'’\-]+", without_dates(text))
    kept = [w for w in words if w.lower() not in TOPIC_STOPWORDS]
    return " ".join(kept)


# -- internals ---------------------------------------------------------------------------------

def _turns(history: Iterable[Turn | dict]) -> list[Turn]:
    turns = []
    for turn in history:
        if isinstance(turn, dict):
            turn = Turn(role=str(turn.get("role", "")), content=str(turn.get("content", "")))
        if turn.content.strip():
            turns.append(turn)
    return turns


def _context_of(query: str, committees: Mapping[str, str] | None, previous: _Context | None) -> _Context:
    dates = find_dates(query)
    committee = find_committee(query, committees) if committees else None
    topic = topic_of(_strip_committee(query, committee))
    context = _Context(
        query=query,
        topic=topic or (previous.topic if previous else ""),
        date=_date_phrase(query, dates[0]) if dates else "",
        date_text=dates[0].text if dates else "",
        committee=committee[0] if committee else (previous.committee if previous else ""),
        person=last_person(query) or (previous.person if previous else ""),
        subject=_last_proper_name(_strip_committee(without_dates(query), committee)),
        mentions_committee=bool(re.search(r"\bcommittee\b", query, re.I)) or bool(committee),
    )
    return context


def _resolve(question: str, context: _Context | None, committees: Mapping[str, str] | None) -> Rewrite:
    question = question.strip()
    if context is None or not is_follow_up(question):
        return Rewrite(question)
    carried: dict[str, str] = {}

    swap = _WHAT_ABOUT.match(question)
    if swap or not re.search(r"\b(what|which|who|whom|whose|when|where|why|how|did|does|do|was|were|"
                             r"is|are|has|have|can|could|should|will|would|list|tell|show|give)\b",
                             _LEAD.sub("", question), re.I):
        subject = swap.group("rest") if swap else _LEAD.sub("", question).rstrip(" ?")
        return _swap(subject, context, committees, carried)

    text = _LEAD.sub("", question).rstrip(" ?")
    text = text[:1].upper() + text[1:] if text else text
    own_topic = topic_of(text)
    if context.person and _PERSON_PRONOUN.search(text):
        text = _PERSON_PRONOUN.sub(lambda m: _person_form(m.group(0), context.person), text)
        carried["person"] = context.person
    demonstrative = _DEMONSTRATIVE.search(text)
    if demonstrative and demonstrative.group(2).lower() == "meeting" and context.date:
        text = text[: demonstrative.start()] + f"the meeting {context.date}" + text[demonstrative.end():]
        carried["date"] = context.date
    elif demonstrative and context.topic:
        text = text[: demonstrative.start()] + context.topic + text[demonstrative.end():]
        carried["topic"] = context.topic
    if (context.subject or context.topic) and "topic" not in carried and _IT.search(text):
        text = _IT.sub(context.subject or context.topic, text, count=1)
        carried["topic"] = context.subject or context.topic
    if context.mentions_committee and _THEY.search(text):
        text = _THEY.sub(lambda m: "the committee's" if m.group(0).lower() == "their"
                         else "the committee", text)
        carried["committee"] = context.committee or "the committee"
    if not carried and not own_topic and len(re.findall(r"[\w'’]+", text)) <= SHORT_QUESTION_WORDS:
        # "Why?", "When?", "Who chaired?": the question is asked of the previous query.
        carried["query"] = context.query
        return Rewrite(_tidy(f"{text.rstrip(' ?')} — {context.query}"), follow_up=True,
                       carried=carried)
    pointing = _POINTING.search(text) is not None and "committee" not in carried
    if context.topic and "topic" not in carried and (pointing or not own_topic) and \
            not _ELSE.search(text):
        text += f" about {context.topic}"
        carried["topic"] = context.topic
    if context.committee and context.committee.lower() not in text.lower() and \
            not (committees and find_committee(text, committees)):
        text += f" ({context.committee})"
        carried["committee"] = context.committee
    if context.date and "date" not in carried and not find_dates(text):
        text += f" {context.date}"
        carried["date"] = context.date
    return Rewrite(_tidy(text) + "?", follow_up=True, carried=carried)


def _swap(subject: str, context: _Context, committees: Mapping[str, str] | None,
          carried: dict[str, str]) -> Rewrite:
    """'what about X?': X replaces the date, committee or topic of the previous query."""
    query = context.query.rstrip(" ?")
    dates = find_dates(subject)
    committee = find_committee(subject, committees) if committees else None
    if dates and context.date_text and context.date_text in query:
        carried["topic"] = context.topic
        query = query.replace(context.date_text, dates[0].text)
    elif dates:
        query = f"{query} {_date_phrase(subject, dates[0])}"
        carried["topic"] = context.topic
    elif committee:
        query = _strip_committee(query, find_committee(query, committees)).replace(
            f"({context.committee})", "")
        query = f"{query} ({committee[0]})"
        carried["topic"] = context.topic
    elif _topic_run(query, context.topic):
        start, end = _topic_run(query, context.topic)
        query = query[:start] + subject + query[end:]
        if context.date:
            carried["date"] = context.date
    else:
        query = " ".join(part for part in [subject, context.date, context.committee] if part)
        carried.update({k: v for k, v in (("date", context.date), ("committee", context.committee)) if v})
    return Rewrite(_tidy(query) + "?", follow_up=True, carried=carried)


def _topic_run(query: str, topic: str) -> tuple[int, int] | None:
    """Where in ``query`` the longest run of consecutive topic words is (to swap a new topic in)."""
    topic_words = {w.lower() for w in topic.split()}
    best, run_start, run_end = None, None, None
    for match in re.finditer(r"[\w'’\-]+", query):
        if match.group(0).lower() in topic_words:
            run_start = match.start() if run_start is None else run_start
            run_end = match.end()
            if best is None or run_end - run_start > best[1] - best[0]:
                best = (run_start, run_end)
        else:
            run_start = None
    return best


def _date_phrase(text: str, match) -> str:
    """The date with the preposition the question used, or 'in'/'on' if it had none."""
    before = text[: match.start].rstrip()
    preposition = re.search(r"\b(in|on|at|during|since|before|after|until|from|between)$", before, re.I)
    if preposition:
        return f"{preposition.group(1).lower()} {match.text}"
    return ("on " if match.first == match.last else "in ") + match.text  # on a day, in a month


def _strip_committee(query: str, committee: tuple[str, str] | None) -> str:
    if not committee:
        return query
    pattern = re.compile(r"\s+".join(re.escape(w) for w in committee[1].split()), re.I)
    return pattern.sub(" ", query.replace("’", "'"))


def _last_proper_name(query: str) -> str:
    """The last run of capitalised words that is not the question's first word ('' if none)."""
    names = [m.group(0) for m in CAPITALISED_RUN.finditer(query.strip()) if m.start() > 0]
    return names[-1] if names else ""


def _person_form(pronoun: str, person: str) -> str:
    return f"{person}'s" if pronoun.lower() in {"his", "her"} else person


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text[:1].upper() + text[1:]
