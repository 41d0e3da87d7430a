"""List and structured questions answered from the records store, every row cited.

"List every decision of the 28 October 2020 meeting", "who sent apologies on 9 December 2020?",
"which actions are still open?", "what has the committee resolved about corporate parenting?":
top-k retrieval returns a sample of passages for these, the records store returns all the rows.
The rules below recognise such questions (one regular expression per kind of question, tried in
order); anything else returns None and goes through retrieval as before. So does a structured
question the store holds no rows for, so an empty store never hides an answer retrieval could give.

Each row becomes a sentence citing the passage the row came from; rows sharing a passage (two
people in one apologies paragraph) share its number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from assistant.filters import LAST_MEETING, OTHER_BODY_DECIDES, find_dates, without_dates
from assistant.models import Answer, AnswerSentence
from minutes_core.text.dates import human_date
from minutes_core.text.names import TITLED_PERSON
from minutes_core.text.stopwords import RECORDS_TOPIC_STOPWORDS
from minutes_core.text.normalise import match_form
from vectorstore.models import Filters, Passage

# Words that make a question ask for a complete list rather than an explanation.
_LIST = r"(?:list|what|which|all|every|show|give|tell me|name)"
_DECISION = r"(?:decisions?|decide[ds]?|resolutions?|resolved?|agreed)"


class InOrder:
    r"""A match of ``first`` followed, later in the text, by a match of ``then``.

    The shape ``\b...\b.*\b...\b`` in one pattern makes the regex engine run ``.*`` to the end of
    the text from every match of the first part: quadratic time on a long question. Two linear
    searches give the same answer (the first match of ``first`` leaves the most room for ``then``).
    """

    def __init__(self, first: re.Pattern[str], then: re.Pattern[str]):
        self.first, self.then = first, then

    def search(self, text: str) -> bool:
        match = self.first.search(text)
        return match is not None and self.then.search(text, match.end()) is not None


class AnyOf:
    """True when any of the patterns or ``InOrder`` pairs matches (an alternation of them)."""

    def __init__(self, *parts):
        self.parts = parts

    def search(self, text: str) -> bool:
        return any(part.search(text) for part in self.parts)


def _words(alternatives: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{alternatives})\b", re.I)


_LIST_WORD = _words(_LIST)
_DECISION_WORD = _words(_DECISION)
_STATUS_OPEN = (r"outstanding|open|pending|incomplete|unresolved|still to (?:be )?(?:done|completed)|"
                r"not (?:yet )?(?:done|completed|closed)|remain(?:ing)?")
_STATUS_AFTER = (r"outstanding|open|pending|incomplete|unresolved|not (?:yet )?(?:done|completed|closed)|"
                 r"still (?:open|outstanding)")
_ACTION_WORD = _words(r"actions?")
_DECLARATION_WORD = _words(r"declar(?:e|ed|ation|ations)")
_INTEREST_WORD = _words(r"interests?")

# "What has the committee resolved about corporate parenting?": the topic runs to the end of the
# question, so it is looked for only in the question's last characters (whitespace is collapsed at
# the boundary, so the longest match, "in relation to the " and 80 characters, fits).
_TOPIC_TRIGGER = _words(rf"{_DECISION}|resolve")
_TOPIC = re.compile(r"\b(?:about|on|regarding|concerning|in relation to|relating to|for|re)\s+"
                    r"(?:the\s+)?(?P<topic>[^?]{3,80}?)\s*\??$", re.I)
_TOPIC_WINDOW = 120
DECISIONS = AnyOf(InOrder(_LIST_WORD, _DECISION_WORD),
                  InOrder(_DECISION_WORD, _words(r"meeting|committee")))
# "What did the committee decide under urgent business / when it considered X" asks for one
# decision, which retrieval answers by quoting its RESOLVED block, not for a meeting's list.
ONE_DECISION = re.compile(r"\b(?:under|regarding|concerning|when (?:it|they)|in relation to)\b", re.I)
APOLOGIES = re.compile(r"\bapolog(?:y|ies|ised|ized)\b|\b(?:absent|absence|did not attend|"
                       r"didn't attend|couldn't attend|could not attend)\b", re.I)
ATTENDANCE = AnyOf(InOrder(_words(r"who|which\s+\w+"), _words(r"attend(?:ed|ing)?|present|there")),
                   _words(r"attendance|attendees|members present"))
DECLARATIONS = AnyOf(InOrder(_DECLARATION_WORD, _INTEREST_WORD),
                     InOrder(_INTEREST_WORD, _DECLARATION_WORD))
OPEN_ACTIONS = AnyOf(InOrder(_words(_STATUS_OPEN), _ACTION_WORD),
                     InOrder(_ACTION_WORD, _words(_STATUS_AFTER)))
ACTIONS = AnyOf(InOrder(_LIST_WORD, _words(r"actions|action tracker")), _words(r"action tracker"))
# "Which actions from the Youth Service item ...": the actions of one item.
ACTIONS_OF_ITEM = re.compile(r"\b(?:from|under|about|on|for|of)\s++(?:the\s++)?(?P<topic>[\w'’&,\- ]{3,60}?)"
                             r"\s+(?:item|update|report|discussion)\b", re.I)
# Who came for one item is in the agenda and that item's minutes, not in the attendance list.
ITEM_ATTENDANCE = re.compile(r"\bagenda\b|\b(?:attend|present)\w*\s+(?:for|at)\s+(?:the\s+)?"
                             r"(?!meeting\b|committee\b)[\w'’]+(?:\s+[\w'’]+){0,8}\s+(?:item|update|report)\b",
                             re.I)
_TRAILING = {"in", "on", "at", "of", "from", "during", "the"}


@dataclass
class Route:
    """What a structured question asks for: the store query and how rows become sentences."""

    kind: str
    label: str
    keep: Callable[[dict[str, Any]], bool]
    search: str | None = None


def classify(question: str) -> Route | None:
    """The structured question ``question`` asks, or None for an ordinary question."""
    if OPEN_ACTIONS.search(question):
        return Route("actions", "outstanding actions", lambda row: row["status"] != "done")
    if DECLARATIONS.search(question):
        return Route("attendance", "declarations of interest", lambda row: row["role"] == "declaration")
    if APOLOGIES.search(question):
        return Route("attendance", "apologies", lambda row: row["role"] == "apologies")
    if not OTHER_BODY_DECIDES.search(question) and not ONE_DECISION.search(question):
        topic = _decision_topic(question)
        subject = _without_dates(topic) if topic else ""
        if subject and not LAST_MEETING.search(subject):
            return Route("decisions", "decisions", lambda row: True, search=subject)
        if DECISIONS.search(question):
            return Route("decisions", "decisions", lambda row: True)
    if ATTENDANCE.search(question) and not ITEM_ATTENDANCE.search(question):
        return Route("attendance", "attendance",
                     lambda row: row["role"] in ("present", "also present"))
    if ACTIONS.search(question):
        item = ACTIONS_OF_ITEM.search(question)
        return Route("actions", "actions", lambda row: True,
                     search=_without_dates(item.group("topic")) if item else None)
    return None


def _decision_topic(question: str) -> str | None:
    """The topic of "what was resolved about <topic>?", or None."""
    trigger = _TOPIC_TRIGGER.search(question)
    if trigger is None:
        return None
    topic = _TOPIC.search(question, max(trigger.end(), len(question) - _TOPIC_WINDOW))
    return topic.group("topic") if topic else None


def _without_dates(topic: str) -> str:
    """The topic with its dates taken out ("the Trust update in December 2020" -> "the Trust update").

    The dates still narrow the rows (``answer_from_records`` reads them from the question).
    """
    words = without_dates(topic).split()
    # A tail of a preposition and any "the"/"meeting" words goes: "the Trust update in the".
    # The first word always stays.
    end = len(words)
    while end > 1 and words[end - 1].lower() in ("the", "meeting"):
        end -= 1
    if end > 1 and words[end - 1].lower() in _TRAILING:
        end -= 1
    else:
        end = next((i for i in range(max(end, 1), len(words)) if words[i].lower() == "the"), len(words))
    topic = " ".join(words[:end])
    return topic if len(topic) >= 3 else ""


def answer_from_records(question: str, filters: Filters | None, store) -> Answer | None:
    """An Answer listing every matching row, or None (not a structured question, or no rows).

    ``filters`` are the caller's (committee and meeting dates narrow the rows); a date the
    question names wins over none, and "the last meeting" means the latest one the store holds.
    """
    route = classify(question)
    if route is None:
        return None
    filters = filters or Filters()
    date_from, date_to = filters.date_from, filters.date_to
    dates = find_dates(question)
    if dates:
        date_from, date_to = dates[0].first.isoformat(), dates[-1].last.isoformat()
    elif LAST_MEETING.search(question):
        held = store.meeting_dates()
        if held:
            date_from = date_to = held[-1]
    needs_meeting = route.kind == "attendance" and route.label in ("attendance", "apologies")
    if needs_meeting and not (date_from or date_to):
        return None  # "who attended?" with no meeting named: retrieval asks for or finds context
    rows = store.query(route.kind, committee=filters.committee, date_from=date_from, date_to=date_to)
    rows = [row for row in rows if route.keep(row)]
    if route.search:
        rows = _about(rows, route.search)
    person = TITLED_PERSON.search(question)
    if person and route.kind == "attendance":
        surname = person.group("name").split()[-1].lower()
        rows = [row for row in rows if surname in row["name"].lower()]
    if not rows:
        return None
    return _answer(question, route, rows, filters, date_from, date_to)


def _about(rows: list[dict[str, Any]], topic: str) -> list[dict[str, Any]]:
    """Rows on a topic: the phrase itself, or every content word of it, in the decision or action
    or its item's title (so "corporate parenting" finds "engage Members as corporate parents")."""
    phrase = match_form(topic, dashes=False)
    words = [w for w in re.findall(r"[a-z0-9]+", phrase) if w not in RECORDS_TOPIC_STOPWORDS]
    stems = [w[:-3] if w.endswith("ing") and len(w) > 5 else w for w in words]
    found = []
    for row in rows:
        text = match_form(" ".join(str(row.get(key) or "") for key in ("item_title", "item", "decision",
                                                                      "action")), dashes=False)
        if phrase in text or (stems and all(stem in text for stem in stems)):
            found.append(row)
    return found



def _answer(question: str, route: Route, rows: list[dict[str, Any]], filters: Filters,
            date_from: str | None, date_to: str | None) -> Answer:
    numbers: dict[tuple, int] = {}
    citations: dict[int, Passage] = {}
    sentences: list[AnswerSentence] = []
    meetings = sorted({row["meeting_date"] for row in rows if row.get("meeting_date")})
    scope = (f"the meeting of {human_date(meetings[0])}" if len(meetings) == 1
             else f"{len(meetings)} meetings" if meetings else "the records")
    if route.search:
        scope += f", about {route.search}"
    header = f"{len(rows)} {route.label if len(rows) != 1 else _singular(route.label)} in {scope}:"
    sentences.append(AnswerSentence(header))
    for row in rows:
        key = (row["source"], row["line_start"], row["line_end"])
        if key not in numbers:
            numbers[key] = len(numbers) + 1
            citations[numbers[key]] = _passage(row, route.kind)
        n = numbers[key]
        text, quote = _sentence(route.kind, row)
        sentences.append(AnswerSentence(text, citations=[n], quote=quote))
    answer_text = "\n".join(
        f"{s.text} [{s.citations[0]}]" if s.citations else s.text for s in sentences)
    applied = Filters(committee=filters.committee, date_from=date_from, date_to=date_to,
                      doc_type=filters.doc_type, decisions_only=route.kind == "decisions",
                      source=filters.source)
    return Answer(
        question=question, answer=answer_text, standalone_query=question, filters=applied,
        citations=citations, passages=list(citations.values()), sentences=sentences,
        route="records",
        notes=[f"Listed from the meeting records store ({len(rows)} rows); every row cites the "
               "passage it was read from."],
    )


def _singular(label: str) -> str:
    return {"decisions": "decision", "outstanding actions": "outstanding action",
            "actions": "action", "declarations of interest": "declaration of interest",
            "apologies": "apology"}.get(label, label)


def _sentence(kind: str, row: dict[str, Any]) -> tuple[str, bool]:
    """A row as one sentence; a decision is quoted verbatim."""
    when = human_date(row["meeting_date"]) if row.get("meeting_date") else "an undated meeting"
    if kind == "decisions":
        item = f"item {row['item']} ({row['item_title']})" if row.get("item") else "a meeting"
        decision = " ".join(row["decision"].split())
        return f"{when}, {item}: RESOLVED {decision}", True
    if kind == "actions":
        update = f" Update: {row['update']}" if row.get("update") else " No update recorded."
        raised = f"raised {when}" + (f" under {row['item']}" if row.get("item") else "")
        return f"{row['action']} ({raised}; {row['status']}).{update}", False
    who = ("Councillor " if row.get("councillor") else "") + row["name"]
    capacity = f", {row['capacity']}" if row.get("capacity") else ""
    if row["role"] == "declaration":
        return f"{when}: {who} declared {row['interest']}.", False
    if row["role"] == "apologies":
        return f"{when}: apologies from {who}{capacity}.", False
    verb = "was present" if row["role"] == "present" else "was also present"
    return f"{when}: {who}{capacity} {verb}.", False


def _passage(row: dict[str, Any], kind: str) -> Passage:
    return Passage(
        id=f"records:{row['source']}:{row['line_start']}-{row['line_end']}",
        text=row["text"], source=row["source"], path=row.get("path"),
        committee=row.get("committee"), meeting_date=row.get("meeting_date"),
        doc_type=row.get("doc_type"), title=row.get("title"),
        item=row.get("item") if kind == "decisions" else None, page=row.get("page"),
        item_title=row.get("item_title"), is_decision=kind == "decisions",
        is_boilerplate=bool(row.get("boilerplate")), score=1.0,
    )
