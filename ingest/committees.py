"""Committee names: finding them in a paper's header and mapping renamed committees to one name.

Printed names vary ("EDUCATION AND CHILDREN'S SOCIAL CARE O&S COMMITTEE", "Education and
Children's Social Care Overview &Scrutiny Committee") and committees get renamed; the alias file
(``committee_aliases.toml``) maps every earlier name to the current one.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from minutes_core.text.normalise import fold_quotes, name_key, strip_markup

DEFAULT_ALIASES_FILE = Path(__file__).with_name("committee_aliases.toml")

# "<name> Overview and Scrutiny (O&S) Committee", "<name> O&S Committee", "<name> Committee"
_SCRUTINY = r"(?i:overview\s*(?:and|&)\s*scrutiny|o\s*&\s*s)"
# Name words are capitalised (case-sensitive), so a sentence before the name is not taken in.
# A name starts at the start of a word, so each word is tried once (linear on long lines).
COMMITTEE_NAME = re.compile(
    rf"(?<![A-Za-z'’,\-])(?P<name>(?:(?:[A-Z][A-Za-z'’,\-]*|and|of|&)\s+){{0,10}}?(?:[A-Z][A-Za-z'’,\-]*|&))"
    rf"\s+{_SCRUTINY}\s*(?:\(\s*(?i:o\s*&\s*s)\s*\)\s*)?(?i:committee)"
)
OTHER_BODIES = re.compile(
    r"^\s*(?:[A-Z][A-Z ]+\s)?(?P<body>CITY COUNCIL|COUNTY COUNCIL|CABINET|FULL COUNCIL|"
    r"[A-Z][A-Za-z ]{2,40} COMMITTEE)\b",
)
_LEADING_NOISE = re.compile(r"^(?:.*\bCOUNCIL\s+|(?:report\s+(?:for|to|of)\s*:?)\s+|the\s+)", re.I)


def normalise_name(name: str) -> str:
    """Lower-case comparison key of a printed name (``minutes_core.text.normalise.name_key``)."""
    return name_key(name)


def display_name(printed: str) -> str:
    """A readable form of a printed name: "EDUCATION AND CHILDREN'S ... O&S COMMITTEE" -> title case."""
    key = normalise_name(printed)
    small = {"and", "of", "the", "for", "on", "in"}
    words = [w if w in small and i else w[:1].upper() + w[1:] for i, w in enumerate(key.split())]
    return " ".join(words)


# A body printed after the name of its council ("<X> City Council's Travel and Transportation
# Strategic Policy Committee", "WESTVALE CITY COUNCIL CABINET"): the council's name is a prefix,
# not part of the body's name, when what follows names a body of its own.
COUNCIL_PREFIX = re.compile(r"^.{0,80}?\bcouncil(?:'s|s)?\s+(?=.{0,160}\b(?:committee|cabinet|board|panel|"
                            r"forum|group|commission|executive|assembly)\b)")


@dataclass(frozen=True)
class AliasTable:
    """A council's bodies: normalised alias -> canonical name, and its abbreviations (SPC -> ...)."""

    names: dict[str, str]
    abbreviations: tuple[tuple[re.Pattern[str], str], ...]

    def expand(self, name: str) -> str:
        for pattern, words in self.abbreviations:
            name = pattern.sub(words, name)
        return name


@functools.lru_cache(maxsize=8)
def _aliases(aliases_file: str) -> AliasTable:
    path = Path(aliases_file) if aliases_file else DEFAULT_ALIASES_FILE
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    abbreviations = tuple((re.compile(rf"\b{re.escape(short)}\b"), words)
                          for short, words in data.get("abbreviations", {}).items())
    table = AliasTable({}, abbreviations)
    for entry in data.get("committee", []):
        for alias in [entry["name"], *entry.get("aliases", [])]:
            table.names[normalise_name(table.expand(alias))] = entry["name"]
    return table


def _alias_table(aliases_file: str) -> dict[str, str]:
    return _aliases(aliases_file).names


@functools.lru_cache(maxsize=4096)
def canonical_committee(printed: str | None, aliases_file: str = "") -> str | None:
    """The current name of the committee printed as ``printed`` (or its tidied display name).

    Looked up in the council's alias file after its abbreviations are spelled out; a name printed
    after its council's name is looked up without that prefix, and then as the longest listed
    name it ends with ("... Council Environment Strategic Policy Committee").
    """
    if not printed:
        return None
    table = _aliases(aliases_file)
    expanded = table.expand(fold_quotes(strip_markup(printed)))
    key = normalise_name(expanded)
    if key in table.names:
        return table.names[key]
    prefix = COUNCIL_PREFIX.match(key)
    if prefix:
        key = key[prefix.end():]
        if key in table.names:
            return table.names[key]
    # ... but "<body> of <listed name>" is a body of that body, not the body itself.
    ending = max((alias for alias in table.names if len(alias.split()) >= 3 and key.endswith(" " + alias)
                  and not key[: -len(alias)].rstrip().endswith((" of", " of the"))), key=len, default=None)
    if ending:
        return table.names[ending]
    return display_name(key if prefix else expanded)


def committee_aliases(name: str, aliases_file: str = "") -> list[str]:
    """Every name (current and earlier) of the committee that ``name`` refers to."""
    canonical = canonical_committee(name, aliases_file)
    table = _alias_table(aliases_file)
    names = {alias for alias, target in table.items() if target == canonical}
    return sorted({canonical, *(display_name(a) for a in names)}) if canonical else []


def spell_out_abbreviations(text: str, aliases_file: str = "") -> str:
    """``text`` with the council's abbreviations of body names spelled out ("the Housing SPC" ->
    "the Housing Strategic Policy Committee"), so a question names a body as its list does."""
    return _aliases(aliases_file).expand(text)


def known_committees(aliases_file: str = "") -> dict[str, str]:
    """Normalised alias -> current name, for parsing committee names out of questions."""
    return dict(_alias_table(aliases_file))


def find_committee(text: str) -> str | None:
    """The first committee (or council body) named in a header block, as printed."""
    flat = re.sub(r"\s+", " ", strip_markup(text))
    match = COMMITTEE_NAME.search(flat)
    if match:
        name = _LEADING_NOISE.sub("", match.group("name").strip())
        return f"{name} {match.group(0)[len(match.group('name')):].strip()}".strip()
    for line in text.splitlines():
        body = OTHER_BODIES.match(strip_markup(line).strip())
        if body and line.strip().isupper():
            return body.group("body").strip()
    return None
