"""Answer backends by name: "extractive" (the default, no model), "openai" and "local" (generative).

The generative backends are imported only when chosen, so a missing optional dependency (the
``llm`` extra for "local") is an error for the user who asked for that backend and nobody else.
"""

from __future__ import annotations

import importlib
import logging

from assistant.backends.errors import BackendError
from minutes_core.settings import Settings, SettingsError

log = logging.getLogger(__name__)

EXTRACTIVE = "extractive"
# name -> (module, class); each generative class takes the settings and has ``name``,
# ``generate(question, passages, history)`` and ``rewrite(question, history)``.
GENERATIVE = {
    "openai": ("assistant.backends.openai_backend", "OpenAIBackend"),
    "local": ("assistant.backends.local_backend", "LocalBackend"),
}
BACKEND_NAMES = (EXTRACTIVE, *GENERATIVE)


def check_backend_name(name: str) -> str:
    """``name`` if it is a backend; otherwise a SettingsError listing the valid names."""
    if name not in BACKEND_NAMES:
        raise SettingsError(
            f"Unknown answer backend {name!r}; choose one of: {', '.join(BACKEND_NAMES)}."
        )
    return name


def load_generative_backend(name: str, settings: Settings):
    """A generative backend object, importing its module now (BackendError if it cannot load)."""
    if check_backend_name(name) not in GENERATIVE:
        raise SettingsError(f"The {name} backend is not generative.")
    module_name, class_name = GENERATIVE[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        log.exception("cannot import backend %s", name)
        hint = " (pip install 'minutes-assistant[llm]')" if name == "local" else ""
        raise BackendError(
            f"The {name} backend cannot load: a package it needs is missing ({error.name}){hint}."
        ) from error
    return getattr(module, class_name)(settings)
