"""Meeting records as rows: meetings, agenda items, decisions, attendance and tracked actions.

Questions such as "list every decision of the 28 October 2020 meeting" or "which actions are
still open?" need every matching record, which top-k passage retrieval cannot promise. So at
ingest the structure the pipeline already detects (documents, their type and meeting date, the
numbered items of a set of minutes) is read once more, by general rules, into rows:

- meetings: from a set of minutes' opening line ("1000 hours on Wednesday, 28th October 2020,
  Online Meeting") or an agenda's date line ("WEDNESDAY, 09 DECEMBER 2020 AT 10:00 HOURS" then
  "IN ..." venue lines);
- agenda items: the numbered item headings of minutes and the items of an agenda;
- decisions: each RESOLVED block, verbatim, up to the next RESOLVED, the next item or the end of
  the meeting;
- attendance: the "Present:" and "Also Present:" lists, the apologies item, and every "X declared
  ..." sentence of the minutes (declarations of interest, wherever in the minutes they are made);
- actions: the rows of an action tracker (a Date / Agenda Item / Action / Update table that PDF
  extraction flattened into lines; see ``_tracker_rows`` for how the columns are told apart).

Every row keeps the passage it came from (``text``, ``source``, ``page``, lines) so an answer can
cite it. Pure functions over ``ParsedDocument``; storage is ``vectorstore.records``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from ingest.chunking import BOILERPLATE_TEXT
from ingest.attendance import MAX_LABEL_LINE, entry_texts, find_sections, officials, staff_parts
from ingest.clean import Block, Line, reflow
from ingest.conventions import Conventions, load_conventions
from ingest.meetings import clock
from ingest.motions import find_motions
from ingest.structure import AGENDA_ITEM, ParsedDocument, minutes_items
from minutes_core.text.names import ORGANISATION, POST_NOMINAL
from minutes_core.text.dates import DAY_MONTH_YEAR, MEETING_LINE, MONTH_RE, first_date, iso_date, meeting_line_date
from minutes_core.text.normalise import BULLET_GLYPHS, fold_quotes, strip_markup
from minutes_core.text.sentences import ends_with_wrapped_compound, split_paragraph

# -- row types -------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Provenance:
    """Where a row came from: the passage an answer cites."""

    source: str
    path: str
    doc_type: str
    title: str
    page: int | None
    line_start: int
    line_end: int
    text: str


@dataclass(kw_only=True)
class MeetingRecord(Provenance):
    committee: str | None
    committee_printed: str | None
    meeting_date: str | None
    time: str | None
    venue: str | None
    online: bool
    ended: str | None
    record: str  # "minutes" (the meeting's own record) or "agenda" (the meeting as announced)
    pack_date: str | None = None  # the meeting whose pack or folder carries this record


@dataclass(kw_only=True)
class ItemRecord(Provenance):
    committee: str | None
    meeting_date: str | None
    number: str
    item_title: str
    record: str


@dataclass(kw_only=True)
class DecisionRecord(Provenance):
    committee: str | None
    meeting_date: str | None
    item: str | None
    item_title: str | None
    decision: str  # the resolution or motion text, verbatim (wrapped lines joined)
    boilerplate: bool  # the standing "authority to chair" resolution and the like
    proposer: str | None = None  # as printed, without the title ("O'Brien")
    seconder: str | None = None
    # agreed | carried | lost | deferred | withdrawn | noted (see ``ingest.motions.settle``)
    outcome: str | None = None
    outcome_stated: bool = True  # False: proposed and seconded, outcome not printed, taken as agreed
    votes_for: int | None = None  # counts where the minutes state them (or list the names)
    votes_against: int | None = None
    votes_abstain: int | None = None
    names_for: list[str] = field(default_factory=list)  # roll calls and recorded votes
    names_against: list[str] = field(default_factory=list)
    names_abstain: list[str] = field(default_factory=list)
    conventions: list[str] = field(default_factory=list)  # the rules that found it (--explain)
    passage_id: str | None = None  # the chunk holding the decision's first line


@dataclass(kw_only=True)
class AttendanceRecord(Provenance):
    committee: str | None
    meeting_date: str | None
    role: str  # chair | present | remote | officials | also present | apologies | absent | declaration
    name: str
    councillor: bool
    capacity: str | None  # "Chair", "Parent Governor Representative", "Director, Education..."
    group: str | None  # the list's label: "Councillors", "Other Voting Representatives"
    interest: str | None  # for declarations: what was declared, verbatim


@dataclass(kw_only=True)
class ActionRecord(Provenance):
    committee: str | None
    meeting_date: str | None  # the meeting that raised the action ("Date" column)
    item: str | None  # the "Agenda Item" column: an item title of that meeting
    action: str
    update: str
    status: str  # open | in progress | done (see ``action_status``)
    tracker_date: str | None  # the meeting whose pack holds the tracker


ROW_TYPES = {
    "meetings": MeetingRecord, "items": ItemRecord, "decisions": DecisionRecord,
    "attendance": AttendanceRecord, "actions": ActionRecord,
}
PROVENANCE_FIELDS = ("source", "path", "doc_type", "title", "page", "line_start", "line_end", "text")


def row_dict(row: Provenance) -> dict[str, Any]:
    """A row as a flat dict: its own fields first, then where it came from (``text`` last)."""
    data = asdict(row)
    own = {k: v for k, v in data.items() if k not in PROVENANCE_FIELDS}
    return {**own, **{k: data[k] for k in PROVENANCE_FIELDS}}


@dataclass
class Records:
    """All rows extracted from one file."""

    meetings: list[MeetingRecord] = field(default_factory=list)
    items: list[ItemRecord] = field(default_factory=list)
    decisions: list[DecisionRecord] = field(default_factory=list)
    attendance: list[AttendanceRecord] = field(default_factory=list)
    actions: list[ActionRecord] = field(default_factory=list)

    def by_kind(self) -> dict[str, list[Provenance]]:
        return {kind: getattr(self, kind) for kind in ROW_TYPES}

    def counts(self) -> dict[str, int]:
        return {kind: len(rows) for kind, rows in self.by_kind().items()}


def extract_records(parsed_documents: list[ParsedDocument], conventions: Conventions | None = None
                    ) -> Records:
    """The meeting records of one file's detected documents."""
    conventions = conventions or load_conventions()
    records = Records()
    for parsed in parsed_documents:
        doc_type = parsed.document.doc_type
        if doc_type == "minutes":
            _minutes(parsed, records, conventions)
        elif doc_type == "agenda":
            _agenda(parsed, records)
        elif doc_type == "action_tracker":
            records.actions.extend(_tracker_rows(parsed))
    return records


# -- shared helpers --------------------------------------------------------------------------------

def _text_lines(lines: list[Line]) -> list[Line]:
    return [line for line in lines if line.kind == "text"]


def _provenance(parsed: ParsedDocument, lines: list[Line], text: str | None = None) -> dict[str, Any]:
    """Provenance fields for a row built from ``lines`` (their reflowed text unless ``text``)."""
    doc = parsed.document
    kept = _text_lines(lines) or lines
    pages = [line.page for line in kept if line.page is not None]
    if text is None:
        text = "\n".join(block.text for block in reflow(lines))
    return {
        "source": doc.source, "path": doc.path, "doc_type": doc.doc_type, "title": doc.title,
        "page": pages[0] if pages else None, "line_start": kept[0].number,
        "line_end": kept[-1].number, "text": text,
    }


def _block_provenance(parsed: ParsedDocument, block: Block) -> dict[str, Any]:
    doc = parsed.document
    return {
        "source": doc.source, "path": doc.path, "doc_type": doc.doc_type, "title": doc.title,
        "page": block.page, "line_start": block.line_start, "line_end": block.line_end,
        "text": block.text,
    }


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", strip_markup(text)).strip()


ONLINE = re.compile(r"\b(on-?line|virtual|remote|microsoft teams|zoom|webex)\b", re.I)


# -- minutes ---------------------------------------------------------------------------------------

# (the clock read with its "pm": "ended at 7.45pm" is 19:45)
ENDED = re.compile(r"\bthe meeting ended at\s+(\d{1,2}[.:]\d{2}(?:\s*[ap]\.?m\b)?)", re.I)
RULE_LINE = re.compile(r"^[_\-=]{5,}$")
# "RESOLVED", "RESOLVED:", "RESOLVED:-", "RESOLVED – That ..."; a line that opens with the word.
RESOLVED_LABEL = re.compile(r"^\W*RESOLVED\b\s*[:\-–—]*\s*-?\s*(?P<rest>.*)$", re.I)
# The label of a list in the attendance block, or of the apologies paragraph.
ATTENDANCE_LABEL = re.compile(r"^(?P<label>present|also present|in attendance)\s*:\s*(?P<rest>.*)$", re.I)
APOLOGIES_ITEM = re.compile(r"\bapolog", re.I)
# An item that takes the roll: "2. ROLL CALL", "CALL TO ORDER AND ROLL CALL", "Attendance".
ROLL_CALL_ITEM = re.compile(r"\broll\s+call\b|^\W*(?:attendance|members\s+present)\W*$", re.I)
# "That the apology of the Mayor, Cr X, who is ..., be accepted": who sent the apology, as a
# resolution of the Apologies item words it (Australian and New Zealand minutes).
APOLOGY_OF = re.compile(r"\bapolog(?:y|ies)\s+(?:of|from)\s+(?P<who>[^.;]{3,200}?)"
                        r"(?=,\s*who\b|\s+be\s|\s+(?:was|were|is|are|has|have)\s|[.;]|$)", re.I)
# "Apologies [for absence | for their inability to attend the meeting] were received from":
# the lead-in before the names (a few words ending in absence or attend, no more).
APOLOGIES_LEAD = re.compile(
    r"^apologies\s+(?:for\s+(?:[a-z’']+\s+){0,6}?(?:absence|attend(?:ing|ance)?)"
    r"(?:\s+(?:at\s+)?the\s+meeting)?\s+)?(?:(?:were|was|had been)\s+)?"
    r"(?:submitted|received|given|tendered|noted|sent|intimated)?\s*(?:on\s+behalf\s+of|from|by|for)?\s*:?\s*",
    re.I,
)
NONE_TEXT = re.compile(r"^\W*(none|nil|no apologies|no declarations)\b", re.I)
# "<names> declared <interest>": the minutes' way of recording a declaration of interest.
DECLARED = re.compile(r"^(?P<who>.{3,160}?)\s+declared\s+(?P<interest>.+?)\.?$", re.S)


def _minutes(parsed: ParsedDocument, records: Records, conventions: Conventions) -> None:
    doc = parsed.document
    lines = parsed.lines
    items = minutes_items(lines)
    first_item = items[0][0] if items else len(lines)
    common = {"committee": doc.committee, "meeting_date": doc.meeting_date}

    meeting_index = next((i for i, line in enumerate(lines[:first_item])
                          if line.kind == "text" and meeting_line_date(line.content)), None)
    time = venue = None
    online = False
    facts = parsed.meeting
    if meeting_index is not None:
        content = fold_quotes(lines[meeting_index].content)
        match = MEETING_LINE.search(content)
        time = clock(re.match(r"\d{1,2}[:.]?\d{2}\s*[a-z]+", match.group(0), re.I).group(0))
        venue = re.sub(r"(?<!\s)\s*[-–—]\s*(actions?|action notes|minutes)\s*$", "", content[match.end():],
                       flags=re.I).strip(" ,;-–")
        venue = venue or None
        online = bool(venue and ONLINE.search(venue))
    elif facts is not None:
        time, venue, online = facts.time, facts.venue, facts.online
    ended = next((ENDED.search(line.content).group(1) for line in lines
                  if line.kind == "text" and ENDED.search(line.content)), None)
    header_end = meeting_index + 1 if meeting_index is not None else min(len(lines), 8)
    if meeting_index is None and facts is not None and facts.line:
        header_end = next((i + 1 for i, line in enumerate(lines) if line.number >= facts.line), header_end)
        header_end = min(len(lines), header_end + 5)
    records.meetings.append(MeetingRecord(
        **common, committee_printed=doc.committee_printed, time=time, venue=venue,
        online=online, ended=clock(ended) if ended else None,
        record="minutes", pack_date=doc.pack_date, **_provenance(parsed, lines[:header_end]),
    ))

    records.attendance.extend(_attendance_block(parsed, lines[:first_item], common, conventions))
    records.attendance.extend(_attendance_table(parsed, lines[:first_item], common, conventions))
    # Decisions before the first item the rules recognise (all of them, when no item is recognised).
    records.decisions.extend(_decisions(parsed, lines[:first_item], None, None, common, conventions))
    bounds = [i for i, _, _ in items] + [len(lines)]
    for (start, number, title), end in zip(items, bounds[1:]):
        span = lines[start:end]
        title = _wrapped_title(title, span)
        records.items.append(ItemRecord(**common, number=number, item_title=title, record="minutes",
                                        **_provenance(parsed, span[:1], text=span[0].text.strip())))
        records.decisions.extend(_decisions(parsed, span[1:], number, title, common, conventions))
        if ROLL_CALL_ITEM.search(title):
            # "2. ROLL CALL" / "Present: ..." as an item of its own (United States minutes)
            _add_unlisted(records, _attendance_block(parsed, span[1:], common, conventions)
                          + _attendance_table(parsed, span[1:], common, conventions))
        if APOLOGIES_ITEM.search(title):
            _add_unlisted(records, _apologies(parsed, span[1:], common))
    for block in reflow(lines[first_item:]):
        records.attendance.extend(_declarations(parsed, block, common))


def _add_unlisted(records: Records, rows: list[AttendanceRecord]) -> None:
    """Add the attendance ``rows`` the records do not list yet: the header's "Present:" or
    "Apologies:" and an item of the same name ("Roll Call", "Apologies for absence") name one
    person twice."""
    listed = {(r.meeting_date, r.committee, r.role, r.name) for r in records.attendance}
    records.attendance.extend(r for r in rows if (r.meeting_date, r.committee, r.role, r.name) not in listed)


def _wrapped_title(title: str, span: list[Line]) -> str:
    """An item heading wrapped over two lines ("... PETITIONS RECEIVED (IF" / "ANY)")."""
    following = _text_lines(span[1:2 + 2])
    if title.count("(") > title.count(")") and following:
        nxt = following[0].content
        if len(nxt) <= 40 and nxt.upper() == nxt:
            return f"{title} {fold_quotes(nxt)}"
    return title


def _decisions(parsed: ParsedDocument, span: list[Line], number: str | None, title: str | None,
               common: dict, conventions: Conventions) -> list[DecisionRecord]:
    """The motions and resolutions of one item (``ingest.motions``), as rows.

    A resolution without a quotation runs to the next label, a rule line or the meeting's end.
    """
    kept: list[Line] = []
    for line in span:
        if line.kind == "text" and (ENDED.search(line.content) or RULE_LINE.match(line.content)):
            if any(RESOLVED_LABEL.match(l.content) for l in kept if l.kind == "text"):
                break
        kept.append(line)
    out: list[DecisionRecord] = []
    for motion in find_motions(_labels_apart(reflow(_rows_apart(kept)), kept, conventions), conventions):
        decision = motion.decision
        head = RESOLVED_LABEL.match(decision)
        if head and head.group("rest"):
            decision = head.group("rest")
        text = "\n".join(block.text for block in motion.blocks)
        first = motion.blocks[0]
        out.append(DecisionRecord(
            **common, item=number, item_title=title, decision=decision,
            boilerplate=bool(BOILERPLATE_TEXT.search(decision)),
            proposer=motion.proposer, seconder=motion.seconder, outcome=motion.outcome,
            outcome_stated=motion.outcome_stated,
            votes_for=motion.votes["for"], votes_against=motion.votes["against"],
            votes_abstain=motion.votes["abstain"], names_for=motion.names["for"],
            names_against=motion.names["against"], names_abstain=motion.names["abstain"],
            conventions=sorted({rule for rule in motion.rules if "(" in rule}),
            **{**_block_provenance(parsed, first), "line_end": motion.blocks[-1].line_end, "text": text},
        ))
    return out


# A row of a web page's table of items, one line each: "47. | Minutes ... Minutes: RESOLVED: ...".
ITEM_ROW = re.compile(r"^\d{1,3}(?:[./]\d{1,3})?\.?\s\|\s")


# Label kinds that open a line of their own in minutes printed without blank lines (PDF text):
# "Moved by ...", "Seconded by ...", "Yeas: ...", "Motion Passed (4 to 2)", "RESOLVED:".
LINE_LABELS = ("proposer", "seconder", "vote_list", "outcome", "resolved")
# A roll call's other lines ("ABSENT: None", "RECUSED: X"): after a vote list they end it.
ROLL_CALL_OTHER = re.compile(r"^\W{0,3}(?:absent|recused|excused|abstain(?:ed|ing)?|not\s+voting)\s*:", re.I)


def _rows_apart(lines: list[Line]) -> list[Line]:
    """Each item row of a web page's two-column table ("47. | Minutes ... RESOLVED: ...") as a
    paragraph of its own: re-flow would otherwise join the rows, and each row's decision with the next."""
    out: list[Line] = []
    for line in lines:
        if out and line.kind == "text" and out[-1].kind == "text" and ITEM_ROW.match(line.content):
            out.append(Line(line.number, "", line.page, kind="blank"))
        out.append(line)
    return out


def _labels_apart(blocks: list[Block], lines: list[Line], conventions: Conventions) -> list[Block]:
    """A paragraph cut where one of its lines starts with a label of the conventions
    (``LINE_LABELS``): a PDF prints "Moved by ..." / "Seconded by ..." / "Yeas: ..." / "Motion
    Passed (4 to 2)" a line each with no blank lines between, and a line ending in a comma joins
    the label after it ("... at Killonan, Ballysimon," / "Proposed by X;"). Re-flow would make one
    paragraph of two motions' labels."""
    by_number = {line.number: line for line in lines if line.kind == "text"}
    out: list[Block] = []
    for block in blocks:
        span = [by_number[n] for n in range(block.line_start, block.line_end + 1) if n in by_number]
        voted = [i for i, line in enumerate(span) if _opens_with_label(line.content, conventions, ("vote_list",))]
        cuts = [i for i, line in enumerate(span) if i and (
            _opens_with_label(line.content, conventions) or _opens_with_label(span[i - 1].content, conventions, ("outcome",))
            or voted and voted[0] < i and ROLL_CALL_OTHER.match(line.content))]
        if block.kind == "table" or not cuts or block.text != " ".join(l.text.strip() for l in span):
            out.append(block)  # (a block cut by size, or joined without spaces, is kept whole)
            continue
        for start, end in zip([0] + cuts, cuts + [len(span)]):
            part = span[start:end]
            out.append(Block(" ".join(l.text.strip() for l in part), part[0].number, part[-1].number,
                             part[0].page, block.kind))
    return out


def _opens_with_label(content: str, conventions: Conventions, kinds: tuple[str, ...] = LINE_LABELS) -> bool:
    """Whether the line opens with a label of one of ``kinds``. An outcome line ("Motion Passed (4
    to 2)", "CARRIED") also ends its paragraph: the narrative after it is not part of the result."""
    text = fold_quotes(content)[:MAX_LABEL_LINE]
    if not text[:1].isupper() and not text[:1].isdigit():
        return False  # a wrapped sentence's end ("approved.") is no outcome line
    # The label opens the line ("Moved by ...", "Motion Passed (4 to 2)"); a rule that finds its
    # words later in the line ("... the following Motion was agreed.") does not cut a paragraph.
    # An outcome sentence may open a line that goes on ("The motion failed on a 3-3 tie vote. No
    # further action was taken.").
    first = split_paragraph(text)[0] if "outcome" in kinds and ". " in text else text
    return any((found := conventions.first(kind, text) or (kind == "outcome" and conventions.first(kind, first)))
               and found[1].start() <= 3 for kind in kinds)


# -- people lists ----------------------------------------------------------------------------------

# Words that make a list part a role or an organisation rather than a person's name. Gathered from
# the "Present"/"Apologies"/"Staff" lists of English council minutes (co-opted members, officers,
# partners, and the professions of a council's staff).
ROLE_WORDS = re.compile(
    r"\b(chair|chairman|chairwoman|vice|deputy|representative|governor|diocese|member|members|"
    r"cabinet|director|officer|manager|head|lead|leader|executive|chief|assistant|acting|ad|"
    r"worker|advisor|adviser|inspector|superintendent\b(?=\s*$)|commissioner|council|trust|board|"
    r"partnership|service|services|scrutiny|police|forum|team|group|authority|ccg|nhs|"
    r"education|skills|safeguarding|care|health|policy|research|secretary|clerk|"
    r"co-?ordinator|consultant|mayor|portfolio|send|senar|bscp|bscb|"
    r"solicitor|planner|engineer|treasurer|accountant|administrator|auditor|surveyor|architect|"
    r"attorney|counsel|supervisor)\b",
    re.I,
)


def _alternatives(words: frozenset[str]) -> str:
    """A pattern of ``words`` (conventions' word lists), longest first, a space as any spaces."""
    return "|".join(r"\s+".join(map(re.escape, word.split())) for word in sorted(words, key=len, reverse=True))


_MEMBER_TITLES = load_conventions().words_of("member_title")
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof"})
_PLURAL_TITLES = frozenset(w for w in _MEMBER_TITLES if w.endswith("s") and w[:-1] in _MEMBER_TITLES)
# A member's title before a name: "Cllr.", "Cr", "Councilmember", "Council Members" (conventions'
# ``member_title``); the plural, a list of members after it.
COUNCILLOR = re.compile(rf"^(?:{_alternatives(_MEMBER_TITLES)})\.?\s+", re.I)
PLURAL_TITLE = re.compile(rf"^(?:{_alternatives(_PLURAL_TITLES)})\b\.?\s*", re.I)
# A title leading a part of a list: a member's or a chair's ("Mayor Pro Tem Howard Tsai").
LEAD_TITLE = re.compile(rf"^(?P<title>{_alternatives(_MEMBER_TITLES | load_conventions().words_of('chair_title') | _HONORIFICS)})"
                        r"\.?\s+(?=[A-Z])", re.I)
# The end of a list's sentence: a full stop after a word or a closing bracket, then the next
# sentence ("... (substitute for Councillor X). Co-opted member: ...").
LIST_END = re.compile(r"(?<=[a-z]|\))\.\s+(?=[A-Z])")
# "Present: 6 - A, B, ...": the count a roll call prints before its names.
COUNT_LEAD = re.compile(r"^\d{1,3}\s*[-–—:]\s*")
# A councillor's title inside a run of names printed without commas ("Azad Talukder Cllr. PJ Carey",
# "In the ChairCllr B. O'Donnell"): a new person starts there.
INNER_TITLE = re.compile(r"(?<=[a-z.])(?<!\band)\s*+(?=(?:Cllrs?|Councillors?|Clirs?|Cilr|Cmhlr)\b\.?\s[A-Z])")
# A list labelled as the members' ("Members Present:", "Councillors present:").
# Lists of the officers and others attending, whose entries are "Name, Role" or "Name (Role)"
# parts, several to an entry.
STAFF_ROLES = ("officials", "also present")
MEMBERS_LABEL = re.compile(r"^\W*(?:elected\s+)?(?:members|councillors)\b", re.I)
# The end of the list's sentence: a full stop after a word of three or more small letters (not an
# initial, not "Mr."/"Dr."), then the next sentence ("... and Imran Gulzar. Councillor Tunde ...").
SENTENCE_END = re.compile(r"(?<=[a-z]{3})(?<!\bMrs)(?<!\bCllr)(?<!\bClir)(?<!\bCllrs)\.\s+(?=[A-Z])")
# "Mr", "Ms", "Dr" before a name in a list of councillors: a co-opted member, officer or guest.
HONORIFIC_START = re.compile(r"^(?:mr|mrs|ms|miss|mx|dr|prof)\b\.?\s", re.I)
# (Irish and other names start with an accented capital: "Ó Ceallaigh", "Ní Bhriain", "Élise".)
NAME_WORD = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][a-zA-Zà-öø-ÿ'’\-]*|O['’][A-Z][a-z]+|Mc[A-Z][a-z]+|[A-Z]\.)$")
LIST_LABEL = re.compile(r"^(?P<label>[A-Z][A-Za-z ]{2,60}?)\s*:\s*(?P<rest>.+)$")


@dataclass
class Person:
    name: str
    councillor: bool
    capacity: str | None
    group: str | None


BRACKET_TITLE_COMMA = re.compile(r",\s(?=(?:Cllrs?|Councillors?|Clirs?|Cilr|Cmhlr)\b)")
BRACKETED = re.compile(r"(?<!\s)\s*[\[(]([^\[\]()]+)[\])]\s*$")
INITIAL = re.compile(r"[A-Z]{1,2}\.?")


def _looks_like_name(part: str, min_words: int = 1) -> bool:
    words = COUNCILLOR.sub("", BRACKETED.sub("", part)).split()
    return min_words <= len(words) <= 5 and all(NAME_WORD.match(w) for w in words) \
        and not ROLE_WORDS.search(" ".join(words))


def _person(part: str, capacity: str | None, group: str | None, councillor: bool = False) -> Person:
    part = part.strip(" .;")
    bracket = BRACKETED.search(part)
    if bracket and INITIAL.fullmatch(bracket.group(1).strip()):
        bracket = None  # "Collins (B)": the initial tells two members of one name apart
    if bracket:
        # (the comma ``INNER_TITLE`` put before a title inside the bracket is no part of it)
        capacity = capacity or BRACKET_TITLE_COMMA.sub(" ", bracket.group(1).strip())
        part = part[: bracket.start()]
    is_councillor = (councillor and not HONORIFIC_START.match(part)) or bool(COUNCILLOR.match(part))
    return Person(COUNCILLOR.sub("", part).strip(), is_councillor, capacity, group)


def parse_people(entry: str, single: bool = False, titles: frozenset[str] = frozenset()) -> list[Person]:
    """People named in one entry of an attendance or apologies list.

    ``single`` entries name one person: "Councillor Kath Scott (Chair)", "Dr Tim O'Neill,
    Director, Education and Skills" (the name, then the role after the first comma). Other
    entries are lists: "Councillors: A, B and C", "Other Voting Representatives: A, Role and B,
    Role", "Councillor A and B, Role". In a list, parts alternate between names and the roles that
    follow them; a part is a name when it has the shape of one (two to five capitalised words, no
    role word from ``ROLE_WORDS``), otherwise it belongs to the role of the person before it.
    ``titles`` are the chair's titles of the conventions (lower case): "An Cathaoirleach" or
    "The Mayor" beside a name is that person's capacity, not a second person.
    """
    return _titles_as_capacity(_parse_people(entry, single), titles)


def _is_title(name: str, titles: frozenset[str]) -> bool:
    """Whether a parsed name is only a title ("An Cathaoirleach", "The Mayor", "Chairman")."""
    words = name.lower().strip(" .,").split()
    if len(words) > 1 and words[0] in ("an", "the"):
        words = words[1:]
    text = " ".join(words)
    return bool(text) and (text in titles or bool(ROLE_WORDS.fullmatch(text)))


def _titles_as_capacity(people: list[Person], titles: frozenset[str]) -> list[Person]:
    """People with a title-only entry folded into the capacity of the named person beside it:
    "Councillor M. Collins, An Cathaoirleach" and "The Mayor, Councillor D. Butler" are one
    person each. A title with nobody named beside it stays: the minutes name no one else."""
    title_only = [_is_title(p.name, titles) for p in people]
    out: list[Person] = []
    for n, person in enumerate(people):
        if not title_only[n]:
            out.append(person)
            continue
        title = person.name.strip(" .")
        if person.capacity and _looks_like_name(person.capacity, 2):
            # "The Mayor, Councillor D. Butler": a single entry's name and role, the wrong way round
            out.append(_person(person.capacity, title, person.group))
            continue
        holders = [p for m, p in enumerate(people) if not title_only[m] and m < n][-1:] or \
            [p for m, p in enumerate(people) if not title_only[m] and m > n][:1]
        if not holders:
            out.append(person)
        elif not holders[0].capacity:
            holders[0].capacity = title
    return out


def _parse_people(entry: str, single: bool) -> list[Person]:
    entry = COUNT_LEAD.sub("", INNER_TITLE.sub(", ", _clean(entry)).rstrip("."), count=1)
    if not entry or NONE_TEXT.match(entry):
        return []
    group = None
    label = LIST_LABEL.match(entry)
    if label:
        group, entry = label.group("label").strip(), label.group("rest")
    if not group and (titled := _titled_list(entry)):
        return titled
    plural = PLURAL_TITLE.match(group or entry)
    if plural and not group:
        entry = entry[plural.end():]
    if single and not group and not plural:
        listed = _comma_list(entry)
        if listed:
            return listed
        name, role = _first_part(entry)
        return [_person(name, role or None, None)]
    people: list[Person] = []
    for part in (p.strip() for p in re.split(r",\s*|(?<!\s)\s+and\s+|(?<!\s)\s*;\s*", entry)):
        if not part:
            continue
        if _looks_like_name(part, min_words=1 if plural else 2) or (not people and _looks_like_name(part)):
            people.append(_person(part, None, group, bool(plural)))
        elif people:
            last = people[-1]
            last.capacity = f"{last.capacity}, {part}" if last.capacity else part
    return people


# Where one part of a list ends: a comma, a semicolon, "and" or "&" (outside brackets: "Cr A
# (Deputy Mayor, in the Chair), Cr B" is two parts).
LIST_SEPARATOR = re.compile(r",\s*|;\s*|(?<!\s)\s++(?:and|&)\s+")


def split_list(text: str) -> list[str]:
    """The parts of a list of people, split at separators outside brackets, in one pass."""
    parts: list[str] = []
    start = depth_at = depth = 0
    for match in LIST_SEPARATOR.finditer(text):
        between = text[depth_at:match.start()]
        depth = max(0, depth + between.count("(") - between.count(")"))
        depth_at = match.start()
        if depth == 0:
            parts.append(text[start:match.start()])
            start = match.end()
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _first_sentence(entry: str) -> str:
    """A list up to the full stop that ends its sentence, not a title's ("Cllr. A, Mr. B")."""
    for end in LIST_END.finditer(entry):
        word = entry[:end.start()].rsplit(None, 1)[-1].lower()
        if word not in _MEMBER_TITLES | _HONORIFICS:
            return entry[:end.start()]
    return entry


def _initialled(text: str) -> bool:
    """A name printed with run-together initials after its title ("P.J O'Grady")."""
    words = BRACKETED.sub("", text).split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and not ROLE_WORDS.search(text)


def _titled_list(entry: str) -> list[Person]:
    """The people of a list whose titles lead the names, as United States and Australian minutes
    print their members: "Mayor A, Mayor Pro Tem B, Councilmembers C, D and E", "6 - Mayor A,
    Councilmember B", "Cr A (Mayor), Cr B (Deputy Mayor, in the Chair), Cr C". A plural title
    titles each name after it until the next title; a chair's title is the person's capacity;
    every titled person is a member. A part that is no name ("participating by teleconference")
    is the capacity of the person before it. Empty unless the first part is titled, two people
    are named, and no untitled name stands outside a plural title's list (that list is another
    council's form, read by ``_parse_people``)."""
    parts = split_list(_first_sentence(entry))
    if len(parts) < 2 or not LEAD_TITLE.match(parts[0]):
        return []
    people: list[Person] = []
    plural = False
    for part in parts:
        lead = LEAD_TITLE.match(part)
        if lead:
            title = " ".join(lead.group("title").lower().split())
            plural = title in _PLURAL_TITLES
            capacity = None if title in _MEMBER_TITLES | _HONORIFICS else lead.group("title")
            rest = part[lead.end():]
            if title in _HONORIFICS:  # "Mr. P.J O'Grady": a guest or an officer, not a member
                rest = part
            if _looks_like_name(rest) or _initialled(rest):
                people.append(_person(rest, capacity, None, title not in _HONORIFICS))
                continue
            return []
        if plural and _looks_like_name(part):
            people.append(_person(part, None, None, True))
        elif people and not _looks_like_name(part):
            last = people[-1]
            last.capacity = f"{last.capacity}, {part}" if last.capacity else part
        else:
            return []
    return people if len(people) >= 2 else []


def _first_part(entry: str) -> tuple[str, str]:
    """An entry cut at its first comma outside brackets: "Ms A. Name (Member, via Teams), Role"."""
    start = 0
    while (comma := entry.find(",", start)) >= 0:
        if entry.count("(", 0, comma) <= entry.count(")", 0, comma):
            return entry[:comma], entry[comma + 1:].strip()
        start = comma + 1
    return entry, ""


def _role_led(text: str) -> list[Person]:
    """The officers of a list printing each role before the name: "City Manager A. Name, City
    Attorney B. Name; Police Chief Name" (United States staff lists). Empty unless every part is a
    role (a word of ``ROLE_WORDS`` last) then a name."""
    people: list[Person] = []
    for part in split_list(_clean(text).rstrip(".")):
        roles = list(ROLE_WORDS.finditer(part))
        name = part[roles[-1].end():].strip() if roles else ""
        if not name or not part[:1].isupper() or not _looks_like_name(name) or len(name.split()) > 3:
            return []
        people.append(Person(name, False, part[:roles[-1].end()].strip(), None))
    return people


def _comma_list(entry: str) -> list[Person]:
    """The people of an entry that is a comma list of names, each maybe followed by its letters:
    "K. Byrne, M.C.C., S. Doyle, M.C.C., D. Walsh, M.C.C." or "K. Butler, S.O., M. O'Brien,
    S.E.E." (the letters become the person's capacity). Empty unless every part is a name of two
    or more words or such dotted letters, and there are two names or more: "Dr Tim O'Neill,
    Director, Education and Skills" and "Dawn Roberts, AD, Early Help" stay one person with a role."""
    people: list[Person] = []
    for part in (p.strip() for p in entry.split(",")):
        if not part:
            continue
        if POST_NOMINAL.fullmatch(part) and "." in part:
            # (dotted letters only: "Dawn Roberts, AD, Early Help" is one officer and her role)
            if not people:
                return []
            last = people[-1]
            last.capacity = f"{last.capacity}, {part}" if last.capacity else part
        elif _looks_like_name(part, min_words=2):
            people.append(_person(part, None, None))
        else:
            return []
    return people if len(people) >= 2 else []


# The person's name at the end of an entry that may open with a title or a role ("Mayor Kevin
# Byrne", "Inspector P. Byrnes", "Senior Executive Engineer G. O'Connor", "Dr. Pat Daly").
# (Possessive word runs: giving letters back never lets a space or the end match, and trying to
# made every start inside a long run of capitals cost some sixty steps.)
TRAILING_NAME = re.compile(
    r"(?P<name>(?:(?:[A-Z]\.\s?){1,3}|(?:[A-Z][a-z]{1,20}+\s))?(?:(?:O['’]\s?|Mc|Mac|Ní\s|Ó\s|Uí\s|de\s)?"
    r"[A-Z][\w'’\-]{1,30}+)(?:\s\([A-Z]{1,2}\.?\))?)\s*$")
HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|dr|prof|mx)\.?$", re.I)


def absent_people(entry: str) -> list[Person]:
    """People named in an apologies or absence list, each with any title or role printed before them.

    Such lists name members and, often, officials or partners by their role: "Councillor F. Foley
    and Senior Executive Engineer G. O'Connor", "Mayor Kevin Byrne, Cllr. Ciara McMahon",
    "Councillors Donegan, O'Donoghue". Each part is one person: the name is its last one to three
    capitalised words (initials included), the words before it are the role.
    """
    entry = COUNT_LEAD.sub("", INNER_TITLE.sub(", ", _clean(entry)), count=1)
    entry = SENTENCE_END.split(entry, maxsplit=1)[0].rstrip(".")  # "... and Imran Gulzar. Councillor X attended ..."
    if not entry or NONE_TEXT.match(entry):
        return []
    plural = PLURAL_TITLE.match(entry)
    if plural:
        entry = entry[plural.end():]
    people: list[Person] = []
    for part in (p.strip(" .") for p in split_list(entry)):
        part = BRACKETED.sub(lambda m: m.group(0) if INITIAL.fullmatch(m.group(1).strip()) else "", part).strip()
        if not part or not part[:1].isupper():
            continue
        if POST_NOMINAL.fullmatch(part) or part.isupper() and " " not in part or ORGANISATION.search(part):
            # "T.D.", "ADAPT", "Northfield Public Participation Network": the letters or body of the
            # person before, not a person
            if people and not people[-1].capacity:
                people[-1].capacity = part
                # a member's letters ("T.D.") leave them a councillor; a body's name does not
                people[-1].councillor = people[-1].councillor and bool(POST_NOMINAL.fullmatch(part))
            continue
        councillor = bool(plural) and not HONORIFIC_START.match(part) or bool(COUNCILLOR.match(part))
        part = COUNCILLOR.sub("", part)
        match = TRAILING_NAME.search(part)
        if not match:
            continue
        name = match.group("name").strip()
        role = part[: match.start()].strip(" ,")
        if role and HONORIFIC.match(role):
            role = ""
        first = name.split()[0]
        if ROLE_WORDS.fullmatch(first) or HONORIFIC.match(first):  # "Mayor Byrne": role, then name
            role = role if HONORIFIC.match(first) else f"{role} {first}".strip()
            name = name[len(first):].strip()
        if name and ROLE_WORDS.search(name) and not role and people and not people[-1].capacity:
            people[-1].capacity = name  # "Mr A. Name, Independent Member": the role of the person before
        elif name and not ROLE_WORDS.fullmatch(name):
            people.append(Person(name, councillor, role or None, None))
    return people


def _entries(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped into entries: a blank line or a list label starts a new entry."""
    entries: list[list[Line]] = []
    current: list[Line] = []
    after_label = False
    for line in lines:
        if line.kind == "blank":
            if current:
                entries.append(current)
            current, after_label = [], False
            continue
        if line.kind != "text":
            continue
        is_label = bool(ATTENDANCE_LABEL.match(line.content))
        if (is_label or after_label) and current:
            entries.append(current)
            current = []
        current.append(line)
        after_label = is_label and not ATTENDANCE_LABEL.match(line.content).group("rest")
    if current:
        entries.append(current)
    return entries


def _attendance_block(parsed: ParsedDocument, lines: list[Line], common: dict,
                      conventions: Conventions) -> list[AttendanceRecord]:
    """The attendance lists before the first item of a set of minutes (``ingest.attendance``)."""
    out: list[AttendanceRecord] = []
    titles = conventions.words_of("chair_title")
    for section in find_sections(lines, conventions):
        provenance = _provenance(parsed, section.lines or [l for l in lines if l.number == section.line])
        for text in entry_texts(section):
            if section.role == "apologies":
                text = APOLOGIES_LEAD.sub("", text) if text.lower().startswith("apolog") else text
            people = officials(text) if section.role == "officials" else []
            if people:
                found = [Person(name, False, role, None) for name, role in people]
            elif section.role in ("apologies", "absent"):
                found = absent_people(text)
            elif section.role in STAFF_ROLES and (led := _role_led(text)):
                found = led
            elif section.role in STAFF_ROLES:
                found = [person for part in staff_parts(text)
                         for person in parse_people(part, single=True, titles=titles)
                         if _looks_like_name(person.name)]
            else:
                found = parse_people(text, single=True, titles=titles)
            members = section.role == "present" and bool(MEMBERS_LABEL.match(section.label))
            for person in found:
                # Under "Members Present:" a name without "Mr"/"Ms" is a member's ("D. Naughton, M.C.C.").
                councillor = person.councillor or members and not HONORIFIC_START.match(person.name)
                out.append(AttendanceRecord(
                    **common, role=section.role, name=person.name, councillor=councillor,
                    capacity=person.capacity, group=person.group, interest=None, **provenance,
                ))
    return out


def _attendance_table(parsed: ParsedDocument, lines: list[Line], common: dict,
                      conventions: Conventions) -> list[AttendanceRecord]:
    """An attendance table of a web page ("Councillor Sophie Quirke | Committee Member | Apologies"):
    a row whose last cell is an attendance value of the conventions (kind ``attendance_value``)."""
    out: list[AttendanceRecord] = []
    for line in lines:
        cells = [c.strip() for c in line.content.strip("| ").split(" | ")] if " | " in line.content else []
        if len(cells) < 2 or len(cells[0]) > 80:
            continue
        found = conventions.first("attendance_value", cells[-1].lower()[:MAX_LABEL_LINE])
        if not found or not found[1].group(0) == cells[-1].lower():
            continue
        capacity = cells[1] if len(cells) > 2 else None
        lead = LEAD_TITLE.match(cells[0])
        lead = lead if lead and lead.group("title").lower() not in _HONORIFICS else None
        if lead:  # "Chair Terrence Adeyemi | Present": the title is the capacity
            capacity = capacity or lead.group("title")
        person = _person(cells[0][lead.end():] if lead else cells[0], capacity, None, councillor=bool(lead))
        # "Howard Tsai | Mayor Pro Tem | Present": a member's title in the capacity cell
        person.councillor = person.councillor or bool(capacity and LEAD_TITLE.match(f"{capacity} X"))
        if not person.name or not _looks_like_name(person.name):
            continue
        out.append(AttendanceRecord(
            **common, role=found[0].option("role"), name=person.name, councillor=person.councillor,
            capacity=person.capacity, group=None, interest=None, **_provenance(parsed, [line]),
        ))
    return out


def _apologies(parsed: ParsedDocument, span: list[Line], common: dict) -> list[AttendanceRecord]:
    out: list[AttendanceRecord] = []
    body = [line for line in span if line.kind in ("text", "blank")]
    for entry in _entries(body):
        text = _clean(" ".join(line.text.strip() for line in entry))
        text = APOLOGIES_LEAD.sub("", text) if text.lower().startswith("apolog") else text
        sentence = APOLOGY_OF.search(text)
        for person in absent_people(sentence.group("who")) if sentence else parse_people(text):
            out.append(AttendanceRecord(
                **common, role="apologies", name=person.name, councillor=person.councillor,
                capacity=person.capacity, group=person.group, interest=None,
                **_provenance(parsed, span),
            ))
    return out


def _declarations(parsed: ParsedDocument, block: Block, common: dict) -> list[AttendanceRecord]:
    out: list[AttendanceRecord] = []
    if "declared" not in block.text:
        return out
    for sentence in split_paragraph(_clean(block.text)):
        match = DECLARED.match(sentence)
        if not match:
            continue
        who = match.group("who")
        names = [p for p in re.split(r",\s*|(?<!\s)\s+and\s+", COUNCILLOR.sub("", who)) if p.strip()]
        if not names or not all(_looks_like_name(n) for n in names):
            continue
        councillor = bool(COUNCILLOR.match(who))
        for name in names:
            out.append(AttendanceRecord(
                **common, role="declaration", name=name.strip(), councillor=councillor,
                capacity=None, group=None, interest=match.group("interest").strip(),
                **_block_provenance(parsed, block),
            ))
    return out


# -- agendas ---------------------------------------------------------------------------------------

# (the time keeps its "pm": "at 5.00pm" is 17:00)
AGENDA_WHEN = re.compile(rf"{DAY_MONTH_YEAR.pattern}\s*(?:,?\s*at\s+(?P<time>\d{{1,2}}[:.]\d{{2}}"
                         rf"\s*(?:hours|hrs|am|pm)?))?", re.I)
AGENDA_MARK = re.compile(r"^(a g e n d a|agenda)$", re.I)


def _agenda(parsed: ParsedDocument, records: Records) -> None:
    """The meeting an agenda announces (date, time, venue) and its numbered items."""
    doc = parsed.document
    texts = _text_lines(parsed.lines)
    when_index = next((i for i, line in enumerate(texts[:20]) if AGENDA_WHEN.search(line.content)), None)
    facts = parsed.meeting
    if when_index is None or (facts is not None and facts.date):
        if facts is not None and (facts.date or doc.meeting_date):
            used = [line for line in texts if facts.line and line.number >= facts.line][:6] or texts[:6]
            records.meetings.append(MeetingRecord(
                committee=doc.committee, meeting_date=facts.date or doc.meeting_date,
                committee_printed=doc.committee_printed, time=facts.time, venue=facts.venue,
                online=facts.online, ended=None, record="agenda", pack_date=doc.pack_date,
                **_provenance(parsed, used, text="\n".join(line.text.strip() for line in used)),
            ))
        return
    when = AGENDA_WHEN.search(texts[when_index].content)
    venue_lines: list[str] = []
    for line in texts[when_index + 1: when_index + 5]:
        content = line.content
        if AGENDA_MARK.match(content) or AGENDA_ITEM.match(content):
            break
        venue_lines.append(content)
    venue = re.sub(r"^in\s+", "", " ".join(venue_lines), flags=re.I).strip() or None
    used = texts[max(0, when_index - 6): when_index + 1 + len(venue_lines)]
    common = {"committee": doc.committee, "meeting_date": first_date(when.group(0))}
    records.meetings.append(MeetingRecord(
        **common, committee_printed=doc.committee_printed,
        time=clock(when.group("time")) if when.group("time") else None, venue=venue,
        online=bool(venue and ONLINE.search(venue)), ended=None, record="agenda",
        **_provenance(parsed, used, text="\n".join(line.text.strip() for line in used)),
    ))
    by_number = {line.content: line for line in texts}
    for item in parsed.agenda_items:
        line = next((l for c, l in by_number.items()
                     if (m := AGENDA_ITEM.match(c)) and m.group(1) == item.number), None)
        if line is None:
            continue
        records.items.append(ItemRecord(**common, number=item.number, item_title=item.title,
                                        record="agenda",
                                        **_provenance(parsed, [line], text=line.text.strip())))


# -- action trackers -------------------------------------------------------------------------------

# "17 Jul 2020 SEND Home to School", "16 Sep" (the year on the next line), "18.11.20 ..."
ROW_DATE = re.compile(rf"^(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{MONTH_RE})\.?"
                      rf"(?:\s+(?P<year>(?:19|20)\d\d))?\b\s*(?P<rest>.*)$", re.I)
NUMERIC_ROW_DATE = re.compile(
    r"^(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{2}|\d{4})\b\s*(?P<rest>.*)$")
YEAR_LINE = re.compile(r"^(?P<year>(?:19|20)\d\d)\b\s*(?P<rest>.*)$")
COLUMN_HEADER = re.compile(r"^date\b.*\baction\b", re.I)
SMALL_WORDS = {"to", "and", "of", "on", "in", "for", "the", "a", "an", "at", "by", "with", "from",
               "&", "-", "–"}
# Update-column wording: what was done about an action ("E-mailed Members ...", "Letter sent on",
# "Members e-mailed ...", "Held this on", "Programmed for ...", "Marie Dobson to action").
STATUS_VERBS = ("e-mailed", "emailed", "sent", "held", "programmed", "scheduled", "completed",
                "circulated", "received", "provided", "done", "closed", "noted", "answered",
                "arranged", "published", "shared", "forwarded", "presented")
_STATUS = "|".join(verb.replace("-", "-?") for verb in STATUS_VERBS)
UPDATE_OPENER = re.compile(rf"^\W*(?i:{_STATUS})\b|^\W*+(?:\S+\s+){{1,2}}(?:{_STATUS})\b|"
                           r"^\W*(?i:as (?:at|of))\b|\b(?i:to action)\b")
# Where, inside a cell's first line, the update column starts after the action column: at a
# capitalised status verb ("SEND Dashboard E-mailed Members ...") or a new sentence ("... to be
# provided. The Chief Executive has commissioned ...").
UPDATE_IN_LINE = re.compile(
    r"(?<!\s)\s+(?=(?:" + "|".join(v[0].upper() + v[1:].replace("-", "-?") for v in STATUS_VERBS) + r")\b)"
    r"|(?<=[.?])\s+(?=[A-Z])")
# Action-column wording: a request ("A report on ...", "Details on ...", "What portion ...").
ACTION_OPENER = re.compile(
    r"^\W*(?:an?|information|details?|confirmation|clarity|updates?|regular updates?|timeline|"
    r"the number|the presentation|what|which|how|whether|why|when|who)\b", re.I)
# ... or "<subject of at most five words> to <verb> / will / requested / undertook" with no finite
# verb before it ("Officers to check", "Alan Michell to be invited", "The Chair requested").
ACTION_SUBJECT = re.compile(
    r"^\W*(?!(?:as|in|at|on|for|with|from|of|by|if|when|while)\b)(?=[A-Za-z])"
    r"(?P<subject>(?:\S+\s+){1,5}?)"
    r"(?:to\s+(?!this\b)\w+|will\b|shall\b|be\s+\w+ed\b|requested\b|undertook\b|agreed to\b|asked\b)",
    re.I)
FINITE_VERB = re.compile(r"\b(is|are|was|were|has|have|had|do|does|did|can|cannot)\b", re.I)
# A cell that carries on the one above: lower-case start, a bullet, or a linking phrase.
CONTINUATION = re.compile(
    rf"^(?:[a-z]|[{re.escape(BULLET_GLYPHS)}]\s|(?i:to this end|this|these|also|however|"
    r"in addition|further(?:more)?|therefore)\b)")
# An update that says the action is finished opens with a delivery verb.
DONE = re.compile(r"^\W*+(?:\S+\s+){0,2}(?:e-?mailed|emailed|sent|held|completed|done|closed|"
                  r"circulated|provided|received|answered|noted)\b", re.I)


def action_status(update: str) -> str:
    """The status of a tracker row, by a stated rule.

    "open" when there is no update; "done" when the update opens (within its first three words)
    with a delivery verb: e-mailed, sent, held, completed, done, closed, circulated, provided,
    received, answered, noted; otherwise "in progress" (work reported or a date programmed, but
    nothing delivered). Outstanding actions are the open and in-progress ones.
    """
    if not update.strip():
        return "open"
    return "done" if DONE.match(update) else "in progress"


def _is_title_words(text: str) -> bool:
    """A line of an item title: at most ten words, each capitalised except small joining words."""
    words = text.split()
    return bool(words) and len(words) <= 10 and not re.search(r"[.:;?!]$", text) and all(
        w.lower() in SMALL_WORDS or w[:1].isupper() or w[:1].isdigit() for w in words)


def _split_title_prefix(text: str) -> tuple[str, str]:
    """"SEND WSOA Update Scrutiny to be kept..." -> ("SEND WSOA Update", "Scrutiny to be kept...").

    The action starts at the capitalised word before the first lower-case word that is not a
    small joining word; the item title is what comes before it.
    """
    words = text.split()
    for i, word in enumerate(words):
        if word[:1].islower() and word.lower() not in SMALL_WORDS:
            j = i - 1
            while j > 0 and words[j].lower() in SMALL_WORDS:
                j -= 1
            return " ".join(words[:j]), " ".join(words[j:])
    return text, ""


# A cell without a finite verb and at most this many words is a request ("WSoA Action Plan and
# Progress"); longer verbless cells are lists of figures reported back.
NOUN_PHRASE_WORDS = 15


def _classify(text: str) -> str:
    """The column of a cell of a flattened tracker: "continue" (the cell above), "update", "action"."""
    if CONTINUATION.match(text):
        return "continue"
    if UPDATE_OPENER.search(text):
        return "update"
    if ACTION_OPENER.match(text):
        return "action"
    subject = ACTION_SUBJECT.match(text)
    if subject and not FINITE_VERB.search(subject.group("subject")):
        return "action"
    if not FINITE_VERB.search(text) and len(text.split()) <= NOUN_PHRASE_WORDS:
        return "action"  # a short noun phrase names what was asked for ("SEND Dashboard")
    return "update"


def _split_update(text: str) -> tuple[str, str]:
    """An action and its update on one line, split where the request ends and the report begins."""
    for match in UPDATE_IN_LINE.finditer(text):
        left, right = text[: match.start()].strip(), text[match.end():].strip()
        if left and right and _classify(right) == "update" and _classify(left) == "action":
            return left, right
    return text, ""


@dataclass
class _Tracker:
    """The state of reading a flattened tracker: the current date group, item and rows so far."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    date: str | None = None
    item: str | None = None
    in_item: bool = False
    pending: tuple[str, str] | None = None  # (day, month) of a date whose year is on the next line
    last: str | None = None  # the column of the last cell

    def open_group(self, match: re.Match) -> None:
        self.item, self.in_item, self.last, self.pending = None, True, None, None
        if match.re is NUMERIC_ROW_DATE:
            year = int(match["year"])
            self.date = iso_date(year + 2000 if year < 100 else year, int(match["month"]), int(match["day"]))
        elif match["year"]:
            self.date = first_date(f"{match['day']} {match['month']} {match['year']}")
        else:
            self.date, self.pending = None, (match["day"], match["month"])

    def cell(self, kind: str, text: str, lines: list[Line]) -> None:
        text = text.strip()
        if not text:
            return
        if kind == "continue":
            kind = self.last or "action"
            if self.rows:
                self.rows[-1][kind] = _join(self.rows[-1][kind], text)
                self.rows[-1]["lines"].extend(lines)
                return
        if kind == "action" or not self.rows:
            self.rows.append({"date": self.date, "item": self.item, "action": "", "update": "",
                              "lines": []})
        self.rows[-1][kind] = _join(self.rows[-1][kind], text)
        self.rows[-1]["lines"].extend(lines)
        self.last = kind

    def emit(self, texts: list[str], lines: list[Line]) -> None:
        """One cell (a paragraph), whose first line may hold an action and the start of its update."""
        left, right = _split_update(texts[0])
        if right:
            self.cell("action", left, lines[:1])
            self.cell("update", _join_lines([right, *texts[1:]]), lines)
            return
        text = _join_lines(texts)
        self.cell(_classify(text), text, lines)


def _tracker_rows(parsed: ParsedDocument) -> list[ActionRecord]:
    """Rows of a Date / Agenda Item / Action / Update table that PDF extraction flattened.

    The columns arrive as lines with blank lines between cells. A row date ("17 Jul 2020", or
    "16 Sep" with the year on the next line) at the start of a paragraph opens a group; the
    title-case lines after it are the agenda item. The cells that follow are read in order: a cell
    is an action when it reads as a request (``ACTION_OPENER``, ``ACTION_SUBJECT``), an update when
    it reports (``UPDATE_OPENER``, or a statement with a finite verb), and it carries on the cell
    above when it starts in lower case, with a bullet or a linking phrase. An update belongs to
    the latest action. Repeated page headers and stamps were set aside by cleaning.
    """
    doc = parsed.document
    lines = [line for line in parsed.lines if line.kind in ("text", "blank")]
    header = next((i for i, line in enumerate(lines)
                   if line.kind == "text" and COLUMN_HEADER.match(line.content)), None)
    if header is None:
        return []
    tracker = _Tracker()
    for paragraph in _paragraphs(lines[header + 1:]):
        cell_texts: list[str] = []
        cell_lines: list[Line] = []
        for position, line in enumerate(paragraph):
            text = fold_quotes(line.content)
            if tracker.pending and (year := YEAR_LINE.match(text)):
                day, month = tracker.pending
                tracker.date, tracker.pending = first_date(f"{day} {month} {year['year']}"), None
                text = year["rest"]
            elif position == 0 and (date := ROW_DATE.match(text) or NUMERIC_ROW_DATE.match(text)):
                tracker.open_group(date)
                text = date["rest"]
            if not text:
                continue
            if tracker.in_item:
                left, right = _split_update(text)
                if right:
                    tracker.in_item = False
                    tracker.cell("action", left, [line])
                    tracker.cell("update", right, [line])
                    continue
                if _is_title_words(text):
                    tracker.item = _join(tracker.item or "", text)
                    continue
                title, text = _split_title_prefix(text)
                tracker.item = _join(tracker.item or "", title) or None
                tracker.in_item = False
                if not text:
                    continue
            cell_texts.append(text)
            cell_lines.append(line)
        if cell_texts:
            tracker.emit(cell_texts, cell_lines)
    return [
        ActionRecord(
            committee=doc.committee, meeting_date=row["date"], item=row["item"],
            action=row["action"], update=row["update"], status=action_status(row["update"]),
            tracker_date=doc.meeting_date,
            **_provenance(parsed, row["lines"], text=_join(row["action"], row["update"], "\n")),
        )
        for row in tracker.rows
    ]


def _paragraphs(lines: list[Line]) -> list[list[Line]]:
    out: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.kind == "blank":
            if current:
                out.append(current)
            current = []
        else:
            current.append(line)
    if current:
        out.append(current)
    return out


def _join_lines(texts: list[str]) -> str:
    """Wrapped lines as one text; a compound split at a line end keeps its hyphen ("self-assessments")."""
    parts: list[str] = []
    for text in texts:
        if not text:
            continue
        if parts and not (ends_with_wrapped_compound(parts[-1]) and text[:1].islower()):
            parts.append(" ")
        parts.append(text)
    return "".join(parts).strip()


def _join(first: str, second: str, sep: str = " ") -> str:
    return f"{first}{sep}{second}".strip() if first and second else (first or second)
