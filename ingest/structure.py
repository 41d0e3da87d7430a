"""Structure by general rules: sub-documents of a pack, their type, dates, committee and item.

An agenda pack is one file holding an agenda, minutes of an earlier meeting, reports, letters and
a work programme, with no reliable page breaks. Documents are found where a page or a block opens
with what papers open with: a council-name header over a committee name, "Report of/to/for", a
title naming a kind of paper ("Action Notes", "Work Programme", "Annual Report", "Foreword"), a
dated letter that reaches "Dear ..." within a few lines. Each signal scores; a boundary needs a
score of 3 (``BOUNDARY_SCORE``). Agenda items come from the agenda itself (its headings and page
ranges), then "Item N" stamps, page numbers and title overlap assign each document to an item,
never going backwards through the pack. Nothing here knows any particular council's files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ingest.clean import COUNCIL_HEADER, TERMINAL, Line
from ingest.committees import COMMITTEE_NAME, canonical_committee, find_committee
from ingest.conventions import load_conventions
from minutes_core.text.dates import DAY_MONTH_YEAR, first_date, human_date, meeting_line_date
from ingest.models import Document
from minutes_core.text.normalise import fold_quotes, strip_markup

BOUNDARY_SCORE = 3
# Signals closer than this many non-blank lines to an accepted boundary belong to its title zone.
TITLE_ZONE = 10
OUTLINE_SCORE = 9
# How far approximate page numbers may be off (pages missed by page-start counting).
PAGE_SLACK = 5

DOC_TITLE_WORDS = re.compile(
    r"\b(action notes|minutes of|action tracker|work programme|performance scorecard|"
    r"business plan|annual report|accountability report|executive summary|foreword|survey|"
    r"improvement plan|delivery plan|a g e n d a|agenda contents)\b",
    re.IGNORECASE,
)
REPORT_OPENER = re.compile(r"^(?:public\s+)?report\s+(?:of|to|for)\b", re.IGNORECASE)
PURPOSE_OPENER = re.compile(r"^1\.?\s+purpose of (?:the )?report", re.IGNORECASE)
DATE_ONLY = re.compile(rf"^\s*(?:\w+day,?\s+)?{DAY_MONTH_YEAR.pattern}\s*$", re.IGNORECASE)
ENDINGS = re.compile(
    r"(the meeting ended at|yours sincerely|her majesty'?s inspector|^dated\b|contact officer|"
    r"@[\w.-]+\.\w+|report version)",
    re.IGNORECASE,
)
OUTLINE_LINE = re.compile(r"^\t+\S")
# (Possessive runs and a greedy title keep these linear on long lines; callers strip the title's
# trailing spaces and "**".)
AGENDA_ITEM = re.compile(r"^\s*+(?:\*\*)?\s*+(\d{1,2})\.?\s++(?:\*\*)?\s*+([A-Z(][^a-z]{3,})$")
# A table of contents line: a title, a dot leader and a page number ("Apologies ........ 2").
# (Read from the first point of a run only, the loop possessive: a long run of points is scanned
# once, not from each of its points.)
CONTENTS_LINE = re.compile(r"(?<!\.)(?<!\.\s)(?:\.\s?){4,}+\s*+\d{1,4}\s*$|…\s*+\d{1,4}\s*$")
PAGE_RANGE = re.compile(r"^\s*(\d{1,3})\s*-\s*(\d{1,3})\s*$")
# A title line that names the paper an agenda ("City Council Regular Meeting Agenda", "AGENDA -
# Tuesday, June 11, 2024", "CITY COUNCIL AGENDA PACKET"), never minutes: read before the meeting's
# date line, which agendas print as minutes do.
AGENDA_TITLE = re.compile(r"^(?![^\n]{0,200}\bminutes\b)[^\n.!?]{0,100}\bagenda(?:\s+packet|\s+pack)?"
                          r"(?:\s*[-–—:,]\s*[^\n.!?]{0,60})?$", re.I | re.M)

# Kinds of paper, recognised from a document's first lines (title lines first, then its opening).
DOC_TYPES_BY_TITLE: list[tuple[str, re.Pattern[str]]] = [
    ("agenda", re.compile(r"\ba g e n d a\b|^agenda$", re.I | re.M)),
    ("minutes", re.compile(r"\baction notes\b|\bminutes\b|[-–] actions\b", re.I)),
    ("action_tracker", re.compile(r"\baction tracker\b", re.I)),
    ("work_programme", re.compile(r"\bwork programme\b", re.I)),
    ("kpi_report", re.compile(r"\bkey\s+performance\s+indicators\b", re.I)),
    ("performance_scorecard", re.compile(r"\bscorecard\b", re.I)),
    ("business_plan", re.compile(r"\bbusiness plan\b", re.I)),
    ("accountability_report", re.compile(r"\baccountability report\b", re.I)),
    ("annual_report", re.compile(r"\bannual report\b", re.I)),
    ("cabinet_member_report", re.compile(r"\breport\s+of\s+(?:the\s+)?cabinet\s+member\b", re.I)),
    ("cabinet_report", re.compile(r"\breport to:?\s+cabinet\b", re.I)),
    ("council_report", re.compile(r"^(?:\w+ )?city council\b|\breport to:?\s+(?:city |full )?council\b", re.I | re.M)),
    ("plan", re.compile(r"\bplan\b", re.I)),
    ("statistics", re.compile(r"\bstatistics\b|\bexecutive summary\b", re.I)),
]
NOT_TITLE = re.compile(
    r"^(?:public report|report (?:to|of|for)\s*:.*|date of decision.*|"
    r"[\w ]*city council.*|item \d+|page \d+.*|\d+|[\W\d]+)$",
    re.IGNORECASE,
)


@dataclass
class AgendaItem:
    number: str
    title: str
    description: str = ""
    pages: tuple[int, int] | None = None
    line: int = 0  # line number of the item's heading in the file


@dataclass
class ParsedDocument:
    """A detected document and the cleaned lines it spans."""

    document: Document
    lines: list[Line]
    agenda_items: list[AgendaItem] = field(default_factory=list)
    meeting: Any = None  # ingest.meetings.MeetingFacts from the heading conventions, if any


def detect_documents(source: str, path: str, lines: list[Line], overrides: dict | None = None,
                     aliases_file: str = "", page_exact: bool = False) -> list[ParsedDocument]:
    """Split a file's cleaned lines into documents with metadata."""
    overrides = overrides or {}
    starts = _boundaries(lines)
    parsed: list[ParsedDocument] = []
    for ordinal, (start, end) in enumerate(zip(starts, starts[1:] + [len(lines)])):
        span = lines[start:end]
        parsed.append(ParsedDocument(_describe(source, path, ordinal, span), span))
    _drop_empty(parsed)
    _attach_pack_context(parsed, aliases_file, page_exact)
    _apply_overrides(parsed, overrides, aliases_file)
    return parsed


# -- boundaries ------------------------------------------------------------------------------------

def _boundaries(lines: list[Line]) -> list[int]:
    """Indexes of the first line of each document (always including 0)."""
    text_index = [i for i, line in enumerate(lines) if line.kind == "text"]
    starts = [0]
    last_position = 0  # the file's own first lines are the first document's title zone
    for position, i in enumerate(text_index):
        score = _opener_score(lines, text_index, position)
        if score < BOUNDARY_SCORE or position - last_position <= TITLE_ZONE:
            continue
        start = _extend_upwards(lines, text_index, position)
        if start > starts[-1]:
            starts.append(start)
            last_position = position
            if score >= OUTLINE_SCORE:
                break  # a bookmark outline runs to the end of the file
    return starts


def _zone(lines: list[Line], text_index: list[int], position: int, size: int = 8) -> list[str]:
    return [lines[i].content for i in text_index[position:position + size]]


def _opener_score(lines: list[Line], text_index: list[int], position: int) -> int:
    line = lines[text_index[position]]
    content = line.content
    zone = _zone(lines, text_index, position)
    if OUTLINE_LINE.match(line.text) and any("\\ " in z or "Contents" in z for z in zone[:3]):
        return OUTLINE_SCORE
    if len(content) > 200 or content[:1] in "-•◼" or content[:1].islower():
        return 0
    letters = [c for c in content if c.isalpha()]
    mostly_upper = bool(letters) and sum(c.isupper() for c in letters) / len(letters) >= 0.6
    next_line = zone[1] if len(zone) > 1 else ""
    title_like = (
        (not TERMINAL.search(content.rstrip(":")) or content.endswith(":"))
        and not next_line[:1].islower()
        and not re.search(r"(,|\b(?:and|of|the|to|for|in|a))\s*$", content, re.IGNORECASE)
    )
    starts_with_number = bool(re.match(r"^\d", content))
    score = 0
    if COUNCIL_HEADER.match(content) and content.isupper():
        following = " ".join(zone[1:6])
        if COMMITTEE_NAME.search(following) or re.search(
                r"public report|a g e n d a|agenda|hours on", following, re.I):
            score += 4
        elif DAY_MONTH_YEAR.search(content):
            score += 3
    if REPORT_OPENER.match(content) and not content.endswith(".") and (len(content) <= 120 or mostly_upper):
        score += 3
    head = content if not COMMITTEE_NAME.search(content) else " ".join(zone[:2])
    if len(content) <= 40:  # a title set in large type, a few words a line
        parts = [content]
        for z in zone[1:4]:
            if len(z) > 40 or not z[:1].isalpha() or TERMINAL.search(z.rstrip("*")):
                break
            parts.append(z)
        head = " ".join(parts)
    if title_like and not starts_with_number and DOC_TITLE_WORDS.search(head) and len(content.split()) <= 12:
        # "<Committee>: Work Programme 2020-2021" names both who and what: a cover line.
        score += 2 + (1 if mostly_upper or COMMITTEE_NAME.search(head) else 0)
    if DATE_ONLY.match(content) and any(z.startswith("Dear ") for z in zone + _zone(lines, text_index, position + 8, 8)):
        score += 4
    if COMMITTEE_NAME.search(" ".join(zone[:2])) and not starts_with_number and content.isupper() \
            and any(DAY_MONTH_YEAR.search(z) for z in zone[:4]):
        score += 3
    if PURPOSE_OPENER.match(content):
        score += 2
    new_page = line.page_start or position > 0 and line.page is not None \
        and lines[text_index[position - 1]].page != line.page
    if new_page and position and _title_block(zone):
        # A page that opens on "BODY / MINUTES / <date>" inside a pack: the earlier meeting's
        # minutes, printed for adoption, are a document of their own.
        score += BOUNDARY_SCORE
    if score:
        score += _context_bonus(lines, text_index, position)
    return score


def _title_block(zone: list[str]) -> bool:
    """Whether the first lines of a page are a title block of the conventions ("PLANNING AND
    DEVELOPMENT COMMITTEE / MINUTES / Tuesday, October 11, 2022"), with a date just below."""
    rules = load_conventions()
    for first in range(2):
        block = " | ".join(zone[first:first + 3])
        if rules.first("title_block", block) and any(first_date(z)
                                                     for z in zone[first + 1:first + 5]):
            return True
    return False


def _context_bonus(lines: list[Line], text_index: list[int], position: int) -> int:
    i = text_index[position]
    bonus = 1 if lines[i].page_start else 0
    if position > 0:
        previous = text_index[position - 1]
        if i - previous >= 4:
            bonus += 1
        if any(ENDINGS.search(lines[j].content) for j in text_index[max(0, position - 4):position]):
            bonus += 1
    return bonus


def _extend_upwards(lines: list[Line], text_index: list[int], position: int) -> int:
    """Take in up to two short title lines sitting just above the opener ("Corporate Parenting").

    Not when the opener starts a page (the page top is the document's top), and never a line
    that ends the previous document (a signature, "Her Majesty's Inspector").
    """
    start = text_index[position]
    if lines[start].page_start:
        return start
    for step in (1, 2):
        if position - step < 0:
            break
        candidate = lines[text_index[position - step]]
        content = candidate.content
        if (len(content) <= 60 and not TERMINAL.search(content) and content[:1].isupper()
                and not ENDINGS.search(content) and not content.startswith(("-", "•"))
                and start - candidate.number <= 3 + step):
            before = text_index[position - step - 1] if position - step - 1 >= 0 else None
            if before is None or candidate.number - lines[before].number >= 2:
                start = text_index[position - step]
                continue
        break
    return start


# -- describing one document --------------------------------------------------------------------

def _describe(source: str, path: str, ordinal: int, span: list[Line]) -> Document:
    texts = [line.content for line in span if line.kind == "text"]
    title_lines = [t for t in texts[:6]]
    zone = "\n".join(texts[:25])
    doc_type = _doc_type(texts)
    meeting = next((meeting_line_date(t) for t in texts[:12] if meeting_line_date(t)), None)
    if doc_type == "minutes" and not meeting:
        meeting = first_date("\n".join(texts[:8]))
    pages = [line.page for line in span if line.page is not None]
    document = Document(
        source=source, path=path, ordinal=ordinal, doc_type=doc_type,
        title=document_title(doc_type, span, meeting),
        committee_printed=find_committee("\n".join(title_lines[:6])),
        meeting_date=meeting if doc_type == "minutes" else None,
        doc_date=first_date(zone),
        line_start=span[0].number, line_end=span[-1].number,
        page_start=min(pages) if pages else None, page_end=max(pages) if pages else None,
        indexable=doc_type != "pdf_outline",
    )
    return document


def _doc_type(texts: list[str]) -> str:
    # A bookmark outline lists "Pack\\ Item" paths, one a line; one stray backslash (OCR noise)
    # is not an outline.
    if texts and (sum("\\ " in t for t in texts[:6]) >= 2 or texts[0].startswith("Agenda Contents")):
        return "pdf_outline"
    opening = "\n".join(texts[:14])
    if re.search(r"\ba g e n d a\b|^agenda$", opening, re.I | re.M):
        return "agenda"
    if AGENDA_TITLE.search("\n".join(texts[:3])):
        return "agenda"
    if any(meeting_line_date(t) for t in texts[:12]):
        return "minutes"
    head = "\n".join(texts[:3])
    for doc_type in ("action_tracker", "work_programme"):
        if dict(DOC_TYPES_BY_TITLE)[doc_type].search(head):
            return doc_type
    if any(t.startswith("Dear ") for t in texts[:20]) and any(DATE_ONLY.match(t) for t in texts[:3]):
        return "letter"
    title_zone = "\n".join(_title_candidates(texts)[:2] + texts[:6])
    for doc_type, pattern in DOC_TYPES_BY_TITLE:
        if pattern.search(title_zone):
            return doc_type
    if any(t.startswith("Dear ") for t in texts[:20]):
        return "letter"
    return "report"


def _logical_lines(texts: list[str]) -> list[str]:
    """Header lines with wrapped ones joined ("... OVERVIEW AND SCRUTINY" + "COMMITTEE")."""
    joined: list[str] = []
    for text in texts:
        if joined and (re.search(r"(,|&|\b(?:and|of|the|for|to|AND|OF|THE|FOR|TO))\s*$", joined[-1])
                       or (len(text.split()) <= 2 and not DAY_MONTH_YEAR.search(text)
                           and not TERMINAL.search(joined[-1]) and text[:1].isalpha()
                           and not re.match(r"^\d", text) and len(joined[-1]) > 30)):
            joined[-1] = f"{joined[-1]} {text}"
        else:
            joined.append(text)
    return joined


def document_title(doc_type: str, lines: list[Line], meeting: str | None) -> str:
    """The title of a document of this kind: "Agenda", "Minutes of the meeting of 9 June 2014",
    or its own title lines; again when a convention or a sidecar decides its kind later."""
    return _title(doc_type, [line.content for line in lines if line.kind == "text"], meeting)


def _title_candidates(texts: list[str]) -> list[str]:
    out = []
    for text in _logical_lines(texts[:12]):
        clean = fold_quotes(strip_markup(text)).strip(" *:")
        if not clean or NOT_TITLE.match(clean) or DATE_ONLY.match(clean):
            continue
        if COMMITTEE_NAME.search(clean) and not DOC_TITLE_WORDS.search(clean) \
                and not REPORT_OPENER.match(clean):
            continue
        if clean.lower().startswith(("subject:", "subject ")):
            return [clean.split(":", 1)[-1].strip()]
        out.append(clean)
    return out


def _title(doc_type: str, texts: list[str], meeting: str | None) -> str:
    if doc_type == "agenda":
        return "Agenda"
    if doc_type == "minutes":
        label = next((t for t in texts[:12] if re.search(r"action notes", t, re.I)), "Minutes")
        label = fold_quotes(strip_markup(label)).strip() or "Minutes"
        return f"{label} of the meeting of {human_date(meeting)}" if meeting else label
    if doc_type == "letter":
        for index, text in enumerate(texts[:25]):
            if text.startswith("Dear ") and index + 1 < len(texts):
                return fold_quotes(texts[index + 1]).strip()
    candidates = _title_candidates(texts)
    if not candidates:
        return doc_type.replace("_", " ").capitalize()
    title = candidates[0]
    # A title wrapped over two lines ("Contract Key Performance / Indicators of ...").
    if len(candidates) > 1 and not TERMINAL.search(title) and len(title) < 60 and len(candidates[1]) < 80 \
            and not re.match(r"^\d", candidates[1]):
        title = f"{title} {candidates[1]}"
    return re.sub(r"\s+", " ", title)[:160]


def _drop_empty(parsed: list[ParsedDocument]) -> None:
    parsed[:] = [p for p in parsed if any(line.kind == "text" for line in p.lines)]
    for ordinal, p in enumerate(parsed):
        p.document.ordinal = ordinal


# -- pack context: committee, pack date and agenda items -------------------------------------------

def _attach_pack_context(parsed: list[ParsedDocument], aliases_file: str, page_exact: bool) -> None:
    if not parsed:
        return
    first = parsed[0]
    is_pack = first.document.doc_type == "agenda" and len(parsed) > 1
    pack_committee = first.document.committee_printed or next(
        (p.document.committee_printed for p in parsed if p.document.committee_printed), None)
    pack_date = first.document.doc_date if first.document.doc_type == "agenda" else None
    if first.document.doc_type == "agenda":
        first.agenda_items = parse_agenda(first.lines)
    if is_pack:
        _assign_items(parsed[1:], first.agenda_items, page_exact)
    for p in parsed:
        doc = p.document
        own = doc.committee_printed
        if not own or (is_pack and not COMMITTEE_NAME.search(own)):
            doc.committee_printed = pack_committee or own
        doc.committee = canonical_committee(doc.committee_printed, aliases_file)
        doc.pack_date = pack_date if is_pack else None
        if doc.meeting_date is None:
            doc.meeting_date = pack_date if is_pack else _header_date(p)
        if doc.item and first.agenda_items:
            doc.item_title = next((a.title for a in first.agenda_items if a.number == doc.item), None)


def _header_date(p: ParsedDocument) -> str | None:
    """A standalone paper's meeting date: the first full date in its header lines."""
    texts = [line.content for line in p.lines if line.kind == "text"][:8]
    return first_date("\n".join(texts))


def parse_agenda(lines: list[Line]) -> list[AgendaItem]:
    """Items of an agenda: numbered capitalised headings, with the page range printed above them."""
    items: list[AgendaItem] = []
    pending_pages: tuple[int, int] | None = None
    for line in lines:
        if line.kind != "text":
            continue
        content = line.content
        if match := PAGE_RANGE.match(content):
            pending_pages = (int(match.group(1)), int(match.group(2)))
            continue
        match = AGENDA_ITEM.match(line.text.replace("**", ""))
        if match and (not items or int(match.group(1)) == int(items[-1].number) + 1):
            items.append(AgendaItem(match.group(1), fold_quotes(match.group(2)).strip(" *"),
                                    pages=pending_pages, line=line.number))
            pending_pages = None
            continue
        if items and len(items[-1].description) < 400:
            items[-1].description = f"{items[-1].description} {content}".strip()
    return items


def _words(text: str) -> set[str]:
    stop = {"the", "and", "of", "to", "for", "in", "a", "on", "with", "by", "update", "report"}
    return {w for w in re.findall(r"[a-z]{3,}", fold_quotes(text).lower()) if w not in stop}


def _assign_items(documents: list[ParsedDocument], agenda: list[AgendaItem], page_exact: bool) -> None:
    """Give each document of a pack its agenda item, moving forward through the agenda only.

    Evidence, strongest first: an "Item N" stamp inside the document; its page number inside an
    item's printed page range; overlap of its opening words with the item's title and description.
    """
    with_papers = [a for a in agenda if a.pages] or agenda
    if not with_papers:
        return
    current = None
    for p in documents:
        if p.document.doc_type == "pdf_outline":
            continue
        stamps = [line.stamp_item for line in p.lines if line.stamp_item]
        candidate = None
        if stamps:
            candidate = re.match(r"\d+", stamps[0]).group(0)
        elif p.document.page_start is not None:
            page = p.document.page_start
            by_page = next((a for a in with_papers if a.pages and a.pages[0] <= page <= a.pages[1]), None)
            candidate = by_page.number if by_page else None
            # Text-file pages are approximate: near the end of an item's range, the words decide
            # whether the paper already belongs to the next item.
            if by_page and not page_exact and by_page.pages[1] - page < PAGE_SLACK:
                by_words = _item_by_words(p, with_papers)
                if by_words and int(by_words) == int(by_page.number) + 1:
                    candidate = by_words
        if candidate is None:
            candidate = _item_by_words(p, with_papers)
        if candidate is not None and (current is None or int(candidate) >= int(current)):
            current = candidate
        p.document.item = current


# A kind of paper points at the agenda item whose title names it.
ITEM_TITLE_FOR_TYPE = {
    "minutes": re.compile(r"minutes|action notes", re.I),
    "action_tracker": re.compile(r"action tracker|action notes", re.I),
    "work_programme": re.compile(r"work programme", re.I),
}


def _item_by_words(p: ParsedDocument, items: list[AgendaItem]) -> str | None:
    """The agenda item that names this kind of paper, or whose words its opening shares most."""
    by_type = ITEM_TITLE_FOR_TYPE.get(p.document.doc_type)
    if by_type:
        named = [a for a in items if by_type.search(a.title)]
        if named:
            return named[0].number
    opening = " ".join(line.content for line in p.lines[:80] if line.kind == "text")
    words = _words(opening)
    best = max(items, key=lambda a: len(words & _words(f"{a.title} {a.description}")))
    return best.number if len(words & _words(f"{best.title} {best.description}")) >= 2 else None


def _apply_overrides(parsed: list[ParsedDocument], overrides: dict, aliases_file: str) -> None:
    """Sidecar metadata from the council's portal beats detection."""
    for p in parsed:
        doc = p.document
        if overrides.get("url"):
            doc.url = overrides["url"]
        if overrides.get("committee"):
            doc.committee_printed = overrides["committee"]
            doc.committee = canonical_committee(overrides["committee"], aliases_file)
        if len(parsed) == 1:
            if overrides.get("meeting_date"):
                doc.meeting_date = overrides["meeting_date"]
            if overrides.get("doc_type") and overrides["doc_type"] != doc.doc_type:
                doc.doc_type = overrides["doc_type"]
                # the title detected for another kind of paper ("Agenda" for an agenda)
                doc.title = document_title(doc.doc_type, p.lines, doc.meeting_date)
            if overrides.get("title") or overrides.get("html_title"):
                doc.title = overrides.get("title") or overrides["html_title"]
        elif overrides.get("meeting_date") and doc.meeting_date in (None, doc.pack_date):
            doc.pack_date = overrides["meeting_date"]
            if doc.doc_type != "minutes":
                doc.meeting_date = overrides["meeting_date"]


def minutes_items(lines: list[Line]) -> list[tuple[int, str, str]]:
    """(line index, number, title) of numbered item headings in a set of minutes, in order.

    Councils print an item heading in many ways: "4. GENERAL ALLOCATION", "4. General
    Allocation", "**Item 4:** **General Allocation**", "Item 4" over its title, "## 4. General
    Allocation" (``_item_heading``). Numbered paragraphs and lists inside an item look much the
    same; the numbering and the layout tell them apart (``_item_runs``).
    """
    ranks: list[int] = []  # text lines up to each line: headings with none between are a list
    for line in lines:
        ranks.append((ranks[-1] if ranks else 0) + (line.kind == "text"))
    headings: list[_Heading] = []
    for i, line in enumerate(lines):
        if line.kind == "text" and (heading := _item_heading(lines, i)):
            heading.listed = bool(headings) and ranks[i] - ranks[headings[-1].end] <= 1
            headings.append(heading)
    return [(h.line, str(h.number), fold_quotes(h.title)) for h in _item_runs(_numbered_in_sequence(headings))]


def _numbered_in_sequence(headings: list[_Heading]) -> list[_Heading]:
    """The headings, less those numbered "N Title" (no mark after the number) that stand alone.

    A number with no mark is an address ("3 Main Street") or a date as often as an item; but
    minutes written in a word processor's numbered heading style ("1   Opening of Meeting",
    "2   Apologies", ...) print every item so. Such headings count in a run of three or more
    from 1, each the next of its kind in the text, numbered one more than the one before and
    titled differently (a list of addresses is numbered by house: out of sequence, or "24
    Nicholas Street", "25 Nicholas Street", ...).
    """
    runs: list[list[_Heading]] = []
    for heading in (h for h in headings if h.bare):
        if runs and heading.number == runs[-1][-1].number + 1:
            runs[-1].append(heading)
        else:
            runs.append([heading])
    kept = {id(h) for run in runs if len(run) >= 3 and run[0].number == 1
            and len({h.title.lower() for h in run}) == len(run) for h in run}
    return [h for h in headings if not h.bare or id(h) in kept]


@dataclass
class _Heading:
    line: int  # index of the heading line
    end: int  # index of its title's last line
    number: int
    title: str
    marked: bool  # an "Item" label, upper case, bold or a Markdown heading
    listed: bool = False  # on the text line right after the heading before it, as in a list
    bare: bool = False  # numbered "N Title", with no mark after the number


def _item_runs(headings: list[_Heading]) -> list[_Heading]:
    """The headings that are items: runs numbered in sequence, each number used once.

    Headings come in runs, each numbered one more than the one before; a run laid out as a list
    ends where a heading not so laid out follows ("1." to "5." of a list inside an item, then
    the item "6."). The runs are taken in order of the text, first those not laid out as lists
    (``_take_runs``); then headings alone, for items taken out of order ("it was agreed to take
    item 16 with this item") or the last item after a list inside the one before, each when its
    number is free and at most one past the highest taken (when two share a number, a marked
    one, then the shorter title); then the runs laid out as lists (first, when no other run
    was found). Linear: numbers have at most two digits, so at most 99 are taken.
    """
    runs: list[list[_Heading]] = []
    for heading in headings:
        previous = runs[-1][-1] if runs else None
        if previous and heading.number == previous.number + 1 and (heading.listed or not previous.listed):
            runs[-1].append(heading)
        else:
            heading.listed = False  # (a run's first heading is laid out on its own)
            runs.append([heading])
    kept: list[_Heading] = []
    taken: set[int] = set()
    after_lists = _take_runs([run for run in runs if len(run) > 1 and not _listed(run)], kept, taken)
    lists = [run for run in runs if len(run) > 1 and _listed(run)]
    lists_first = not taken  # (minutes whose items are all laid out as a list)
    if lists_first:
        after_lists += _take_runs(lists, kept, taken)
    lone: dict[int, _Heading] = {}
    for heading in [run[0] for run in runs if len(run) == 1] + after_lists:
        other = lone.setdefault(heading.number, heading)
        if (not heading.marked, len(heading.title)) < (not other.marked, len(other.title)):
            lone[heading.number] = heading
    for heading in sorted(lone.values(), key=lambda h: h.line):
        if heading.number not in taken and (not taken or heading.number <= max(taken) + 1):
            taken.add(heading.number)
            kept.append(heading)
    if not lists_first:
        _take_runs(lists, kept, taken)
    return sorted(kept, key=lambda h: h.line)


def _take_runs(runs: list[list[_Heading]], kept: list[_Heading], taken: set[int]) -> list[_Heading]:
    """Keep the runs' headings whose numbers are free, in order: each number is one item.

    A run whose first number is taken starts the numbering again: a list inside an item ("1.",
    "2."), whose last heading alone may be the item after it ("3.", when 1 and 2 are taken and
    3 is not: returned, to be weighed with the headings alone). But when the run kept before it
    went on into a list of its own ("4. Report ...", "5. Impact ..." on consecutive lines, then
    the items "4." to "16."), or into fewer headings than this run has and this one is no list,
    those numbers go back to this run. A run meeting a taken number ends there.
    """
    last: list[_Heading] = []  # the run kept last
    after_lists: list[_Heading] = []
    for run in runs:
        if run[0].number in taken:
            tail = [h for h in last if h.number >= run[0].number]
            if not (last and run[0].number > last[0].number and max(taken) == last[-1].number
                    and (_listed(tail) or (len(run) > len(tail) and not _listed(run)))):
                if run[-1].number not in taken and run[-2].number in taken:
                    after_lists.append(run[-1])
                continue
            del kept[-len(tail):]
            taken.difference_update(h.number for h in tail)
        last = []
        for heading in run:
            if heading.number in taken:
                break
            taken.add(heading.number)
            last.append(heading)
        kept += last
    return after_lists


def _listed(run: list[_Heading]) -> bool:
    """At least half the headings of a run on the text line right after the one before."""
    return 2 * sum(h.listed for h in run[1:]) >= len(run) - 1


# Small words a wrapped heading breaks after ("... Policy Committee meeting of" / "14th June").
TITLE_JOINERS = frozenset("a an and at by for from in of on or the to with".split())


def _item_heading(lines: list[Line], i: int) -> _Heading | None:
    """The item heading line ``i`` opens, from its number prefix and its title; None if none.

    A prefix is "N." (or "N:"), or "Item N" with or without a mark; "N" alone followed by a
    title is ``bare`` (kept only in a sequence, ``_numbered_in_sequence``: alone it is a date or an
    address), and "4.1", "4(a)" are parts of an item. A title too long or too lower-case to be a
    heading, one whose sentence runs on in lower case on the next line, or a line of a table of
    contents ("5. Confirmation of Minutes ........ 2") is no heading. A title left empty ("Item
    4", "4.") is the next text line.
    """
    raw = lines[i].text.strip()
    text = lines[i].content.lstrip("#").strip()
    labelled = text[:4].lower() == "item"
    if labelled:
        text = text[4:].lstrip()
        if text[:3].lower() == "no.":
            text = text[3:].lstrip()
    digits = len(text) - len(text.lstrip("0123456789"))
    if not 1 <= digits <= 2:
        return None
    number, rest = text[:digits], text[digits:]
    bare = False
    if rest[:1] in (".", ":"):
        rest = rest[1:]
    elif not labelled:
        if not rest[:1].isspace() or not rest.lstrip()[:1].isupper():
            return None
        bare = True
    if CONTENTS_LINE.search(rest):
        return None
    if rest[:1].isdigit() or rest[:1] == "(" or (rest[:1].isalpha() and not rest[:1].isupper()):
        return None
    title = rest.strip().lstrip("–—-:").strip().rstrip(":").strip()
    end = i
    if not title:
        if bare:
            return None
        end = next((j for j in range(i + 1, min(len(lines), i + 4)) if lines[j].kind == "text"), None)
        if end is None:
            return None
        title = lines[end].content.strip().rstrip(":").strip()
    if not _is_item_title(title, labelled):
        return None
    marked = labelled or raw.startswith("#") or _bold_only(lines[end].text) or _upper(title)
    if not marked and end == i and _runs_on(lines, end, title):
        return None
    title, end = _with_wrapped_title(lines, end, title)
    return _Heading(i, end, int(number), title, marked, bare=bare)


def _runs_on(lines: list[Line], i: int, title: str) -> bool:
    """A sentence that carries on in lower case on the next text line: a paragraph, no title."""
    if TERMINAL.search(title) or title.count("(") > title.count(")"):
        return False
    following = next((line for line in lines[i + 1:i + 4] if line.kind == "text"), None)
    return following is not None and following.content[:1].islower()


def _with_wrapped_title(lines: list[Line], i: int, title: str) -> tuple[str, int]:
    """A bold title with the bold lines its wrapping carried on to (at most two), and its last line."""
    if not _bold_only(lines[i].text):
        return title, i
    end = i
    for j in range(i + 1, min(len(lines), i + 6)):
        line = lines[j]
        if line.kind == "blank":
            continue
        content = line.content
        last = title.rsplit(None, 1)[-1].lower()
        carries_on = (content[:1].islower() or content[:1].isdigit() or last in TITLE_JOINERS
                      or title.count("(") > title.count(")"))
        if line.kind != "text" or not _bold_only(line.text) or not carries_on or len(title) > 200:
            break
        title, end = f"{title} {content}".rstrip(":").strip(), j
    return title, end


def _bold_only(text: str) -> bool:
    text = text.strip()
    return len(text) > 4 and text.startswith("**") and text.endswith("**")


def _upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) >= 0.7


def _is_item_title(text: str, labelled: bool = False) -> bool:
    """A heading's title: mostly upper-case letters, or short and capitalised, not a sentence.

    A full stop ends a sentence in sentence case ("The Council noted the report."), not a title
    in title case ("Update on the Ring Road Project.") or one an "Item N" label announces.
    """
    if _upper(text):
        return True
    words = text.split()
    if not words or len(words) > (24 if labelled else 16) or not text[:1].isupper():
        return False
    return not text.rstrip("*").endswith(".") or labelled or _title_case(words)


def _title_case(words: list[str]) -> bool:
    """Most words other than small joining words begin with a capital (or are numbers)."""
    content = [w for w in words if w.lower() not in TITLE_JOINERS]
    return sum(not w[:1].islower() for w in content) >= 0.75 * len(content)
