"""The eval's report.html: one self-contained page of tables and Plotly charts.

The markup is ``templates/report.html`` (Jinja2, autoescaped: every piece of text from the suite,
the answers or the documents is escaped); the charts come from ``evals.charts``. plotly.js is
inlined once, so the file opens offline, can be mailed or archived with a CI run, and fetches
nothing. When the naive baseline's summary is given, ours and the baseline's numbers stand side
by side.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from evals import charts
from evals.metrics import MIN_EVIDENCE_COVERAGE, answer_contains_all

TEMPLATES = Path(__file__).with_name("templates")
# Metrics charted by question type, when the run has them (the ranking ones carry the run's k).
_CHARTED = ("hit@", "answer_accuracy", "token_f1", "abstention_accuracy")
_LABELS = {
    "hit": "Hit", "recall": "Recall", "mrr": "MRR", "ndcg": "nDCG",
    "answer_accuracy": "Answer accuracy", "token_f1": "Token F1",
    "citation_validity": "Citation validity", "citation_precision": "Citation precision",
    "abstention_accuracy": "Abstention accuracy",
}
_PASSAGE_CHARS = 600
_TOP_PASSAGES = 3


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def write_report(path: str | Path, rows: list[dict[str, Any]], summary: dict[str, Any],
                 baseline: dict[str, Any] | None = None) -> None:
    """Write report.html for a run (rows of results.jsonl and its summary)."""
    Path(path).write_text(render_report(rows, summary, baseline), encoding="utf-8")


def render_report(rows: list[dict[str, Any]], summary: dict[str, Any],
                  baseline: dict[str, Any] | None = None) -> str:
    """The report as one HTML string."""
    config = summary.get("config", {})
    figures = _figures(rows, summary, baseline)
    return _environment().get_template("report.html").render(
        title=f"Evaluation: {config.get('label') or 'run'}",
        css=Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
        config_line=_config_line(config), coverage=f"{MIN_EVIDENCE_COVERAGE:.0%}",
        overall=_overall(summary, baseline), by_type=_by_type(summary),
        abstention=_abstention(summary, baseline), latency=_latency(summary),
        failures=_failures(rows, config.get("k")), n_rows=len(rows), charts=figures)


# -- sections ---------------------------------------------------------------------------------

def _config_line(config: dict[str, Any]) -> str:
    shown = ("suite", "items", "k", "backend", "started", "seconds")
    return " · ".join(f"{key}: {config[key]}" for key in shown if config.get(key) is not None)


def _overall(summary: dict[str, Any], baseline: dict[str, Any] | None) -> dict[str, Any]:
    overall = summary.get("overall", {})
    head = ["metric", "ours"] + (["naive baseline", "gain"] if baseline else []) + ["items scored"]
    body = []
    for name in summary.get("metrics", []):
        cells = [label(name), _fmt(overall.get(name))]
        if baseline:
            theirs = baseline.get("overall", {}).get(name)
            cells += [_fmt(theirs), _delta(overall.get(name), theirs)]
        cells.append(overall.get(f"n_{name}", ""))
        body.append(cells)
    return {"head": head, "body": body}


def _by_type(summary: dict[str, Any]) -> dict[str, Any]:
    names = summary.get("metrics", [])
    return {"head": ["type", "items"] + [label(name) for name in names],
            "body": [[kind, group.get("n", "")] + [_fmt(group.get(name)) for name in names]
                     for kind, group in summary.get("by_type", {}).items()]}


def _abstention(summary: dict[str, Any], baseline: dict[str, Any] | None) -> dict[str, Any]:
    matrix = summary.get("abstention", {})
    body = [[kind, matrix.get(kind, {}).get("answered", 0), matrix.get(kind, {}).get("abstained", 0)]
            for kind in ("answerable", "unanswerable")]
    line = Markup("Abstention accuracy (right decisions / all items): {}").format(_fmt(matrix.get("accuracy")))
    if baseline:
        line += Markup("; naive baseline {}").format(_fmt(baseline.get("abstention", {}).get("accuracy")))
    return {"body": body, "line": line}


def _latency(summary: dict[str, Any]) -> dict[str, Any]:
    return {"body": [[stage, _fmt(v.get("p50")), _fmt(v.get("p95")), v.get("n", "")]
                     for stage, v in summary.get("latency", {}).items()]}


def _failures(rows: list[dict[str, Any]], k: int | None) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        reasons = failure_reasons(row, k)
        if not reasons:
            continue
        gold = row.get("gold", {})
        relevant = row.get("metrics", {}).get("relevant", [])
        out.append({
            "id": row["id"], "type": row.get("type"), "question": row["question"],
            "reasons": "; ".join(reasons), "gold_answer": gold.get("answer"),
            "must_include": ", ".join(gold.get("must_include") or []) or "–",
            "evidence": gold.get("evidence") or "–", "abstained": row.get("abstained"),
            "answer": row.get("answer") or "–",
            "passages": [_passage(p, bool(i < len(relevant) and relevant[i]), i + 1)
                         for i, p in enumerate(row.get("passages", [])[:_TOP_PASSAGES])]})
    return out


def _figures(rows: list[dict[str, Any]], summary: dict[str, Any],
             baseline: dict[str, Any] | None) -> dict[str, list[tuple[str, Markup]]]:
    """The report's charts by section, as HTML; the first one carries plotly.js inline."""
    names = summary.get("metrics", [])
    by_type = summary.get("by_type", {})
    theirs = (baseline or {}).get("by_type", {})
    planned: dict[str, list[tuple[str, go.Figure]]] = {"overall": [], "by_type": [], "latency": []}
    if baseline:
        series = [("ours", charts.OURS_COLOUR, summary.get("overall", {})),
                  ("naive baseline", charts.BASELINE_COLOUR, baseline.get("overall", {}))]
        planned["overall"].append(("bar-chart", charts.bar_chart(
            "Ours against the naive baseline", names, series, label)))
    for name in names:
        if not name.startswith(_CHARTED):
            continue
        series = [("ours", charts.OURS_COLOUR, {kind: g.get(name) for kind, g in by_type.items()})]
        if baseline:
            series.append(("naive baseline", charts.BASELINE_COLOUR,
                           {kind: theirs.get(kind, {}).get(name) for kind in by_type}))
        planned["by_type"].append(("bar-chart", charts.bar_chart(
            f"{label(name)} by question type", list(by_type), series)))
    totals = [row["seconds"] for row in rows if row.get("seconds") is not None]
    planned["latency"].append(("histogram", charts.histogram("Seconds per question", totals)))
    out: dict[str, list[tuple[str, Markup]]] = {}
    first = True
    for section, figures in planned.items():
        out[section] = []
        for kind, figure in figures:
            html = figure.to_html(full_html=False, include_plotlyjs=first,
                                  config={"displaylogo": False, "responsive": False})
            out[section].append((kind, Markup(html)))
            first = False
    return out


def failure_reasons(row: dict[str, Any], k: int | None) -> list[str]:
    """Why an item counts as a failure (empty when it does not)."""
    metrics = row.get("metrics", {})
    reasons = []
    if row.get("error"):
        reasons.append(f"error: {row['error']}")
    if metrics.get("answerable"):
        if metrics.get(f"hit@{k}") is False:
            reasons.append(f"no gold passage in the top {k}")
        if metrics.get("abstained"):
            reasons.append("abstained on an answerable question")
        elif metrics.get("answer_accuracy") is False:
            answer = row.get("answer") or ""
            missing = [m for m in row.get("gold", {}).get("must_include", [])
                       if not answer_contains_all(answer, [m])]
            reasons.append("answer lacks " + ", ".join(f"“{m}”" for m in missing))
    elif not metrics.get("abstained"):
        reasons.append("answered an unanswerable question")
    return reasons


# -- pieces -----------------------------------------------------------------------------------

def label(name: str) -> str:
    """A metric's name for people: "hit@5" -> "Hit@5", "token_f1" -> "Token F1"."""
    base, at, k = name.partition("@")
    return _LABELS.get(base, base.replace("_", " ").capitalize()) + at + k


def _passage(passage: dict[str, Any], relevant: bool, rank: int) -> dict[str, Any]:
    where = [passage.get("source") or "?"]
    if passage.get("page") is not None:
        where.append(f"p.{passage['page']}")
    for key in ("committee", "meeting_date", "doc_type"):
        if passage.get(key):
            where.append(str(passage[key]))
    score = passage.get("score")
    if isinstance(score, (int, float)):
        where.append(f"score {score:.3f}")
    text = passage.get("text") or ""
    if len(text) > _PASSAGE_CHARS:
        text = text[:_PASSAGE_CHARS] + " …"
    return {"relevant": relevant, "rank": rank, "where": " · ".join(where), "text": text}


_NOT_AVAILABLE = Markup('<span class="na">–</span>')


def _fmt(value: Any) -> Markup | str:
    return _NOT_AVAILABLE if value is None else f"{float(value):.3f}"


def _delta(ours: Any, theirs: Any) -> Markup:
    if ours is None or theirs is None:
        return _NOT_AVAILABLE
    change = float(ours) - float(theirs)
    css = "up" if change > 0 else "down" if change < 0 else ""
    return Markup('<span class="{}">{}</span>').format(css, f"{change:+.3f}")
