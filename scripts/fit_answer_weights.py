"""Fit the extractive backend's sentence scorer (assistant/backends/answer_weights.json).

For every answerable item of the plan's development suites that retrieval answers, the candidate
sentences the backend scores are collected with their features (``_Candidate.features``) and a
label: the sentence holds one of the item's ``must_include`` strings. A logistic regression is
fitted by leave-one-council-out cross-validation; the figure reported per council is out-of-fold:
the share of items whose best-scored sentence holds the answer, for the fitted weights and for
the weights the file held before. The final weights, fitted on every council, are written with
those figures. Held-out suites are never read.

The councils' indexes must exist under ``--data-dir`` (``minutes eval run --plan ... --data-dir
DIR`` builds them).

    PYTHONPATH=$PWD python scripts/fit_answer_weights.py --data-dir /tmp/ans-data \
        --features /tmp/answer-features.jsonl
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from assistant.backends.answer_model import WEIGHTS_FILE, AnswerModel
from assistant.factory import build_assistant
from assistant.models import Turn
from evals.plan import PLAN, load_plan
from evals.suite import load_suite, normalise
from minutes_core.settings import Settings
from vectorstore.index import Index

log = logging.getLogger("fit_answer_weights")
# Regularisation of the logistic regression (sklearn's C): the default; the out-of-fold figures
# moved by under a point between 0.1 and 10.
C = 1.0


def collect(plan: Path, data_dir: Path) -> list[dict]:
    """One row per candidate sentence: council, item, features, label."""
    rows = []
    base = Settings.load(data_dir=data_dir)
    for council in load_plan(plan):
        settings = base.replace(data_dir=data_dir / "eval" / council.slug, **council.settings)
        index = Index(settings)
        try:
            assistant = build_assistant(settings, index=index)
            aliases = assistant.catalog()[1]
            for spec in council.suites:
                if spec.role != "dev":
                    continue
                for item in load_suite(spec.path):
                    if item.type == "unanswerable" or not item.must_include:
                        continue
                    history = [Turn(t["role"], t["content"]) for t in item.history or []]
                    answer = assistant.ask(item.question, history=history)
                    if answer.route != "retrieval" or not answer.passages:
                        continue
                    needles = [normalise(m) for m in item.must_include]
                    for candidate in assistant.extractive._score(answer.standalone_query,
                                                                 answer.passages, aliases=aliases):
                        text = normalise(candidate.text)
                        rows.append({"council": council.name, "item": f"{spec.path.stem}/{item.id}",
                                     "features": candidate.features(),
                                     "label": any(n in text for n in needles)})
            log.info("%s: %d candidate rows so far", council.name, len(rows))
        finally:
            index.close()
    return rows


def top1(rows: list[dict], score) -> tuple[int, int]:
    """(items whose best-scored sentence holds the answer, items with any sentence that does)."""
    by_item: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_item[row["item"]].append(row)
    hits = total = 0
    for candidates in by_item.values():
        if not any(c["label"] for c in candidates):
            continue
        total += 1
        best = max(candidates, key=lambda c: score(c["features"]))
        hits += bool(best["label"])
    return hits, total


def fit(rows: list[dict], names: list[str]) -> AnswerModel:
    answerable = {r["item"] for r in rows if r["label"]}
    train = [r for r in rows if r["item"] in answerable]
    x = np.array([[r["features"][n] for n in names] for r in train])
    y = np.array([r["label"] for r in train])
    model = LogisticRegression(C=C, max_iter=2000).fit(x, y)
    return AnswerModel(dict(zip(names, map(float, model.coef_[0]))), float(model.intercept_[0]))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", type=Path, default=PLAN)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--features", type=Path, help="cache of the collected rows (JSONL)")
    parser.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.features and args.features.exists():
        rows = [json.loads(line) for line in args.features.read_text().splitlines() if line]
    else:
        rows = collect(args.plan, args.data_dir)
        if args.features:
            args.features.write_text("".join(json.dumps(r) + "\n" for r in rows))
    names = sorted(rows[0]["features"])
    before = AnswerModel.load(args.out)
    councils = sorted({r["council"] for r in rows})
    folds = {}
    for council in councils:
        model = fit([r for r in rows if r["council"] != council], names)
        held = [r for r in rows if r["council"] == council]
        hits, total = top1(held, model.probability)
        old_hits, _ = top1(held, before.probability)
        folds[council] = {"items": total, "top1_fitted": round(hits / total, 3) if total else None,
                          "top1_before": round(old_hits / total, 3) if total else None}
        log.info("%s (out of fold): best sentence holds the answer %d/%d (before %d/%d)",
                 council, hits, total, old_hits, total)
    final = fit(rows, names)
    args.out.write_text(json.dumps({
        "note": "fitted by scripts/fit_answer_weights.py (logistic regression, leave-one-council-out)",
        "weights": {n: round(w, 4) for n, w in final.weights.items()},
        "bias": round(final.bias, 4),
        "out_of_fold": folds,
        "rows": len(rows),
    }, indent=2) + "\n", encoding="utf-8")
    log.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
