"""HTML for the web UI: the conversation, citation cards, the search panel and the document viewer.

Pure functions from plain data (``Answer.to_dict()``, ``Index.documents()`` rows) to HTML strings,
so that they can be tested without a browser. The markup is in ``templates/`` (Jinja2 with
autoescaping, so HTML or script inside a council paper is shown as text and never runs); the
highlighting here adds <mark> only around text it has escaped, at offsets found in the raw text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Iterable

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from minutes_core.text.dates import human_date

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")

# Fragments shorter than this are not highlighted: a few characters would match by chance.
MIN_FRAGMENT = 12
# Closest passages shown when the records do not answer.
CLOSEST_SHOWN = 3
# Characters of a card's passage shown before "…" (the viewer shows the whole document).
CARD_CHARS = 900

_CITE = re.compile(r"(?<!\s)\s*\[(\d+)\]")
# Where an answer sentence may join pieces of a passage: sentence ends, "label: text", list dashes.
_JOINS = re.compile(r"(?<=[.;:!?])\s+|(?<!\s)\s+[-•–]\s+")
_QUOTED = re.compile(r"[“\"]([^”\"]{%d,})[”\"]" % MIN_FRAGMENT)
_SCORE_KEYS = ("dense", "bm25", "rrf")


@cache
def _environment() -> Environment:
    """Templates with autoescaping on: every value is escaped unless it is ``Markup`` (text that
    ``render_marked`` already escaped, or HTML another template rendered)."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                       keep_trailing_newline=False)


def render(template: str, **values: Any) -> str:
    """``templates/<template>`` rendered with ``values``."""
    return _environment().get_template(template).render(**values)


def static_text(name: str) -> str:
    """A file of ``static/`` (CSS, JS) as text."""
    return (STATIC / name).read_text(encoding="utf-8")


def esc(value: Any) -> str:
    """Text made safe for HTML content and attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def doc_type_label(doc_type: str | None) -> str:
    """'cabinet_member_report' -> 'Cabinet member report'."""
    return (doc_type or "document").replace("_", " ").capitalize()


def date_label(iso: str | None) -> str:
    return human_date(iso) if iso else ""


# -- highlighting ------------------------------------------------------------------------------


def find_flexible(text: str, fragment: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    """The span of ``fragment`` in ``text[start:end]``, whitespace-insensitive; None if absent.

    Answer sentences are joined from passage lines, so a line break in the passage may be a space
    in the sentence; the words and their order must match exactly.
    """
    words = fragment.split()
    if not words:
        return None
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    match = pattern.search(text, start, len(text) if end is None else end)
    return (match.start(), match.end()) if match else None


def sentence_fragments(sentence: str) -> list[str]:
    """The pieces of an answer sentence worth looking for in a passage.

    The whole sentence, each line of it, any quoted part, and the pieces between sentence ends,
    colons and list dashes: an extractive answer may wrap a RESOLVED block in words of its own
    ("At the ... meeting it was RESOLVED: “...”") or join the block's lines into one.
    """
    text = _CITE.sub("", sentence).strip()
    pieces = [text, *text.splitlines(), *_QUOTED.findall(text)]
    pieces += [piece for line in pieces[:] for piece in _JOINS.split(line)]
    out: list[str] = []
    for piece in pieces:
        piece = piece.strip().lstrip("-•").strip().strip("“”\"")
        if len(piece) >= MIN_FRAGMENT and piece not in out:
            out.append(piece)
    return out


def supporting_fragments(answer: dict[str, Any], n: int) -> list[str]:
    """Fragments of the answer sentences that cite passage ``n``."""
    out: list[str] = []
    for sentence in answer.get("sentences") or []:
        if n in (sentence.get("citations") or []):
            out.extend(f for f in sentence_fragments(sentence.get("text", "")) if f not in out)
    return out


def support_spans(text: str, fragments: Iterable[str], start: int = 0,
                  end: int | None = None) -> list[tuple[int, int]]:
    """Merged, sorted spans of ``text`` (within start..end) where the fragments occur."""
    spans = sorted(span for f in fragments if (span := find_flexible(text, f, start, end)))
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def highlight(text: str, fragments: Iterable[str]) -> str:
    """Escaped ``text`` with the fragments it contains wrapped in <mark>."""
    return render_marked(text, support=support_spans(text, fragments))


def render_marked(text: str, support: list[tuple[int, int]] = (),
                  passage: tuple[int, int] | None = None, markers: dict[int, str] | None = None) -> str:
    """Escaped ``text`` with markup added at raw-text offsets.

    ``passage`` becomes <mark id="passage" class="passage">, ``support`` spans (inside it, if
    given) become <mark class="support">, and ``markers`` are ready-made HTML inserted at their
    offsets (page labels in the viewer; the caller builds them from escaped text).
    """
    markers = markers or {}
    bounds = {0, len(text), *markers}
    for a, b in support:
        bounds.update((a, b))
    if passage:
        bounds.update(passage)
    points = sorted(b for b in bounds if 0 <= b <= len(text))
    out: list[str] = []
    in_support = False
    for i, pos in enumerate(points):
        if in_support and any(b == pos for _, b in support):
            out.append("</mark>")
            in_support = False
        if passage and pos == passage[1]:
            if in_support:
                out.append("</mark>")
                in_support = False
            out.append("</mark>")
        if pos in markers:
            out.append(markers[pos])
        if passage and pos == passage[0]:
            out.append('<mark id="passage" class="passage">')
        if not in_support and any(a == pos for a, _ in support):
            out.append('<mark class="support">')
            in_support = True
        if i + 1 < len(points):
            out.append(esc(text[pos:points[i + 1]]))
    if in_support:
        out.append("</mark>")
    return "".join(out)


# -- answers -----------------------------------------------------------------------------------


def card_facts(passage: dict[str, Any]) -> list[str]:
    """The short facts a citation card shows under its title (plain text, not yet escaped)."""
    facts = []
    if passage.get("committee"):
        facts.append(passage["committee"])
    if passage.get("meeting_date"):
        facts.append(f"Meeting {date_label(passage['meeting_date'])}")
    if passage.get("item"):
        item = f"Item {passage['item']}"
        if passage.get("item_title"):
            item += f": {passage['item_title']}"
        facts.append(item)
    if passage.get("page") is not None:
        facts.append(f"Page {passage['page']}")
    if passage.get("ocr"):
        facts.append("OCR text")
    return facts


def citation_card(n: int | None, passage: dict[str, Any], fragments: Iterable[str] = (),
                  closest: bool = False) -> str:
    """A clickable card: number, title, committee, meeting, item, page, and the passage text."""
    text = passage.get("text") or ""
    shown = text if len(text) <= CARD_CHARS else text[:CARD_CHARS].rsplit(" ", 1)[0] + " …"
    return render("card.html", n=n, passage=passage, facts=card_facts(passage),
                  kind="card closest" if closest else "card",
                  label=f"Open source {n}" if n is not None else "Open this passage",
                  doc_type=doc_type_label(passage.get("doc_type")),
                  text_html=Markup(highlight(shown, fragments)))


def answer_body(answer: dict[str, Any]) -> str:
    """The answer's sentences, escaped, each followed by its citation chips."""
    sentences = answer.get("sentences") or [{"text": answer.get("answer", ""), "citations": []}]
    return render("answer_body.html", sentences=[
        {"text": _CITE.sub("", s.get("text", "")).strip(), "supported": s.get("supported", True),
         "citations": [int(n) for n in s.get("citations") or []]} for s in sentences])


def search_panel(answer: dict[str, Any]) -> str:
    """The collapsed "How I searched" panel: standalone query, filters, backend, passage scores."""
    filters = answer.get("filters") or {}
    rows = []
    for rank, p in enumerate(answer.get("passages") or [], 1):
        scores = p.get("scores") or {}
        rows.append({"rank": rank, "title": p.get("title") or p.get("source"),
                     "facts": " · ".join(card_facts(p)), "score": f"{float(p.get('score') or 0):.3f}",
                     "detail": ", ".join(f"{k} {scores[k]:.3f}" for k in _SCORE_KEYS if k in scores)})
    total = (answer.get("timings") or {}).get("total")
    return render("search_panel.html", answer=answer, rows=rows, notes=answer.get("notes") or [],
                  filter_text=", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in filters.items()) or "none",
                  took=f" in {total:.1f} s" if isinstance(total, (int, float)) else "")


def answer_markdown(answer: dict[str, Any]) -> str:
    """The question, the answer and its numbered sources as Markdown (for the clipboard)."""
    lines = [f"**Q:** {answer.get('question', '')}", "", answer.get("answer", "").strip()]
    citations = answer.get("citations") or []
    if citations:
        lines += ["", "**Sources**", ""]
        for c in citations:
            facts = ", ".join(card_facts(c))
            lines.append(f"{c['n']}. {c.get('title') or c.get('source')}"
                         + (f" ({facts})" if facts else "") + f" — {c.get('source')}")
    return "\n".join(lines)


def answer_html(answer: dict[str, Any], turn_id: int) -> str:
    """One answer: its text (or the friendly no-answer box), citation cards, copy, search panel."""
    citations = answer.get("citations") or []
    no_answer = bool(answer.get("abstained") or not citations)
    if no_answer:
        cards = "".join(citation_card(None, p, closest=True)
                        for p in (answer.get("passages") or [])[:CLOSEST_SHOWN])
    else:
        cards = "".join(citation_card(c["n"], c, supporting_fragments(answer, c["n"])) for c in citations)
    hint = ("Try other words, name the committee or meeting, or clear the filters."
            if answer.get("filters") else "Try other words, or name the committee or meeting.")
    return render("answer.html", answer=answer, turn_id=turn_id, no_answer=no_answer, hint=hint,
                  body=Markup(answer_body(answer)), cards=Markup(cards),
                  markdown=answer_markdown(answer), search=Markup(search_panel(answer)))


@dataclass
class ChatTurn:
    """A question and, once ready, its answer (``partial`` holds streamed text until then)."""

    question: str
    answer: dict[str, Any] | None = None
    partial: str = ""
    error: str = ""


def conversation_html(turns: list[ChatTurn], examples: list[str]) -> str:
    """The whole conversation, or a welcome panel with example questions before the first one."""
    answers = [Markup(answer_html(t.answer, i)) if t.answer is not None and not t.error else None
               for i, t in enumerate(turns)]
    return render("conversation.html", turns=turns, examples=examples, answers=answers)


def example_questions(stats: dict[str, Any]) -> list[str]:
    """Example questions that fit what is indexed (the newest meeting), plus general ones."""
    meetings = sorted(m for m in stats.get("meetings") or [] if m)
    if not stats.get("documents"):
        return []
    questions = []
    if meetings:
        latest = human_date(meetings[-1])
        questions += [f"What was resolved at the meeting on {latest}?",
                      f"Who attended the meeting on {latest}?"]
    questions += ["What actions were agreed, and who is responsible for them?",
                  "What are the main challenges reported for children's services?"
                  if any("child" in c.lower() for c in stats.get("committees") or [])
                  else "What are the main challenges reported?"]
    return questions


# -- viewer and documents ----------------------------------------------------------------------


def viewer_html(document: dict[str, Any], text: str, passage: dict[str, Any] | None = None,
                fragments: Iterable[str] = (), pages: list[tuple[int, int]] = ()) -> str:
    """A whole document, escaped, with the cited passage marked (the viewer scrolls to it).

    ``pages`` are (offset, page number) pairs where a new page starts; each gets a label.
    """
    span = find_flexible(text, passage["text"]) if passage and passage.get("text") else None
    support = support_spans(text, fragments, *span) if span else []
    markers = {offset: f"<span class='page-mark' id='page-{int(page)}'>Page {int(page)}</span>"
               for offset, page in pages}
    facts = [document.get("committee"),
             f"Meeting {date_label(document.get('meeting_date'))}" if document.get("meeting_date") else None,
             f"Item {document['item']}" if document.get("item") else None,
             doc_type_label(document.get("doc_type")), document.get("source")]
    where = None
    if passage is not None:
        page = passage.get("page")
        where = ((f"Cited passage on page {int(page)} (highlighted)." if page is not None
                  else "Cited passage highlighted.")
                 + ("" if span else " It could not be located in the document text."))
    return render("viewer.html", document=document, facts=[f for f in facts if f], where=where,
                  body=Markup(render_marked(text, support, span, markers)))


def message_html(text: str) -> str:
    """A short message where the viewer would be."""
    return render("message.html", text=text)


def document_status(document: dict[str, Any]) -> str:
    if document.get("duplicate_of"):
        return f"Duplicate of {document['duplicate_of']}"
    return "Indexed" if document.get("indexable", True) else "Not indexed"


# A body or meeting date that no convention named is shown as such, never left to look like a gap.
UNKNOWN = "unknown"
DOCUMENT_COLUMNS = ["Title", "Type", "Committee", "Meeting", "Item", "Pages", "File", "Passages",
                    "Status"]


def document_rows(documents: list[dict[str, Any]]) -> list[list[Any]]:
    """Rows of the Documents table, newest meeting first (cells are plain text)."""
    def key(d):
        return (d.get("meeting_date") or "", d.get("source") or "", -(d.get("ordinal") or 0))

    rows = []
    for d in sorted(documents, key=key, reverse=True):
        pages = ""
        if d.get("page_start") is not None:
            pages = str(d["page_start"])
            if d.get("page_end") not in (None, d["page_start"]):
                pages += f"–{d['page_end']}"
        rows.append([d.get("title") or "", doc_type_label(d.get("doc_type")), d.get("committee") or UNKNOWN,
                     d.get("meeting_date") or UNKNOWN, d.get("item") or "", pages, d.get("source") or "",
                     d.get("n_chunks") or 0, document_status(d)])
    return rows


DECISION_COLUMNS = ["Meeting", "Body", "Item", "Decision", "Outcome", "Votes", "Proposer", "Seconder",
                    "Source"]
DECISION_CSV_FIELDS = ["meeting_date", "committee", "item", "item_title", "decision", "outcome",
                       "outcome_stated", "votes_for", "votes_against", "votes_abstain", "names_for",
                       "names_against", "names_abstain", "proposer", "seconder", "source", "page",
                       "line_start", "line_end"]


def vote_label(row: dict[str, Any]) -> str:
    """'14 for, 3 against, 1 abstaining' from a decision row's counts (or its named votes), or ''."""
    parts = []
    for vote, word in (("for", "for"), ("against", "against"), ("abstain", "abstaining")):
        count = row.get(f"votes_{vote}")
        if count is None and row.get(f"names_{vote}"):
            count = len(row[f"names_{vote}"])
        if count is not None:
            parts.append(f"{count} {word}")
    return ", ".join(parts)


def outcome_label(row: dict[str, Any]) -> str:
    """The outcome, marked when the minutes do not print it (proposed and seconded, taken as agreed)."""
    outcome = row.get("outcome") or ""
    return f"{outcome} (not printed)" if outcome and row.get("outcome_stated") is False else outcome


def decision_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """Rows of the Decisions table (cells are plain text), in ``DECISION_COLUMNS`` order."""
    out = []
    for row in rows:
        item = " ".join(str(v) for v in (row.get("item"), row.get("item_title")) if v)
        source = row.get("source") or ""
        if row.get("page") is not None:
            source += f", page {row['page']}"
        out.append([row.get("meeting_date") or "", row.get("committee") or "", item,
                    " ".join((row.get("decision") or "").split()), outcome_label(row), vote_label(row),
                    row.get("proposer") or "", row.get("seconder") or "", source])
    return out
