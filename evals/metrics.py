"""Per-item scores of one eval answer, and their aggregates overall, by question type and by stage.

Pure functions over plain data: a suite item (``evals.suite.SuiteItem``) and an answer in the
contract's ``ask --json`` shape (``Answer.to_dict()``). Nothing here calls the assistant.

Relevance is decided by text, not by chunk id, so gold labels survive any change of chunking: a
retrieved passage is relevant to an evidence quote when the normalised quote is contained in the
normalised passage, or, because a chunk boundary may cut a quote in two, when the longest run of
consecutive quote tokens that also occurs consecutively in the passage covers at least
``MIN_EVIDENCE_COVERAGE`` of the quote's tokens. An item with ``evidence2`` (cross-document) has two
evidences; each is a gold "document" for the ranking metrics. A passage that holds one of the
item's ``also_answered_by`` alternatives counts as holding ``evidence``: another meeting's minutes
stating the same answer are as good a find as the one the suite's writer quoted.

Ranking metrics use binary relevance and follow the standard definitions (they are cross-checked
against ranx in the tests), with the evidences as the gold set: a passage at rank i counts once, for
the evidences it covers that no higher-ranked passage covered (so two copies of one quote do not
count twice).

Unanswerable items are left out of the ranking and answer metrics and count only for abstention.
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from difflib import SequenceMatcher
from typing import Any, Iterable

from evals.suite import normalise

# Share of an evidence quote's tokens that one passage must hold as a single consecutive run for the
# passage to count as relevant when the whole quote is not inside it. 0.6 keeps a quote cut by a
# chunk boundary (most of it on one side) relevant, and rejects passages that only share a phrase.
MIN_EVIDENCE_COVERAGE = 0.6

# Per-item keys that describe the item rather than score it: not averaged by aggregate().
_DESCRIPTIVE_KEYS = ("answerable", "abstained", "relevant", "evidence_found")

_CITATION_MARK = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# SQuAD v1.1 evaluation script: lower case, drop punctuation, drop articles, collapse whitespace.
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = set(string.punctuation)


# -- relevance --------------------------------------------------------------------------------

def evidence_in_passage(evidence: str, passage_text: str) -> bool:
    """True when the passage holds the evidence quote (see the module docstring for the rule)."""
    quote = normalise(evidence)
    if not quote:
        return False
    text = normalise(passage_text)
    if quote in text:
        return True
    quote_tokens, text_tokens = quote.split(), text.split()
    matcher = SequenceMatcher(None, quote_tokens, text_tokens, autojunk=False)
    run = matcher.find_longest_match(0, len(quote_tokens), 0, len(text_tokens)).size
    return run >= MIN_EVIDENCE_COVERAGE * len(quote_tokens)


# -- ranking ----------------------------------------------------------------------------------

def ranking_metrics(coverage: list[set[int]], n_evidences: int, k: int) -> dict[str, float]:
    """Hit@k, Recall@k, MRR@k and nDCG@k (binary relevance) for one ranked list.

    ``coverage[i]`` is the set of evidence indexes the passage at rank i+1 holds.
    """
    found: set[int] = set()
    first_rank = None
    dcg = 0.0
    for rank, covered in enumerate(coverage[:k], start=1):
        new = covered - found
        if new:
            dcg += 1.0 / math.log2(rank + 1)
            found |= new
            if first_rank is None:
                first_rank = rank
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, n_evidences) + 1))
    return {
        f"hit@{k}": bool(found),
        f"recall@{k}": len(found) / n_evidences,
        f"mrr@{k}": 1.0 / first_rank if first_rank else 0.0,
        f"ndcg@{k}": dcg / ideal if ideal else 0.0,
    }


# -- answer -----------------------------------------------------------------------------------

def squad_tokens(text: str) -> list[str]:
    """Tokens as the SQuAD v1.1 evaluation script counts them."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return _ARTICLES.sub(" ", text).split()


def token_f1(prediction: str, gold: str) -> float:
    """SQuAD-style token F1 between an answer and the gold answer."""
    predicted, expected = squad_tokens(prediction), squad_tokens(gold)
    if not predicted or not expected:
        return float(predicted == expected)
    common = sum((Counter(predicted) & Counter(expected)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(predicted), common / len(expected)
    return 2 * precision * recall / (precision + recall)


def answer_contains_all(answer: str, must_include: Iterable[str]) -> bool:
    """Every required string is in the answer, both normalised (case, quotes, thousand separators)."""
    text = normalise(answer)
    return all(normalise(needle) in text for needle in must_include)


# -- citations --------------------------------------------------------------------------------

def cited_numbers(answer: dict[str, Any]) -> list[int]:
    """Citation numbers the answer uses: ``[n]`` marks in its text and its sentences' citations.

    An answer that marks nothing in its text but lists citations cites those.
    """
    numbers: set[int] = set()
    for group in _CITATION_MARK.findall(answer.get("answer") or ""):
        numbers.update(int(n) for n in re.split(r"[,;]", group))
    for sentence in answer.get("sentences") or []:
        numbers.update(int(n) for n in sentence.get("citations") or [])
    if not numbers:
        numbers = {int(c["n"]) for c in answer.get("citations") or []}
    return sorted(numbers)


def citation_metrics(answer: dict[str, Any], evidences: list[str]) -> dict[str, float | None]:
    """Citation validity (cited numbers that show a passage) and precision (cited passages that
    hold an evidence quote; None when the item has no evidence, i.e. is unanswerable)."""
    shown = {int(c["n"]): c for c in answer.get("citations") or [] if c.get("text")}
    numbers = cited_numbers(answer)
    if not numbers:
        return {"citation_validity": None, "citation_precision": None}
    valid = [n for n in numbers if n in shown]
    precision = None
    if evidences and valid:
        supporting = [n for n in valid
                      if any(evidence_in_passage(e, shown[n]["text"]) for e in evidences)]
        precision = len(supporting) / len(valid)
    return {"citation_validity": len(valid) / len(numbers), "citation_precision": precision}


# -- one item ---------------------------------------------------------------------------------

def score_item(item: Any, answer: dict[str, Any], k: int) -> dict[str, Any]:
    """All per-item metrics of one answer (``Answer.to_dict()`` shape) to one suite item.

    Scores are bool or float, or None where the metric does not apply (ranking and answer metrics
    for unanswerable items, citation metrics when nothing is cited). ``relevant`` marks each
    returned passage; ``evidence_found`` says, per evidence quote, whether the top k hold it.
    """
    abstained = bool(answer.get("abstained"))
    passages = answer.get("passages") or []
    evidences = item.evidence_quotes if item.answerable else []
    options = item.evidence_options if item.answerable else []
    coverage = [{i for i, quotes in enumerate(options)
                 if any(evidence_in_passage(quote, p.get("text") or "") for quote in quotes)}
                for p in passages]
    scores: dict[str, Any] = {"answerable": bool(item.answerable), "abstained": abstained}
    if item.answerable:  # a loaded suite guarantees an evidence quote for these
        scores.update(ranking_metrics(coverage, len(evidences), k))
        correct = not abstained and answer_contains_all(answer.get("answer") or "", item.must_include)
        scores["answer_accuracy"] = correct
        scores["token_f1"] = 0.0 if abstained else token_f1(answer.get("answer") or "", item.answer)
    else:
        scores.update(dict.fromkeys([*ranking_metrics([], 1, k), "answer_accuracy", "token_f1"]))
    scores.update(citation_metrics(answer, [quote for quotes in options for quote in quotes]) if not abstained
                  else {"citation_validity": None, "citation_precision": None})
    scores["abstention_accuracy"] = abstained != bool(item.answerable)
    scores["relevant"] = [bool(c) for c in coverage]
    scores["evidence_found"] = [any(i in c for c in coverage[:k]) for i in range(len(evidences))]
    return scores


# -- aggregates -------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation, as numpy's default does."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def metric_names(rows: list[dict[str, Any]]) -> list[str]:
    """Names of the averaged metrics, in the order the rows hold them."""
    names: list[str] = []
    for row in rows:
        for name in row["metrics"]:
            if name not in _DESCRIPTIVE_KEYS and name not in names:
                names.append(name)
    return names


def mean_metrics(rows: list[dict[str, Any]], names: list[str]) -> dict[str, Any]:
    """Mean of each metric over the rows where it applies, and how many rows that was."""
    out: dict[str, Any] = {"n": len(rows)}
    for name in names:
        values = [float(row["metrics"][name]) for row in rows
                  if row["metrics"].get(name) is not None]
        out[name] = sum(values) / len(values) if values else None
        out[f"n_{name}"] = len(values)
    return out


def abstention_matrix(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """(answerable | unanswerable) x (answered | abstained) counts, and the share decided right."""
    matrix = {kind: {"answered": 0, "abstained": 0} for kind in ("answerable", "unanswerable")}
    for row in rows:
        kind = "answerable" if row["metrics"]["answerable"] else "unanswerable"
        matrix[kind]["abstained" if row["metrics"]["abstained"] else "answered"] += 1
    right = matrix["answerable"]["answered"] + matrix["unanswerable"]["abstained"]
    matrix["accuracy"] = right / len(rows) if rows else None
    return matrix


def latency(rows: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """p50 and p95 seconds per stage (the answer's ``timings``), and ``wall``: the seconds each
    ``ask`` took as the runner measured them (row ``seconds``)."""
    stages: dict[str, list[float]] = {}
    for row in rows:
        for stage, seconds in (row.get("timings") or {}).items():
            stages.setdefault(stage, []).append(float(seconds))
        if row.get("seconds") is not None:
            stages.setdefault("wall", []).append(float(row["seconds"]))
    return {stage: {"p50": percentile(values, 50), "p95": percentile(values, 95), "n": len(values)}
            for stage, values in stages.items()}


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Overall and by-type means, the abstention matrix and per-stage latency of scored rows.

    A row is a ``results.jsonl`` row: at least ``type``, ``metrics`` (from score_item) and
    optionally ``timings`` and ``seconds``.
    """
    names = metric_names(rows)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_type.setdefault(row.get("type") or "untyped", []).append(row)
    return {
        "metrics": names,
        "overall": mean_metrics(rows, names),
        "by_type": {kind: mean_metrics(group, names) for kind, group in sorted(by_type.items())},
        "abstention": abstention_matrix(rows),
        "latency": latency(rows),
    }
