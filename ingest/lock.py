"""One writer per data directory at a time.

Two ingests of one data directory (two terminals, or the web UI's upload while a cron job
ingests) would each parse the same new files and embed the same chunks, and each report them as
added. The writer takes an exclusive ``flock`` on the directory's lock file
(``vectorstore.layout.DataLayout.ingest_lock``) for the whole run; a
second writer waits for it, saying so, up to ``settings.ingest_lock_timeout`` seconds, and then
finds the first one's work done. The kernel drops the lock when its holder dies, even by
``kill -9``, so a killed run never leaves the directory locked.
"""

from __future__ import annotations

import datetime
import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2


class LockTimeout(Exception):
    """Another writer held the data directory for longer than the wait allowed."""


@contextmanager
def writer_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold the writer lock file ``path`` (in the data directory) inside the ``with`` block,
    waiting up to ``timeout`` seconds for another writer to finish."""
    data_dir = path.parent
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        if not _try_lock(handle):
            holder = _holder(path)
            log.warning("Another ingest (%s) is writing to %s; waiting for it to finish "
                        "(up to %g s, setting ingest_lock_timeout).", holder, data_dir, timeout)
            deadline = time.monotonic() + timeout
            while not _try_lock(handle):
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"another ingest ({holder}) is still writing to {data_dir} after {timeout:g} s; "
                        "run this one again when it has finished (or raise ingest_lock_timeout)")
                time.sleep(POLL_SECONDS)
            log.warning("The other ingest has finished; going on.")
        handle.seek(0)
        handle.truncate()
        started = datetime.datetime.now().isoformat(timespec="seconds")
        handle.write(f"process {os.getpid()}, started {started}\n")
        handle.flush()
        yield
    # Closing the file released the lock.


def _try_lock(handle) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "process unknown"
    except OSError:
        return "process unknown"
