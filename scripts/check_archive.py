"""Parse every file of a folder (no embedding, nothing stored) and report what ingest would do.

    PYTHONPATH=. python scripts/check_archive.py /path/to/archive [--json]

Reports files that would be skipped (with the reason), folder sidecars read as metadata, and per
body: documents, minutes, decisions, documents with an unknown body or meeting date. Exit 1 when
a file with text would be skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict

from ingest.conventions import load_conventions
from ingest.loaders import LoadError, discover, load_file
from ingest.meetings import is_portal_sidecar
from vectorstore.ingestion import parse_file
from minutes_core.settings import Settings


def check(paths: list[str], settings: Settings) -> dict:
    conventions = load_conventions(settings.conventions_file)
    files, problems = discover(paths)
    skipped = [{"file": str(path), "reason": reason} for path, reason in problems]
    sidecars = 0
    bodies: dict[str, Counter] = defaultdict(Counter)
    totals = Counter()
    started = time.perf_counter()
    for path in files:
        if is_portal_sidecar(path, conventions):
            sidecars += 1
            continue
        try:
            loaded = load_file(path, settings)
            documents, chunks, records = parse_file(loaded, settings)
        except LoadError as error:
            skipped.append({"file": str(path), "reason": error.reason})
            continue
        if not chunks:
            skipped.append({"file": str(path), "reason": "no text to index after cleaning"})
            continue
        totals["files"] += 1
        totals["chunks"] += len(chunks)
        for doc in documents:
            body = doc.committee or "(unknown body)"
            bodies[body]["documents"] += 1
            bodies[body][doc.doc_type] += 1
            if doc.meeting_date is None:
                bodies[body]["unknown date"] += 1
            totals["documents"] += 1
            totals["unknown body"] += doc.committee is None
            totals["unknown date"] += doc.meeting_date is None
        for decision in records.decisions:
            bodies[decision.committee or "(unknown body)"]["decisions"] += 1
            totals["decisions"] += 1
            totals["decisions with proposer"] += decision.proposer is not None
    return {"files_seen": len(files), "sidecars": sidecars, "skipped": skipped, "totals": dict(totals),
            "bodies": {name: dict(counts) for name, counts in sorted(bodies.items())},
            "seconds": round(time.perf_counter() - started, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = check(args.paths, Settings.load())
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(f"{report['files_seen']} files: {report['sidecars']} folder sidecars (meeting metadata), "
              f"{len(report['skipped'])} skipped, {report['seconds']} s")
        for skip in report["skipped"]:
            print(f"  skipped {skip['file']}: {skip['reason']}")
        print("totals: " + ", ".join(f"{k} {v}" for k, v in report["totals"].items()))
        for body, counts in report["bodies"].items():
            print(f"  {body}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 1 if report["skipped"] else 0


if __name__ == "__main__":
    sys.exit(main())
