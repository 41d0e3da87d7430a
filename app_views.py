"""HTML for the web UI: the conversation, citation cards, the search panel and the document viewer.

Pure functions from plain data (``Answer.to_dict()``, ``Index.documents()`` rows) to HTML strings,
so that they can be tested without a browser. Every piece of document or user text goes through
``esc`` or ``highlight``, which escape it: HTML or script inside a council paper is shown as text
and never runs. Markup is only ever added around escaped text, at offsets found in the raw text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, Iterable

from assistant.filters import format_date

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


def esc(value: Any) -> str:
    """Text made safe for HTML content and attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def doc_type_label(doc_type: str | None) -> str:
    """'cabinet_member_report' -> 'Cabinet member report'."""
    return (doc_type or "document").replace("_", " ").capitalize()


def date_label(iso: str | None) -> str:
    return format_date(iso) if iso else ""


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
    return facts


def citation_card(n: int | None, passage: dict[str, Any], fragments: Iterable[str] = (),
                  closest: bool = False) -> str:
    """A clickable card: number, title, committee, meeting, item, page, and the passage text."""
    text = passage.get("text") or ""
    shown = text if len(text) <= CARD_CHARS else text[:CARD_CHARS].rsplit(" ", 1)[0] + " …"
    facts = "".join(f"<span class='fact'>{esc(f)}</span>" for f in card_facts(passage))
    badge = f"<span class='cite-n'>{n}</span>" if n is not None else ""
    kind = "card closest" if closest else "card"
    label = f"Open source {n}" if n is not None else "Open this passage"
    decision = "<span class='tag'>Decision</span>" if passage.get("is_decision") else ""
    return (
        f"<div class='{kind}' id='card-{esc(passage.get('id'))}' data-passage='{esc(passage.get('id'))}' "
        f"role='button' tabindex='0' aria-label='{esc(label)}'>"
        f"<div class='card-head'>{badge}<div class='card-title'>{esc(passage.get('title') or passage.get('source'))}"
        f"<span class='doc-type'>{esc(doc_type_label(passage.get('doc_type')))}</span>{decision}</div></div>"
        f"<div class='facts'>{facts}</div>"
        f"<div class='passage-text'>{highlight(shown, fragments)}</div>"
        f"<div class='card-foot'><span class='source'>{esc(passage.get('source'))}</span>"
        f"<span class='open'>Open document ›</span></div>"
        "</div>"
    )


def answer_body(answer: dict[str, Any]) -> str:
    """The answer's sentences, escaped, each followed by its citation chips."""
    sentences = answer.get("sentences") or [{"text": answer.get("answer", ""), "citations": []}]
    parts = []
    for sentence in sentences:
        text = esc(_CITE.sub("", sentence.get("text", "")).strip()).replace("\n", "<br>")
        chips = "".join(f"<a class='cite-ref' data-ref='{int(n)}' href='#'>{int(n)}</a>"
                        for n in sentence.get("citations") or [])
        cls = "sentence" if sentence.get("supported", True) else "sentence unsupported"
        title = "" if sentence.get("supported", True) else " title='Not supported by the cited passage'"
        parts.append(f"<span class='{cls}'{title}>{text}{chips}</span>")
    return " ".join(parts)


def search_panel(answer: dict[str, Any]) -> str:
    """The collapsed "How I searched" panel: standalone query, filters, backend, passage scores."""
    filters = answer.get("filters") or {}
    filter_text = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in filters.items()) or "none"
    rows = []
    for rank, p in enumerate(answer.get("passages") or [], 1):
        scores = p.get("scores") or {}
        detail = ", ".join(f"{k} {scores[k]:.3f}" for k in _SCORE_KEYS if k in scores)
        rows.append(
            f"<tr><td>{rank}</td><td>{esc(p.get('title') or p.get('source'))}"
            f"<div class='muted'>{esc(' · '.join(card_facts(p)))}</div></td>"
            f"<td class='num'>{float(p.get('score') or 0):.3f}</td><td class='muted'>{esc(detail)}</td></tr>")
    notes = "".join(f"<li>{esc(n)}</li>" for n in answer.get("notes") or [])
    total = (answer.get("timings") or {}).get("total")
    took = f" in {total:.1f} s" if isinstance(total, (int, float)) else ""
    return (
        "<details class='how'><summary>How I searched</summary>"
        f"<dl><dt>Search query</dt><dd>{esc(answer.get('standalone_query'))}</dd>"
        f"<dt>Filters</dt><dd>{esc(filter_text)}</dd>"
        f"<dt>Answer backend</dt><dd>{esc(answer.get('backend'))}{esc(took)}</dd></dl>"
        + (f"<ul class='notes'>{notes}</ul>" if notes else "")
        + "<table class='scores'><thead><tr><th>#</th><th>Passage</th><th>Score</th><th>Detail</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></details>"
    )


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
    copy = (f"<textarea hidden id='md-{turn_id}'>{esc(answer_markdown(answer))}</textarea>"
            f"<button class='copy' data-copy='md-{turn_id}' type='button'>Copy as Markdown</button>")
    if answer.get("abstained") or not citations:
        closest = (answer.get("passages") or [])[:CLOSEST_SHOWN]
        hint = ("Try other words, name the committee or meeting, or clear the filters."
                if answer.get("filters") else "Try other words, or name the committee or meeting.")
        cards = "".join(citation_card(None, p, closest=True) for p in closest)
        body = (
            "<div class='no-answer'><div class='no-answer-title'>The records I have don't answer this.</div>"
            f"<p>{answer_body(answer)}</p><p class='muted'>{esc(hint)}</p></div>"
            + (f"<div class='cards-title'>Closest passages</div><div class='cards'>{cards}</div>"
               if cards else ""))
    else:
        cards = "".join(citation_card(c["n"], c, supporting_fragments(answer, c["n"]))
                        for c in citations)
        body = (f"<div class='answer-text'>{answer_body(answer)}</div>"
                f"<div class='cards-title'>Sources</div><div class='cards'>{cards}</div>")
    return (f"<div class='answer' data-backend='{esc(answer.get('backend'))}'>{body}"
            f"<div class='answer-tools'>{copy}</div>{search_panel(answer)}</div>")


@dataclass
class ChatTurn:
    """A question and, once ready, its answer (``partial`` holds streamed text until then)."""

    question: str
    answer: dict[str, Any] | None = None
    partial: str = ""
    error: str = ""


def conversation_html(turns: list[ChatTurn], examples: list[str]) -> str:
    """The whole conversation, or a welcome panel with example questions before the first one."""
    if not turns:
        chips = "".join(f"<button class='example' type='button' data-example='{esc(q)}'>{esc(q)}</button>"
                        for q in examples)
        return ("<div class='welcome'><h2>Ask about your committee records</h2>"
                "<p>Answers quote the minutes, reports and agenda packs, and every statement links "
                "to the passage it comes from.</p>"
                + (f"<div class='examples'>{chips}</div>" if chips else
                   "<p class='muted'>No documents yet: add some in the Documents tab.</p>")
                + "</div>")
    out = []
    for i, turn in enumerate(turns):
        out.append(f"<div class='turn'><div class='question'>{esc(turn.question)}</div>")
        if turn.error:
            out.append(f"<div class='answer error'>{esc(turn.error)}</div>")
        elif turn.answer is not None:
            out.append(answer_html(turn.answer, i))
        else:
            text = esc(turn.partial).replace("\n", "<br>")
            out.append(f"<div class='answer pending'><span class='searching'>Searching the records…</span>"
                       f"<div class='answer-text'>{text}</div></div>")
        out.append("</div>")
    return "".join(out)


def example_questions(stats: dict[str, Any]) -> list[str]:
    """Example questions that fit what is indexed (the newest meeting), plus general ones."""
    meetings = sorted(m for m in stats.get("meetings") or [] if m)
    if not stats.get("documents"):
        return []
    questions = []
    if meetings:
        latest = format_date(meetings[-1])
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
    where = ""
    if passage is not None:
        page = passage.get("page")
        where = ("<div class='viewer-where'>"
                 + (f"Cited passage on page {int(page)} (highlighted)." if page is not None
                    else "Cited passage highlighted.")
                 + ("" if span else " It could not be located in the document text.") + "</div>")
    return (
        "<div class='viewer'>"
        f"<div class='viewer-title'>{esc(document.get('title') or document.get('source'))}</div>"
        f"<div class='facts'>{''.join(f'<span class=fact>{esc(f)}</span>' for f in facts if f)}</div>"
        f"{where}<div class='viewer-body'>{render_marked(text, support, span, markers)}</div></div>"
    )


def document_status(document: dict[str, Any]) -> str:
    if document.get("duplicate_of"):
        return f"Duplicate of {document['duplicate_of']}"
    return "Indexed" if document.get("indexable", True) else "Not indexed"


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
        rows.append([d.get("title") or "", doc_type_label(d.get("doc_type")), d.get("committee") or "",
                     d.get("meeting_date") or "", d.get("item") or "", pages, d.get("source") or "",
                     d.get("n_chunks") or 0, document_status(d)])
    return rows


DECISION_COLUMNS = ["Meeting", "Committee", "Item", "Decision", "Source"]
DECISION_CSV_FIELDS = ["meeting_date", "committee", "item", "item_title", "decision", "source", "page",
                       "line_start", "line_end"]


def decision_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """Rows of the Decisions table (cells are plain text)."""
    out = []
    for row in rows:
        item = " ".join(str(v) for v in (row.get("item"), row.get("item_title")) if v)
        source = row.get("source") or ""
        if row.get("page") is not None:
            source += f", page {row['page']}"
        out.append([row.get("meeting_date") or "", row.get("committee") or "", item,
                    row.get("decision") or "", source])
    return out


# Styles for the HTML above; Gradio's theme variables keep it in step with light and dark mode.
CSS = """
.brand h2 { margin: 0 0 .25rem 0; }
#conversation { padding: .25rem .75rem .25rem .25rem; }
.welcome { max-width: 720px; margin: 3rem auto; text-align: center; }
.welcome h2 { font-size: 1.6rem; margin-bottom: .5rem; }
.welcome p { color: var(--body-text-color-subdued); font-size: 1.05rem; }
.examples { display: flex; flex-wrap: wrap; gap: .6rem; justify-content: center; margin-top: 1.5rem; }
.example { border: 1px solid var(--border-color-primary); background: var(--background-fill-primary);
  border-radius: 999px; padding: .55rem 1rem; cursor: pointer; font-size: .95rem; color: var(--body-text-color); }
.example:hover { border-color: var(--color-accent); color: var(--color-accent); }
.turn { margin: 1.2rem 0 1.8rem 0; }
.question { margin-left: auto; max-width: 80%; width: fit-content; background: var(--color-accent-soft);
  border-radius: 14px 14px 2px 14px; padding: .6rem .9rem; font-size: 1.02rem; }
.answer { margin-top: .8rem; }
.answer-text { font-size: 1.04rem; line-height: 1.65; }
.sentence.unsupported { text-decoration: underline dotted #b45309; }
.cite-ref { display: inline-block; min-width: 1.3em; padding: 0 .3em; margin-left: .15em; border-radius: 6px;
  background: var(--color-accent); color: white !important; font-size: .75em; font-weight: 600;
  text-align: center; text-decoration: none; vertical-align: super; line-height: 1.4; }
.searching { color: var(--body-text-color-subdued); font-style: italic; }
.cards-title { margin: 1rem 0 .4rem 0; font-size: .8rem; font-weight: 700; letter-spacing: .06em;
  text-transform: uppercase; color: var(--body-text-color-subdued); }
.cards { display: grid; gap: .7rem; }
.card { border: 1px solid var(--border-color-primary); border-left: 4px solid var(--color-accent);
  border-radius: 10px; padding: .7rem .9rem; background: var(--background-fill-primary); cursor: pointer;
  transition: box-shadow .15s, border-color .15s; }
.card:hover, .card:focus { box-shadow: 0 2px 10px rgba(0,0,0,.08); outline: none; border-color: var(--color-accent); }
.card.flash { box-shadow: 0 0 0 3px var(--color-accent-soft); }
.card.closest { border-left-color: var(--neutral-400); }
.card-head { display: flex; gap: .6rem; align-items: flex-start; }
.cite-n { flex: none; width: 1.7rem; height: 1.7rem; border-radius: 50%; background: var(--color-accent);
  color: white; font-weight: 700; display: flex; align-items: center; justify-content: center; }
.card-title { font-weight: 650; line-height: 1.35; }
.doc-type, .tag { display: inline-block; margin-left: .5rem; font-size: .72rem; font-weight: 600;
  padding: .05rem .45rem; border-radius: 999px; background: var(--background-fill-secondary);
  color: var(--body-text-color-subdued); vertical-align: middle; }
.tag { background: #dcfce7; color: #166534; }
.facts { display: flex; flex-wrap: wrap; gap: .3rem .9rem; margin: .35rem 0 .45rem 0; font-size: .85rem;
  color: var(--body-text-color-subdued); }
.passage-text { font-size: .93rem; line-height: 1.55; white-space: pre-wrap; max-height: 13rem; overflow: hidden;
  border-top: 1px dashed var(--border-color-primary); padding-top: .45rem; }
mark.support { background: #fef08a; color: inherit; padding: 0 .1em; border-radius: 3px; }
.card-foot { display: flex; justify-content: space-between; margin-top: .4rem; font-size: .8rem;
  color: var(--body-text-color-subdued); }
.card-foot .open { color: var(--color-accent); font-weight: 600; }
.answer-tools { margin-top: .6rem; }
.copy { border: 1px solid var(--border-color-primary); background: var(--background-fill-primary);
  border-radius: 8px; padding: .3rem .7rem; font-size: .85rem; cursor: pointer; color: var(--body-text-color); }
.no-answer { border: 1px solid #fcd34d; background: #fffbeb; color: #78350f; border-radius: 10px;
  padding: .8rem 1rem; }
.no-answer-title { font-weight: 700; margin-bottom: .2rem; }
.no-answer .muted { color: #92400e; }
.answer.error { color: #b91c1c; }
.muted { color: var(--body-text-color-subdued); font-size: .85rem; }
details.how { margin-top: .7rem; border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: .4rem .8rem; font-size: .88rem; }
details.how summary { cursor: pointer; font-weight: 600; color: var(--body-text-color); }
details.how dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .6rem 0; }
details.how dt { font-weight: 600; }
details.how dd { margin: 0; }
table.scores { width: 100%; border-collapse: collapse; margin-top: .4rem; }
table.scores th, table.scores td { text-align: left; padding: .3rem .4rem;
  border-bottom: 1px solid var(--border-color-primary); vertical-align: top; }
table.scores td.num { font-variant-numeric: tabular-nums; }
.viewer-title { font-size: 1.1rem; font-weight: 700; }
.viewer-where { margin: .3rem 0 .5rem 0; font-size: .88rem; color: var(--body-text-color-subdued); }
.viewer-body { white-space: pre-wrap; font-size: .9rem; line-height: 1.55; max-height: 68vh; overflow-y: auto;
  border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .8rem 1rem;
  background: var(--background-fill-primary); position: relative; }
mark.passage { background: var(--color-accent-soft); color: inherit; border-radius: 3px;
  box-shadow: 0 0 0 2px var(--color-accent-soft); }
.viewer-body mark.support { background: #fde047; }
.page-mark { display: block; margin: .8rem 0 .3rem 0; font-size: .75rem; font-weight: 700; letter-spacing: .05em;
  text-transform: uppercase; color: var(--body-text-color-subdued); border-top: 1px solid var(--border-color-primary); }
#ask-row { align-items: stretch; }
"""
