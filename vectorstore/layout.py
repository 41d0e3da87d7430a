"""Where everything under the data directory lives (the contract: ``--data-dir`` holds all the
tool writes). One table of names, so that no other module spells a file name under it.

``Index`` opens its stores from here (``Index.layout``); code that needs a path without opening
the index (the CLI's log file, ``minutes records``, the local model's cache, the eval baseline)
asks ``DataLayout.of(settings)``. Importing this module is cheap: no model or database library.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class DataLayout:
    """The paths under one data directory."""

    root: Path

    @classmethod
    def of(cls, settings: Any) -> "DataLayout":
        return cls(Path(settings.data_dir))

    @property
    def registry(self) -> Path:
        """SQLite: files, documents, chunks, the keyword index, the embedding cache (the truth)."""
        return self.root / "registry.sqlite"

    @property
    def bm25(self) -> Path:
        """Where data directories written before 0.5 kept the keyword index (bm25s); it now lives
        in the registry, and ``Index`` removes this folder on opening."""
        return self.root / "bm25"

    @property
    def chroma(self) -> Path:
        """Chroma's folder (chroma_mode=persistent)."""
        return self.root / "chroma"

    @property
    def records(self) -> Path:
        """SQLite: meetings, decisions, attendance and actions extracted at ingest."""
        return self.root / "records.sqlite"

    @property
    def watch(self) -> Path:
        """Standing questions and what their last report had seen (``minutes watch``)."""
        return self.root / "watch.json"

    @property
    def ingest_lock(self) -> Path:
        """The writer lock: one ingest of this directory at a time (``ingest.lock.writer_lock``)."""
        return self.root / "ingest.lock"

    @property
    def uploads(self) -> Path:
        """Files added through the web UI."""
        return self.root / "uploads"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def log_file(self) -> Path:
        return self.logs / "minutes.log"

    @property
    def models(self) -> Path:
        """Model files assembled on first use (backend=local)."""
        return self.root / "models"

    @property
    def baseline(self) -> Path:
        """The eval's naive baseline collection."""
        return self.root / "baseline"
