"""The ``minutes`` command with the small fake embedder, for CLI tests that are not about the model.

Run as ``python -m tests.fake_model_cli ARGS...``; everything but the embedding model is real.
"""

import sys

import vectorstore.index
from minutes_app.cli import main
from tests.conftest_vectorstore import FakeEmbedder

vectorstore.index.Embedder = lambda settings: FakeEmbedder()

if __name__ == "__main__":
    sys.exit(main())
