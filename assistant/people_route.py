"""Questions about people answered from the records: who proposed or seconded a motion, how
members voted, who was in the chair, who was present, how often a member sent apologies.

"Who proposed the motion on X?", "How did the councillors vote on X?", "How many voted
against X?", "Who was chair of the district in 2021?", "Which councillors were present
at the meeting of 30 January 2019?", "How often did Cllr X send apologies in 2022?". Retrieval
finds a passage that may hold such an answer; the records hold it as fields (proposer, seconder,
names and counts of a vote, the chair line, the attendance list), so the answer is exact and
each row is cited with the passage it was read from. A question of none of these shapes, or one
the records hold no row for, returns None and goes on to the other routes.
"""

from __future__ import annotations

import bisect
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass
from typing import Any

from assistant.filters import find_dates
from assistant.followup import decision_line
from assistant.models import Answer, AnswerSentence
from assistant.records_route import cited_passages
from minutes_core.text.dates import human_date
from minutes_core.text.names import TITLED_PERSON
from minutes_core.text.normalise import match_form, strip_markup
from minutes_core.text.sentences import split_paragraph
from minutes_core.text.stems import WORD, stem
from ingest.conventions import load_conventions
from ingest.motions import stated_outcome
from minutes_core.text.stopwords import COUNCIL_WORDS, STOPWORDS, TOPIC_STOPWORDS
from vectorstore.models import Filters, Passage
from vectorstore.people import People, attendance_passage, decision_passage, fold, parse_name, source_lines

# One pattern per kind of question, tried in order (the first that matches decides).
# What a question asks about people, read from its words (the question word, then what it asks
# about anywhere after it), so that the reading is linear in the question's length.
_VOTE_WORDS = ("vot", "abstain")
_PROPOSAL_WORDS = frozenset("proposed seconded moved tabled".split())
_PROPOSAL_NOUNS = frozenset("proposer seconder proposers seconders".split())
# The chair's titles are conventions data (``[[words]] chair_title``); the verbs are English.
_CHAIR_TITLES = load_conventions().words_of("chair_title")
_CHAIR_WORDS = frozenset(w for w in _CHAIR_TITLES if " " not in w) | {"chaired", "presided"}
# Titles of the chair's deputies: "Vice-Chair", "Deputy Mayor", "Leas-Chathaoirleach".
_DEPUTY_WORDS = frozenset("vice deputy leas".split())
# Chair words any body's chair is called by: a question using one asks about no particular title.
_GENERIC_CHAIR_WORDS = frozenset("chair chaired chairs chairman chairwoman chairperson presided".split())
_ABSENCE_WORDS = frozenset("absent absence absences miss missed".split())
_ATTENDANCE_WORDS = frozenset("attend attended attending attendance present".split())
_MOVED_WORDS = frozenset("proposed seconded proposal moved".split())
_BODY_WORDS = frozenset("spc committee subcommittee sub-committee district board panel forum group".split())
_HOLDER_VERBS = frozenset("is was are were became becomes".split())
# Words that ask who was elected to a chair's office rather than who presided: the outgoing
# chair presides over the annual meeting that elects the next one.
_ELECTION_WORDS = frozenset("elected elect became become chosen appointed succeeded nominated".split())
# How far past a contested election's last nomination its declared result is looked for (lines).
RESULT_LINES = 150
# Words that ask for the officers and staff attending rather than the members.
_STAFF_WORDS = frozenset("staff officers officials officer official employees".split())
# What a motion or proposal can come to, as a question asks it ("Was X approved?", "Did X pass?").
_OUTCOME_VERBS = frozenset("""approved passed carried adopted agreed rejected defeated lost refused
deferred withdrawn granted pass carry""".split())
# Words of an outcome question that say what is asked, not what it is about.
OUTCOME_STEMS = frozenset(stem(w) for w in _OUTCOME_VERBS | {"happened", "outcome", "result", "end",
                                                              "finally", "eventually", "decided"})
# The words of an office after "be appointed" ("Deputy Mayor of the Borough").
OFFICE_WORDS = 8
# Words that name a meeting or the body met, after "at" ("was X at the full Council meeting"),
# and how far after it they are looked for.
_MET_WORDS = _BODY_WORDS | {"meeting", "meetings", "council", "session"}
MET_WORDS_AFTER = 8
# How much of a decision's text an answer quotes.
SHOWN_DECISION = 240
# The holders of a post named in an answer, most recent first.
MAX_HOLDERS = 5


def _words(text: str) -> list[str]:
    return [word.lower().strip(".,;:!?'’\"()") for word in text.split()]


def _hyphen_split_words(text: str) -> set[str]:
    """The words of a text, hyphenated ones split ("Vice-Chair" -> vice, chair)."""
    return set(" ".join(_words(text)).replace("-", " ").split())


def _names_split_year(question: str) -> bool:
    """Whether the question names a municipal or financial year ("2017/18", "2020-21"), which the
    dates do not read as a period (the second part is the next year: "By-law 2023-07" is a
    number, not a year)."""
    for word in question.split():
        word = word.strip(".,;:?!()")
        first, sep, second = word[:4], word[4:5], word[5:]
        if (sep in ("/", "-", "–") and first.isdigit() and first[:2] in ("19", "20")
                and len(second) == 2 and second.isdigit() and (int(first[3]) + 1) % 10 == int(second[1])):
            return True
    return False


def _after(words: list[str], opener: str, wanted) -> bool:
    """Whether a word that ``wanted`` accepts comes after ``opener`` in the words."""
    return opener in words and any(wanted(word) for word in words[words.index(opener) + 1:])


def _pair(words: list[str], first: str, second: frozenset[str] | set[str]) -> bool:
    return any(a == first and b in second for a, b in zip(words, words[1:]))


def _is_vote(word: str) -> bool:
    return word.startswith(_VOTE_WORDS)


def asks_vote(words: list[str]) -> bool:
    """How many voted / how did X vote / voted for, against, on / abstained / a recorded vote."""
    if _pair(words, "how", {"many"}) and any(_is_vote(w) or w in ("against", "favour") for w in words):
        return True
    if _pair(words, "how", {"did"}) and "vote" in words:
        return True
    return (any(w in ("voted", "voting") for w in words) and
            any(_pair(words, v, {"for", "against", "on"}) for v in ("voted", "voting"))) \
        or any(w.startswith("abstain") for w in words) \
        or _pair(words, "recorded", {"vote"}) or _pair(words, "roll", {"call"}) \
        or _pair(words, "roll-call", {"vote"}) or _pair(words, "vote", {"split", "result"})


def asks_proposer(words: list[str]) -> bool:
    return _after(words, "who", _PROPOSAL_WORDS.__contains__) or any(w in _PROPOSAL_NOUNS for w in words)


def asks_outcome(words: list[str]) -> bool:
    """"What happened to X?", "What was the outcome of X?", "What became of X?", "How did X
    fare?", "What did the council do with X?", "Was X approved / carried / lost?", "Did X
    pass?": what became of a motion or proposal."""
    if _pair(words, "what", {"happened"}) or any(w in ("outcome", "outcomes") for w in words):
        return True
    if _pair(words, "became", {"of"}) or ("what" in words and _pair(words, "do", {"with"})):
        return True
    if "fare" in words and _pair(words, "how", {"did", "does", "has", "had", "will", "would"}):
        return True
    return words[:1] in (["was"], ["were"], ["did"]) and any(w in _OUTCOME_VERBS for w in words[2:])


def asks_outcome_of(question: str) -> bool:
    """``asks_outcome`` of a question's text."""
    return asks_outcome(_words(question))


# Words that make a sentence's outcome a condition or a question, not what became of the matter.
_HYPOTHETICAL = frozenset("if whether unless".split())


@lru_cache(maxsize=8192)
def states_outcome(sentence: str) -> bool:
    """Whether a sentence says what became of a motion or proposal: an outcome in words ("it was
    agreed to defer this item") or an outcome line as the council's papers print one ("Motion
    Failed (2 to 4)", ``ingest/conventions.toml``)."""
    if _HYPOTHETICAL & set(_words(sentence)):
        return False  # "the process ... if the motion was agreed": what would follow, not what did
    return stated_outcome(sentence) is not None or load_conventions().first("outcome", sentence) is not None


@lru_cache(maxsize=8192)
def proposes(sentence: str) -> bool:
    """Whether a sentence moves, proposes or seconds something ("Councillor A moved, and
    Councillor B seconded, that ..."), as the council's papers print it (``ingest/conventions.toml``)."""
    conventions = load_conventions()
    return any(conventions.first(kind, sentence) is not None for kind in ("proposer", "proposal", "seconding"))


def asks_chair(words: list[str]) -> bool:
    return _after(words, "who", _CHAIR_WORDS.__contains__) or (
        "who" in words and _pair(words, "the", {"chair"}))


def asks_election(words: list[str]) -> bool:
    """"Who was elected / became / was chosen as Mayor?", "Who was appointed Vice-Chair?": who
    took a chair's office (or its deputy's), not who presided at a meeting."""
    return "who" in words and any(w in _ELECTION_WORDS for w in words) and bool(
        _hyphen_split_words(" ".join(words)) & _CHAIR_WORDS)


def asks_absences(words: list[str]) -> bool:
    often = _pair(words, "how", {"often"}) or (_pair(words, "how", {"many"}) and "times" in words)
    counted = _pair(words, "how", {"often", "many"})
    apologies = any(w.startswith("apolog") for w in words)
    return (often and (apologies or any(w in _ABSENCE_WORDS for w in words))) or (
        counted and (apologies or "absences" in words))


def asks_attended(words: list[str]) -> bool:
    """"Did X attend ...?", "Was X present ...?", "Was X at the (Metropolitan District) meeting
    ...?": a word of attending, or "was" and, after "at", the meeting or the body met a few words
    on. "Did X declare an interest at the meeting?" asks what X did there, not whether X came:
    "at the meeting" counts only after "was" or "were"."""
    for aux in ("did", "was", "were"):
        if aux in words:
            rest = words[words.index(aux) + 1:]
            if any(w in _ATTENDANCE_WORDS for w in rest) or (aux != "did" and any(
                    word == "at" and any(w in _MET_WORDS for w in rest[i + 1:i + 1 + MET_WORDS_AFTER])
                    for i, word in enumerate(rest))):
                return True
    return False


def asks_post_holder(words: list[str]) -> bool:
    """"Who is / was / became the <post> ...?": a post asked for its holder."""
    return len(words) > 2 and words[0] == "who" and words[1] in _HOLDER_VERBS


def asks_present(words: list[str]) -> bool:
    return ("who" in words or _pair(words, "which", {"councillors", "members"} | _STAFF_WORDS)) and any(
        w in _ATTENDANCE_WORDS for w in words)


# Words of bodies' names that tell no body apart.
GENERIC_BODY_WORDS = frozenset(stem(w) for w in """municipal district committee council city county
strategic policy spc meeting sub joint metropolitan of the and""".split())
# Words of these questions that say what is asked, not what it is about.
PEOPLE_WORDS = frozenset("""
who whom which how many often did was were vote voted voting votes abstain abstained abstaining
propose proposed proposer proposing second seconded seconder seconding move moved motion motions
councillor councillors cllr cllrs member members district municipal meeting meetings council
present attend attended attendance chair chaired object objected against favour for adopt
adopting adoption approve approved
""".split())


@dataclass
class Scope:
    """The meetings a question is about: committee and an inclusive date range."""

    committee: str | None
    date_from: str | None
    date_to: str | None

    def describe(self) -> str:
        if self.date_from and self.date_from == self.date_to:
            return f"the meeting of {human_date(self.date_from)}"
        if self.date_from or self.date_to:
            return f"meetings from {human_date(self.date_from) or 'the start'} to {human_date(self.date_to) or 'now'}"
        return "the records"


def answer_about_people(question: str, filters: Filters | None, store, aliases_file: str = "") -> Answer | None:
    """An Answer from the records for a question about people, or None."""
    filters = filters or Filters()
    dates = find_dates(question)
    scope = Scope(filters.committee,
                  dates[0].first.isoformat() if dates else filters.date_from,
                  dates[-1].last.isoformat() if dates else filters.date_to)
    words = _words(question)
    if not (scope.date_from or scope.date_to) and _names_split_year(question):
        # A period the dates do not read ("2017/18", "2020-21": a municipal or financial year):
        # the rows of every year would answer another period's question.
        return None
    if asks_vote(words):
        return _votes(question, scope, store)
    if asks_proposer(words):
        return _proposers(question, scope, store)
    if asks_election(words):
        return _elections(question, scope, store)
    if asks_chair(words):
        return _chairs(question, scope, store)
    if asks_outcome(words):
        return _outcomes(question, scope, store)
    person = TITLED_PERSON.search(question)
    if person and (asks_absences(words) or asks_attended(words)):
        return _person_attendance(question, person.group("name"), scope, store, aliases_file)
    if asks_present(words) and (scope.date_from or scope.date_to):
        return _present(question, scope, store)
    if asks_post_holder(words):
        return _post_holders(question, scope, store, aliases_file)
    return None


# -- topics -----------------------------------------------------------------------------------
def topic_stems(question: str, scope: Scope | None = None) -> list[str]:
    """The stems of what a question is about: its words less question, council and people words,
    dates, the body it names (that narrows the rows already) and the names it gives (a
    proposer's name narrows the rows by name, not by topic)."""
    # Names, and what a rewrite added in brackets ("(Westvale Borough Council)"), out.
    without_names = _without_brackets(TITLED_PERSON.sub(" ", question))
    body = _stems_of(scope.committee) if scope and scope.committee else set()
    stems = []
    for word in WORD.findall(without_names):
        lowered = word.lower().strip(".,'’")
        if (lowered in TOPIC_STOPWORDS or lowered in PEOPLE_WORDS or lowered.isdigit()
                or _is_date_word(lowered) or len(lowered) < 3):
            continue
        if stem(lowered) not in body:
            stems.append(stem(lowered))
    return list(dict.fromkeys(stems))


def _without_brackets(text: str) -> str:
    """The text with every innermost "(...)" replaced by a space."""
    out: list[str] = []
    opened: list[int] = []  # where each "(" still open stands in out
    for char in text:
        if char == ")" and opened:
            del out[opened.pop():]
            out.append(" ")
        else:
            if char == "(":
                opened.append(len(out))
            out.append(char)
    return "".join(out)


_MONTH_PREFIXES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _is_date_word(word: str) -> bool:
    """A month name or an ordinal day ("21st")."""
    return word.startswith(_MONTH_PREFIXES) or (word[:-2].isdigit() and len(word) <= 4
                                                 and word[-2:] in ("st", "nd", "rd", "th"))


def _stems_of(text: str) -> set[str]:
    return {stem(w.lower().strip(".,'’")) for w in WORD.findall(match_form(text))}


def best_decisions(rows: list[dict[str, Any]], stems: list[str], keep=lambda row: True) -> list[dict[str, Any]]:
    """The decision rows that match the topic best, among the rows ``keep`` accepts.

    A topic word in the decision or its item's title counts 1, in the lines before it (the
    item's heading, the discussion) 0.75. Words in more than ``COMMON_SHARE`` of the decisions
    (the council's own name, "council") tell none apart and are left out; the best rows must hold at least
    half of the rest.
    """
    own = [_stems_of(" ".join(str(row.get(k) or "") for k in ("decision", "item_title"))) for row in rows]
    if len(rows) >= COMMON_MIN_ROWS:
        stems = [s for s in stems if sum(s in held for held in own) <= COMMON_SHARE * len(rows)]
    if len(stems) < MIN_TOPIC_WORDS:
        return []  # "Who seconded it?", "who moved Northfield?": too little to pick one decision
    scored = []
    for row, held in zip(rows, own):
        if not keep(row):
            continue
        around = _stems_of((row.get("text") or "") + "\n" + source_context(row))
        score = sum(s in held for s in stems) + 0.75 * sum(s in around and s not in held for s in stems)
        if score > 0:
            scored.append((score, row))
    if not scored:
        return []
    top = max(score for score, _ in scored)
    if top < max(1.0, len(stems) / 2):
        return []  # too little of the topic: not the decision asked about
    return [row for score, row in scored if score == top]


# Distinct topic words a question must give to pick a decision by them.
MIN_TOPIC_WORDS = 2
# A word in more than this share of a body's decisions is not a topic (with enough decisions to say).
COMMON_SHARE = 0.1
COMMON_MIN_ROWS = 30


# Lines read before a decision's own lines: the item's heading and the discussion that names
# what the decision is about ("defer this Item" under "Castletroy Local Area Plan").
CONTEXT_LINES = 15


def source_context(row: dict[str, Any]) -> str:
    """The source lines of a decision row and the few before it ('' when they cannot be read)."""
    return source_lines(row, before=CONTEXT_LINES)


def _decisions(store, scope: Scope) -> list[dict[str, Any]]:
    return [row for row in store.query("decisions", committee=scope.committee, date_from=scope.date_from,
                                       date_to=scope.date_to) if not row.get("boilerplate")]


def _named(question: str) -> list[str]:
    """Folded surnames of the people a question names with a title ("Cllr Pond's motion")."""
    found = []
    for match in TITLED_PERSON.finditer(question):
        name = match.group("name")
        parsed = parse_name(name[:-2] if name.endswith(("'s", "’s")) else name)
        if parsed:
            found.append(parsed.key)
    return found


# -- the kinds of question ---------------------------------------------------------------------
def _votes(question: str, scope: Scope, store) -> Answer | None:
    def voted(row: dict[str, Any]) -> bool:
        return any(row.get(f"votes_{v}") is not None or row.get(f"names_{v}") for v in ("for", "against", "abstain"))

    rows = best_decisions(_decisions(store, scope), topic_stems(question, scope), voted)
    if not rows:
        return _no_vote_recorded(question, scope, store)
    sentences = []
    for row in rows:
        parts = []
        for vote, label in (("for", "For"), ("against", "Against"), ("abstain", "Abstained")):
            names = row.get(f"names_{vote}") or []
            count = row.get(f"votes_{vote}")
            if count is None and not names:
                continue
            if count == 0 and not names:
                parts.append(f"{label}: none")  # the paper's "Against: None"
                continue
            who = f": Councillors {_join(names)}" if names else ""
            parts.append(f"{label} {count if count is not None else len(names)}{who}")
        if row.get("votes_against") is None and not row.get("names_against"):
            parts.append("Against: None recorded")
        outcome = f"; the proposal was {row['outcome']}" if row.get("outcome") else ""
        if outcome and row.get("votes_for") is not None and row.get("votes_against") is not None:
            outcome += f", {row['votes_for']} to {row['votes_against']}"  # as papers print a result
        sentences.append((f"{_when(row)}, on {_subject(row)}: " + "; ".join(parts) + outcome + ".", row))
    return _answer(question, scope, "recorded votes", sentences, "decisions", store)


def _no_vote_recorded(question: str, scope: Scope, store) -> Answer | None:
    """A vote asked about a decision the minutes record without one ("agreed", an unopposed
    nomination): the records' own answer is that no vote was recorded, shown with the decision
    and how it was made. Only a decision whose own words (or item title) hold more than half the
    question's topic, naming everyone the question names, and whose lines and the discussion
    before them print no vote at all (a vote printed beside a decision but read into no field
    is retrieval's to quote). None otherwise."""
    named = _named(question)
    stems = [s for s in topic_stems(question, scope) if not s.startswith(_VOTE_WORDS)]

    rows = best_decisions(_decisions(store, scope), stems, lambda row: _is_about(row, stems, named))
    if not rows or any(_prints_a_vote(row) for row in rows):
        return None
    row = rows[0]
    answer = _answer(question, scope, "decisions", [
        ("The minutes record no vote on the decision this question names; "
         f"{_when(row)}, {_subject(row)}: {decision_line(row) or 'agreed'}", row)], "decisions", store)
    answer.abstained = True
    return answer


def _prints_a_vote(row: dict[str, Any]) -> bool:
    """Whether a decision's lines, or the discussion before them, print a vote."""
    words = _words(f"{row.get('text') or ''}\n{source_context(row)}")
    return any(w.startswith(_VOTE_WORDS) or w in ("against", "for:", "unanimously") for w in words)


def _proposers(question: str, scope: Scope, store) -> Answer | None:
    named = _named(question)

    def moved(row: dict[str, Any]) -> bool:
        """A motion someone proposed or seconded (by its fields, or its text when the fields were
        not read), naming every person the question names."""
        if not (row.get("proposer") or row.get("seconder") or any(w in _MOVED_WORDS for w in _words(row.get("decision") or ""))):
            return False
        return _names_all(row, named)

    rows = best_decisions(_decisions(store, scope), topic_stems(question, scope), moved)
    if not rows:
        return None
    sentences = []
    for row in rows:
        who = []
        if row.get("proposer"):
            who.append(f"proposed by Councillor {row['proposer']}")
        if row.get("seconder"):
            who.append(f"seconded by Councillor {row['seconder']}")
        outcome = f" ({row['outcome']})" if row.get("outcome") else ""
        sentences.append((f"{_when(row)}, {_subject(row)}: {' and '.join(who)}{outcome}.", row))
    return _answer(question, scope, "motions", sentences, "decisions", store)


def _outcomes(question: str, scope: Scope, store) -> Answer | None:
    """What became of the motion or proposal a question names: its decision's line (mover,
    seconder, outcome and vote as the minutes record them) and its words. Only decisions whose
    minutes state an outcome answer (the words of a notice of motion say what was asked, not
    what became of it), and only one whose words as the answer shows them, or its item title,
    hold more than half the topic: the discussion before a decision often names the motion
    debated before it, and a decision the minutes run on into the next item names that item's
    topic."""
    named = _named(question)
    stems = [s for s in topic_stems(question, scope) if s not in OUTCOME_STEMS]

    def decided(row: dict[str, Any]) -> bool:
        return bool(row.get("outcome") and row.get("outcome_stated", True)) and _is_about(row, stems, named)

    rows = best_decisions(_decisions(store, scope), stems, decided)
    if not rows:
        return None
    sentences = []
    for row in rows:
        printed = _printed_result(row)
        sentences.append((f"{_when(row)}, {_subject(row)}: {decision_line(row)}"
                          + (f" The minutes record: \u201c{printed}\u201d" if printed else ""), row))
    return _answer(question, scope, "decisions", sentences, "decisions", store)


def _printed_result(row: dict[str, Any]) -> str:
    """The lines the minutes print after a decision's words (the recorded vote and "Motion
    Failed (2 to 4)"), so the answer shows the outcome in the minutes' own words; '' when the
    decision's lines end with its words."""
    text = " ".join((row.get("text") or "").split())
    decision = " ".join((row.get("decision") or "").split())
    at = text.find(decision) if decision else -1
    return _shortened(text[at + len(decision):].strip()) if at >= 0 else ""


def _is_about(row: dict[str, Any], stems: list[str], named: list[str]) -> bool:
    """Whether a decision's own words as an answer shows them, or its item's title, hold more
    than half the topic ``stems``, and it names every person ``named``: the discussion before a
    decision often names the motion debated before it, so its own words decide."""
    own = _stems_of(f"{_shortened(row.get('decision') or '')} {row.get('item_title') or ''}")
    return 2 * sum(s in own for s in stems) > len(stems) and _names_all(row, named)


def _names_all(row: dict[str, Any], named: list[str]) -> bool:
    """Whether every person a question names (folded surnames) moved or seconded the decision of
    ``row``, or is named in its lines or the discussion before it."""
    if not named:
        return True
    people = [p.key for p in (parse_name(row.get("proposer") or ""), parse_name(row.get("seconder") or "")) if p]
    around = fold(source_context(row) or row.get("text") or "")
    return all(key in people or key in around for key in named)


def _shortened(text: str) -> str:
    """``text`` with collapsed spaces, cut at a word to at most ``SHOWN_DECISION`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_DECISION else text[:SHOWN_DECISION].rsplit(" ", 1)[0] + " ..."


def _elections(question: str, scope: Scope, store) -> Answer | None:
    """Who was elected to the chair's office (or its deputy's) a question names: the records'
    nominations ("That Councillor X be appointed Chair of ..."), each meeting's for that
    office: the nominee the minutes declare elected, or the only nomination they record. Most
    recent first. None when the records hold no nomination for the office in the
    period (or a contest whose result they do not state): retrieval answers instead."""
    asked = _hyphen_split_words(question)
    deputy = bool(asked & _DEPUTY_WORDS)
    titles = asked & _CHAIR_WORDS - _DEPUTY_WORDS

    def nominated(row: dict[str, Any]) -> bool:
        office = _hyphen_split_words(nomination(row.get("decision") or "")[1])
        if not office or bool(office & _DEPUTY_WORDS) != deputy:
            return False
        # A deputy's title is spelt many ways ("Vice-Chair", "Deputy Chairperson", an Irish council's
        # "Leas-" titles); a chair's must be the one asked.
        return deputy or bool(office & titles)

    rows = [row for row in _decisions(store, scope) if nominated(row)]
    if not scope.committee:
        rows = _of_named_office(question, rows)
    contests: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        contests.setdefault((row.get("meeting_date"), row.get("committee")), []).append(row)
    sentences = []
    for (_, committee), nominations in sorted(contests.items(), key=lambda c: c[0][0] or "", reverse=True):
        # The minutes' declaration names the winner of a contest; a nomination they do not
        # declare is elected only when it is the only one the records hold for that office (a
        # contest's nominations may be held as one decision, ``ingest.motions``: no
        # "unopposed" is claimed).
        winner, declaration = _declared_elected(nominations)
        if winner is not None:
            how = "declared elected" + (f" of {len(nominations)} nominated" if len(nominations) > 1 else "")
        elif len(nominations) == 1 and not any(nominations[0].get(f"names_{side}") for side in ("for", "against")):
            winner, how = nominations[0], "the only nomination recorded"
        else:
            continue
        # The nomination and, when the minutes declare the result, the lines that declare it.
        cited = [winner] + ([declaration] if declaration is not None else [])
        sentences.append((f"{_when(winner)}, {committee or 'the meeting'}: {nomination(winner.get('decision') or '')[0] or 'the nominee'} "
                          f"({how}): {_subject(winner)} {decision_line(winner)}".strip(), cited))
    if not sentences:
        return None
    return _answer(question, scope, "elections", sentences[:MAX_HOLDERS], "decisions", store)


def nomination(decision: str) -> tuple[str, str]:
    """(nominee, office) of a nomination: its words between "That" and "be appointed / elected",
    and the first ``OFFICE_WORDS`` after them ("That, Councillor Ann Price be appointed Deputy
    Mayor of the Borough ..." -> ("Councillor Ann Price", "deputy mayor of the borough ...")), or
    ('', '') for a decision that nominates no one."""
    words = strip_markup(decision.replace("*", " ")).split()  # "Price**be": two words
    lowered = [word.strip("\u201c\u201d") for word in _words(" ".join(words))]
    for n in range(1, len(words) - 1):
        if lowered[n] == "be" and lowered[n + 1] in ("appointed", "elected"):
            start = lowered.index("that") + 1 if "that" in lowered[:n] else 0
            nominee = " ".join(words[start:n]).strip(" ,;:\"\u201c\u201d")
            return nominee, " ".join(lowered[n + 2:n + 2 + OFFICE_WORDS])
    return "", ""


def _of_named_office(question: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The nominations whose office shares most words with the question ("Mayor of the Borough",
    not "Mayor of the Eastbrook District") when no body narrowed the rows."""
    asked = set(topic_stems(question))
    scores = [len(asked & _stems_of(nomination(row.get("decision") or "")[1])) for row in rows]
    best = max(scores, default=0)
    return [row for row, score in zip(rows, scores) if score == best]


def _declared_elected(nominations: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The nomination of a contested election whose nominee the minutes declare elected ("The
    outgoing Mayor declared Councillor Price elected as Mayor"), read from the lines after the
    last nomination, and a row of the declaration's own lines (so the answer cites where the
    minutes declare it); (None, None) when no such sentence names exactly one nominee."""
    nominees = {}
    for row in nominations:
        parsed = parse_name(nomination(row.get("decision") or "")[0])
        if parsed:
            nominees[parsed.key] = row
    last = nominations[-1]
    # The lines joined with single spaces, and where each non-blank line starts in them (its
    # offset and its index), to find a sentence's lines again.
    starts: list[tuple[int, int]] = []
    joined = ""
    for index, line in enumerate(source_lines(last, after=RESULT_LINES).split("\n")):
        words = " ".join(line.split())
        if words:
            starts.append((len(joined), index))
            joined += words + " "
    for sentence in split_paragraph(joined.strip()):
        lowered = sentence.lower()
        declared = lowered.find("declared")
        elected = lowered.find("elected", declared)
        if declared < 0 or elected < 0:
            continue
        # Only the words between "declared" and "elected" name the winner: the vote lists
        # before them name every nominee.
        folded = fold(sentence[declared:elected])
        named = [row for key, row in nominees.items() if key in folded]
        if len(named) == 1:
            return named[0], _lines_of(last, sentence, joined, starts)
    return None, None


def _lines_of(row: dict[str, Any], sentence: str, joined: str,
              starts: list[tuple[int, int]]) -> dict[str, Any] | None:
    """A row of the source lines holding ``sentence`` (lines of ``row``'s file counted from its
    first line; ``joined`` and ``starts`` as ``_declared_elected`` makes them), or None."""
    at, start = joined.find(sentence), row.get("line_start")
    if at < 0 or not isinstance(start, int):
        return None
    offsets = [offset for offset, _ in starts]
    first = starts[bisect.bisect_right(offsets, at) - 1][1]
    last = starts[bisect.bisect_right(offsets, at + len(sentence) - 1) - 1][1]
    return {**row, "line_start": start + first, "line_end": start + last, "decision": sentence,
            "text": sentence, "passage_id": None}


def _chairs(question: str, scope: Scope, store) -> Answer | None:
    if _hyphen_split_words(question) & _DEPUTY_WORDS:
        return None  # "Who is the Deputy Chair?": the attendance lists name the chair only
    rows = _chair_rows(store.query("attendance", committee=scope.committee, date_from=scope.date_from,
                                   date_to=scope.date_to))
    if not scope.committee and any(w in _BODY_WORDS for w in _words(question)):
        rows = _of_named_body(question, rows)
    rows = _holding_named_title(question, rows)
    if not rows:
        return None
    sentences = []
    seen = set()
    for row in rows:
        key = (row.get("meeting_date"), fold(row.get("name") or ""))
        if key in seen:
            continue
        seen.add(key)
        capacity = f" ({row['capacity']})" if row.get("capacity") else ""
        sentences.append((f"{_when(row)}, {row.get('committee') or 'the meeting'}: "
                          f"{_councillor(row)}{row['name']}{capacity} in the chair.", row))
    # A row naming only the title ("An Cathaoirleach in the chair") is nobody in particular.
    counts = Counter(fold(row.get("name") or "") for row in rows if row.get("councillor"))
    if len(counts) > 1:
        leader = counts.most_common(1)[0][0]
        first = next(row for row in rows if fold(row.get("name") or "") == leader)
        sentences.insert(0, (f"Most often in the chair: {_councillor(first)}{first['name']} "
                             f"({counts[leader]} of {len(seen)} meetings).", first))
    return _answer(question, scope, "chairs", sentences, "attendance", store)


def _chair_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The attendance rows naming each meeting's chair: those listed "in the chair"; at a meeting
    with none, a member listed with the chair's title ("Members present: Cllr A. Byrne
    (Chairperson)", "In attendance: An Cathaoirleach, Cllr M. Murphy"), not a deputy's. A titled
    row gives way where the list names the chair, since a district's minutes may list the
    council's Cathaoirleach or the Mayor as also attending."""
    chaired = {(row.get("committee"), row.get("meeting_date")) for row in rows if row.get("role") == "chair"}
    return [row for row in rows if row.get("role") == "chair" or (
        (row.get("committee"), row.get("meeting_date")) not in chaired and _titled_chair(row))]


def _titled_chair(row: dict[str, Any]) -> bool:
    """Whether a present member's capacity is the chair's title, an article before it allowed
    ("An Cathaoirleach": Irish "the")."""
    words = _words(row.get("capacity") or "")
    if words[:1] in (["the"], ["an"]):
        words = words[1:]
    capacity = " ".join(words)
    return row.get("role") in ("present", "also present") and capacity in _CHAIR_TITLES and not (
        _hyphen_split_words(capacity) & _DEPUTY_WORDS)


def _holding_named_title(question: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The chair rows of the title a question names ("Who was Mayor in 2018?": the rows whose
    capacity is Mayor, not every body's chair) when any row carries it; otherwise all of them."""
    asked = {w for w in _words(question) if w in _CHAIR_WORDS} - _GENERIC_CHAIR_WORDS
    if not asked:
        return rows

    def holds(row: dict[str, Any]) -> bool:
        words = _hyphen_split_words(row.get("capacity") or "")
        return bool(asked & words) and not words & _DEPUTY_WORDS  # "Deputy Mayor" is not the Mayor

    titled = [row for row in rows if holds(row)]
    return titled or rows


def _of_named_body(question: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of the body a question names by words of its name ("the Eastbrook-Millford
    district", "the Cultural SPC") when the question's filters did not resolve it; none when no
    body's name shares a distinctive word with the question (every body's rows would mislead)."""
    asked = set(topic_stems(question))
    scores = {}
    for committee in {row.get("committee") or "" for row in rows}:
        words = _stems_of(committee) - GENERIC_BODY_WORDS
        scores[committee] = len(asked & words)
    best = max(scores.values(), default=0)
    return [row for row in rows if best and scores[row.get("committee") or ""] == best]


def _post_stems(question: str, scope: Scope) -> set[str]:
    """The stems of the post a "who is the <post>" question names: its words after the verb less
    function and council words, dates and the words of the body it is narrowed to."""
    body = _stems_of(scope.committee) if scope.committee else set()
    stems = set()
    for word in _words(question)[2:]:
        word = word.removesuffix("'s").removesuffix("’s")
        if not word or word in STOPWORDS or word in COUNCIL_WORDS or word.isdigit() or _is_date_word(word):
            continue
        if stem(word) not in body:
            stems.add(stem(word))
    return stems


def _holds_post(row: dict[str, Any], asked: set[str]) -> bool:
    """Whether an official's attendance row holds the post asked: its capacity has every word of
    the post, and any other word of it names the body whose meeting it is ("Meetings
    Administrator, <district>" at that district's meeting). So "Chief Executive" is not
    answered by "Deputy Chief Executive" or "Chief Executive of <another body>". A capacity of
    two posts ("Director of Finance and Section 151 Officer") holds each of them."""
    body = _body_stems(row.get("committee") or "")
    return any(asked <= held and held - asked <= body for held in _capacity_posts(row.get("capacity") or ""))


@lru_cache(maxsize=4096)
def _capacity_posts(capacity: str) -> tuple[frozenset[str], ...]:
    """The stems of each post a capacity names: the whole, and each part of "X and Y"."""
    capacity = capacity.replace("/", " ")
    return tuple(frozenset(stem(word) for word in _hyphen_split_words(post)
                           if word not in STOPWORDS and word not in COUNCIL_WORDS)
                 for post in [capacity, *capacity.replace("&", " and ").split(" and ")])


@lru_cache(maxsize=1024)
def _body_stems(committee: str) -> frozenset[str]:
    return frozenset(_stems_of(committee))


def _post_holders(question: str, scope: Scope, store, aliases_file: str = "") -> Answer | None:
    """The officials the attendance lists name in the post a question asks about, in its period
    (every period when it names none), the most recent holder first, each with the meetings
    that list them and by the fullest name the records print for them anywhere (lists mostly
    print "Mr. M. Bilauca"; one prints "Dr. Mihai Bilauca", and the reader asks for the person).
    None when no official's row holds that post: the question goes on to retrieval."""
    asked = _post_stems(question, scope)
    if not asked:
        return None
    def listed(row: dict[str, Any]) -> bool:
        return bool(not row.get("councillor") and row.get("capacity") and row.get("meeting_date")
                    and _holds_post(row, asked))

    rows = store.query("attendance", committee=scope.committee, date_from=scope.date_from,
                       date_to=scope.date_to, keep=listed)
    if not rows:
        return None
    holders: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        printed = parse_name(row.get("name") or "")
        if printed is not None:
            holders.setdefault((printed.key, printed.initial), []).append(row)
    ranked = sorted(holders.values(), key=lambda held: max(r["meeting_date"] for r in held), reverse=True)
    sentences: list[tuple[str, dict[str, Any] | None]] = []
    for held in ranked[:MAX_HOLDERS]:
        held.sort(key=lambda r: r["meeting_date"])
        latest = held[-1]
        name = _fullest_name(max(held, key=lambda r: len(r.get("name") or ""))["name"], store, aliases_file)
        meetings = len({r["meeting_date"] for r in held})
        span = (f"on {human_date(latest['meeting_date'])}" if meetings == 1 else
                f"at {meetings} meetings from {human_date(held[0]['meeting_date'])} to "
                f"{human_date(latest['meeting_date'])}")
        # "listed at 3 meetings from A to B": the first and the last listing are cited
        sentences.append((f"{name}, {latest['capacity']}: listed {span}.",
                          [latest] if meetings == 1 else [held[0], latest]))
    return _answer(question, scope, "officials", sentences, "attendance", store)


def _fullest_name(printed: str, store, aliases_file: str) -> str:
    """The name of the one person a printed name means, in the fullest form the lists print it as
    an official (``Person.name_as_official``: a first name over an initial); ``printed`` itself
    when the name is ambiguous."""
    found = People.of(store, aliases_file).find(printed)
    return (found[0].name_as_official() or printed) if len(found) == 1 else printed


def _present(question: str, scope: Scope, store) -> Answer | None:
    words = set(_words(question))
    rows = store.query("attendance", committee=scope.committee, date_from=scope.date_from, date_to=scope.date_to)
    if words & _STAFF_WORDS:
        # "Which staff attended?": the officers the lists name, with their posts
        rows = [row for row in rows if row.get("role") in ("officials", "also present") and not row.get("councillor")]
    else:
        rows = [row for row in rows if row.get("role") in ("chair", "present", "remote", "also present")
                and (row.get("councillor") or not {"councillor", "councillors"} & words)]
    if not rows:
        return None
    sentences = []
    for row in rows:
        role = " (in the chair)" if row.get("role") == "chair" else ""
        # (a member's capacity too: "Councillor A, Chair," / "Councillor B, substitute for Councillor C,")
        post = f", {row['capacity']}," if row.get("capacity") else ""
        sentences.append((f"{_when(row)}: {_councillor(row)}{row['name']}{post}{role} was present.", row))
    return _answer(question, scope, "attendance", sentences, "attendance", store)


def _person_attendance(question: str, name: str, scope: Scope, store, aliases_file: str) -> Answer | None:
    def in_scope(person) -> list:
        return [a for a in person.appearances
                if (not scope.date_from or (a.meeting_date or "") >= scope.date_from)
                and (not scope.date_to or (a.meeting_date or "") <= scope.date_to)
                and (not scope.committee or match_form(scope.committee) in match_form(a.committee or ""))]

    found = People.of(store, aliases_file).find(name)
    if not found:
        return None
    # A bare surname several people share: the one the lists of these meetings name.
    person = max(found, key=lambda p: sum(not a.inferred for a in in_scope(p)))
    appearances = in_scope(person)
    if not appearances:
        return None
    statuses = Counter(a.status for a in appearances)
    header = (f"{person.name}: present at {statuses['present']}, apologies for {statuses['apologies']}, "
              f"absent from {statuses['absent']} of {len(appearances)} meetings in {scope.describe()}.")
    sentences: list[tuple[str, dict[str, Any] | None]] = [(header, None)]
    wanted = "apologies" if asks_absences(_words(question)) else None
    for a in sorted(appearances, key=lambda a: a.meeting_date or ""):
        if wanted and a.status != wanted:
            continue
        verb = {"present": "was present", "apologies": "sent an apology", "absent": "was absent",
                "official": "attended as an official"}[a.status]
        inferred = " (not in the attendance or apologies lists)" if a.inferred else ""
        sentences.append((f"{_when(a.row)}, {a.committee or 'a meeting'}: {person.name} {verb}{inferred}.",
                          {**a.row, "_person": person}))
    return _answer(question, scope, "attendance", sentences, "attendance", store)


# -- answers -----------------------------------------------------------------------------------
def _answer(question: str, scope: Scope, label: str,
            sentences: list[tuple[str, dict[str, Any] | list[dict[str, Any]] | None]],
            kind: str, store=None) -> Answer:
    """Each sentence cites the passage its row came from (or each of its rows' passages: an
    election's nomination and the lines declaring the result); rows sharing a passage share a
    number.

    With the index beside the store (``records_route.PassageRecords``) that passage is the
    indexed chunk holding the row, else the row's lines in its source.
    """
    numbers: dict[tuple, int] = {}
    citations: dict[int, Passage] = {}
    out: list[AnswerSentence] = []
    cited = [[] if row is None else row if isinstance(row, list) else [row] for _, row in sentences]
    rows = [row for group in cited for row in group]
    chunks = dict(zip(map(id, rows), cited_passages(store, rows)))
    for (text, _), group in zip(sentences, cited):
        marks: list[int] = []
        for row in group:
            chunk = chunks.get(id(row))
            key = (chunk.id, kind) if chunk else (row.get("source"), row.get("line_start"), row.get("line_end"), kind)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citations[numbers[key]] = chunk or (decision_passage(row) if kind == "decisions"
                                                    else attendance_passage(row, row.get("_person")))
            if numbers[key] not in marks:
                marks.append(numbers[key])
        out.append(AnswerSentence(text, citations=marks))
    answer_text = "\n".join(s.text + "".join(f" [{n}]" for n in s.citations) for s in out)
    return Answer(
        question=question, answer=answer_text, standalone_query=question,
        filters=Filters(committee=scope.committee, date_from=scope.date_from, date_to=scope.date_to,
                        decisions_only=kind == "decisions"),
        citations=citations, passages=list(citations.values()), sentences=out, route="records",
        notes=[f"Answered from the meeting records ({label}); every row cites the passage it was read from."],
    )


def _when(row: dict[str, Any]) -> str:
    return human_date(row["meeting_date"]) if row.get("meeting_date") else "An undated meeting"


def _councillor(row: dict[str, Any]) -> str:
    titled = _words(row["name"])[:1] in (["cllr"], ["councillor"])
    return "Councillor " if row.get("councillor") and not titled else ""


def _subject(row: dict[str, Any]) -> str:
    # Markup (bold, italics) is no part of the words quoted.
    decision = _shortened(strip_markup(row.get("decision") or "").replace("*", "")).strip(" \u201c\u201d\"")
    item = f"item {row['item']} ({row['item_title']}), " if row.get("item") and row.get("item_title") else ""
    return f"{item}\u201c{decision}\u201d"


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
