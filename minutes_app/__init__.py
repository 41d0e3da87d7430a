"""The top layer: the ``minutes`` command line (``cli``), web login rules (``auth``) and the web
UI (``ui``). Thin adapters over ``assistant``, ``vectorstore`` and ``evals``; no logic a test of
the core would want to reach.
"""
