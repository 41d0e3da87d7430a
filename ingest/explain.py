"""What the parser found in one file, and by which convention: ``minutes ingest --explain FILE``.

A user whose council writes its papers differently needs to see why a body, a date or a decision
was or was not found, before writing a rule of their own in ``conventions_file``. This runs
ingest's own parse (``ingest.parse.parse_file``: load, clean, structure, conventions, chunks,
records) without storing anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest.loaders import load_file
from ingest.parse import parse_file
from minutes_core.settings import Settings


def explain_file(path: str | Path, settings: Settings) -> dict[str, Any]:
    """A JSON-ready account of one file: its documents, bodies, dates, items, people and decisions."""
    loaded = load_file(path, settings)
    result = parse_file(loaded, settings)
    records = result.records
    documents = []
    for p, found in zip(result.parsed, result.findings):
        doc = p.document
        facts = p.meeting
        documents.append({
            "doc_type": doc.doc_type, "title": doc.title, "lines": [doc.line_start, doc.line_end],
            "body_printed": doc.committee_printed, "body": doc.committee,
            "meeting_date": doc.meeting_date, "pack_date": doc.pack_date,
            "time": facts.time if facts else None, "venue": facts.venue if facts else None,
            "heading_convention": facts.rule if facts else None,
            "heading_line": facts.line if facts else None,
            "findings": [{"what": f.what, "value": f.value, "rule": f.rule, "line": f.line} for f in found],
        })
    return {
        "file": str(path),
        "conventions": result.conventions.files,
        "ocr_pages": [page.number for page in loaded.pages if page.ocr],
        "documents": documents,
        "items": [{"number": r.number, "title": r.item_title, "line": r.line_start} for r in records.items],
        "attendance": [{"role": r.role, "name": r.name, "capacity": r.capacity, "line": r.line_start}
                       for r in records.attendance],
        "decisions": [{
            "item": r.item, "proposer": r.proposer, "seconder": r.seconder, "outcome": r.outcome,
            "votes": [r.votes_for, r.votes_against, r.votes_abstain], "line": r.line_start,
            "page": r.page, "conventions": r.conventions, "decision": r.decision,
        } for r in records.decisions],
    }


def explain_text(report: dict[str, Any]) -> str:
    """The report for a terminal: one line a finding, each naming its rule."""
    out = [f"{report['file']}  (conventions: {', '.join(Path(f).name for f in report['conventions'])})"]
    if report["ocr_pages"]:
        out.append(f"  OCR pages: {report['ocr_pages']}")
    for n, doc in enumerate(report["documents"], start=1):
        out.append(f"document {n}: {doc['doc_type']} lines {doc['lines'][0]}-{doc['lines'][1]} {doc['title']!r}")
        out.append(f"  body: {doc['body'] or 'unknown'} (printed {doc['body_printed']!r})")
        out.append(f"  meeting date: {doc['meeting_date'] or 'unknown'}; pack date: {doc['pack_date']}; "
                   f"time {doc['time']}; venue {doc['venue']}")
        for f in doc["findings"]:
            line = f" line {f['line']}" if f["line"] else ""
            out.append(f"    {f['what']}: {f['value']}  <- {f['rule']}{line}")
        if not doc["heading_convention"]:
            out.append("    no heading convention matched (add one in conventions_file)")
    out.append(f"items: {len(report['items'])}")
    for item in report["items"]:
        out.append(f"  {item['number']}. {item['title']} (line {item['line']})")
    out.append(f"attendance: {len(report['attendance'])}")
    for person in report["attendance"]:
        out.append(f"  {person['role']}: {person['name']}" + (f" ({person['capacity']})" if person["capacity"] else ""))
    out.append(f"decisions: {len(report['decisions'])}")
    for d in report["decisions"]:
        votes = "" if d["votes"] == [None, None, None] else f" votes {d['votes'][0]}-{d['votes'][1]}-{d['votes'][2]}"
        out.append(f"  item {d['item']} line {d['line']}: proposer {d['proposer']}, seconder {d['seconder']}, "
                   f"outcome {d['outcome']}{votes}  <- {', '.join(d['conventions'])}")
        out.append(f"    {d['decision'][:160]!r}")
    return "\n".join(out)
