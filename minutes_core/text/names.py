"""People and other proper names as council papers and questions write them.

One definition of what a title ("Cllr", "Dr", "Professor") and a name word are, and the patterns
built from them: who a text names (``person_names``, for "he"/"she" in a follow-up and for "who"
answers), the person a question names (``TITLED_PERSON``), and runs of capitalised words
(``CAPITALISED_RUN`` for the subject a question leans on, ``MULTIWORD_NAME`` for a name an answer
must contain).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# "Cr"/"Crs": the councillor title of Australian and New Zealand councils; "Councilmember",
# "Council Member", "Commissioner", "Supervisor": United States cities' and counties'.
TITLE = r"(?:Cllrs?\.?|Crs?\.?|Councillors?|Council\s?[Mm]embers?|Commissioners?|Supervisors?|Dr\.?|Mr\.?|Mrs\.?|Ms\.?|Miss|Professor|Prof\.?|Sir|Dame)"
NAME_WORD = r"[A-Z][a-zA-Z'’\-]+"
# Words that follow "Name Surname, " in the who-is-who lines of minutes and reports.
ROLE = (r"(?:Chair|Vice|Chief|Director|Cabinet|Independent|Business|Acting|Head|Assistant|Scrutiny|"
        r"Interim|Corporate|Deputy|Senior|Strategic|Principal|Lead|Manager|Officer|Executive|"
        r"Representative|Parent|Governor|AD)")
# A person in running text: a titled name, "Name Surname presented ...", "Name Surname, Role",
# "Name Surname HMI" (inspectors). The first group is the name as the text gives it.
PERSON_PATTERNS = [
    re.compile(rf"\b({TITLE}\s+{NAME_WORD}(?:\s+{NAME_WORD})?)"),
    re.compile(rf"\b({NAME_WORD}\s+{NAME_WORD})(?=\s+(?:presented|said|informed|confirmed|reported|"
               rf"highlighted|acknowledged|emphasised|introduced|explained|advised|stated|noted)\b)"),
    re.compile(rf"\b({NAME_WORD}(?:\s+{NAME_WORD}){{1,2}}),\s+(?:(?:the|its|our)\s+)?(?:{NAME_WORD}\s+){{0,2}}"
               rf"{ROLE}\b"),
    re.compile(rf"\b({NAME_WORD}(?:\s+{NAME_WORD}){{1,2}}),?\s+\(?HMI\b"),
]
# Letters printed after a name, as one comma-separated part of a list: a member's ("M.C.C.", "T.D.",
# "MP", "OBE") or an officer's grade ("S.E.E.", "A.O."). Two to five capitals, dotted or not.
POST_NOMINAL = re.compile(r"(?:[A-Z]\.\s?){1,4}[A-Z]\.?|[A-Z]{2,4}")
# The person a question names with a title, in any case ("did councillor Yip declare ...?"):
# ``name`` without the title.
TITLED_PERSON = re.compile(r"\b(?i:councillor|council\s?member|commissioner|supervisor|cllr\.?|cr\.?|dr|mr|mrs|ms)\s+"
                           r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)")
# The last word of an organisation's name: "Westvale Children's Trust, Chair" names no person.
ORGANISATION = re.compile(
    r"\b(?:Partnership|Trust|Board|Council|Services?|Committee|Team|Group|Forum|Agency|Authority|"
    r"School|College|University|Department|Office|Panel|Network|Foundation|Centre|CCG|NHS)$")
# Capitalised words in a row, not at a sentence start, joined by "of"/"and"/"for"/"the"
# ("Children's Trust"): what a question names.
CAPITALISED_RUN = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-Z][\w'’\-]*(?:\s+(?:(?:of|and|for|the)\s+)?[A-Z][\w'’\-]*)*")
# Two or more capitalised words in a row (not at a sentence start only), or a quoted title.
MULTIWORD_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-zA-Z'’\-]+(?:\s+(?:of\s+|and\s+|&\s+)?[A-Z][a-zA-Z'’\-]+)+"
                            r"|[‘“\"'][A-Z][^‘“”\"]{3,60}[’”\"']")


def people(text: str) -> Iterator[tuple[int, str]]:
    """(start, name) of every match of the person patterns that is not an organisation's name."""
    for pattern in PERSON_PATTERNS:
        for match in pattern.finditer(text):
            name = match.group(match.lastindex or 0)
            if not ORGANISATION.search(name):
                yield match.start(), name


def mentions_person(text: str) -> bool:
    """Whether a text names a person (a titled name, "Name Surname presented", "Name, Role")."""
    return any(True for _ in people(text))


def person_names(text: str) -> list[str]:
    """The people a text names, by the patterns of ``mentions_person``, in order of appearance."""
    found: dict[int, str] = {}
    for start, name in people(text):
        found.setdefault(start, name)
    return [found[start] for start in sorted(found)]


def last_person(text: str) -> str:
    """The last person named in a text (for "he"/"she" in the next question), or ''."""
    found = list(people(text))
    return max(found)[1] if found else ""
