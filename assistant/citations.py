"""The citation check run on every generated answer (backends openai and local).

A model is told to put ``[n]`` after every sentence, n being the number of the passage that
supports it. Small models cite the wrong passage, cite passages that do not exist, or write a
fluent sentence that no passage says. ``parse_cited_answer`` splits an answer into sentences,
keeps the citations that point at a passage, and marks a sentence ``supported`` only when one of
its cited passages shares its key content.

The overlap rule (``is_supported``), chosen to catch the errors seen from the small local models
(a right name with a wrong number, a right topic with the wrong committee member) while letting a
faithful paraphrase through:

* every number in the sentence appears in the passage (1,200,000 and 1200000 are the same number),
* every proper name in the sentence (a capitalised word that does not start the sentence)
  appears in the passage,
* every double-quoted span of three or more words appears verbatim in the passage
  (ignoring case and punctuation), since quotes are promised to be the records' own words,
* and at least ``SUPPORT_THRESHOLD`` of the sentence's key terms (content words, numbers and
  names, lower-cased and lightly stemmed) appear in the passage.

The passage side includes its metadata (committee, meeting date, title, item, page), because the
model sees those in the prompt and may rightly say "at the Planning Committee on 12 March 2024".
The check is lexical: it cannot see a negation flipped ("did not vote" vs "voted"), which is why
the UI still shows every cited passage next to the answer.
"""

from __future__ import annotations

import re
import string
from datetime import date

from assistant.models import AnswerSentence
from minutes_core.text.sentences import ends_with_abbreviation
from minutes_core.text.stems import stem as _stem
from minutes_core.text.stopwords import ANSWER_STOPWORDS
from vectorstore.models import Passage

# Share of a sentence's key terms that a cited passage must contain. 0.6 keeps paraphrases
# ("Acme Drainage Ltd was awarded the contract" against "the contract be awarded to Acme
# Drainage Ltd", 1.0) and rejects topic-word salad that reuses a few names ("decided to award
# the swimming pool budget to Acme Drainage Ltd" against the drainage passage, 0.5); both
# cases are in tests/test_citations.py.
SUPPORT_THRESHOLD = 0.6

# Quoted spans shorter than this are emphasis ('the "call-in" period'), not quotations.
MIN_QUOTE_WORDS = 3

_MARKER = re.compile(
    r"\[\s*(?:passages?\s*)?(\d+(?:\s*(?:[,;]|-|–|and)\s*\d+)*)\s*\]", re.IGNORECASE
)
_SENTENCE_END = re.compile(
    r"[.!?]+[\"'\u201d\u2019)]*"
    r"(?:\s*\[\s*(?:passages?\s*)?\d+(?:\s*(?:[,;]|-|–|and)\s*\d+)*\s*\])*"
    r"(?=\s|$)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019]*")
_QUOTED = re.compile(r"[\"\u201c]([^\"\u201c\u201d]+)[\"\u201d]")
_REFUSAL = re.compile(
    r"\b(?:can'?t|cannot|can not|could ?n[o']?t|unable to|did ?n[o']?t|do ?n[o']?t) find\b"
    r".*\b(?:records?|passages?|documents?|papers?)\b",
    re.IGNORECASE,
)
_ASCII_ALNUM = frozenset(string.ascii_lowercase + string.digits)
# A range like [2-4] expands to 2, 3, 4; a wider one is a typo, not a citation of 100 passages.
MAX_RANGE = 20


def split_sentences(text: str) -> list[str]:
    """The sentences of an answer, each with the citation markers that follow it.

    Lines are split first (lists and paragraphs), then at ``.``, ``!`` or ``?`` followed by
    space, except after an abbreviation ("Cllr.", "e.g.") or an initial ("J. Smith"). Markers
    written after the full stop ("... 5 votes to 2. [1]") stay with their sentence.
    """
    sentences: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        start = 0
        for match in _SENTENCE_END.finditer(line):
            if match.group(0).startswith(".") and ends_with_abbreviation(line, "capital", start, match.start()):
                continue
            sentences.append(line[start:match.end()].strip())
            start = match.end()
        if line[start:].strip():
            sentences.append(line[start:].strip())
    merged: list[str] = []
    for sentence in sentences:
        if merged and not strip_markers(sentence):
            merged[-1] = f"{merged[-1]} {sentence}"  # markers alone: they cite the sentence before
        else:
            merged.append(sentence)
    return merged


def citation_numbers(sentence: str) -> list[int]:
    """Every number cited by the markers in ``sentence``, in order, without repeats."""
    found: list[int] = []
    for match in _MARKER.finditer(sentence):
        for part in match.group(1).replace(";", ",").replace("and", ",").split(","):
            bounds = [int(x) for x in part.replace("–", "-").split("-") if x.strip()]
            if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= MAX_RANGE:
                numbers = range(bounds[0], bounds[1] + 1)
            else:
                numbers = bounds
            found += [n for n in numbers if n not in found]
    return found


def strip_markers(sentence: str) -> str:
    """The sentence without its citation markers, spacing before punctuation tidied."""
    text = " ".join(_MARKER.sub("", sentence).split())
    for mark in ".,;:!?":
        text = text.replace(f" {mark}", mark)
    return text


def _normal_number(raw: str) -> str:
    """1,200,000 -> 1200000; 03 -> 3; 1.50 -> 1.5 (a trailing sentence full stop is not kept)."""
    raw = raw.rstrip(".,")
    groups = raw.split(".")[0].split(",")
    if len(groups) > 1 and all(g.isdigit() for g in groups) and 1 <= len(groups[0]) <= 3 and \
            all(len(g) == 3 for g in groups[1:]):
        raw = raw.replace(",", "")
    parts = raw.split(".")
    if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
        decimals = parts[1].rstrip("0")
        return str(int(parts[0])) + (f".{decimals}" if decimals else "")
    if raw.isdigit():
        return str(int(raw))
    return raw


def numbers(text: str) -> set[str]:
    """The numbers in ``text``, normalised (thousands separators and leading zeros dropped)."""
    return {_normal_number(m.group(0)) for m in _NUMBER.finditer(text)}


def _words(text: str) -> list[tuple[str, bool]]:
    """(stemmed content word, is a proper name) for each content word of ``text``."""
    out = []
    first = True
    for match in _WORD.finditer(text):
        raw = match.group(0).rstrip("'\u2019")
        if raw[-2:].lower() in ("'s", "\u2019s"):
            raw = raw[:-2]
        word = raw.lower()
        is_name = raw[:1].isupper() and not first
        first = False
        if word in ANSWER_STOPWORDS or len(word) < 2:
            continue
        out.append((_stem(word), is_name))
    return out


def key_terms(text: str) -> set[str]:
    """The terms a sentence's support is judged on: content words (stemmed) and numbers."""
    return {word for word, _ in _words(text)} | numbers(text)


def names(text: str) -> set[str]:
    """The proper names of a sentence: capitalised content words other than the first word."""
    return {word for word, is_name in _words(text) if is_name}


def support_score(sentence: str, passage_text: str) -> float:
    """The share of the sentence's key terms found in the passage (1.0 when it has none)."""
    terms = key_terms(sentence)
    if not terms:
        return 1.0
    return len(terms & key_terms(passage_text)) / len(terms)


def _letters(text: str) -> str:
    """Lower-case ASCII letters and digits, every other run of characters one space."""
    kept = "".join(ch if ch in _ASCII_ALNUM else " " for ch in text.lower())
    return " ".join(kept.split())


def quotes(sentence: str) -> list[str]:
    """Double-quoted spans of at least ``MIN_QUOTE_WORDS`` words."""
    return [q for q in _QUOTED.findall(sentence) if len(q.split()) >= MIN_QUOTE_WORDS]


def is_supported(sentence: str, passage_text: str) -> bool:
    """Whether ``passage_text`` supports ``sentence`` by the rule in the module docstring."""
    passage_terms = key_terms(passage_text)
    if not numbers(sentence) <= numbers(passage_text):
        return False
    if not names(sentence) <= passage_terms:
        return False
    passage_letters = _letters(passage_text)
    if any(_letters(q) not in passage_letters for q in quotes(sentence)):
        return False
    return support_score(sentence, passage_text) >= SUPPORT_THRESHOLD


def is_verbatim(sentence: str, passage_text: str) -> bool:
    """Whether the sentence quotes the passage: a checked quotation, or the whole sentence."""
    passage_letters = _letters(passage_text)
    spans = quotes(sentence)
    if spans:
        return all(_letters(q) in passage_letters for q in spans)
    whole = _letters(sentence)
    return len(whole.split()) >= MIN_QUOTE_WORDS and whole in passage_letters


def is_refusal(text: str) -> bool:
    """Whether the text says the records do not answer (``prompts.REFUSAL`` or a paraphrase)."""
    return bool(_REFUSAL.search(text.replace("\u2019", "'")))


def evidence_text(passage: Passage) -> str:
    """The passage's text plus the metadata the prompt showed with it (what a sentence may use)."""
    meta = [passage.committee, passage.committee_printed, passage.title, passage.doc_type,
            passage.item, passage.item_title, passage.source]
    if passage.page is not None:
        meta.append(f"page {passage.page}")
    if passage.meeting_date:
        meta.append(passage.meeting_date)
        try:
            day = date.fromisoformat(passage.meeting_date)
            meta.append(f"{day.day} {day:%B %Y}")
        except ValueError:
            pass
    return "\n".join([passage.text] + [m for m in meta if m])


def parse_cited_answer(text: str, passages: list[Passage]) -> list[AnswerSentence]:
    """The generated ``text`` as checked sentences.

    Markers are removed from the sentence text; citations outside 1..len(passages) are dropped.
    A sentence is ``supported`` when one of its cited passages supports it; a sentence with no
    valid citation is unsupported, except the refusal sentence. ``quote`` is set when the
    sentence quotes a cited passage verbatim.
    """
    evidence = [evidence_text(p) for p in passages]
    out: list[AnswerSentence] = []
    for raw in split_sentences(text):
        clean = strip_markers(raw)
        if not clean:
            continue
        cited = [n for n in citation_numbers(raw) if 1 <= n <= len(passages)]
        if cited:
            supported = any(is_supported(clean, evidence[n - 1]) for n in cited)
            quote = any(is_verbatim(clean, passages[n - 1].text) for n in cited)
        else:
            supported, quote = is_refusal(clean), False
        out.append(AnswerSentence(text=clean, citations=cited, supported=supported, quote=quote))
    return out


def any_supported_citation(sentences: list[AnswerSentence]) -> bool:
    """Whether at least one sentence carries a valid, supported citation (else: fall back)."""
    return any(s.citations and s.supported for s in sentences)
