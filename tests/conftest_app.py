"""Fixtures for the web UI tests: one real app over a small ingested corpus, for the whole session.

Registered as a pytest plugin (``-p tests.conftest_app`` or from tests/conftest.py).
``minutes serve --ingest`` ingests two sample files into a temporary data directory with the real
model and then serves the app from the same process, so the model is loaded once for the session.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SAMPLE_FILES = [SAMPLE / "003_73fbab55bc149f05.txt", SAMPLE / "000_6c07806dc7cc9196.txt"]
ARTIFACTS = ROOT / "test-artifacts"
STARTUP_SECONDS = 420  # ingest (about 65 chunks on 2 busy cores) plus model load


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningApp:
    """A started app: its URL, data directory, log file and process."""

    url: str
    data_dir: Path
    log: Path
    process: subprocess.Popen

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def start_app(args: list[str], data_dir: Path, env: dict[str, str] | None = None,
              timeout: float = STARTUP_SECONDS) -> RunningApp:
    """Start ``python -m minutes_app.cli serve ...`` over ``data_dir`` on a free loopback port; wait until it answers."""
    port = free_port()
    log = data_dir.parent / f"{data_dir.name}-server.log"
    # Only the settings the test gives: no users or config inherited from the developer's shell.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("MINUTES_")}
    full_env = {**inherited, "MINUTES_CONFIG": os.devnull, "MINUTES_DATA_DIR": str(data_dir), **(env or {})}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "minutes_app.cli", "serve",
             "--host", "127.0.0.1", "--port", str(port), *args],
            cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    app = RunningApp(f"http://127.0.0.1:{port}/", data_dir, log, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}:\n{app.log_text()[-3000:]}")
        try:
            with urllib.request.urlopen(app.url + "config", timeout=5):
                return app
        except urllib.error.HTTPError:  # 401 with login on: the server is up
            return app
        except OSError:
            time.sleep(1)
    stop_app(app)
    raise RuntimeError(f"the app did not answer within {timeout:.0f} s:\n{app.log_text()[-3000:]}")


def stop_app(app: RunningApp) -> None:
    """Stop the app's process group (the server and anything it started), by its id."""
    if app.process.poll() is None:
        os.killpg(app.process.pid, signal.SIGTERM)
        try:
            app.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(app.process.pid, signal.SIGKILL)
            app.process.wait()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> RunningApp:
    """The app over the two sample files, ingested with the real model (no login: loopback)."""
    data_dir = tmp_path_factory.mktemp("app") / "data"
    ingest = [arg for path in SAMPLE_FILES for arg in ("--ingest", str(path))]
    app = start_app(ingest, data_dir)
    yield app
    stop_app(app)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
