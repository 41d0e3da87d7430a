"""Registers the test fixture plugins (pytest only honours ``pytest_plugins`` at the root)."""

pytest_plugins = ["tests.conftest_vectorstore", "tests.conftest_corpus", "tests.conftest_app"]
