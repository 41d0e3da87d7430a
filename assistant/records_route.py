"""List and structured questions answered from the records store, every row cited.

"List every decision of the 28 October 2020 meeting", "who sent apologies on 9 December 2020?",
"which actions are still open?", "what has the committee resolved about corporate parenting?":
top-k retrieval returns a sample of passages for these, the records store returns all the rows.
The rules below recognise such questions (one regular expression per kind of question, tried in
order); anything else returns None and goes through retrieval as before. So does a structured
question the store holds no rows for, so an empty store never hides an answer retrieval could give.

Each row becomes a sentence citing the passage the row came from; rows sharing a passage (two
people in one apologies paragraph) share its number. With the index beside the store
(``PassageRecords``), that passage is the indexed chunk holding the row's lines: "Councillor
Scanlan." alone does not show that it is an apology for the meeting of 12 December, the chunk
with the meeting's heading and its lists does.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any, Callable

from assistant.filters import LAST_MEETING, OTHER_BODY_DECIDES, find_dates, without_dates
from assistant.models import Answer, AnswerSentence
from assistant.question import DECISION_WORDS, word_spans
from minutes_core.text.dates import human_date
from minutes_core.text.names import TITLED_PERSON
from minutes_core.text.stopwords import RECORDS_TOPIC_STOPWORDS
from minutes_core.text.normalise import match_form
from vectorstore.models import Filters, Passage

log = logging.getLogger(__name__)

# The words of each kind of records question (the record kinds are the same for every council):
# a list asked for, a decision, an action and its status, attendance, apologies, declarations.
_LIST = frozenset("list what which all every show give tell name".split())
_TOPIC_PREPOSITIONS = frozenset("about on regarding concerning for re".split())
_MEETING = frozenset("meeting committee".split())
# "What did the committee decide under urgent business / when it considered X" asks for one
# decision, which retrieval answers by quoting its RESOLVED block, not for a meeting's list.
_ONE_DECISION = frozenset("under regarding concerning".split())
_APOLOGIES = frozenset("apology apologies apologised apologized absent absence".split())
_NOT = frozenset("not didn't couldn't didnt couldnt".split())
_ATTENDED = frozenset("attend attended attending present there".split())
_ATTENDANCE = frozenset("attendance attendees".split())
_OPEN = frozenset("outstanding open pending incomplete unresolved remaining remain".split())
_DONE = frozenset("done completed closed".split())
_ACTIONS = frozenset("action actions".split())
_PART = frozenset("item update report discussion".split())
_ITEM_PREPOSITIONS = frozenset("from under about on for of".split())
_TRAILING = frozenset("in on at of from during the meeting".split())


def _words(text: str) -> list[str]:
    return [span.lower for span in word_spans(text, "'’-")]


@dataclass
class Route:
    """What a structured question asks for: the store query and how rows become sentences."""

    kind: str
    label: str
    keep: Callable[[dict[str, Any]], bool]
    search: str | None = None


def classify(question: str) -> Route | None:
    """The structured question ``question`` asks, or None for an ordinary question."""
    words = _words(question)
    present = set(words)
    if present & _ACTIONS and (present & _OPEN or _follows(words, _NOT, _DONE, gap=1)
                               or _follows(words, {"still"}, _OPEN | {"to"})):
        return Route("actions", "outstanding actions", lambda row: row["status"] != "done")
    if any(w.startswith("declar") for w in words) and present & {"interest", "interests"}:
        return Route("attendance", "declarations of interest", lambda row: row["role"] == "declaration")
    if present & _APOLOGIES or _follows(words, _NOT, {"attend"}):
        return Route("attendance", "apologies", lambda row: row["role"] == "apologies")
    one_decision = present & _ONE_DECISION or _follows(words, {"when"}, {"it", "they"}) or \
        _follows(words, {"relation"}, {"to"})
    if not OTHER_BODY_DECIDES.search(question) and not one_decision:
        subject = _without_dates(_decision_topic(question))
        if subject and not LAST_MEETING.search(subject):
            return Route("decisions", "decisions", lambda row: True, search=subject)
        if _decision_list(words):
            return Route("decisions", "decisions", lambda row: True)
    asks_who = bool(present & {"who", "which"})
    if (asks_who and present & _ATTENDED or present & _ATTENDANCE or
            _follows(words, {"members"}, {"present"})) and not _item_attendance(words):
        return Route("attendance", "attendance",
                     lambda row: row["role"] in ("present", "also present"))
    if "actions" in present and present & _LIST or _follows(words, {"action"}, {"tracker"}):
        topic = _item_topic(question)
        return Route("actions", "actions", lambda row: True,
                     search=_without_dates(topic) if topic else None)
    return None


def _follows(words: list[str], first, then, gap: int = 0) -> bool:
    """Is a word of ``first`` followed by a word of ``then`` (at most ``gap`` words between)?"""
    return any(w in first and any(x in then for x in words[n + 1: n + 2 + gap])
               for n, w in enumerate(words))


def _decision_list(words: list[str]) -> bool:
    """A list word before a decision word, or a decision word before "meeting"/"committee"."""
    decisions = [n for n, w in enumerate(words) if w in DECISION_WORDS]
    if not decisions:
        return False
    return any(w in _LIST for w in words[: decisions[-1]]) or \
        any(w in _MEETING for w in words[decisions[0] + 1:])


def _decision_topic(question: str) -> str:
    """What a decisions question is about: the words after the first "about/on/regarding/..."
    that follows its decision word ("resolved about corporate parenting" -> "corporate
    parenting"), 3 to 80 characters, or ''."""
    spans = word_spans(question, "'’-")
    decided = next((n for n, s in enumerate(spans) if s.lower in DECISION_WORDS or s.lower == "resolve"), None)
    if decided is None:
        return ""
    for n in range(decided + 1, len(spans)):
        word = spans[n].lower
        if word in _TOPIC_PREPOSITIONS or (word in ("relation", "relating") and n + 1 < len(spans)
                                           and spans[n + 1].lower == "to"):
            start = n + 2 if word in ("relation", "relating") else n + 1
            if start < len(spans) and spans[start].lower == "the":
                start += 1
            if start >= len(spans):
                return ""
            topic = question[spans[start].start:].strip().rstrip("?").strip()
            return topic if 3 <= len(topic) <= 80 else ""
    return ""


def _item_attendance(words: list[str]) -> bool:
    """Who came for one item is in the agenda and that item's minutes, not the attendance list."""
    if "agenda" in words:
        return True
    for n, word in enumerate(words):
        if word.startswith("attend") or word == "present":
            rest = words[n + 1:]
            if rest[:1] and rest[0] in ("for", "at"):
                rest = rest[1:]
                if rest[:1] == ["the"]:
                    rest = rest[1:]
                if rest and rest[0] not in _MEETING and any(w in ("item", "update", "report") for w in rest[1:]):
                    return True
    return False


def _item_topic(question: str) -> str:
    """"the Youth Service" of "actions from the Youth Service item": the words between a
    preposition and "item/update/report/discussion", or ''."""
    spans = word_spans(question, "'’-&,")
    for n, span in enumerate(spans):
        if span.lower in _PART and n:
            for m in range(n - 1, -1, -1):
                if spans[m].lower in _ITEM_PREPOSITIONS:
                    first = m + 1 + (spans[m + 1].lower == "the" if m + 1 < n else 0)
                    topic = question[spans[first].start: spans[n - 1].end] if first < n else ""
                    return topic if 3 <= len(topic) <= 60 else ""
    return ""


def _without_dates(topic: str) -> str:
    """The topic with its dates taken out ("the Trust update in December 2020" -> "the Trust update").

    The dates still narrow the rows (``answer_from_records`` reads them from the question).
    """
    topic = " ".join(without_dates(topic).split())
    spans = word_spans(topic)
    while spans and spans[-1].lower in _TRAILING:
        spans = spans[:-1]
    topic = topic[: spans[-1].end].strip() if spans else ""
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
    return _answer(question, route, rows, filters, date_from, date_to, store)


def _about(rows: list[dict[str, Any]], topic: str) -> list[dict[str, Any]]:
    """Rows on a topic: the phrase itself, or every content word of it, in the decision or action
    or its item's title (so "corporate parenting" finds "engage Members as corporate parents")."""
    phrase = match_form(topic, dashes=False)
    words = [s.lower for s in word_spans(phrase) if s.lower not in RECORDS_TOPIC_STOPWORDS]
    stems = [w[:-3] if w.endswith("ing") and len(w) > 5 else w for w in words]
    found = []
    for row in rows:
        text = match_form(" ".join(str(row.get(key) or "") for key in ("item_title", "item", "decision",
                                                                      "action")), dashes=False)
        if phrase in text or (stems and all(stem in text for stem in stems)):
            found.append(row)
    return found



def _answer(question: str, route: Route, rows: list[dict[str, Any]], filters: Filters,
            date_from: str | None, date_to: str | None, store=None) -> Answer:
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
    for row, chunk in zip(rows, cited_passages(store, rows)):
        passage = chunk or _passage(row, route.kind)
        key = passage.id
        if key not in numbers:
            numbers[key] = len(numbers) + 1
            citations[numbers[key]] = passage
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


class PassageRecords:
    """A records store that also finds, for a row, the indexed passage (chunk) holding its lines.

    Everything else is the store's (``query``, ``meeting_dates``, ``close``...). ``index`` is a
    ``vectorstore.index.Index``; a row no single chunk holds (a decision cut across two) keeps
    its own text as its passage.
    """

    def __init__(self, store, index):
        self.store = store
        self.index = index

    def __getattr__(self, name: str):
        return getattr(self.store, name)

    def passages_of(self, rows: list[dict[str, Any]]) -> list[Passage | None]:
        """For each row, the smallest indexed chunk holding its lines, or None (one read of the rows' files)."""
        paths = sorted({row["path"] for row in rows if row.get("path")})
        chunks: dict[str, list[Passage]] = {}
        for passage in self.index.passages_of_files(paths):
            chunks.setdefault(passage.path, []).append(passage)
        return [_holding(row, chunks.get(row.get("path") or "", [])) for row in rows]


# How much of a row's own text identifies the chunk that quotes it.
ROW_OPENING_CHARS = 60


def _holding(row: dict[str, Any], chunks: list[Passage]) -> Passage | None:
    start, end = row.get("line_start"), row.get("line_end")
    if not isinstance(start, int) or not isinstance(end, int):
        return None
    holding = [p for p in chunks if (p.metadata.get("line_start") or 0) <= start
               and end <= (p.metadata.get("line_end") or 0)]
    if not holding:
        log.debug("no chunk holds lines %s-%s of %s", start, end, row.get("source"))
        return None
    # Chunks of one long unit (an OCR page printed as a few very long lines, a web page's item
    # row) all share its line range: the one quoting the row's own words is the one holding it -
    # a decision's words first (a row's passage may open with the item's discussion), else the
    # opening of its passage.
    openings = [match_form(str(row.get(key) or ""))[:ROW_OPENING_CHARS].strip() for key in ("decision", "text")]

    def fit(p: Passage) -> tuple:
        held = match_form(p.text)
        quoted = [bool(opening) and opening in held for opening in openings]
        span = (p.metadata.get("line_end") or 0) - (p.metadata.get("line_start") or 0)
        return (not quoted[0], not quoted[1], span, len(p.text), p.id)
    return dataclasses.replace(min(holding, key=fit), score=1.0)


def cited_passages(store, rows: list[dict[str, Any]]) -> list[Passage | None]:
    """The chunk each row is cited by when ``store`` is a ``PassageRecords``; None each otherwise."""
    passages_of = getattr(store, "passages_of", None)
    return passages_of(rows) if passages_of else [None] * len(rows)
