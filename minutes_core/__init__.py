"""The bottom layer: settings, the shared text layer and stage timing.

Every other package (``ingest``, ``vectorstore``, ``assistant``, ``evals``, ``minutes_app``) may
import from here; nothing here imports any of them (``tests/test_architecture.py`` checks it).
"""
