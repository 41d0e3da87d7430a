"""Scoring parsed papers against a hand-checked manifest of another council's documents.

A manifest lists documents (``file``, ``body``, ``doc_type``, ``meeting_date``, ``decisions`` with
``text_start``, ``proposer``, ``seconder``, ``outcome``, ``attendance.apologies``; an agenda pack
lists its ``parts``). The parser's output for each file is compared with it and the figures the
issue sets targets for are returned: body, meeting date, decisions recall and precision,
proposer and seconder, apologies.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ingest.committees import normalise_name
from ingest.loaders import load_file
from vectorstore.ingestion import parse_file
from minutes_core.settings import Settings

TITLE = re.compile(r"^(?:(?:councillors?|cllrs?|mayor|deputy mayor|alderman|mr|mrs|ms|dr)\.?\s+)+", re.I)


def fold(text: str | None) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("'", "")).split())


def surname(name: str | None) -> str:
    """The part of a name two listings of one person share: the last word before any bracket."""
    name = TITLE.sub("", (name or "").strip())
    name = re.sub(r"(?:,\s*(?:[A-Za-z]\.\s?){2,5})+\s*$", "", name)  # "D. Naughton, M.C.C."
    bracket = re.search(r"\(([A-Za-z]{1,2})\.?\)", name)  # "Collins (M)": initial after the name
    name = re.sub(r"\(.*?\)", " ", name)
    words = fold(name).split()
    key = words[-1] if words else ""
    return f"{key} {bracket.group(1).lower()}" if bracket else key


def same_body(found: str | None, expected: str, aliases: dict[str, str]) -> bool:
    if not found:
        return False
    canon = lambda n: aliases.get(normalise_name(n), normalise_name(n))  # noqa: E731
    return canon(found) == canon(expected)


def _expected_docs(manifest: dict) -> list[dict]:
    """Each manifest document, and each part of a pack, as one expected document."""
    out = []
    for doc in manifest["documents"]:
        parts = doc.get("parts")
        if parts:
            for part in parts:
                out.append({**{k: v for k, v in doc.items() if k not in ("parts",)}, **part,
                            "body": part.get("body") or doc.get("body"),
                            "decisions": part.get("decisions", [] if part["doc_type"] != "minutes" else
                                                  doc.get("decisions", []))})
        else:
            out.append(doc)
    return out


def evaluate(manifest: dict, folder: Path, settings: Settings | None = None,
             aliases: dict[str, str] | None = None) -> dict:
    """Per-council figures of the parser on the manifest's files (counts and ratios)."""
    settings = settings or Settings()
    aliases = aliases or {}
    parsed: dict[str, tuple] = {}
    for doc in manifest["documents"]:
        loaded = load_file(folder / doc["file"], settings)
        parsed[doc["file"]] = parse_file(loaded, settings)
    c = {k: 0 for k in ("minutes", "body_ok", "date_ok", "docs", "doc_type_ok", "dec_expected",
                        "dec_found", "dec_matched", "proposer_expected", "proposer_ok",
                        "seconder_expected", "seconder_ok", "outcome_expected", "outcome_ok",
                        "apologies_expected", "apologies_found", "apologies_matched")}
    misses: list[str] = []
    for expected in _expected_docs(manifest):
        documents, _, records = parsed[expected["file"]]
        kind = expected.get("doc_type")
        candidates = [d for d in documents if d.doc_type == kind] or documents
        if expected.get("meeting_date"):
            dated = [d for d in candidates if d.meeting_date == expected["meeting_date"]]
            candidates = dated or candidates
        found = candidates[0]
        c["docs"] += 1
        c["doc_type_ok"] += found.doc_type == kind
        if kind == "minutes":
            c["minutes"] += 1
            ok_body = same_body(found.committee, expected["body"], aliases) or same_body(
                found.committee_printed, expected["body"], aliases)
            c["body_ok"] += ok_body
            c["date_ok"] += found.meeting_date == expected.get("meeting_date")
            if not ok_body:
                misses.append(f"body {expected['file']}: {found.committee!r} != {expected['body']!r}")
            if found.meeting_date != expected.get("meeting_date"):
                misses.append(f"date {expected['file']}: {found.meeting_date} != {expected.get('meeting_date')}")
        decisions = [r for r in records.decisions if r.meeting_date == found.meeting_date
                     or found.meeting_date is None]
        want = expected.get("decisions") or []
        if kind != "minutes":
            continue
        c["dec_expected"] += len(want)
        c["dec_found"] += len(decisions)
        free = list(decisions)
        for w in want:
            start = fold(w.get("text_start"))[:60]
            match = next((r for r in free if start and start[:40] in fold(r.decision)), None)
            if match is None:
                misses.append(f"decision {expected['file']} item {w.get('item')}: {w.get('text_start', '')[:60]!r}")
                continue
            free.remove(match)
            c["dec_matched"] += 1
            for role in ("proposer", "seconder"):
                if w.get(role):
                    c[f"{role}_expected"] += 1
                    ok = surname(getattr(match, role)) == surname(w[role])
                    c[f"{role}_ok"] += ok
                    if not ok:
                        misses.append(f"{role} {expected['file']} item {w.get('item')}: "
                                      f"{getattr(match, role)!r} != {w[role]!r}")
            if w.get("outcome"):
                c["outcome_expected"] += 1
                c["outcome_ok"] += match.outcome == w["outcome"] or (
                    w.get("kind") == "deferral" and match.outcome in ("deferred", "tabled", "carried"))
        if expected.get("decisions_complete") is False:
            c["dec_found"] -= len(free)  # the manifest lists only some of this paper's decisions
            continue
        for extra in free:
            misses.append(f"extra decision {expected['file']} item {extra.item}: {extra.decision[:60]!r}")
        apologies = (expected.get("attendance") or {}).get("apologies")
        if apologies is not None:
            got = [surname(r.name) for r in records.attendance
                   if r.role == "apologies" and r.meeting_date == found.meeting_date]
            wanted = [surname(n) for n in apologies]
            c["apologies_expected"] += len(wanted)
            c["apologies_found"] += len(got)
            matched = sum(min(got.count(n), wanted.count(n)) for n in set(wanted))
            c["apologies_matched"] += matched
            if matched < len(wanted) or len(got) > matched:
                misses.append(f"apologies {expected['file']}: {sorted(got)} vs {sorted(wanted)}")
    ratio = lambda a, b: c[a] / c[b] if c[b] else 1.0  # noqa: E731
    return {
        "body": ratio("body_ok", "minutes"), "meeting_date": ratio("date_ok", "minutes"),
        "doc_type": ratio("doc_type_ok", "docs"),
        "decisions_recall": ratio("dec_matched", "dec_expected"),
        "decisions_precision": c["dec_matched"] / c["dec_found"] if c["dec_found"] else 1.0,
        "proposer": ratio("proposer_ok", "proposer_expected"),
        "seconder": ratio("seconder_ok", "seconder_expected"),
        "outcome": ratio("outcome_ok", "outcome_expected"),
        "apologies_recall": ratio("apologies_matched", "apologies_expected"),
        "apologies_precision": c["apologies_matched"] / c["apologies_found"] if c["apologies_found"] else 1.0,
        "counts": c, "misses": misses,
    }


def report(label: str, figures: dict) -> str:
    keys = ("body", "meeting_date", "doc_type", "decisions_recall", "decisions_precision", "proposer",
            "seconder", "outcome", "apologies_recall", "apologies_precision")
    lines = [f"{label}: " + ", ".join(f"{k} {figures[k]:.3f}" for k in keys)]
    lines.append(f"  counts: {figures['counts']}")
    lines += [f"  {m}" for m in figures["misses"][:60]]
    return "\n".join(lines)
