"""The one error an answer backend raises when it cannot answer."""

from __future__ import annotations


class BackendError(RuntimeError):
    """A backend could not produce an answer: endpoint down, bad reply, model or package missing.

    ``str(error)`` is one sentence for the user naming what failed and what to check; details go
    to the log. The assistant turns it into a note (and the extractive answer) or an exit status.
    """
