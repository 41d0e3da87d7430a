"""Sentences of council papers as they were printed: wrapped lines joined, headings, captions
and scraps left out.

Shared by retrieval (which passage holds one sentence with most of the question's terms) and the
extractive backend (which sentences answer). PDF text breaks lines mid-sentence, splits bullets
across pages and strands headings, numbering and figure captions between sentences, so the
splitter works on reflowed paragraph units rather than raw lines.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from minutes_core.text.stems import WORD, stem_set

# Passages whose sentences and stems are kept: the bundled index has ~560, and a warm assistant
# reads the same passages for retrieval's sentence match and for the answer, again and again.
CACHED_PASSAGES = 4096
# Fewer words than this is a scrap (a label, a page number), not a sentence.
MIN_SENTENCE_WORDS = 4
# Lines up to this long without closing punctuation are headings ("1. Introduction").
TITLE_CHARS = 60
# Words whose full stop does not end a sentence (with any single letter: initials, "c." dates).
ABBREVIATIONS = frozenset({
    "cllr", "cllrs", "cmhlr", "dr", "mr", "mrs", "ms", "st", "no", "nos", "vs", "v", "etc", "eg", "ie", "e.g",
    "i.e", "c", "ca", "approx", "para", "paras", "p", "pp", "fig", "prof", "rev", "ref", "cf",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc",
    "incl", "ltd", "co", "dept", "govt", "min", "max", "est", "al",
})
_BULLET = re.compile(r"^\s*(?:[-–•◼●✓▪*₋◦]|\(?[a-zA-Z0-9]{1,3}[.)])\s+")
_HEADING = re.compile(r"^\s*(?:\d{1,2}(?:\.\d+)*\.?\s+)?[A-Z0-9][A-Z0-9 ’'&()/,:\-–]{2,}$")
_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9£])")
# A sentence end inside a paragraph: . ! or ? (and a closing quote or bracket), then a capital,
# digit, bullet or opening quote.
_PARAGRAPH_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9•\-])")
_LAST_WORD = re.compile(r"[A-Za-z.]+$")
_TERMINAL = re.compile(r"[.!?:;][\"”’)]*$")
_WORD_WINDOW = 16  # longer than any abbreviation with its dots
_NON_SPACE = re.compile(r"\S")
_NUMBERING = re.compile(r"(?<!\s)\s*\(?\d{1,2}(\.\d+)*")  # "1.", "(2.3." opening a paragraph
_NUMBERING_CHARS = 24
# "(Figure 16) Figure 16: Timeliness of ...": a caption names a chart, it does not say anything.
_CAPTION = re.compile(r"^\(?(?:Figure|Fig\.|Table|Chart|Graph|Diagram)\s+\d+[a-z]?\)?\s*(?:[:.–—-]|\(|$|"
                      r"(?:Figure|Fig\.|Table|Chart|Graph|Diagram)\s+\d)", re.I)


def passage_units(text: str) -> list[str]:
    """Sentence units of a passage: lines that belong to one sentence joined, bullets and headings
    kept apart.

    Files are re-flowed once, at ingest (``ingest.clean.reflow``, lines to blocks with their pages).
    A passage's lines are those blocks, but layouts still break one statement over several short
    blocks (a "Chair:" label and the name after it, a bullet carried over a page); this joins them back
    for the sentence splitter. A blank line ends a unit only when the text before it ends a
    sentence or the text after it starts with a capital. A short single line without closing
    punctuation followed by a capitalised line is a heading. (Splitting passages at their lines
    instead changed 8 answers of the bundled eval suite, 5 for the worse.)
    """
    units: list[str] = []
    current = ""
    lines_in_current = 0
    blank = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            blank = bool(current)
            continue
        starts_new = (
            not current
            or _BULLET.match(line) is not None
            or _HEADING.match(line) is not None
            or _HEADING.match(current) is not None
            or (blank and (_TERMINAL.search(current) is not None or not line[:1].islower()))
            or (lines_in_current == 1 and _is_title(current) and line[:1].isupper())
        )
        if starts_new:
            if current:
                units.append(current)
            current, lines_in_current = line, 1
        elif current.endswith("-") and current[-2:-1].isalpha():
            current += line  # a compound word wrapped at its hyphen keeps the hyphen
            lines_in_current += 1
        else:
            current += " " + line
            lines_in_current += 1
        blank = False
    if current:
        units.append(current)
    return units


def _is_title(unit: str) -> bool:
    """A heading-like unit: short, not closed by sentence punctuation, and no list of parts.

    A line with commas ("Rachel O'Connor, Assistant Chief Executive, Westvale and Eastbrook
    CCG") is a record of who is who, the answer to a question about a person's role. A lettered
    or bulleted line is an item of a list ("b) Roman Catholic diocese representative (one); and").
    """
    return len(unit) <= TITLE_CHARS and _TERMINAL.search(unit) is None and "," not in unit \
        and not _BULLET.match(unit)


def ends_with_abbreviation(text: str, initials: str = "any", start: int = 0, end: int | None = None) -> bool:
    """Whether the last word of ``text[start:end]`` (the text before a full stop) is an
    abbreviation or an initial, so the full stop does not end a sentence ("Cllr.", "e.g.", "J.").

    ``initials="capital"`` counts only a capital letter standing alone as an initial, so "£7m."
    ends a sentence; ``"any"`` (passages) also takes "£7m." and "c." for an abbreviation. Only a
    few characters before ``end`` are read (no copy of a growing sentence), so a splitter that
    asks at every full stop of a long paragraph stays linear.
    """
    end = len(text) if end is None else end
    raw = _word_before(text, start, end)
    word = raw.lower()
    if word in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():
        return initials == "any" or (raw.isupper() and not (end - 2 >= start and text[end - 2].isalnum()))
    return False


def _word_before(text: str, start: int, end: int) -> str:
    """The word (letters and dots) ending at ``end``, without outer dots, as written.

    Looked for in a short window: a longer run of letters is no abbreviation, so "" stands for it.
    """
    low = max(start, end - _WORD_WINDOW)
    match = _LAST_WORD.search(text, low, end)
    if match is None or (match.start() == low and low > start and _LAST_WORD.match(text[low - 1])):
        return ""
    return match.group(0).strip(".")


def split_paragraph(text: str) -> list[str]:
    """Sentences of one paragraph exactly as written (chunking and records): nothing is dropped.

    A candidate sentence is never copied or searched whole while it grows (only the few
    characters before each full stop are), so text full of abbreviations costs linear time.
    """
    pieces: list[str] = []
    start = 0
    first = _first_non_space(text, 0)
    for match in _PARAGRAPH_SENTENCE_END.finditer(text):
        end = match.start()  # just after the stop: a candidate has no trailing space
        if end - first < 3 or (text[end - 1] == "." and ends_with_abbreviation(text, "capital", first, end - 1)):
            continue
        pieces.append(text[first:end])
        start = match.end()
        first = _first_non_space(text, start)
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


def _first_non_space(text: str, start: int) -> int:
    match = _NON_SPACE.search(text, start)
    return match.start() if match else len(text)


def fit_pieces(text: str, size: int) -> list[str]:
    """``text`` in pieces of at most ``size`` characters: whole if it fits, else its sentences,
    else cut at the last space before the limit, else (no space in the second half) at the limit.

    Text extracted without punctuation or line breaks (a table flattened by a PDF converter, a
    run-on OCR page) must still make chunks the embedding model can read whole.
    """
    if len(text) <= size:
        return [text]
    sentences = split_paragraph(text)
    if len(sentences) > 1:
        return [piece for sentence in sentences for piece in fit_pieces(sentence, size)]
    pieces: list[str] = []
    start = 0
    while len(text) - start > size:
        cut = text.rfind(" ", start + size // 2, start + size + 1)
        end = cut if cut > start else start + size
        pieces.append(text[start:end].strip())
        start = end + 1 if cut > start else end
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


def ends_with_wrapped_compound(text: str) -> bool:
    """True when ``text`` ends in a letter and a hyphen: a compound split at a line end.

    Looks at the last two characters only, so joining many lines stays linear.
    """
    return len(text) >= 2 and text[-1] == "-" and text[-2].isascii() and text[-2].isalpha()


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage, as in the source (whitespace aside); headings and scraps dropped."""
    sentences: list[str] = []
    for unit in passage_units(text):
        if _HEADING.match(unit) or _is_title(unit):
            continue
        body = _BULLET.sub("", unit, count=1) if unit.lstrip()[:1] in "-–•◼●✓▪*₋◦" else unit
        start = 0
        for match in _SENTENCE_END.finditer(body):
            # Only the text just before the stop is looked at (no copy of the growing sentence),
            # so a passage of many abbreviations costs linear time.
            if ends_with_abbreviation(body, start=start, end=match.start()):
                continue
            if match.start() - start <= _NUMBERING_CHARS and _NUMBERING.fullmatch(body[start:match.start()]):
                continue  # "1. The committee..." numbering, not a sentence
            sentences.append(body[start: match.end()].strip())
            start = match.end()
        sentences.append(body[start:].strip())
    return [s for s in sentences
            if _has_words(s, MIN_SENTENCE_WORDS) and not _is_title(s) and not _is_parenthetical(s)
            and not _CAPTION.match(s)]


def _has_words(text: str, count: int) -> bool:
    """Whether ``text`` holds at least ``count`` words; stops at the count (no list of every word)."""
    return sum(1 for _ in islice(WORD.finditer(text), count)) >= count


def _is_parenthetical(sentence: str) -> bool:
    """A sentence that is only a remark in brackets ("(See Appendix 2).")."""
    body = sentence[:-1] if sentence.endswith(").") else sentence
    return len(body) >= 2 and body[0] == "(" and body[-1] == ")" and "\n" not in body


@lru_cache(maxsize=CACHED_PASSAGES)
def stemmed_sentences(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """(sentence, its stems) for each sentence of a passage (``split_sentences``), cached."""
    return tuple((sentence, frozenset(stem_set(sentence))) for sentence in split_sentences(text))
