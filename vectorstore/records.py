"""The records store: meeting records as rows in SQLite, beside the vector index.

List questions ("every decision of the 28 October 2020 meeting", "which actions are open?") are
answered from here completely and exactly, where top-k retrieval would return a sample. One
table holds the rows of every kind (meetings, items, decisions, attendance, actions) as JSON,
with the columns queries filter on. A file's rows are replaced in one transaction, like its chunks
in the registry, so re-ingesting a file never leaves old and new rows side by side.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

from ingest.committees import committee_aliases, normalise_name
from ingest.records import ROW_TYPES, Records, row_dict
from minutes_core.text.normalise import match_form

log = logging.getLogger(__name__)

KINDS = tuple(ROW_TYPES)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    ordinal INTEGER NOT NULL,        -- position among the file's rows of this kind
    committee TEXT,
    meeting_date TEXT,
    data TEXT NOT NULL,              -- the row as JSON (ingest.records.row_dict)
    PRIMARY KEY (path, kind, ordinal)
);
CREATE INDEX IF NOT EXISTS records_kind_date ON records (kind, meeting_date);
"""

# Fields whose text ``search`` looks through, per kind (besides the passage text).
SEARCH_FIELDS = {
    "meetings": ("venue", "title"),
    "items": ("item_title",),
    "decisions": ("item_title", "decision"),
    "attendance": ("name", "capacity", "group", "interest"),
    "actions": ("item", "action", "update"),
}


class RecordsStore:
    """SQLite rows of meeting records at ``path`` (``<data_dir>/records.sqlite``)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def replace_file(self, path: str, source: str, records: Records) -> None:
        """Make the file's rows exactly ``records`` (one transaction; ``source`` is for the log)."""
        rows = [
            (path, kind, ordinal, row.committee, row.meeting_date,
             json.dumps(row_dict(row), ensure_ascii=False))
            for kind, kind_rows in records.by_kind().items()
            for ordinal, row in enumerate(kind_rows)
        ]
        with self._lock, self._db:
            self._db.execute("DELETE FROM records WHERE path = ?", (path,))
            self._db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", rows)
        log.info("records of %s: %s", source, records.counts())

    def remove_file(self, path: str) -> bool:
        """Forget the file's rows; True when it had any."""
        with self._lock, self._db:
            cursor = self._db.execute("DELETE FROM records WHERE path = ?", (path,))
        return cursor.rowcount > 0

    def query(self, kind: str, committee: str | None = None, meeting: str | None = None,
              search: str | None = None, date_from: str | None = None,
              date_to: str | None = None, aliases_file: str = "") -> list[dict[str, Any]]:
        """Rows of one kind, oldest meeting first, in document order within a meeting.

        ``committee``: a case-insensitive part of the committee's name, or any of its names
        (current or earlier, via ``ingest.committees.committee_aliases``). ``meeting``: the
        YYYY-MM-DD meeting date (for actions, the meeting that raised them); ``date_from`` and
        ``date_to`` an inclusive range of it. ``search``: a case-insensitive part of the row's text.
        """
        if kind not in KINDS:
            raise ValueError(f"unknown record kind {kind!r} (kinds: {', '.join(KINDS)})")
        sql = "SELECT data FROM records WHERE kind = ?"
        params: list[Any] = [kind]
        if meeting:
            sql += " AND meeting_date = ?"
            params.append(meeting)
        if date_from:
            sql += " AND meeting_date >= ?"
            params.append(date_from)
        if date_to:
            sql += " AND meeting_date <= ?"
            params.append(date_to)
        sql += " ORDER BY meeting_date IS NULL, meeting_date, path, ordinal"
        with self._lock:
            rows = [json.loads(data) for (data,) in self._db.execute(sql, params)]
        if committee:
            wanted = _committee_keys(committee, aliases_file)
            rows = [row for row in rows if _committee_matches(row, wanted)]
        if search:
            needle = match_form(search)
            fields = SEARCH_FIELDS[kind] + ("text",)
            rows = [row for row in rows
                    if any(needle in match_form(str(row.get(name) or "")) for name in fields)]
        return rows

    def meeting_dates(self) -> list[str]:
        """The dates of the meetings the store has minutes of, oldest first."""
        with self._lock:
            found = self._db.execute(
                "SELECT DISTINCT meeting_date FROM records WHERE kind = 'decisions' OR kind = 'attendance' "
                "ORDER BY meeting_date").fetchall()
        return [date for (date,) in found if date]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _committee_keys(committee: str, aliases_file: str = "") -> list[str]:
    names = {committee, *committee_aliases(committee, aliases_file)}
    return [key for key in (normalise_name(name) for name in names) if key]


def _committee_matches(row: dict[str, Any], keys: list[str]) -> bool:
    held = [normalise_name(row.get(name) or "") for name in ("committee", "committee_printed")]
    return any(key in value for key in keys for value in held if value)
