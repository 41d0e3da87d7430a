"""Committee names: finding them in a paper's header and mapping renamed committees to one name.

Printed names vary ("EDUCATION AND CHILDREN'S SOCIAL CARE O&S COMMITTEE", "Education and
Children's Social Care Overview &Scrutiny Committee") and committees get renamed; the alias file
(``committee_aliases.toml``) maps every earlier name to the current one.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

from ingest.text import fold_quotes, strip_markup

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
    """Lower-case comparison key: quotes folded, O&S spelled out, punctuation and noise removed."""
    text = fold_quotes(strip_markup(name)).lower()
    text = re.sub(r"\(\s*o\s*&\s*s\s*\)", " ", text)
    text = re.sub(r"\bo\s*&\s*s\b", "overview and scrutiny", text)
    text = re.sub(r"overview\s*&\s*scrutiny", "overview and scrutiny", text)
    text = re.sub(r"[-–—]\s*public meeting", " ", text)
    text = re.sub(r"[^a-z0-9' ]+", " ", text.replace("&", " and "))
    return re.sub(r"\s+", " ", text).strip()


def display_name(printed: str) -> str:
    """A readable form of a printed name: "EDUCATION AND CHILDREN'S ... O&S COMMITTEE" -> title case."""
    key = normalise_name(printed)
    small = {"and", "of", "the", "for", "on", "in"}
    words = [w if w in small and i else w[:1].upper() + w[1:] for i, w in enumerate(key.split())]
    return " ".join(words)


@functools.lru_cache(maxsize=8)
def _alias_table(aliases_file: str) -> dict[str, str]:
    path = Path(aliases_file) if aliases_file else DEFAULT_ALIASES_FILE
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    table: dict[str, str] = {}
    for entry in data.get("committee", []):
        for alias in [entry["name"], *entry.get("aliases", [])]:
            table[normalise_name(alias)] = entry["name"]
    return table


def canonical_committee(printed: str | None, aliases_file: str = "") -> str | None:
    """The current name of the committee printed as ``printed`` (or its tidied display name)."""
    if not printed:
        return None
    table = _alias_table(aliases_file)
    key = normalise_name(printed)
    return table.get(key) or display_name(printed)


def committee_aliases(name: str, aliases_file: str = "") -> list[str]:
    """Every name (current and earlier) of the committee that ``name`` refers to."""
    canonical = canonical_committee(name, aliases_file)
    table = _alias_table(aliases_file)
    names = {alias for alias, target in table.items() if target == canonical}
    return sorted({canonical, *(display_name(a) for a in names)}) if canonical else []


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
