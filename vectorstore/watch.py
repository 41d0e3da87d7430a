"""Standing questions: questions kept in the data directory, and a report of what is new since
the last report that bears on each (passages and decisions, cited).

"New" means from a file the last report had not seen (by path and checksum), so a report after
an ingest lists what that ingest brought, and a second report with no ingest between lists
nothing. Adding a question takes the files already indexed as seen: its first report lists what
arrives after it was asked. A passage bears on a question when it holds every content word of
it (``vectorstore.track.mentions_topic``), found by BM25 first.

The file is JSON, written whole through a temporary file and a rename, so a crash never leaves
half a watch list.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from minutes_core.text.normalise import match_form
from minutes_core.text.stems import WORD
from minutes_core.text.stopwords import TOPIC_STOPWORDS
from vectorstore.track import mentions_topic, topic_words

log = logging.getLogger(__name__)

# Passages BM25 proposes per question before the word test.
CANDIDATES = 200


class WatchError(Exception):
    """The watch file cannot be read or a question is unusable (one sentence for the user)."""


# Words that ask for news rather than name a subject.
NEWS_WORDS = frozenset({"new", "news", "latest", "update", "updates", "happening", "happened", "any", "anything"})


def question_words(question: str) -> list[str]:
    """The stems a passage must hold to bear on a question: its words less question words."""
    kept = [w for w in WORD.findall(match_form(question))
            if w.lower() not in TOPIC_STOPWORDS and w.lower() not in NEWS_WORDS]
    return topic_words(" ".join(kept))


class WatchList:
    """The standing questions at ``path`` (``DataLayout.watch``)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def _load(self) -> dict[str, Any]:
        if not self.path.exists():
            return {"questions": [], "last_report": None}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise WatchError(f"{self.path}: cannot read the standing questions ({exc}); "
                             "fix or remove the file") from exc
        data.setdefault("questions", [])
        data.setdefault("last_report", None)
        return data

    def _save(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".watch-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, ensure_ascii=False)
        os.replace(temporary, self.path)

    def questions(self) -> list[dict[str, Any]]:
        return self._load()["questions"]

    def add(self, question: str, index) -> dict[str, Any]:
        """Keep a question; the files indexed now count as seen for it."""
        question = " ".join((question or "").split())
        if not question_words(question):
            raise WatchError("the question names nothing to watch for; add the words of its subject")
        data = self._load()
        number = max((q["id"] for q in data["questions"]), default=0) + 1
        entry = {"id": number, "question": question, "added": _now(),
                 "seen": {f.path: f.checksum for f in index.files()}}
        data["questions"].append(entry)
        self._save(data)
        return {k: entry[k] for k in ("id", "question", "added")}

    def remove(self, number: int) -> bool:
        data = self._load()
        kept = [q for q in data["questions"] if q["id"] != number]
        if len(kept) == len(data["questions"]):
            return False
        data["questions"] = kept
        self._save(data)
        return True

    def report(self, index, store=None, mark: bool = True) -> dict[str, Any]:
        """What is new since each question's last report, cited; ``mark`` records it as reported."""
        data = self._load()
        files = {f.path: f.checksum for f in index.files()}
        out = []
        for entry in data["questions"]:
            seen = entry.get("seen", {})
            new_paths = {path for path, checksum in files.items() if seen.get(path) != checksum}
            stems = question_words(entry["question"])
            passages = []
            if new_paths and stems:
                for passage in index.keyword_search(entry["question"], None, k=CANDIDATES):
                    if passage.path in new_paths and mentions_topic(passage.text, stems):
                        passages.append(passage.to_dict())
            decisions = []
            if new_paths and stems and store is not None:
                for row in store.query("decisions"):
                    if row.get("path") in new_paths and not row.get("boilerplate") and mentions_topic(
                            " ".join(str(row.get(k) or "") for k in ("item_title", "decision", "text")), stems):
                        decisions.append({k: row.get(k) for k in (
                            "meeting_date", "committee", "item", "item_title", "decision", "outcome",
                            "proposer", "seconder", "source", "path", "page", "text")})
            out.append({"id": entry["id"], "question": entry["question"], "since": entry.get("reported"),
                        "new_files": len(new_paths), "passages": passages, "decisions": decisions})
            if mark:
                entry["seen"] = files
                entry["reported"] = _now()
        if mark:
            data["last_report"] = _now()
            self._save(data)
        return {"generated": _now(), "questions": out}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
