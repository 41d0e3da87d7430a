"""Rule-based rewriting of follow-up questions into standalone queries (the extractive backend's).

"and what did they decide?" or "who presented it?" retrieve nothing useful on their own. Walking
the conversation's user turns in order, each turn is either standalone (it becomes the context)
or a follow-up, which inherits what it leaves out from the context: the topic, the meeting date,
the committee, and the people named by the previous question or answer. Pronouns are replaced by
what they stand for; "what about X?" swaps X for the matching part of the previous query; a
later time ("in the end", "a week later") is read from the conversation's date.
Generative backends rewrite with their LLM instead (``backend.rewrite``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Mapping

from assistant.filters import find_committee, find_dates, without_dates
from assistant.followup import DECISION_FIELD_STEMS, asks_decision_field
from assistant.models import Turn
from assistant.question import LEADS, Span, word_spans
from minutes_core.text.dates import MONTH_NAMES, human_date
from minutes_core.text.names import CAPITALISED_RUN, last_person, person_names
from minutes_core.text.normalise import name_key
from minutes_core.text.stems import stem
from minutes_core.text.stopwords import COUNCIL_WORDS, STOPWORDS, TOPIC_STOPWORDS

# Word classes of follow-ups: the words that open one ("and ..."), point back ("it", "they",
# "that meeting") or ask for something else ("what else").
_PRONOUNS = frozenset("it its they them their he she him her his these those".split())
_PERSON_PRONOUNS = frozenset("he she him her his".split())
_THEY = frozenset("they them their".split())
_THINGS = frozenset("meeting item report paper update decision committee session".split())
_ELSE = frozenset("else other another".split())
_POINTING_AFTER = frozenset("to about on for with from of into in at by".split())
_IT_BEFORE = frozenset("to at in on for about with".split())
_AUXILIARIES = frozenset("does did is was has had do will would".split())
_ASKING = frozenset("what which who whom whose when where why how did does do was were is are has "
                    "have can could should will would list tell show give".split())
_DATE_PREPOSITIONS = frozenset("in on at during since before after until from between".split())
_NAME_CHARS = "'’-"
# Words that ask what came after the time the conversation is at ("what was decided in the
# end?", "was it finally approved?"), and the units of "a week later", "the following month".
_LATER = frozenset("eventually finally ultimately afterwards subsequently later".split())
_UNITS = {"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month",
          "months": "month", "year": "year", "years": "year"}
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "six": 6}
# A follow-up this short ("Why?", "Who chaired?") cannot stand alone.
SHORT_QUESTION_WORDS = 3
# The words after "the" read as its noun phrase ("the current contract").
DEFINITE_WORDS = 2


def _strip_lead(text: str) -> str:
    """``text`` without an opening "and", "so", "ok", ... and the commas after it."""
    spans = word_spans(text)
    if spans and spans[0].lower in LEADS and not text[:spans[0].start].strip():
        return text[spans[0].end:].lstrip(" ,\t")
    return text


def _what_about(text: str) -> str | None:
    """X of "(and) what/how about X?", or None."""
    spans = word_spans(text)
    words = [s.lower for s in spans]
    first = 1 if words[:1] == ["and"] else 0
    if len(words) > first + 2 and words[first] in ("what", "how") and words[first + 1] == "about":
        rest = text[spans[first + 1].end:].strip().rstrip("?").strip()
        return rest or None
    return None


def _demonstrative(text: str) -> tuple[int, int, str] | None:
    """Where "this/that/the same meeting|item|..." is, and its noun."""
    spans = word_spans(text)
    for n, span in enumerate(spans[:-1]):
        if span.lower in ("this", "that") and spans[n + 1].lower in _THINGS:
            return span.start, spans[n + 1].end, spans[n + 1].lower
        if span.lower == "the" and spans[n + 1].lower == "same" and n + 2 < len(spans) and \
                spans[n + 2].lower in _THINGS:
            return span.start, spans[n + 2].end, spans[n + 2].lower
    return None


def _bare_demonstrative(text: str) -> bool:
    """Does the question end on a bare "this" or "that" ("what did they say about that?")."""
    spans = word_spans(text)
    return bool(spans) and spans[-1].lower in ("this", "that") and \
        not text[spans[-1].end:].strip(" ?\t\n")


def _pointing(text: str) -> bool:
    """Words that point back at something the question does not name: "signed up to it",
    "those children", "what does that add up to", "did they"."""
    spans = word_spans(text)
    words = [s.lower for s in spans]
    for n, word in enumerate(words):
        following = words[n + 1] if n + 1 < len(words) else ""
        if word in _THEY:
            return True
        if word in ("it", "them") and (n and words[n - 1] in _POINTING_AFTER or not following):
            return True
        if word in ("those", "these") and following and spans[n + 1].word[:1].islower():
            return True
        if word in _AUXILIARIES and following in ("that", "this", "it"):
            return True
    return False


def _replace_words(text: str, wanted, replacement, count: int = 0) -> str:
    """``text`` with the words in ``wanted`` replaced by ``replacement(word)`` (``count`` > 0:
    only the first ``count``)."""
    out, last, done = [], 0, 0
    for span in word_spans(text):
        if span.lower in wanted and (not count or done < count):
            out.append(text[last:span.start] + replacement(span.word))
            last, done = span.end, done + 1
    return "".join(out) + text[last:]


def _first_it(text: str) -> Span | None:
    """The "it/this/that" that stands for the topic: before a preposition or at the end."""
    spans = word_spans(text)
    for n, span in enumerate(spans):
        if span.lower in ("it", "this", "that"):
            following = spans[n + 1].lower if n + 1 < len(spans) else ""
            if not following and not text[span.end:].strip(" ?\t\n") or following in _IT_BEFORE:
                return span
    return None


def _later_phrase(text: str) -> tuple[int, int, int, str] | None:
    """Where a phrase asking about a later time is ("in the end", "finally", "a week later",
    "the following month"), with the shift it names (count and unit; 0 and "" for an open
    "later": any time after)."""
    spans = word_spans(text)
    words = [s.lower for s in spans]
    for n, word in enumerate(words):
        if words[n:n + 3] == ["in", "the", "end"]:
            return spans[n].start, spans[n + 2].end, 0, ""
        if word in ("next", "following") and n + 1 < len(words) and words[n + 1] in _UNITS:
            start = n - 1 if n and words[n - 1] == "the" else n
            return spans[start].start, spans[n + 1].end, 1, _UNITS[words[n + 1]]
        if word not in _LATER:
            continue
        if word == "later" and n >= 2 and words[n - 1] in _UNITS and \
                (words[n - 2] in _COUNTS or words[n - 2].isdigit()):
            count = _COUNTS.get(words[n - 2]) or int(words[n - 2])
            return spans[n - 2].start, spans[n].end, count, _UNITS[words[n - 1]]
        return spans[n].start, spans[n].end, 0, ""
    return None


def _later_date(date_text: str, count: int, unit: str) -> str:
    """The period ``count`` ``unit``s after the one ``date_text`` names, as a question writes it:
    a day moved by days or weeks is a day ("on 25 November 2020"), a month moved by months or
    years a month ("in March 2023"), a year moved by years a year; any other shift, and an open
    "later" (no count), is everything from then on ("since February 2023": the same meeting may
    record the end of the matter)."""
    found = find_dates(f"in {date_text}")  # a bare year is a date only after a preposition
    if not found or not count:
        return f"since {date_text}"
    first, last = found[0].first, found[0].last
    if unit in ("day", "week"):
        moved = first + timedelta(days=count * (7 if unit == "week" else 1))
        return f"{'on' if first == last else 'since'} {human_date(moved.isoformat())}"
    months = count * (12 if unit == "year" else 1)
    year, month = divmod(first.year * 12 + first.month - 1 + months, 12)
    whole_month = first.day == 1 and (last + timedelta(days=1)).day == 1 and \
        (first.year, first.month) == (last.year, last.month)
    if unit == "year" and (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
        return f"in {year}"
    if whole_month:
        return f"in {MONTH_NAMES[month]} {year}"
    return f"since {human_date(date(year, month + 1, min(first.day, 28)).isoformat())}"


def _words(text: str) -> list[str]:
    return [s.lower for s in word_spans(text, _NAME_CHARS)]


@dataclass
class Rewrite:
    """A standalone query, whether the question was a follow-up, and what was carried over."""

    query: str
    follow_up: bool = False
    carried: dict[str, str] = field(default_factory=dict)
    swapped: bool = False  # "what about X?": X replaces part of the previous question
    # The query without the committee and date carried only to narrow the search: in the
    # meeting's own passages every sentence holds them, so they would only blur which one answers.
    answer_query: str = ""
    # The date was carried only because the follow-up names none: the time the conversation is
    # at, which places what is asked next without bounding it (the papers of a later meeting
    # report what was said or done; "seized in 2019, according to the February 2020 minutes").
    soft_date: bool = False

    def __post_init__(self):
        self.answer_query = self.answer_query or self.query


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
    answer: str = ""  # the assistant's answer to the query, when the conversation holds it


def is_follow_up(question: str) -> bool:
    """Does the question lean on an earlier turn (a pronoun, "and ...", "what about ...", ellipsis)?"""
    text = question.strip()
    if not text:
        return False
    words = _words(text)
    if words[:1] and words[0] in LEADS or _what_about(text) or _demonstrative(text):
        return True
    if _bare_demonstrative(text):
        return True
    if len(words) <= SHORT_QUESTION_WORDS:
        return True
    if _PERSON_PRONOUNS & set(words) or _pointing(text) or _unnamed_decision(text):
        return True
    if _later_phrase(text) and not find_dates(text):
        return True  # "a week later", "in the end": later than the time the conversation is at
    return bool(_PRONOUNS & set(words)) and not topic_of(text)


def _refers_back(text: str, context: _Context) -> bool:
    """Does a definite common noun of the question ("the festival", "the current contract")
    name something the previous question or answer spoke of? A definite description needs an
    antecedent, which in a conversation is the turn before ("the town's arts festival", "a new
    contract"); a proper name ("the Trust") stands on its own, and so do the words of every
    council paper ("the committee", "the meeting")."""
    earlier = {stem(word) for word in _words(f"{context.query} {context.answer}")}
    spans = word_spans(text)
    for n, span in enumerate(spans):
        if span.lower != "the":
            continue
        for follower in spans[n + 1: n + 1 + DEFINITE_WORDS]:
            if not follower.word[:1].islower():
                break
            if follower.lower in STOPWORDS or follower.lower in TOPIC_STOPWORDS or \
                    follower.lower in COUNCIL_WORDS:
                continue
            if stem(follower.lower) in earlier:
                return True
    return False


def _elliptic(text: str) -> bool:
    """Does the question name at most one thing of its own, a common noun or verb ("What was the
    figure" of "What was the figure a week later?"), and no name, number or date? Such a question
    asked of a later time is of what the previous turn spoke of; without a later time it is not
    read as a follow-up (0.12.0: that fixed one dev item, below the bar)."""
    if find_dates(text):
        return False
    own = topic_of(text).split()
    return len(own) <= 1 and not any(w[:1].isupper() or any(c.isdigit() for c in w) for w in own)


def _unnamed_decision(text: str) -> bool:
    """Does the question ask who moved or seconded a decision, or how its vote went, without
    naming which ("Who proposed the amendment?", "How did the vote go?"): besides the words of
    those fields, at most one word of its own and no name or number? Then it is the decision the
    conversation is about."""
    if not asks_decision_field(text):
        return False
    own = [w for w in topic_of(text).split() if stem(w.lower()) not in DECISION_FIELD_STEMS]
    return len(own) <= 1 and not any(w[:1].isupper() or any(c.isdigit() for c in w) for w in own)


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
            context.answer = turn.content
            # An answer's first name is its subject ("Penny Thompson, Independent Chair,
            # introduced it, with Simon Cross"): the "she" of the next question.
            named = person_names(turn.content)
            if named:
                context.person = named[0]
    return _resolve(question, context, committees)


def topic_of(text: str) -> str:
    """The content words of a question in order: no question words, dates, frames or pronouns."""
    words = [s.word for s in word_spans(without_dates(text), _NAME_CHARS)]
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
        mentions_committee="committee" in _words(query) or bool(committee),
    )
    return context


def _resolve(question: str, context: _Context | None, committees: Mapping[str, str] | None) -> Rewrite:
    question = question.strip()
    if context is None or not (is_follow_up(question) or _refers_back(question, context)):
        return Rewrite(question)
    carried: dict[str, str] = {}

    swap = _what_about(question)
    unled = _strip_lead(question)
    if swap or not _ASKING & set(_words(unled)):
        subject = swap if swap else unled.rstrip(" ?")
        return _swap(subject, context, committees, carried)

    text = unled.rstrip(" ?")
    later = _later_phrase(text) if context.date_text and not find_dates(text) else None
    if later:
        # "What was decided in the end?": the time is the conversation's, moved on; the phrase
        # itself names nothing to search for.
        text = " ".join(f"{text[:later[0]]} {text[later[1]:]}".split())
    text = text[:1].upper() + text[1:] if text else text
    own_topic = topic_of(text)
    if context.person and _PERSON_PRONOUNS & set(_words(text)):
        text = _replace_words(text, _PERSON_PRONOUNS, lambda w: _person_form(w, context.person))
        carried["person"] = context.person
    demonstrative = _demonstrative(text)
    if demonstrative and demonstrative[2] == "meeting" and context.date:
        text = text[: demonstrative[0]] + f"the meeting {context.date}" + text[demonstrative[1]:]
        carried["date"] = context.date
    elif demonstrative and context.topic:
        text = text[: demonstrative[0]] + context.topic + text[demonstrative[1]:]
        carried["topic"] = context.topic
    it = _first_it(text)
    if (context.subject or context.topic) and "topic" not in carried and it is not None:
        text = text[: it.start] + (context.subject or context.topic) + text[it.end:]
        carried["topic"] = context.subject or context.topic
    if context.mentions_committee and _THEY & set(_words(text)):
        text = _replace_words(text, _THEY, lambda w: "the committee's" if w.lower() == "their"
                              else "the committee")
        carried["committee"] = context.committee or "the committee"
    if not carried and not own_topic and len(_words(text)) <= SHORT_QUESTION_WORDS:
        # "Why?", "When?", "Who chaired?": the question is asked of the previous query.
        carried["query"] = context.query
        if later and context.date:
            carried["query"] = context.query.replace(
                context.date, _later_date(context.date_text, later[2], later[3]))
        return Rewrite(_tidy(f"{text.rstrip(' ?')} — {carried['query']}"), follow_up=True,
                       carried=carried)
    pointing = _pointing(text) and "committee" not in carried
    # "What was the figure a week later?": the same thing at another time, named by one word.
    elliptic_later = bool(later) and _elliptic(text)
    if context.topic and "topic" not in carried and (pointing or not own_topic or elliptic_later) and \
            not _ELSE & set(_words(text)):
        # The person "he" was replaced by is not named twice ("What did Councillor X ask for
        # about Councillor X rezoned"): the repeat weighs the name over what was asked.
        person = set(carried.get("person", "").split())
        topic = " ".join(w for w in context.topic.split() if w not in person)
        if topic:
            text += f" about {topic}"
            carried["topic"] = topic
    answer_query = _tidy(text) + "?"
    if context.committee and context.committee.lower() not in text.lower() and \
            not (committees and find_committee(text, committees)):
        text += f" ({context.committee})"
        carried["committee"] = context.committee
    soft_date = False
    if later:
        carried["date"] = _later_date(context.date_text, later[2], later[3])
        text += f" {carried['date']}"
    elif context.date and "date" not in carried and not find_dates(text):
        text += f" {context.date}"
        carried["date"] = context.date
        soft_date = True
    return Rewrite(_tidy(text) + "?", follow_up=True, carried=carried, answer_query=answer_query,
                   soft_date=soft_date)


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
    return Rewrite(_tidy(query) + "?", follow_up=True, carried=carried, swapped=True)


def _topic_run(query: str, topic: str) -> tuple[int, int] | None:
    """Where in ``query`` the longest run of consecutive topic words is (to swap a new topic in)."""
    topic_words = {w.lower() for w in topic.split()}
    best, run_start, run_end = None, None, None
    for span in word_spans(query, _NAME_CHARS):
        if span.lower in topic_words:
            run_start = span.start if run_start is None else run_start
            run_end = span.end
            if best is None or run_end - run_start > best[1] - best[0]:
                best = (run_start, run_end)
        else:
            run_start = None
    return best


def _date_phrase(text: str, match) -> str:
    """The date with the preposition the question used, or 'in'/'on' if it had none."""
    before = word_spans(text[: match.start])
    if before and before[-1].lower in _DATE_PREPOSITIONS and not text[before[-1].end: match.start].strip():
        return f"{before[-1].lower} {match.text}"
    return ("on " if match.first == match.last else "in ") + match.text


def _strip_committee(query: str, committee: tuple[str, str] | None) -> str:
    """``query`` without the words that named ``committee`` (its matched alias, compared as
    ``name_key`` forms: "Eastbrook-Millford" is the alias "eastbrook millford")."""
    if not committee:
        return query
    query = query.replace("’", "'")
    wanted = committee[1]
    spans = word_spans(query)
    longest = len(wanted.split()) + 2  # a hyphen or apostrophe splits a word in two
    out, last, n = [], 0, 0
    while n < len(spans):
        end = next((m for m in range(n, min(n + longest, len(spans)))
                    if name_key(query[spans[n].start: spans[m].end]) == wanted), None)
        if end is None:
            n += 1
            continue
        out.append(query[last: spans[n].start] + " ")
        last, n = spans[end].end, end + 1
    return "".join(out) + query[last:]


def _last_proper_name(query: str) -> str:
    """The last run of capitalised words that is not the question's first word ('' if none)."""
    names = [m.group(0) for m in CAPITALISED_RUN.finditer(query.strip()) if m.start() > 0]
    return names[-1] if names else ""


def _person_form(pronoun: str, person: str) -> str:
    return f"{person}'s" if pronoun.lower() in {"his", "her"} else person


def _tidy(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:]
