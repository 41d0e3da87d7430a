"""Answering: retrieval, fusion, answer backends and conversation."""
