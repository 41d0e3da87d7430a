"""What every tab of the web UI shares, built once per process: the settings, the index, the
assistant, the records store and the login rules, plus the catalogue (statistics, documents,
filter choices) cached until an upload or removal changes the index.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from minutes_app.auth import Authenticator
from minutes_app.ui import views
from minutes_core.settings import Settings
from vectorstore.people import People


class AppState:
    """The shared state of the UI's tabs (one per process)."""

    def __init__(self, settings: Settings, assistant, index, auth: Authenticator):
        self.settings = settings
        self.assistant = assistant
        self.index = index
        self.auth = auth
        self.records = index.open_records()
        self.uploads = index.layout.uploads.resolve()  # files added through the Documents tab
        self.write_lock = threading.Lock()  # one upload or removal at a time
        self._cache: dict[str, Any] = {}

    def stats(self) -> dict[str, Any]:
        if "stats" not in self._cache:
            self._cache["stats"] = self.index.stats()
        return self._cache["stats"]

    def documents(self) -> list[dict[str, Any]]:
        if "documents" not in self._cache:
            self._cache["documents"] = self.index.documents()
        return self._cache["documents"]

    def people(self):
        """The people of the records (``vectorstore.people.People``), built once per index change."""
        if "people" not in self._cache:
            self._cache["people"] = People(self.records, self.settings.people_aliases_file)
        return self._cache["people"]

    def refresh(self) -> None:
        """Forget cached catalogue data after the index changed."""
        self._cache.clear()
        self.assistant.refresh()

    def committees(self) -> list[str]:
        return sorted(c for c in self.stats().get("committees") or [] if c)

    def meeting_choices(self) -> list[tuple[str, str]]:
        meetings = sorted((m for m in self.stats().get("meetings") or [] if m), reverse=True)
        return [(views.date_label(m), m) for m in meetings]

    def doc_type_choices(self) -> list[tuple[str, str]]:
        kinds = sorted({d["doc_type"] for d in self.documents() if d.get("doc_type")})
        return [(views.doc_type_label(k), k) for k in kinds]

    def file_choices(self) -> list[tuple[str, str]]:
        return [(f"{Path(f.path).name}  ({f.n_documents} documents)", f.path) for f in self.index.files()]
