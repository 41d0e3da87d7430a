"""Checks on what a user hands the assistant: question, history, filters, k.

Run where input crosses into the core (``Assistant.stream``, the CLI, the web handlers and API),
so the core never sees unbounded or malformed input: a question of a million characters is
refused before any pattern looks at it, a history that is not a list of turns is refused instead
of failing deep inside. Each problem is one ``InputError`` whose message is a sentence the user
can act on (the CLI exits with status 2, the web UI shows it).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from assistant.models import Turn
from minutes_core.settings import Settings
from vectorstore.models import Filters

ROLES = ("user", "assistant")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Control characters other than tab, newline and carriage return: nothing a person types.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InputError(ValueError):
    """Input the user must fix; ``str()`` is one sentence saying what and how."""


def clean_text(text: str) -> str:
    """``text`` as one line: control characters, lone surrogates and runs of whitespace gone.

    Lone surrogates (which JSON can carry) cannot be encoded, so they become U+FFFD.
    """
    text = text.encode("utf-8", "replace").decode("utf-8") if not text.isascii() else text
    return " ".join(_CONTROL.sub(" ", text).split())


def check_question(question: Any, settings: Settings) -> str:
    """The question, cleaned; refused when it is not text, empty, or over the length limit.

    The length is checked first, on the raw text, so an oversized question costs nothing.
    """
    if not isinstance(question, str):
        raise InputError("The question must be text.")
    limit = settings.max_question_chars
    if len(question) > limit:
        raise InputError(f"The question is {len(question):,} characters long; the limit is "
                         f"{limit:,} (setting max_question_chars). Ask a shorter question.")
    text = clean_text(question)
    if not text:
        raise InputError("Ask a question: the question is empty.")
    return text


def check_history(history: Any, settings: Settings) -> list[Turn]:
    """The conversation so far as Turns; refused when malformed or over the limits.

    Accepts Turns or ``{"role": "user"|"assistant", "content": text}`` dicts (the contract's
    history item). ``None`` is no history.
    """
    if history is None:
        return []
    if isinstance(history, (str, bytes, dict)) or not isinstance(history, Iterable):
        raise InputError('The history must be a list of {"role": "user" or "assistant", '
                         '"content": text} turns.')
    turns: list[Turn] = []
    for position, turn in enumerate(history, start=1):
        if len(turns) >= settings.max_history_turns:
            raise InputError(f"The history has more than {settings.max_history_turns} turns "
                             "(setting max_history_turns); send only the latest ones.")
        role, content = _role_and_content(turn)
        if role not in ROLES or not isinstance(content, str):
            raise InputError(f'History turn {position} must be {{"role": "user" or "assistant", '
                             '"content": text}.')
        if len(content) > settings.max_history_chars:
            raise InputError(f"History turn {position} is {len(content):,} characters long; the "
                             f"limit is {settings.max_history_chars:,} (setting max_history_chars).")
        turns.append(Turn(role, clean_text(content)))
    return turns


def _role_and_content(turn: Any) -> tuple[Any, Any]:
    if isinstance(turn, Turn):
        return turn.role, turn.content
    if isinstance(turn, dict):
        return turn.get("role"), turn.get("content")
    return None, None


def check_k(k: Any, settings: Settings) -> int:
    """The number of passages to show: ``settings.k`` when not given, else 1 to ``settings.max_k``."""
    if k is None:
        return settings.k
    if isinstance(k, bool) or not isinstance(k, int):
        raise InputError(f"k must be a whole number of passages, not {k!r}.")
    if not 1 <= k <= settings.max_k:
        raise InputError(f"k must be between 1 and {settings.max_k} passages (setting max_k); "
                         f"got {k}.")
    return k


def check_date(value: Any, label: str) -> str | None:
    """A YYYY-MM-DD date that exists, or None for no date; ``label`` names it in the error."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = value.strip() if isinstance(value, str) else ""
    if _ISO_DATE.fullmatch(text):
        try:
            datetime.date.fromisoformat(text)
            return text
        except ValueError:
            pass
    shown = repr(value if not isinstance(value, str) else value[:40])
    raise InputError(f"The {label} date {shown} is not a date written YYYY-MM-DD "
                     "(for example 2020-12-09).")


def check_filters(filters: Any, settings: Settings) -> Filters:
    """Filters with real dates in order and bounded names; None is no filters."""
    if filters is None:
        return Filters()
    if not isinstance(filters, Filters):
        raise InputError("The filters must be a Filters object.")
    date_from = check_date(filters.date_from, "from")
    date_to = check_date(filters.date_to, "to")
    if date_from and date_to and date_from > date_to:
        raise InputError(f"The from date {date_from} is after the to date {date_to}.")
    names = {}
    for name in ("committee", "doc_type", "source"):
        value = getattr(filters, name)
        if value is not None and not isinstance(value, str):
            raise InputError(f"The {name.replace('_', ' ')} filter must be text.")
        if value and len(value) > settings.max_filter_chars:
            raise InputError(f"The {name.replace('_', ' ')} filter is {len(value):,} characters "
                             f"long; the limit is {settings.max_filter_chars} "
                             "(setting max_filter_chars).")
        names[name] = clean_text(value) or None if value else None
    return Filters(committee=names["committee"], date_from=date_from, date_to=date_to,
                   doc_type=names["doc_type"], decisions_only=bool(filters.decisions_only),
                   source=names["source"])
