"""``minutes eval compare DIR_A DIR_B``: what changed between two eval runs.

Reads the two folders ``run_suite`` wrote and prints, as plain text, each metric's value in A and B
and the change (overall and by question type), then the items that flipped: those whose Hit@k,
answer accuracy or abstention decision went from right to wrong or back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.report import label
from evals.runner import RESULTS, SUMMARY

# Per-item verdicts whose change makes an item "flipped"; the hit@ one carries the run's k.
_FLIP_METRICS = ("hit@", "answer_accuracy", "abstention_accuracy")


class CompareError(ValueError):
    """A folder that does not hold an eval run; the message names it."""


def compare(dir_a: str | Path, dir_b: str | Path) -> str:
    """A text report of per-metric deltas (B - A) and flipped items between two runs."""
    summary_a, rows_a = load_run(dir_a)
    summary_b, rows_b = load_run(dir_b)
    names = _union(summary_a.get("metrics", []), summary_b.get("metrics", []))
    lines = [f"A: {dir_a}", f"B: {dir_b}", ""]
    k_a, k_b = summary_a.get("config", {}).get("k"), summary_b.get("config", {}).get("k")
    if k_a != k_b:
        lines += [f"Note: A used k={k_a} and B k={k_b}; ranking metrics are not comparable.", ""]
    lines += ["Overall", *_delta_table(names, summary_a.get("overall", {}),
                                       summary_b.get("overall", {})), ""]
    types = _union(list(summary_a.get("by_type", {})), list(summary_b.get("by_type", {})))
    for kind in types:
        group_a = summary_a.get("by_type", {}).get(kind, {})
        group_b = summary_b.get("by_type", {}).get(kind, {})
        lines += [f"Type {kind} (items: A {group_a.get('n', 0)}, B {group_b.get('n', 0)})",
                  *_delta_table(names, group_a, group_b), ""]
    lines += _flips(rows_a, rows_b)
    return "\n".join(lines).rstrip() + "\n"


def load_run(directory: str | Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The summary and result rows of one run folder."""
    folder = Path(directory)
    try:
        summary = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
        with open(folder / RESULTS, encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError as error:
        raise CompareError(f"{folder} is not an eval run folder: {Path(error.filename).name} is "
                           "missing (make one with `minutes eval run`).") from None
    except json.JSONDecodeError as error:
        raise CompareError(f"{folder} holds a damaged eval run: {error}.") from None
    return summary, rows


def _delta_table(names: list[str], a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    width = max([len(label(name)) for name in names] + [6])
    lines = [f"  {'metric':<{width}}  {'A':>7}  {'B':>7}  {'B - A':>7}"]
    for name in names:
        value_a, value_b = a.get(name), b.get(name)
        change = (f"{value_b - value_a:+7.3f}" if value_a is not None and value_b is not None
                  else f"{'':>7}")
        lines.append(f"  {label(name):<{width}}  {_num(value_a)}  {_num(value_b)}  {change}")
    return lines


def _flips(rows_a: list[dict[str, Any]], rows_b: list[dict[str, Any]]) -> list[str]:
    by_id = {row["id"]: row for row in rows_a}
    better, worse, mixed = [], [], []
    for row_b in rows_b:
        row_a = by_id.get(row_b["id"])
        if row_a is None:
            continue
        changes, gained, lost = [], 0, 0
        for name in _union(list(row_a["metrics"]), list(row_b["metrics"])):
            if not name.startswith(_FLIP_METRICS):
                continue
            was, now = row_a["metrics"].get(name), row_b["metrics"].get(name)
            if was is None or now is None or bool(was) == bool(now):
                continue
            changes.append(f"{label(name)} {_verdict(was)} -> {_verdict(now)}")
            gained, lost = gained + bool(now), lost + bool(was)
        if changes:
            line = f"  {row_b['id']} [{row_b.get('type')}] {'; '.join(changes)}: {row_b['question']}"
            (better if gained > lost else worse if lost > gained else mixed).append(line)
    missing = sorted(set(by_id) - {row["id"] for row in rows_b})
    lines = [f"Items better in B ({len(better)})", *better, "",
             f"Items worse in B ({len(worse)})", *worse]
    if mixed:
        lines += ["", f"Items better in one way and worse in another ({len(mixed)})", *mixed]
    if missing:
        lines += ["", f"Items only in A ({len(missing)}): {', '.join(missing)}"]
    return lines


def _union(first: list[str], second: list[str]) -> list[str]:
    return first + [name for name in second if name not in first]


def _num(value: Any) -> str:
    return f"{'-':>7}" if value is None else f"{float(value):7.3f}"


def _verdict(value: Any) -> str:
    return "right" if value else "wrong"
