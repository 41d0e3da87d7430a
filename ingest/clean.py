"""Cleaning that keeps citations honest.

Text extracted from PDFs carries page furniture: "Page 23 of 142" footers, "Item 4" stamps, page
headers repeated on every page of a table, stray page numbers. These are taken out of the text
(so they do not split sentences or swamp searches) but their values are kept: page markers give
page numbers, stamps give agenda items. Hard-wrapped lines are re-flowed into paragraphs, keeping
real compound hyphens ("multi-\\nagency" -> "multi-agency"). The raw wording is never changed
otherwise, so a passage can be found again in the source.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import defaultdict
from dataclasses import dataclass

from ingest.conventions import Conventions, load_conventions
from ingest.models import LoadedFile
from minutes_core.text.normalise import BULLET_GLYPHS, is_table_rule, key_of, strip_markup
from minutes_core.text.sentences import ends_with_wrapped_compound, fit_pieces

STAMP = re.compile(r"^\s*(?:agenda\s+)?item\s+(?:no\.?\s*)?(\d{1,2}[a-z]?)\s*$", re.IGNORECASE)
PAGE_MARKER = re.compile(r"^\s*page\s+(\d{1,4})\s+of\s+(\d{1,4})\s*$", re.IGNORECASE)
COUNCIL_HEADER = re.compile(r"^[A-Z][A-Z '’&-]{2,40}\bCOUNCIL\b\s*(?:\S.*)?$")
LONE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
NUMBERED_HEADING = re.compile(r"^\s*+(?:\*\*)?\s*+(\d{1,2}(?:\.\d{1,2}){0,3})\.?\)?\s++(\S.*)$")
BULLET = re.compile(rf"^\s*(?:[{re.escape(BULLET_GLYPHS)}]\s|[a-z]\)\s|\(?[ivx]{{1,4}}\)\s|\d{{1,2}}\)\s)")
TERMINAL = re.compile(r"[.:;!?)\]\"'’”]\s*$")
# A converter's furniture, never the council's text: the link to the original it puts on a file's
# first line ("[Original file](https://...)"), and fine print (<small>: its note on a scanned page).
SOURCE_LINK = re.compile(r"^\s*+\[[^\]\n]{0,300}\]\(https?://[^)\s]{1,2000}\)\s*$")
FINE_PRINT = re.compile(r"^[*_\s]*+<small>[^<]{0,500}</small>[*_\s.]*$", re.IGNORECASE)

# A paragraph is cut into blocks of at most this many characters (at line ends, or inside a line
# that is longer on its own) before any per-paragraph work: text extracted without blank lines
# would otherwise be one block the size of the file. Council paragraphs are under 2,000 characters;
# the chunker splits blocks further to the chunk size.
MAX_BLOCK_CHARS = 4000

# Repeated header: seen at least this many times, with at most this many lines between sightings.
# (A table's header repeated on each PDF page of the table; 3 and 150 lines ~ 3 pages of text.)
REPEAT_MIN = 3
REPEAT_MAX_GAP = 150


@dataclass
class Line:
    """One line of a file, with what cleaning learned about it."""

    number: int  # 1-based line number in the file's text
    text: str  # raw text of the line
    page: int | None = None
    page_start: bool = False
    kind: str = "text"  # text | blank | stamp | page_marker | page_break | header | page_number
    stamp_item: str | None = None

    @property
    def kept(self) -> bool:
        return self.kind in ("text", "blank")

    @property
    def blank(self) -> bool:
        return self.kind == "blank"

    @functools.cached_property
    def content(self) -> str:
        """The line without markup and outer whitespace: what rules look at.

        Cached (a line's text never changes): structure detection reads each line's content
        from the eight lines of every zone around it.
        """
        return strip_markup(self.text).strip()


@dataclass
class Block:
    """A paragraph, heading, bullet or table after re-flow, with where it came from."""

    text: str
    line_start: int
    line_end: int
    page: int | None
    kind: str  # paragraph | heading | bullet | table


def clean_lines(loaded: LoadedFile) -> list[Line]:
    """Split a loaded file into classified lines with page numbers."""
    lines: list[Line] = []
    for page in loaded.pages:
        for raw in page.text.split("\n"):
            lines.append(Line(number=len(lines) + 1, text=raw.rstrip("\r"), page=page.number))
    first_text = True
    for line in lines:
        if not line.text.strip() or not line.content:
            line.kind = "blank"
        elif match := STAMP.match(line.text):
            line.kind, line.stamp_item = "stamp", match.group(1)
        elif PAGE_MARKER.match(line.text):
            line.kind = "page_marker"
        elif (first_text and SOURCE_LINK.match(line.text)) or FINE_PRINT.match(line.text):
            line.kind = "header"
        first_text = first_text and line.kind == "blank"
    _mark_page_starts(lines)
    if not loaded.page_exact:
        _number_pages(lines)
    _mark_repeated_headers(lines)
    _mark_lone_page_numbers(lines)
    return lines


def _mark_page_starts(lines: list[Line]) -> None:
    """pdftotext-style text starts each page's first line with one space.

    The rule is only trusted in a file where it fires often enough to be the extraction's habit
    (at least 3 times and once per 150 non-blank lines); lower-case continuations and bullets
    with one leading space are not page starts.
    """
    candidates = [
        i for i, line in enumerate(lines)
        if line.kind != "blank" and re.match(r"^ [^\sa-z]", line.text)
        and not BULLET.match(line.text.strip() + " ")
    ]
    non_blank = sum(1 for line in lines if line.kind != "blank")
    has_markers = any(line.kind == "page_marker" for line in lines)
    if has_markers or (len(candidates) >= 3 and len(candidates) * 150 >= non_blank):
        for i in candidates:
            lines[i].page_start = True
    for i in _explicit_page_breaks(lines):
        lines[i].page_start = True
    if lines:
        lines[0].page_start = True


# An explicit page break: a form feed (pdftotext, print files) or a Markdown thematic break, which
# PDF-to-Markdown extractors write between pages.
PAGE_BREAK = re.compile(r"^\s*(?:\f|(?:-{3,}|\*{3,}|_{3,})\s*$)")


def _explicit_page_breaks(lines: list[Line]) -> list[int]:
    """Indexes of the first text line after each explicit page break.

    The break line itself is page furniture, and so is a bare page number right after it.
    """
    starts: list[int] = []
    pending = False
    for i, line in enumerate(lines):
        if PAGE_BREAK.match(line.text):
            if line.text.lstrip().startswith("\f") and line.text.strip("\f \t"):
                starts.append(i)
                continue
            line.kind = "page_break" if line.kind != "blank" else line.kind
            pending = True
            continue
        if pending and line.kind != "blank":
            if LONE_NUMBER.match(line.text):
                line.kind = "page_number"
                continue
            starts.append(i)
            pending = False
    return starts


def _number_pages(lines: list[Line]) -> None:
    """Approximate pages for text files: count page starts, anchored on "Page N of M" markers.

    Page-start detection misses some pages (a page that opens with a blank line carries no
    marker), so between two markers the count is stretched to fit the printed numbers; before the
    first and after the last marker it is counted as is. Without markers, pages are counted from
    1 when page starts were detected, and left unknown otherwise.
    """
    physical: list[int] = []
    count = 0
    for line in lines:
        if line.page_start:
            count += 1
        physical.append(count)
    anchors = [
        (i, int(PAGE_MARKER.match(line.text).group(1)))
        for i, line in enumerate(lines) if line.kind == "page_marker"
    ]
    if not anchors:
        if count >= 4:
            for i, line in enumerate(lines):
                line.page = physical[i]
        return
    following = 0  # anchors[following] is the first anchor at or after line i (one sweep)
    for i, line in enumerate(lines):
        while following < len(anchors) and anchors[following][0] < i:
            following += 1
        after = anchors[following] if following < len(anchors) else None
        before = anchors[following - 1] if following else None
        if before and after:
            span = physical[after[0]] - physical[before[0]]
            share = (physical[i] - physical[before[0]]) / span if span else 1.0
            page = before[1] + 1 + round(share * (after[1] - before[1] - 1))
        elif after:
            page = after[1] - (physical[after[0]] - physical[i])
        else:
            page = before[1] + max(1, physical[i] - physical[before[0]])
        line.page = page if page >= 1 else None


def _mark_repeated_headers(lines: list[Line]) -> None:
    """Drop all but the first of a short line repeated close together (a repeated page header).

    Where page starts are known, only lines at the top of a page qualify, so a bullet repeated in
    the body of a report ("- Previous 12 month cumulative performance average") stays. A
    council-name header is never dropped: it opens a document, it does not decorate a page; nor
    is a motion's label line (``_motion_label``).
    """
    has_pages = sum(line.page_start for line in lines) >= 3
    sightings: dict[str, list[int]] = defaultdict(list)
    lines_since_page_start = 99
    for i, line in enumerate(lines):
        if line.page_start:
            lines_since_page_start = 0
        if line.kind != "text":
            continue
        lines_since_page_start += 1
        content = line.content
        if (
            12 <= len(content) <= 120
            and not TERMINAL.search(content)
            and not content[:1].islower()
            and not BULLET.match(content)
            and not COUNCIL_HEADER.match(content)
            and (not has_pages or lines_since_page_start <= 3)
        ):
            sightings[key_of(content)].append(i)
    conventions = load_conventions()
    for positions in sightings.values():
        if len(positions) < REPEAT_MIN or _motion_label(lines[positions[0]].content, conventions):
            continue
        run = [positions[0]]
        for previous, current in zip(positions, positions[1:]):
            if current - previous <= REPEAT_MAX_GAP:
                run.append(current)
                continue
            _drop_run(lines, run)
            run = [current]
        _drop_run(lines, run)


def _motion_label(content: str, conventions: Conventions) -> bool:
    """"Seconded: Cr A Smith", "Carried unanimously": a line a meeting's record repeats, motion
    after motion, as often as a page header; it is the record, so never dropped as one."""
    return any(conventions.first(kind, content) for kind in ("proposer", "seconder", "outcome"))


def _drop_run(lines: list[Line], run: list[int]) -> None:
    if len(run) >= REPEAT_MIN:
        for i in run[1:]:
            lines[i].kind = "header"


def _mark_lone_page_numbers(lines: list[Line]) -> None:
    """A bare number just before a page start is a printed page number, not content."""
    for i, line in enumerate(lines):
        if line.kind != "text" or not LONE_NUMBER.match(line.text):
            continue
        before = _neighbour(lines, i, -1)
        after = _neighbour(lines, i, 1)
        if after is not None and lines[after].page_start and (
            before is None or not LONE_NUMBER.match(lines[before].text)
        ):
            line.kind = "page_number"


def _neighbour(lines: list[Line], i: int, step: int) -> int | None:
    j = i + step
    while 0 <= j < len(lines):
        if lines[j].kind == "text":
            return j
        if lines[j].kind not in ("blank",):
            j += step
            continue
        j += step
    return None


def is_heading_line(content: str) -> bool:
    """A short line that names a section: numbered ("3.2 Ofsted inspection") or in capitals."""
    if not content or len(content) > 90 or TERMINAL.search(content.rstrip(":")) and not content.endswith(":"):
        return False
    letters = [c for c in content if c.isalpha()]
    if len(letters) < 3:
        return False
    numbered = NUMBERED_HEADING.match(content)
    if numbered and numbered.group(2)[:1].isupper() and len(content.split()) <= 12:
        return True
    upper_share = sum(c.isupper() for c in letters) / len(letters)
    return upper_share > 0.8 and len(content.split()) <= 14


# A decision's label opens its own paragraph even where the text has no blank lines (PDF text):
# "RESOLVED: That ...", "Moved by ...", "Decision: ...".
DECISION_LABEL = re.compile(r"^\W{0,3}(?:resolved\b|moved\s+by\b|proposed\s+by\b|seconded\s+by\b|decision\s*:)",
                            re.I)


def reflow(lines: list[Line]) -> list[Block]:
    """Join hard-wrapped lines into paragraphs; keep headings, bullets and table rows apart.

    A blank line ends a paragraph unless the paragraph has no closing punctuation and the next
    line carries on in lower case (page breaks and double-spaced letters put blanks mid-sentence).
    """
    blocks: list[Block] = []
    current: list[Line] = []
    size = 0  # characters in current
    kind = "paragraph"

    def flush() -> None:
        nonlocal current, kind, size
        if current:
            blocks.extend(_make_blocks(current, kind))
        current, kind, size = [], "paragraph", 0

    def add(line: Line) -> None:
        nonlocal size, kind
        if current and size + len(line.text) > MAX_BLOCK_CHARS:
            carried = kind
            flush()  # a long paragraph goes on in a new block of the same kind
            kind = carried
        current.append(line)
        size += len(line.text) + 1

    kept = [line for line in lines if line.kept]
    for index, line in enumerate(kept):
        if line.blank:
            if current and kind in ("paragraph", "bullet") and _continues(current[-1], kept, index):
                continue
            flush()
            continue
        content = line.content
        if is_table_rule(line.text):
            continue
        row = line.text.strip()
        # (a Markdown table of two columns, "| AYES: | A, B |", holds one " | " a row)
        is_table_row = "\t" in row or row.count(" | ") >= 2 or (
            row.startswith("|") and row.endswith("|") and row.count("|") >= 3)
        if is_table_row:
            if kind != "table":
                flush()
                kind = "table"
            add(line)
            continue
        if kind == "table":
            flush()
        starts_new = (
            BULLET.match(content) is not None
            or (NUMBERED_HEADING.match(content) is not None and is_heading_line(content))
            or (is_heading_line(content) and not (current and _is_wrapped(current[-1], content)))
            or (DECISION_LABEL.match(content) is not None and bool(current)
                and TERMINAL.search(current[-1].content) is not None)
        )
        if starts_new:
            flush()
            kind = "bullet" if BULLET.match(content) else (
                "heading" if is_heading_line(content) else "paragraph")
            add(line)
            if kind == "heading" and len(content) < 90:
                flush()
            continue
        add(line)
    flush()
    return blocks


def _is_wrapped(previous: Line, content: str) -> bool:
    """True when ``content`` carries on the sentence of the previous line."""
    prev = previous.content
    return bool(prev) and not TERMINAL.search(prev) and (content[:1].islower() or prev.endswith(("-", ",")))


# A line that cannot end a paragraph: it stops on a joining word or on a title before its name
# ("... on the proposal of Councillor" / blank / "O'Hanlon, seconded by ...", double-spaced text).
UNFINISHED = re.compile(r"(?:,|\b(?:of|the|and|by|to|for|with|from|councillors?|cllrs?|mr|mrs|ms|dr)\.?)\s*$",
                        re.I)


def _continues(last: Line, kept: list[Line], blank_index: int) -> bool:
    if TERMINAL.search(last.content):
        return False
    if UNFINISHED.search(last.content):
        return next((not line.blank and not is_heading_line(line.content)
                     for line in kept[blank_index + 1:] if not line.blank), False)
    for line in kept[blank_index + 1:]:
        if not line.blank:
            first = line.content[:1]
            return first.islower() or (first.isdigit() and not NUMBERED_HEADING.match(line.content))
    return False


def _make_blocks(lines: list[Line], kind: str) -> list[Block]:
    """The block of ``lines``, cut into pieces of MAX_BLOCK_CHARS when one line is longer."""
    block = _make_block(lines, kind)
    if len(block.text) <= MAX_BLOCK_CHARS:
        return [block]
    return [dataclasses.replace(block, text=piece) for piece in fit_pieces(block.text, MAX_BLOCK_CHARS)]


def _make_block(lines: list[Line], kind: str) -> Block:
    if kind == "table":
        text = "\n".join(line.text.strip() for line in lines)
    else:
        parts: list[str] = []
        for line in lines:
            piece = line.text.strip()
            if parts and not (ends_with_wrapped_compound(parts[-1]) and piece[:1].islower()):
                parts.append(" ")  # a compound split at the line end keeps its hyphen, no space
            parts.append(piece)
        text = "".join(parts)
    pages = [line.page for line in lines if line.page is not None]
    return Block(text=text, line_start=lines[0].number, line_end=lines[-1].number,
                 page=pages[0] if pages else None, kind=kind)
