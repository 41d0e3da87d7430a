"""Filters read from a question: meeting dates, committee, document type, decisions.

A question such as "What did the committee ask the Children's Trust for in December 2020?" names
its own filters. Dates become a hard filter only when they are tied to a meeting (the question
talks about a meeting, the committee, minutes or what was resolved/decided); otherwise
("What was KPI 13 in October 2020?") the date is a soft preference, because reports, KPI packs and
letters carry periods that differ from the date of the meeting whose pack holds them, and a hard
filter would hide them.

Committee names are matched against an alias table (alias -> canonical name) built by the caller
from ``ingest.committees`` and the index's statistics, so this module stays free of corpus knowledge.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable, Iterable, Mapping

from minutes_core.text.dates import MONTH_NAMES, MONTH_RE, MONTHS, human_date
from minutes_core.text.normalise import name_key
from vectorstore.models import Filters

_MONTH = rf"(?P<month>{MONTH_RE})\.?"
_ORD = r"(?:st|nd|rd|th)?"
# Parts of a year, as (first month, last month); a last month past 12 runs into the next year.
# Seasons are the northern hemisphere's meteorological ones. A question naming one prefers (or,
# tied to a meeting, filters on) those months.
YEAR_PARTS = {
    "early": (1, 4), "start": (1, 4), "beginning": (1, 4), "mid": (5, 8), "middle": (5, 8),
    "late": (9, 12), "end": (9, 12), "spring": (3, 5), "summer": (6, 8), "autumn": (9, 11),
    "fall": (9, 11), "winter": (12, 14),
}
_PART = r"(?P<part>early|late|mid|spring|summer|autumn|fall|winter|(?:the\s+)?(?:end|start|beginning|middle)\s+of)"

# One date expression; tried in this order, the first match at a position wins.
_DATE_PATTERNS = [
    ("day", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mon>\d\d)-(?P<day>\d\d)\b")),
    ("day", re.compile(r"\b(?P<day>\d{1,2})[/.](?P<mon>\d{1,2})[/.](?P<year>(?:19|20)?\d\d)\b")),
    ("day", re.compile(rf"\b(?P<day>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH},?\s+(?P<year>(?:19|20)\d\d)\b",
                       re.I)),
    ("day", re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}}){_ORD},?\s+(?P<year>(?:19|20)\d\d)\b", re.I)),
    # A month, or a part of a year ("autumn 2021", "late 2018", "the end of 2017"; "December, 2022"
    # as Irish and British minutes print it).
    ("month", re.compile(rf"\b(?:{_MONTH},?|{_PART})[\s-]+(?P<year>(?:19|20)\d\d)\b", re.I)),
    # A bare year, but not a financial or municipal year such as 2019/20 or 2020-21.
    ("year", re.compile(r"(?<![/\-–\d£$])\b(?P<year>(?:19|20)\d\d)\b(?!\s*[/\-–]\s*\d\d)")),
]

# Words that tie a date to a meeting, making the date a hard filter.
# A bare number such as 2000 is a year only after one of these words ("in 2019") or before
# "meeting"/"committee" ("the 2018 committee"; but "the 2000 families" are not a year).
_YEAR_CONTEXT = re.compile(
    r"\b(in|of|during|for|since|before|after|until|between|from|and|to|by|year)\s+$", re.I
)
_YEAR_CONTEXT_WINDOW = 40  # "between" and a few spaces; whitespace is collapsed at the boundary
_MEETING_AFTER = re.compile(r"(?<!\s)\s+(meetings?|committees?|minutes)\b", re.I)
_MEETING_CONTEXT = re.compile(
    r"\b(meetings?|committees?|minutes|action notes|agenda|o&s|scrutiny|resolv\w*|resolutions?|"
    r"decid\w*|decisions?|agreed|attend\w*|present at|apologies|chair(ed|man)?)\b",
    re.I,
)
LAST_MEETING = re.compile(r"\b(?:last|latest|most recent|previous)\s+(?:committee\s+)?meeting\b", re.I)
# "what was resolved/decided/agreed", "what did the committee request/ask for": the answer is the
# text of a RESOLVED block.
# "agreed to <do something>" is a person's undertaking, not a committee decision.
_RESOLUTION = re.compile(r"\b(resolv\w*|resolutions?|decid\w*|decisions?|agreed(?!\s+to\b)|agree(?!\s+to\b))\b", re.I)
_REQUEST = re.compile(r"\b(ask(ed|s)?|request(ed|s)?|call(ed|s)? for|recommend(ed|s)?)\b", re.I)
# "What did Cabinet / the leadership team decide", "What was Cabinet told about the decision":
# another body's decision, which the papers report in prose; the committee's RESOLVED blocks do
# not hold it.
_OTHER_BODY = r"(?:cabinet|council|team|board|trust|government|ofsted|panel|partnership|executive|leader)"
OTHER_BODY_DECIDES = re.compile(
    rf"\b(?:did|has|have|had|would|will)\s+(?:the\s+)?(?:[\w'’]+\s+){{0,3}}?{_OTHER_BODY}'?s?"
    r"\s+(?:\w+\s+)?(?:decisions?|decide[ds]?|resolutions?|resolved?|agreed)\b"
    rf"|\b(?:was|were|is|are)\s+(?:the\s+)?(?:[\w'’]+\s+){{0,2}}?{_OTHER_BODY}\s+"
    r"(?:told|informed|advised|asked|briefed)\b", re.I)
# "Which councillors asked for the call-in?" asks who, not what was requested.
_ASKS_WHO = re.compile(r"^\s*(?:and\s+)?(?:who|whom|which\s+(?:councillors?|members?|officers?|"
                       r"people|person))\b", re.I)
_COMMITTEE_SUBJECT = re.compile(r"\b(committee|members|o&s|scrutiny|councillors)\b", re.I)
# Asking for the decisions themselves ("list the decisions", "the committee's resolutions"), so
# only decision passages can answer; "Rapid Review decisions" is a topic, not such a request.
_DECISIONS_ONLY = re.compile(
    r"\b(?:list|all|every|the|its|their|which|what|committee'?s?)\s+(?:of\s+the\s+)?"
    r"(?:resolutions|decisions)\b", re.I)

# Explicit document kinds a question can name; values are ingest's doc_type names.
DOC_TYPE_PHRASES = [
    (re.compile(r"\b(action notes|minutes)\b", re.I), "minutes"),
    (re.compile(r"\baction tracker\b", re.I), "action_tracker"),
    (re.compile(r"\bwork ?programme\b", re.I), "work_programme"),
    (re.compile(r"\bagenda\b(?!\s+(item|pack))", re.I), "agenda"),
]

# An alias followed by one of these names a role or a paper, not the body ("Cabinet Member").
_ROLE_AFTER = frozenset("member members report reports officer officers 's".split())
_ALIAS_SUFFIXES = ("overview and scrutiny committee", "overview and scrutiny", "committee")
# Words that name a kind of body (or join a body's name), in English-speaking councils' usage.
BODY_KIND_WORDS = frozenset("""
of the and for on in council councils committee sub subcommittee district municipal borough county
city town parish ward area board panel cabinet overview scrutiny forum group partnership executive
authority assembly commission joint policing strategic policy
""".split())
# An alias that names no kind of body must be followed by such a word, or by one for the body's
# meetings, members or papers ("Northfield councillors", "the Metropolitan minutes"), so that
# a topic such as "children's social care" is not read as the committee of that name.
_KIND = BODY_KIND_WORDS - {"of", "the", "and", "for", "on", "in"}
_INSTITUTION_WORDS = _KIND | {"meeting"}
_BODY_AFTER = _KIND | frozenset("meeting meetings councillors minutes agenda".split())
# Kind words that also name a place: "in Northfield city and county" is the place, "Northfield
# county council" the body, so after an alias they need a word naming a body after them.
PLACE_KIND_WORDS = frozenset("city county town".split())
SHORT_FORM_MIN_CHARS = 6


@dataclass
class ParsedQuestion:
    """What a question says about where to look.

    ``filters`` are hard (they narrow the search); ``prefer_from``/``prefer_to`` and
    ``committee`` only re-rank; ``resolution`` tells the answer step that the question asks what
    was resolved. ``phrases`` are the pieces of the question that were recognised, for display.

    A committee the question names is a preference, not a filter: "When did City Council debate
    the transport report?" is answered by the scrutiny committee's papers that report the debate.
    Lists of a committee's own records (its decisions, attendance) are narrowed to it.
    """

    filters: Filters = field(default_factory=Filters)
    prefer_from: str | None = None
    prefer_to: str | None = None
    committee: str | None = None
    resolution: bool = False
    phrases: list[str] = field(default_factory=list)

    @property
    def date_named(self) -> bool:
        return bool(self.filters.date_from or self.filters.date_to)


@dataclass
class DateMatch:
    start: int
    end: int
    first: date
    last: date
    text: str


def committee_alias_table(names: Iterable[str], aliases_of=None) -> dict[str, str]:
    """Alias (normalised) -> canonical name, with the "committee"/"O&S" suffixes made optional.

    ``aliases_of(name)`` returns extra spellings of a canonical name (``ingest.committees``'s
    ``committee_aliases``); without it only the names themselves and their short forms are used.
    Each body also gets its distinctive words as a short form (``short_forms``).
    """
    table: dict[str, str] = {}
    names = [name for name in names if name]
    for name in names:
        spellings = [name, *(aliases_of(name) if aliases_of else [])]
        for spelling in spellings:
            base = name_key(spelling)
            variants = {base}
            for suffix in _ALIAS_SUFFIXES:
                if base.endswith(" " + suffix):
                    variants.add(base[: -len(suffix)].strip())
            for variant in variants:
                if len(variant) >= 4:
                    table.setdefault(variant, name)
    for short, name in short_forms(names).items():
        table.setdefault(short, name)
    return table


def short_forms(names: Iterable[str]) -> dict[str, str]:
    """Each body's name without the words that name kinds of body, where that leaves a
    distinctive phrase: "Northfield" for "Municipal District of Northfield".

    Questions name bodies the way people speak ("Northfield councillors", "the
    Eastbrook-Millford district"). The short form runs from the first to the last word not in
    ``BODY_KIND_WORDS``; when that is the whole name ("Metropolitan District of Westvale"), it is
    the words before the first kind word ("Metropolitan"). When two bodies leave the same words
    ("Northfield Joint Policing Sub-Committee"), the shorter name (the parent body) keeps it.
    A short form is only read before a word that names a body or its papers (``find_committee``).
    """
    forms: dict[str, str] = {}
    keyed = {name: name_key(name).split() for name in dict.fromkeys(names)}
    for name, words in sorted(keyed.items(), key=lambda entry: len(entry[1])):
        kept = [i for i, word in enumerate(words) if word not in BODY_KIND_WORDS and not word.isdigit()]
        if not kept:
            continue
        span = words[kept[0]: kept[-1] + 1]
        if span == words:
            first_kind = next((i for i, word in enumerate(words) if word in BODY_KIND_WORDS), 0)
            span = words[:first_kind]
        short = " ".join(span)
        if len(short) >= SHORT_FORM_MIN_CHARS:
            forms.setdefault(short, name)
    return forms


def find_committee(question: str, aliases: Mapping[str, str]) -> tuple[str, str] | None:
    """The canonical committee a question names, and the alias that matched (longest wins).

    An alias without a word naming a body must be followed by one, or by a word for the
    body's members or papers ("Northfield councillors", "the Metropolitan minutes").
    """
    text = name_key(question)
    for alias in sorted(aliases, key=len, reverse=True):
        for match in re.finditer(rf"(?<![a-z0-9']){re.escape(alias)}(?![a-z0-9])", text):
            after = text[match.end():].split()
            if after and after[0] in _ROLE_AFTER:
                continue
            if _INSTITUTION_WORDS & {_bare(word) for word in alias.split()} or _names_body(after):
                return aliases[alias], alias
    return None


def _bare(word: str) -> str:
    """A word of a name key without its possessive ("council's" -> "council")."""
    return word.split("'")[0]


def _names_body(words: list[str]) -> bool:
    """Whether the words after a short form name a body: their first word, past a run of place
    words ("city and county", ``PLACE_KIND_WORDS``), is a kind of body or a word for its
    meetings, members or papers.

    The place words alone do not: "in Northfield city and county in spring 2016" names the place
    (read as the city and county council, questions lost right answers of the council's policing
    committee and districts to the body check: docs/rules.md, 0.12.0 `fabst`); "Northfield county
    council" names the body.
    """
    i = 0
    while i < len(words) and words[i] in PLACE_KIND_WORDS:
        i += 1
        if i + 1 < len(words) and words[i] == "and" and words[i + 1] in PLACE_KIND_WORDS:
            i += 1
    return i < len(words) and _bare(words[i]) in _BODY_AFTER


def parse_question(
    question: str,
    committees: Mapping[str, str] | None = None,
    meetings: Iterable[str] | None = None,
    doc_types: Iterable[str] | None = None,
    spell_out: Callable[[str], str] | None = None,
) -> ParsedQuestion:
    """Read the filters and hints a question carries.

    ``committees`` is an alias table from ``committee_alias_table``; ``meetings`` the indexed
    meeting dates (YYYY-MM-DD), used for "the last meeting"; ``doc_types`` the document types the
    index holds (a named type the index does not hold is ignored); ``spell_out`` expands the
    council's abbreviations of body names before the body is looked up.
    """
    parsed = ParsedQuestion()
    filters = parsed.filters
    meeting_context = bool(_MEETING_CONTEXT.search(question))

    span = date_span(question)
    if span is not None:
        first, last, text = span
        # An open range ("before December 2020") places the answer in time but does not say
        # which meeting's papers hold it (a later meeting's minutes often report the earlier
        # event), so it only prefers; a named date or period of a meeting filters.
        resolution = bool(_RESOLUTION.search(question))
        # "What did City Council resolve in September 2020?": that body's meeting, which the
        # committee's later papers report; the date places the event, it names no meeting here.
        other_body = OTHER_BODY_DECIDES.search(question) is not None
        if meeting_context and not other_body and ((first is not None and last is not None) or resolution):
            filters.date_from, filters.date_to = first, last
        else:
            parsed.prefer_from, parsed.prefer_to = first, last
        parsed.phrases.append(text)

    meeting_dates = sorted(m for m in (meetings or []) if m)
    last_meeting = LAST_MEETING.search(question)
    if last_meeting and span is None and meeting_dates:
        filters.date_from = filters.date_to = meeting_dates[-1]
        parsed.phrases.append(last_meeting.group(0))

    if committees:
        found = find_committee(spell_out(question) if spell_out else question, committees)
        if found:
            parsed.committee = found[0]
            parsed.phrases.append(found[1])

    known_types = set(doc_types) if doc_types is not None else None
    named_type = _first_named(question, DOC_TYPE_PHRASES, known_types)
    if named_type:
        filters.doc_type, phrase = named_type
        parsed.phrases.append(phrase)

    if (_RESOLUTION.search(question) or (
            _REQUEST.search(question) and _COMMITTEE_SUBJECT.search(question))) and \
            not OTHER_BODY_DECIDES.search(question) and not _ASKS_WHO.search(question):
        parsed.resolution = True
    if _DECISIONS_ONLY.search(question):
        filters.decisions_only = True
        parsed.phrases.append(_DECISIONS_ONLY.search(question).group(0))
    return parsed


def _first_named(question: str, phrases, known: set[str] | None = None) -> tuple[str, str] | None:
    """(doc_type, the words that named it) for the first of ``phrases`` the question uses, among
    the ``known`` types when given."""
    for pattern, doc_type in phrases:
        match = pattern.search(question)
        if match and (known is None or doc_type in known):
            return doc_type, match.group(0)
    return None


def merge_filters(caller: Filters | None, parsed: Filters) -> Filters:
    """The caller's filters win field by field; the question fills in what the caller left open."""
    if caller is None:
        return Filters(**vars(parsed))
    merged = Filters(**vars(caller))
    if not (caller.date_from or caller.date_to):
        merged.date_from, merged.date_to = parsed.date_from, parsed.date_to
    merged.committee = caller.committee or parsed.committee
    merged.doc_type = caller.doc_type or parsed.doc_type
    merged.decisions_only = caller.decisions_only or parsed.decisions_only
    merged.source = caller.source or parsed.source
    return merged


def meetings_in_range(meetings: Iterable[str], date_from: str | None, date_to: str | None) -> list[str]:
    """The meeting dates that fall inside an inclusive range (open ends allowed)."""
    return sorted(
        m for m in meetings
        if m and (date_from is None or m >= date_from) and (date_to is None or m <= date_to)
    )


def describe_range(date_from: str | None, date_to: str | None) -> str:
    """A date range as words after "no meeting": 'in 2019', 'in December 2020', 'on 9 December
    2020', 'between A and B', 'on or after A', 'on or before B'."""
    if date_from and date_to:
        first, last = date.fromisoformat(date_from), date.fromisoformat(date_to)
        if first == last:
            return f"on {human_date(date_from)}"
        if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
            return f"in {first.year}"
        if first.day == 1 and (first.year, first.month) == (last.year, last.month) and \
                last.day == calendar.monthrange(last.year, last.month)[1]:
            return f"in {MONTH_NAMES[first.month - 1]} {first.year}"
        return f"between {human_date(date_from)} and {human_date(date_to)}"
    if date_from:
        return f"on or after {human_date(date_from)}"
    if date_to:
        return f"on or before {human_date(date_to)}"
    return "at any date"


# -- date expressions ------------------------------------------------------------------------

def _year_context(text: str, match: re.Match[str]) -> bool:
    """A bare number is a year after "in", "of", ... or before "meeting(s)", "committee(s)", "minutes".

    Only the few characters around the number are searched (a window, not the whole text before
    it), so a text with many numbers costs linear time.
    """
    return bool(_YEAR_CONTEXT.search(text, max(0, match.start() - _YEAR_CONTEXT_WINDOW), match.start())
                or _MEETING_AFTER.match(text, match.end()))


# Words naming a paper: a day after "<paper> of" or "dated", or before the paper's name, dates the
# paper, not a meeting ("the Director's report of 12 September 2019", "the letter dated 3 May").
PAPER_WORDS = frozenset("""report reports letter letters memo memorandum circular email e-mail note
notes paper papers submission submissions statement briefing presentation""".split())
# How many days after its date a paper is taken up at a meeting: reports are dated when they are
# circulated, a week or a few before the meeting (the next monthly meeting at the latest).
PAPER_LEAD_DAYS = 35
_WORD_EDGES = ".,;:!?()[]'’\"“”"


def dates_paper(text: str, start: int, end: int) -> bool:
    """The date at ``text[start:end]`` dates a paper rather than a meeting: "the report of 12
    September 2019", "a letter dated 3rd May 2021", "the 12 September 2019 report"."""
    before = [w.strip(_WORD_EDGES) for w in text[:start].lower().split()]
    after = [w.strip(_WORD_EDGES) for w in text[end:].lower().split()]
    if before[-1:] == ["dated"] or after[:1] and after[0] in PAPER_WORDS:
        return True
    return len(before) >= 2 and before[-1] == "of" and before[-2] in PAPER_WORDS


def find_dates(text: str) -> list[DateMatch]:
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            if kind == "year" and not _year_context(text, match):
                continue
            bounds = _bounds(kind, match)
            if bounds is None:
                continue
            taken.append((match.start(), match.end()))
            found.append(DateMatch(match.start(), match.end(), *bounds, match.group(0)))
    return sorted(found, key=lambda d: d.start)


def without_dates(text: str) -> str:
    """The text with its date expressions blanked out (for the words that name a topic)."""
    for match in reversed(find_dates(text)):
        text = text[: match.start] + " " + text[match.end:]
    return text


def _bounds(kind: str, match: re.Match) -> tuple[date, date] | None:
    groups = match.groupdict()
    year = int(groups["year"])
    if year < 100:
        year += 2000
    try:
        if kind == "year":
            return date(year, 1, 1), date(year, 12, 31)
        if groups.get("part"):
            part = groups["part"].lower().split()  # "autumn", "the end of"
            first_month, last_month = YEAR_PARTS[part[-2] if part[-1] == "of" else part[-1]]
            last_year, last_month = year + (last_month - 1) // 12, (last_month - 1) % 12 + 1
            return (date(year, first_month, 1),
                    date(last_year, last_month, calendar.monthrange(last_year, last_month)[1]))
        month = MONTHS[groups["month"].lower()] if groups.get("month") else int(groups["mon"])
        if kind == "month":
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        day = date(year, month, int(groups["day"]))
        return day, day
    except (ValueError, KeyError):
        return None


def date_span(question: str) -> tuple[str | None, str | None, str] | None:
    """The inclusive date range a question names, with the words that named it; an end is None
    where the range is open ("before December 2020", "since 2019", "by December 2017")."""
    dates = find_dates(question)
    if not dates:
        return None
    first = dates[0]
    before = question[: first.start].lower()
    if len(dates) >= 2:
        # "between May 2021 and July 2021", and two periods named together ("the December 2018 and
        # January 2019 meetings"): the range from the first to the last.
        second = dates[1]
        joiner = question[first.end: second.start].lower()
        if joiner.split() == ["and"] or (
                re.search(r"\b(between|from)\s+(the\s+)?$", before) and
                re.fullmatch(r"(?<!\s)\s*(and|to|until|till|-|–)\s*(the\s+)?", joiner)):
            lo, hi = sorted([first, second], key=lambda d: d.first)
            return lo.first.isoformat(), hi.last.isoformat(), question[first.start: second.end]
    if re.search(r"\b(before|prior to|earlier than)\s+(the\s+)?$", before):
        return None, (first.first - timedelta(days=1)).isoformat(), "before " + first.text
    if re.search(r"\b(after|later than)\s+(the\s+)?$", before):
        return (first.last + timedelta(days=1)).isoformat(), None, "after " + first.text
    if re.search(r"\bsince\s+(the\s+)?$", before):
        return first.first.isoformat(), None, "since " + first.text
    if re.search(r"\b(until|up to|by)\s+(the\s+)?$", before):
        return None, first.last.isoformat(), "until " + first.text
    if first.first == first.last and dates_paper(question, first.start, first.end):
        # A paper's day: the meetings that took it up, on that day or in the weeks after it.
        return first.first.isoformat(), (first.last + timedelta(days=PAPER_LEAD_DAYS)).isoformat(), first.text
    return first.first.isoformat(), first.last.isoformat(), first.text
