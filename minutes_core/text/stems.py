"""Words of questions and passages, reduced to comparable terms without a dictionary.

Shared by retrieval (does a passage's sentence hold the question's terms) and the extractive
backend (which sentence answers). The stemmer is deliberately light: council papers are full of names,
codes and numbers that a linguistic stemmer would mangle.
"""

from __future__ import annotations

import re

# A word as questions and papers write it: letters, digits, money and percentages, with inner
# apostrophes, points, commas and hyphens ("£1,200", "3.5%", "children's", "call-in").
WORD = re.compile(r"[A-Za-z0-9£%][A-Za-z0-9'’£%.,\-]*[A-Za-z0-9%]|[A-Za-z0-9]")
_PLURAL_ES = re.compile(r"(ss|x|z|ch|sh)es$")


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
    elif _PLURAL_ES.search(word) and len(word) >= 5:
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
