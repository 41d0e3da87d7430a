"""Council-memory benchmark on an ingested data directory: person pages, topic tracks, and their
agreement with the hand-made Limerick checks when those files are given.

Not a timed test (the machines are shared and noisy): it prints one run's figures.

- ``people``: building the people of the records (cold, once per index change in the UI) and
  rendering each person's page warm;
- ``track``: a warm track of each topic of ``--topics`` (topics.json: meetings found of those the
  hand-made list names);
- ``--people-checks``: people_checks.json (attendance status of 5 councillors x 3 meetings).

    .venv/bin/python scripts/bench_memory.py --data-dir DIR [--topics topics.json]
        [--people-checks people_checks.json] [--out bench-results/memory.json]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from minutes_core.settings import Settings  # noqa: E402
from vectorstore.index import Index  # noqa: E402
from vectorstore.people import People  # noqa: E402
from vectorstore.track import track  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--topics", help="topics.json: hand-made lists of the meetings where topics came up")
    parser.add_argument("--people-checks", help="people_checks.json: hand-checked attendance")
    parser.add_argument("--out", help="Write the figures as JSON here too.")
    args = parser.parse_args()
    settings = Settings.load(data_dir=args.data_dir)
    index = Index(settings)
    store = index.open_records()
    figures: dict = {}
    try:
        started = time.perf_counter()
        people = People(store, settings.people_aliases_file)
        figures["people_build_seconds"] = round(time.perf_counter() - started, 3)
        everyone = people.people()
        figures["people"] = len(everyone)
        figures["councillors"] = sum(p.councillor for p in everyone)
        pages = []
        for person in everyone:
            started = time.perf_counter()
            person.page()
            pages.append(time.perf_counter() - started)
        figures["person_page_seconds"] = {"p50": round(statistics.median(pages), 4),
                                          "max": round(max(pages), 4)} if pages else {}
        if args.people_checks:
            checks = json.loads(Path(args.people_checks).read_text(encoding="utf-8"))
            matched = total = 0
            for entry in checks["people"]:
                name = re.sub(r"\(.*", "", entry["councillor"]).strip()
                found = people.find(name)
                for meeting in entry["meetings"]:
                    total += 1
                    statuses = [a.status for a in (found[0].appearances if found else [])
                                if a.meeting_date == meeting["meeting_date"]]
                    matched += statuses[:1] == [meeting["status"]]
            figures["people_checks"] = {"matched": matched, "of": total}
        if args.topics:
            topics = json.loads(Path(args.topics).read_text(encoding="utf-8"))["topics"]
            figures["track"] = []
            for topic in topics:
                expected = {m["meeting_date"] for m in topic["mentions"]}
                track(topic["search_terms"][0], index, store)  # warm: BM25 and records loaded
                started = time.perf_counter()
                found = {m["meeting_date"] for m in track(topic["search_terms"][0], index, store)["meetings"]}
                figures["track"].append({
                    "topic": topic["search_terms"][0], "seconds": round(time.perf_counter() - started, 3),
                    "meetings_expected": len(expected), "meetings_found": len(expected & found),
                    "missed": sorted(expected - found), "other_meetings": len(found - expected)})
            found_all = sum(t["meetings_found"] for t in figures["track"])
            expected_all = sum(t["meetings_expected"] for t in figures["track"])
            figures["track_recall"] = round(found_all / expected_all, 3) if expected_all else None
    finally:
        store.close()
        index.close()
    text = json.dumps(figures, indent=2)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
