"""Which body and which meeting a document belongs to, by the conventions of committee papers.

Evidence, strongest first:

1. the document's own heading ("MINUTES OF PROCEEDINGS AT MEETING OF X HELD IN ... ON <date>",
   "Minutes of the Planning Committee held on ...", "CABINET - 8 February 2023") or, for an
   agenda, its notice ("You are requested to attend a Meeting of X to be held ... on <date>");
2. what the structure rules found (a council header over a committee name, a minutes line);
3. the file's name ("Minutes - Monthly Meeting of X - 2nd February 2022");
4. the folder's portal sidecar (a README naming the meeting and its date) and the folder's name.

Minutes record the meeting named in their heading, not the meeting whose pack or folder carries
them: a folder's date is the pack date and never becomes a set of minutes' meeting date. Where no
evidence names a body or a date it stays unknown (None): a guess is never presented as fact.
Every finding names the rule and the line behind it (``Finding``), for ``minutes ingest --explain``.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.committees import canonical_committee
from ingest.conventions import Conventions, load_conventions
from ingest.structure import ParsedDocument, document_title
from minutes_core.text.dates import first_date
from minutes_core.text.normalise import fold_quotes, strip_markup

# A heading is read from at most this many characters of a document's first lines.
HEADING_CHARS = 700
HEADING_LINES = 40  # a heading exploded one word a line still fits
# A title block (council, body, "Minutes", date) sits in a document's first lines.
TITLE_BLOCK_LINES = 10
# An agenda's notice sits in its first paragraphs (after an address block and a date).
NOTICE_LINES = 80
SIDECAR_NAMES = ("README.md", "README.txt", "readme.md", "index.md")
SIDECAR_LINES = 40
# OCR of ordinal suffixes: "21°" JULY", "24™ JUNE", "13TH" -> "21 JULY".
OCR_ORDINAL = re.compile(r"(\b\d{1,2})\s*(?:[°º™]+\S?|\"|”)(?=\s)")
KIND_WORDS = re.compile(
    r"^(?:(?:monthly|special|annual|ordinary|extraordinary|budget|adjourned|statutory|inaugural|"
    r"regular|full|online|virtual|remote|draft|emergency|public)\s+)+(?:meeting\s+of\s+(?:the\s+)?)?",
    re.I)
# "MINUTES OF PROCEEDINGS AT <kind> MEETING OF X": "proceedings at/of" is the heading's wording.
PROCEEDINGS = re.compile(r"^proceedings\s+(?:at|of)\s+(?:(?:the|an?)\s+)?", re.I)
LEADING_MEETING = re.compile(r"^(?:[\w\-]+\s+){0,4}?meeting\s*(?:\([^()]{1,40}\)\s*)?(?:of\s+(?:the\s+)?|[-–—]\s+)", re.I)
MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+")
# A kind of meeting printed after the body's name: "X SHIRE COUNCIL ORDINARY COUNCIL MEETING",
# "X Council Extraordinary Meeting": the body is the name before it. (At most four kind words, each
# run of spaces taken from its start: a name of repeated kind words is not rescanned from each.)
TRAILING_KIND = re.compile(
    r"(?<!\s)\s++(?:(?:monthly|special|annual|ordinary|extraordinary|budget|adjourned|statutory|inaugural|"
    r"regular|full|emergency)\s++){1,4}+(?:council\s+|committee\s+|general\s+)?meeting$", re.I)
# Nouns that end the name of a body (a council, its committees, districts and boards).
BODY_NOUN = re.compile(r"\b(?:committee|sub-?committee|council|cabinet|board|panel|forum|assembly|"
                       r"commission|authority|executive|district|group|spc|jpc)\b", re.I)
BODY_MEETING_OF = re.compile(r"^(?P<body>.{3,120}?\b(?:committee|sub-?committee|board|panel|forum|group))"
                             r"\s+meeting\s+of\s+(?P<the>the\s+)?", re.I)
# Where a heading's body name stops: the first line that is a label, not a heading.
HEADING_STOP = re.compile(r"^\W*(?:present|members\s+present|in\s+the\s+chair|apolog|attendance|"
                          r"officials|1\s*\.|item\s+1\b)", re.I)


@dataclass
class Finding:
    """One thing detected, and why: the rule (``name (file:line)``) and the line of the paper."""

    what: str
    value: str | None
    rule: str
    line: int | None = None


@dataclass
class MeetingFacts:
    """What a heading, notice, file name or sidecar says about a meeting."""

    body: str | None = None
    date: str | None = None
    time: str | None = None
    venue: str | None = None
    kind: str | None = None
    online: bool = False
    doc: str | None = None
    rule: str = ""
    line: int | None = None


@dataclass
class FolderContext:
    """A file's surroundings: the portal sidecar of its folder and the names of file and folder."""

    meeting_name: str | None = None
    meeting_date: str | None = None
    sidecar: str | None = None
    findings: list[Finding] = field(default_factory=list)


def tidy(text: str) -> str:
    """Markup stripped (a Markdown heading's marks too), quotes folded, OCR ordinals mended, spaces
    collapsed: what rules read."""
    text = fold_quotes(strip_markup(MARKDOWN_HEADING.sub("", text))).replace("_", " ").replace("\u00a0", " ")
    text = OCR_ORDINAL.sub(r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


# A city's (county's, town's) name printed before its body: "CITY OF X - CITY COUNCIL", "City of X
# City Council", "County of X, Board of Supervisors": the body is what follows.
JURISDICTION = re.compile(r"^(city|county|town|village|borough|township)\s+of\s+[^\s,\-–—]+(?:\s+[^\s,\-–—]+)?"
                          r"(?:\s*,\s*[^\s,\-–—]+)?(?:\s*[-–—,]\s*|\s+(?=\1\b))", re.I)


def clean_body(name: str | None) -> str | None:
    """A body as printed, without a meeting's kind words or trailing punctuation."""
    if not name:
        return None
    name = tidy(name).strip(" ,.;:-–—")
    if (jurisdiction := JURISDICTION.match(name)) and BODY_NOUN.search(name[jurisdiction.end():]):
        name = name[jurisdiction.end():]
    name = PROCEEDINGS.sub("", name)
    name = KIND_WORDS.sub("", name)
    # A heading that restarts as a sentence ("... DEVELOPMENT SPC A meeting of X was held"): the
    # name is what came before.
    name = re.split(r"(?<!\s)\s+(?:an?|the)\s++meeting\s++of\s+", name, maxsplit=1, flags=re.I)[0]
    if BODY_MEETING_OF.match(name):
        # "Joint Policing Sub Committee Meeting of the Municipal District of X": a body of a body.
        name = BODY_MEETING_OF.sub(r"\g<body> of \g<the>", name)
    else:
        # "Special Meeting (Quorum Only) of X", "Draft Budgetary Plan Meeting - X": the body follows.
        name = LEADING_MEETING.sub("", name)
    name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I).strip(" ,.;:-–—")
    if (kind := TRAILING_KIND.search(name)) and BODY_NOUN.search(name[:kind.start()].rsplit(None, 1)[-1]):
        name = name[:kind.start()]
    if re.search(r"\bmeeting$", name, re.I) and not BODY_NOUN.search(name):
        return None  # "Draft Budgetary Plan Meeting": a kind of meeting, no body named
    name = re.sub(r"(?<!\s)\s+meeting$", "", name, flags=re.I)
    return name if len(name) >= 3 and any(c.isalpha() for c in name) else None


def _facts(rule, match: re.Match, conventions: Conventions, line: int | None) -> MeetingFacts:
    groups = match.groupdict()
    rest = groups.get("rest") or ""
    body = groups.get("body")
    if groups.get("of"):
        body = f"{body} of {groups['of']}"
    facts = MeetingFacts(body=clean_body(body), kind=(groups.get("kind") or "").strip().lower() or None,
                         doc=(groups.get("doc") or "").strip().lower() or None, rule=rule.origin,
                         line=line)
    facts.date = first_date(groups.get("date") or rest) or first_date(rest[:200], numeric=False)
    if venue := conventions.first("venue", match.group(0)):
        facts.venue = venue[1].group("venue").strip(" ,.")
    if time := conventions.first("time", rest[:200]):
        facts.time = clock(time[1].group("time"))
    facts.online = bool(conventions.first("online", match.group(0)[:HEADING_CHARS]))
    return facts


def clock(raw: str) -> str | None:
    """"3.00 P.M." -> "15:00"; "10:00 a.m." -> "10:00"; "1000 hours" -> "10:00"; "2PM" -> "14:00"."""
    text = raw.lower().replace(" ", "")
    if "noon" in text:
        return "12:00"
    digits = re.match(r"(\d{1,4})(?:[.:](\d{2}))?", text)
    if not digits:
        return None
    hours, minutes = digits.group(1), digits.group(2)
    if minutes is None and len(hours) >= 3:
        hours, minutes = hours[:-2], hours[-2:]
    hour, minute = int(hours), int(minutes or 0)
    if re.search(r"p\.?m", text) and hour < 12:
        hour += 12
    if re.search(r"a\.?m", text) and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


def heading_facts(parsed: ParsedDocument, conventions: Conventions) -> MeetingFacts | None:
    """The meeting a document's heading (or, failing that, its notice of meeting) names."""
    texts = [line for line in parsed.lines if line.kind == "text"]
    heading: list[str] = []
    for line in texts[:HEADING_LINES]:
        content = tidy(line.content)
        if heading and HEADING_STOP.match(content):
            break
        heading.append(content)
        if sum(len(h) for h in heading) > HEADING_CHARS:
            break
    for start in range(min(4, len(heading))):  # a heading may sit under a logo line or a page number
        text = " ".join(heading[start:])[:HEADING_CHARS]
        if found := conventions.first("meeting_heading", text):
            facts = _facts(*found, conventions, texts[start].number)
            if facts.body:
                return _body_named_above(facts, heading[:start])
    for start in range(min(TITLE_BLOCK_LINES, len(heading))):  # a title block, one line a part
        text = " | ".join(heading[start:start + 4])[:HEADING_CHARS]
        if found := conventions.first("title_block", text):
            facts = _facts(*found, conventions, texts[start].number)
            if facts.body:
                return facts
    paragraph: list[str] = []
    first_line = None
    for line in texts[:NOTICE_LINES] + [None]:
        content = tidy(line.content) if line is not None else ""
        if line is not None and paragraph and len(" ".join(paragraph)) < HEADING_CHARS \
                and not re.search(r"[.:]$", paragraph[-1]):
            paragraph.append(content)
            continue
        if paragraph:
            text = " ".join(paragraph)[:HEADING_CHARS]
            if found := conventions.first("meeting_notice", text):
                facts = _facts(*found, conventions, first_line)
                if facts.body:
                    return facts
        paragraph, first_line = ([content], line.number) if line is not None else ([], None)
    return None


def _body_named_above(facts: MeetingFacts, above: list[str]) -> MeetingFacts:
    """A heading that names only a kind of meeting of a bare "Council" ("# X Shire Council" over
    "## Minutes of the Ordinary Council Meeting"): the body is the name on the line above, when
    that name ends with the same noun."""
    noun = (facts.body or "").lower()
    if BODY_NOUN.fullmatch(noun) and above:
        named = clean_body(above[-1])
        if named and named.lower().endswith(" " + noun) and len(named) <= 120:
            facts.body = named
    return facts


def name_facts(name: str, conventions: Conventions) -> MeetingFacts | None:
    """What a file or folder name says: "Minutes - Monthly Meeting of X - 2nd February 2022"."""
    text = tidy(Path(name).stem if "." in name[-6:] else name)
    text = re.sub(r"(?:(?<!\s)\s++)?[-–]\s*+[-–]\s*", " - ", text)
    found = conventions.first("file_name", text[:300])
    if not found:
        return None
    facts = _facts(*found, conventions, None)
    return facts if facts.body else None


def is_portal_sidecar(path: str | os.PathLike, conventions: Conventions) -> bool:
    """A folder's README written by a portal scraper: it names the meeting and its date, nothing more.

    Such a file is the folder's metadata, not a council paper (like ``NAME.meta.json``).
    """
    path = Path(path)
    if path.name not in SIDECAR_NAMES:
        return False
    fields = _sidecar_fields(str(path), _mtime(path))
    return "meeting_name" in fields and "meeting_date" in fields


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


@functools.lru_cache(maxsize=256)
def _sidecar_fields(path: str, mtime: float, extra_file: str = "") -> dict[str, tuple[str, str, int]]:
    conventions = load_conventions(extra_file)
    fields: dict[str, tuple[str, str, int]] = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = [next(handle, "") for _ in range(SIDECAR_LINES)]
    except OSError:
        return fields
    for number, raw in enumerate(lines, start=1):
        text = fold_quotes(raw.strip())[:300]
        for rule in conventions.of("sidecar_field"):
            key = rule.option("field")
            if key not in fields and (match := rule.search(text)):
                fields[key] = (match.group("value").strip(" *"), rule.origin, number)
    return fields


def folder_context(path: str | os.PathLike, conventions_file: str = "") -> FolderContext:
    """The meeting a file's folder stands for: its portal sidecar, else the folder's name."""
    folder = Path(path).parent
    context = FolderContext()
    for name in SIDECAR_NAMES:
        candidate = folder / name
        if candidate.is_file() and candidate != Path(path):
            fields = _sidecar_fields(str(candidate), _mtime(candidate), conventions_file)
            if "meeting_name" in fields or "meeting_date" in fields:
                context.sidecar = str(candidate)
                if "meeting_name" in fields:
                    value, rule, line = fields["meeting_name"]
                    context.meeting_name = value
                    context.findings.append(Finding("folder meeting", value, rule, line))
                if "meeting_date" in fields:
                    value, rule, line = fields["meeting_date"]
                    context.meeting_date = value
                    context.findings.append(Finding("folder date", value, rule, line))
                break
    if context.meeting_name is None:
        facts = name_facts(folder.name, load_conventions(conventions_file))
        if facts:
            context.meeting_name = facts.body
            context.findings.append(Finding("folder meeting", facts.body, facts.rule))
    return context


def describe_meetings(parsed: list[ParsedDocument], path: str, conventions: Conventions,
                      aliases_file: str = "", conventions_file: str = "",
                      sidecar_overrides: dict | None = None) -> list[list[Finding]]:
    """Fill each document's body and meeting from the conventions; the findings per document.

    Runs after the structure rules. A heading convention names the body and date explicitly, so
    it replaces what the structure rules guessed; the file name and the folder only fill gaps.
    A ``NAME.meta.json`` sidecar (``sidecar_overrides``) still beats everything.
    """
    overrides = sidecar_overrides or {}
    context = folder_context(path, conventions_file)
    from_name = name_facts(Path(path).name, conventions)
    single = len(parsed) == 1
    all_findings: list[list[Finding]] = []
    for p in parsed:
        doc = p.document
        detected_type = doc.doc_type
        findings: list[Finding] = list(context.findings)
        heading = heading_facts(p, conventions)
        if heading is not None:
            findings.append(Finding("heading body", heading.body, heading.rule, heading.line))
            if "notice" in heading.rule or "attend" in heading.rule:
                if doc.doc_type in ("letter", "report", "pdf_outline") and _mentions_agenda(p):
                    doc.doc_type = "agenda"
                    findings.append(Finding("doc_type", "agenda", heading.rule, heading.line))
            elif doc.doc_type in ("report", "letter", "pdf_outline", "agenda") and (
                    heading.rule.startswith("minutes-of") or "minute" in (heading.doc or "")):
                doc.doc_type = "minutes"
                findings.append(Finding("doc_type", "minutes", heading.rule, heading.line))
        if single and from_name and from_name.doc and doc.doc_type in ("report", "letter", "pdf_outline"):
            kind = "minutes" if "minutes" in from_name.doc else "agenda" if "agenda" in from_name.doc else None
            if kind:
                doc.doc_type = kind
                findings.append(Finding("doc_type", kind, from_name.rule))
        doc.indexable = True if doc.doc_type != "pdf_outline" else doc.indexable
        if heading is not None and heading.body and "committee" not in overrides:
            doc.committee_printed = heading.body
        elif not doc.committee_printed and single and from_name and from_name.body:
            doc.committee_printed = from_name.body
            findings.append(Finding("file-name body", from_name.body, from_name.rule))
        elif not doc.committee_printed and context.meeting_name:
            doc.committee_printed = clean_body(context.meeting_name)
        if "committee" not in overrides:
            doc.committee = canonical_committee(doc.committee_printed, aliases_file)
        findings.append(Finding("body", doc.committee, f"printed {doc.committee_printed!r}"))
        # Dates: the heading's meeting; minutes never take the pack's (folder's) date.
        if heading is not None and heading.date and "meeting_date" not in overrides:
            doc.meeting_date = heading.date
            findings.append(Finding("meeting date", heading.date, heading.rule, heading.line))
        elif doc.meeting_date is None and single and from_name and from_name.date:
            same_kind = (from_name.doc or "").split()[-1:] == [doc.doc_type] or not from_name.doc
            if same_kind or doc.doc_type in ("minutes", "agenda"):
                doc.meeting_date = from_name.date
                findings.append(Finding("meeting date", from_name.date, from_name.rule))
        if doc.meeting_date is None and doc.doc_type != "minutes" and context.meeting_date:
            doc.meeting_date = context.meeting_date
            findings.append(Finding("meeting date", context.meeting_date, "folder sidecar"))
        if context.meeting_date and doc.pack_date is None and doc.meeting_date != context.meeting_date:
            doc.pack_date = context.meeting_date
        if doc.doc_type != detected_type and not (overrides.get("title") or overrides.get("html_title")):
            doc.title = document_title(doc.doc_type, p.lines, doc.meeting_date)
        p.meeting = heading
        all_findings.append(findings)
    return all_findings


def _mentions_agenda(p: ParsedDocument) -> bool:
    return any(re.search(r"\bagenda\b", line.content, re.I) for line in p.lines[:400] if line.kind == "text")
