"""Chunking that respects the structure of committee papers.

Chunks never cross documents or agenda items. A RESOLVED block and a meeting's opening (its
heading and the attendance lists that follow it) are kept whole (a chunk holding half a
resolution misquotes it; "who chaired the meeting of 3 December" needs the heading's date and the
list in one passage); table rows are not split mid-row. Every chunk's indexed text starts with a contextual header (committee, meeting
date, document, item, section), so a passage holding only "RESOLVED: ... noted" still matches a
question naming the meeting or the topic; the cited text stays the raw passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.attendance import find_sections, label_of
from ingest.clean import Block, reflow
from ingest.conventions import Conventions, load_conventions
from minutes_core.text.dates import human_date
from ingest.models import Chunk, Document
from ingest.structure import ParsedDocument, minutes_items
from minutes_core.text.normalise import normalise_for_index
from minutes_core.text.sentences import fit_pieces, split_paragraph

RESOLVED = re.compile(r"^\W*resolved\b", re.IGNORECASE)
BOILERPLATE_ITEMS = re.compile(
    r"notice of recording|webcast|authority to chair|other urgent business|"
    r"date (?:and time )?of (?:the )?next meeting|date of future meetings",
    re.IGNORECASE,
)
BOILERPLATE_TEXT = re.compile(
    r"webcast for live or subsequent broadcast|in an urgent situation between meetings|"
    r"^\W*none\W*$|^\W*no (?:requests|items|urgent business)\b",
    re.IGNORECASE | re.MULTILINE,
)
# A unit this much larger than chunk_size is split even if it should stay whole.
ATOMIC_STRETCH = 2.5


@dataclass
class Unit:
    """A piece that goes into a chunk whole: a paragraph, a table, a RESOLVED block."""

    text: str
    line_start: int
    line_end: int
    page: int | None
    item: str | None
    item_title: str | None
    section: str | None
    is_decision: bool = False
    is_attendance: bool = False
    breakable: bool = True


def chunk_document(parsed: ParsedDocument, loaded_checksum: str, page_exact: bool,
                   chunk_size: int, chunk_overlap: int,
                   conventions: Conventions | None = None) -> list[Chunk]:
    """The chunks of one detected document.

    ``conventions`` say how attendance lists are labelled (``ingest.conventions``; the default set
    when None), the same rules that read the attendance records.
    """
    doc = parsed.document
    if not doc.indexable:
        return []
    units = _units(parsed, conventions or load_conventions(), chunk_size)
    chunks: list[Chunk] = []
    for group in _groups(units):
        for pieces in _pack(group, chunk_size, chunk_overlap):
            chunks.append(_make_chunk(doc, pieces, len(chunks), loaded_checksum, page_exact))
    return chunks


def _units(parsed: ParsedDocument, conventions: Conventions, size: int) -> list[Unit]:
    doc = parsed.document
    blocks = reflow(parsed.lines)
    items = _item_starts(parsed)
    opening = _opening(parsed, blocks, items, conventions, size)
    units: list[Unit] = []
    section: str | None = None
    deciding = False  # inside a RESOLVED block, which runs to the end of its item
    for block in blocks:
        item, item_title, starts_item = _item_at(items, block, doc)
        if starts_item:
            deciding, section = False, None
        content = block.text.strip()
        in_opening = opening is not None and opening[0] <= block.line_end and block.line_start <= opening[2]
        if in_opening and block.kind == "heading" and block.line_start > opening[1] \
                and not label_of(content, conventions):
            opening = None  # a heading that opens no list: the discussion has begun
            in_opening = False
        if RESOLVED.match(content):
            deciding = True
        elif block.kind == "heading" and not starts_item and not in_opening:
            section = re.sub(r"\s+", " ", content.strip("* "))[:120]
        units.append(Unit(
            text=block.text, line_start=block.line_start, line_end=block.line_end, page=block.page,
            item=item, item_title=item_title, section=None if in_opening else section,
            is_decision=deciding, is_attendance=in_opening, breakable=block.kind != "table",
        ))
    return units


def _opening(parsed: ParsedDocument, blocks: list[Block], items: list[tuple[int, str, str]],
             conventions: Conventions, size: int) -> tuple[int, int, int] | None:
    """First line, first list label and last line of a set of minutes' opening: its heading and
    the attendance lists.

    The lists are found by the attendance conventions (``ingest.attendance.find_sections``) before
    the first item, as the attendance records are. The heading before them joins them when it is
    short (at most ``size`` characters): the meeting's date and venue and who was there then sit
    in one passage. None when the document has no attendance list.
    """
    if parsed.document.doc_type != "minutes":
        return None
    first_item = items[0][0] if items else None
    lines = [line for line in parsed.lines if first_item is None or line.number < first_item]
    sections = find_sections(lines, conventions)
    if not sections:
        return None
    start = sections[0].line
    end = max([section.line for section in sections] + [line.number for s in sections for line in s.lines])
    heading = sum(len(block.text) for block in blocks if block.line_end < start)
    # A long preamble stays ordinary text; then only the lists are the opening.
    return (0 if heading <= size else start), start, end


def _item_starts(parsed: ParsedDocument) -> list[tuple[int, str, str]]:
    """(line number, number, title) where each item starts: minutes items, or agenda items."""
    if parsed.document.doc_type == "minutes":
        return [(parsed.lines[i].number, n, t) for i, n, t in minutes_items(parsed.lines)]
    if parsed.document.doc_type == "agenda":
        return [(a.line, a.number, a.title) for a in parsed.agenda_items]
    return []


def _item_at(items: list[tuple[int, str, str]], block: Block, doc: Document):
    current = None
    for start, number, title in items:
        if start <= block.line_start:
            current = (start, number, title)
    if current is None:
        return doc.item, doc.item_title, False
    start, number, title = current
    return number, title, block.line_start <= start <= block.line_end


def _groups(units: list[Unit]) -> list[list[Unit]]:
    """Consecutive units of the same item: chunks never cross an item."""
    groups: list[list[Unit]] = []
    for unit in units:
        if groups and groups[-1][-1].item == unit.item:
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return groups


def _pack(units: list[Unit], size: int, overlap: int) -> list[list[Unit]]:
    """Greedy packing of units into chunks of about ``size`` characters.

    A decision or attendance block is one whole unit (joined first), a chunk closes before a new
    section heading once it is reasonably full, and consecutive chunks of one section share up to
    ``overlap`` characters of trailing sentences.
    """
    merged = _merge_atomic(units)
    chunks: list[list[Unit]] = []
    current: list[Unit] = []
    length = 0
    for unit in merged:
        pieces = [unit] if len(unit.text) <= size * (ATOMIC_STRETCH if not unit.breakable or
                                                       unit.is_decision or unit.is_attendance else 1) \
            else _split_unit(unit, size)
        for piece in pieces:
            new_section = current and piece.section != current[-1].section
            # A decision or attendance block opens its own chunk, unless what came before is only a
            # short header (a meeting's heading stays with its attendance list).
            special_change = current and (piece.is_decision != current[-1].is_decision
                                          or piece.is_attendance != current[-1].is_attendance) \
                and not (length < size * 0.4 and not current[-1].is_decision
                         and not current[-1].is_attendance)
            if current and (length + len(piece.text) > size
                            or (new_section and length > size * 0.4) or special_change):
                chunks.append(current)
                tail = _overlap_tail(current, overlap) if not (new_section or special_change) else None
                current, length = ([tail], len(tail.text)) if tail else ([], 0)
            current.append(piece)
            length += len(piece.text) + 1
    if current:
        chunks.append(current)
    return chunks


def _merge_atomic(units: list[Unit]) -> list[Unit]:
    """Join the consecutive units of one decision or attendance block into a single unit.

    Each run is joined once at its end (not unit by unit), so a long block costs linear time.
    """
    runs: list[list[Unit]] = []
    for unit in units:
        previous = runs[-1][-1] if runs else None
        if previous and ((unit.is_decision and previous.is_decision) or
                         (unit.is_attendance and previous.is_attendance)) and previous.item == unit.item:
            runs[-1].append(unit)
        else:
            runs.append([unit])
    merged: list[Unit] = []
    for run in runs:
        if len(run) == 1:
            merged.append(run[0])
            continue
        first, last = run[0], run[-1]
        merged.append(Unit(
            text="\n".join(unit.text for unit in run), line_start=first.line_start,
            line_end=last.line_end, page=first.page, item=last.item,
            item_title=last.item_title, section=first.section,
            is_decision=last.is_decision, is_attendance=last.is_attendance, breakable=True,
        ))
    return merged


def _split_unit(unit: Unit, size: int) -> list[Unit]:
    """Split an oversized unit at row (table) or sentence boundaries, each piece at most ``size``."""
    joiner = "\n" if "\n" in unit.text else " "
    parts = unit.text.split("\n") if joiner == "\n" else split_paragraph(unit.text)
    out: list[Unit] = []
    buffer = ""
    for part in (piece for part in parts for piece in fit_pieces(part, size)):
        if buffer and len(buffer) + len(part) + 1 > size:
            out.append(_piece(unit, buffer))
            buffer = part
        else:
            buffer = f"{buffer}{joiner}{part}" if buffer else part
    if buffer:
        out.append(_piece(unit, buffer))
    return out


def _piece(unit: Unit, text: str) -> Unit:
    return Unit(text=text, line_start=unit.line_start, line_end=unit.line_end, page=unit.page,
                item=unit.item, item_title=unit.item_title, section=unit.section,
                is_decision=unit.is_decision, is_attendance=unit.is_attendance, breakable=True)


def _overlap_tail(units: list[Unit], overlap: int) -> Unit | None:
    """The last sentences of a closed chunk (up to ``overlap`` characters), to open the next one."""
    if overlap <= 0:
        return None
    last = units[-1]
    if not last.breakable or last.is_decision or last.is_attendance:
        return None
    tail = ""
    for sentence in reversed(split_paragraph(last.text)):
        if len(tail) + len(sentence) + 1 > overlap:
            break
        tail = f"{sentence} {tail}".strip()
    return _piece(last, tail) if tail and tail != last.text else None


def _make_chunk(doc: Document, units: list[Unit], index: int, checksum: str, page_exact: bool) -> Chunk:
    text = "\n".join(unit.text for unit in units).strip()
    first = units[0]
    is_decision = any(unit.is_decision for unit in units)
    item_title = first.item_title
    metadata = {
        "source": doc.source, "path": doc.path, "checksum": checksum, "url": doc.url,
        "doc_id": doc.doc_id, "doc_ordinal": doc.ordinal, "doc_type": doc.doc_type,
        "title": doc.title, "committee": doc.committee, "committee_printed": doc.committee_printed,
        "meeting_date": doc.meeting_date, "pack_date": doc.pack_date, "doc_date": doc.doc_date,
        "item": first.item, "item_title": item_title, "section": first.section,
        "page": first.page, "page_exact": page_exact,
        "line_start": first.line_start, "line_end": units[-1].line_end, "chunk_index": index,
        "is_decision": is_decision,
        "is_boilerplate": bool(
            (item_title and BOILERPLATE_ITEMS.search(item_title))
            or (BOILERPLATE_TEXT.search(text) and len(text) < 600)
        ),
        "is_attendance": any(unit.is_attendance for unit in units),
    }
    return Chunk(text=text, index_text=f"{context_header(metadata)}\n{normalise_for_index(text)}",
                 metadata=metadata)


def context_header(metadata: dict) -> str:
    """One line saying where a passage sits: committee · meeting · document · item · section."""
    parts = [metadata.get("committee") or ""]
    printed = metadata.get("committee_printed")
    if printed and printed.lower() != (metadata.get("committee") or "").lower():
        parts.append(f"(printed: {printed})")
    if metadata.get("meeting_date"):
        parts.append(f"meeting {human_date(metadata['meeting_date'])}")
    parts.append(metadata.get("title") or "")
    if metadata.get("item"):
        parts.append(f"item {metadata['item']} {metadata.get('item_title') or ''}".strip())
    if metadata.get("section"):
        parts.append(metadata["section"])
    if metadata.get("is_decision"):
        parts.append("decision RESOLVED")
    return normalise_for_index(" · ".join(p for p in parts if p))
