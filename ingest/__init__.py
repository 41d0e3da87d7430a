"""Ingest: load, clean, detect structure, chunk."""
