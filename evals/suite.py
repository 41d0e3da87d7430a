"""Evaluation suites: known questions with gold answers and the evidence that supports them.

A suite is a JSONL file, one item a line, in the format of the public contract ("Evaluation suite
format"). ``load_suite`` refuses a malformed file with an error that names the file, the line and
what is wrong, because a silently skipped or half-read gold item corrupts every metric computed from
it. ``validate_against_corpus`` then checks the labels against the documents themselves: that each
evidence quote really is in its source file, that each ``must_include`` string is in the gold answer
and the evidence, and that no other corpus file holds the same evidence without saying so.

``normalise`` is the one text normalisation used for matching answers and passages against gold
strings; the metrics import it from here so that a suite is judged the way it was validated.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest.loaders import load_file
from minutes_core.settings import Settings
from minutes_core.text.normalise import collapse_spaces, fold_quote_marks, match_form

log = logging.getLogger(__name__)

NOT_IN_CORPUS = "NOT_IN_CORPUS"
"""The gold answer of a question the corpus cannot answer (the assistant should abstain)."""

ITEM_TYPES = (
    "fact",
    "resolution",
    "attendance",
    "date",
    "number",
    "person-role",
    "cross-document",
    "unanswerable",
    "follow-up",
    "list",
)
"""The question types of the contract's suite format, in its order."""

ROLES = ("user", "assistant")

_REQUIRED = ("id", "question", "answer", "must_include", "source_file", "evidence", "type")
_OPTIONAL = ("evidence2", "also_in", "history", "near_miss", "also_answered_by")



class SuiteError(ValueError):
    """A suite file that cannot be used; the message names the file, the line and the problem."""


@dataclass
class SuiteItem:
    """One evaluation question with its gold answer and supporting evidence.

    ``source_file`` holds one file name, or several joined by ";" (cross-document items);
    ``evidence2`` is the second quote of an item that needs two; ``also_in`` lists other files
    holding the same evidence (exact duplicates of a document); ``history`` holds the earlier turns
    of a conversation as ``{"role", "content"}`` dicts, for follow-up questions; ``near_miss``, on
    an unanswerable item, says what the records do hold near the question (for the report, and for
    judging whether an abstention named it). ``also_answered_by`` lists other passages that answer
    the question as well as ``evidence`` does, each ``{"source_file", "evidence"}`` with a verbatim
    quote holding every ``must_include`` string: a suite written on part of an archive names its one
    passage, and the whole archive may state the same answer at other meetings (the SPC's own
    minutes name the chair that a full-Council minute names). Retrieving any of them finds the
    ``evidence``; ``evidence2`` has no alternatives.
    """

    id: str
    question: str
    answer: str
    must_include: list[str]
    source_file: str
    evidence: str
    type: str
    evidence2: str | None = None
    also_in: list[str] = field(default_factory=list)
    history: list[dict[str, str]] = field(default_factory=list)
    near_miss: str | None = None
    also_answered_by: list[dict[str, str]] = field(default_factory=list)

    @property
    def source_files(self) -> list[str]:
        return [name.strip() for name in self.source_file.split(";") if name.strip()]

    @property
    def answerable(self) -> bool:
        return self.answer != NOT_IN_CORPUS

    @property
    def evidence_quotes(self) -> list[str]:
        """The non-empty evidence quotes of the item: ``evidence`` and, if set, ``evidence2``."""
        return [quote for quote in (self.evidence, self.evidence2) if quote]

    @property
    def evidence_options(self) -> list[list[str]]:
        """Per evidence quote, the quotes that count as finding it: the quote itself and, for
        ``evidence``, the alternatives of ``also_answered_by``."""
        alternatives = [entry["evidence"] for entry in self.also_answered_by]
        return [[quote, *alternatives] if position == 0 else [quote]
                for position, quote in enumerate(self.evidence_quotes)]


def normalise(text: str) -> str:
    """Text reduced to what matching should compare, so that typography never decides a match.

    Lower-cases; turns curly quotes into straight ones and the dashes – — ‐ ‑ into "-";
    strips ``**`` bold markup; drops thousands separators between digits ("1,929" -> "1929");
    collapses every run of whitespace (line breaks included) into one space and trims the ends.
    It deliberately does no stemming, accent folding or punctuation removal: a gold string still
    has to appear, word for word, in the text it is matched against.
    """
    return match_form(text, thousands=True)


def load_suite(path: str | Path) -> list[SuiteItem]:
    """Read and check a suite file; raise ``SuiteError`` at the first malformed line.

    Blank lines are allowed. Each other line must be a JSON object with the contract's fields
    (no unknown ones, so a misspelt optional field cannot vanish silently) of the right types,
    a known ``type`` and an ``id`` not used before.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise SuiteError(f"{path}: cannot read the suite file ({error})") from error
    items: list[SuiteItem] = []
    first_line_of: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = _parse_item(line)
        except ValueError as error:
            raise SuiteError(f"{path}:{number}: {error}") from None
        if item.id in first_line_of:
            raise SuiteError(f"{path}:{number}: duplicate id {item.id!r} (first used on line {first_line_of[item.id]})")
        first_line_of[item.id] = number
        items.append(item)
    if not items:
        raise SuiteError(f"{path}: the suite holds no items")
    log.info("loaded %d suite items from %s", len(items), path)
    return items


def _parse_item(line: str) -> SuiteItem:
    """One suite line as a ``SuiteItem``; ``ValueError`` says what is wrong with it."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    missing = [name for name in _REQUIRED if name not in data]
    if missing:
        raise ValueError(f"missing required field {missing[0]!r}")
    unknown = sorted(set(data) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r} (known: {', '.join(_REQUIRED + _OPTIONAL)})")
    for name in ("id", "question", "answer", "type"):
        _expect_text(data, name, allow_empty=False)
    for name in ("source_file", "evidence"):
        _expect_text(data, name, allow_empty=True)
    for name in ("evidence2", "near_miss"):
        if data.get(name) is not None:
            _expect_text(data, name, allow_empty=True)
    _expect_strings(data, "must_include")
    _expect_strings(data, "also_in", optional=True)
    _expect_alternatives(data)
    history = data.get("history", [])
    if not isinstance(history, list):
        raise ValueError(f"field 'history' must be a list of turns, got {type(history).__name__}")
    for position, turn in enumerate(history, start=1):
        if not isinstance(turn, dict) or set(turn) != {"role", "content"}:
            raise ValueError(f"history turn {position} must be an object with exactly 'role' and 'content'")
        if turn["role"] not in ROLES:
            raise ValueError(f"history turn {position} has role {turn['role']!r}; roles are 'user' and 'assistant'")
        if not isinstance(turn["content"], str) or not turn["content"].strip():
            raise ValueError(f"history turn {position} has no text in 'content'")
    item = SuiteItem(**{name: data[name] for name in _REQUIRED + _OPTIONAL if name in data})
    _check_consistency(item)
    return item


def _expect_text(data: dict, name: str, allow_empty: bool) -> None:
    value = data[name]
    if not isinstance(value, str):
        raise ValueError(f"field {name!r} must be a string, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise ValueError(f"field {name!r} is empty")


def _expect_strings(data: dict, name: str, optional: bool = False) -> None:
    if optional and name not in data:
        return
    value = data[name]
    if not isinstance(value, list) or not all(isinstance(entry, str) and entry.strip() for entry in value):
        raise ValueError(f"field {name!r} must be a list of non-empty strings")


def _expect_alternatives(data: dict) -> None:
    """``also_answered_by``, when present: a list of ``{"source_file", "evidence"}`` with text in both."""
    value = data.get("also_answered_by", [])
    if not isinstance(value, list) or not all(
            isinstance(entry, dict) and set(entry) == {"source_file", "evidence"}
            and all(isinstance(entry[key], str) and entry[key].strip() for key in entry)
            for entry in value):
        raise ValueError("field 'also_answered_by' must be a list of objects with exactly 'source_file' "
                         "and 'evidence', both non-empty strings")


def _check_consistency(item: SuiteItem) -> None:
    """Rules that tie fields together; a broken one means the item cannot be scored."""
    if item.type not in ITEM_TYPES:
        raise ValueError(f"unknown type {item.type!r} (types: {', '.join(ITEM_TYPES)})")
    if item.type == "unanswerable" and item.answerable:
        raise ValueError(f"an item of type 'unanswerable' must have the answer {NOT_IN_CORPUS!r}")
    if not item.answerable:
        if item.must_include or item.evidence or item.evidence2 or item.also_answered_by:
            raise ValueError(f"a {NOT_IN_CORPUS!r} item must have empty 'must_include', 'evidence', "
                             "'evidence2' and 'also_answered_by'")
        return
    if not item.evidence.strip():
        raise ValueError("an answerable item needs an 'evidence' quote")
    if not item.source_files:
        raise ValueError("an answerable item needs a 'source_file'")
    if item.type == "cross-document" and (len(item.source_files) < 2 or not item.evidence2):
        raise ValueError("a 'cross-document' item needs two source files (joined by ';') and an 'evidence2' quote")
    if item.type == "follow-up" and not item.history:
        raise ValueError("a 'follow-up' item needs the earlier turns in 'history'")


def validate_alternatives(items: list[SuiteItem], corpus_dir: str | Path) -> list[str]:
    """Problems with the items' ``also_answered_by`` alternatives, every one of whose files must be
    in ``corpus_dir`` (the whole archive the alternatives were found in)."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        return [f"corpus folder {corpus_dir} does not exist"]

    @lru_cache(maxsize=None)
    def text_of(name: str) -> str | None:
        file = corpus_dir / name
        return _verbatim(document_text(file)) if file.is_file() else None
    return [problem for item in items for problem in _alternative_problems(item, text_of, True, corpus_dir)]


def _alternative_problems(item: SuiteItem, text_of, required: bool, corpus_dir: Path) -> list[str]:
    """What is wrong with the item's ``also_answered_by`` alternatives whose files are at hand."""
    problems = []
    for entry in item.also_answered_by:
        name, quote = entry["source_file"], entry["evidence"]
        text = text_of(name)
        if text is None:
            if required:
                problems.append(f"{item.id}: alternative file {name!r} does not exist in {corpus_dir}")
            continue
        if _verbatim(quote) not in text:
            problems.append(f"{item.id}: alternative is not a verbatim quote of {name}: {quote!r}")
        problems.extend(f"{item.id}: must_include {key!r} is not in the alternative from {name}"
                        for key in item.must_include if normalise(key) not in normalise(quote))
    return problems


def _verbatim(text: str) -> str:
    """Text for the verbatim test: curly quotes straightened and whitespace collapsed, nothing else.

    Evidence must be a real quote, so unlike ``normalise`` this keeps case, dashes, markup and
    thousands separators; it forgives only the line wrapping and quote style of PDF extraction.
    """
    return collapse_spaces(fold_quote_marks(text))


def document_text(path: Path) -> str:
    """The text a reader sees in a corpus file: plain text as it is; PDF, DOCX and HTML through the
    product's loaders, so a quote is checked against what is extracted, not against markup."""
    if path.suffix.lower() in (".txt", ".md", ".text", ".markdown"):
        return path.read_text(encoding="utf-8", errors="replace")
    return load_file(path, Settings.load()).text


def validate_against_corpus(items: list[SuiteItem], corpus_dir: str | Path) -> list[str]:
    """Problems with the suite's labels, judged against the documents in ``corpus_dir``.

    Checks, for each answerable item: every named file (``source_file`` and ``also_in``) exists;
    each evidence quote occurs verbatim (after ``_verbatim``) in one of the named files; each
    ``must_include`` string occurs (after ``normalise``) in the gold answer and in the evidence;
    and no other file of ``corpus_dir`` holds an evidence quote without being named by the item
    (a duplicate document, which the label should list in ``also_in``). Each ``also_answered_by``
    alternative whose file is in ``corpus_dir`` must quote it verbatim and hold every
    ``must_include`` string; one whose file is not there is left unchecked, because a suite written
    on part of an archive may name passages of the whole (``validate_alternatives`` checks them all
    against the whole archive). Files are read as a reader sees them (``document_text``). An empty
    list means the suite is consistent with the corpus.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        return [f"corpus folder {corpus_dir} does not exist"]
    texts: dict[str, str | None] = {}

    def text_of(name: str) -> str | None:
        """The file's verbatim-comparison text, read once; None if the file does not exist."""
        if name not in texts:
            file = corpus_dir / name
            texts[name] = _verbatim(document_text(file)) if file.is_file() else None
        return texts[name]

    named_anywhere = {name for item in items for name in item.source_files + item.also_in}
    named_anywhere |= {entry["source_file"] for item in items for entry in item.also_answered_by
                       if text_of(entry["source_file"]) is not None}
    in_folder = {path.relative_to(corpus_dir).as_posix() for path in corpus_dir.rglob("*")
                 if path.is_file() and not path.name.startswith(".")}
    corpus_files = sorted(named_anywhere | in_folder)
    problems: list[str] = []
    for item in items:
        if not item.answerable:
            continue
        named = item.source_files + [name for name in item.also_in if name not in item.source_files]
        for name in named:
            if text_of(name) is None:
                problems.append(f"{item.id}: source file {name!r} does not exist in {corpus_dir}")
        problems.extend(_alternative_problems(item, text_of, False, corpus_dir))
        named += [entry["source_file"] for entry in item.also_answered_by]
        for label, quote in (("evidence", item.evidence), ("evidence2", item.evidence2)):
            if not quote:
                continue
            wanted = _verbatim(quote)
            holders = [name for name in corpus_files if wanted in (text_of(name) or "")]
            if not set(holders) & set(named):
                problems.append(f"{item.id}: {label} is not a verbatim quote of {', '.join(named)}: {quote!r}")
            problems.extend(
                f"{item.id}: {label} also appears in {name!r}; list it in 'also_in'"
                for name in holders
                if name not in named
            )
        answer = normalise(item.answer)
        evidence = normalise(" ".join(item.evidence_quotes))
        for key in item.must_include:
            if normalise(key) not in answer:
                problems.append(f"{item.id}: must_include {key!r} is not in the gold answer")
            if normalise(key) not in evidence:
                problems.append(f"{item.id}: must_include {key!r} is not in the evidence")
    return problems
