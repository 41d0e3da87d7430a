"""Runs an eval suite through the assistant's public ``ask`` API and writes what it found.

``run_suite`` asks every item, scores it (``evals.metrics``) and writes the contract's three files to
the output folder: ``results.jsonl`` (a row per item), ``summary.json`` (aggregates and the run's
configuration) and ``report.html``. ``run_eval`` is what ``minutes eval run`` does: it builds our
assistant and the naive baseline's, runs the suite on both, and reports ours against the baseline.
``check_thresholds`` is the CI gate.
"""

from __future__ import annotations

import datetime
import json
import logging
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from assistant.factory import build_assistant
from assistant.models import Turn
from evals.baseline import NaiveRetriever
from evals.metrics import aggregate, score_item
from evals.report import write_report
from evals.suite import load_suite
from vectorstore.index import Index

if TYPE_CHECKING:
    from minutes_core.settings import Settings

log = logging.getLogger(__name__)

RESULTS = "results.jsonl"
SUMMARY = "summary.json"
REPORT = "report.html"
BASELINE_DIR = "baseline"
THRESHOLDS = Path(__file__).with_name("thresholds.json")


class EvalError(ValueError):
    """An eval that cannot run as asked (nothing ingested, say); the message says what to do."""


def run_suite(
    assistant: Any,
    items: list[Any],
    k: int,
    out_dir: str | Path,
    progress: bool = True,
    label: str | None = None,
    config: dict[str, Any] | None = None,
    baseline: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Ask every item, write results.jsonl, summary.json and report.html; return the summary.

    ``config`` is added to the summary's ``config`` (suite path, settings...); ``baseline`` is a
    summary of the naive baseline's run, shown beside ours in the report.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now(datetime.timezone.utc)
    clock = time.perf_counter()
    rows: list[dict[str, Any]] = []
    with open(out / RESULTS, "w", encoding="utf-8") as results:
        for item in tqdm(items, desc=label or "eval", unit="q", disable=not progress):
            row = run_item(assistant, item, k)
            results.write(json.dumps(row, ensure_ascii=False) + "\n")
            results.flush()
            rows.append(row)
    summary = aggregate(rows)
    backends = Counter(row["backend"] for row in rows if row.get("backend"))
    summary["errors"] = sum(1 for row in rows if row.get("error"))
    summary["config"] = {
        "label": label,
        "k": k,
        "backend": backends.most_common(1)[0][0] if backends else None,
        "items": len(rows),
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - clock, 2),
        **(config or {}),
    }
    (out / SUMMARY).write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    write_report(out / REPORT, rows, summary, baseline=baseline)
    log.info("eval %s: %d items in %.1f s, written to %s", label or "", len(rows),
             summary["config"]["seconds"], out)
    return summary


def run_item(assistant: Any, item: Any, k: int) -> dict[str, Any]:
    """Ask one item (with its conversation history) and score the answer: one results.jsonl row.

    An exception from the assistant is logged and recorded in the row's ``error``; the item then
    counts as answered with nothing, so it fails every metric instead of stopping the run.
    """
    history = [Turn(role=turn["role"], content=turn["content"]) for turn in item.history or []]
    clock = time.perf_counter()
    error = None
    try:
        answer = assistant.ask(item.question, history=history, k=k).to_dict()
    except Exception as exc:  # one broken item must not lose the whole run
        log.exception("eval item %s failed", item.id)
        error = f"{type(exc).__name__}: {exc}"
        answer = {"answer": "", "abstained": False, "standalone_query": item.question,
                  "passages": [], "citations": [], "timings": {}}
    seconds = time.perf_counter() - clock
    row = {
        "id": item.id,
        "question": item.question,
        "type": item.type,
        "standalone_query": answer.get("standalone_query"),
        "passages": answer.get("passages", []),
        "answer": answer.get("answer", ""),
        "abstained": bool(answer.get("abstained")),
        "citations": answer.get("citations", []),
        "metrics": score_item(item, answer, k),
        "timings": answer.get("timings", {}),
        "seconds": round(seconds, 4),
        "backend": answer.get("backend"),
        "route": answer.get("route"),
        "gold": {
            "answer": item.answer,
            "must_include": list(item.must_include),
            "evidence": item.evidence,
            "evidence2": getattr(item, "evidence2", None),
            "source_files": list(getattr(item, "source_files", None) or []),
        },
    }
    if error:
        row["error"] = error
    return row


def run_eval(
    settings: Settings,
    suite_path: str | Path,
    out_dir: str | Path,
    k: int | None = None,
    backend: str | None = None,
    baseline: bool = True,
    progress: bool = True,
    embedder: Any = None,
) -> dict[str, Any]:
    """``minutes eval run``: the suite on our assistant and, unless told not to, on the naive
    baseline (written to ``OUT/baseline/``), with ours reported against the baseline.

    ``embedder`` replaces the configured embedding model (tests pass a small fake). Raises
    ``evals.suite.SuiteError`` for a bad suite file and ``EvalError`` when nothing has been
    ingested into the data directory.
    """
    items = load_suite(suite_path)
    if backend:
        settings = settings.replace(backend=backend)
    k = k or settings.k
    out = Path(out_dir)
    config = {"suite": str(suite_path), "data_dir": str(settings.data_dir),
              "chunk_size": settings.chunk_size, "chunk_overlap": settings.chunk_overlap}
    index = Index(settings, embedder=embedder)
    try:
        paths = [record.path for record in index.files()]
        if not paths:
            raise EvalError(f"Nothing is ingested in {settings.data_dir}: run `minutes ingest PATH` "
                            "on the suite's documents first.")
        ours = build_assistant(settings, index=index)
        baseline_summary = None
        if baseline:
            # index.embedder is now the assistant's caching wrapper: one model for both runs.
            naive = build_assistant(settings, index=index,
                                    retriever=NaiveRetriever(settings, paths, embedder=index.embedder))
            baseline_summary = run_suite(naive, items, k, out / BASELINE_DIR, progress=progress,
                                         label="naive baseline", config=config)
        return run_suite(ours, items, k, out, progress=progress, label="minutes assistant",
                         config=config, baseline=baseline_summary)
    finally:
        index.close()


def load_thresholds(path: str | Path = THRESHOLDS) -> dict[str, float]:
    """The CI gate's minimum overall metrics (keys starting with "_" are comments)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {name: float(value) for name, value in data.items() if not name.startswith("_")}


def check_thresholds(summary: dict[str, Any], thresholds: dict[str, float]) -> list[str]:
    """One sentence per overall metric below its threshold (or missing); empty when all pass."""
    failures = []
    overall = summary.get("overall", {})
    for name, minimum in thresholds.items():
        if name.startswith("_"):
            continue
        value = overall.get(name)
        if value is None:
            k = summary.get("config", {}).get("k")
            failures.append(f"{name} has no value in the summary (the run used k={k}; a metric "
                            "named for another k, or that no item scored, has none).")
        elif value < minimum:
            failures.append(f"{name} = {value:.3f} is below the threshold {minimum:.3f}.")
    return failures
