"""Motions and decisions in the styles councils write them, read by the conventions file's rules.

The common shapes (each a named rule in ``conventions.toml``):

- a ``RESOLVED:`` block, its text up to the next label, rule line or the end of the item;
- ``Proposed by X; Seconded by Y; And Resolved: "That ..."``, the resolution being the quoted text
  (a quotation runs to its closing mark, over page breaks);
- ``Moved by X / Seconded by Y / THAT ... / CARRIED`` (or LOST, DEFERRED, WITHDRAWN), and
  ``Motion Passed (15 to 0)`` / ``Motion Failed (6 to 9)``;
- roll calls: "In Favour: / Against: / Abstention:" lists of names, each with an optional
  bracketed count, and recorded-vote tables (a name and Yes / No / Abstain per row);
- "The Mayor declared the Motion carried / defeated".

A motion is read paragraph by paragraph through one agenda item: a proposer, seconder or
resolution label opens it, its text is what the resolution or the motion says, and an outcome,
vote list or count is attached to the motion it follows. Each ``Motion`` keeps the paragraphs it
came from and the names of the rules that fired, for citations and ``--explain``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.clean import Block
from ingest.conventions import Conventions
from ingest.text import fold_quotes, strip_markup

# Longest paragraph text a rule sees: rules run on bounded text only.
MAX_PARAGRAPH = 4000
OPEN_QUOTES = "“\"‘'"
TITLES = re.compile(
    r"^(?:(?:councillors?|cllrs?|clirs?|cmhlr|comhairleoir|alderman|alderwoman|mayor|deputy\s+mayor|"
    r"council\s*member|member|mr|mrs|ms|miss|dr|prof)\b\.?\s*)+", re.I)
NAME_SPLIT = re.compile(r"\s*,\s*|\s*;\s*|\s+and\s+|\s*&\s*")
OUTCOME_WORDS = {
    "carried": "carried", "passed": "carried", "adopted": "carried", "defeated": "lost",
    "lost": "lost", "failed": "lost", "not carried": "lost",
}


@dataclass
class Motion:
    """One motion or decision as found, with the paragraphs and rules behind it."""

    proposer: str | None = None
    seconder: str | None = None
    text: list[str] = field(default_factory=list)
    outcome: str | None = None
    votes: dict[str, int | None] = field(default_factory=lambda: {"for": None, "against": None,
                                                                   "abstain": None})
    names: dict[str, list[str]] = field(default_factory=lambda: {"for": [], "against": [],
                                                                  "abstain": []})
    blocks: list[Block] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    resolved: bool = False  # a resolution label was seen
    quote_open: bool = False
    text_done: bool = False  # the text ended (closing quote, outcome); later prose is narrative

    @property
    def decision(self) -> str:
        return "\n".join(piece for piece in self.text if piece)

    def note(self, block: Block, rule: str) -> None:
        if not self.blocks or self.blocks[-1] is not block:
            self.blocks.append(block)
        self.rules.append(rule)


def person_name(text: str) -> str:
    """"Councillor O’Brien;" -> "O'Brien": a name as printed, without the title and punctuation."""
    name = fold_quotes(strip_markup(text)).strip(" ;:,.-–")
    return TITLES.sub("", name).strip(" ;:,.") or name


def names_in(text: str) -> list[str]:
    """The people named in a roll-call list ("Councillors Collins (J), Galvin and O’Donnell.")."""
    flat = fold_quotes(strip_markup(text)).strip(" .;:")
    flat = re.sub(r"\(\s*\d{1,3}\s*\)\s*$", "", flat).strip()
    out = []
    for part in NAME_SPLIT.split(flat):
        name = person_name(part)
        if name and len(name) <= 60 and any(c.isalpha() for c in name) and not name[:1].islower():
            out.append(name)
    return out


def _flat(block: Block) -> str:
    return re.sub(r"\s+", " ", fold_quotes(strip_markup(block.text))).strip()[:MAX_PARAGRAPH]


def _quote_balance(text: str) -> int:
    """Open minus closed double quotes (curly quotes count by direction, straight ones by parity)."""
    curly = text.count("“") - text.count("”")
    straight = text.count('"') % 2
    return curly + straight


def _table_vote(row: str, conventions: Conventions) -> tuple[str, str] | None:
    """A recorded-vote table row "| Councillor A | Yes |" -> ("A", "for")."""
    cells = [c.strip() for c in row.strip().strip("|").split("|")]
    if len(cells) < 2:
        return None
    for cell in cells[1:]:
        value = strip_markup(cell).strip().lower()
        for rule in conventions.of("vote_value"):
            if rule.pattern.fullmatch(value):
                name = person_name(cells[0])
                if not name or name.lower() in {"name", "member", "members", "councillor", "vote"}:
                    return None
                return name, rule.option("vote")
    return None


def find_motions(blocks: list[Block], conventions: Conventions) -> list[Motion]:
    """The motions among one item's paragraphs, in order."""
    motions: list[Motion] = []
    current: Motion | None = None
    vote_side: str | None = None  # the roll-call list being read

    def close() -> None:
        nonlocal current, vote_side
        if current is not None and (current.text or current.outcome and (current.proposer or any(
                current.names.values()))):
            motions.append(current)
        current, vote_side = None, None

    def start(block: Block) -> Motion:
        nonlocal current
        if current is not None and (current.text or current.outcome or current.resolved):
            close()
        if current is None:
            current = Motion()
        return current

    def add_text(motion: Motion, text: str, block: Block) -> None:
        text = text.strip()
        if not any(c.isalnum() for c in text):
            return
        if not motion.text and text[:1] in OPEN_QUOTES:
            motion.quote_open = _quote_balance(text) > 0
        elif motion.quote_open:
            motion.quote_open = _quote_balance(text) >= 0 and not re.search(r"[”\"]\W*$", text)
        motion.text.append(text)
        motion.note(block, "text")
        if not motion.quote_open and motion.text and motion.text[0][:1] in OPEN_QUOTES:
            motion.text_done = True

    for block in blocks:
        flat = _flat(block)
        if not flat:
            continue
        if current is not None and current.quote_open:
            add_text(current, block.text.strip(), block)
            continue
        if block.kind == "table" or flat.startswith("|"):
            rows = [_table_vote(row, conventions) for row in block.text.splitlines() if "|" in row]
            rows = [r for r in rows if r]
            if rows and current is not None:
                for name, side in rows:
                    current.names[side].append(name)
                for side in current.names:
                    current.votes[side] = len(current.names[side]) if current.names[side] else current.votes[side]
                current.note(block, "vote_value")
                continue
        if found := conventions.first("proposer", flat):
            rule, match = found
            motion = start(block)
            if motion.proposer:
                close()
                motion = start(block)
            motion.proposer = person_name(match.group("name") or match.group("mover") or "")
            if match.groupdict().get("seconder"):
                motion.seconder = person_name(match.group("seconder"))
            motion.note(block, rule.origin)
            if rest := match.groupdict().get("rest"):
                _resolution_in(rest, motion, block, conventions, add_text)
            continue
        if found := conventions.first("seconder", flat):
            rule, match = found
            motion = current if current is not None and not current.text else start(block)
            motion.seconder = person_name(match.group("name") or match.group("second") or "")
            motion.note(block, rule.origin)
            if rest := match.groupdict().get("rest"):
                _resolution_in(rest, motion, block, conventions, add_text)
            continue
        if found := conventions.first("resolved", flat):
            rule, match = found
            motion = current
            if motion is None or motion.resolved or motion.text_done or (motion.text and not motion.proposer):
                close()
                motion = start(block)
            motion.resolved = True
            motion.note(block, rule.origin)
            head = flat[: match.start()] if rule.name != "and-resolved" else ""
            _outcome_in(head, motion, conventions)
            add_text(motion, _raw_rest(block.text, match.group("text")), block)
            continue
        if found := conventions.first("vote_list", flat):
            rule, match = found
            if current is None:
                current = Motion()
            vote_side = rule.option("vote")
            current.note(block, rule.origin)
            rest = match.groupdict().get("rest") or ""
            current.names[vote_side].extend(names_in(rest))
            count = re.search(r"\(\s*(\d{1,3})\s*\)\s*$", rest)
            if count:
                current.votes[vote_side] = int(count.group(1))
            continue
        if vote_side and current is not None:
            if found := conventions.first("vote_count", flat):
                current.votes[vote_side] = int(found[1].group("count"))
                current.note(block, found[0].origin)
                vote_side = None
                continue
            names = names_in(flat)
            if names and len(flat) <= 600 and not re.search(r"\b(?:was|were|is|are|declared)\b", flat):
                current.names[vote_side].extend(names)
                current.note(block, "vote names")
                continue
            vote_side = None
        if current is not None and _outcome_in(flat, current, conventions, block):
            if current.outcome in ("carried", "lost", "deferred", "withdrawn") and current.text:
                current.text_done = True
            continue
        if current is None:
            continue
        # Plain prose: the text of an open resolution or of a moved motion ("THAT ..."), else narrative.
        if current.text_done:
            continue
        if current.resolved and not (current.text and current.text[0][:1] in OPEN_QUOTES):
            add_text(current, block.text.strip(), block)
        elif current.proposer and not current.resolved and (
                current.text or re.match(r"^\W*that\b", flat, re.I) or flat[:1] in OPEN_QUOTES):
            add_text(current, block.text.strip(), block)
        elif current.proposer and not current.text and not current.resolved:
            continue
    close()
    for motion in motions:
        for side, names in motion.names.items():
            if names and motion.votes[side] is None:
                motion.votes[side] = len(names)
    return [m for m in motions if m.text]


def _raw_rest(raw: str, flat_rest: str | None) -> str:
    """The resolution text after the label, from the paragraph's own wording (quotes kept)."""
    if not flat_rest:
        return ""
    text = re.sub(r"\s+", " ", strip_markup(raw)).strip()
    start = fold_quotes(text).find(flat_rest[:40])
    return text[start:] if start >= 0 else flat_rest


def _resolution_in(rest: str, motion: Motion, block: Block, conventions: Conventions, add_text) -> None:
    found = conventions.first("resolved", rest)
    motion.resolved = motion.resolved or bool(found)
    add_text(motion, found[1].group("text") if found else rest, block)


def _outcome_in(text: str, motion: Motion, conventions: Conventions, block: Block | None = None) -> bool:
    """Set the motion's outcome and counts from an outcome line; whether one was found."""
    if not text:
        return False
    found = conventions.first("outcome", text)
    if not found:
        return False
    rule, match = found
    kind = rule.option("outcome")
    groups = match.groupdict()
    if kind == "from-word":
        kind = OUTCOME_WORDS.get(re.sub(r"\s+", " ", (groups.get("word") or "").lower()), "carried")
    counts = {side: int(groups[side]) if groups.get(side) else None for side in ("for", "against", "abstain")}
    if kind == "from-counts":
        kind = "carried" if (counts["for"] or 0) > (counts["against"] or 0) else "lost"
    if kind == "noted" and motion.outcome:
        return True
    motion.outcome = kind
    for side, value in counts.items():
        if value is not None:
            motion.votes[side] = value
    if block is not None:
        motion.note(block, rule.origin)
    else:
        motion.rules.append(rule.origin)
    return True
