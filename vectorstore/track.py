"""Follow a topic across meetings: every meeting where it came up (on an agenda, in discussion,
in a decision, in a later report), oldest first, with a deferral linked to the decision that
settled it later.

A topic is found by its words, not by similarity: BM25 proposes the passages that share them
(``Index.keyword_search``), and a passage counts only when it holds every content word of the
topic (stemmed, in any order, across line breaks), so "election posters" finds "poster" ...
"election" split over two lines and not a passage on elections alone. Decisions come from the
records store, by the same test, with their outcome; a decision whose outcome is "deferred" is
linked to the next later decision on the topic that is not.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from minutes_core.text.normalise import match_form
from minutes_core.text.stems import WORD, stem
from minutes_core.text.stopwords import STOPWORDS
from vectorstore.models import Passage

log = logging.getLogger(__name__)

# Passages BM25 is asked for: enough for a topic raised at every meeting of a large archive.
CANDIDATES = 2000
# Characters of a passage shown around the first place the topic is named.
SNIPPET_CHARS = 240

# What minutes print when an item is put off, and when it is settled.
DEFERRED = re.compile(r"\b(?:defer(?:red|ral)?|adjourn(?:ed)?|postpone[d]?|held over)\b", re.I)
SETTLED = re.compile(r"\b(?:resolved|agreed|carried|adopted|approved|decided)\b", re.I)

KIND_OF_DOC = {"agenda": "agenda", "minutes": "discussion", "report": "update"}


def topic_words(topic: str) -> list[str]:
    """The stems a passage must hold to be about the topic (its content words)."""
    words = [w.lower().strip(".,'’") for w in WORD.findall(match_form(topic))]
    stems = [stem(w) for w in words if w and w not in STOPWORDS and len(w) > 1]
    return list(dict.fromkeys(stems))


def mentions_topic(text: str, stems: list[str]) -> bool:
    """Whether a text holds every stem of the topic."""
    if not stems:
        return False
    flat = match_form(text).lower()
    if not all((s[:-1] if len(s) > 3 else s) in flat for s in stems):
        return False  # a stem less its last letter begins its word ("strategy", "strategies"): cheap test first
    held = {stem(w.lower().strip(".,'’")) for w in WORD.findall(flat)}
    return all(s in held for s in stems)


def snippet(text: str, stems: list[str]) -> str:
    """The text around the first word of the topic, verbatim (wrapped lines joined)."""
    flat = " ".join(text.split())
    for match in WORD.finditer(flat):
        if stem(match.group().lower().strip(".,'’")) in stems:
            start = max(0, match.start() - SNIPPET_CHARS // 3)
            piece = flat[start:start + SNIPPET_CHARS]
            return ("…" if start else "") + piece + ("…" if start + SNIPPET_CHARS < len(flat) else "")
    return flat[:SNIPPET_CHARS]


@dataclass
class MeetingOnTopic:
    """One meeting where the topic came up, with what was said of it there."""

    meeting_date: str | None
    committee: str | None
    kinds: set[str] = field(default_factory=set)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    deferred_until: str | None = None  # the meeting that decided what this one deferred
    follows_deferral: str | None = None  # the meeting whose deferral this one decided
    deferred: bool = False  # a passage of its minutes on the topic defers it
    settled: bool = False  # a passage of its minutes on the topic records it agreed or resolved

    def to_dict(self) -> dict[str, Any]:
        return {"meeting_date": self.meeting_date, "committee": self.committee,
                "kinds": sorted(self.kinds), "mentions": self.mentions, "decisions": self.decisions,
                "deferred_until": self.deferred_until, "follows_deferral": self.follows_deferral}


def track(topic: str, index, store=None) -> dict[str, Any]:
    """The topic's timeline: ``{"topic", "words", "meetings": [MeetingOnTopic.to_dict()]}``,
    oldest meeting first (undated last)."""
    stems = topic_words(topic)
    meetings: dict[tuple[str | None, str | None], MeetingOnTopic] = {}

    def meeting(date: str | None, committee: str | None) -> MeetingOnTopic:
        key = (date, committee)
        if key not in meetings:
            meetings[key] = MeetingOnTopic(date, committee)
        return meetings[key]

    if stems:
        seen_docs: set[tuple[str, Any]] = set()
        for passage in index.keyword_search(topic, None, k=CANDIDATES):
            if not mentions_topic(passage.text, stems):
                continue
            entry = meeting(passage.meeting_date, passage.committee)
            kind = "decision" if passage.is_decision else KIND_OF_DOC.get(passage.doc_type or "", "update")
            entry.kinds.add(kind)
            doc = (passage.source, passage.metadata.get("doc_id"))
            if doc in seen_docs and len(entry.mentions) >= 3:
                continue
            seen_docs.add(doc)
            if passage.doc_type == "minutes":
                entry.deferred = entry.deferred or bool(DEFERRED.search(passage.text))
                entry.settled = entry.settled or bool(SETTLED.search(passage.text))
            entry.mentions.append({"kind": kind, "doc_type": passage.doc_type, "text": snippet(passage.text, stems),
                                   "passage": _cited(passage)})
        for row in store.query("decisions") if store is not None else []:
            if row.get("boilerplate") or not mentions_topic(
                    " ".join(str(row.get(k) or "") for k in ("item_title", "decision", "text")), stems):
                continue
            entry = meeting(row.get("meeting_date"), row.get("committee"))
            entry.kinds.add("decision")
            entry.decisions.append({key: row.get(key) for key in (
                "decision", "outcome", "proposer", "seconder", "votes_for", "votes_against", "votes_abstain",
                "item", "item_title", "source", "page")})
    ordered = sorted(meetings.values(), key=lambda m: (m.meeting_date is None, m.meeting_date or "",
                                                       m.committee or ""))
    _link_deferrals(ordered)
    return {"topic": topic, "words": stems, "meetings": [m.to_dict() for m in ordered]}


def _link_deferrals(ordered: list[MeetingOnTopic]) -> None:
    """Join each meeting that deferred the topic to the next later one that decided it."""
    def decided(m: MeetingOnTopic) -> bool:
        return m.settled or any((d.get("outcome") or "") not in ("deferred", "") for d in m.decisions)

    def deferred(m: MeetingOnTopic) -> bool:
        return m.deferred or any(d.get("outcome") == "deferred" for d in m.decisions)

    for number, entry in enumerate(ordered):
        if entry.meeting_date is None or not deferred(entry):
            continue
        later = next((m for m in ordered[number + 1:] if m.meeting_date and m.meeting_date > entry.meeting_date
                      and decided(m)), None)
        if later is not None:
            entry.deferred_until = later.meeting_date
            later.follows_deferral = later.follows_deferral or entry.meeting_date


def _cited(passage: Passage) -> dict[str, Any]:
    data = passage.to_dict()
    data["score"] = round(float(data.get("score") or 0.0), 4)
    return data
