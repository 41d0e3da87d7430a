"""Ingest: files in, an up-to-date index out, with a report of what happened to each file.

Per file: load -> clean -> structure -> chunk -> stored in the registry in one transaction. Then one
``sync`` embeds what is new and brings Chroma and BM25 in line. Unchanged files (same bytes, same
sidecar) are skipped before they are even parsed; a file that cannot be read gets one clear line
and the batch goes on. Because the registry is the truth and sync repairs the derived indexes, an
ingest killed at any moment is completed by running the same command again.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ingest.chunking import chunk_document
from ingest.clean import clean_lines
from ingest.conventions import load_conventions
from ingest.loaders import LoadError, check_file, discover, load_file, sidecar_path
from ingest.lock import writer_lock
from ingest.meetings import describe_meetings, is_portal_sidecar
from ingest.models import Chunk, Document, LoadedFile
from ingest.records import Records, extract_records
from ingest.structure import ParsedDocument, detect_documents
from minutes_core.settings import Settings
from minutes_core.timing import StageTimer
from vectorstore.dedup import sketch
from vectorstore.layout import DataLayout

log = logging.getLogger(__name__)

# Bump when cleaning, structure detection, chunking or record extraction changes what a file
# parses into: files ingested by an older version are then parsed again (see ``parser_key``).
PARSER_VERSION = "5"
STAGES = ("load", "clean", "structure", "chunk", "embed", "write")


@dataclass
class IngestReport:
    """The contract's ``ingest --json`` shape, plus per-stage timings."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Files an earlier, interrupted run stored but did not index: this run indexed (and embedded)
    # them, so they count as added, not unchanged; listed here too so the report says why.
    resumed: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    documents: int = 0
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": {
                "added": len(self.added), "unchanged": len(self.unchanged),
                "replaced": len(self.replaced), "removed": len(self.removed),
                "failed": len(self.failed),
            },
            "errors": self.errors,
            "documents": self.documents,
            "chunks": self.chunks,
            "embedded": self.embedded,
            "resumed": len(self.resumed),
            "seconds": round(self.seconds, 3),
            "timings": {stage: round(self.timings.get(stage, 0.0), 3) for stage in STAGES},
            "paths": {"added": self.added, "replaced": self.replaced, "removed": self.removed,
                      "unchanged": self.unchanged, "resumed": self.resumed},
        }


def file_checksum(path: Path) -> str:
    """sha256 of the file's bytes, and of its metadata sidecar if it has one.

    An edited sidecar changes the checksum, so its new metadata is applied on the next ingest.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    sidecar = sidecar_path(path)
    if sidecar is not None:
        digest.update(b"\x00sidecar\x00")
        digest.update(sidecar.read_bytes())
    return digest.hexdigest()


def parser_key(settings: Settings) -> str:
    """What decides how a file is parsed, besides its bytes: the rules' version and the settings.

    A stored file whose key differs is parsed again on the next ingest even though its checksum
    matches, so an upgrade or a new chunk size reaches files ingested before it. Unchanged chunk
    texts keep their cached vectors, so this costs parsing, not embedding.
    """
    parts = [PARSER_VERSION, str(settings.chunk_size), str(settings.chunk_overlap)]
    for extra in (settings.committee_aliases_file, settings.conventions_file):
        if extra:
            try:
                parts.append(hashlib.sha256(Path(extra).read_bytes()).hexdigest()[:16])
            except OSError:
                parts.append("unreadable")
    return "/".join(parts)


def parse_file(loaded: LoadedFile, settings: Settings, timings: dict[str, float] | None = None
               ) -> tuple[list[Document], list[Chunk], Records]:
    """Clean, detect structure, chunk and extract meeting records from one file (no storage)."""
    timer = StageTimer(timings)
    with timer.stage("clean"):
        lines = clean_lines(loaded)
    with timer.stage("structure"):
        parsed = detect_documents(loaded.source, loaded.path, lines, loaded.overrides,
                                  settings.committee_aliases_file, loaded.page_exact)
        conventions = load_conventions(settings.conventions_file)
        describe_meetings(parsed, loaded.path, conventions, settings.committee_aliases_file,
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
            describe_meetings([whole], loaded.path, conventions, settings.committee_aliases_file,
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
    return [p.document for p in parsed], chunks, records


def link_passages(records: Records, chunks: list[Chunk]) -> None:
    """Give each decision the id of the passage (chunk) holding its first line, for citations."""
    for decision in records.decisions:
        for chunk in chunks:
            meta = chunk.metadata
            if meta.get("source") == decision.source and \
                    (meta.get("line_start") or 0) <= decision.line_start <= (meta.get("line_end") or 0):
                decision.passage_id = chunk.id
                break


class Ingester:
    """Runs ingest over paths into an Index (``vectorstore.index.Index``)."""

    def __init__(self, settings: Settings, index):
        self.settings = settings
        self.index = index
        self.records = None  # the records store, open during ingest()

    def ingest(self, paths: list[str | Path], prune: bool = False, progress: bool = True,
               exclusive: bool = False) -> IngestReport:
        """Ingest files and folders; ``prune`` forgets stored files no longer found under them,
        ``exclusive`` every stored file not found under them (a data directory that must hold
        exactly these papers, as an eval's does).

        One ingest per data directory at a time (``DataLayout.ingest_lock``): a second one waits,
        then finds the first one's files unchanged, so no file is parsed and no chunk embedded twice.
        """
        with writer_lock(DataLayout.of(self.settings).ingest_lock, self.settings.ingest_lock_timeout):
            self.records = self.index.open_records()
            try:
                return self._ingest(paths, prune or exclusive, progress, exclusive)
            finally:
                self.records.close()

    def _ingest(self, paths: list[str | Path], prune: bool, progress: bool,
                exclusive: bool = False) -> IngestReport:
        report = IngestReport()
        timer = StageTimer(report.timings)
        files, problems = discover(paths)
        for path, reason in problems:
            self._fail(report, str(path), reason)
        conventions = load_conventions(self.settings.conventions_file)
        sidecars = [path for path in files if is_portal_sidecar(path, conventions)]
        if sidecars:
            log.info("%d folder sidecar(s) read as metadata of their meeting, not as papers", len(sidecars))
            files = [path for path in files if path not in sidecars]
        seen: set[str] = set()
        for path in tqdm(files, desc="files", unit="file", disable=not progress, leave=False):
            try:
                key = str(Path(path).resolve())
            except (OSError, RuntimeError) as error:
                self._fail(report, str(path), f"cannot be opened ({error})")
                continue
            seen.add(key)
            self._ingest_one(Path(path), key, report)
        if prune:
            self._prune(paths, seen, report, exclusive)
        sync_started = timer.elapsed()
        sync = self.index.sync(progress=progress)
        timer.add("embed", sync.embed_seconds)
        timer.add("write", max(0.0, timer.elapsed() - sync_started - sync.embed_seconds))
        report.embedded = sync.embedded
        resumed = set(report.unchanged) & sync.embedded_files
        if resumed:
            report.unchanged = [path for path in report.unchanged if path not in resumed]
            report.resumed = sorted(resumed)
            report.added += report.resumed
            log.warning("%d file(s) stored by an interrupted earlier ingest were indexed now",
                        len(resumed))
        stats = self.index.stats()
        report.documents, report.chunks = stats["documents"], stats["chunks"]
        report.seconds = timer.elapsed()
        return report

    def _ingest_one(self, path: Path, key: str, report: IngestReport) -> None:
        timer = StageTimer(report.timings)
        try:
            with timer.stage("load"):
                check_file(path, self.settings)  # before reading: a pipe would block, a huge file cost
                checksum = file_checksum(path)
                parser = parser_key(self.settings)
                record = self.index.file_record(key)
                unchanged = record is not None and record.checksum == checksum and record.parser == parser
                if not unchanged:
                    loaded = load_file(path, self.settings)
                    loaded.path, loaded.checksum = key, checksum
            if unchanged:
                report.unchanged.append(key)
                return
            documents, chunks, records = parse_file(loaded, self.settings, report.timings)
            if not chunks:
                raise LoadError(path, "no text to index after cleaning")
            with timer.stage("write"):
                # Records first: if a kill lands between the two writes, the registry still holds
                # the old checksum, so the next run re-ingests the file and replaces its records too.
                self.records.replace_file(loaded.path, loaded.source, records)
                self.index.replace_file(loaded, documents, chunks, parser)
            (report.replaced if record is not None else report.added).append(key)
            log.info("%s %s: %d documents, %d chunks", "replaced" if record else "added",
                     path.name, len(documents), len(chunks))
        except LoadError as error:
            self._fail(report, key, error.reason, name=path.name)
        except OSError as error:
            self._fail(report, key, f"cannot be read ({error.strerror or error})", name=path.name)
        except Exception as error:  # one bad file must not stop the batch
            log.debug("unexpected error ingesting %s", path, exc_info=True)
            self._fail(report, key, f"could not be processed ({type(error).__name__}: {error})",
                       name=path.name)

    def _fail(self, report: IngestReport, path: str, reason: str, name: str | None = None) -> None:
        report.failed.append(path)
        report.errors.append({"file": path, "error": reason})
        log.warning("skipped %s: %s", name or path, reason)

    def _prune(self, roots: list[str | Path], seen: set[str], report: IngestReport,
               exclusive: bool = False) -> None:
        folders = [Path(root).resolve() for root in roots if Path(root).is_dir()]
        for record in self.index.files():
            stored = Path(record.path)
            under_root = any(stored.is_relative_to(folder) for folder in folders)
            if record.path not in seen and (exclusive or under_root or not stored.exists()):
                self.records.remove_file(record.path)
                if self.index.remove_file(record.path):
                    report.removed.append(record.path)
                    log.info("removed %s (no longer present)", stored.name)
