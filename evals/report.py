"""The eval's report.html: one self-contained page of tables and inline SVG charts.

No scripts, fonts, styles or images from anywhere else, so the file can be opened offline, mailed
or archived with a CI run. Every piece of text from the suite, the answers or the documents goes
through ``html.escape``. When the naive baseline's summary is given, ours and the baseline's numbers
stand side by side.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

from evals.metrics import MIN_EVIDENCE_COVERAGE, answer_contains_all

# Metrics charted by question type, when the run has them (the ranking ones carry the run's k).
_CHARTED = ("hit@", "answer_accuracy", "token_f1", "abstention_accuracy")
_LABELS = {
    "hit": "Hit", "recall": "Recall", "mrr": "MRR", "ndcg": "nDCG",
    "answer_accuracy": "Answer accuracy", "token_f1": "Token F1",
    "citation_validity": "Citation validity", "citation_precision": "Citation precision",
    "abstention_accuracy": "Abstention accuracy",
}
_OURS, _BASE = "ours", "base"
_PASSAGE_CHARS = 600
_TOP_PASSAGES = 3

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;
color:#1d2330;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d6dbe4}
.config{color:#5a6272;margin:0 0 16px}
table{border-collapse:collapse;margin:8px 0 16px}
th,td{border:1px solid #d6dbe4;padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}thead th{background:#eef1f6}
.up{color:#17733a}.down{color:#b42318}.na{color:#8a93a3}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{border:1px solid #d6dbe4;padding:6px;margin:0}
svg text{font:12px system-ui,sans-serif;fill:#1d2330}
rect.ours{fill:#2f6fdb}rect.base{fill:#b8c2d3}rect.hist{fill:#2f6fdb}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:-1px}
details{border:1px solid #d6dbe4;margin:6px 0;padding:6px 10px}summary{cursor:pointer}
.reason{color:#b42318}.tag{background:#eef1f6;border-radius:3px;padding:0 5px;font-size:12px}
.passage{border-left:3px solid #d6dbe4;margin:6px 0;padding:2px 8px;white-space:pre-wrap}
.passage.relevant{border-left-color:#17733a}.meta{color:#5a6272;font-size:12px}
dt{font-weight:600;margin-top:6px}dd{margin:0 0 0 12px;white-space:pre-wrap}
"""


def write_report(path: str | Path, rows: list[dict[str, Any]], summary: dict[str, Any],
                 baseline: dict[str, Any] | None = None) -> None:
    """Write report.html for a run (rows of results.jsonl and its summary)."""
    Path(path).write_text(render_report(rows, summary, baseline), encoding="utf-8")


def render_report(rows: list[dict[str, Any]], summary: dict[str, Any],
                  baseline: dict[str, Any] | None = None) -> str:
    """The report as one HTML string."""
    config = summary.get("config", {})
    title = f"Evaluation: {config.get('label') or 'run'}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="config">{_config_line(config)}</p>',
        _overall_section(summary, baseline),
        _by_type_section(summary, baseline),
        _abstention_section(summary, baseline),
        _latency_section(rows, summary),
        _failures_section(rows, config.get("k")),
        "</body></html>",
    ]
    return "\n".join(parts)


# -- sections ---------------------------------------------------------------------------------

def _config_line(config: dict[str, Any]) -> str:
    shown = ("suite", "items", "k", "backend", "started", "seconds")
    return " · ".join(f"{_e(key)}: {_e(config[key])}" for key in shown if config.get(key) is not None)


def _overall_section(summary: dict[str, Any], baseline: dict[str, Any] | None) -> str:
    names = summary.get("metrics", [])
    overall = summary.get("overall", {})
    head = ["metric", "ours"] + (["naive baseline", "gain"] if baseline else []) + ["items scored"]
    body = []
    for name in names:
        cells = [_e(label(name)), _fmt(overall.get(name))]
        if baseline:
            theirs = baseline.get("overall", {}).get(name)
            cells += [_fmt(theirs), _delta(overall.get(name), theirs)]
        cells.append(_e(overall.get(f"n_{name}", "")))
        body.append(cells)
    out = ['<section id="overall"><h2>Overall</h2>', _table(head, body, "overall-table"),
           '<p class="config">A retrieved passage is relevant when it holds the gold evidence quote '
           f"(normalised), or {MIN_EVIDENCE_COVERAGE:.0%} of its words in one run. Ranking and answer "
           "metrics leave unanswerable questions out; abstention accuracy counts every question."
           "</p>"]
    if baseline:
        series = [("ours", _OURS, overall), ("naive baseline", _BASE, baseline.get("overall", {}))]
        out.append('<div class="charts">' + _bar_chart("Ours against the naive baseline",
                                                        names, series, label) + "</div>")
    out.append("</section>")
    return "\n".join(out)


def _by_type_section(summary: dict[str, Any], baseline: dict[str, Any] | None) -> str:
    names = summary.get("metrics", [])
    by_type = summary.get("by_type", {})
    theirs = (baseline or {}).get("by_type", {})
    head = ["type", "items"] + [label(name) for name in names]
    body = [[_e(kind), _e(group.get("n", ""))] + [_fmt(group.get(name)) for name in names]
            for kind, group in by_type.items()]
    charts = []
    for name in names:
        if not name.startswith(_CHARTED):
            continue
        series = [("ours", _OURS, {kind: g.get(name) for kind, g in by_type.items()})]
        if baseline:
            series.append(("naive baseline", _BASE,
                           {kind: theirs.get(kind, {}).get(name) for kind in by_type}))
        charts.append(_bar_chart(f"{label(name)} by question type", list(by_type), series, str))
    return "\n".join(['<section id="by-type"><h2>By question type</h2>',
                      _table(head, body, "by-type-table"),
                      '<div class="charts">' + "".join(charts) + "</div></section>"])


def _abstention_section(summary: dict[str, Any], baseline: dict[str, Any] | None) -> str:
    matrix = summary.get("abstention", {})
    body = [[_e(kind), _e(matrix.get(kind, {}).get("answered", 0)),
             _e(matrix.get(kind, {}).get("abstained", 0))]
            for kind in ("answerable", "unanswerable")]
    line = f"Abstention accuracy (right decisions / all items): {_fmt(matrix.get('accuracy'))}"
    if baseline:
        line += f"; naive baseline {_fmt(baseline.get('abstention', {}).get('accuracy'))}"
    return "\n".join(['<section id="abstention"><h2>Abstention</h2>',
                      _table(["question", "answered", "abstained"], body, "abstention-table"),
                      f"<p>{line}</p></section>"])


def _latency_section(rows: list[dict[str, Any]], summary: dict[str, Any]) -> str:
    stages = summary.get("latency", {})
    body = [[_e(stage), _fmt(v.get("p50")), _fmt(v.get("p95")), _e(v.get("n", ""))]
            for stage, v in stages.items()]
    totals = [row["seconds"] for row in rows if row.get("seconds") is not None]
    return "\n".join(['<section id="latency"><h2>Latency</h2>',
                      _table(["stage", "p50 (s)", "p95 (s)", "items"], body, "latency-table"),
                      '<p class="config">Stages as the assistant timed them; "wall" is each whole '
                      "question as the eval runner timed it.</p>",
                      '<div class="charts">' + _histogram("Seconds per question", totals) + "</div>",
                      "</section>"])


def _failures_section(rows: list[dict[str, Any]], k: int | None) -> str:
    failed = [(row, reasons) for row in rows if (reasons := failure_reasons(row, k))]
    out = [f'<section id="failures"><h2>Failures ({len(failed)} of {len(rows)})</h2>']
    if not failed:
        out.append("<p>None: every item was retrieved, answered and decided right.</p>")
    for row, reasons in failed:
        gold = row.get("gold", {})
        passages = row.get("passages", [])[:_TOP_PASSAGES]
        relevant = row.get("metrics", {}).get("relevant", [])
        out.append(
            f'<details class="failure" id="item-{_e(row["id"])}"><summary><b>{_e(row["id"])}</b> '
            f'<span class="tag">{_e(row.get("type"))}</span> {_e(row["question"])} '
            f'<span class="reason">— {_e("; ".join(reasons))}</span></summary><dl>'
            f"<dt>Gold answer</dt><dd>{_e(gold.get('answer'))}</dd>"
            f"<dt>Must include</dt><dd>{_e(', '.join(gold.get('must_include') or []) or '–')}</dd>"
            f"<dt>Evidence</dt><dd>{_e(gold.get('evidence') or '–')}</dd>"
            f"<dt>Our answer{' (abstained)' if row.get('abstained') else ''}</dt>"
            f"<dd>{_e(row.get('answer') or '–')}</dd>"
            f"<dt>Top {len(passages)} retrieved</dt><dd>"
            + "".join(_passage(p, i < len(relevant) and relevant[i], i + 1)
                      for i, p in enumerate(passages))
            + "</dd></dl></details>"
        )
    out.append("</section>")
    return "\n".join(out)


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


def _passage(passage: dict[str, Any], relevant: bool, rank: int) -> str:
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
    mark = " · holds the evidence" if relevant else ""
    return (f'<div class="passage{" relevant" if relevant else ""}">'
            f'<div class="meta">[{rank}] {_e(" · ".join(where))}{mark}</div>{_e(text)}</div>')


def _table(head: list[str], body: list[list[str]], css_id: str) -> str:
    """A table; head cells are escaped here, body cells must already be HTML."""
    thead = "".join(f"<th>{_e(cell)}</th>" for cell in head)
    tbody = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in body)
    return f'<table id="{css_id}"><thead><tr>{thead}</tr></thead><tbody>{tbody}</tbody></table>'


def _bar_chart(title: str, categories: list[str], series: list[tuple[str, str, dict[str, Any]]],
               name_of: Any) -> str:
    """Horizontal bars of values in [0, 1], one group per category, one bar per series."""
    left, width, bar, gap = 150, 270, 12, 10
    group = bar * len(series) + gap
    top = 30 if len(series) > 1 else 12
    height = top + group * len(categories) + 24
    total = left + width + 60
    parts = [f'<svg class="bar-chart" role="img" width="{total}" height="{height}" '
             f'viewBox="0 0 {total} {height}" xmlns="http://www.w3.org/2000/svg">'
             f"<title>{_e(title)}</title>"]
    if len(series) > 1:
        x = left
        for legend, css, _ in series:
            parts.append(f'<rect class="{css}" x="{x}" y="4" width="12" height="12"/>'
                         f'<text x="{x + 16}" y="14">{_e(legend)}</text>')
            x += 120
    axis_y = top + group * len(categories)
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = left + tick * width
        parts.append(f'<line x1="{x}" y1="{top - 4}" x2="{x}" y2="{axis_y}" stroke="#e3e7ee"/>'
                     f'<text x="{x}" y="{axis_y + 16}" text-anchor="middle">{tick:g}</text>')
    for i, category in enumerate(categories):
        y = top + i * group
        shown = name_of(category)
        if len(shown) > 22:
            shown = shown[:21] + "…"
        parts.append(f'<text x="{left - 8}" y="{y + group / 2}" text-anchor="end">{_e(shown)}</text>')
        for j, (_, css, values) in enumerate(series):
            value = values.get(category)
            by = y + j * bar + gap / 2
            if value is None:
                parts.append(f'<text class="na" x="{left + 4}" y="{by + bar - 2}">n/a</text>')
                continue
            parts.append(f'<rect class="{css}" x="{left}" y="{by}" width="{max(value, 0) * width:.1f}"'
                         f' height="{bar - 2}"><title>{_e(shown)}: {value:.3f}</title></rect>'
                         f'<text x="{left + max(value, 0) * width + 4:.1f}" y="{by + bar - 2}">'
                         f"{value:.2f}</text>")
    parts.append("</svg>")
    return (f'<figure class="chart"><figcaption>{_e(title)}</figcaption>{"".join(parts)}</figure>')


def _histogram(title: str, values: list[float]) -> str:
    """Vertical bars of how many values fall in each of about sqrt(n) equal-width bins."""
    left, width, plot, top = 40, 440, 150, 10
    total_w, total_h = left + width + 20, top + plot + 40
    parts = [f'<svg class="histogram" role="img" width="{total_w}" height="{total_h}" '
             f'viewBox="0 0 {total_w} {total_h}" xmlns="http://www.w3.org/2000/svg">'
             f"<title>{_e(title)}</title>"]
    if values:
        low, high = min(values), max(values)
        bins = max(1, min(20, math.ceil(math.sqrt(len(values)))))
        step = (high - low) / bins or 1.0
        counts = [0] * bins
        for value in values:
            counts[min(int((value - low) / step), bins - 1)] += 1
        tallest = max(counts)
        slot = width / bins
        for i, count in enumerate(counts):
            h = plot * count / tallest
            start, end = low + i * step, low + (i + 1) * step
            parts.append(f'<rect class="hist" x="{left + i * slot + 1:.1f}" y="{top + plot - h:.1f}"'
                         f' width="{slot - 2:.1f}" height="{h:.1f}"><title>{start:.2f}–{end:.2f} s: '
                         f"{count}</title></rect>")
        for i in range(0, bins + 1, max(1, bins // 5)):
            x = left + i * slot
            parts.append(f'<text x="{x:.1f}" y="{top + plot + 16}" text-anchor="middle">'
                         f"{low + i * step:.2f}</text>")
        parts.append(f'<text x="{left - 6}" y="{top + 10}" text-anchor="end">{tallest}</text>'
                     f'<text x="{left - 6}" y="{top + plot}" text-anchor="end">0</text>')
    parts.append(f'<line x1="{left}" y1="{top + plot}" x2="{left + width}" y2="{top + plot}" '
                 f'stroke="#5a6272"/><text x="{left + width / 2}" y="{top + plot + 34}" '
                 f'text-anchor="middle">seconds (bar height: questions)</text></svg>')
    return f'<figure class="chart"><figcaption>{_e(title)}</figcaption>{"".join(parts)}</figure>'


def _fmt(value: Any) -> str:
    if value is None:
        return '<span class="na">–</span>'
    return f"{float(value):.3f}"


def _delta(ours: Any, theirs: Any) -> str:
    if ours is None or theirs is None:
        return '<span class="na">–</span>'
    change = float(ours) - float(theirs)
    css = "up" if change > 0 else "down" if change < 0 else ""
    return f'<span class="{css}">{change:+.3f}</span>'


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))
