"""Question analysis: what kind of answer a question asks for, about what, under which constraints.

Read from the question's structure, not from lists of suite questions: the question word and the
head noun that follows it give the answer type ("how many" -> number, "which councillor" ->
person, "what date" -> date, "did ..." -> yes/no), the head noun is the focus, and the constraints
are the period (dates through ``assistant.filters.find_dates``), the body (the council's committee
list through ``assistant.filters.find_committee``) and the people the question names. The
extractive backend scores sentences by these, and abstains when the best evidence does not meet
the constraints (``assistant.constraints``).

The lexicon below is of general English question forms (which nouns name a quantity, a time, a
person, a place), the same for every council.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Mapping

from assistant.filters import find_committee, find_dates
from minutes_core.text.dates import MONTHS
from minutes_core.text.names import person_names
from minutes_core.text.stems import stem, stem_set
from minutes_core.text.stopwords import STOPWORDS

NUMBER, DATE, PERSON, PLACE, POST, NAME, LIST, YESNO, DECISION, REASON = (
    "number", "date", "person", "place", "post", "name", "list", "yes/no", "decision", "reason")

# Head nouns by the kind of answer they ask for ("what PERCENTAGE", "which COUNCILLORS").
_HEAD_NOUNS = {
    NUMBER: "percentage proportion share number rate figure figures total amount cost costs budget "
            "average level score value size population caseload count sum price spend spending "
            "funding allocation grant target ratio turnout outturn increase decrease reduction saving "
            "savings overspend underspend deficit surplus balance fee fees charge charges levy rent "
            "income revenue drawdown",
    DATE: "date dates day days month months year years period time deadline",
    PERSON: "councillor councillors cllr officer officers person people member members inspector "
            "inspectors representative representatives director directors chair chairs speaker "
            "speakers proposer seconder mayor cathaoirleach",
    PLACE: "venue location place address site ward wards area areas district districts town road",
    POST: "post role position job title office",
    NAME: "name campaign system organisation organisations company firm charity body bodies "
          "school schools scheme programme strategy council councils authority authorities "
          "contractor provider project",
}
HEAD_NOUN_TYPE = {word: kind for kind, words in _HEAD_NOUNS.items() for word in words.split()}
_QUANTITY_WORDS = {"many": NUMBER, "much": NUMBER, "long": NUMBER, "often": NUMBER, "far": NUMBER}
# Verbs whose object is a quantity: "what did it cost?" asks a number.
_QUANTITY_VERBS = frozenset("cost costs total totalled totaled weigh weighed".split())
_AUXILIARIES = frozenset("is are was were do does did has have had can could will would should shall may "
                         "might must".split())
_BE = frozenset("is are was were".split())
_DETERMINERS = frozenset("the a an this that these those its their his her".split())
# Words that open a follow-up without asking anything ("and who moved it?").
LEADS = frozenset("and but so also then ok okay right well".split())
_LIST_VERBS = frozenset("list name show give".split())
# Words that ask what was decided (a records question, or a RESOLVED quote).
DECISION_WORDS = frozenset("decision decisions decide decided decides resolution resolutions resolve "
                           "resolved agreed".split())
_DECISION_STEMS = frozenset(stem(w) for w in DECISION_WORDS)
_REASON_NOUNS = frozenset("reason reasons why purpose cause".split())


@dataclass(frozen=True)
class Period:
    """A period the question names ("in November 2020"): its bounds and its words."""

    first: date
    last: date
    text: str

    def holds(self, iso: str | None) -> bool:
        return bool(iso) and self.first.isoformat() <= iso[:10] <= self.last.isoformat()


@dataclass
class Question:
    """A question's answer type, focus and constraints (see the module docstring)."""

    text: str
    words: list[str]
    wh: str  # the question word ("who", "how", "did" for yes/no), "" if none
    answer_type: str | None
    focus: list[str] = field(default_factory=list)  # the head noun phrase, lower case
    periods: list[Period] = field(default_factory=list)
    body: str | None = None  # the canonical committee the question names
    people: list[str] = field(default_factory=list)
    # Words the conversation has already given (the previous answer of a follow-up): a value
    # among them is not new ("who seconded it?" is not answered by the proposer named before).
    known: str = ""

    @property
    def focus_stems(self) -> set[str]:
        return {stem(w) for w in self.focus} - {""}

    @cached_property
    def stems(self) -> frozenset[str]:
        """The terms of the question's words (``stems.stem_set``), read once: the answer checks
        compare word lists by stem for every candidate sentence."""
        return frozenset(stem_set(" ".join(self.words)))


def tokens(text: str) -> list[str]:
    """The words of ``text`` as written (letters, digits, inner apostrophes and hyphens)."""
    cleaned = "".join(ch if ch.isalnum() or ch in "'’-&" else " " for ch in text)
    return [w.strip("'’-") for w in cleaned.split() if w.strip("'’-&")]


def analyse(text: str, committees: Mapping[str, str] | None = None) -> Question:
    """The analysis of one question (``committees``: an alias table, see ``filters``)."""
    words = tokens(text)
    lowered = [w.lower() for w in words]
    while lowered and lowered[0] in LEADS:
        lowered, words = lowered[1:], words[1:]
    wh, answer_type, focus = _type_and_focus(lowered)
    periods = [Period(d.first, d.last, d.text) for d in find_dates(text)]
    named = find_committee(text, committees) if committees else None
    return Question(text=text, words=words, wh=wh, answer_type=answer_type, focus=focus,
                    periods=periods, body=named[0] if named else None, people=person_names(text))


def _type_and_focus(words: list[str]) -> tuple[str, str | None, list[str]]:
    """The question word, the answer type and the focus (head noun phrase) of lower-cased words."""
    if not words:
        return "", None, []
    stems = {stem(w) for w in words}
    asks_decision = bool(stems & _DECISION_STEMS)
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word == "how" and nxt in _QUANTITY_WORDS:
            return "how", _QUANTITY_WORDS[nxt], _head(words[i + 2:])
        if word in ("who", "whom", "whose"):
            rest = words[i + 1:]
            if rest[:1] and rest[0] in _AUXILIARIES and rest[1:2] == ["the"]:
                head = _head(rest[2:])  # "who is the chair of ..." asks for a person
                return word, PERSON, head
            return word, PERSON, _head(rest)
        if word == "when":
            return word, DATE, []
        if word == "where":
            return word, PLACE, []
        if word == "why":
            return word, REASON, []
        if word in ("what", "which"):
            rest = words[i + 1:]
            if rest[:1] and rest[0] in _AUXILIARIES and rest[0] not in _BE and any(
                    w in _QUANTITY_VERBS and before not in _DETERMINERS
                    for before, w in zip(rest[1:], rest[2:])):
                return word, NUMBER, []  # "what did the festival cost?", "what does it cost to ..."
            if rest[:1] and rest[0] in _AUXILIARIES:
                # "what WAS the budget": the noun phrase after "be" is the focus; "what DID the
                # committee decide": it is the subject, and the question has no head noun.
                rest = rest[1:] if rest[0] in _BE else []
            head = _head(rest, possessed=True)
            # The head of a noun phrase is its last noun: "council tax increase" asks a number.
            kind = next((HEAD_NOUN_TYPE[w] for w in reversed(head) if w in HEAD_NOUN_TYPE), None)
            if head and head[0] in _REASON_NOUNS:
                kind = REASON
            if kind is None and asks_decision:
                kind = DECISION
            if kind is None and head and head[-1].endswith("s") and word == "which":
                kind = LIST
            return word, kind, head
        if word in _LIST_VERBS and i == 0:
            return word, DECISION if asks_decision else LIST, _head(words[1:])
        if i == 0 and word in _AUXILIARIES:
            return word, DECISION if asks_decision else YESNO, []
        if i > 2:
            break
    return "", DECISION if asks_decision else None, []


def _head(words: list[str], size: int = 3, possessed: bool = False) -> list[str]:
    """Up to ``size`` words of the noun phrase that opens ``words``, stopping at a stopword.

    "the average caseload in ..." -> ["average", "caseload"]; "campaign did ..." -> ["campaign"].
    With ``possessed`` (the noun phrase after "what" or "which"), a possessor is its determiner,
    not its head: "the Harbour Trust's final outturn" -> ["final", "outturn"].
    """
    while words and words[0] in _DETERMINERS:
        words = words[1:]
    head: list[str] = []
    for word in words:
        if word in STOPWORDS or word in _AUXILIARIES or word in _DETERMINERS:
            break
        if possessed and word.endswith(("'s", "’s")):
            head = []
            continue
        head.append(word)
        if len(head) == size:
            break
    return head


# -- does a sentence hold the kind of thing asked for -------------------------------------------

# Words after which a number points elsewhere ("Figure 2", "Appendix 3", "paragraph 4.1").
_REFERENCE_WORDS = frozenset("figure fig table appendix item section part paragraph para page ref "
                             "kpi priority action recommendation annex".split())
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve fifteen "
                          "twenty thirty fifty hundred thousand million billion half quarter third "
                          "twice double".split())
_POST_WORDS = frozenset("Chief Director Head Manager Officer Chair Chairman Chairwoman Chairperson "
                        "Lead Executive Assistant Councillor Inspector Member Principal Commissioner "
                        "Leader Adviser Advisor Secretary Representative Governor Deputy Interim "
                        "Coordinator Consultant Cathaoirleach Mayor Clerk".split())
_NAME_JOINERS = frozenset({"of", "and", "&", "for"})
# Titles before a name: "Cllr Keller" names no one new after "Keller".
_TITLES = frozenset(stem(w) for w in "cllr cllrs councillor councillors mr mrs ms miss dr prof professor "
                    "sir dame".split())


def typed_values(answer_type: str | None, sentence: str) -> list[str] | None:
    """The things of ``answer_type`` a sentence holds (numbers, dates, people, posts, names), or
    None for a type no single value answers (a list, a reason, a decision, yes/no)."""
    if answer_type == PERSON:
        return person_names(sentence)
    words = tokens(sentence)
    if answer_type == NUMBER:
        words = [span.word for span in word_spans(sentence, ",.'’-")]  # "3,266" and "5.7m" whole
        return [w for n, w in enumerate(words) if _is_number(words, n)]
    if answer_type == DATE:
        return [w for w in words if _is_date_word(w)]
    if answer_type == POST:
        return [w for w in words if w in _POST_WORDS]
    if answer_type in (NAME, PLACE):
        return _name_runs(words)
    return None


def _is_number(words: list[str], n: int) -> bool:
    """Whether ``words[n]`` is a figure: a number not naming a figure, table or paragraph, or a
    number word."""
    word = words[n]
    return (any(ch.isdigit() for ch in word) and not (n and words[n - 1].lower() in _REFERENCE_WORDS)) \
        or word.lower() in _NUMBER_WORDS


def _is_date_word(word: str) -> bool:
    """Whether a word dates something: a month ("may" only capitalised) or a year."""
    return word.lower() in MONTHS and (len(word) > 3 or word[:1].isupper()) \
        or (len(word) == 4 and word.isdigit() and word[:2] in ("19", "20"))


def value_windows(question: Question, sentence: str, size: int) -> list[str]:
    """The text around each number or date a sentence states that the question does not already
    say, ``size`` words each side (words of ``word_spans(sentence, ",.'’-")``, so "3,266" is one),
    for a number or date question; empty for every other kind."""
    if question.answer_type not in (NUMBER, DATE):
        return []
    spans = word_spans(sentence, ",.'’-")
    words = [span.word for span in spans]
    asked = {stem(w) for w in question.words} | {stem(w) for w in tokens(question.known)}
    typed = (lambda n: _is_number(words, n)) if question.answer_type == NUMBER else \
        (lambda n: _is_date_word(words[n]))
    return [sentence[spans[max(0, n - size)].start:spans[min(len(spans) - 1, n + size)].end]
            for n in range(len(spans)) if typed(n) and stem(words[n]) not in asked]


def has_new_value(question: Question, sentence: str) -> bool | None:
    """Whether ``sentence`` holds a thing of the asked type that the question does not already
    say (a sentence whose only date is the question's own "February 2020" does not answer
    "when ..."); None when the question's type has no single value."""
    found = typed_values(question.answer_type, sentence)
    if found is None:
        return None
    asked = {stem(w) for w in question.words} | {stem(w) for w in tokens(question.known)} | _TITLES
    return any(not {stem(w) for w in tokens(value)} <= asked for value in found)


def _name_runs(words: list[str]) -> list[str]:
    """Runs of two or more capitalised words (joined by "of", "and", "&"), not opening the text."""
    runs, current = [], []
    for n, word in enumerate(words):
        if n and word[:1].isupper():
            current.append(word)
        elif current and word in _NAME_JOINERS:
            current.append(word)
        else:
            if sum(1 for w in current if w[:1].isupper()) >= 2:
                runs.append(" ".join(current))
            current = []
    if sum(1 for w in current if w[:1].isupper()) >= 2:
        runs.append(" ".join(current))
    return runs


@dataclass(frozen=True)
class Span:
    """A word of a text and where it is (``text[start:end] == word``)."""

    start: int
    end: int
    word: str

    @property
    def lower(self) -> str:
        return self.word.lower()


def word_spans(text: str, inner: str = "") -> list[Span]:
    """The words of ``text`` with their places: runs of letters, digits and underscores, with
    ``inner`` characters allowed inside a word ("'’-" keeps "children's" and "call-in" whole)."""
    spans: list[Span] = []
    start = None
    for n, ch in enumerate(text + " "):
        part = ch.isalnum() or ch == "_"
        if part and start is None:
            start = n
        elif not part and start is not None:
            if ch in inner and n + 1 < len(text) and (text[n + 1].isalnum() or text[n + 1] == "_"):
                continue
            spans.append(Span(start, n, text[start:n]))
            start = None
    return spans
