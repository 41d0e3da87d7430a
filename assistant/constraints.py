"""Does a piece of evidence meet the question's constraints? If not, say what the records hold.

An answer must meet what the question names (``assistant.question``): the period ("in November
2020"), the body ("the Metropolitan District"), the person, and the kind of thing asked for. The
nearest sentence on the topic often fails one of them: a figure for another month, a decision of
another body, a person not named. Quoting it as the answer is the confident wrong answer the
issue describes; instead the backend says what the records give and shows the closest passages:
"The records give the average caseload for October 2020, not for November 2020."

The checks are deliberately one-sided: evidence that says nothing about a constraint is not
held against it unless its meeting plainly lies elsewhere (a report of 2017 for "in December
2020"), since a minute rarely repeats the period or the body it is the minute of.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Mapping

from assistant.filters import find_dates
from assistant.question import Question, tokens
from minutes_core.text.dates import human_date
from minutes_core.text.normalise import name_key
from vectorstore.models import Passage

# A meeting's papers report the months before it (a quarterly scorecard, last year's outturn) and
# plan a little ahead: evidence from a meeting inside this window around the period named is
# taken to be about it. 92 days ahead: a budget set in the quarter before its year; 400 days
# after: an annual report presented the following year.
PLANNED_AHEAD = timedelta(days=92)
REPORTED_AFTER = timedelta(days=400)
# Words that attach a period to the meeting rather than to the thing asked ("at the meeting in
# December 2020"): then the meeting's date meets it even when the sentence names other months.
_MEETING_WORDS = frozenset("meeting meetings minutes agenda session".split())


@dataclass
class Unmet:
    """A constraint the evidence misses: which one, what the records give, what was asked."""

    kind: str  # "period", "body", "person"
    found: str
    asked: str

    def message(self, question: Question) -> str:
        what = " ".join(question.focus) if question.focus else "this"
        what = what if what == "this" else f"the {what}"
        if self.kind == "period":
            return f"The records give {what} {self.found}, not {self.asked}."
        if self.kind == "body":
            return (f"The closest records are of the {self.found}, not of the {self.asked}; "
                    "they may not answer the question as asked.")
        return f"The closest records do not name {self.asked} in this connection."


def unmet_constraint(question: Question, passage: Passage, sentence: str,
                     aliases: Mapping[str, str] | None = None) -> Unmet | None:
    """The first constraint of ``question`` that ``sentence`` (from ``passage``) misses, or None."""
    return (_period(question, passage, sentence) or _body(question, passage, sentence, aliases)
            or _person(question, passage))


def _period(question: Question, passage: Passage, sentence: str) -> Unmet | None:
    if not question.periods:
        return None
    asked = question.periods[0]
    in_meeting = any(p.holds(passage.meeting_date) for p in question.periods)
    said = find_dates(sentence)
    if said:
        overlaps = any(d.first <= p.last and p.first <= d.last for d in said for p in question.periods)
        if overlaps or (in_meeting and _MEETING_WORDS & {w.lower() for w in question.words}):
            return None
        if in_meeting and not question.answer_type:
            return None
        return Unmet("period", f"for {said[0].text}", f"for {asked.text}")
    if in_meeting or not passage.meeting_date:
        return None
    held = passage.meeting_date[:10]
    if (asked.first - PLANNED_AHEAD).isoformat() <= held <= (asked.last + REPORTED_AFTER).isoformat():
        return None
    return Unmet("period", f"from the meeting of {human_date(held)}", f"for {asked.text}")


def _body(question: Question, passage: Passage, sentence: str,
          aliases: Mapping[str, str] | None) -> Unmet | None:
    if not question.body or not passage.committee:
        return None
    if name_key(passage.committee) == name_key(question.body):
        return None
    spellings = [alias for alias, name in (aliases or {}).items() if name == question.body]
    spellings.append(name_key(question.body))
    said = name_key(" ".join([sentence, passage.title or "", passage.item_title or ""]))
    if any(spelling and spelling in said for spelling in spellings):
        return None
    return Unmet("body", passage.committee, question.body)


def _person(question: Question, passage: Passage) -> Unmet | None:
    words = {w.lower() for w in tokens(passage.text)}
    for person in question.people:
        surname = tokens(person)[-1].lower() if tokens(person) else ""
        if surname and surname not in words:
            return Unmet("person", "", person)
    return None
