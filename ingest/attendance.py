"""Who attended a meeting, by the common headings of minutes (rules of kind ``attendance``).

Minutes open with lists under labels: "Present:", "Members present:", "In the chair:",
"Officials in attendance:", "Also present:", "Remote attendance:", "Apologies:", "Absent:" (or
"Apologies ... were received from ..." as a sentence). A list runs from its label to the next label,
the first agenda item, or the first paragraph that is prose rather than a list. Wrapped list lines
(a line ending in a comma, or a sentence not yet ended) are one entry; separate lines that each
name a person are separate entries. People are read by ``ingest.records.parse_people``; officials
printed as "Role (Mr. A. Name)" give the name in brackets and the role before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import takewhile

from ingest.clean import Line
from ingest.conventions import Conventions
from ingest.meetings import tidy

# Longest label line a rule sees.
MAX_LABEL_LINE = 400
# A line that continues a list although the entry above ended: it names a person or a role.
LIST_ENTRY = re.compile(
    r"^\W*(?:councillors?|cllrs?\.?|clirs?|cmhlr|mr|mrs|ms|miss|dr|prof|director|chief|head|"
    r"senior|deputy|a/|assistant|administrative|meetings|executive|staff|[A-Z][a-z'’\-]+\s+[A-Z]"
    r"[a-z'’\-]+\s*(?:\(|,|$))", re.I)
# An entry wrapped onto the next line: it ends with a comma or a joining word.
WRAPPED = re.compile(r"(,|\band|&)\s*$", re.I)
# A list of members named after one plural title ("Councillors Benson, Carey, ...") runs to its full stop.
PLURAL_LIST = re.compile(r"^\W*(?:councillors|cllrs|clirs|members)\b", re.I)
# A line that opens its own list: "Other Voting Representatives: ...".
NEW_LABEL = re.compile(r"^[A-Z][A-Za-z ]{2,60}:(?:\s|$)")
# A line ending on a lone initial ("K. Sheahan, M.C.C., S. Keary, M.C.C., D." / "Naughton, M.C.C.",
# "Cllr P Keller, Cllr J" / "Pond") was cut inside a name: the next line finishes it.
INITIAL_END = re.compile(r"(?<![\w.])[A-Z]\.?\s*$")
# A line that stops on a capitalised word, and a line of one or two capitalised words that ends the
# sentence: one name broken over two lines.
NAME_END = re.compile(r"(?<![.,;:])\b[A-Z][\w'’\-]*+$")
NAME_REST = re.compile(r"(?<![\w'’\-])[A-Z][\w'’\-]*+(?:\s[A-Z][\w'’\-]*+)?\.")
# A rule line (a row of dashes or underscores) ends a list.
RULE = re.compile(r"^\W*[-_=*]{3,}\W*$")
# A list entry cut mid-name at a line end: a comma, "and", or a title waiting for its name.
WRAPPED_NAME = re.compile(r"(?:,|\band|&|\b(?:cllrs?|councillors?|mr|mrs|ms|dr)\.?)\s*$", re.I)
# An agenda item's heading ("ITEM 1 - Adoption of Minutes", "1. Adoption of Minutes") ends every list.
ITEM_START = re.compile(r"^\W*(?:item\s+(?:no\.?\s*)?\d{1,2}\b|\d{1,2}[.)]\s+[A-Z])", re.I)
# "Chief Executive (Mr. P. Daly)": a role with the holder's name in brackets. The pattern finds
# the bracket; the role is read back from it in ``officials`` (at most ROLE_CHARS characters, no
# bracket), so no match attempt scans a window from every character of a long list.
NAME_IN_BRACKETS = re.compile(r"\((?P<name>(?:mr|mrs|ms|miss|dr|prof)\.?\s[^()]{2,60})\)", re.I)
ROLE_CHARS = 160
# Where one "Name (Role)" of a staff list ends and the next begins: after the closing bracket,
# a comma, "and", or the next line's name ("A (Role)" / "B (Role)" one to a line).
STAFF_BRACKET_END = re.compile(r"(?<=\))\s*(?:,|\band\b)\s*|(?<=\))\s+(?=[A-Z])")


@dataclass
class Section:
    """One attendance list: its role, the rule that named it, and its entries with their lines."""

    role: str
    rule: str
    entries: list[list[Line]] = field(default_factory=list)
    first: str = ""  # names on the label's own line
    line: int = 0
    label: str = ""  # the label as printed ("Members Present")

    @property
    def lines(self) -> list[Line]:
        return [line for entry in self.entries for line in entry]


# A two-cell table row of a DOCX or web page: "Regrets: | Councillor T. Beaulieu".
LABEL_CELL = re.compile(r"^(?P<label>[^|:]{2,80}:)\s*\|\s*")


# A gap of three spaces or more inside a line: the columns of a plain-text list ("Ms A. Name      Chair").
COLUMN_GAP = re.compile(r"(?<=\S) {3,}+(?=\S)")
# A line that names a person with a title first ("Mr A. Name (Role)", "Cr A. Name"): after an entry
# that closed its bracket, it opens the next entry rather than continuing that one.
TITLED_LINE = re.compile(r"^\W*(?:mr|mrs|ms|miss|mx|dr|prof|cr|crs|cllr|councillor|councilmember)\b\.?\s+[A-Z]", re.I)
# A line that ends on a member's title and one word: the name goes on in the next line.
TITLE_WORD_END = re.compile(r"\b(?i:cllrs?|councillors?|cr)\b\.?\s*+[A-Z][\w'’\-]*+$")
# A name's last word that the label's line left for the next: "Vice Chair Terrence" / "Adeyemi, ...".
NAME_CONTINUES = re.compile(r"^[A-Z][\w'’\-]*+(?:,|\s+and\b|\.?$)")


def _line_text(content: str) -> str:
    """A line as the rules read it, a label cell and its names cell joined as one line; columns a
    wide gap sets apart are cells too ("Ms A. Name      Independent Chair")."""
    return LABEL_CELL.sub(r"\g<label> ", tidy(COLUMN_GAP.sub(" | ", content)), count=1)


def label_of(content: str, conventions: Conventions):
    """(rule, match) when a line opens an attendance list."""
    return conventions.first("attendance", _line_text(content)[:MAX_LABEL_LINE])


def find_sections(lines: list[Line], conventions: Conventions) -> list[Section]:
    """Attendance lists among ``lines`` (a set of minutes before its first item)."""
    sections: list[Section] = []
    current: Section | None = None
    ended = False  # the last entry ended with a full stop
    for line in lines:
        if line.kind != "text":
            continue
        content = line.content
        found = label_of(content, conventions)
        if found:
            rule, match = found
            current = Section(rule.option("role"), rule.origin, line=line.number,
                              label=_line_text(content)[:match.start("rest")] if match.groupdict().get("rest") is not None
                              else _line_text(content))
            groups = match.groupdict()
            current.first = (groups.get("rest") or groups.get("rest2") or "").strip()
            sections.append(current)
            ended = _ends_entry(current.first) if current.first else False
            continue
        if current is None:
            continue
        text = _line_text(content)
        after_gap = bool(current.entries or current.first) and line.number > _last_line(current) + 1
        if ITEM_START.match(text) or RULE.match(text) or (current.role in ("apologies", "absent") and (
                NEW_LABEL.match(text) or after_gap and not WRAPPED_NAME.search(_last_text(current))
                and not re.match(r"^(?:and\b|&|[a-z])", text) and not _name_cut(_last_text(current), text))):
            current = None  # a list of the absent never runs on into another list
            continue
        if NEW_LABEL.match(text) and text.rstrip().endswith(":") or ended and _is_heading(text):
            current = None  # a heading of its own ("Press:", "PUBLIC COMMENT"): the people under it did not attend as members
            continue
        continues = not ended or LIST_ENTRY.match(text) or NEW_LABEL.match(text)
        if not continues or len(text) > 400 or _is_prose(text):
            current = None
            continue
        entry = " ".join(_line_text(l.content) for l in current.entries[-1]) if current.entries else ""
        adjacent = bool(current.entries) and line.number == current.entries[-1][-1].number + 1
        own_entry = entry.rstrip(" .").endswith(")") and bool(TITLED_LINE.match(text))
        # "Cllr. Michael" / "Hourigan, Cllr. ...": a line ending on a title and one word, no comma, was cut mid-name
        cut_name = bool(TITLE_WORD_END.search(entry)) and bool(NAME_CONTINUES.match(text))
        joined = bool(entry) and not NEW_LABEL.match(text) and not own_entry and (adjacent or cut_name or bool(WRAPPED.search(entry))
                                  or bool(INITIAL_END.search(entry)) or text[:1].islower()
                                  or entry.count("(") > entry.count(")")
                                  or bool(PLURAL_LIST.match(entry)) and not entry.endswith("."))
        if joined:
            current.entries[-1].append(line)
        else:
            current.entries.append([line])
        ended = _ends_entry(text)
    return sections


def _is_heading(text: str) -> bool:
    """A line in capitals with no list punctuation ("PUBLIC COMMENT"): the next part of the minutes."""
    return text.isupper() and not re.search(r"[,.;:()]", text)


def _name_cut(before: str, text: str) -> bool:
    """Whether ``text`` finishes a name ``before`` broke off: "... received from Councillor Elena" /
    "Secas." (a name word, then one or two capitalised words and the full stop)."""
    return bool(NAME_END.search(before)) and bool(NAME_REST.fullmatch(text))


def _ends_entry(text: str) -> bool:
    """Whether a list line ends its entry: a full stop that is not a lone initial's."""
    return bool(re.search(r"\.\s*$", text)) and not INITIAL_END.search(text)


def _last_line(section: Section) -> int:
    return section.entries[-1][-1].number if section.entries else section.line


def _last_text(section: Section) -> str:
    return tidy(section.entries[-1][-1].content) if section.entries else section.first


def _is_prose(text: str) -> bool:
    """A sentence of narrative rather than a list entry: six words or more, most in lower case
    ("At the outset, Councillor X apologised for the delay ...") - a list of names ends there."""
    words = re.findall(r"[^\W\d_][\w'’\-]*", text)
    if len(words) < 6:
        return False
    # "The Chairman welcomed the two new ...": a sentence's verb among its first words.
    opens_sentence = words[0].lower() in {"the", "at", "it", "a", "an", "following", "after", "in"} \
        and any(w[0].islower() for w in words[1:3])
    return opens_sentence or sum(w[0].islower() for w in words) * 2 > len(words)


def entry_texts(section: Section) -> list[str]:
    """The section's entries as texts; the label's own line, if it names people, comes first.

    An entry that opens with table rows ("A. Byrne | Director of Finance", a web page's
    list of those in attendance) is a text per row, its cells joined as "name, role"; the list
    ends with the rows (a line that is no row starts the page's next part)."""
    texts = []
    for entry in section.entries:
        rows = list(takewhile(lambda line: " | " in _line_text(line.content), entry))
        if len(rows) > 1 or rows and " | " not in rows[0].content:  # (one row, its columns set apart by a gap)
            texts += [", ".join(cell.strip() for cell in _line_text(row.content).split(" | ")) for row in rows]
        else:
            texts.append(" ".join(_line_text(line.content) for line in entry))
    if section.first:
        if texts and (re.search(r"(,|\band|&|councillors?|from)\s*$", section.first, re.I)
                      or INITIAL_END.search(section.first) or _name_cut(section.first, texts[0])
                      or re.search(r"[^\W\d_]\s*$", section.first) and NAME_CONTINUES.match(texts[0])
                      or re.match(r"^(?:and\b|&|[a-z])", texts[0])):
            texts[0] = f"{section.first} {texts[0]}"
        else:
            texts.insert(0, section.first)
    return [t for t in texts if t.strip()]


def staff_parts(text: str) -> list[str]:
    """A staff list's entries: "A. Byrne, Director of Planning; B. Walsh, Manager of
    Development Approvals" and "C. Doyle (Director of Finance), D. Kelly (Head of Audit
    and Risk) and E. Nolan (Democratic Services Officer)" name a person each part. A text
    of one person (no semicolon, at most one bracket) is one part."""
    parts = [part.strip() for part in text.split(";")] if ";" in text else [text]
    if len(parts) == 1 and text.count("(") > 1:
        parts = [part.strip() for part in STAFF_BRACKET_END.split(text)]
    return [_without_and(part) for part in parts if part.strip(" .,")]


def _without_and(part: str) -> str:
    return part[4:] if part.lower().startswith("and ") else part


def officials(text: str) -> list[tuple[str, str]]:
    """(name, role) for each "Role (Mr. A. Name)" in an officials list.

    The role is the text before the bracket back to the previous entry or bracket, at most
    ROLE_CHARS characters; each character is read once, so a long list costs linear time.
    """
    found: list[tuple[str, str]] = []
    end = 0
    for match in NAME_IN_BRACKETS.finditer(text):
        low = max(end, match.start() - ROLE_CHARS)
        cut = max(text.rfind("(", low, match.start()), text.rfind(")", low, match.start()))
        role = text[cut + 1 if cut >= 0 else low: match.start()]
        if len(role) < 2:
            continue
        found.append((match.group("name").strip(), role.rstrip().strip(" ,;.")))
        end = match.end()
    return found
