"""What stands between a user's request and the core in the web UI: errors reach the user as one
clear sentence (never a traceback), and non-admin users never receive a server path.

Handlers of every tab and the API are wrapped with ``user_error``; replies that carry passages or
documents go through ``without_paths`` unless the caller is an admin.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import gradio as gr

from assistant.validation import InputError

log = logging.getLogger(__name__)


def user_error(handler):
    """Wrap a Gradio handler so the user sees one clear message and never a traceback.

    A user's mistake (``InputError``) is shown as it is; anything else is logged with its
    traceback and shown as a short apology.
    """
    @functools.wraps(handler)
    def wrapped(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except gr.Error:
            raise
        except InputError as error:
            raise gr.Error(str(error)) from None
        except Exception:
            log.exception("%s failed", handler.__name__)
            raise gr.Error("Something went wrong on the server; the details are in its log.") from None
    return wrapped


def without_paths(value: Any) -> Any:
    """``value`` (answer or document dicts) with every server path blanked, for non-admin users."""
    if isinstance(value, dict):
        return {k: (None if k == "path" else without_paths(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [without_paths(v) for v in value]
    return value
