"""The bundled corpus ingested once per test session with the real model, real Chroma and BM25.

Several end-to-end tests (answers, the eval gate, the CLI) read it; none of them write to it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from minutes_core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory, real_embedder):
    """An Index over the whole bundled corpus, ingested (shares the session's one model)."""
    from vectorstore.ingestion import Ingester
    from vectorstore.index import Index

    settings = Settings.load(data_dir=tmp_path_factory.mktemp("corpus-index"))
    index = Index(settings, embedder=real_embedder)
    report = Ingester(settings, index).ingest([SAMPLE_DIR], progress=False)
    assert report.ok, report.errors
    yield index
    index.close()


@pytest.fixture(scope="session")
def corpus_settings(corpus_index) -> Settings:
    """Settings whose data directory holds the ingested bundled corpus."""
    return corpus_index.settings
