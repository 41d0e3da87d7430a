"""Load test of the web UI: N concurrent conversations through gradio_client, with latencies.

Each simulated user opens its own client and holds a conversation of ``--turns`` questions:
the first from a list of general questions, then follow-ups that send the history, as the
chat does. Reports the p50/p95/max latency of a question and the number of errors.

    python scripts/loadtest.py --url http://127.0.0.1:7860/ --users 20 [--turns 2] [--json]

Exit status 0 when every question was answered, 1 when any failed.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger("loadtest")

QUESTIONS = [
    "What was resolved at the most recent meeting?",
    "Who attended the meeting?",
    "What actions were agreed, and who is responsible for them?",
    "What did the report say about performance?",
    "What was said about the budget?",
    "Which decisions were made about the Children's Trust?",
]
FOLLOW_UPS = ["Who presented it?", "When was that?", "What happens next?"]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def conversation(url: str, user: int, turns: int, auth: tuple[str, str] | None,
                 start: threading.Barrier) -> tuple[list[float], list[str]]:
    """One user's conversation: (seconds per answered question, error messages)."""
    from gradio_client import Client

    latencies: list[float] = []
    errors: list[str] = []
    try:
        client = Client(url, auth=auth, verbose=False)
    except Exception as error:  # a client that cannot connect is an error of the run
        start.wait()
        return latencies, [f"user {user}: cannot connect: {error}"]
    start.wait()
    history: list[dict[str, str]] = []
    for turn in range(turns):
        question = (QUESTIONS[user % len(QUESTIONS)] if turn == 0
                    else FOLLOW_UPS[(user + turn) % len(FOLLOW_UPS)])
        began = time.perf_counter()
        try:
            answer = json.loads(client.predict(question=question, history=history, api_name="/ask"))
            if "answer" not in answer:
                raise ValueError(f"unexpected reply {str(answer)[:120]!r}")
        except Exception as error:
            errors.append(f"user {user} turn {turn + 1}: {type(error).__name__}: {error}")
            continue
        latencies.append(time.perf_counter() - began)
        history += [{"role": "user", "content": question},
                    {"role": "assistant", "content": answer["answer"]}]
    return latencies, errors


def run(url: str, users: int, turns: int, auth: tuple[str, str] | None = None) -> dict:
    """Run the conversations at once; the summary the script prints."""
    start = threading.Barrier(users)
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        results = list(pool.map(lambda u: conversation(url, u, turns, auth, start), range(users)))
    wall = time.perf_counter() - began
    latencies = [s for found, _ in results for s in found]
    errors = [e for _, found in results for e in found]
    return {
        "url": url, "users": users, "turns": turns,
        "questions": users * turns, "answered": len(latencies), "errors": len(errors),
        "error_messages": errors[:20],
        "p50": round(percentile(latencies, 0.50), 3) if latencies else None,
        "p95": round(percentile(latencies, 0.95), 3) if latencies else None,
        "max": round(max(latencies), 3) if latencies else None,
        "mean": round(statistics.fmean(latencies), 3) if latencies else None,
        "wall_seconds": round(wall, 3),
        "questions_per_second": round(len(latencies) / wall, 3) if wall else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860/")
    parser.add_argument("--users", type=int, default=20, help="concurrent conversations")
    parser.add_argument("--turns", type=int, default=2, help="questions per conversation")
    parser.add_argument("--auth", metavar="USER:PASSWORD", help="login, when the app requires one")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    summary = run(args.url, args.users, args.turns, auth)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{summary['users']} users x {summary['turns']} turns: {summary['answered']}/"
              f"{summary['questions']} answered, {summary['errors']} errors; "
              f"p50 {summary['p50']} s, p95 {summary['p95']} s, max {summary['max']} s; "
              f"{summary['questions_per_second']} questions/s over {summary['wall_seconds']} s")
        for message in summary["error_messages"]:
            print(f"  {message}")
    return 0 if summary["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
