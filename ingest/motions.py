"""Motions and decisions in the styles councils write them, read by the conventions file's rules.

The common shapes (each a named rule in ``conventions.toml``):

- a ``RESOLVED:`` block, its text up to the next label, rule line or the end of the item;
- ``Proposed by X; Seconded by Y; And Resolved: "That ..."``, the resolution being the quoted text
  (a quotation runs to its closing mark, over page breaks);
- ``Moved by X / Seconded by Y / THAT ... / CARRIED`` (or LOST, DEFERRED, WITHDRAWN), and
  ``Motion Passed (15 to 0)`` / ``Motion Failed (6 to 9)``;
- roll calls: "In Favour: / Against: / Abstention:" lists of names, each with an optional
  bracketed count, and recorded-vote tables (a name and Yes / No / Abstain per row);
- "The Mayor declared the Motion carried / defeated";
- motions told in prose: "Councillor X moved, and Councillor Y seconded, that ..." / "X, seconded
  by Y, moved as an amendment that ...", with the result in the sentences after ("On being put to
  the vote the amendment was CARRIED (5 for, 1 against)", "there were 3 votes for and 3 votes
  against", "The Chair used his casting vote against the motion"), and a division between a motion
  and an amendment ("there voted for the motion: ... and for the amendment: ...").

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
from minutes_core.text.normalise import fold_quotes, strip_markup
from minutes_core.text.sentences import split_paragraph
from minutes_core.text.stems import terms
from minutes_core.text.stopwords import STOPWORDS

# Longest paragraph text a rule sees: rules run on bounded text only.
MAX_PARAGRAPH = 4000
# Sentence rules see at most this many characters of a sentence, and this many sentences a paragraph.
MAX_SENTENCE = 800
MAX_SENTENCES = 60
OPEN_QUOTES = "“\"‘'"
ITALIC_OUTCOME_WORDS = 3  # an outcome printed alone ("Carried unanimously"), not a motion's words
# Where a name printed in a label ends and the paragraph's next matter begins (see ``person_name``):
# the next item, running words in lower case, a sentence opening ("... and Wilson The votes being equal").
# (A run of spaces is taken only from its start, so no split is tried from inside a long one.)
NAME_TAIL = re.compile(r"(?<!\s)\s++(?=\d{1,2}[.)]\s?[A-Za-z]|[Ii]tem\s\d|[a-z]{4,}\b|(?:The|This|That|It|There)\s[a-z])"
                       r"|(?<=\))(?=[a-z]{4,}\b)")
TITLES = re.compile(
    r"^(?:(?:councillors?|cllrs?|crs?|clirs?|cmhlr|comhairleoir|alderman|alderwoman|mayor\s+pro\s+tem(?:pore)?|"
    r"vice[\s-]mayor|mayor|deputy\s+mayor|council\s*members?|council(?:wo)?man|commissioners?|supervisors?|"
    r"vice[\s-]chair(?:man|woman|person)?|chair(?:man|woman|person)?|member|mr|mrs|ms|miss|dr|prof)\b\.?\s*)+",
    re.I)
# (A run of spaces is taken only from its start, so no split is tried from inside a long one.)
NAME_SPLIT = re.compile(r"(?:(?<!\s)\s++)?[,;&]\s*|(?<!\s)\s++and\s+")
# Where the last name of a counted roll call ends when a page's footer or the next item was joined
# on after it ("No: 1 - Park City Council Minutes - Page 3 of 5").
COUNTED_LIST_TAIL = re.compile(r"(?<!\s)\s++(?=[-–]|\d|(?:City|Council|Committee|Commission|Board|Meeting|Minutes|Agenda|Page)\b)")
# A roll-call list that names no one ("Noes: None", "Absent: Nil").
NO_ONE = frozenset({"none", "nil", "nobody", "no one", "n/a"})
# A label line that ends a roll-call list the lines before continued ("ABSENT: None", "RECUSED: X").
OTHER_LABEL = re.compile(r"^\W{0,3}[A-Za-z][A-Za-z ]{1,30}:")
# An outcome line about the motion a substitute or amendment was moved against ("The main motion
# then carried by the following vote:").
MAIN_MOTION = re.compile(r"\b(?:main|original|substantive)\s+motion\b", re.I)
# A paragraph that is the text of a motion printed before its proposer ("“I will move at the next
# meeting that ...”" / "Proposed: X" / "Seconded: Y"): a quotation, a notice of motion, a "That ...".
MOTION_TEXT = re.compile(r"^\W{0,3}(?:[i!|1l]\s+(?:will\s+)?(?:move|ask)\b|that\b)|^\W{0,3}[“\"‘]", re.I)
# A member's notice of a question ("I will ask at the next meeting how many ..."): what was asked,
# not what the reply gave.
NOTICE_OF_QUESTION = re.compile(r"(?<![a-z])[i!|1l]\s+(?:will\s+)?ask\b", re.I)
# A short paragraph just before "Proposed: X / Seconded: Y" names what they proposed ("Item 1: Confirm
# minutes from meeting held on ...").
SHORT_TITLE = 200
# Words of an outcome inside a decision sentence ("..., it was agreed that this be deferred").
SENTENCE_OUTCOMES = (
    ("deferred", re.compile(r"\b(?:deferred|adjourned|postponed)\b", re.I)),
    ("lost", re.compile(r"\b(?:defeated|was\s+lost|not\s+carried)\b", re.I)),
    ("carried", re.compile(r"\bcarried\b", re.I)),
    ("noted", re.compile(r"\b(?:be|was|were)\s+noted\b", re.I)),
    ("agreed", re.compile(r"\b(?:agreed|adopted|approved|resolved|concurred)\b", re.I)),
)
# "It was also agreed ...", "Members also agreed ...": a further sentence about the same matter.
ALSO = re.compile(r"^(?:it\s+was|the\s+members|members)\s+also\b", re.I)
# "This was agreed.", "These were approved ...": an agreement that names its matter only by pointing.
ANAPHORIC = re.compile(r"^(?:this|these|that)\s+(?:was|were)\b", re.I)
# A contested election: several nominations ("That Councillor X be appointed Mayor"), one vote.
NOMINATION = re.compile(r"\bbe\s+(?:appointed|elected|nominated)\b|\bto\s+nominate\b", re.I)
# The office a nomination is for: the words after "be appointed" ("Deputy Mayor of the District").
OFFICE_WORDS = 4
# Lines between a proposal told in prose and its formal record under labels (a blank line or two).
RESTATED_GAP = 4
# A picture a PDF-to-Markdown converter left out, written in its place: "(Image omitted)", "![](x.png)".
IMAGE_PLACEHOLDER = re.compile(r"\((?:image|picture|figure)\s+omitted\)|!\[[^\]\n]{0,200}\]\([^()\s]{0,500}\)", re.I)
# A double quote straight after a day's number is an OCR'd ordinal ("28" March" for "28th March"),
# not the end of a quotation.
ORDINAL_QUOTE = re.compile(r"(?<=\d)[\"”](?=\s*[A-Za-z])")
# A sentence that announces the text to follow ("... the following Motion was agreed.", "... as
# follows:"): the decision's words are in the next paragraph.
ANNOUNCES_TEXT = re.compile(r"\bthe\s+following\b[^.;]{0,80}[.:]?\s*$|\bas\s+follows\s*[.:]?\s*$", re.I)
# The label a resolution's words follow, at the end of the prose before them ("... RESOLVED:",
# "... RESOLVED (unanimously) -", "... Decision:"): a web page prints an item's minutes as one row.
LABEL_AT_END = re.compile(r"\b(?:resolved|decisions?)\b(?:\s?\([^()]{0,30}\))?\s?[:\-–—]?\s*$", re.I)
# "(7)" after a list of names: how many voted that way.
BRACKET_COUNT = re.compile(r"\(\s*(\d{1,3})\s*\)\s*$")
# A motion's own words that say it amends another ("an amendment to add ...", "moved as an amendment
# that ..."): an amendment and the motion it amends are two decisions.
AMENDMENT = re.compile(r"^\W{0,3}(?:moved\s+)?(?:,\s*)?(?:as\s+)?an?\s+(?:further\s+)?amendment\b", re.I)
# A vote's lead-in that names what was put ("A Vote was taken on the proposal to adopt the Plan").
VOTE_ON = re.compile(r"\bvot(?:e|ed|ing)\b[^.:]{0,60}?\bon\s+the\s+(?:proposal|motion|amendment)\b(?P<what>[^.:]{3,300})",
                     re.I)
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
    outcome_from_sentence: bool = False
    outcome_stated: bool = True  # False: proposed and seconded, no outcome printed (see ``settle``)
    before: Block | None = None  # the prose paragraph just before a proposer label (a motion's text)
    before_quote: list[Block] = field(default_factory=list)  # a quotation just before the labels, whole
    before_decision: Block | None = None  # the paragraph just before, when it held a decision sentence
    awaits_text: bool = False  # a label or sentence announced the text; the next quotation or "That ..." is it
    told: bool = False  # proposed in a sentence of prose, not under labels
    amendment: bool = False  # its own words say it amends the motion before it
    account: bool = False  # read from an account of the mover's speech ("In proposing the Motion, X said")
    voted: bool = False  # an outcome line or sentence, or a division, gave its result

    @property
    def decision(self) -> str:
        return "\n".join(piece for piece in self.text if piece)

    def note(self, block: Block, rule: str) -> None:
        if not self.blocks or self.blocks[-1] is not block:
            self.blocks.append(block)
        self.rules.append(rule)


def person_name(text: str) -> str:
    """"Councillor O’Brien;" -> "O'Brien": a name as printed, without the title and punctuation.

    What a paragraph joined on after the name is cut off: the next item's number ("L. Galvin
    2.Update from ..."), its label ("John Costelloe Item 2: ..."), running words in lower case
    ("Collins (J)requesting RTE ...") - no name has a lower-case word of four letters or more - or
    the next sentence ("Wilson The votes being equal, ...").
    """
    name = fold_quotes(strip_markup(text)).strip(" ;:,.-–")
    name = NAME_TAIL.split(name, maxsplit=1)[0]
    return TITLES.sub("", name).strip(" ;:,.") or name


def _no_one(text: str) -> bool:
    """Whether a roll-call list names no one ("None.", "Nil")."""
    return fold_quotes(strip_markup(text)).strip(" .;:*_").lower() in NO_ONE


def names_in(text: str) -> list[str]:
    """The people named in a roll-call list ("Councillors Collins (J), Galvin and O’Donnell.")."""
    flat = fold_quotes(strip_markup(text)).strip(" .;:")
    flat = BRACKET_COUNT.sub("", flat).strip()
    out = []
    for part in NAME_SPLIT.split(flat):
        name = person_name(part)
        if name and len(name) <= 60 and any(c.isalpha() for c in name) and not name[:1].islower() \
                and name.lower() not in NO_ONE:
            out.append(name)
    return out


def _flat(block: Block) -> str:
    """A paragraph as the rules read it: markup gone, spaces collapsed; a word or three set in
    Markdown italics ("*CARRIED*", "_Carried unanimously_": an outcome) without their marks (a
    motion's text in italics keeps them: they tell it is the motion's words)."""
    text = IMAGE_PLACEHOLDER.sub(" ", strip_markup(block.text)[:MAX_PARAGRAPH * 8]).strip()
    if len(text) > 2 and text[0] in "*_" and text[-1] == text[0] and text[0] not in text[1:-1] \
            and len(text.split()) <= ITALIC_OUTCOME_WORDS:
        text = text[1:-1]
    return re.sub(r"\s+", " ", fold_quotes(text)).strip()[:MAX_PARAGRAPH]


def _quote_balance(text: str) -> int:
    """Open minus closed double quotes (curly quotes count by direction, straight ones by parity)."""
    text = ORDINAL_QUOTE.sub("", text)
    curly = text.count("“") - text.count("”")
    straight = text.count('"') % 2
    return curly + straight


def _table_votes(row: str, conventions: Conventions) -> list[tuple[str, str]]:
    """The (name, side) pairs of a recorded-vote table row: a member a row ("| Councillor A | Yes |"
    -> [("A", "for")]) or a side a row ("| Yeas | Councillor A, Councillor B | 2 |")."""
    cells = [c.strip() for c in row.strip().strip("|").split("|")]
    if len(cells) < 2:
        return []
    side_row = conventions.first("vote_list", f"{strip_markup(cells[0]).strip()}: {strip_markup(cells[1]).strip()}")
    if side_row and side_row[1].groupdict().get("rest"):
        return [(name, side_row[0].option("vote")) for name in names_in(side_row[1].group("rest"))]
    for cell in cells[1:]:
        value = strip_markup(cell).strip().lower()
        for rule in conventions.of("vote_value"):
            if rule.pattern.fullmatch(value):
                name = person_name(cells[0])
                if not name or name.lower() in {"name", "member", "members", "councillor", "vote"}:
                    return []
                return [(name, rule.option("vote"))]
    return []


def find_motions(blocks: list[Block], conventions: Conventions) -> list[Motion]:
    """The motions among one item's paragraphs, in order.

    Label rules (proposer, seconder, resolved, outcome, vote lists) are read paragraph by
    paragraph; a paragraph of prose that no label rule read is split into sentences and read by
    the sentence rules (``proposal``, ``seconding``, ``agreement``). ``settle`` then fills what the
    paper left unprinted, by the documented rules.
    """
    motions: list[Motion] = []
    current: Motion | None = None
    vote_side: str | None = None  # the roll-call list being read
    last_prose: Block | None = None  # the latest paragraph of prose no rule took
    last_decision_block: Block | None = None  # the latest paragraph, when it held a decision sentence

    def close() -> None:
        nonlocal current, vote_side
        if current is not None and not current.text and current.proposer:
            previous = motions[-1] if motions else None
            if previous is not None and previous.told and not previous.seconder \
                    and _same_person(previous.proposer, current.proposer):
                # "X proposed that ... as follows: “...”" / "Proposed by X and seconded by Y.": the
                # labels complete the proposal just told.
                previous.seconder = current.seconder
                previous.rules.extend(current.rules)
                current, vote_side = None, None
                return
            if previous is not None and not previous.proposer and previous.blocks \
                    and previous.blocks[-1] is current.before_decision:
                # "It was agreed that ..." / "Proposed: X" / "Seconded: Y": the labels name who
                # proposed the decision just recorded.
                previous.proposer, previous.seconder = current.proposer, current.seconder
                previous.rules.extend(current.rules)
                current, vote_side = None, None
                return
            _text_from_context(current)
        if current is not None and (current.text or current.outcome and (current.proposer or any(
                current.names.values()))) and not any(m is current for m in motions):
            motions.append(current)
        current, vote_side = None, None

    def start(block: Block) -> Motion:
        nonlocal current
        if current is not None and (current.text or current.outcome or current.resolved
                                    or current.text_done):
            close()
        if current is None:
            quote = list(quoted) if quoted and quoted[-1] is last_prose and not quote_open_before else []
            current = Motion(before=last_prose, before_decision=last_decision_block, before_quote=quote)
        return current

    def add_text(motion: Motion, text: str, block: Block, announced: bool = False) -> None:
        text = text.strip()
        if not any(c.isalnum() for c in text):
            return
        if (not motion.text or announced) and text[:1] in OPEN_QUOTES:
            # A paragraph ending on a closing mark closes the quotation, even when OCR printed
            # the closing mark straight after a curly opening one.
            motion.quote_open = _quote_balance(text) > 0 and not re.search(r"[”\"]\W*$", text)
        elif motion.quote_open:
            motion.quote_open = _quote_balance(text) >= 0 and not re.search(r"[”\"]\W*$", text)
        motion.text.append(text)
        motion.note(block, "text")
        if not motion.quote_open and motion.text and motion.text[0][:1] in OPEN_QUOTES:
            motion.text_done = True

    sequence = _rows_apart(blocks, conventions)
    labelled: Motion | None = None  # a decision told in prose that labels after it named the mover of
    quoted: list[Block] = []  # the paragraphs of the latest quotation no rule took
    quote_open_before = False  # that quotation is not closed yet
    for index, block in enumerate(sequence):
        flat = _flat(block)
        if not flat:
            continue
        if current is not None and current.quote_open:
            add_text(current, block.text.strip(), block)
            continue
        if current is not None and current.awaits_text:
            # "And Resolved:" / "... the following Motion was agreed.": the quotation or "That ..."
            # after it is the decision's text, whatever it mentions.
            current.awaits_text = False
            if flat[:1] in OPEN_QUOTES or re.match(r"^\W{0,3}that\b", flat, re.I):
                add_text(current, block.text.strip(), block, announced=True)
                continue
        if block.kind == "table" or flat.startswith("|"):
            rows = [vote for row in block.text.splitlines() if "|" in row for vote in _table_votes(row, conventions)]
            if rows and current is not None:
                for name, side in rows:
                    current.names[side].append(name)
                for side in current.names:
                    current.votes[side] = len(current.names[side]) if current.names[side] else current.votes[side]
                current.note(block, "vote_value")
                continue
        if found := conventions.first("proposer", flat):
            rule, match = found
            if (current is not None and not current.proposer and current.blocks
                    and current.blocks[-1] is last_decision_block and not _text_follows(sequence, index, conventions)):
                # "It was agreed that ..." / "Proposed: X" / "Seconded: Y" / (a heading, a notice of
                # motion): the labels name who proposed the decision just told.
                current.proposer = person_name(match.group("name") or match.group("mover") or "")
                current.note(block, rule.origin)
                labelled = current
                continue
            motion = start(block)
            if motion.proposer:
                close()
                motion = start(block)
            motion.proposer = person_name(match.group("name") or match.group("mover") or "")
            if match.groupdict().get("seconder"):
                motion.seconder = person_name(match.group("seconder"))
            motion.note(block, rule.origin)
            last_prose = last_decision_block = None
            if rest := match.groupdict().get("rest"):
                _resolution_in(rest, motion, block, conventions, add_text)
            motion.awaits_text = motion.resolved and not motion.text
            continue
        if found := conventions.first("seconder", flat):
            rule, match = found
            if labelled is not None and labelled is current and not current.seconder:
                current.seconder = person_name(match.group("name") or match.group("second") or "")
                current.note(block, rule.origin)
                labelled = None
                continue
            motion = current if current is not None and not current.text and not current.seconder \
                else start(block)
            motion.seconder = person_name(match.group("name") or match.group("second") or "")
            motion.note(block, rule.origin)
            if rest := match.groupdict().get("rest"):
                _resolution_in(rest, motion, block, conventions, add_text)
            motion.awaits_text = motion.resolved and not motion.text
            continue
        if found := conventions.first("resolved", flat):
            rule, match = found
            head = flat[: match.start()] if rule.name != "and-resolved" else ""
            lead = flat[: match.start("text")] if head else ""
            # The motions told before the resolution in the same paragraph ("On the proposal of X,
            # seconded by Y, the following resolution was adopted:", a web page's item row: "... X
            # moved, and Y seconded, an amendment ... CARRIED (5 for, 1 against). RESOLVED: ...");
            # ``_restated`` gives the resolution the mover of the motion it records.
            told = [m for m in _sentence_motions(block, _prose_before(lead), conventions, None)
                    if m.proposer or m.seconder] if lead else []
            if told:
                close()
                motions.extend(told)
            # "RESOLVED 2023/199 (Cr X / Cr Y)": the resolution names its own mover and seconder.
            mover = match.groupdict().get("name") or match.groupdict().get("mover")
            motion = current
            if motion is None or motion.resolved or motion.text_done or (motion.text and not motion.proposer) \
                    or (mover and motion.proposer and not _same_person(motion.proposer, person_name(mover))):
                close()
                motion = start(block)
            if mover:
                motion.proposer = person_name(mover)
                if match.groupdict().get("seconder"):
                    motion.seconder = person_name(match.group("seconder"))
            motion.resolved = True
            motion.note(block, rule.origin)
            _outcome_in(head, motion, conventions)
            add_text(motion, _raw_rest(block.text, match.group("text")), block)
            motion.awaits_text = not motion.text
            continue
        if (found := conventions.first("division", flat)) and _division(found, block, current, motions):
            continue
        if found := conventions.first("vote_list", flat):
            rule, match = found
            side = rule.option("vote")
            if current is not None and current.outcome and (current.votes[side] is not None or current.names[side]):
                # A second roll call after this motion's result is the vote on another motion:
                # the one it amended ("The main motion, as amended, was then put"), the latest
                # motion still without a vote or a result, else a motion of its own.
                amended = next((m for m in reversed(motions) if m.outcome is None
                                and not any(m.names.values()) and all(v is None for v in m.votes.values())), None)
                close()
                current = amended
            if vote_side is None and last_prose is not None \
                    and (named := _motion_voted_on(_flat(last_prose), motions, current)) is not None \
                    and named is not current:
                # "A Vote was taken on the proposal to adopt the Plan which resulted as follows:" /
                # "For: 14": the roll call is the vote on the proposal the lead-in names, not on
                # the latest one ("X proposed to reject the Plan").
                close()
                current = named
            if current is None:
                current = Motion()
            vote_side = side
            current.note(block, rule.origin)
            rest = match.groupdict().get("rest") or ""
            if match.groupdict().get("count"):
                # "No: 1 - Pettibone": the count says how many names the list holds; what a page
                # joined on after them (a footer, the next item) is no vote.
                count = int(match.group("count"))
                listed = names_in(rest)[:count]
                if listed:
                    listed[-1] = COUNTED_LIST_TAIL.split(listed[-1], maxsplit=1)[0] or listed[-1]
                current.names[vote_side].extend(listed)
                current.votes[vote_side] = count
                vote_side = None
                continue
            current.names[vote_side].extend(names_in(rest))
            if _no_one(rest):
                current.votes[vote_side] = 0  # "Noes: None."
                vote_side = None
                continue
            count = BRACKET_COUNT.search(rest)
            if count:
                current.votes[vote_side] = int(count.group(1))
                vote_side = None  # "Nays: X, Y (2)": the list is complete
            continue
        if vote_side and current is not None:
            if found := conventions.first("vote_count", flat):
                current.votes[vote_side] = int(found[1].group("count"))
                current.note(block, found[0].origin)
                vote_side = None
                continue
            if _no_one(flat):  # "Against:" / "None"
                current.votes[vote_side] = 0
                current.note(block, "vote names")
                vote_side = None
                continue
            names = [] if conventions.first("outcome", flat) or OTHER_LABEL.match(flat) \
                else names_in(flat)  # "Motion Passed (4 to 2)", "ABSENT: None"
            if names and len(flat) <= 600 and not re.search(r"\b(?:was|were|is|are|declared)\b", flat):
                current.names[vote_side].extend(names)
                current.note(block, "vote names")
                continue
            vote_side = None
        if current is not None and current.outcome and len(flat) <= SHORT_TITLE and MAIN_MOTION.search(flat) \
                and (main := next((m for m in reversed(motions) if m.outcome is None), None)) is not None:
            # "The substitute motion failed ..." / "The main motion then carried by the following
            # vote:", "ROLL CALL VOTE ON THE MAIN MOTION:": the result and the roll call after it
            # are the main motion's.
            close()
            current = main
            if _outcome_in(flat, current, conventions, block) or flat.rstrip("*_ ").endswith(":"):
                continue  # the result, or the roll call's lead-in: no words of the motion
        if current is not None and _outcome_in(flat, current, conventions, block):
            if current.outcome in ("carried", "lost", "deferred", "withdrawn") and current.text:
                current.text_done = True
            continue
        # Plain prose: the text of an open resolution or of a moved motion ("THAT ..."), else narrative.
        if current is not None and not current.text_done and not _tells_a_decision(flat, conventions):
            if current.resolved and not (current.text and current.text[0][:1] in OPEN_QUOTES):
                add_text(current, block.text.strip(), block)
                continue
            if current.proposer and not current.resolved and not current.before_quote and (
                    current.text or re.match(r"^\W*that\b", flat, re.I) or flat[:1] in OPEN_QUOTES):
                add_text(current, block.text.strip(), block)
                continue
        if current is not None and current.proposer and not current.text and not current.resolved \
                and not current.before_quote and not _tells_a_decision(flat, conventions) \
                and not flat.rstrip("*_ ").endswith(":"):
            # "Correspondence ... to request a deputation." / "Proposed: X" / "Seconded: Y" / "NOTICES
            # OF MOTION": labels followed by prose that is no motion's text moved the paragraph
            # before them, not the next quotation (the next notice's own labels follow it). A
            # lead-in ("And agreed and resolved:") announces the text still to come.
            close()
        found_in_sentences = _sentence_motions(block, flat, conventions, current, last_prose)
        if found_in_sentences:
            if current is not None and found_in_sentences[0] is not current:
                close()
            for motion in found_in_sentences[:-1]:
                if motion is not current:
                    motions.append(motion)
            current = found_in_sentences[-1]
            last_prose, last_decision_block = None, block
            continue
        last_prose, last_decision_block = block, None
        # A quotation printed over several paragraphs before its labels ("“I will move ..." / "...”").
        if flat[:1] in OPEN_QUOTES and not quote_open_before:
            quoted, quote_open_before = [block], _quote_balance(flat) > 0 and not re.search(r"[\"]\W*$", flat)
        elif quote_open_before:
            quoted.append(block)
            quote_open_before = not re.search(r"[\"]\W*$", flat)
        else:
            quoted = []
    close()
    motions = _merge_elections(_restated([m for m in motions if m.text and not _unseconded_account(m)]))
    for motion in motions:
        for side, names in motion.names.items():
            if names and motion.votes[side] is None:
                motion.votes[side] = len(names)
        settle(motion)
        _resolution_outcome(motion, conventions)
    return motions


def _rows_apart(blocks: list[Block], conventions: Conventions) -> list[Block]:
    """A table that is not a recorded vote (a web page's items, one row each) is read row by row."""
    out: list[Block] = []
    for block in blocks:
        rows = block.text.splitlines()
        if block.kind != "table" or len(rows) < 2 or any(_table_votes(r, conventions) for r in rows if "|" in r):
            out.append(block)
            continue
        out.extend(Block(row, block.line_start + n, block.line_start + n, block.page, "table")
                   for n, row in enumerate(rows) if row.strip())
    return out


def settle(motion: Motion) -> None:
    """Fill an outcome the paper left unprinted, by two documented rules, never silently.

    - A resolution recorded as resolved or agreed ("And Resolved:", "it was agreed") is ``agreed``.
    - A motion proposed and seconded with no outcome printed (a notice of motion followed only by
      the executive's reply is the common case) is recorded as ``agreed`` with
      ``outcome_stated = False``: no dissent is recorded, and a reader can filter these out.
    A motion with votes but no outcome word takes the outcome the counts give.
    """
    if motion.outcome:
        return
    counts = motion.votes
    if counts["for"] is not None and counts["against"] is not None:
        motion.outcome = "carried" if counts["for"] > counts["against"] else "lost"
    elif motion.resolved:
        motion.outcome = "agreed"
    elif motion.proposer:
        motion.outcome = "agreed"
        motion.outcome_stated = False


def _resolution_outcome(motion: Motion, conventions: Conventions) -> None:
    """What a carried or agreed resolution did, when its own words say it ("That the report be
    noted", "... be received for information", "That consideration ... be deferred"): the rules of
    kind ``resolution_outcome``, read on the decision's first sentence. A lost or withdrawn motion
    keeps its outcome."""
    if motion.outcome not in (None, "agreed", "carried"):
        return
    first = split_paragraph(re.sub(r"\s+", " ", fold_quotes(strip_markup(motion.decision))).strip()[:MAX_SENTENCE])
    found = conventions.first("resolution_outcome", first[0][:MAX_SENTENCE]) if first else None
    if found:
        motion.outcome = found[0].option("outcome")
        motion.rules.append(found[0].origin)


def _text_from_context(motion: Motion) -> None:
    """A motion proposed and seconded under labels, with no text after them: its text was printed
    just before the labels (a notice of motion), or else the labels' own paragraph is the record."""
    if motion.before_quote:  # the whole quotation the labels follow
        motion.text.append("\n".join(b.text.strip() for b in motion.before_quote))
        motion.blocks[:0] = motion.before_quote
        motion.text_done = True
        return
    before = _flat(motion.before) if motion.before is not None else ""
    # A short title has no closing full stop: "Cotter Coughlan also informed the committee ..." is
    # narrative, not what was proposed.
    if before and (MOTION_TEXT.match(before) or len(before) <= SHORT_TITLE and not before.endswith(".")):
        motion.text.append(motion.before.text.strip())
        motion.blocks.insert(0, motion.before)
    elif motion.blocks:
        motion.text.append(" ".join(IMAGE_PLACEHOLDER.sub(" ", b.text).strip() for b in motion.blocks).strip())
    motion.text_done = True


def _text_follows(sequence: list[Block], index: int, conventions: Conventions) -> bool:
    """Whether the labels at ``index`` are followed by the text they move: a resolution label
    ("And Resolved:") or "THAT ..." in the paragraph after them (the seconder's label skipped)."""
    for block in sequence[index + 1:index + 4]:
        flat = _flat(block)
        if not flat or conventions.first("seconder", flat):
            continue
        return bool(conventions.first("resolved", flat)) or bool(re.match(r"^\W{0,3}that\b", flat, re.I)) \
            and flat[:1] not in OPEN_QUOTES
    return False


def _tells_a_decision(flat: str, conventions: Conventions) -> bool:
    """Whether a paragraph records a decision of its own in a sentence (it is not the text of the
    motion before it)."""
    return any(conventions.first(kind, sentence[:MAX_SENTENCE])
               for sentence in split_paragraph(flat)[:MAX_SENTENCES] for kind in ("proposal", "agreement"))


def _sentence_motions(block: Block, flat: str, conventions: Conventions,
                      current: Motion | None, previous: Block | None = None) -> list[Motion]:
    """Decisions recorded inside the sentences of one paragraph of prose.

    A proposal sentence ("On the proposal of X, seconded by Y, it was agreed ...") always opens a
    decision; an agreement sentence ("It was agreed that ...") opens one unless the paragraph
    already holds one (several agreement sentences about one matter are one decision); a seconding
    sentence ("This was seconded by Y.") completes the latest proposal, in this paragraph or the one
    before; an outcome sentence ("On being put to the vote the amendment was CARRIED (5 for, 1
    against)") gives the latest moved motion its result. Each decision's text runs from its
    sentence to the next decision sentence, or to its result: what is said after the vote is not
    the motion. A proposal rule that marks where the motion's own words start (group ``text``:
    "X moved, and Y seconded, that ...") keeps only those words, and words of an outcome among
    them ("that the item be deferred") are what was moved, not what was decided.
    """
    sentences = split_paragraph(flat)
    if len(sentences) > MAX_SENTENCES:
        sentences = sentences[:MAX_SENTENCES]
    found: list[Motion] = []
    for number, sentence in enumerate(sentences):
        piece = sentence[:MAX_SENTENCE]
        proposal = conventions.first("proposal", piece)
        if proposal:
            rule, match = proposal
            target = found[-1] if found else current
            if _tells_of_the_same_motion(target, rule, match):
                # "In proposing the Motion, X said ..." beside "The Motion was proposed by X and
                # seconded by Y": one motion, told twice.
                if match.groupdict().get("seconder") and not target.seconder:
                    target.seconder = person_name(match.group("seconder"))
                target.text.append(sentence)
                target.note(block, rule.origin)
                if not target.outcome_from_sentence and rule.option("account") != "true":
                    _sentence_outcome(sentence, target)
                if target is current and current not in found:
                    found.append(current)
                continue
            motion = Motion(proposer=person_name(match.group("name")), text_done=True, told=True,
                            account=rule.option("account") == "true")
            if match.groupdict().get("seconder"):
                motion.seconder = person_name(match.group("seconder"))
            motion.note(block, rule.origin)
            if match.groupdict().get("text") is not None:
                # "X moved, and Y seconded, an amendment to ...": the motion's own words.
                motion.text.append(sentence[match.start("text"):])
                motion.amendment = bool(AMENDMENT.match(motion.text[0]))
                _sentence_outcome(sentence[:match.start("text")], motion)
            elif _is_label_line(piece, match):
                # "Resolution No. 12 / Moved by X, Seconded by Y": labels; the text follows.
                motion.text_done = False
            else:
                motion.text.append(sentence)
                if not motion.account:  # a speech's words ("... works carried out") decide nothing
                    _sentence_outcome(sentence, motion)
                motion.awaits_text = number == len(sentences) - 1 and bool(ANNOUNCES_TEXT.search(sentence))
            found.append(motion)
            continue
        seconding = conventions.first("seconding", piece)
        target = found[-1] if found else current
        if seconding:
            rule, match = seconding
            seconder = person_name(match.group("name") or match.group("second") or "")
            if target is not None and target.proposer and not target.seconder:
                target.seconder = seconder
                target.note(block, rule.origin)
                if stated_outcome(sentence) and not target.voted:
                    # "This Motion was seconded by Y and it was agreed to write to the Minister.": the
                    # sentence also says what was decided.
                    _add_decision_sentence(target, sentence)
                    _sentence_outcome(sentence, target)
                if target is current and current not in found:
                    found.append(current)
            else:  # "The Motion was seconded by Y and unanimously agreed": the proposer went unnamed
                motion = Motion(seconder=seconder, text_done=True)
                if number and not found:
                    # "X made a counter motion that ... This motion was seconded by Y.": the sentence
                    # before, which no rule read, says what was seconded.
                    motion.text.append(sentences[number - 1])
                motion.text.append(sentence)
                motion.note(block, rule.origin)
                _sentence_outcome(sentence, motion)
                found.append(motion)
            continue
        if target is not None and (target.proposer or target.seconder) \
                and _outcome_in(piece, target, conventions, block):
            # "On being put to the vote there were 3 votes for and 3 votes against." / "The Chair
            # used his casting vote against the motion, which was declared LOST."
            if target is current and current not in found:
                found.append(current)
            continue
        agreement = conventions.first("agreement", piece)
        if agreement:
            rule, match = agreement
            also = ALSO.match(piece)
            if also and not found and current is not None and current.resolved and not current.proposer:
                current.text.append(sentence)  # "It was also agreed ...": the same matter
                current.note(block, rule.origin)
                found.append(current)
                continue
            if found and found[-1] is not current:
                target = found[-1]
                if not target.outcome_from_sentence:
                    _sentence_outcome(sentence, target, rule.option("outcome"))
                _add_decision_sentence(target, sentence)
                target.note(block, rule.origin)
                continue
            motion = Motion(text_done=True, resolved=True)
            if ANAPHORIC.match(piece):  # "This was agreed.": the matter is the sentence before
                if number:
                    motion.text.append(sentences[number - 1])
                elif previous is not None:
                    motion.text.append(previous.text.strip())
                    motion.note(previous, "matter agreed")
            motion.text.append(sentence)
            motion.note(block, rule.origin)
            _sentence_outcome(sentence, motion, rule.option("outcome"))
            motion.awaits_text = number == len(sentences) - 1 and bool(ANNOUNCES_TEXT.search(sentence))
            found.append(motion)
            continue
        if found and found[-1] is not current and not found[-1].voted:
            found[-1].text.append(sentence)
    return found


def _tells_of_the_same_motion(target: Motion | None, rule, match: re.Match[str]) -> bool:
    """Whether a proposal sentence and the motion just before it are one motion told twice: an
    account of the mover's speech ("In proposing the Motion, Councillor X outlined ...") next to
    the sentence that records the same member moving ("The Motion was proposed by Councillor X and
    seconded by Y."), in either order. Two motions of one member (a motion, then an amendment) are
    never an account."""
    if target is None or not target.told or target.voted or target.amendment:
        return False
    account = rule.option("account") == "true"
    if not (account or target.account) or (account and target.account):
        return False
    return _same_person(target.proposer, person_name(match.group("name")))


def _motion_voted_on(lead_in: str, motions: list[Motion], current: Motion | None) -> Motion | None:
    """The motion a vote's lead-in names ("A Vote was taken on the proposal to adopt the Castletroy
    Local Area Plan"): of the moved motions still without a vote, the one whose words share the
    most terms with what the lead-in says was put; None when the lead-in names no proposal or two
    motions share as many."""
    found = VOTE_ON.search(lead_in[:MAX_SENTENCE])
    if not found:
        return None
    asked = set(terms(found.group("what"), STOPWORDS))
    candidates = [m for m in motions + ([current] if current is not None else [])
                  if m.proposer and not m.voted and not any(m.names.values())]
    scored = sorted(((len(asked & set(terms(m.decision, STOPWORDS))), n) for n, m in enumerate(candidates)),
                    reverse=True)
    if not scored or scored[0][0] == 0 or len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return candidates[scored[0][1]]


def _add_decision_sentence(motion: Motion, sentence: str) -> None:
    """A sentence saying what was decided joins a motion's text; before an account of the mover's
    speech ("In proposing the Motion, X stated ..."), which is background to the decision, so the
    decision's opening words (what an answer quotes) are what was agreed."""
    if motion.account:
        motion.text.insert(0, sentence)
    else:
        motion.text.append(sentence)


def _unseconded_account(motion: Motion) -> bool:
    """An account of a mover's speech that no seconder, vote, agreement or other record of moving followed
    ("In proposing the Motion, X stated ..." / "In responding, the Director ..."): a member spoke
    to a notice of motion, which the minutes do not record as moved; not a decision."""
    return motion.account and not motion.seconder and not motion.voted and not motion.outcome_from_sentence


def _prose_before(lead: str) -> str:
    """The prose of a paragraph before its resolution, without the resolution's own label
    ("... which was declared LOST. RESOLVED:" -> "... which was declared LOST.")."""
    return LABEL_AT_END.sub("", lead[-MAX_SENTENCE * MAX_SENTENCES:])


def _division(found: tuple, block: Block, current: Motion | None, motions: list[Motion]) -> bool:
    """A vote of a motion against an amendment ("On a division, there voted for the motion:
    Councillors A, B and C (3); and for the amendment: Councillors D and E (2)."): the amendment's
    supporters voted for it and against the motion, and the other way round; the side with more
    votes won. Whether there was an amendment, and a motion before it, to give the votes to."""
    rule, match = found
    latest = [m for m in motions if m.proposer or m.seconder] + ([current] if current is not None else [])
    amendment = next((m for m in reversed(latest) if m.amendment and not m.voted), None)
    if amendment is None:
        return False
    before = latest[:next(i for i, m in enumerate(latest) if m is amendment)]
    motion = next((m for m in reversed(before) if not m.amendment and not m.voted), None)
    if motion is None:
        return False
    sides = {"motion": _side(match.group("motion")), "amendment": _side(match.group("amendment"))}
    if None in (sides["motion"][0], sides["amendment"][0]):
        return False
    for one, name, against in ((motion, "motion", "amendment"), (amendment, "amendment", "motion")):
        one.votes["for"], one.names["for"] = sides[name]
        one.votes["against"], one.names["against"] = sides[against]
        one.outcome = "carried" if one.votes["for"] > one.votes["against"] else "lost"
        one.voted = one.text_done = True
        one.note(block, rule.origin)
    return True


def _side(text: str) -> tuple[int | None, list[str]]:
    """(count, names) of one side of a division: "Councillors A, B and C (3)" -> (3, [A, B, C]);
    "5" -> (5, [])."""
    text = text.strip(" .;,")
    if text.isdigit():
        return int(text), []
    names = names_in(text)
    count = BRACKET_COUNT.search(text)
    return (int(count.group(1)) if count else len(names) or None), names


def _is_label_line(sentence: str, match: re.Match[str]) -> bool:
    """Whether a proposal is printed as labels ("Resolution No. 12 Moved by X, Seconded by Y")
    rather than told in a sentence ("It was moved by X and seconded by Y that ...")."""
    before, after = sentence[: match.start()], sentence[match.end():]
    # A label line has at most a number before it ("Resolution No. 12"), never a clause, before or
    # inside the match ("On the proposal of X to adopt the Plan, the proposal was seconded by Y").
    return len(before.split()) <= 4 \
        and not re.search(r"\b(?:was|were|it|is|been|be|had|has|have)\b", sentence[: match.end()], re.I) \
        and not re.search(r"[A-Za-z]{3}", after)


def asks_a_question(sentence: str) -> bool:
    """Whether a sentence asks rather than tells: a member's notice of a question ("I will ask at
    the next meeting how many fines were issued") or a sentence ending in a question mark."""
    return sentence.rstrip(" *_\"”'’)").endswith("?") or NOTICE_OF_QUESTION.search(sentence) is not None


def stated_outcome(sentence: str) -> str | None:
    """The outcome a sentence states in words ("... it was agreed that this be deferred" ->
    "deferred"), or None."""
    return next((outcome for outcome, words in SENTENCE_OUTCOMES if words.search(sentence)), None)


def _sentence_outcome(sentence: str, motion: Motion, default: str | None = None) -> None:
    """The outcome a decision sentence states in words ("... it was agreed that this be deferred")."""
    outcome = stated_outcome(sentence)
    if outcome:
        motion.outcome = outcome
        motion.outcome_from_sentence = True
        motion.resolved = True
        return
    if default:
        motion.outcome = default
        motion.outcome_from_sentence = True


def _restated(motions: list[Motion]) -> list[Motion]:
    """A proposal told in prose and then recorded as a resolution is one motion: the formal
    record is kept, the telling gives it what the record does not print.

    - Recorded under labels by the same proposer and seconder ("Councillor X proposed an amendment
      as follows: ..." / "Proposed by X; Seconded by Y; And Resolved: ..."): the telling is dropped.
    - Resolved with no mover printed ("X moved, and Y seconded, that the item be deferred." /
      "RESOLVED: That consideration ... be deferred ..."): the resolution takes the mover, the
      seconder and any vote of the motion told just before it, past any amendments moved to it
      ("X, seconded by Y, moved that ... Z, seconded by W, moved as an amendment that ... / On a
      division ... / Decision: The Committee agreed, by 5 votes to 2, ..."). A motion that was lost
      or withdrawn is not what the resolution records; a sentence that records its own decision
      ("On the proposal of X, seconded by Y, it was agreed to ...") gives its mover only to a
      resolution in the same paragraph ("... the following resolution was adopted: ..."); a
      resolution that states its own result ("The Mayor declared the Motion carried and
      accordingly the following resolution was adopted") stands as printed.
    """
    out: list[Motion] = []
    for motion in motions:
        previous = out[-1] if out else None
        if (previous is not None and previous.told and not previous.outcome_from_sentence
                and not motion.told and motion.resolved and previous.proposer
                and _next_to(previous, motion)
                and _same_person(previous.proposer, motion.proposer)
                and (previous.seconder is None or _same_person(previous.seconder, motion.seconder))):
            motion.rules = previous.rules + motion.rules
            out[-1] = motion
            continue
        if motion.resolved and not motion.told and not motion.outcome_from_sentence and not motion.voted \
                and not motion.proposer and not motion.seconder \
                and (mover := _mover_before(out, motion)) is not None:
            out.remove(mover)
            _take_mover(motion, mover)
        out.append(motion)
    return out


def _next_to(earlier: Motion, later: Motion) -> bool:
    """Whether two motions were printed one straight after the other (a blank line or two apart)."""
    return bool(earlier.blocks and later.blocks) and \
        later.blocks[0].line_start - earlier.blocks[-1].line_end <= RESTATED_GAP


def _mover_before(found: list[Motion], resolution: Motion) -> Motion | None:
    """The motion told just before a resolution that printed no mover, past any amendments to it."""
    nearest = resolution
    for motion in reversed(found):
        if not _next_to(motion, nearest):
            return None
        if motion.told and motion.amendment:
            nearest = motion
            continue
        if motion.told and motion.proposer and motion.outcome not in ("lost", "withdrawn") and (
                not motion.outcome_from_sentence or any(b is resolution.blocks[0] for b in motion.blocks)):
            return motion
        return None
    return None


def _take_mover(resolution: Motion, mover: Motion) -> None:
    """The resolution keeps its own words; the motion told before it gives its mover, seconder,
    vote and result where the resolution prints none, and its paragraphs for the citation."""
    resolution.proposer, resolution.seconder = mover.proposer, mover.seconder
    for side in resolution.votes:
        if resolution.votes[side] is None and not resolution.names[side]:
            resolution.votes[side], resolution.names[side] = mover.votes[side], list(mover.names[side])
    if resolution.outcome is None and mover.voted:
        resolution.outcome = mover.outcome
    resolution.rules = mover.rules + resolution.rules
    resolution.blocks = mover.blocks + [b for b in resolution.blocks if not any(b is m for m in mover.blocks)]


def _same_person(one: str | None, other: str | None) -> bool:
    """Two printings of one name ("Councillor Galvin", "Galvin"): the same last word."""
    words = lambda name: re.findall(r"[^\W\d_]+", fold_quotes(name or "").lower())  # noqa: E731
    return bool(words(one)) and words(one)[-1:] == words(other)[-1:]


def _office(text: str) -> str:
    """The office a nomination is for: the first words after "be appointed / elected"."""
    found = NOMINATION.search(text)
    return " ".join(re.findall(r"[^\W\d_]+", text[found.end():].lower())[:OFFICE_WORDS]) if found else ""


def _merge_elections(motions: list[Motion]) -> list[Motion]:
    """A contested election is one decision: consecutive nominations for one office without
    outcomes of their own, followed by one vote, are kept as the first nomination with the vote's
    names and counts."""
    out: list[Motion] = []
    for motion in motions:
        previous = out[-1] if out else None
        if (previous is not None and previous.proposer and motion.proposer
                and NOMINATION.search(previous.decision) and NOMINATION.search(motion.decision)
                and _office(previous.decision) == _office(motion.decision)
                and previous.text[0][:1] in OPEN_QUOTES and motion.text[0][:1] in OPEN_QUOTES
                and not previous.outcome and not any(previous.names.values())):
            for side in motion.names:
                previous.names[side].extend(motion.names[side])
                if motion.votes[side] is not None:
                    previous.votes[side] = motion.votes[side]
            previous.outcome = motion.outcome
            previous.rules.extend(motion.rules)
            previous.blocks.extend(b for b in motion.blocks if b not in previous.blocks)
            continue
        out.append(motion)
    return out


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
    add_text(motion, _raw_rest(block.text, found[1].group("text") if found else rest), block)


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
    names = {side: names_in(groups[f"names_{side}"]) if groups.get(f"names_{side}") else []
             for side in ("for", "against", "abstain")}
    for side, listed in names.items():
        if counts[side] is None and listed:
            counts[side] = len(listed)
    if kind == "from-counts":
        kind = "carried" if (counts["for"] or 0) > (counts["against"] or 0) else "lost"
    if kind == "lost" and counts["for"] is not None and counts["against"] is not None \
            and counts["for"] > counts["against"]:
        # A result printed winner first: "the motion was defeated by 10 votes to 3".
        counts["for"], counts["against"] = counts["against"], counts["for"]
    if kind == "noted" and motion.outcome:
        return True
    motion.outcome = kind
    motion.voted = True
    for side, value in counts.items():
        if value is not None:
            motion.votes[side] = value
        if names[side]:
            motion.names[side] = names[side]
    if block is not None:
        motion.note(block, rule.origin)
    else:
        motion.rules.append(rule.origin)
    return True
