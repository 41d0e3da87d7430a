"""Ask benchmark: warm `ask` latency per stage over the bundled suite's questions.

Not a timed test (the machines are shared and noisy): it prints one run's p50/p95 per stage.
"Warm" is a running assistant: the model is loaded and the index open before the clock starts,
as in the chat UI after its first answer. Each question is then asked twice:

- ``first``: the question has not been seen, so its candidate sentences are embedded (what a
  councillor's new question costs);
- ``repeat``: the same question again, every vector cached (what a re-asked question costs).

Follow-ups are asked with their suite history. The bundled corpus is ingested into a
temporary data directory first unless ``--data-dir`` names an ingested one.

    .venv/bin/python scripts/bench_ask.py [--data-dir DIR] [--out bench-results/ask.json]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.factory import build_assistant  # noqa: E402
from evals.metrics import percentile  # noqa: E402
from evals.suite import load_suite  # noqa: E402
from vectorstore.ingestion import Ingester  # noqa: E402
from minutes_core.settings import Settings  # noqa: E402
from vectorstore.index import Index  # noqa: E402

SUITE = ROOT / "evals" / "suites" / "bundled.jsonl"


def stage_percentiles(runs: list[dict[str, float]]) -> dict[str, dict[str, float | None]]:
    """p50 and p95 seconds of each stage over the runs' ``timings`` (stages a run skipped, such
    as ``records`` on the retrieval route, count only where they ran)."""
    stages: dict[str, list[float]] = {}
    for timings in runs:
        for stage, seconds in timings.items():
            stages.setdefault(stage, []).append(float(seconds))
    return {stage: {"p50": round(percentile(values, 50), 4), "p95": round(percentile(values, 95), 4),
                    "n": len(values)} for stage, values in stages.items()}


def run(data_dir: str | None) -> dict:
    settings = Settings.load(data_dir=data_dir or tempfile.mkdtemp(prefix="minutes-bench-"))
    if data_dir is None:
        index = Index(settings)
        Ingester(settings, index).ingest([ROOT / "data" / "sample"], progress=False)
        index.close()
    assistant = build_assistant(settings)
    assistant.ask("warm-up: what did the committee resolve?")  # model load, index open
    items = load_suite(SUITE)
    first: list[dict[str, float]] = []
    repeat: list[dict[str, float]] = []
    for runs in (first, repeat):
        for item in items:
            started = time.perf_counter()
            answer = assistant.ask(item.question, item.history or [])
            timings = dict(answer.timings)
            timings["wall"] = time.perf_counter() - started
            runs.append(timings)
    return {"questions": len(items), "backend": settings.backend,
            "first": stage_percentiles(first), "repeat": stage_percentiles(repeat)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="an ingested data directory (default: ingest the "
                        "bundled corpus into a temporary one)")
    parser.add_argument("--out", default=str(ROOT / "bench-results" / "ask.json"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    result = run(args.data_dir)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    for kind in ("first", "repeat"):
        stages = result[kind]
        print(f"{kind}: " + ", ".join(f"{stage} p50 {v['p50']:.3f} s / p95 {v['p95']:.3f} s"
                                      for stage, v in stages.items()))


if __name__ == "__main__":
    main()
