"""Ingest benchmark: cold and warm ingest of the bundled corpus, split by stage.

Not a timed test (the machines are shared and noisy): it prints one run's numbers and the ratios
that the README records. Cold = empty data directory (every chunk embedded); warm = the same
command again on unchanged files.

    .venv/bin/python scripts/bench_ingest.py [--out bench-results/ingest.json]
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

from vectorstore.ingestion import Ingester  # noqa: E402
from minutes_core.settings import Settings  # noqa: E402
from vectorstore.embedder import Embedder  # noqa: E402
from vectorstore.index import Index  # noqa: E402


def run(paths: list[Path]) -> dict:
    settings = Settings.load(data_dir=tempfile.mkdtemp(prefix="minutes-bench-"))
    started = time.perf_counter()
    embedder = Embedder(settings)
    embedder.embed_query("warm-up")  # the model load is reported apart from ingest
    model_load = time.perf_counter() - started
    index = Index(settings, embedder=embedder)
    cold = Ingester(settings, index).ingest(paths, progress=False).to_dict()
    warm = Ingester(settings, index).ingest(paths, progress=False).to_dict()
    index.close()
    tokenizer = embedder._load().tokenizer
    tokens = sum(min(len(tokenizer(c.index_text)["input_ids"]), settings.embedding_max_tokens)
                 for c in Index(settings, embedder=embedder).registry.indexed_chunks())
    return {
        "model_load_seconds": round(model_load, 2),
        "cold": cold | {"paths": None}, "warm": warm | {"paths": None},
        "embed_share_of_cold": round(cold["timings"]["embed"] / cold["seconds"], 3),
        "warm_over_cold": round(warm["seconds"] / cold["seconds"], 4),
        "embedded_tokens": tokens,
        "tokens_per_second": round(tokens / max(cold["timings"]["embed"], 1e-9), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "bench-results" / "ingest.json"))
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "data" / "sample")])
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    result = run([Path(p) for p in args.paths])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    cold, warm = result["cold"], result["warm"]
    print(f"cold: {cold['seconds']:.1f} s  stages {cold['timings']}  chunks {cold['chunks']}")
    print(f"warm: {warm['seconds']:.2f} s  stages {warm['timings']}  embedded {warm['embedded']}")
    print(f"embed share of cold: {result['embed_share_of_cold']:.1%}; warm/cold: "
          f"{result['warm_over_cold']:.2%}; {result['tokens_per_second']:.0f} tokens/s; "
          f"model load {result['model_load_seconds']} s (not in ingest)")


if __name__ == "__main__":
    main()
