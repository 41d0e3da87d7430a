"""The one tokenizer of the project: words of questions and passages as comparable terms.

Keyword search (``vectorstore.bm25_store``), the sentence scorer of fusion and the extractive
backend all read text through ``terms`` / ``stem_set``, so a word that matches in one matches in
the others. Stemming is the Snowball English stemmer of PyStemmer (a maintained C
implementation of Porter's Snowball algorithm), which is what SQLite FTS5's ``porter`` tokenizer
and most search engines do too. Numbers are not stemmed: they are reduced to one spelling
("£1,200,000" and "1200000" meet; "3.5%" is "3.5"), because questions and papers print them
differently.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import Stemmer

# A word as questions and papers write it: letters, digits, money and percentages, with inner
# apostrophes, points, commas and hyphens ("£1,200", "3.5%", "children's", "call-in"); ``findall``
# gives the words (group 1). In linear time: a word is read from the start of a run of word
# characters only (the lookbehinds), and each step of the possessive loop takes one run of inner
# marks and one letter or digit, so "£.£.£..." is not rescanned from every "£" (as a greedy
# middle that backtracks to a last letter was). Letters are ASCII: docs/rules.md (0.14.0) has
# what reading accented letters too did.
WORD = re.compile(r"(?<![A-Za-z0-9])(?<!['’£%.,\-])['’.,\-]*+"
                  r"([A-Za-z0-9£%](?:['’£.,\-]*+[A-Za-z0-9%])++|[A-Za-z0-9])")
# The parts of a word that are terms of their own: "call-in" is "call" and "in", "Adare-Rathkeale"
# is "adare" and "rathkeale" (a question may write either with a space), "e.g." is "e" and "g".
_PART = re.compile(r"[a-z0-9']+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_NUMBER_EDGES = "£$€%.,'-"
# An acronym's plural ("KPIs", "MPs"): Snowball keeps the "s" of a word without a vowel before it.
_ACRONYM_PLURAL = re.compile(r"(?<![A-Z])[A-Z]{2,}+s")  # from a run's start only: linear
# Bump when ``terms`` changes what it returns: saved keyword indexes carry it in their fingerprint.
TOKENIZER_VERSION = "snowball-english-1"

# PyStemmer's Stemmer objects are not safe to share between threads (the web UI answers on
# several): one per thread.
_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The term of one word: lower case, curly apostrophe and possessive gone, then Snowball
    English ("requests", "requested", "requesting" -> "request"); a word with a digit is
    returned as a number (see ``word_terms``)."""
    if _ACRONYM_PLURAL.fullmatch(word):
        word = word[:-1]
    word = word.lower().replace("’", "'")
    if any(ch.isdigit() for ch in word):
        return _THOUSANDS.sub("", word).strip(_NUMBER_EDGES)
    parts = [re.sub(r"'s?$", "", part).strip("'") for part in _PART.findall(word)]
    return "-".join(_stemmer().stemWord(part) for part in parts if part)


@lru_cache(maxsize=65536)
def word_terms(word: str, stopwords: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The terms of one ``WORD`` match: a number is one term, a hyphenated or dotted word one
    term per part; parts in ``stopwords`` (lower case, before stemming) are left out."""
    lowered = word.lower().replace("’", "'")
    if any(ch.isdigit() for ch in lowered):
        number = stem(lowered)
        return (number,) if number else ()
    if _ACRONYM_PLURAL.fullmatch(word):
        lowered = lowered[:-1]
    return tuple(t for t in (stem(part) for part in _PART.findall(lowered)
                             if part not in stopwords and re.sub(r"'s?$", "", part) not in stopwords)
                 if t)


def terms(text: str, stopwords: frozenset[str] = frozenset()) -> list[str]:
    """The terms of a text in order, leaving out the words in ``stopwords``. This is what BM25
    indexes and searches (with ``stopwords.STOPWORDS``)."""
    out: list[str] = []
    for word in WORD.findall(text):
        out.extend(word_terms(word, stopwords))
    return out


def stem_set(text: str) -> set[str]:
    """The set of a text's terms, stopwords included (see ``terms``)."""
    return set(terms(text))
