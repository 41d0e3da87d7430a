"""People across meetings: who attended, sent apologies or was absent, who proposed, seconded
and voted, read from the records store and joined across the spellings councils print.

Minutes name one councillor as "Cllr Sheahan (J)", "Councillor J. Sheahan", "J. Sheahan, M.C.C."
or just "Sheahan". The rules here reduce every printed form to a key: the surname folded (case,
accents, apostrophes and the space of "O Donoghue" removed) plus the first initial when the text
gives one (from "(J)", "J." or "John"). A bare surname is joined to the one initialled person of
that surname the same body knows, or the whole archive knows; when there are several (three
Sheahans on one council) it stays a person of its own rather than being guessed. What the rules
cannot settle (an OCR misreading such as "Scanian") is settled by the ``people_aliases_file``
setting: a TOML file of ``[[person]]`` tables with ``name`` and ``aliases``.

Absence is inferred, since minutes rarely list it: a councillor who attended or sent apologies
to a body within ``MEMBERSHIP_DAYS`` of one of its meetings, and is in neither list of that
meeting, counts as absent from it (cited with the meeting's attendance passage).
"""

from __future__ import annotations

import logging
import re
import threading
import tomllib
import unicodedata
import weakref
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.conventions import load_conventions
from minutes_core.text.normalise import fold_quotes
from vectorstore.models import Passage

log = logging.getLogger(__name__)

# Letters after a name ("M.C.C.": member of a county council).
# A run of spaces is matched only from its start (or after the comma), so a long run costs one pass.
_POSTNOMINAL = re.compile(r"(?:,\s*+|(?<![\s,])\s*+)\b(?:M\.?\s?C\.?\s?C|T\.?\s?D|M\.?\s?E\.?\s?P|S\.?\s?C)\b\.?",
                          re.I)
_PAREN = re.compile(r"\(([^()]{1,30})\)")
# "O' Brien" (a space after the apostrophe, from PDF text) is "O'Brien"; "C.McMahon" is "C. McMahon".
_APOSTROPHE_GAP = re.compile(r"\b([OD]['’])\s(?=[A-Z])")
_GLUED_INITIAL = re.compile(r"\b([A-Z]\.)(?=[A-Z][a-z])")
# Words that join a surname to the word after it (Irish, Scottish, Dutch, French names).
_SURNAME_PARTICLES = {"o", "ó", "mac", "mc", "de", "di", "du", "le", "la", "van", "von", "ní", "nic",
                      "uí", "ui", "ni", "bin", "al"}
_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")

# A councillor seen at a body within a year of one of its meetings is taken to be its member.
MEMBERSHIP_DAYS = 365
# Initialled mentions of a surname at a body within MEMBERSHIP_DAYS of a meeting needed before they
# settle a bare surname there (one OCR slip, "Councill Keary", must not).
MIN_NEAR = 3
# A bare surname joins the person of one initial when that initial is this share of its mentions.
DOMINANT_SHARE = 0.8
# Absence is inferred only at a meeting whose list of members present was read (this many names
# besides the chair): minutes whose list the reader missed would make every member "absent".
MIN_LISTED = 2

# Attendance roles, as ``ingest.records.AttendanceRecord.role`` writes them, grouped for counting.
PRESENT_ROLES = {"chair", "present", "remote", "also present"}
STATUS_ORDER = {"present": 0, "official": 1, "apologies": 2, "absent": 3}


@dataclass(frozen=True)
class PrintedName:
    """A name as printed, reduced: ``surname`` to show, ``key`` to match, the first initial and
    first name when the text gives them."""

    surname: str
    key: str
    initial: str = ""
    first: str = ""


@lru_cache(maxsize=1)
def _titles() -> frozenset[str]:
    """Words printed before a name that are never the name: member, person and chair titles, from the
    conventions file's ``[[words]]`` lists (a title of several words counts word by word)."""
    conventions = load_conventions()
    words = conventions.words_of("member_title") | conventions.words_of("person_title") \
        | conventions.words_of("chair_title")
    return frozenset(part for title in words for part in title.split())


def _is_title(word: str) -> bool:
    """A title, or titles run together by the PDF's text ("CathaoirleachCllr.")."""
    parts = re.findall(r"[A-Z]?[^A-Z]*", word.rstrip(".")) if not word.isupper() else [word]
    parts = [part for part in parts if part]
    return bool(parts) and all(part.lower().rstrip(".") in _titles() for part in parts)


def fold(text: str) -> str:
    """Lower case, no accents, letters only: 'O’Donoghue' and 'O Donoghue' -> 'odonoghue'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isalpha() and not unicodedata.combining(ch)).lower()


def parse_name(printed: str) -> PrintedName | None:
    """The parts of a printed person's name, or None when it holds no name word.

    >>> parse_name("Cllr Sheahan (J)")
    PrintedName(surname='Sheahan', key='sheahan', initial='j', first='')
    """
    if (not printed or len(printed) > 60 or re.search(r"[\d:;!?]", printed)
            or printed.count("(") != printed.count(")")):
        return None  # a heading or a sentence the attendance reader took for a name
    text = fold_quotes(printed).replace("*", " ")
    text = _POSTNOMINAL.sub(" ", text)
    initial = first = ""
    for inner in _PAREN.findall(text):
        inner = inner.strip().rstrip(".")
        if len(inner) == 1 and inner.isalpha():
            initial = inner.lower()  # "Sheahan (J)"
        elif _WORD.fullmatch(inner) and inner[:1].isupper() and " " not in inner:
            first = inner  # "E. (Eddie) Ryan"
    text = _PAREN.sub(" ", text)
    text = _GLUED_INITIAL.sub(r"\1 ", _APOSTROPHE_GAP.sub(r"\1", text))
    words = [w for w in _WORD.findall(text.replace(",", " "))]
    while words and _is_title(words[0]):
        words.pop(0)
    if any(_is_title(w) for w in words[1:]) and any(not _is_title(w) for w in words[:-1]):
        return None  # "Azad Talukder Cllr. PJ Carey": two people run together, neither certain
    words = [w for w in words if not _is_title(w)]
    if not words or len(words) > 5 or not all(w[:1].isupper() or w.lower() in _SURNAME_PARTICLES for w in words):
        return None
    cut = len(words) - 1
    while cut > 0 and not words[cut - 1].endswith(".") and words[cut - 1].lower() in _SURNAME_PARTICLES:
        cut -= 1
    surname_words, given = words[cut:], words[:cut]
    surname = " ".join(surname_words).strip(".")
    if all(w.lower().rstrip(".") in _SURNAME_PARTICLES for w in surname_words):
        return None  # "Novak Uí": the line ended inside the surname
    key = fold(surname)
    if len(key) < 2 or not surname[:1].isupper():
        return None  # "the Mayor": a role, not a name
    if given:
        lead = given[0].strip(".")
        initial = initial or fold(lead)[:1]
        if len(lead) > 1 and not given[0].endswith(".") and not lead.isupper():
            first = first or lead
    return PrintedName(surname=surname, key=key, initial=initial, first=first)


def person_id(key: str, initial: str) -> str:
    """A person's stable id: surname key and initial ('sheahan-j'), or the surname key alone."""
    return f"{key}-{initial}" if initial else key


@dataclass
class Aliases:
    """Printed forms the rules cannot join, from the ``people_aliases_file`` setting."""

    ids: dict[str, str] = field(default_factory=dict)  # alias person id -> person id
    names: dict[str, str] = field(default_factory=dict)  # person id -> the name to show

    @classmethod
    def load(cls, path: str | Path = "") -> "Aliases":
        """The file's aliases; an unreadable file is logged and ignored (names are then not joined)."""
        aliases = cls()
        if not path:
            return aliases
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            log.warning("people aliases file %s not read (%s); names are matched by rule only", path, exc)
            return aliases
        for entry in data.get("person") or []:
            if not isinstance(entry, dict):
                continue
            main = parse_name(str(entry.get("name") or ""))
            if main is None:
                continue
            target = person_id(main.key, main.initial)
            aliases.names[target] = str(entry["name"])
            for alias in entry.get("aliases") or []:
                parsed = parse_name(str(alias))
                if parsed is not None:
                    aliases.ids[person_id(parsed.key, parsed.initial)] = target
        return aliases


@dataclass
class Appearance:
    """One person at one meeting: status and the row it was read from."""

    status: str  # present | apologies | absent | official
    meeting_date: str | None
    committee: str | None
    row: dict[str, Any]
    inferred: bool = False  # absent by inference (a member not in the meeting's lists)


@dataclass
class Person:
    """Everything the records say of one person."""

    id: str
    names: Counter = field(default_factory=Counter)  # printed forms, how often
    councillor: bool = False
    appearances: list[Appearance] = field(default_factory=list)
    proposed: list[dict[str, Any]] = field(default_factory=list)
    seconded: list[dict[str, Any]] = field(default_factory=list)
    votes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (for|against|abstain, row)
    display: str = ""

    @property
    def name(self) -> str:
        return self.display or max(self.names, key=lambda n: (_completeness(n), self.names[n]))

    def name_as_official(self) -> str:
        """The fullest form the lists print this person's name in as an official ('' when never
        listed as one): an officer may share a surname and initial with a councillor, and is
        not to be named by the councillor's forms."""
        printed = Counter(a.row["name"] for a in self.appearances if a.status == "official" and a.row.get("name"))
        return max(printed, key=lambda n: (_completeness(n), printed[n])) if printed else ""

    def bodies(self) -> list[str]:
        return sorted({a.committee for a in self.appearances if a.committee})

    def attendance_summary(self) -> list[dict[str, Any]]:
        """Counts by body and year: present, apologies, absent (and official, for officers)."""
        counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for appearance in self.appearances:
            year = (appearance.meeting_date or "")[:4] or "unknown"
            counts[(appearance.committee or "unknown body", year)][appearance.status] += 1
        return [{"body": body, "year": year, **{s: c.get(s, 0) for s in STATUS_ORDER}}
                for (body, year), c in sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][0]))]

    def summary(self) -> dict[str, Any]:
        statuses = Counter(a.status for a in self.appearances)
        return {"id": self.id, "name": self.name, "councillor": self.councillor,
                "printed": sorted(self.names), "bodies": self.bodies(),
                "present": statuses["present"], "apologies": statuses["apologies"],
                "absent": statuses["absent"], "official": statuses["official"],
                "proposed": len(self.proposed), "seconded": len(self.seconded), "votes": len(self.votes)}

    def page(self) -> dict[str, Any]:
        """The person's page as plain data (``minutes people NAME --json``); every row carries the
        passage it came from."""
        return {
            **self.summary(),
            "attendance_by_body_year": self.attendance_summary(),
            "meetings": [{"meeting_date": a.meeting_date, "committee": a.committee, "status": a.status,
                          "inferred": a.inferred, "source": a.row.get("source"),
                          "passage": attendance_passage(a.row, self).to_dict()}
                         for a in sorted(self.appearances, key=_appearance_order)],
            "proposed": [_motion(row) for row in self.proposed],
            "seconded": [_motion(row) for row in self.seconded],
            "votes": [{"vote": vote, **_motion(row)} for vote, row in self.votes],
        }


def _completeness(name: str) -> tuple[int, int]:
    parsed = parse_name(name)
    if parsed is None:
        return (0, 0)
    return (2 if parsed.first else 1 if parsed.initial else 0, -len(name))


def _appearance_order(appearance: Appearance) -> tuple[str, str]:
    return (appearance.meeting_date or "", appearance.committee or "")


def _motion(row: dict[str, Any]) -> dict[str, Any]:
    return {"meeting_date": row.get("meeting_date"), "committee": row.get("committee"),
            "item": row.get("item"), "item_title": row.get("item_title"),
            "decision": row.get("decision"), "outcome": row.get("outcome"),
            "proposer": row.get("proposer"), "seconder": row.get("seconder"),
            "source": row.get("source"), "passage": decision_passage(row).to_dict()}


def evidence_lines(text: str, needle: str, before: int = 1) -> str:
    """The lines of ``text`` around the first line naming ``needle`` (a folded surname): the
    short, verbatim piece of a long attendance section that shows one person's presence."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if needle and needle in fold(line):
            start = max(0, number - before)
            return "\n".join(lines[start:number + 1]).strip()
    return text[:400].strip()


def attendance_passage(row: dict[str, Any], person: Person | None = None) -> Passage:
    """The Passage citing an attendance row: the lines of its section in the source that name the
    person, and the two before them (the list's heading, the meeting's date line)."""
    parsed = parse_name(row.get("name") or "")
    needle = person.id.split("-")[0] if person else (parsed.key if parsed else "")
    text = source_lines(row, before=2) or row.get("text") or ""
    return _row_passage(row, evidence_lines(text, needle, before=2), "attendance")


def decision_passage(row: dict[str, Any]) -> Passage:
    """The Passage citing a decision row: its lines in the source with two either side (the
    heading or the vote that frames it), verbatim; the row's own text when the source's lines
    cannot be read."""
    text = source_lines(row, before=2, after=2) or row.get("text") or row.get("decision") or ""
    return _row_passage(row, text, "decisions")


TEXT_SUFFIXES = {".md", ".txt", ".markdown"}


@lru_cache(maxsize=64)
def _file_lines(path: str) -> tuple[str, ...]:
    try:
        return tuple(Path(path).read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return ()


def source_lines(row: dict[str, Any], before: int = 0, after: int = 0) -> str:
    """A record row's lines in its source file, with ``before`` and ``after`` more, for a
    plain-text source (whose line numbers are the file's); '' for other files or a file gone."""
    path, start, end = row.get("path") or "", row.get("line_start"), row.get("line_end")
    if Path(path).suffix.lower() not in TEXT_SUFFIXES or not isinstance(start, int) or not isinstance(end, int):
        return ""
    lines = _file_lines(path)
    return "\n".join(lines[max(0, start - 1 - before):end + after]).strip()


def _row_passage(row: dict[str, Any], text: str, kind: str) -> Passage:
    return Passage(
        id=row.get("passage_id") or f"records:{row.get('source')}:{row.get('line_start')}-{row.get('line_end')}",
        text=text, source=row.get("source") or "", path=row.get("path"),
        committee=row.get("committee"), meeting_date=row.get("meeting_date"),
        doc_type=row.get("doc_type"), title=row.get("title"),
        item=row.get("item") if kind == "decisions" else None, page=row.get("page"),
        item_title=row.get("item_title"), is_decision=kind == "decisions", score=1.0)


def _status(role: str) -> str | None:
    if role in PRESENT_ROLES:
        return "present"
    if role == "apologies":
        return "apologies"
    if role == "absent":
        return "absent"
    if role == "officials":
        return "official"
    return None  # declarations are not attendance


# The people built of each live store, by aliases file: (the store's generation, People).
_BUILT: "weakref.WeakKeyDictionary[Any, dict[str, tuple[Any, People]]]" = weakref.WeakKeyDictionary()
_BUILT_LOCK = threading.Lock()


class People:
    """The people of a records store (``vectorstore.records.RecordsStore``), built once.

    ``people()`` lists them, ``find(name)`` matches a printed or typed name, ``get(id)`` returns
    one ``Person`` whose ``page()`` is the plain-data person page.
    """

    def __init__(self, store, aliases_file: str | Path = ""):
        self.aliases = Aliases.load(aliases_file)
        self._people: dict[str, Person] = {}
        self._build(store.query("attendance"), store.query("decisions"))

    @classmethod
    def of(cls, store, aliases_file: str | Path = "") -> "People":
        """The people of ``store``, built once while its rows stay as they are (its
        ``generation()``): an archive's people take about a second to build from tens of thousands
        of rows, too long for every question about one member. A store without a generation is
        built each time."""
        generation = getattr(store, "generation", None)
        if generation is None:
            return cls(store, aliases_file)
        now, key = generation(), str(aliases_file)
        with _BUILT_LOCK:
            kept = _BUILT.get(store, {}).get(key)
        if kept is not None and kept[0] == now:
            return kept[1]
        people = cls(store, aliases_file)
        with _BUILT_LOCK:
            _BUILT.setdefault(store, {})[key] = (now, people)
        return people

    # -- building ---------------------------------------------------------------------------
    def _build(self, attendance: list[dict[str, Any]], decisions: list[dict[str, Any]]) -> None:
        bodies: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        everywhere: dict[str, Counter] = defaultdict(Counter)
        # (body, surname key) -> [(day, initial)]: who of that surname sat on the body, and when
        dated: dict[tuple[str, str], list[tuple[date, str]]] = defaultdict(list)

        def note(parsed: PrintedName, committee: str | None, when: str | None = None) -> None:
            if parsed.initial:
                bodies[committee or ""][parsed.key][parsed.initial] += 1
                everywhere[parsed.key][parsed.initial] += 1
                if (day := _day(when)) is not None:
                    dated[(committee or "", parsed.key)].append((day, parsed.initial))

        for row in attendance:
            parsed = parse_name(row.get("name") or "")
            # Councillors only: an officer who shares a member's surname ("Mr F. Keary") must not
            # make the members' bare "Keary" ambiguous.
            if parsed is not None and row.get("councillor") and _status(row.get("role") or ""):
                note(parsed, row.get("committee"), row.get("meeting_date"))
        for row in decisions:
            for printed in _decision_names(row):
                parsed = parse_name(printed)
                if parsed is not None:
                    note(parsed, row.get("committee"), row.get("meeting_date"))

        def near(committee: str | None, key: str, when: str | None) -> Counter | None:
            """Initials of the surname on the body within a membership's span of the meeting: a bare
            "Leddin" in 2016 is the Leddin who sat then, whoever held the seat before or after."""
            day = _day(when)
            if day is None:
                return None
            found = Counter(initial for other, initial in dated.get((committee or "", key), ())
                            if abs((day - other).days) <= MEMBERSHIP_DAYS)
            return found if sum(found.values()) >= MIN_NEAR else None

        def resolve(printed: str, committee: str | None, when: str | None = None) -> str | None:
            parsed = parse_name(printed)
            if parsed is None:
                return None
            initial = parsed.initial or _dominant(near(committee, parsed.key, when)) \
                or _dominant(bodies.get(committee or "", {}).get(parsed.key)) \
                or _dominant(everywhere.get(parsed.key))
            pid = person_id(parsed.key, initial)
            pid = self.aliases.ids.get(pid, pid)
            person = self._people.get(pid)
            if person is None:
                person = self._people[pid] = Person(id=pid, display=self.aliases.names.get(pid, ""))
            person.names[" ".join(printed.split())] += 1
            return pid

        seen: dict[tuple[str, str | None, str | None], Appearance] = {}
        # Rows naming a person as a councillor, less those naming them otherwise: an officer a
        # members' list ran into once ("Councillors A, B ... Liz Creamer, Staff Officer") stays one.
        member_rows: Counter = Counter()
        for row in attendance:
            status = _status(row.get("role") or "")
            if status is None:
                continue
            if not row.get("councillor") and not (parse_name(row.get("name") or "") or PrintedName("", "")).initial:
                continue  # others are listed with an initial or first name; a bare word is a stray heading
            pid = resolve(row.get("name") or "", row.get("committee"), row.get("meeting_date"))
            if pid is None:
                continue
            person = self._people[pid]
            member_rows[pid] += 1 if row.get("councillor") else -1
            key = (pid, row.get("committee"), row.get("meeting_date"))
            found = seen.get(key)
            if found is None:
                seen[key] = Appearance(status, row.get("meeting_date"), row.get("committee"), row)
                person.appearances.append(seen[key])
            elif STATUS_ORDER[status] < STATUS_ORDER[found.status]:
                found.status, found.row = status, row
        for row in decisions:
            if row.get("boilerplate"):
                continue
            for role, target in (("proposer", "proposed"), ("seconder", "seconded")):
                if row.get(role):
                    pid = resolve(row[role], row.get("committee"), row.get("meeting_date"))
                    if pid:
                        getattr(self._people[pid], target).append(row)
            for vote in ("for", "against", "abstain"):
                for name in row.get(f"names_{vote}") or []:
                    pid = resolve(name, row.get("committee"), row.get("meeting_date"))
                    if pid:
                        self._people[pid].votes.append((vote, row))
        for pid, balance in member_rows.items():
            self._people[pid].councillor = balance > 0
        self._infer_absences(seen)

    def _infer_absences(self, seen: dict[tuple[str, str | None, str | None], Appearance]) -> None:
        """Mark absent the members of a body in neither list of one of its meetings."""
        meetings: dict[tuple[str | None, str], dict[str, Any]] = {}
        listed: Counter = Counter()  # members read from each meeting's list (not the chair line)
        attended: dict[str | None, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
        for (pid, committee, when), appearance in seen.items():
            day = _day(when)
            if day is None or not self._people[pid].councillor or appearance.status == "official":
                continue
            if not _substitute(appearance.row):
                attended[committee][pid].append(day)  # (a substitute for a member is not one)
            if appearance.status == "present":
                meetings.setdefault((committee, when), appearance.row)
                listed[(committee, when)] += appearance.row.get("role") != "chair"
        for (committee, when), row in meetings.items():
            if listed[(committee, when)] < MIN_LISTED:
                continue  # the members' list was not read: no one can be called absent
            day = _day(when)
            for pid, days in attended[committee].items():
                if (pid, committee, when) in seen:
                    continue
                if any(abs((day - other).days) <= MEMBERSHIP_DAYS for other in days):
                    absence = Appearance("absent", when, committee, {**row, "name": "", "role": "absent"},
                                         inferred=True)
                    self._people[pid].appearances.append(absence)

    # -- queries ----------------------------------------------------------------------------
    def people(self, councillors_only: bool = False) -> list[Person]:
        found = [p for p in self._people.values() if p.appearances or p.proposed or p.seconded or p.votes]
        if councillors_only:
            found = [p for p in found if p.councillor]
        return sorted(found, key=lambda p: (parse_name(p.name).key if parse_name(p.name) else p.id, p.id))

    def get(self, pid: str) -> Person | None:
        return self._people.get(pid)

    def find(self, name: str) -> list[Person]:
        """People a typed or printed name may mean, best first: the exact person for a name with
        an initial or first name, every person of the surname for a bare surname."""
        parsed = parse_name(name)
        if parsed is None:
            return []
        if parsed.initial:
            pid = self.aliases.ids.get(person_id(parsed.key, parsed.initial), person_id(parsed.key, parsed.initial))
            if pid in self._people:
                return [self._people[pid]]
        alias = self.aliases.ids.get(parsed.key)
        if alias in self._people:
            return [self._people[alias]]
        same = [p for p in self.people() if p.id == parsed.key or p.id.startswith(parsed.key + "-")]
        return sorted(same, key=lambda p: -(len(p.appearances) + len(p.proposed) + len(p.seconded)))


def _dominant(initials: Counter | None) -> str:
    """The initial printed with a surname at least ``DOMINANT_SHARE`` of the times it has one
    (an OCR "Fees Keary" among a hundred "S. Keary" does not count), or ''."""
    if not initials:
        return ""
    initial, count = initials.most_common(1)[0]
    return initial if count >= DOMINANT_SHARE * sum(initials.values()) else ""


def _substitute(row: dict[str, Any]) -> bool:
    """Whether a row lists someone attending in a member's place ("substitute for Councillor X")."""
    return (row.get("capacity") or "").lower().startswith(("substitute", "substituting", "deputising"))


def _decision_names(row: dict[str, Any]) -> list[str]:
    """Every person a decision row names: proposer, seconder and the recorded votes."""
    names = [row.get("proposer") or "", row.get("seconder") or ""]
    for vote in ("for", "against", "abstain"):
        names.extend(row.get(f"names_{vote}") or [])
    return [name for name in names if name]


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso) if iso else None
    except ValueError:
        return None
