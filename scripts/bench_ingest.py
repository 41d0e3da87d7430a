"""Ingest benchmark: cold ingest, unchanged re-ingest, adding one meeting, and bytes on disk.

Not a timed test (the machines are shared and noisy): it prints one run's numbers, the ones issue
14 sets limits on. Cold = empty data directory (every chunk embedded), with the parse stages
overlapping the embedding (``vectorstore.ingestion.ParseAhead``); unchanged = the same command
again; add one = the held-out meeting folder (``--add``) ingested into the full index, its time
beside its own embedding time. Storage = bytes per chunk of every store, and per SQLite table.

    .venv/bin/python scripts/bench_ingest.py PATH... [--add FOLDER] [--data-dir DIR] [--fake-model]

``--fake-model`` replaces the embedding model with a hash of the words into 384 dimensions (the
model's size), for storage and non-embedding timings in minutes instead of half an hour.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from minutes_core.settings import Settings  # noqa: E402
from vectorstore.embedder import Embedder  # noqa: E402
from vectorstore.index import Index  # noqa: E402
from vectorstore.ingestion import Ingester  # noqa: E402
from vectorstore.layout import DataLayout  # noqa: E402


class HashEmbedder:
    """Words hashed into 384 buckets, L2-normalised: the real model's shape, none of its cost."""

    identity = "hash-384@bench"
    dimension = 384

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            vector[int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "big") % 384] += 1
        vector[0] += 1e-3
        return vector / np.linalg.norm(vector)

    def embed_documents(self, texts, progress: bool = False) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


def ingest(settings: Settings, embedder, paths: list[Path], progress: bool) -> dict:
    index = Index(settings, embedder=embedder)
    try:
        started = time.perf_counter()
        report = Ingester(settings, index).ingest(paths, progress=progress).to_dict()
        report["wall"] = round(time.perf_counter() - started, 3)
        report.pop("paths")
        return report
    finally:
        index.close()


def pure_embedding(settings: Settings, embedder, fraction: float = 1.0) -> dict:
    """Seconds to embed the indexed chunks' distinct texts alone (same model, batch size, length
    order as sync embeds them): the base of the cold-ingest ratio.

    With ``fraction`` < 1, every n-th text of the length-sorted list is embedded and the time
    scaled up by the count (the sample keeps the length mix, which is what the time depends on).
    """
    index = Index(settings, embedder=embedder)
    try:
        texts = sorted({c.index_text for c in index.registry.indexed_chunks()}, key=len, reverse=True)
    finally:
        index.close()
    step = max(1, round(1 / fraction)) if fraction < 1 else 1
    sample = texts[::step]
    started = time.perf_counter()
    embedder.embed_documents(sample)
    seconds = time.perf_counter() - started
    return {"texts": len(texts), "embedded": len(sample), "seconds": round(seconds * len(texts) / max(1, len(sample)), 2),
            "measured_seconds": round(seconds, 2), "sampled": step > 1,
            "chunks_per_second": round(len(sample) / seconds, 2) if seconds else None,
            "batch_size": settings.embedding_batch_size, "threads": settings.torch_threads or os.cpu_count()}


def storage(data_dir: Path, chunks: int, text_bytes: int) -> dict:
    """Bytes on disk per store and, for the SQLite files, per table and index."""
    files = {str(p.relative_to(data_dir)): p.stat().st_size for p in data_dir.rglob("*") if p.is_file()}
    total = sum(files.values())
    tables = {}
    for name in ("registry.sqlite", "records.sqlite", "chroma/chroma.sqlite3"):
        path = data_dir / name
        if path.exists():
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                rows = db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
                free = db.execute("PRAGMA freelist_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]
            tables[name] = {table: round(size / max(chunks, 1)) for table, size in rows if size}
            tables[name]["(free pages)"] = round(free / max(chunks, 1))
    by_store: dict[str, int] = {}
    for name, size in files.items():
        store = "chroma" if name.startswith("chroma") else name.split(".sqlite")[0]
        by_store[store] = by_store.get(store, 0) + size
    return {"bytes": total, "text_bytes": text_bytes, "over_text": round(total / max(text_bytes, 1), 2),
            "bytes_per_chunk": round(total / max(chunks, 1)),
            "per_chunk_by_store": {k: round(v / max(chunks, 1)) for k, v in sorted(by_store.items())},
            "per_chunk_by_table": tables}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "data" / "sample")])
    parser.add_argument("--add", help="a meeting folder under PATHS held out of the cold ingest, then added")
    parser.add_argument("--data-dir", help="where to build the index (default: a new temporary folder)")
    parser.add_argument("--fake-model", action="store_true", help="hash embedder instead of the model")
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--pure-embed", action="store_true",
                        help="after the cold ingest, time embedding the same texts alone (the 1.15x limit's base)")
    parser.add_argument("--out", default=str(ROOT / "bench-results" / "ingest.json"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="minutes-bench-"))
    settings = Settings.load(data_dir=data_dir)
    started = time.perf_counter()
    embedder = HashEmbedder() if args.fake_model else Embedder(settings)
    embedder.embed_query("warm-up")  # the model load is reported apart from ingest
    result: dict = {"model_load_seconds": round(time.perf_counter() - started, 2), "data_dir": str(data_dir)}
    paths = [Path(p).resolve() for p in args.paths]
    held_out = Path(args.add).resolve() if args.add else None
    if held_out is not None:
        # The held-out folder is moved aside by listing its siblings instead: PATHS' other entries.
        cold_paths = [p for root in paths for p in sorted(root.rglob("*"))
                      if p.is_file() and held_out not in p.parents]
    else:
        cold_paths = paths
    result["cold"] = ingest(settings, embedder, cold_paths, args.progress)
    if args.pure_embed:
        result["pure_embed_seconds"] = pure_embedding(settings, embedder)["seconds"]
        result["cold_wall_over_pure_embed"] = round(result["cold"]["wall"] / result["pure_embed_seconds"], 3)
    result["unchanged"] = ingest(settings, embedder, cold_paths, False)
    if held_out is not None:
        result["add_one"] = ingest(settings, embedder, [held_out], False)
        add = result["add_one"]
        result["add_one_minus_own_embedding"] = round(add["wall"] - add["timings"]["embed"], 3)
    cold = result["cold"]
    result["cold_wall_over_embed"] = round(cold["wall"] / max(cold["timings"]["embed"], 1e-9), 3)
    result["peak_rss_mb"] = {
        "ingest": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "parse_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)}
    text_bytes = sum(p.stat().st_size for root in paths for p in ([root] if root.is_file() else root.rglob("*"))
                     if p.is_file())
    chunks = (result.get("add_one") or cold)["chunks"]
    result["storage"] = storage(DataLayout.of(settings).root, chunks, text_bytes)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
