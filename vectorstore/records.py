"""The records store: meeting records as rows in SQLite, beside the vector index.

List questions ("every decision of the 28 October 2020 meeting", "which actions are open?") are
answered from here completely and exactly, where top-k retrieval would return a sample. One
table holds the rows of every kind (meetings, items, decisions, attendance, actions) as JSON,
with the columns queries filter on. A file's rows are replaced in one transaction, like its chunks
in the registry, so re-ingesting a file never leaves old and new rows side by side.

Stored lean: every row cites the passage it came from (``text``), and the rows of one passage
(each person of a "Present:" list, say) share it, so a file's passages are stored once each in
``passages`` and rows point at them; rows and passages are zlib-compressed JSON and text, keyed by
a file number. On an archive this took the store from ~1.5 KB to a few hundred bytes a row.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import zlib
from pathlib import Path
from typing import Any, Callable

from ingest.committees import committee_aliases, normalise_name
from ingest.records import ROW_TYPES, Records, row_dict
from minutes_core.text.normalise import match_form

log = logging.getLogger(__name__)

KINDS = tuple(ROW_TYPES)
SCHEMA_VERSION = 2

# Rows and passages are keyed by a file number, not the path (a path is ~150 bytes, and a
# table and its key index would each repeat it per row), in WITHOUT ROWID tables (the key is
# the table: no second copy in an index).
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS records (
    file INTEGER NOT NULL,           -- files.id
    kind TEXT NOT NULL,
    ordinal INTEGER NOT NULL,        -- position among the file's rows of this kind
    committee TEXT,
    meeting_date TEXT,
    data BLOB NOT NULL,              -- the row without its text (ingest.records.row_dict), zlib JSON
    passage INTEGER NOT NULL,        -- passages.n of the row's text in the same file
    PRIMARY KEY (file, kind, ordinal)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_kind_date ON records (kind, meeting_date);
CREATE TABLE IF NOT EXISTS passages (
    file INTEGER NOT NULL,
    n INTEGER NOT NULL,
    text BLOB NOT NULL,              -- zlib UTF-8
    PRIMARY KEY (file, n)
) WITHOUT ROWID;
"""


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 6)


def _unpack(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8")


def _file_rows(file: int, rows: list[tuple[str, int, dict[str, Any]]]) -> tuple[list[tuple], list[tuple]]:
    """(records rows, passages rows) of one file's (kind, ordinal, row dict) list."""
    passages: dict[str, int] = {}
    records = []
    for kind, ordinal, row in rows:
        row = dict(row)
        text = str(row.pop("text", "") or "")
        n = passages.setdefault(text, len(passages))
        records.append((file, kind, ordinal, row.get("committee"), row.get("meeting_date"),
                        _pack(json.dumps(row, ensure_ascii=False)), n))
    return records, [(file, n, _pack(text)) for text, n in passages.items()]


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
        # A kind's rows decoded once, while the database is as it was when they were read (see
        # ``_generation``): a question about every year's officials or decisions would otherwise
        # decode tens of thousands of compressed rows each time it is asked.
        self._decoded: dict[str, tuple[tuple[int, int], list[tuple[dict[str, Any], str]]]] = {}
        self._writes = 0
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        with self._lock:
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(records)")}
            if columns and "file" not in columns:
                self._migrate_from_1()
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _migrate_from_1(self) -> None:
        """Rows written with their text inline (JSON): passages split out, both compressed, in
        one transaction (a kill leaves the old table)."""
        log.warning("upgrading %s to schema %d (once)", self.path, SCHEMA_VERSION)
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            old = db.execute("SELECT path, kind, ordinal, data FROM records ORDER BY path").fetchall()
            db.execute("DROP TABLE records")
            db.execute("DROP INDEX IF EXISTS records_kind_date")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            by_path: dict[str, list[tuple[str, int, dict[str, Any]]]] = {}
            for path, kind, ordinal, data in old:
                by_path.setdefault(path, []).append((kind, ordinal, json.loads(data)))
            for path, rows in by_path.items():
                self._insert(path, rows)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _insert(self, path: str, rows: list[tuple[str, int, dict[str, Any]]]) -> None:
        if not rows:
            return
        file = self._db.execute("INSERT INTO files (path) VALUES (?) ON CONFLICT (path)"
                                " DO UPDATE SET path = path RETURNING id", (path,)).fetchone()[0]
        records, passages = _file_rows(file, rows)
        self._db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?)", records)
        self._db.executemany("INSERT INTO passages VALUES (?, ?, ?)", passages)

    def replace_file(self, path: str, source: str, records: Records) -> None:
        """Make the file's rows exactly ``records`` (one transaction; ``source`` is for the log)."""
        rows = [(kind, ordinal, row_dict(row))
                for kind, kind_rows in records.by_kind().items()
                for ordinal, row in enumerate(kind_rows)]
        with self._lock, self._db:
            self._delete(path)
            self._insert(path, rows)
            self._writes += 1
        log.info("records of %s: %s", source, records.counts())

    def _delete(self, path: str) -> int:
        found = self._db.execute("SELECT id FROM files WHERE path = ?", (path,)).fetchone()
        if found is None:
            return 0
        self._db.execute("DELETE FROM passages WHERE file = ?", found)
        removed = self._db.execute("DELETE FROM records WHERE file = ?", found).rowcount
        self._db.execute("DELETE FROM files WHERE id = ?", found)
        return removed

    def remove_file(self, path: str) -> bool:
        """Forget the file's rows; True when it had any."""
        with self._lock, self._db:
            removed = self._delete(path)
            self._writes += 1
        return removed > 0

    def query(self, kind: str, committee: str | None = None, meeting: str | None = None,
              search: str | None = None, date_from: str | None = None,
              date_to: str | None = None, aliases_file: str = "",
              keep: Callable[[dict[str, Any]], bool] | None = None) -> list[dict[str, Any]]:
        """Rows of one kind, oldest meeting first, in document order within a meeting.

        ``committee``: a case-insensitive part of the committee's name, or any of its names
        (current or earlier, via ``ingest.committees.committee_aliases``). ``meeting``: the
        YYYY-MM-DD meeting date (for actions, the meeting that raised them); ``date_from`` and
        ``date_to`` an inclusive range of it. ``search``: a case-insensitive part of the row's text.
        ``keep``: a test of a row's fields (not its text) that every row returned passes, applied
        before the rows are copied out (a few of an archive's rows cost little to return).
        """
        if kind not in KINDS:
            raise ValueError(f"unknown record kind {kind!r} (kinds: {', '.join(KINDS)})")
        pairs = self._rows(kind, meeting, date_from, date_to)
        if keep is not None:
            pairs = [(row, text) for row, text in pairs if keep(row)]
        if committee:
            wanted = _committee_keys(committee, aliases_file)
            normalised: dict[str, str] = {}
            pairs = [(row, text) for row, text in pairs if _committee_matches(row, wanted, normalised)]
        rows = [{**row, "text": text} for row, text in pairs]
        if search:
            needle = match_form(search)
            fields = SEARCH_FIELDS[kind] + ("text",)
            rows = [row for row in rows
                    if any(needle in match_form(str(row.get(name) or "")) for name in fields)]
        return rows

    def _rows(self, kind: str, meeting: str | None, date_from: str | None,
              date_to: str | None) -> list[tuple[dict[str, Any], str]]:
        """(row, passage text) of one kind in the query's meetings, in query order.

        A query of every meeting decodes the kind's rows and keeps them until the database
        changes; a query of some meetings reads them from the decoded rows when those are kept,
        else only its own rows from SQLite. On an archive a query reads tens of thousands of rows."""
        def wanted(date: str | None) -> bool:
            return (not meeting or date == meeting) and (not date_from or (date or "") >= date_from) \
                and (not date_to or (date is not None and date <= date_to))

        sql = ("SELECT r.data, p.text FROM records r JOIN files f ON f.id = r.file"
               " LEFT JOIN passages p ON p.file = r.file AND p.n = r.passage WHERE kind = ?")
        params: list[Any] = [kind]
        for condition, value in (("meeting_date = ?", meeting), ("meeting_date >= ?", date_from),
                                 ("meeting_date <= ?", date_to)):
            if value:
                sql += f" AND {condition}"
                params.append(value)
        sql += " ORDER BY meeting_date IS NULL, meeting_date, f.path, ordinal"
        with self._lock:
            generation = self._generation()
            kept = self._decoded.get(kind)
            if kept is not None and kept[0] == generation:
                return [pair for pair in kept[1] if wanted(pair[0].get("meeting_date"))]
            found = self._db.execute(sql, params).fetchall()
            texts: dict[bytes, str] = {}  # each shared passage unpacked once
            pairs = [(json.loads(_unpack(data)), _text(text, texts)) for data, text in found]
            if not (meeting or date_from or date_to):
                self._decoded[kind] = (generation, pairs)
        return pairs

    def generation(self) -> tuple[int, int]:
        """What ``_generation`` says, for readers that keep what they built of the rows (``People.of``)."""
        with self._lock:
            return self._generation()

    def _generation(self) -> tuple[int, int]:
        """Changes whenever the database does: this store's writes, and SQLite's data version,
        which another connection's commit (an ingest in another process) moves."""
        return self._writes, self._db.execute("PRAGMA data_version").fetchone()[0]

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


def _committee_matches(row: dict[str, Any], keys: list[str], normalised: dict[str, str]) -> bool:
    """Whether the row's committee (or its printed form) holds one of ``keys``; ``normalised``
    memoises ``normalise_name`` across the rows of one query."""
    held = []
    for name in ("committee", "committee_printed"):
        value = row.get(name) or ""
        if value not in normalised:
            normalised[value] = normalise_name(value)
        held.append(normalised[value])
    return any(key in value for key in keys for value in held if value)


def _text(blob: bytes | None, unpacked: dict[bytes, str]) -> str:
    """A row's passage text; ``unpacked`` memoises the rows of one passage, which share it."""
    if blob is None:
        return ""
    if blob not in unpacked:
        unpacked[blob] = _unpack(blob)
    return unpacked[blob]
