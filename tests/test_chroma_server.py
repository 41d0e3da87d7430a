"""The Index against a real Chroma server (chroma_mode = "http"), the scale-out configuration."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest_vectorstore import build_file
from vectorstore.models import Filters

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    """A `chroma run` server on a free loopback port, stopped (by its pid) after the test."""
    executable = shutil.which("chroma", path=os.path.dirname(sys.executable))
    assert executable, "the chroma script is missing from the venv"
    port = free_port()
    log = open(tmp_path / "chroma.log", "wb")
    process = subprocess.Popen(
        [executable, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "chroma.log").read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the Chroma server did not start within 60 s"
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_index_works_against_a_chroma_server(chroma_server, vs_settings, make_index, real_embedder):
    settings = vs_settings.replace(chroma_mode="http", chroma_port=chroma_server)
    index = make_index(settings=settings, embedder=real_embedder)
    files = [
        build_file("/r/cabinet.txt", [{"committee": "Cabinet", "meeting_date": "2024-01-10", "chunks": [
            {"text": "RESOLVED that the drainage contract be awarded to Acme Drainage Ltd.",
             "is_decision": True},
            "Apologies were received from Cllr Smith."]}]),
        build_file("/r/planning.txt", [{"committee": "Planning Committee", "meeting_date": "2024-03-05",
                                        "chunks": ["The Mill Road tower application was refused."]}]),
    ]
    for loaded, documents, chunks in files:
        index.replace_file(loaded, documents, chunks)
    assert index.sync().added == 3
    assert not (settings.data_dir / "chroma").exists()  # nothing went to a local Chroma
    assert index.chroma.count() == 3

    top = index.dense_search("Who won the drainage contract?", k=1)[0]
    assert top.source == "cabinet.txt" and top.is_decision
    planning = index.dense_search("contract", Filters(committee="planning committee"), k=5)
    assert [p.source for p in planning] == ["planning.txt"]

    assert index.remove_file("/r/cabinet.txt")
    assert index.sync().deleted == 2
    assert index.chroma.count() == 1
    assert [p.source for p in index.dense_search("drainage contract", k=5)] == ["planning.txt"]
