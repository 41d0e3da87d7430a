"""Scale benchmark: one council's papers at 1x, ~10x and its whole archive, on one machine.

For each scale it measures, in one run (the machine is shared, so ratios are only meaningful
when both sides are measured in the same run):

- cold ingest wall time (an ``Ingester`` in a child process, progress bars on stderr) against
  the pure embedding time of the same chunk texts (the same model and batch size, nothing else);
- peak RSS of that ingest (``os.wait4`` on the child: its own ``ru_maxrss``, not the parent's);
- bytes on disk per chunk, per store, and the data directory over the text it was made from;
- unchanged re-ingest time, and adding one meeting folder that is not yet in (with its own
  embedding time separated);
- warm ``ask`` p50/p95 per stage (the answers' own stage timings) over the Limerick dev suite's
  questions, and retrieval hit@5 on that suite through ``evals.runner.run_suite``, so speed is
  never bought with recall;
- with ``--server``: the same questions against a real ``chroma run`` server. The vectors are
  embedded once: the embedded-mode collection is copied into the server collection (the output
  says so), then the same suite runs through ``chroma_mode=http``.

Scales: ``1x`` is the four-month eval corpus (``evals/corpora/limerick``), ``10x`` a contiguous
slice of years of the archive holding those months (``--slice``), ``full`` the whole archive. One
meeting folder (``--new-meeting``, outside the eval months) is kept out of every cold ingest and
added afterwards, so add-one-meeting times compare across scales.

    PYTHONPATH=. .venv/bin/python scripts/bench_scale.py --scales 1x,10x,full --server \\
        [--out bench-results/scale] [--work-dir /tmp/bench-scale] [--hnsw 16:100:400,32:200:100]
    # later, on the same data directories (figures already in --out are kept):
    ... --steps asks,server --work-dir /tmp/bench-scale

Writes ``OUT/scale.json`` and ``OUT/scale.md`` (a Markdown table, a column per scale and mode).
Not a timed test: numbers of one run on whatever machine runs it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from minutes_core.settings import Settings  # noqa: E402  (sets the offline environment first)
from scripts.bench_ingest import pure_embedding, storage  # noqa: E402

log = logging.getLogger("bench_scale")

ARCHIVE = Path("/work/shared/corpora/limerick")
EVAL_CORPUS = ROOT / "evals" / "corpora" / "limerick"
SUITE = ROOT / "evals" / "suites" / "limerick-dev.jsonl"
COUNCIL = "Limerick"
# The eval corpus covers 2019/01-02 and 2021/11-12: 2019-2022 is the smallest slice of whole years
# holding them whose text is about ten times the eval corpus's (12.8 MB against 1.2 MB).
DEFAULT_SLICE = "2019-2022"
# A meeting of the archive outside the eval months (so never in the 1x corpus), of ordinary size.
DEFAULT_NEW_MEETING = "2020/03/09-Monthly Meeting of Metropolitan District of Limerick"
SCALES = ("1x", "10x", "full")
K = 5
WARM_UP = ("What was agreed at the meeting?", "Who attended the meeting?")


# -- helpers ---------------------------------------------------------------------------------

def council_settings(data_dir: Path) -> Settings:
    """The settings an eval of this council uses (``evals/plan.toml``: its list of bodies)."""
    from evals.plan import load_plan

    council = next(c for c in load_plan() if c.name == COUNCIL)
    return Settings.load(data_dir=data_dir, **council.settings)


def tree_bytes(path: Path) -> int:
    """Bytes the files under path take on disk (allocated blocks, as ``du`` counts them)."""
    total = 0
    for folder, _, names in os.walk(path):
        for name in names:
            try:
                total += os.lstat(os.path.join(folder, name)).st_blocks * 512
            except OSError:
                continue
    return total


def corpus_figures(corpus: Path) -> dict[str, Any]:
    """The corpus's file count and text bytes (file lengths, not blocks), before anything is added."""
    files = [p for p in corpus.rglob("*") if p.is_file()]
    return {"path": str(corpus), "files": len(files), "text_bytes": sum(p.stat().st_size for p in files)}


def stage_percentiles(rows: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """p50 / p95 seconds of every stage in the rows' ``timings``, plus ``wall`` (the whole ask)."""
    from scripts.bench_ask import stage_percentiles as per_stage

    runs = [dict(row.get("timings") or {}, wall=row["seconds"]) for row in rows]
    return per_stage(runs)


def build_corpus(scale: str, target: Path, archive: Path, years: tuple[int, int],
                 new_meeting: str) -> None:
    """Copy the scale's papers into target, leaving the new meeting out."""
    if target.exists():
        shutil.rmtree(target)
    held_out = (archive / new_meeting).resolve()
    if scale == "1x":
        shutil.copytree(EVAL_CORPUS, target)
        return
    target.mkdir(parents=True)
    for year_dir in sorted(archive.iterdir()):
        if not year_dir.is_dir() or not year_dir.name.isdigit():
            continue
        if scale == "10x" and not years[0] <= int(year_dir.name) <= years[1]:
            continue
        shutil.copytree(year_dir, target / year_dir.name,
                        ignore=lambda folder, names: [n for n in names
                                                      if (Path(folder) / n).resolve() == held_out])


def run_ingest_child(data_dir: Path, paths: list[Path]) -> dict[str, Any]:
    """Ingest in a child process; its report plus wall time and peak RSS (from ``wait4``)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child-ingest", str(data_dir),
             *map(str, paths)], stdout=out, cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))))
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if process.returncode not in (0, 1):  # 1: some files failed, the rest were ingested
        raise RuntimeError(f"ingest child failed with status {process.returncode}")
    report = json.loads(text.strip().splitlines()[-1])
    report["process_wall_seconds"] = round(wall, 2)
    report["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)  # Linux: kilobytes
    return report


def child_ingest(data_dir: str, paths: list[str]) -> int:
    """The child of run_ingest_child: what ``minutes ingest`` does, with its bars on stderr."""
    from vectorstore.index import Index
    from vectorstore.ingestion import Ingester

    settings = council_settings(Path(data_dir))
    index = Index(settings)
    try:
        report = Ingester(settings, index).ingest(paths, progress=True)
    finally:
        index.close()
    data = report.to_dict()
    data.pop("paths", None)
    data["errors"] = data["errors"][:20]
    print(json.dumps(data))
    return 0 if report.ok else 1


class CpuTimed:
    """An assistant whose answers also carry ``cpu``: the process CPU seconds of the ask.

    On a shared machine wall time depends on the neighbours; CPU time much less (with torch on
    two threads it may exceed the wall time).
    """

    def __init__(self, assistant):
        self.assistant = assistant

    def ask(self, *args, **kwargs):
        started = time.process_time()
        answer = self.assistant.ask(*args, **kwargs)
        answer.timings["cpu"] = round(time.process_time() - started, 4)
        return answer


def run_asks(settings: Settings, suite: Path, out_dir: Path, label: str) -> dict[str, Any]:
    """Warm asks over the dev suite through the eval runner: latency per stage and hit@5."""
    from assistant.factory import build_assistant
    from evals.runner import RESULTS, run_suite
    from evals.suite import load_suite

    assistant = CpuTimed(build_assistant(settings))
    for question in WARM_UP:  # model loaded, index and HNSW graph in memory, catalogs read
        assistant.ask(question)
    items = load_suite(suite)
    summary = run_suite(assistant, items, K, out_dir, progress=True, label=label)
    rows = [json.loads(line) for line in (out_dir / RESULTS).read_text(encoding="utf-8").splitlines()]
    overall = summary.get("overall", {})
    return {"questions": len(items), "hit@5": overall.get("hit@5"), "mrr@5": overall.get("mrr@5"),
            "answer_accuracy": overall.get("answer_accuracy"), "errors": summary.get("errors"),
            "stages": stage_percentiles(rows)}


# -- Chroma server ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ChromaServer:
    """A ``chroma run`` process on a free loopback port, stopped by its pid on exit."""

    def __init__(self, path: Path):
        self.path = path
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = None

    def __enter__(self) -> "ChromaServer":
        executable = shutil.which("chroma", path=os.path.dirname(sys.executable))
        if not executable:
            raise RuntimeError("the chroma script is missing beside the Python running this")
        self.path.mkdir(parents=True, exist_ok=True)
        self.log = open(self.path.parent / "chroma-server.log", "wb")
        self.process = subprocess.Popen(
            [executable, "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma run exited; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=2):
                    return self
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the Chroma server did not start within 60 s")
                time.sleep(0.2)

    def peak_rss_mb(self) -> float | None:
        """The server's peak resident memory so far (VmHWM), read before it is stopped."""
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
        except OSError:
            return None
        return None

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def copy_to_server(settings: Settings, http: Settings) -> dict[str, Any]:
    """Load the embedded-mode collection's vectors and filter fields into the server's.

    The server collection is opened through ``ChromaStore`` (its HNSW configuration and embedder
    identity), so the assistant in http mode sees what an http-mode ingest would have written.
    """
    import numpy as np

    from vectorstore.chroma_store import ChromaStore, make_client
    from vectorstore.embedder import Embedder

    collection = make_client(settings).get_collection(settings.collection)
    target = ChromaStore(http, Embedder(settings).identity)
    started = time.perf_counter()
    page, offset, copied = 2000, 0, 0
    while True:
        rows = collection.get(include=["embeddings", "metadatas"], limit=page, offset=offset)
        if not rows["ids"]:
            break
        target.upsert(rows["ids"], np.asarray(rows["embeddings"], dtype=np.float32), rows["metadatas"])
        copied += len(rows["ids"])
        offset += page
    return {"vectors": copied, "load_seconds": round(time.perf_counter() - started, 2),
            "note": "vectors embedded once (embedded mode) and loaded into the server collection"}


# -- HNSW settings ---------------------------------------------------------------------------

def parse_hnsw(spec: str) -> list[tuple[int, int, int]]:
    """``"16:100:400,32:200:100"`` -> [(max_neighbors, ef_construction, ef_search), ...]."""
    configs = []
    for part in spec.split(","):
        values = tuple(int(v) for v in part.split(":"))
        if len(values) != 3 or min(values) < 2:
            raise ValueError(f"HNSW setting {part!r} is not M:EF_CONSTRUCTION:EF_SEARCH")
        configs.append(values)
    return configs


def hnsw_sweep(settings: Settings, configs: list[tuple[int, int, int]], suite: Path, scratch: Path,
               n: int) -> list[dict[str, Any]]:
    """Each HNSW setting against exact search, on this scale's vectors and the suite's questions.

    The stored vectors are loaded into a fresh collection per setting (build time, disk); every
    question's query vector is searched for the ``n`` nearest (the dense candidates retrieval
    asks for), unfiltered and filtered to the commonest committee, and compared with the exact
    nearest by brute force: recall@n, and whether the exact top 5 are all found.
    """
    import chromadb
    import numpy as np
    from chromadb.config import Settings as ChromaSettings

    from evals.metrics import percentile
    from evals.suite import load_suite
    from vectorstore.chroma_store import make_client
    from vectorstore.embedder import Embedder

    collection = make_client(settings).get_collection(settings.collection)
    ids, vectors, metadatas = [], [], []
    for offset in range(0, collection.count(), 5000):
        rows = collection.get(include=["embeddings", "metadatas"], limit=5000, offset=offset)
        ids += rows["ids"]
        vectors.append(np.asarray(rows["embeddings"], dtype=np.float32))
        metadatas += rows["metadatas"]
    matrix = np.vstack(vectors)
    committees = [m.get("committee_lc") for m in metadatas]
    common = max(set(filter(None, committees)), key=committees.count)
    in_committee = np.array([c == common for c in committees])
    # A filter passing about 1 in 400 of the vectors: what one council is in a national collection.
    meetings = [m.get("meeting_ts") for m in metadatas]
    counts = {value: meetings.count(value) for value in set(filter(None, meetings))}
    rare = min(counts, key=lambda value: abs(counts[value] - max(5, len(ids) / 400)), default=None)
    in_rare = np.array([value == rare for value in meetings])
    kinds = [("all", None, None), ("committee", {"committee_lc": common}, in_committee)]
    if rare is not None:
        kinds.append(("rare", {"meeting_ts": rare}, in_rare))
    embedder = Embedder(settings)
    queries = embedder.embed_documents([item.question for item in load_suite(suite)])
    index_ids = np.array(ids)

    def exact(query: np.ndarray, mask: np.ndarray | None) -> list[str]:
        rows = np.arange(len(ids)) if mask is None else np.flatnonzero(mask)
        scores = matrix[rows] @ query
        return list(index_ids[rows[np.argsort(-scores)[:n]]])

    truth = {kind: [exact(q, mask) for q in queries] for kind, _, mask in kinds}
    results = []
    for m, construction, search in configs:
        path = scratch / f"hnsw-{m}-{construction}-{search}"
        shutil.rmtree(path, ignore_errors=True)
        client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
        target = client.create_collection("sweep", embedding_function=None, configuration={"hnsw": {
            "space": "cosine", "max_neighbors": m, "ef_construction": construction, "ef_search": search}})
        started = time.perf_counter()
        step = client.get_max_batch_size()
        for start in range(0, len(ids), step):
            target.add(ids=ids[start:start + step], embeddings=matrix[start:start + step],
                       metadatas=metadatas[start:start + step])
        build = time.perf_counter() - started
        target.query(query_embeddings=[queries[0]], n_results=n)  # graph loaded
        row: dict[str, Any] = {"max_neighbors": m, "ef_construction": construction, "ef_search": search,
                               "build_seconds": round(build, 2), "disk_mb": round(tree_bytes(path) / 1e6, 1),
                               "filter_shares": {"committee": round(float(in_committee.mean()), 4),
                                                 "rare": round(float(in_rare.mean()), 4)}}
        for kind, where, _ in kinds:
            seconds, recall, top5 = [], [], []
            for query, expected in zip(queries, truth[kind]):
                clock = time.perf_counter()
                got = target.query(query_embeddings=[query], n_results=n, where=where,
                                   include=["distances"])["ids"][0]
                seconds.append(time.perf_counter() - clock)
                recall.append(len(set(got) & set(expected)) / max(1, len(expected)))
                top5.append(set(expected[:5]) <= set(got))
            row[kind] = {"p50_ms": round(1000 * percentile(seconds, 50), 2),
                         "p95_ms": round(1000 * percentile(seconds, 95), 2),
                         f"recall@{n}": round(sum(recall) / len(recall), 4),
                         "exact_top5_found": round(sum(top5) / len(top5), 4)}
        results.append(row)
        log.info("HNSW %s", row)
        del target, client
        shutil.rmtree(path, ignore_errors=True)
    return results


def hnsw_markdown(scale: str, rows: list[dict[str, Any]], n: int) -> str:
    shares = rows[0].get("filter_shares", {}) if rows else {}
    lines = [f"HNSW settings at {scale} (dense candidates n={n}; unfiltered, filtered to the commonest committee "
             f"({shares.get('committee', 0):.1%} of the vectors) and to one meeting ({shares.get('rare', 0):.2%})):", "",
             f"| M | ef_construction | ef_search | build s | disk MB | p50 / p95 ms | recall@{n} | exact top 5 found "
             f"| committee p50 / p95 ms, recall | one meeting p50 / p95 ms, recall |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        a, c = r["all"], r["committee"]
        o = r.get("rare") or {"p50_ms": "-", "p95_ms": "-", f"recall@{n}": float("nan")}
        lines.append(f"| {r['max_neighbors']} | {r['ef_construction']} | {r['ef_search']} | {r['build_seconds']} "
                     f"| {r['disk_mb']} | {a['p50_ms']} / {a['p95_ms']} | {a[f'recall@{n}']:.3f} "
                     f"| {a['exact_top5_found']:.3f} | {c['p50_ms']} / {c['p95_ms']}, {c[f'recall@{n}']:.3f} "
                     f"| {o['p50_ms']} / {o['p95_ms']}, {o[f'recall@{n}']:.3f} |")
    return "\n".join(lines) + "\n"


# -- one scale -------------------------------------------------------------------------------

STEPS = ("cold", "reingest", "embed", "disk", "add", "hnsw", "asks", "server")


def bench_scale(result: dict[str, Any], work: Path, args: argparse.Namespace, save) -> None:
    """Measure one scale's ``args.steps`` into ``result`` (``result["scale"]`` names it).

    ``save()`` is called after each step, so a long run stopped half-way keeps what it measured,
    and a later run with other ``--steps`` adds to it (``cold`` builds the corpus and data
    directory; the other steps use them).
    """
    scale = result["scale"]
    folder = work / scale
    corpus, data = folder / "corpus", folder / "data"
    steps = args.steps
    if "cold" in steps:
        if data.exists():
            shutil.rmtree(data)
        years = tuple(int(y) for y in args.slice.split("-"))
        build_corpus(scale, corpus, args.archive, years, args.new_meeting)
        result["corpus"] = corpus_figures(corpus)
        log.info("%s: cold ingest of %s", scale, corpus)
        result["cold"] = run_ingest_child(data, [corpus])
        save()
    if not (data / "registry.sqlite").exists():
        raise SystemExit(f"{data} holds no ingest: run the 'cold' step first")
    settings = council_settings(data)
    result.setdefault("corpus", corpus_figures(corpus))
    if "reingest" in steps:
        result["reingest_unchanged"] = run_ingest_child(data, [corpus])
        save()
    if "embed" in steps:
        from vectorstore.embedder import Embedder

        embedder = Embedder(settings)
        embedder.embed_query("warm-up")  # the model load is not embedding time
        result["pure_embedding"] = pure_embedding(settings, embedder, args.embed_fraction)
        if "cold" in result:
            result["ingest_over_embedding"] = round(
                result["cold"]["seconds"] / result["pure_embedding"]["seconds"], 3)
        save()
    if "disk" in steps:
        chunks = _get(result, "cold", "chunks") or _get(result, "reingest_unchanged", "chunks") or 1
        result["disk"] = storage(data, chunks, result["corpus"]["text_bytes"])
        save()
    if "add" in steps:
        target = corpus / "new-meeting" / Path(args.new_meeting).name
        if target.exists():
            raise SystemExit(f"{target} was added by an earlier run: run the 'cold' step again")
        shutil.copytree(args.archive / args.new_meeting, target)
        added = run_ingest_child(data, [corpus])
        added["without_embedding_seconds"] = round(added["seconds"] - added["timings"]["embed"], 3)
        result["add_one_meeting"] = added
        save()
    if "hnsw" in steps and args.hnsw:
        result["hnsw"] = hnsw_sweep(settings, parse_hnsw(args.hnsw), args.suite, folder, settings.candidates)
        save()
    if "asks" in steps:
        result["embedded"] = run_asks(settings, args.suite, folder / "eval-embedded", f"{scale} embedded")
        save()
    if "server" in steps and args.server:
        with ChromaServer(folder / "chroma-server") as server:
            http = settings.replace(chroma_mode="http", chroma_port=server.port)
            result["server"] = copy_to_server(settings, http)
            result["server"].update(run_asks(http, args.suite, folder / "eval-server", f"{scale} server"))
            result["server"]["server_peak_rss_mb"] = server.peak_rss_mb()
        save()


# -- report ----------------------------------------------------------------------------------

def _get(data: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        text = f"{value:.3f}" if abs(value) < 10 else f"{value:,.1f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    return f"{text}{unit}"


def markdown(results: list[dict[str, Any]]) -> str:
    """A table with a row per figure and a column per scale (and per mode for the asks)."""
    columns = [(r["scale"], r, "embedded") for r in results]
    columns += [(f"{r['scale']} server", r, "server") for r in results if "server" in r]
    rows: list[tuple[str, Any]] = [
        ("files / text MB", lambda r, m: f"{r['corpus']['files']:,} / {r['corpus']['text_bytes'] / 1e6:.1f}"
         if "corpus" in r else "-"),
        ("chunks", lambda r, m: _fmt(_get(r, "cold", "chunks"))),
        ("cold ingest s (wall of the process)", lambda r, m: f"{_fmt(_get(r, 'cold', 'seconds'))} ({_fmt(_get(r, 'cold', 'process_wall_seconds'))})"
         if "cold" in r else "-"),
        ("pure embedding s (chunks/s)", lambda r, m: f"{_fmt(_get(r, 'pure_embedding', 'seconds'))} ({_fmt(_get(r, 'pure_embedding', 'chunks_per_second'))})"
         + (" sampled" if _get(r, "pure_embedding", "sampled") else "") if "pure_embedding" in r else "-"),
        ("ingest / pure embedding (/ its own embed stage)", lambda r, m: (
            f"{_fmt(r.get('ingest_over_embedding'))} ({_fmt(_ratio(_get(r, 'cold', 'seconds'), _get(r, 'cold', 'timings', 'embed')))})")),
        ("ingest stages s", lambda r, m: ", ".join(f"{k} {v:.0f}" for k, v in _get(r, "cold", "timings").items())
         if _get(r, "cold", "timings") else "-"),
        ("peak RSS of ingest MB", lambda r, m: _fmt(_get(r, "cold", "peak_rss_mb"))),
        ("disk MB (x text)", lambda r, m: f"{_get(r, 'disk', 'bytes') / 1e6:,.1f} ({_fmt(_get(r, 'disk', 'over_text'))})"
         if "disk" in r else "-"),
        ("disk bytes per chunk", lambda r, m: _fmt(_get(r, "disk", "bytes_per_chunk"))),
        ("re-ingest unchanged s", lambda r, m: _fmt(_get(r, "reingest_unchanged", "seconds"))),
        ("add one meeting s (own embedding s, chunks)", lambda r, m: (
            f"{_fmt(_get(r, 'add_one_meeting', 'seconds'))} ({_fmt(_get(r, 'add_one_meeting', 'timings', 'embed'))}, "
            f"{_fmt(_get(r, 'add_one_meeting', 'embedded'))})") if "add_one_meeting" in r else "-"),
        ("server: vectors loaded, s", lambda r, m: f"{_fmt(_get(r, 'server', 'vectors'))}, "
         f"{_fmt(_get(r, 'server', 'load_seconds'))}" if m == "server" else "-"),
        ("server peak RSS MB", lambda r, m: _fmt(_get(r, "server", "server_peak_rss_mb")) if m == "server" else "-"),
        ("hit@5 (dev suite)", lambda r, m: _fmt(_get(r, m, "hit@5"))),
        ("answer accuracy (dev suite)", lambda r, m: _fmt(_get(r, m, "answer_accuracy"))),
    ]
    stages: list[str] = []
    for _, r, mode in columns:
        for stage in _get(r, mode, "stages") or {}:
            if stage not in stages:
                stages.append(stage)
    for stage in stages:
        rows.append((f"ask {stage} p50 / p95 s", lambda r, m, s=stage: (
            f"{_fmt(_get(r, m, 'stages', s, 'p50'))} / {_fmt(_get(r, m, 'stages', s, 'p95'))}"
            if _get(r, m, "stages", s) else "-")))
    lines = ["| figure | " + " | ".join(name for name, _, _ in columns) + " |",
             "|---|" + "---|" * len(columns)]
    per_mode = {"server: vectors loaded, s", "server peak RSS MB", "hit@5 (dev suite)", "answer accuracy (dev suite)"}
    for label, cell in rows:
        # Ingest figures belong to the scale: shown once, under its embedded-mode column.
        lines.append(f"| {label} | " + " | ".join(
            cell(r, m) if m == "embedded" or label in per_mode or label.startswith("ask ") else ""
            for _, r, m in columns) + " |")
    if any("server" in r for r in results):
        lines.append("")
        lines.append("Server mode: the vectors were embedded once (embedded mode) and loaded into the "
                     "`chroma run` server's collection; the same suite then ran through chroma_mode=http.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1x,10x",
                        help=f"Comma-separated scales to run, of {', '.join(SCALES)} (default 1x,10x).")
    parser.add_argument("--server", action="store_true",
                        help="Also run the asks against a real `chroma run` server (vectors loaded, not re-embedded).")
    parser.add_argument("--archive", type=Path, default=ARCHIVE, help="The council's whole archive.")
    parser.add_argument("--slice", default=DEFAULT_SLICE, help="Years of the archive for 10x, FIRST-LAST.")
    parser.add_argument("--new-meeting", default=DEFAULT_NEW_MEETING,
                        help="Meeting folder (relative to the archive) kept out of the cold ingest and added after.")
    parser.add_argument("--suite", type=Path, default=SUITE,
                        help="Eval suite whose questions are asked (default: the Limerick dev suite).")
    parser.add_argument("--embed-fraction", type=float, default=1.0,
                        help="Share of the chunk texts embedded for the pure-embedding time (scaled up; default all).")
    parser.add_argument("--work-dir", type=Path, help="Folder for corpora and data directories (default: a new temporary one).")
    parser.add_argument("--steps", default=",".join(STEPS),
                        help=f"Steps to run, of {', '.join(STEPS)} (default all). Without 'cold', the "
                        "data directories in --work-dir are used and figures already in --out are kept.")
    parser.add_argument("--hnsw", metavar="M:EFC:EFS,...",
                        help="Also compare HNSW settings (max_neighbors:ef_construction:ef_search) "
                        "against exact search on each scale's vectors.")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "scale")
    parser.add_argument("--child-ingest", nargs="+", metavar="ARG", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    log.setLevel(logging.INFO)
    if args.child_ingest:
        return child_ingest(args.child_ingest[0], args.child_ingest[1:])
    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    unknown = [s for s in scales if s not in SCALES]
    if unknown or not scales:
        parser.error(f"unknown scale {unknown[0] if unknown else '(none)'}; choose from {', '.join(SCALES)}")
    if not 0 < args.embed_fraction <= 1:
        parser.error("--embed-fraction must be in (0, 1]")
    if not (args.archive / args.new_meeting).is_dir():
        parser.error(f"the new meeting {args.archive / args.new_meeting} is not a folder")
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    args.out.mkdir(parents=True, exist_ok=True)
    args.steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    if not args.steps or set(args.steps) - set(STEPS):
        parser.error(f"--steps takes some of {', '.join(STEPS)}")
    earlier = {}
    if "cold" not in args.steps and (args.out / "scale.json").exists():
        earlier = {r["scale"]: r for r in json.loads((args.out / "scale.json").read_text())["results"]}
    results: list[dict[str, Any]] = [r for name, r in earlier.items() if name not in scales]

    def save() -> None:
        (args.out / "scale.json").write_text(json.dumps({"work_dir": str(work), "results": results}, indent=2))
        text = markdown(results)
        for r in results:
            if r.get("hnsw"):
                text += "\n" + hnsw_markdown(r["scale"], r["hnsw"], Settings().candidates)
        (args.out / "scale.md").write_text(text)

    for scale in scales:
        started = time.perf_counter()
        results.append(earlier.get(scale, {"scale": scale}))
        bench_scale(results[-1], work, args, save)
        results[-1]["bench_seconds"] = round(time.perf_counter() - started + results[-1].get("bench_seconds", 0), 1)
        save()
    print((args.out / "scale.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
