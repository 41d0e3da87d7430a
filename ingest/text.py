"""Small text helpers shared by cleaning, structure detection and chunking.

Two kinds of text are kept apart on purpose: the raw text a citation shows (faithful to the
source) and the normalised text that is indexed (quotes folded, markup removed, whitespace
collapsed) so that "Children’s" and "Children's" match.
"""

from __future__ import annotations

import html
import re

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ",
})
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,300}>")
_MD_LINK = re.compile(r"\[([^\]]{1,200})\]\((?:https?://|mailto:)[^)\s]{1,300}\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^<>\s]{1,300})>")
_TABLE_RULE = re.compile(r"^[\s\-\t|:=+]{8,}$")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
BULLET_GLYPHS = "•◼▪●○◦■□☐✓✔➢►▶‣⁃₋-–*"


def fold_quotes(text: str) -> str:
    """Curly quotes and dash variants to their ASCII forms; odd spaces to a plain space."""
    return text.translate(_QUOTES)


def strip_markup(text: str) -> str:
    """Remove HTML tags, Markdown bold/links and table rules left over from conversion."""
    text = _AUTOLINK.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = text.replace("**", "")
    text = _PRIVATE_USE.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def is_table_rule(line: str) -> bool:
    return bool(_TABLE_RULE.match(line)) and "-" in line


def collapse_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def normalise_for_index(text: str) -> str:
    """The indexed form of a passage: markup gone, quotes folded, tabs as cell separators."""
    text = strip_markup(text).replace("\t", " | ")
    return collapse_spaces(fold_quotes(text))


def key_of(text: str) -> str:
    """A comparison key for detecting repeated header lines: letters and digits only."""
    return re.sub(r"[^a-z0-9]+", "", fold_quotes(strip_markup(text)).lower())


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9•\-])")
_ABBREVIATIONS = re.compile(
    r"\b(?:Cllr|Dr|Mr|Mrs|Ms|Prof|No|Nos|St|Co|Ltd|etc|e\.g|i\.e|c|approx|para|paras|vs|Jan|Feb|"
    r"Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|[A-Z])\.$"
)


_NON_SPACE = re.compile(r"\S")
_ABBREVIATION_WINDOW = 12  # longer than any abbreviation with its full stop


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, not cutting after common abbreviations ("Cllr.", "Dr.", "e.g.").

    A candidate sentence is never copied or searched whole while it grows (only the few
    characters before each full stop are), so text full of abbreviations costs linear time.
    """
    pieces: list[str] = []
    start = 0
    first = _first_non_space(text, 0)
    for match in _SENTENCE_END.finditer(text):
        end = match.start()  # just after the stop: a candidate has no trailing space
        if end - first < 3 or _ABBREVIATIONS.search(text, max(first, end - _ABBREVIATION_WINDOW), end):
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


def ends_with_wrapped_compound(text: str) -> bool:
    """True when ``text`` ends in a letter and a hyphen: a compound split at a line end.

    Looks at the last two characters only, so joining many lines stays linear.
    """
    return len(text) >= 2 and text[-1] == "-" and text[-2].isascii() and text[-2].isalpha()


def fit_pieces(text: str, size: int) -> list[str]:
    """``text`` in pieces of at most ``size`` characters: whole if it fits, else its sentences,
    else cut at the last space before the limit, else (no space in the second half) at the limit.

    Text extracted without punctuation or line breaks (a table flattened by a PDF converter, a
    run-on OCR page) must still make chunks the embedding model can read whole.
    """
    if len(text) <= size:
        return [text]
    sentences = split_sentences(text)
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
