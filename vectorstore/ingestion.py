"""Ingest: files in, an up-to-date index out, with a report of what happened to each file.

Per file: load -> clean -> structure -> chunk -> records (``ingest.parse``), then stored in the
registry in one transaction; every few hundred new chunks a ``sync`` embeds them and brings Chroma
and the keyword index in line. On a large ingest the parsing runs in a worker process a few files
ahead of the writer (``ParseAhead``), so a file is parsed while the ones before it are embedded:
the wall time is close to the embedding time, and memory holds a batch, not the archive.

A stored file whose size and modification time (and its sidecar's) are unchanged is skipped
without reading it; one whose stamp changed is hashed, and parsed only if its bytes did. A file
that cannot be read gets one clear line and the batch goes on. Because the registry is the truth
and sync repairs the derived indexes, an ingest killed at any moment is completed by running the
same command again.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import hashlib
import logging
import multiprocessing
import os
from collections import defaultdict, deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ingest.conventions import load_conventions
from ingest.loaders import LoadError, check_file, discover, load_file, sidecar_path
from ingest.lock import writer_lock
from ingest.meetings import is_portal_sidecar
from ingest.models import Chunk, Document, LoadedFile
from ingest.parse import parse_file
from ingest.records import Records
from minutes_core.settings import Settings
from minutes_core.timing import StageTimer
from vectorstore.layout import DataLayout

log = logging.getLogger(__name__)

# Bump when cleaning, structure detection, chunking or record extraction changes what a file
# parses into: files ingested by an older version are then parsed again (see ``parser_key``).
PARSER_VERSION = "19"
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


def file_stamp(path: Path) -> str:
    """Size and modification time of the file and of its sidecar: while both are unchanged the
    file is taken as unchanged without reading it (as make and rsync do); any change means
    hashing it, and parsing it only if its bytes changed."""
    stamps = []
    for part in (path, sidecar_path(path)):
        if part is not None:
            info = os.stat(part)
            stamps.append(f"{info.st_size}:{info.st_mtime_ns}")
    return "/".join(stamps)


@dataclass
class ParseJob:
    """One file to look at: ``stored_checksum`` is the registry's checksum of it when it was
    parsed with the current rules (a matching file needs no parsing)."""

    path: Path
    key: str
    stamp: str
    stored_checksum: str | None
    replacing: bool


@dataclass
class ParseOutcome:
    """What a worker found: ``error`` set (the file failed), or ``chunks`` empty and no error (the
    bytes were unchanged), or the parse to store. ``loaded`` carries no page text."""

    job: ParseJob
    checksum: str = ""
    loaded: LoadedFile | None = None
    documents: list[Document] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    records: Records | None = None
    error: str = ""
    timings: dict[str, float] = field(default_factory=dict)


def parse_job(job: ParseJob, settings: Settings) -> ParseOutcome:
    """Hash, load and parse one file (no storage: runs in a worker process on large ingests)."""
    outcome = ParseOutcome(job)
    timer = StageTimer(outcome.timings)
    try:
        with timer.stage("load"):
            outcome.checksum = file_checksum(job.path)
            if outcome.checksum == job.stored_checksum:
                return outcome
            loaded = load_file(job.path, settings)
            loaded.path, loaded.checksum = job.key, outcome.checksum
        parsed = parse_file(loaded, settings, outcome.timings)
        if not parsed.chunks:
            raise LoadError(job.path, "no text to index after cleaning")
        loaded.pages = []  # stored as chunks; not sent back to the writer
        outcome.loaded, outcome.documents, outcome.chunks = loaded, parsed.documents, parsed.chunks
        outcome.records = parsed.records
    except LoadError as error:
        outcome.error = error.reason
    except OSError as error:
        outcome.error = f"cannot be read ({error.strerror or error})"
    except Exception as error:  # one bad file must not stop the batch
        log.debug("unexpected error ingesting %s", job.path, exc_info=True)
        outcome.error = f"could not be processed ({type(error).__name__}: {error})"
    return outcome


def _lower_priority() -> None:
    """In the parse worker: yield the cores to the embedding when both want them."""
    try:
        os.nice(10)
    except OSError:  # not permitted here: parse at the same priority
        log.debug("could not lower the parse worker's priority", exc_info=True)


def release_freed_memory() -> None:
    """Hand the memory a sync freed back to the operating system (glibc's ``malloc_trim``).

    Each sync allocates and frees a batch's texts, tensors and vectors on several threads, and
    glibc keeps freed pages in its arenas: the resident size crept up sync after sync although
    what the process held did not (two years of the archive, 9,541 chunks: peak RSS 1,352 MB
    without this, 1,138 MB with it, `scripts/bench_scale.py --scales 10x --steps cold`). A no-op
    where the C library has no ``malloc_trim``.
    """
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


class ParseAhead:
    """Parse jobs in order, in a worker process that keeps at most ``ahead`` files in flight.

    The writer embeds a batch while the worker parses the next files: the two stages overlap on
    the machine's two cores, and memory holds ``ahead`` parsed files, not the archive. A small
    ingest (fewer than ``min_jobs`` files, e.g. adding one meeting) parses in this process: a
    worker takes a second or two to start. The worker is spawned, not forked: the parent may
    already hold the embedding model's threads, which a fork would copy mid-state. It runs at a
    lower priority: parsing needs a twentieth of the embedding's CPU, and the model's threads
    should not wait for it (2019 papers on a busy machine: the embedding inside the pipeline ran
    10% slower than alone at equal priority, 7% with the worker niced).
    """

    def __init__(self, settings: Settings, ahead: int = 16, min_jobs: int = 8):
        self.settings = settings
        self.ahead = ahead
        self.min_jobs = min_jobs

    def run(self, jobs: list[ParseJob]) -> Iterator[ParseOutcome]:
        if len(jobs) < self.min_jobs:
            for job in jobs:
                yield parse_job(job, self.settings)
            return
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_lower_priority) as pool:
            pending: deque[Future] = deque()
            queue = iter(jobs)
            try:
                for job in queue:
                    pending.append(pool.submit(parse_job, job, self.settings))
                    if len(pending) >= self.ahead:
                        break
                while pending:
                    outcome = pending.popleft().result()
                    job = next(queue, None)
                    if job is not None:
                        pending.append(pool.submit(parse_job, job, self.settings))
                    yield outcome
            finally:
                for future in pending:
                    future.cancel()


class Ingester:
    """Runs ingest over paths into an Index (``vectorstore.index.Index``).

    ``flush_chunks``: new chunks stored before a sync embeds them (a batch: bounds memory and
    what a kill can cost).
    """

    def __init__(self, settings: Settings, index, flush_chunks: int = 512):
        self.settings = settings
        self.index = index
        self.flush_chunks = flush_chunks
        self.records = None  # the records store, open during ingest()
        self._parser = ""  # parser_key(settings), taken once an ingest

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
            sidecar_set = set(sidecars)
            files = [path for path in files if path not in sidecar_set]
        seen: set[str] = set()
        self._parser = parser_key(self.settings)
        with timer.stage("load"):
            jobs = self._jobs(files, seen, report)
        embedded_files: set[str] = set()
        pending = 0
        with tqdm(total=len(jobs), desc="Ingesting", unit="file", disable=not progress or not jobs,
                  dynamic_ncols=True) as bar:
            for outcome in ParseAhead(self.settings).run(jobs):
                pending += self._store(outcome, report)
                bar.update(1)
                if pending >= self.flush_chunks:
                    embedded_files |= self._sync(report, timer, dedup=False)
                    pending = 0
                    bar.set_postfix(chunks=report.embedded, refresh=False)
                    release_freed_memory()
        if prune:
            self._prune(paths, seen, report, exclusive)
        embedded_files |= self._sync(report, timer, dedup=True, progress=progress)
        resumed = set(report.unchanged) & embedded_files
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

    def _jobs(self, files: list[Path], seen: set[str], report: IngestReport) -> list[ParseJob]:
        """The files to look at: stored ones whose stamp and parser match are unchanged at once."""
        states = self.index.file_states()
        parser = self._parser
        jobs = []
        for path in files:
            path = Path(path)
            try:
                key = str(path.resolve())
            except (OSError, RuntimeError) as error:
                self._fail(report, str(path), f"cannot be opened ({error})")
                continue
            seen.add(key)
            try:
                check_file(path, self.settings)  # before reading: a pipe would block, a huge file cost
                stamp = file_stamp(path)
            except LoadError as error:
                self._fail(report, key, error.reason, name=path.name)
                continue
            except OSError as error:
                self._fail(report, key, f"cannot be read ({error.strerror or error})", name=path.name)
                continue
            state = states.get(key)
            same_parser = state is not None and state.parser == parser
            if same_parser and state.stamp == stamp:
                report.unchanged.append(key)
                continue
            jobs.append(ParseJob(path, key, stamp, state.checksum if same_parser else None,
                                 replacing=state is not None))
        return jobs

    def _store(self, outcome: ParseOutcome, report: IngestReport) -> int:
        """Write one parsed file (records first, then the registry); returns its new chunks."""
        job = outcome.job
        for stage, seconds in outcome.timings.items():
            report.timings[stage] += seconds
        if outcome.error:
            self._fail(report, job.key, outcome.error, name=job.path.name)
            return 0
        if not outcome.chunks:  # same bytes as stored: only the stamp changed
            self.index.touch_file(job.key, job.stamp)
            report.unchanged.append(job.key)
            return 0
        timer = StageTimer(report.timings)
        loaded = outcome.loaded
        try:
            with timer.stage("write"):
                # Records first: if a kill lands between the two writes, the registry still holds
                # the old checksum, so the next run re-ingests the file and replaces its records too.
                self.records.replace_file(loaded.path, loaded.source, outcome.records)
                self.index.replace_file(loaded, outcome.documents, outcome.chunks,
                                        self._parser, job.stamp)
        except Exception as error:  # one bad file must not stop the batch
            log.debug("could not store %s", job.path, exc_info=True)
            self._fail(report, job.key, f"could not be processed ({type(error).__name__}: {error})",
                       name=job.path.name)
            return 0
        (report.replaced if job.replacing else report.added).append(job.key)
        log.info("%s %s: %d documents, %d chunks", "replaced" if job.replacing else "added",
                 job.path.name, len(outcome.documents), len(outcome.chunks))
        return len(outcome.chunks)

    def _sync(self, report: IngestReport, timer: StageTimer, dedup: bool,
              progress: bool = False) -> set[str]:
        """Sync the index; the paths of the files whose chunks it embedded."""
        started = timer.elapsed()
        # The last sync decides duplicates (the default); the ones in between skip it.
        sync = self.index.sync(progress=progress) if dedup else self.index.sync(progress=progress, dedup=False)
        timer.add("embed", sync.embed_seconds)
        timer.add("write", max(0.0, timer.elapsed() - started - sync.embed_seconds))
        report.embedded += sync.embedded
        return sync.embedded_files

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
