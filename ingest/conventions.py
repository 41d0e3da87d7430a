"""The conventions of committee papers, as data: named patterns loaded once from TOML.

Councils write the same things in a few common shapes ("MINUTES OF PROCEEDINGS AT MEETING OF X
HELD IN ... ON <date>", "Proposed by ...; Seconded by ...; And Resolved: ...", "Motion Passed
(15 to 0)"). Those shapes live in ``conventions.toml`` beside this module, one named rule each, so
a reader can see what the parser knows, and a council can add its own wording (or another
language) in its own file (setting ``conventions_file``) without code. Every pattern is compiled
and checked when the file is loaded: a pattern that does not compile, uses a group its kind does
not know, or nests unbounded repeats (super-linear on unlucky text) is refused with the file,
line and reason (``ConventionsError``; the CLI exits 2).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

try:  # Python 3.11+: the regex parser, to check a pattern's shape before it is used.
    import re._parser as _sre_parse  # type: ignore[import-not-found]
    import re._constants as _sre_constants  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

DEFAULT_CONVENTIONS_FILE = Path(__file__).with_name("conventions.toml")

# The kinds of rule, with the named groups and extra keys each may use.
KINDS: dict[str, dict[str, set[str]]] = {
    "meeting_heading": {"groups": {"body", "kind", "rest", "date"}, "keys": set()},
    "meeting_notice": {"groups": {"body", "kind", "rest", "date"}, "keys": set()},
    "title_block": {"groups": {"body", "doc", "rest"}, "keys": set()},
    "file_name": {"groups": {"doc", "body", "kind", "rest", "date", "of"}, "keys": set()},
    "sidecar_field": {"groups": {"value"}, "keys": {"field"}},
    "venue": {"groups": {"venue"}, "keys": set()},
    "time": {"groups": {"time"}, "keys": set()},
    "online": {"groups": set(), "keys": set()},
    "attendance": {"groups": {"rest", "rest2"}, "keys": {"role"}},
    "proposer": {"groups": {"name", "seconder", "rest", "mover"}, "keys": set()},
    "seconder": {"groups": {"name", "rest", "second"}, "keys": set()},
    "resolved": {"groups": {"text", "name", "mover", "seconder"}, "keys": set()},
    "proposal": {"groups": {"name", "seconder", "text"}, "keys": {"account"}},
    "seconding": {"groups": {"name", "second"}, "keys": set()},
    "agreement": {"groups": set(), "keys": {"outcome"}},
    "resolution_outcome": {"groups": set(), "keys": {"outcome"}},
    "outcome": {"groups": {"for", "against", "abstain", "word", "names_for", "names_against", "names_abstain"},
                "keys": {"outcome"}},
    "vote_list": {"groups": {"rest", "count"}, "keys": {"vote"}},
    "division": {"groups": {"motion", "amendment"}, "keys": set()},
    "vote_count": {"groups": {"count"}, "keys": set()},
    "vote_value": {"groups": set(), "keys": {"vote"}},
    "attendance_value": {"groups": set(), "keys": {"role"}},
}
# Lists of words (``[[words]]`` tables), what each is for. A council's file adds to the shipped words.
WORD_KINDS: dict[str, str] = {
    "member_title": "a title printed before a council member's name (Councillor, Cllr, Cr, Councilmember)",
    "person_title": "another title printed before a person's name (Mr, Dr, Senator); never a name itself",
    "chair_title": "the title of whoever chairs a meeting (Chair, Chairperson, Mayor, Cathaoirleach)",
    "role_word": "a word of a role or office that is not a person's name (Director, Officer, Engineer)",
}
# Allowed values of a kind's extra key (None: any non-empty string).
KEY_VALUES: dict[str, set[str] | None] = {
    "field": {"meeting_name", "meeting_date"},
    "role": {"chair", "present", "remote", "officials", "also present", "apologies", "absent"},
    "outcome": {"agreed", "carried", "lost", "deferred", "tabled", "withdrawn", "noted", "received", "from-word",
                "from-counts"},
    "vote": {"for", "against", "abstain"},
    "account": {"true", "false"},
}
# Extra keys a rule may leave out, and the value it then has.
KEY_DEFAULTS: dict[str, str] = {"account": "false"}
_MAX_REPEAT = _sre_constants.MAXREPEAT
_REPEATS = {_sre_constants.MAX_REPEAT, _sre_constants.MIN_REPEAT}
_POSSESSIVE = getattr(_sre_constants, "POSSESSIVE_REPEAT", None)
if _POSSESSIVE is not None:
    _REPEATS.add(_POSSESSIVE)


class ConventionsError(ValueError):
    """A conventions file the user must fix: which file, which line, and why."""

    def __init__(self, path: str | Path, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = str(path), line, reason
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"Invalid conventions file {where}: {reason}")


@dataclass(frozen=True)
class Convention:
    """One named rule: what kind of thing it finds, its compiled pattern, and where it was written."""

    kind: str
    name: str
    pattern: re.Pattern[str]
    help: str = ""
    file: str = ""
    line: int = 0
    options: tuple[tuple[str, str], ...] = ()

    def option(self, key: str, default: str = "") -> str:
        return dict(self.options).get(key, default)

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text)

    @property
    def origin(self) -> str:
        """"<name> (<file>:<line>)": how ``--explain`` names the rule behind a finding."""
        return f"{self.name} ({Path(self.file).name}:{self.line})"


@dataclass(frozen=True)
class Body:
    """A body's canonical name and the other names it was printed under (renames, short forms)."""

    name: str
    aliases: tuple[str, ...] = ()


@dataclass
class Conventions:
    """All rules by kind, in the order they are tried, and the configured bodies."""

    rules: dict[str, list[Convention]] = field(default_factory=dict)
    bodies: list[Body] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    words: dict[str, frozenset[str]] = field(default_factory=dict)

    def words_of(self, kind: str) -> frozenset[str]:
        """The words of one ``WORD_KINDS`` list, lower case (empty when none are configured)."""
        return self.words.get(kind, frozenset())

    def of(self, kind: str) -> list[Convention]:
        return self.rules.get(kind, [])

    def first(self, kind: str, text: str) -> tuple[Convention, re.Match[str]] | None:
        """The first rule of ``kind`` that matches ``text`` (bounded by the caller), and its match."""
        for rule in self.of(kind):
            match = rule.search(text)
            if match:
                return rule, match
        return None


def nested_unbounded_repeat(pattern: str) -> bool:
    """Whether ``pattern`` repeats, without bound, something that itself repeats without bound.

    ``(a+)+`` and ``(\\w+\\s*)*`` can take exponential time when a match fails; bounded outer
    repeats (``(?:\\w+\\s+){0,3}``) cannot, and are allowed.
    """
    def walk(items, inside_unbounded: bool) -> bool:
        for op, value in items:
            if op in _REPEATS:
                low, high, sub = value
                unbounded = high == _MAX_REPEAT
                if unbounded and inside_unbounded:
                    return True
                if walk(sub, inside_unbounded or unbounded):
                    return True
            elif op == _sre_constants.SUBPATTERN:
                if walk(value[-1], inside_unbounded):
                    return True
            elif op == _sre_constants.BRANCH:
                if any(walk(branch, inside_unbounded) for branch in value[1]):
                    return True
            elif op in (_sre_constants.ASSERT, _sre_constants.ASSERT_NOT):
                if walk(value[1], inside_unbounded):
                    return True
        return False

    return walk(_sre_parse.parse(pattern), False)


def _line_of(raw: str, name: str, key: str = "name") -> int | None:
    """The line of ``name = "<name>"`` in the file's text (TOML parsers do not keep line numbers)."""
    needle = re.compile(rf"^\s*{key}\s*=\s*['\"]{re.escape(name)}['\"]", re.M)
    match = needle.search(raw)
    return raw.count("\n", 0, match.start()) + 1 if match else None


def _read(path: Path) -> tuple[dict, str]:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConventionsError(path, None, f"cannot be read ({error})") from None
    try:
        return tomllib.loads(raw), raw
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        if line is None and (found := re.search(r"line (\d+)", str(error))):
            line = int(found.group(1))
        raise ConventionsError(path, line, f"not valid TOML ({error})") from None


def _parse_rules(path: Path, data: dict, raw: str) -> list[Convention]:
    rules: list[Convention] = []
    entries = data.get("convention", [])
    if not isinstance(entries, list):
        raise ConventionsError(path, None, "[[convention]] must be an array of tables")
    for number, entry in enumerate(entries, start=1):
        name = entry.get("name") if isinstance(entry, dict) else None
        line = _line_of(raw, name) if isinstance(name, str) else None

        def bad(reason: str) -> ConventionsError:
            label = f"rule '{name}'" if isinstance(name, str) else f"rule #{number}"
            return ConventionsError(path, line, f"{label}: {reason}")

        if not isinstance(name, str) or not name.strip():
            raise bad("every [[convention]] needs a name")
        kind = entry.get("kind")
        if kind not in KINDS:
            raise bad(f"unknown kind {kind!r} (known kinds: {', '.join(sorted(KINDS))})")
        pattern = entry.get("pattern")
        if not isinstance(pattern, str) or not pattern:
            raise bad("needs a pattern (a regular expression)")
        unknown = set(entry) - {"kind", "name", "pattern", "help"} - KINDS[kind]["keys"]
        if unknown:
            raise bad(f"unknown key(s) {', '.join(sorted(unknown))} for kind {kind}")
        for key in KINDS[kind]["keys"]:
            value = entry.get(key, KEY_DEFAULTS.get(key))
            allowed = KEY_VALUES.get(key)
            if not isinstance(value, str) or (allowed is not None and value not in allowed):
                choices = f" (one of: {', '.join(sorted(allowed))})" if allowed else ""
                raise bad(f"needs '{key}'{choices}")
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
        except re.error as error:
            raise bad(f"pattern does not compile: {error}") from None
        extra_groups = set(compiled.groupindex) - KINDS[kind]["groups"]
        if extra_groups:
            raise bad(f"group(s) {', '.join(sorted(extra_groups))} mean nothing for kind {kind} "
                      f"(known: {', '.join(sorted(KINDS[kind]['groups'])) or 'none'})")
        if nested_unbounded_repeat(pattern):
            raise bad("pattern nests unbounded repeats (like (a+)+), which can take exponential "
                      "time; bound the outer repeat ({0,3}) or drop the inner one")
        options = tuple(sorted((key, entry.get(key, KEY_DEFAULTS.get(key))) for key in KINDS[kind]["keys"]))
        rules.append(Convention(kind, name, compiled, entry.get("help", ""), str(path), line or 0,
                                options))
    return rules


def _parse_bodies(path: Path, data: dict, raw: str) -> list[Body]:
    bodies = []
    for entry in data.get("body", []) + data.get("committee", []):
        name = entry.get("name") if isinstance(entry, dict) else None
        aliases = entry.get("aliases", []) if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name.strip() or not isinstance(aliases, list) \
                or not all(isinstance(a, str) for a in aliases):
            line = _line_of(raw, name) if isinstance(name, str) else None
            raise ConventionsError(path, line, "a [[body]] needs a name and a list of alias strings")
        bodies.append(Body(name.strip(), tuple(a.strip() for a in aliases if a.strip())))
    return bodies


def _parse_words(path: Path, data: dict, raw: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    entries = data.get("words", [])
    if not isinstance(entries, list):
        raise ConventionsError(path, None, "[[words]] must be an array of tables")
    for entry in entries:
        kind = entry.get("kind") if isinstance(entry, dict) else None
        words = entry.get("words") if isinstance(entry, dict) else None
        line = _line_of(raw, kind, key="kind") if isinstance(kind, str) else None
        if kind not in WORD_KINDS:
            raise ConventionsError(path, line, f"[[words]] kind {kind!r} is unknown (known kinds: "
                                               f"{', '.join(sorted(WORD_KINDS))})")
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise ConventionsError(path, line, f"[[words]] {kind} needs a non-empty list of words")
        found.setdefault(kind, set()).update(" ".join(w.lower().split()) for w in words)
    return found


@functools.lru_cache(maxsize=8)
def load_conventions(extra_file: str = "") -> Conventions:
    """The shipped conventions, with a council's own file (if any) applied on top.

    A rule in the council's file with the name of a shipped rule replaces it in place; a new rule
    is tried before the shipped rules of its kind, so local wording wins.
    """
    paths = [DEFAULT_CONVENTIONS_FILE] + ([Path(extra_file)] if extra_file else [])
    conventions = Conventions()
    for index, path in enumerate(paths):
        data, raw = _read(path)
        local = index > 0
        for rule in _parse_rules(path, data, raw):
            kind_rules = conventions.rules.setdefault(rule.kind, [])
            position = next((i for i, r in enumerate(kind_rules) if r.name == rule.name), None)
            if position is not None:
                kind_rules[position] = rule
            elif local:
                kind_rules.insert(sum(1 for r in kind_rules if r.file == str(path)), rule)
            else:
                kind_rules.append(rule)
        conventions.bodies.extend(_parse_bodies(path, data, raw))
        for kind, words in _parse_words(path, data, raw).items():
            conventions.words[kind] = conventions.words.get(kind, frozenset()) | frozenset(words)
        conventions.files.append(str(path))
    return conventions
