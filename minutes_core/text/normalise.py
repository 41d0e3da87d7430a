"""Text normalisation: the one place that decides which differences of typography do not count.

Two kinds of text are kept apart on purpose: the raw text a citation shows (faithful to the
source) and normalised forms for comparing: ``normalise_for_index`` (what is indexed),
``match_form`` (what duplicate detection and the eval's gold matching compare), ``key_of``
(repeated header lines) and ``name_key`` (committee and body names), so that "Children’s" and
"Children's" match.
"""

from __future__ import annotations

import html
import re

_QUOTE_FOLDS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
}
_DASH_AND_SPACE_FOLDS = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ",
}
_QUOTES_ONLY = str.maketrans(_QUOTE_FOLDS)
_QUOTES = str.maketrans({**_QUOTE_FOLDS, **_DASH_AND_SPACE_FOLDS})
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,300}>")
_MD_LINK = re.compile(r"\[([^\]]{1,200})\]\((?:https?://|mailto:)[^)\s]{1,300}\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^<>\s]{1,300})>")
_TABLE_RULE = re.compile(r"^[\s\-\t|:=+]{8,}$")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_ANY_TAG = re.compile(r"<[^>]+>")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_OS_BRACKETS = re.compile(r"\(\s*o\s*&\s*s\s*\)")
_OS = re.compile(r"\bo\s*&\s*s\b")
_OVERVIEW_AMP = re.compile(r"overview\s*&\s*scrutiny")
_PUBLIC_MEETING = re.compile(r"[-–—]\s*public meeting")
_SUB_COMMITTEE = re.compile(r"\bsub\s*+(?:[-–]\s*+)?committee")  # Sub-Committee, Subcommittee
_NOT_NAME = re.compile(r"[^a-z0-9' ]+")
BULLET_GLYPHS = "•◼▪●○◦■□☐✓✔➢►▶‣⁃₋-–*"


def fold_quotes(text: str) -> str:
    """Curly quotes and dash variants to their ASCII forms; odd spaces to a plain space."""
    return text.translate(_QUOTES)


def fold_quote_marks(text: str) -> str:
    """Curly quotes and primes to their ASCII forms; dashes and spaces kept as they are."""
    return text.translate(_QUOTES_ONLY)


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


def match_form(text: str, tags: bool = False, thousands: bool = False, dashes: bool = True) -> str:
    """Lower case, quotes and dashes folded, bold markup gone, whitespace collapsed.

    ``tags`` also blanks HTML tags (two extractions of one paper, one from HTML: duplicate
    detection); ``thousands`` drops thousands separators between digits ("1,929" -> "1929": a
    gold answer and a passage may print a number either way). No stemming, accent folding or
    punctuation removal: a gold string must still appear word for word. ``dashes=False`` keeps
    dash variants apart (duplicate fingerprints stored by earlier releases were made that way).
    """
    text = (fold_quotes(text) if dashes else fold_quote_marks(text)).replace("**", "")
    if tags:
        text = _ANY_TAG.sub(" ", text)
    if thousands:
        text = _THOUSANDS.sub("", text)
    return collapse_spaces(text).lower()


def name_key(name: str) -> str:
    """Comparison key of a committee or body name (as printed or as a question writes it):
    lower case, quotes folded, "O&S" spelled out, "Sub-Committee"/"Subcommittee" as "sub committee",
    punctuation and a "- public meeting" suffix gone."""
    text = fold_quotes(strip_markup(name)).lower()
    text = _OS_BRACKETS.sub(" ", text)
    text = _OS.sub("overview and scrutiny", text)
    text = _OVERVIEW_AMP.sub("overview and scrutiny", text)
    text = _PUBLIC_MEETING.sub(" ", text)
    text = _SUB_COMMITTEE.sub("sub committee", text)
    text = _NOT_NAME.sub(" ", text.replace("&", " and "))
    return collapse_spaces(text)


def key_of(text: str) -> str:
    """A comparison key for detecting repeated header lines: letters and digits only."""
    return re.sub(r"[^a-z0-9]+", "", fold_quotes(strip_markup(text)).lower())
