"""What a search returns (Passage) and what it can be narrowed by (Filters)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Filters:
    """Narrowing of a search. Every field is optional; None means no restriction.

    ``committee`` matches the canonical committee name or any alias of it (case-insensitive);
    dates are inclusive YYYY-MM-DD bounds on the passage's meeting date.
    """

    committee: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    doc_type: str | None = None
    decisions_only: bool = False
    source: str | None = None

    def is_empty(self) -> bool:
        return not any([self.committee, self.date_from, self.date_to, self.doc_type,
                        self.decisions_only, self.source])

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, False)}


@dataclass
class Passage:
    """A chunk as found by a search: the contract's Passage JSON shape plus ranking details."""

    id: str
    text: str
    source: str
    path: str | None = None
    committee: str | None = None
    meeting_date: str | None = None
    doc_type: str | None = None
    title: str | None = None
    item: str | None = None
    page: int | None = None
    url: str | None = None
    score: float = 0.0
    item_title: str | None = None
    section: str | None = None
    committee_printed: str | None = None
    is_decision: bool = False
    is_boilerplate: bool = False
    ocr: bool = False  # the text was read by OCR from a scanned page
    alternates: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_chunk(cls, chunk_id: str, text: str, metadata: dict[str, Any], score: float = 0.0,
                   **scores: float) -> "Passage":
        get = metadata.get
        alternates = get("alternates") or []
        if isinstance(alternates, str):
            alternates = [a for a in alternates.split(";") if a]
        page = get("page")
        return cls(
            id=chunk_id, text=text, source=get("source", ""), path=get("path"),
            committee=get("committee"), meeting_date=get("meeting_date"),
            doc_type=get("doc_type"), title=get("title"), item=get("item"),
            page=int(page) if page not in (None, "") else None, url=get("url"), score=score,
            item_title=get("item_title"), section=get("section"),
            committee_printed=get("committee_printed"),
            is_decision=bool(get("is_decision")), is_boilerplate=bool(get("is_boilerplate")), ocr=bool(get("ocr")),
            alternates=list(alternates), scores=dict(scores), metadata=dict(metadata),
        )

    def to_dict(self) -> dict[str, Any]:
        """The contract's Passage shape (plus id, item_title, section, alternates, scores)."""
        out = asdict(self)
        out.pop("metadata")
        return out
