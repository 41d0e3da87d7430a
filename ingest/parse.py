"""One loaded file in, its documents, chunks and meeting records out: every parsing step, once.

``minutes ingest`` stores what this returns (``vectorstore.ingestion``, possibly from a worker
process), and ``minutes ingest --explain`` prints it (``ingest.explain``); both call
``parse_file`` so an explanation can never describe steps the ingest did not take. No storage.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ingest.chunking import chunk_document
from ingest.clean import clean_lines
from ingest.conventions import Conventions, load_conventions
from ingest.fingerprint import sketch
from ingest.meetings import Finding, describe_meetings
from ingest.models import Chunk, Document, LoadedFile
from ingest.records import Records, extract_records
from ingest.structure import ParsedDocument, detect_documents
from minutes_core.settings import Settings
from minutes_core.timing import StageTimer


@dataclass
class ParsedFile:
    """What parsing one file found. ``parsed`` and ``findings`` (per document, the conventions
    that named its body and date) are for ``--explain``; storage needs the other three."""

    documents: list[Document]
    chunks: list[Chunk]
    records: Records
    conventions: Conventions | None = None
    parsed: list[ParsedDocument] = field(default_factory=list)
    findings: list[list[Finding]] = field(default_factory=list)

    def __iter__(self) -> Iterator[Any]:
        """``documents, chunks, records = parse_file(...)``, as callers unpack it."""
        return iter((self.documents, self.chunks, self.records))


def parse_file(loaded: LoadedFile, settings: Settings, timings: dict[str, float] | None = None
               ) -> ParsedFile:
    """Clean, detect structure, chunk and extract meeting records from one file.

    ``timings`` (stage -> seconds) is added to: clean, structure, chunk.
    """
    timer = StageTimer(timings)
    with timer.stage("clean"):
        lines = clean_lines(loaded)
    with timer.stage("structure"):
        parsed = detect_documents(loaded.source, loaded.path, lines, loaded.overrides,
                                  settings.committee_aliases_file, loaded.page_exact)
        conventions = load_conventions(settings.conventions_file)
        findings = describe_meetings(parsed, loaded.path, conventions, settings.committee_aliases_file,
                                     settings.conventions_file, loaded.overrides)
        for p in parsed:
            p.document.fingerprint = sketch("\n".join(line.text for line in p.lines if line.kind == "text"))
    with timer.stage("chunk"):
        chunks: list[Chunk] = []
        for p in parsed:
            chunks.extend(chunk_document(p, loaded.checksum, loaded.page_exact,
                                         settings.chunk_size, settings.chunk_overlap))
        if not chunks and any(line.kind == "text" and line.content for line in lines):
            # Nothing a council wrote is dropped: a file with text whose documents the rules set
            # aside (an outline, say) is indexed whole, as one document of unknown kind.
            whole = ParsedDocument(Document(source=loaded.source, path=loaded.path, ordinal=0,
                                            doc_type="unknown", title=loaded.source, line_start=1,
                                            line_end=lines[-1].number), lines)
            findings = describe_meetings([whole], loaded.path, conventions, settings.committee_aliases_file,
                                         settings.conventions_file, loaded.overrides)
            whole.document.indexable = True
            parsed = [whole]
            chunks = chunk_document(whole, loaded.checksum, loaded.page_exact, settings.chunk_size,
                                    settings.chunk_overlap)
        ocr_pages = {page.number for page in loaded.pages if page.ocr}
        for chunk in chunks:
            chunk.metadata["ocr"] = chunk.metadata.get("page") in ocr_pages if ocr_pages else False
    with timer.stage("structure"):
        records = extract_records(parsed, conventions)
        link_passages(records, chunks)
    return ParsedFile([p.document for p in parsed], chunks, records, conventions, parsed, findings)


def link_passages(records: Records, chunks: list[Chunk]) -> None:
    """Give each decision the id of the passage (chunk) holding its first line, for citations."""
    for decision in records.decisions:
        for chunk in chunks:
            meta = chunk.metadata
            if meta.get("source") == decision.source and \
                    (meta.get("line_start") or 0) <= decision.line_start <= (meta.get("line_end") or 0):
                decision.passage_id = chunk.id
                break
