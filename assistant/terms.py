"""Words of questions and passages, reduced to comparable terms without a dictionary.

Shared by the extractive backend (which sentence shares the question's terms) and fusion (does
the question ask about a procedural item by name). The stemmer is deliberately light: council
papers are full of names, codes and numbers that a linguistic stemmer would mangle.
"""

from __future__ import annotations

import re

from assistant.filters import without_dates

WORD = re.compile(r"[A-Za-z0-9£%][A-Za-z0-9'’£%.,\-]*[A-Za-z0-9%]|[A-Za-z0-9]")
STOPWORDS = {
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "by", "with", "from",
    "about", "as", "into", "is", "are", "was", "were", "be", "been", "being", "do", "does", "did",
    "has", "have", "had", "what", "which", "who", "whom", "whose", "when", "where", "why", "how",
    "many", "much", "that", "this", "these", "those", "it", "its", "there", "their", "they",
    "them", "any", "all", "some", "can", "could", "would", "should", "will", "shall", "may",
    "not", "no", "yes", "i", "we", "you", "our", "my", "me", "tell", "give", "list", "show",
    "please", "also", "than", "then", "so", "if", "but", "last", "latest", "current", "recent",
    "most", "now",
}
# Frame words name the kind of answer, not its topic: they count for less in term overlap.
_FRAME_WORDS = ("say", "said", "happen", "note", "mention", "committee", "meeting", "member",
               "resolve", "resolved", "decide", "decided", "agree", "agreed")
FRAME_WEIGHT = 0.5
NUMBER_WEIGHT = 2.0
NAME_WEIGHT = 1.5


def stem(word: str) -> str:
    """A light suffix-stripper, so 'requests', 'requested' and 'request' meet (no dictionary).

    A plural ending goes first, then a verb ending: 'meetings' -> 'meeting' -> 'meet'.
    """
    word = word.lower().replace("’", "'")
    word = re.sub(r"'s?$", "", word)
    if any(ch.isdigit() for ch in word):
        return word.rstrip(".,")
    if word.endswith("ies") and len(word) >= 5:
        word = word[:-3] + "y"
    elif re.search(r"(ss|x|z|ch|sh)es$", word) and len(word) >= 5:
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us")) and len(word) >= 4:
        word = word[:-1]
    for suffix, minimum in (("ing", 6), ("ed", 5), ("e", 6)):
        if word.endswith(suffix) and len(word) >= minimum:
            return word[: -len(suffix)]
    return word


def stem_set(text: str) -> set[str]:
    """The stems of a text's words (see ``stem``)."""
    return {stem(w) for w in WORD.findall(text)}


def weighted_terms(query: str) -> dict[str, float]:
    """Query content words (stemmed) and their weights: numbers and names count more.

    Dates are left out: they name the meeting (a filter), and the sentences that answer rarely
    repeat them.
    """
    terms: dict[str, float] = {}
    words = WORD.findall(without_dates(query))
    for position, word in enumerate(words):
        if word.lower() in STOPWORDS:
            continue
        term = stem(word)
        if not term:
            continue
        if any(ch.isdigit() for ch in word):
            weight = NUMBER_WEIGHT
        elif position == 1 and words[0].lower() in {"who", "whom"}:
            weight = NAME_WEIGHT  # the verb of "who presented ...?" must be in the answer
        elif term in _FRAME:
            weight = FRAME_WEIGHT
        elif position > 0 and word[:1].isupper():
            weight = NAME_WEIGHT
        else:
            weight = 1.0
        terms[term] = max(terms.get(term, 0.0), weight)
    return terms


_FRAME = {stem(w) for w in _FRAME_WORDS}

# The noun a question asks for: "which INSPECTORS carried out ...", "what CAMPAIGN did ...",
# "whose DEATH ...", "who were the INSPECTORS ...". Up to three words after the question word,
# ending at the first stopword (the auxiliary of "what campaign did ...").
_FOCUS = re.compile(
    r"\b(?:which|what|whose|how many|how much|(?:who|what) (?:is|was|were|are) the)\s+"
    r"((?:[A-Za-z][A-Za-z'’\-]*\s*){1,3})", re.I)


def focus_terms(query: str) -> set[str]:
    """The stems of the thing a question asks for (see ``_FOCUS``): an answer sentence names
    it ("The inspectors were ..."), where a sentence on the same topic need not."""
    match = _FOCUS.search(query)
    if not match:
        return set()
    focus: set[str] = set()
    for word in match.group(1).split():
        if word.lower() in STOPWORDS:
            break
        focus.add(stem(word))
    return focus


STOP_STEMS = frozenset(stem_set(" ".join(STOPWORDS)))
"""The stems of the stopwords: words any question uses without naming its topic."""
