"""Hostile-input benchmark (issue #11's "done means"): one run's numbers, not a timed test.

1. Against a real ``minutes serve`` started here on 127.0.0.1 (login off, one sample file): how
   long a 1 MB question takes to be refused through the HTTP API (round trip of Gradio's
   ``/gradio_api/call/ask``, as curl would do it; gradio_client adds ~90 ms of its own protocol
   to any call, also measured), and the latency other users see (the page and a real question)
   before and while attackers send it again and again.
2. Parse time (load, clean, structure, chunk, records; no embedding) of a 20 MB text file with no
   blank lines against a 20 MB file of normal paragraphs, and of 5 MB against 20 MB without
   blank lines (linear growth gives 4x).
3. ``minutes ingest --json`` of a folder holding two papers, a symbolic link loop and a link to
   /etc/passwd: the report (files added, the errors naming both links) and the exit status.

    .venv/bin/python scripts/bench_hostile.py [--out bench-results/hostile.json] [--mb 20]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.loaders import load_file  # noqa: E402
from minutes_core.settings import Settings  # noqa: E402
from vectorstore.ingestion import parse_file  # noqa: E402
from tests.conftest_app import SAMPLE_FILES, start_app, stop_app  # noqa: E402

QUESTION = "What was resolved about the work programme?"
MEGABYTE_QUESTION = "why " * 262_144  # 1,048,576 characters


def _summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1)}


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def refuse_megabyte_question(url: str) -> str:
    """Send the 1 MB question through the HTTP API; the refusal's message (it must be refused)."""
    body = json.dumps({"data": [MEGABYTE_QUESTION, None, "", "", "", "", False]}).encode()
    request = urllib.request.Request(url + "gradio_api/call/ask", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        event = json.loads(response.read())["event_id"]
    with urllib.request.urlopen(f"{url}gradio_api/call/ask/{event}", timeout=60) as response:
        reply = response.read().decode()
    if not reply.startswith("event: error"):
        raise AssertionError(f"a 1 MB question was not refused: {reply[:200]}")
    return json.loads(reply.split("data:", 1)[1])["error"]


def other_users(url: str, seconds: float, users: int) -> dict[str, dict[str, float]]:
    """Latencies of the page and of a real question, from ``users`` threads for ``seconds``."""
    from gradio_client import Client

    page, asks = [], []
    deadline = time.monotonic() + seconds

    def user() -> None:
        client = Client(url, verbose=False)
        while time.monotonic() < deadline:
            page.append(_timed(lambda: urllib.request.urlopen(url, timeout=60).read()))
            asks.append(_timed(lambda: client.predict(QUESTION, api_name="/ask")))

    threads = [threading.Thread(target=user) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"page": _summary(page), "ask": _summary(asks)}


def bench_server(seconds: float, users: int, attackers: int) -> dict:
    from gradio_client import Client

    data_dir = Path(tempfile.mkdtemp(prefix="minutes-hostile-")) / "data"
    app = start_app(["--ingest", str(SAMPLE_FILES[0])], data_dir)
    try:
        client = Client(app.url, verbose=False)
        client.predict(QUESTION, api_name="/ask")  # warm
        message = refuse_megabyte_question(app.url)
        refusals = [_timed(lambda: refuse_megabyte_question(app.url)) for _ in range(30)]
        client_calls = {"stats": _summary([_timed(lambda: client.predict(api_name="/stats"))
                                           for _ in range(15)])}
        before = other_users(app.url, seconds, users)
        stop = threading.Event()
        sent = []

        def attacker() -> None:
            while not stop.is_set():
                sent.append(_timed(lambda: refuse_megabyte_question(app.url)))

        threads = [threading.Thread(target=attacker) for _ in range(attackers)]
        for thread in threads:
            thread.start()
        during = other_users(app.url, seconds, users)
        stop.set()
        for thread in threads:
            thread.join()
        return {"refusal_message": message, "refusal": _summary(refusals),
                "gradio_client_round_trip": client_calls,
                "refusals_during_attack": _summary(sent), "attackers": attackers, "users": users,
                "before_attack": before, "during_attack": during}
    finally:
        stop_app(app)
        shutil.rmtree(data_dir.parent, ignore_errors=True)


def _write_text(path: Path, megabytes: float, blank_lines: bool) -> None:
    """Council-paper prose of the given size: wrapped at 90 characters, with or without a blank
    line between paragraphs of about six lines."""
    rng = random.Random(7)
    words = ("the committee noted the report on housing repairs and asked officers to bring a "
             "further update on the budget to the next meeting members agreed that the work "
             "programme be approved and thanked the cabinet member for the presentation").split()
    target = int(megabytes * 1_048_576)
    lines, size, line = [], 0, []
    while size < target:
        line.append(rng.choice(words) + ("." if rng.random() < 0.07 else ""))
        if sum(len(w) + 1 for w in line) > 90:
            text = " ".join(line)
            lines.append(text)
            size += len(text) + 1
            line = []
            if blank_lines and len(lines) % 7 == 6:
                lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def bench_parse(megabytes: float) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="minutes-parse-"))
    settings = Settings.load(data_dir=folder / "data", max_file_mb=max(100.0, megabytes * 2))
    files = {"no_blank_lines": (megabytes, False), "paragraphs": (megabytes, True),
             "no_blank_lines_quarter": (megabytes / 4, False)}
    out = {}
    try:
        for name, (size, blanks) in files.items():
            path = folder / f"{name}.txt"
            _write_text(path, size, blanks)
            started = time.perf_counter()
            documents, chunks, _ = parse_file(load_file(path, settings), settings)
            out[name] = {"mb": round(path.stat().st_size / 1_048_576, 2),
                         "seconds": round(time.perf_counter() - started, 2), "chunks": len(chunks),
                         "largest_chunk": max(len(c.text) for c in chunks)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    out["no_blank_over_paragraphs"] = round(out["no_blank_lines"]["seconds"] / out["paragraphs"]["seconds"], 2)
    out["growth_4x_size"] = round(out["no_blank_lines"]["seconds"] / out["no_blank_lines_quarter"]["seconds"], 2)
    return out


def bench_symlinks() -> dict:
    root = Path(tempfile.mkdtemp(prefix="minutes-links-"))
    papers = root / "papers"
    papers.mkdir()
    for sample in SAMPLE_FILES:
        shutil.copy(sample, papers / sample.name)
    (papers / "loop.txt").symlink_to("loop.txt")
    (papers / "passwd.txt").symlink_to("/etc/passwd")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MINUTES_")},
           "MINUTES_CONFIG": os.devnull}
    try:
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "minutes_app.cli", "ingest", str(papers), "--json",
                                 "--data-dir", str(root / "data")], capture_output=True, text=True,
                                env=env, cwd=ROOT, timeout=1800)
        report = json.loads(result.stdout)
        return {"exit_status": result.returncode, "seconds": round(time.perf_counter() - started, 1),
                "files": report["files"], "chunks": report["chunks"], "errors": report["errors"],
                "stderr": result.stderr.strip().splitlines()}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "bench-results" / "hostile.json"))
    parser.add_argument("--mb", type=float, default=20.0, help="Size of the big text files.")
    parser.add_argument("--seconds", type=float, default=30.0, help="Length of each latency window.")
    parser.add_argument("--users", type=int, default=3)
    parser.add_argument("--attackers", type=int, default=2)
    args = parser.parse_args()
    result = {"server": bench_server(args.seconds, args.users, args.attackers),
              "parse": bench_parse(args.mb), "symlinks": bench_symlinks()}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    server, parse, links = result["server"], result["parse"], result["symlinks"]
    print(f"1 MB question refused (HTTP round trip): p50 {server['refusal']['p50_ms']} ms, "
          f"max {server['refusal']['max_ms']} ms ({server['refusal_message']!r}); "
          f"{server['refusals_during_attack']['n']} refused during the attack, p50 "
          f"{server['refusals_during_attack']['p50_ms']} ms; any gradio_client call (/stats) p50 "
          f"{server['gradio_client_round_trip']['stats']['p50_ms']} ms")
    for when in ("before_attack", "during_attack"):
        latency = server[when]
        print(f"other users {when.replace('_', ' ')}: page p50 {latency['page']['p50_ms']} ms "
              f"p95 {latency['page']['p95_ms']} ms; ask p50 {latency['ask']['p50_ms']} ms "
              f"p95 {latency['ask']['p95_ms']} ms")
    print(f"parse {parse['no_blank_lines']['mb']} MB without blank lines {parse['no_blank_lines']['seconds']} s, "
          f"with paragraphs {parse['paragraphs']['seconds']} s: ratio {parse['no_blank_over_paragraphs']}; "
          f"4x the size took {parse['growth_4x_size']}x the time")
    print(f"symlink folder: exit {links['exit_status']}, files {links['files']}, errors "
          + "; ".join(f"{Path(e['file']).name}: {e['error']}" for e in links["errors"]))


if __name__ == "__main__":
    main()
