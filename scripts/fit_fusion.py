"""Fit the fusion weights by leave-one-council-out over the eval plan's development suites.

Fusion (``assistant.retrieval.FusionWeights`` and the ``dense_weight``, ``rrf_k`` and
``candidates`` settings) is the part of retrieval with free numbers. Fitting them on one
council's questions fits that council; this script fits them on all councils but one and
measures them on the one left out, for each council in turn, so the figures it reports are
out-of-fold. The weights to ship are then fitted on every council (``fit`` prints both).

Two steps, because searching is slow and fusing is not:

    python scripts/fit_fusion.py collect --plan evals/plan.toml --data-dir /tmp/d --out cands.pkl
    python scripts/fit_fusion.py fit cands.pkl

``collect`` asks every development item through the real assistant (rewrite, filters, records
route, dense and BM25 search) and keeps each item's candidate rankings before fusion; the answer
step is skipped. ``fit`` re-fuses those rankings under each candidate setting (coordinate ascent
over a small grid per weight) and scores the top 5 with the eval's own evidence matching. Only
suites of role ``dev`` are read: held-out suites are never tuned on.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import pickle
import sys
from pathlib import Path
from typing import Any

from assistant.backends.extractive import Draft
from assistant.factory import build_assistant
from assistant.retrieval import FusionWeights, HybridRetriever
from evals.metrics import evidence_in_passage, ranking_metrics
from evals.plan import load_plan
from evals.suite import load_suite
from minutes_core.settings import Settings
from vectorstore.embedder import Embedder
from vectorstore.index import Index
from vectorstore.ingestion import Ingester

log = logging.getLogger("fit_fusion")
K = 5
# Candidates kept per ranking at collection: more than Settings.candidates, so that depth can be
# fitted too (a ranking is cut to the depth being tried).
COLLECT_DEPTH = 60

# The values tried for each weight (coordinate ascent visits them in turn).
SETTING_GRID = {
    "dense_weight": [0.3, 0.45, 0.6, 0.8, 1.0],
    "rrf_k": [5, 10, 20, 60],
    "candidates": [20, 40, 60],
}
WEIGHT_GRID = {
    "sentence_match": [0.0, 0.5, 1.0, 1.5],
    "sentence_candidates": [10, 20, 40],
    "date": [1.0, 1.25, 1.5, 2.0],
    "meeting": [0.0, 0.25, 0.5],
}


class _RecordingRetriever(HybridRetriever):
    """The hybrid retriever, keeping the rankings it fuses for the last question."""

    last: dict[str, Any] | None = None

    def _fuse(self, query, rankings, hints, k):
        self.last = {"query": query, "rankings": dict(rankings), "hints": hints, "k": k}
        return super()._fuse(query, rankings, hints, k)


class _NoAnswer:
    """Stands in for the extractive backend: collection needs the passages, not the answer."""

    def answer(self, query, passages, **hints):
        return Draft("", abstained=True)


def collect(plan: Path, data_dir: Path, out: Path) -> None:
    settings = Settings.load(data_dir=data_dir, candidates=COLLECT_DEPTH)
    embedder = Embedder(settings)
    items = []
    for council in load_plan(plan):
        council_settings = settings.replace(data_dir=data_dir / "eval" / council.slug, **council.settings)
        index = Index(council_settings, embedder=embedder)
        try:
            Ingester(council_settings, index).ingest([council.corpus], progress=False)
            assistant = build_assistant(council_settings, index=index)
            retriever = _RecordingRetriever(index, council_settings)
            assistant.retriever, assistant.extractive = retriever, _NoAnswer()
            for spec in council.suites:
                if spec.role != "dev":
                    continue
                for item in load_suite(spec.path):
                    retriever.last = None
                    answer = assistant.ask(item.question, history=item.history or [], k=K)
                    evidences = item.evidence_quotes if item.answerable else []
                    record = retriever.last
                    items.append({
                        "council": council.name, "suite": spec.path.stem, "id": item.id,
                        "answerable": bool(item.answerable), "evidences": evidences,
                        "options": item.evidence_options if item.answerable else [],
                        "search": record, "type": item.type,
                        # Items the records route answers have no fused ranking to re-weigh.
                        "fixed": None if record else [p.text for p in answer.passages[:K]],
                    })
                log.info("%s %s: collected", council.name, spec.path.stem)
        finally:
            index.close()
    with out.open("wb") as handle:
        pickle.dump(items, handle)
    log.info("%d items written to %s", len(items), out)


class Scorer:
    """Re-fuses collected rankings under given weights and scores the top 5."""

    def __init__(self, items: list[dict[str, Any]]):
        self.items = [i for i in items if i["answerable"]]
        self._match: dict[tuple[str, str, str], set[int]] = {}
        self.last_hits: dict[tuple[str, str], bool] = {}

    def coverage(self, item, passages) -> list[set[int]]:
        """Per passage, the evidence quotes it holds; a quote's ``also_answered_by`` alternatives
        count as the quote, as in the eval (``evals.metrics.score_item``)."""
        options = item.get("options") or [[quote] for quote in item["evidences"]]
        out = []
        for passage in passages:
            key = (item["council"], item["id"], passage.id if hasattr(passage, "id") else passage)
            if key not in self._match:
                text = passage.text if hasattr(passage, "text") else passage
                self._match[key] = {n for n, quotes in enumerate(options)
                                    if any(evidence_in_passage(quote, text) for quote in quotes)}
            out.append(self._match[key])
        return out

    def run(self, config: dict[str, Any], councils: set[str] | None = None) -> dict[str, dict]:
        """Per council: hit@5 and MRR@5 means under ``config`` (setting and weight values)."""
        settings = Settings(**{n: config[n] for n in SETTING_GRID if n != "candidates"})
        weights = FusionWeights(**{n: config[n] for n in WEIGHT_GRID})
        retriever = HybridRetriever(None, settings, weights=weights)
        depth = config["candidates"]
        sums: dict[str, list[float]] = {}
        for item in self.items:
            if councils is not None and item["council"] not in councils:
                continue
            if item["search"] is None:
                passages = item["fixed"]
            else:
                search = item["search"]
                hints = search["hints"]
                # Every ranking the retriever fused (the period's and the decisions' too); only
                # the whole-archive ones are cut to the depth tried.
                rankings = {name: ranking[:depth] if name in ("dense", "bm25") else ranking
                            for name, ranking in search["rankings"].items()}
                passages = retriever._fuse(search["query"], rankings, hints, search["k"])[:K]
            metrics = ranking_metrics(self.coverage(item, passages), len(item["evidences"]), K)
            self.last_hits[(item["council"], item["id"])] = metrics[f"hit@{K}"]
            row = sums.setdefault(item["council"], [0.0, 0.0, 0])
            row[0] += metrics[f"hit@{K}"]
            row[1] += metrics[f"mrr@{K}"]
            row[2] += 1
        return {c: {"hit@5": h / n, "mrr@5": m / n, "items": n} for c, (h, m, n) in sums.items()}


def objective(per_council: dict[str, dict]) -> float:
    """Mean over councils (each counts the same) of hit@5, MRR@5 breaking near-ties."""
    return sum(v["hit@5"] + 0.25 * v["mrr@5"] for v in per_council.values()) / len(per_council)


def current_config() -> dict[str, Any]:
    defaults = Settings()
    return {**{n: getattr(defaults, n) for n in SETTING_GRID},
            **dataclasses.asdict(FusionWeights())}


def ascend(scorer: Scorer, councils: set[str], start: dict[str, Any], rounds: int = 1) -> dict[str, Any]:
    """Coordinate ascent: each weight in turn set to its best grid value, kept only if better."""
    best = dict(start)
    best_score = objective(scorer.run(best, councils))
    grid = {**SETTING_GRID, **WEIGHT_GRID}
    for _ in range(rounds):
        changed = False
        for name, values in grid.items():
            for value in values:
                if value == best[name]:
                    continue
                trial = {**best, name: value}
                score = objective(scorer.run(trial, councils))
                if score > best_score + 1e-9:
                    best, best_score, changed = trial, score, True
        if not changed:
            break
    return best


def fit(path: Path) -> None:
    with path.open("rb") as handle:
        scorer = Scorer(pickle.load(handle))
    councils = sorted({i["council"] for i in scorer.items})
    start = current_config()
    print("current weights:", start)
    for council, v in scorer.run(start).items():
        print(f"  current  {council:14s} hit@5 {v['hit@5']:.3f} mrr@5 {v['mrr@5']:.3f} (n={v['items']})")
    print("leave-one-council-out (weights fitted on the others, scored on the one left out):")
    for left_out in councils:
        fitted = ascend(scorer, set(councils) - {left_out}, start)
        v = scorer.run(fitted, {left_out})[left_out]
        print(f"  out-of-fold {left_out:14s} hit@5 {v['hit@5']:.3f} mrr@5 {v['mrr@5']:.3f}  "
              f"weights {_changes(start, fitted)}")
    fitted = ascend(scorer, set(councils), start)
    print("fitted on every council:", _changes(start, fitted))
    for council, v in scorer.run(fitted).items():
        print(f"  in-sample {council:14s} hit@5 {v['hit@5']:.3f} mrr@5 {v['mrr@5']:.3f}")


def rules() -> dict[str, dict[str, Any]]:
    """Each retrieval rule, as the weights that leave it out."""
    return {
        "sentence-match lift": {"sentence_match": 0.0},
        "date preference": {"date": 1.0},
        "meeting consensus": {"meeting": 0.0},
    }


def ablate(path: Path) -> None:
    """For each rule: the dev items it fixes and breaks (hit@5 with it vs without it)."""
    with path.open("rb") as handle:
        scorer = Scorer(pickle.load(handle))
    config = current_config()
    base = scorer.run(config)
    with_rule = dict(scorer.last_hits)
    print("current:", {c: round(v["hit@5"], 3) for c, v in base.items()})
    for name, overrides in rules().items():
        scorer.run({**config, **overrides})
        fixes = sorted(k for k, hit in with_rule.items() if hit and not scorer.last_hits[k])
        breaks = sorted(k for k, hit in with_rule.items() if not hit and scorer.last_hits[k])
        councils = {c for c, _ in fixes}
        keep = len(fixes) - len(breaks) >= 3 and len(councils) >= 2
        print(f"{name:42s} fixes {len(fixes):2d} in {len(councils)} council(s), breaks {len(breaks):2d}"
              f" -> {'KEEP' if keep else 'drop'}")
        print("    fixes:", ", ".join(f"{c[:3]}:{i}" for c, i in fixes) or "-")
        print("    breaks:", ", ".join(f"{c[:3]}:{i}" for c, i in breaks) or "-")


def _changes(start: dict[str, Any], fitted: dict[str, Any]) -> dict[str, Any]:
    return {n: v for n, v in fitted.items() if start[n] != v}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect", help="Ask every dev item and keep its rankings before fusion.")
    c.add_argument("--plan", default="evals/plan.toml")
    c.add_argument("--data-dir", required=True, type=Path)
    c.add_argument("--out", required=True, type=Path)
    f = sub.add_parser("fit", help="Fit the weights by leave-one-council-out and print the figures.")
    f.add_argument("candidates", type=Path)
    a = sub.add_parser("ablate", help="Per retrieval rule: the dev items it fixes and breaks.")
    a.add_argument("candidates", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.command == "collect":
        collect(Path(args.plan), args.data_dir, args.out)
    elif args.command == "ablate":
        ablate(args.candidates)
    else:
        fit(args.candidates)
    return 0


if __name__ == "__main__":
    sys.exit(main())
