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
    r"\b(?:Cllrs?|Cmhlr|Dr|Mr|Mrs|Ms|Prof|No|Nos|St|Co|Ltd|etc|e\.g|i\.e|c|approx|para|paras|vs|Jan|Feb|"
    r"Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|[A-Z])\.$"
)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, not cutting after common abbreviations ("Cllr.", "Dr.", "e.g.")."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start:match.start()].strip()
        if _ABBREVIATIONS.search(candidate) or len(candidate) < 3:
            continue
        pieces.append(candidate)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces
