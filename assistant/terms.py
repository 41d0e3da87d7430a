"""A question's terms and their weights, for scoring sentences against it.

Shared by the extractive backend (which sentence shares the question's terms) and fusion (which
passage holds a sentence saying what was asked). Terms come from the one tokenizer
(``minutes_core.text.stems``), the one BM25 uses, so a word that matches there matches here.
"""

from __future__ import annotations

import re

from assistant.filters import without_dates
from minutes_core.text.stems import WORD, stem, stem_set, word_terms
from minutes_core.text.stopwords import STOPWORDS

# Frame words name the kind of answer, not its topic: they count for less in term overlap.
_FRAME_WORDS = ("say", "said", "happen", "note", "mention", "committee", "meeting", "member",
               "resolve", "resolved", "decide", "decided", "agree", "agreed")
FRAME_WEIGHT = 0.5
NUMBER_WEIGHT = 2.0
NAME_WEIGHT = 1.5


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
        for term in word_terms(word, STOPWORDS):
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
        focus.update(word_terms(word))
    return focus


STOP_STEMS = frozenset(stem_set(" ".join(STOPWORDS)))
"""The stems of the stopwords: words any question uses without naming its topic."""
