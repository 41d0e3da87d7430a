"""Does a piece of evidence meet the question's constraints? If not, say what the records hold.

An answer must meet what the question names (``assistant.question``): the period ("in November
2020") and the body ("the Planning Committee"); the kind of thing asked for is a feature of the
sentence model. The nearest sentence on the topic often fails one of them: a figure for another
month, a decision of another body. A person named in the question is not checked: on the
development suites the person was as often the source ("according to Councillor Booth") as the
subject, and the check abstained on 8 right answers and no unanswerable question. Quoting it as the answer is the confident wrong answer the
issue describes; instead the backend says what the records give and shows the closest passages:
"The records give the average caseload for October 2020, not for November 2020."

The checks are deliberately one-sided: evidence that says nothing about a constraint is not
held against it, since a minute rarely repeats the period or the body it is the minute of.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from assistant.filters import find_dates
from assistant.question import DATE, Question
from minutes_core.text.normalise import name_key
from vectorstore.models import Passage

@dataclass
class Unmet:
    """A constraint the evidence misses: which one, what the records give, what was asked."""

    kind: str  # "period" or "body"
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
        raise ValueError(f"unknown constraint kind {self.kind!r}")


def unmet_constraint(question: Question, passage: Passage, sentence: str,
                     aliases: Mapping[str, str] | None = None) -> Unmet | None:
    """The first constraint of ``question`` that ``sentence`` (from ``passage``) misses, or None."""
    return _period(question, passage, sentence) or _body(question, passage, sentence, aliases)


def _period(question: Question, passage: Passage, sentence: str) -> Unmet | None:
    """A figure of an earlier period given for the month or year asked ("the caseload in
    October 2020" for "in November 2020").

    Only a sentence that dates itself is judged, and only when all its dates end before the
    period starts: a later date is usually the plan or the deadline of the thing asked ("the fee
    from September 2022" for "the fee in 2023"), and a sentence without a date is read as the
    meeting's (development suites: judging by the meeting's date abstained on as many right
    answers, papers recalling earlier years, as on unanswerable questions). A single day names a
    meeting or an event, which filters and the no-meeting answer handle; a "when" question asks
    for a date, so its sentence's date is the answer, not a miss.
    """
    if question.answer_type == DATE:
        return None
    periods = [p for p in question.periods if p.first != p.last]
    said = find_dates(sentence)
    if not periods or not said:
        return None
    if any(d.first <= p.last and p.first <= d.last for d in said for p in periods):
        return None
    if all(d.last < p.first for d in said for p in periods):
        return Unmet("period", f"for {said[-1].text}", f"for {periods[0].text}")
    return None


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
