"""The data that flows out of ingest: loaded files, detected documents, and chunks.

Plain dataclasses: ingest knows nothing about Chroma or BM25, and the stores take these as they are.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Page:
    """One page of a loaded file: its text as extracted, and its page number if the format has one."""

    text: str
    number: int | None = None
    ocr: bool = False  # the text was read from the page image (no text layer)


@dataclass
class LoadedFile:
    """A file read from disk by a loader, before any cleaning.

    ``pages`` are exact PDF pages (``page_exact=True``) or, for text, DOCX and HTML, a single page
    whose page numbers, if any, come later from printed "Page N of M" markers.
    ``overrides`` holds the sidecar metadata (``NAME.meta.json``) that beats detection.
    """

    path: str
    source: str
    checksum: str
    format: str
    pages: list[Page]
    page_exact: bool = False
    overrides: dict[str, Any] = field(default_factory=dict)
    size_bytes: int = 0

    @property
    def text(self) -> str:
        return "\n".join(page.text for page in self.pages)


@dataclass
class Document:
    """A sub-document found inside a file: an agenda, a set of minutes, a report, a letter...

    An agenda pack yields several; a standalone report yields one. ``meeting_date`` is the date of
    the meeting this document belongs to: for minutes, the meeting they record (which is not the
    pack's date); for other papers, the meeting whose pack they are in.
    """

    source: str
    path: str
    ordinal: int
    doc_type: str
    title: str
    committee: str | None = None
    committee_printed: str | None = None
    meeting_date: str | None = None
    pack_date: str | None = None
    doc_date: str | None = None
    item: str | None = None
    item_title: str | None = None
    line_start: int = 1
    line_end: int = 1
    page_start: int | None = None
    page_end: int | None = None
    url: str | None = None
    indexable: bool = True
    fingerprint: list[int] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return f"{self.source}#{self.ordinal}"

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("fingerprint")
        out["doc_id"] = self.doc_id
        return out


@dataclass
class Chunk:
    """A retrievable passage.

    ``text`` is the raw passage, findable in the source document (what a citation shows).
    ``index_text`` is what gets embedded and BM25-indexed: a contextual header (committee, meeting
    date, document, item) followed by normalised text, so a chunk holding only a RESOLVED list
    still matches a question that names the meeting or the topic.
    """

    text: str
    index_text: str
    metadata: dict[str, Any]

    @property
    def id(self) -> str:
        """Stable for the same file, position and text: re-ingesting unchanged files changes no id."""
        key = "\x1f".join(
            [
                str(self.metadata.get("checksum", "")),
                str(self.metadata.get("doc_ordinal", "")),
                str(self.metadata.get("chunk_index", "")),
                self.text,
            ]
        )
        return hashlib.sha1(key.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "index_text": self.index_text, "metadata": self.metadata}


# The metadata keys every chunk carries (values may be None; the stores drop None for Chroma).
CHUNK_METADATA_KEYS = (
    "source",  # file name
    "path",  # path as ingested
    "checksum",  # sha256 of the file's bytes
    "url",
    "doc_id",  # "<source>#<ordinal>"
    "doc_ordinal",
    "doc_type",  # agenda, minutes, action_tracker, report, letter, work_programme, ...
    "title",
    "committee",  # canonical committee name
    "committee_printed",  # as printed on the document
    "meeting_date",  # YYYY-MM-DD of the meeting the passage belongs to
    "pack_date",  # YYYY-MM-DD of the pack's meeting, when inside a pack
    "doc_date",
    "item",  # agenda item number ("4", "5 App1")
    "item_title",
    "section",  # nearest heading
    "page",  # page number (exact for PDFs, approximate from printed markers otherwise)
    "page_exact",
    "line_start",
    "line_end",
    "chunk_index",
    "is_decision",  # inside a RESOLVED block
    "is_boilerplate",  # webcast notice, authority-to-chair, "None."
    "is_attendance",
    "ocr",  # the passage's page was read by OCR (scanned page)
)
