"""Does a piece of evidence meet the question's constraints? If not, say what the records hold.

An answer must meet what the question names (``assistant.question``): the period ("in November
2020") and the body ("the Planning Committee") (``unmet_constraint``), and the year and the
figure asked ("for 2024/25", "how many voted") and the post whose holder is asked ("who is the
Director of Finance") (``answer_unmet``); the kind of thing asked for is otherwise a feature of
the sentence model. The nearest sentence on the topic often fails one of them: a figure for
another month, a decision of another body. A person named in the question is not checked: on the
development suites the person was as often the source ("according to Councillor Booth") as the
subject, and the check abstained on 8 right answers and no unanswerable question. Quoting it as the answer is the confident wrong answer the
issue describes; instead the backend says what the records give and shows the closest passages:
"The records give the average caseload for October 2020, not for November 2020."

The checks are deliberately one-sided: evidence that says nothing about a constraint is not
held against it, since a minute rarely repeats the period or the body it is the minute of.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Mapping

from assistant.filters import PAPER_LEAD_DAYS, dates_paper, find_dates
from assistant.question import (_BE, _NUMBER_WORDS, _REFERENCE_WORDS, DATE, NUMBER, PERSON, Period, Question,
                                tokens, word_spans)
from minutes_core.text.dates import MONTHS, human_date
from minutes_core.text.normalise import name_key
from minutes_core.text.stems import stem_set, terms
from minutes_core.text.stopwords import STOPWORDS
from vectorstore.models import Passage

@dataclass
class Unmet:
    """A constraint the evidence misses: which one, what the records give, what was asked."""

    kind: str  # "period", "body", "year", "day", "figure", "post" or "forecast"
    found: str
    asked: str

    def message(self, question: Question) -> str:
        what = " ".join(question.focus) if question.focus else "this"
        what = what if what == "this" else f"the {what}"
        if self.kind == "period":
            return f"The records give {what} {self.found}, not {self.asked}."
        if self.kind in ("year", "day"):
            return f"The closest records are {self.found}, not {self.asked}."
        if self.kind == "figure":
            return "The closest records do not give the figure asked for."
        if self.kind == "post":
            return f"The closest records do not say {self.asked}."
        if self.kind == "forecast":
            return "The closest records give a forecast or an expectation, not what was done."
        if self.kind == "body":
            return (f"The closest records are of the {self.found}, not of the {self.asked}; "
                    "they may not answer the question as asked.")
        raise ValueError(f"unknown constraint kind {self.kind!r}")


def unmet_constraint(question: Question, passage: Passage, sentence: str,
                     aliases: Mapping[str, str] | None = None) -> Unmet | None:
    """The first constraint of ``question`` that ``sentence`` (from ``passage``) misses, or None."""
    return _period(question, passage, sentence) or _body(question, passage, sentence, aliases)


def _period(question: Question, passage: Passage, sentence: str) -> Unmet | None:
    """A figure of an earlier period given for the month or year asked ("the caseload in
    October 2020" for "in November 2020").

    Only a sentence that dates itself is judged, and only when all its dates end before the
    period starts: a later date is usually the plan or the deadline of the thing asked ("the fee
    from September 2022" for "the fee in 2023"), and a sentence without a date is read as the
    meeting's (development suites: judging by the meeting's date abstained on as many right
    answers, papers recalling earlier years, as on unanswerable questions). A single day names a
    meeting or an event, which filters and the no-meeting answer handle; a "when" question asks
    for a date, so its sentence's date is the answer, not a miss.
    """
    if question.answer_type == DATE:
        return None
    periods = [p for p in question.periods if p.first != p.last]
    said = find_dates(sentence)
    if not periods or not said:
        return None
    if any(d.first <= p.last and p.first <= d.last for d in said for p in periods):
        return None
    if all(d.last < p.first for d in said for p in periods):
        return Unmet("period", f"for {said[-1].text}", f"for {periods[0].text}")
    return None


# The word by which a question names its council as a whole ("did the Council propose").
COUNCIL_WORD = "council"


def _body(question: Question, passage: Passage, sentence: str,
          aliases: Mapping[str, str] | None) -> Unmet | None:
    """The body the question names, missed by a passage of another body that does not name it.

    A body named only by the bare word "council" is not judged: "did the Council propose closing
    the road" names the authority, for which its districts and committees act, and a municipal
    district's minutes answer it (docs/rules.md, 0.12.0 `fabst`: a right answer from a district's
    minutes was withdrawn). A council named by more ("Full Council", "City Council", "Northfield
    City and County Council") is judged as before.
    """
    if not question.body or not passage.committee:
        return None
    if name_key(passage.committee) == name_key(question.body):
        return None
    spellings = [alias for alias, name in (aliases or {}).items() if name == question.body]
    spellings.append(name_key(question.body))
    asked = name_key(question.text)
    if COUNCIL_WORD in spellings and not any(
            spelling != COUNCIL_WORD and spelling in asked for spelling in spellings):
        return None
    said = name_key(" ".join([sentence, passage.title or "", passage.item_title or ""]))
    if any(spelling and spelling in said for spelling in spellings):
        return None
    return Unmet("body", passage.committee, question.body)


# -- checks of the answer sentence itself: the year and the figure asked -----------------------

# The answer's own constraints: a sentence that misses one does not answer the question, however
# well it matches its words. Unlike the period and the body above, which are features of the
# abstention model, a miss here is an abstention (docs/rules.md, Abstention: the dev items each
# catches and the answers each withdrew).
# Words after which a year names a law, not a period ("the Local Government Act, 2001").
_LAW_WORDS = frozenset("act acts regulations".split())
# Words after which a number is a label, not a figure ("No. 2", "Report 14", "Minute 33").
_LABEL_WORDS = frozenset("no number report minute resolution motion question by-law bylaw objective objectives "
                         "goal goals policy outcome standard theme".split())


def answer_unmet(question: Question, passage: Passage, sentence: str) -> Unmet | None:
    """The first of the answer's own constraints that ``sentence`` misses: the day asked (kind
    "day"), the year asked or a count of the period asked (kind "year"), the figure asked (kind
    "figure"), the post or body whose holder is asked (kind "post"), what was done rather than
    what was forecast (kind "forecast")."""
    return _day(question, passage, sentence) or _year(question, passage, sentence) or \
        _counted_before(question, passage, sentence) or \
        _figure(question, sentence) or _post(question, passage, sentence) or _forecast(question, sentence)


def _day(question: Question, passage: Passage, sentence: str) -> Unmet | None:
    """The question names a day ("on 31 March 2023", "the meeting of December 6, 2022") and the
    answer is neither of a meeting or a document of that day nor a sentence that states it, or
    that states no date and is under that day in its passage (``_heading_date``: "As at
    18.11.20 ... • 889 teachers ... are currently isolating").

    A day that is a meeting's narrows the search to that meeting (``filters``), so its passages
    meet it; this check matters when the day named no meeting the records hold (an event: "what
    did Cabinet decide on 15 December 2020"), or when nothing of that meeting matched and the
    search went on without it: the nearest sentence is then of another day ("the portfolio stood
    at £38.5 million on 30 September 2022"). A "when" question asks for a date, and a follow-up
    is judged by its own words' days only (``Question.periods``).
    """
    if question.answer_type == DATE:
        return None
    days = [p for p in question.periods if p.first == p.last]
    if not days:
        return None
    if any(p.holds(passage.meeting_date) or p.holds(passage.metadata.get("doc_date")) for p in days):
        return None
    if any(_dates_paper(question.text, p) and _tabled_after(p, passage.meeting_date) for p in days):
        return None
    said = find_dates(sentence)
    if any(d.first <= p.last and p.first <= d.last for d in said or _heading_date(passage.text, sentence)
           for p in days):
        return None
    found = f"of {said[-1].text}" if said else (
        f"of the meeting of {human_date(passage.meeting_date)}" if passage.meeting_date else "undated")
    return Unmet("day", found, f"of {days[0].text}")


def _dates_paper(text: str, period: Period) -> bool:
    """``period``, a day of the question ``text``, dates a paper (``filters.dates_paper``)."""
    at = text.find(period.text)
    return at >= 0 and dates_paper(text, at, at + len(period.text))


def _tabled_after(period: Period, meeting_date: str | None) -> bool:
    """A meeting held on the paper's day or within ``PAPER_LEAD_DAYS`` after it, which may have
    taken the paper up (the minutes of 23 September record the report of 12 September)."""
    return replace(period, last=period.last + timedelta(days=PAPER_LEAD_DAYS)).holds(meeting_date)


def _heading_date(text: str, sentence: str) -> list:
    """The date a sentence that states none is under in its passage: the last date before it
    ("As at 18.11.20 the numbers ... were as follows: • 889 teachers ... are currently
    isolating"; a dated entry of an action tracker or a log), as a one-item list, or none when
    the passage states no date before it or the sentence is not found in it. Spacing is folded
    on both sides, since a sentence is cut from the passage's lines."""
    folded, wanted = " ".join(text.split()), " ".join(sentence.split())
    at = folded.find(wanted) if wanted else -1
    before = find_dates(folded[:at]) if at > 0 else []
    return before[-1:]


def year_keys(text: str) -> set[str]:
    """The years a text names, a financial or municipal year as one key: "2019" -> {"2019"},
    "2019/20", "2019-20" and "2019/2020" -> {"2019/20"} (its own period, not two years). The
    year of a law ("the Planning Act, 2000") is not a period."""
    found, before = set(), ""
    for raw in text.split():
        word = raw.strip(".,;:?!()[]'’\"")
        parts = word.replace("–", "/").replace("-", "/").split("/")
        lawful = before in _LAW_WORDS
        before = word.lower()
        if lawful or not parts[0].isdigit() or len(parts[0]) != 4 or parts[0][:2] not in ("19", "20"):
            continue
        if len(parts) == 1:
            found.add(parts[0])
        elif len(parts) == 2 and parts[1].isdigit() and len(parts[1]) in (2, 4):
            found.add(f"{parts[0]}/{parts[1][-2:]}")
    return found


def _year_met(asked: str, held: set[str]) -> bool:
    """A year asked is met by itself or a financial year that overlaps it; a financial year
    asked, by itself or its first year ("2020/21" by "in 2020")."""
    if asked in held:
        return True
    if "/" in asked:
        return asked[:4] in held
    return any("/" in h and (h[:4] == asked or h[:2] + h[5:] == asked) for h in held)


def _year(question: Question, passage: Passage, sentence: str) -> Unmet | None:
    """The question names a year, and the answer sentence names only earlier years while neither
    its meeting nor its document is of the year asked ("the Vice-Chair for 2024/25" answered
    "appointed Vice-Chair for the 2023/24 municipal year"; "the overdraft for 2020" answered with
    the one "to 31st December, 2019").

    As in ``_period``: a later year is usually the plan or the forecast of the thing asked
    ("growth of 150,000 by 2031"), unless the sentence names only later years and its record
    none asked (``_later_record``: a later year's figure); a sentence naming no year is read as
    of its meeting, which misses the year asked when it met more than ``LATER_YEARS`` after it
    (a 2020 meeting's "3,500 laptops" for "in 2016"; the next year's meeting may report the
    year asked); a "when"
    question asks for a date; a single day names a meeting or an event, so its year is not asked
    for. A meeting in the period asked, or a document titled with the year asked, is the right
    record whatever earlier years its sentence recalls (a title counts only with the very year
    asked: "Business Plan 2020/21", not the "2023" of the meeting's own date).
    """
    if question.answer_type == DATE:
        return None
    text = question.text
    for day in reversed([d for d in find_dates(text) if d.first == d.last]):
        text = text[:day.start] + " " + text[day.end:]
    asked = year_keys(text)
    # A year the conversation already gave (the previous answer, of a follow-up) continues the
    # thread: "since September 2019" answering "how many has that pilot placed so far?".
    named = year_keys(sentence)
    held = named - year_keys(question.known)
    if not asked or any(p.holds(passage.meeting_date) for p in question.periods):
        return None
    titled = year_keys(" ".join(x for x in (passage.title, passage.item_title) if x))
    if asked & titled:
        return None
    if not named:
        return _undated(question, passage, asked)
    if not held or any(_year_met(a, held) for a in asked):
        return None
    if max(int(h[:4]) for h in held) >= min(int(a[:4]) for a in asked) and not _later_record(
            passage, sentence, held, asked, counts_past(question)):
        return None
    # In the question's and the sentence's own words where they date it ("December 2019").
    said = find_dates(sentence)
    found = said[-1].text if said else " and ".join(sorted(held))
    wanted = " and ".join(p.text for p in question.periods) or " and ".join(sorted(asked))
    return Unmet("year", f"for {found}", f"for {wanted}")


# Words after which a year is a target, not the period of a figure ("growth of 150,000 by 2031").
_TARGET_WORDS = frozenset({"by"})


def _later_record(passage: Passage, sentence: str, held: set[str], asked: set[str],
                  counted_past: bool = False) -> bool:
    """The sentence names only years after those asked, none of them a target ("by 2031"), and
    its record names no year asked: a later year's figure, not a plan of the year asked ("the
    overdraft for 2020" answered with the one "to 31st December, 2022" of a 2021 meeting;
    "Riverfest 2019" with Riverfest 2022's costings). A record that names the year asked may
    hold its plan ("planning for Riverfest 2019 ... the 2020 budget"), so it is not judged,
    unless the question counts what happened (``counted_past``: "how many burglaries were
    recorded in 2020", not a plan or a target): a plan holds no count of a year done, so a
    sentence counting "23 ... that took place in 2021" is a later year's count wherever its
    record names 2020."""
    words = sentence.split()
    targets = {key for before, word in zip(words, words[1:]) if before.lower() in _TARGET_WORDS
               for key in year_keys(word)}
    if targets & held:
        return False
    if min(int(h[:4]) for h in held) <= max(int(a[:4]) + ("/" in a) for a in asked):
        return False
    if counted_past:
        return True
    record = year_keys(" ".join(x for x in (passage.text, passage.title, passage.item_title) if x))
    if passage.meeting_date:
        record.add(passage.meeting_date[:4])
    return not any(_year_met(a, record) for a in asked)


# How many years after the year asked a meeting may report it in a sentence that names no year.
LATER_YEARS = 1


def _undated(question: Question, passage: Passage, asked: set[str]) -> Unmet | None:
    """A sentence naming no year is of its record: a meeting (or a document) more than
    ``LATER_YEARS`` after the last year asked reports a later year's figure ("3,500 laptops" at a
    2020 meeting, asked for 2016); a financial year asked ("2022/23") runs into its second year."""
    dated = [d[:4] for d in (passage.meeting_date, passage.metadata.get("doc_date")) if d]
    years = [int(year) for year in dated if year.isdigit()]
    last_asked = max(int(a[:4]) + ("/" in a) for a in asked)
    if not years or min(years) <= last_asked + LATER_YEARS:
        return None
    return Unmet("year", f"of the meeting of {human_date(passage.meeting_date)}" if passage.meeting_date
                 else f"of {min(years)}",
                 f"for {' and '.join(p.text for p in question.periods) or ' and '.join(sorted(asked))}")


# Words of a question that counts a plan, a forecast or a target, which a meeting before the
# period may well state ("how many homes will be built in 2022", "how many are planned for 2022").
_PLAN_WORDS = frozenset("will planned plan plans proposed propose expected forecast forecasts projected "
                        "target targets due estimated".split())


def counts(question: Question) -> bool:
    """Whether the question counts things: "how many"."""
    words = [w.lower() for w in question.words]
    return any(a == "how" and b == "many" for a, b in zip(words, words[1:]))


def counts_past(question: Question) -> bool:
    """Whether the question counts what happened ("how many fines were issued"), not a plan, a
    forecast or a target (``_PLAN_WORDS``)."""
    return counts(question) and not any(w.lower() in _PLAN_WORDS for w in question.words)


def _counted_before(question: Question, passage: Passage, sentence: str) -> Unmet | None:
    """A count of what happened in the period asked ("how many litter fines were issued in
    December 2019", "how many officers did the Council appoint in 2021") answered by a sentence
    naming no date or year, of a meeting (and a document) dated before that period starts: the
    records of February 2019 cannot count December 2019's fines; the nearest sentence is another
    period's count ("two other fines were issued during the month", "there are four officers").

    Only counts: a sum or an allocation for a year is set before the year starts (a budget, the
    GMA), and so is a plan, a forecast or a target counted (``_PLAN_WORDS``). Other questions
    were measured and left out: an undated sentence of an earlier meeting answered them rightly
    (0.10.0, "Tried and dropped": q046, lad005). Unlike ``_year``, a title naming the year asked
    does not excuse the record: the minutes of a meeting of that year are titled with it too.
    A single day names a meeting or an event (``_day``); a "when" question asks for a date.
    """
    if question.answer_type == DATE or not counts_past(question):
        return None
    periods = [p for p in question.periods if p.first != p.last]
    dated = [d[:10] for d in (passage.meeting_date, passage.metadata.get("doc_date")) if d]
    if not periods or not dated or find_dates(sentence) or year_keys(sentence):
        return None
    start = min(periods, key=lambda p: p.first)
    if any(d >= start.first.isoformat() for d in dated):
        return None
    return Unmet("year", f"of the meeting of {human_date(passage.meeting_date)}" if passage.meeting_date
                 else f"of {human_date(dated[0])}", f"for {start.text}")


# Words after a figure that make it a share ("12 per cent", "12%" is read from the sign).
_SHARE_WORDS = frozenset("per percent percentage".split())
_CURRENCY = "£$€"
# Words after a figure that make it a sum of money without a sign ("30,000 euro").
_MONEY_WORDS = frozenset("euro euros pounds dollars eur gbp usd".split())
# Units after a figure that make it a measure, not a count: "how many homes" is not answered by
# "21.7 hectares" or "520 audit days", unless the question counts that unit ("how many days").
_MEASURE_WORDS = frozenset(
    "hectare hectares acre acres metre metres meter meters centimetre centimetres cm mm km "
    "kilometre kilometres kilometers mile miles sq square tonne tonnes kg kilograms litre litres "
    "day days week weeks month months year years hour hours minute minutes".split())
# What a question asks a sum of money with: "what did it cost", "how much funding", "the budget".
MONEY_QUESTION_WORDS = frozenset(
    "cost costs costing spend spent spending budget budgets price prices fee fees funding fund "
    "grant grants allocation allocated allocate levy rent income revenue overspend underspend "
    "deficit surplus savings drawdown paid pay payment".split())
# Compared by stem, so that every form of a word of paying counts ("paying", "funded", "costing").
_MONEY_QUESTION_STEMS = frozenset(stem_set(" ".join(MONEY_QUESTION_WORDS)))
# Words after a figure that make it a time of day ("9.30 a.m.").
_CLOCK_WORDS = frozenset("a.m am p.m pm".split())


@dataclass(frozen=True)
class Figure:
    """A figure a sentence states, and whether it is a share (a percentage) or an amount of money."""

    word: str
    share: bool
    money: bool
    unit: str = ""  # the measure the figure is in ("hectares", "audit days"), if one follows it
    counted: str = ""  # the word right after the figure, lower case ("homes" of "5 homes a year")


def stated_figures(sentence: str) -> list[Figure]:
    """The figures a sentence states: its numbers and number words, less dates, years and year
    ranges ("2019-2023"), labels ("No. 2", "item 4"), codes ("FIN-2023-02") and a leading
    paragraph number ("8.3")."""
    dated = [(d.start, d.end) for d in find_dates(sentence)]
    priced = prints_money_unit(sentence)
    spans = word_spans(sentence, ",.'’-")
    outline = _outline_numbers(spans)
    found = []
    for n, span in enumerate(spans):
        word = span.word
        after = sentence[span.end:span.end + 1]
        following = spans[n + 1].lower.rstrip(".") if n + 1 < len(spans) else ""
        share = after == "%" or following in _SHARE_WORDS
        money = (span.start > 0 and sentence[span.start - 1] in _CURRENCY) or following in _MONEY_WORDS
        unit = _unit(following, spans[n + 2].lower.rstrip(".") if n + 2 < len(spans) else "")
        money = money or (priced and not share and not unit)
        if span.lower in _NUMBER_WORDS:
            # "£1.2 million" is one sum of money
            money = money or bool(found and found[-1].money and found[-1].word == spans[n - 1].word)
            found.append(Figure(word, share, money, unit, following))
            continue
        if not any(ch.isdigit() for ch in word) or any(a <= span.start < b for a, b in dated):
            continue
        if _clock_or_ordinal(sentence, span.start, span.end, following):
            continue
        before = spans[n - 1].lower.rstrip(".") if n else ""
        if (n == 0 and not share and _paragraph_number(word + after, spans[1].word if len(spans) > 1 else "")) \
                or n in outline or before in _LABEL_WORDS or before in _REFERENCE_WORDS:
            continue
        if any(ch.isalpha() for ch in word) and "-" in word:  # a code, not "5.7m" or "£3,870"
            continue
        if year_keys(word) or (len(word) == 4 and word.isdigit() and word[:2] in ("19", "20")):
            continue
        if _opens_year_range(sentence, spans, n):
            continue  # the "1197" of "1197 — 2014"
        if n and sentence[span.start - 1:span.start] == "/" and year_keys(spans[n - 1].word):
            continue  # the "23" of "2022/23"
        found.append(Figure(word, share, money, unit, following))
    return found


# Dashes that join the two ends of a range ("1197-2014", "1197 – 2014", "1197 — 2014").
_RANGE_DASHES = ("-", "–", "—")


def _opens_year_range(sentence: str, spans: list, n: int) -> bool:
    """Whether the number at ``spans[n]`` opens a range of years whose end is a year, across a
    dash: "1197 — 2014", "1197-2014", "1691–1999". Only years from 1900 are read as years on their
    own, so an earlier year that opens a range ("an exhibition called '1197 — 2014'", "the
    parish's records 1691-1999") was taken for a figure and answered "how many people visited".
    The start must be a four-digit whole number below the end: "12-2020" and "500 - 2000
    people" are no ranges of years."""
    word = spans[n].word
    if "-" in word:
        start, _, end = word.partition("-")
    elif n + 1 < len(spans) and sentence[spans[n].end:spans[n + 1].start].strip() in _RANGE_DASHES:
        start, end = word, spans[n + 1].word
    else:
        return False
    return (start.isdigit() and len(start) == 4 and end.isdigit() and len(end) == 4
            and bool(year_keys(end)) and int(start) < int(end))


def _paragraph_number(word: str, next_word: str) -> bool:
    """Whether the number opening a sentence numbers its paragraph ("8.3 2023 Water Rates", "5
    Report to City Council", "4. Presentation"): not when a lower-case word follows an undotted
    number, for then the sentence opens with a count or an amount ("26,408 pupils are isolating",
    "12 schools closed"), which answers a "how many" as well as one in mid-sentence."""
    return "." in word or not next_word[:1].islower()


# Function words that open a sentence: a number right before one ends a paragraph's number
# ("5.1 The report"), where a table's row label ("No. of placements") may follow a figure.
_SENTENCE_OPENERS = frozenset("the a an this that these those it its we our there in on at following".split())


def _outline_numbers(spans: list) -> set[int]:
    """The positions of paragraph numbers run into a sentence by flattened text ("None scheduled
    5 Report to City Council / Pieces of Work 5.1 The report was debated"): a number before a
    capitalised function word that opens a sentence ("5.1 The", "3 In June"), and a whole number
    before a capitalised word whose first sub-paragraph ("5.1") follows in the same sentence. A
    table row's figures before their next label ("88% National average 83%", "192.3 Core") or a
    count of a capitalised noun ("12 Councillors") are left as figures."""
    def capitalised(n: int) -> bool:
        return n + 1 < len(spans) and spans[n + 1].word[:1].isupper()

    def numeral(word: str) -> bool:
        return word.replace(".", "").isdigit() and not word.endswith(".")

    found = {n for n in range(1, len(spans)) if numeral(spans[n].word) and capitalised(n)
             and spans[n + 1].lower in _SENTENCE_OPENERS}
    heads = {spans[n].word.split(".")[0] for n in found if "." in spans[n].word}
    found |= {n for n in range(1, len(spans)) if spans[n].word.isdigit() and capitalised(n)
              and spans[n].word in heads}
    return found


# What may follow a currency sign in a table's unit heading: "£m", "€000", "£'000", "$bn", "£".
_MONEY_SCALES = frozenset({"", "m", "k", "bn", "000", "'000", "’000"})


def prints_money_unit(sentence: str) -> bool:
    """Whether a sentence prints a currency unit on its own, as a table's column heading does
    ("2020/21 2021/22 £m £m Core Contract Sum * 192.3 192.8"): the bare figures of its rows are
    sums of money in that unit, though no sign stands before each."""
    for word in sentence.split():
        word = word.strip(".,;:()[]*")
        if word and word[0] in _CURRENCY and word[1:].lower() in _MONEY_SCALES:
            return True
    return False


def _unit(following: str, next_after: str) -> str:
    """The measure of a figure from the two words after it: the first ("21.7 hectares"), or the
    second after a word that qualifies it ("520 audit days", "10 working days", "twice a
    year"). "5 homes a year" is in "year" too; ``_figure`` lets the counted word decide: the
    thing the question counts ("how many homes") is counted by it."""
    if following in _MEASURE_WORDS:
        return following
    if following.isalpha() and next_after in _MEASURE_WORDS:
        return next_after
    return ""


def _clock_or_ordinal(sentence: str, start: int, end: int, following: str) -> bool:
    """Whether the figure at ``sentence[start:end]`` is a time of day ("9.30 a.m.", "7:58"), an
    ordinal ("21st") or an item number run into its title ("4.Presentation"), not a figure."""
    word = sentence[start:end]
    if following in _CLOCK_WORDS or sentence[end:end + 1] == ":" and sentence[end + 1:end + 2].isdigit():
        return True
    if start > 1 and sentence[start - 1] == ":" and sentence[start - 2].isdigit():
        return True
    lowered = word.lower()
    if lowered[-2:] in ("am", "pm") and lowered[:-2].replace(".", "").isdigit():
        return True  # "2.30pm"
    if lowered[:-2].isdigit() and lowered[-2:] in ("st", "nd", "rd", "th"):
        return True
    # "4.Presentation", "5.Any": an item's number and the first word of its title
    return "." in word and word.rsplit(".", 1)[1].isalpha() and len(word.rsplit(".", 1)[1]) > 1


def asks_money(question: Question) -> bool:
    """Whether the question asks a sum of money: it names a currency or a word of paying
    ("what did the festival cost?", "how much funding", "the total budget")."""
    return any(ch in question.text for ch in _CURRENCY) or bool(question.stems & _MONEY_QUESTION_STEMS)


# Head nouns of a question that asks a share: "what proportion of assessments", "what share".
_SHARE_FOCUS = frozenset("percentage percent proportion share".split())
# Words of a question of money that a rate may answer: "what levy", "the rent increase".
_RATE_STEMS = frozenset(stem_set("levy rate increase rise decrease reduction cut interest charge"))


def _figure(question: Question, sentence: str) -> Unmet | None:
    """The question asks for a number and the answer sentence states no figure the question does
    not already say ("How many councillors voted for it?" answered "Recommendation No. 2 ... at
    the Full Council meeting in January 2019"), or none of the kind asked: "how many" counts, so
    a percentage or a sum of money does not answer it; "what percentage" needs a percentage.
    "How often" asks a frequency ("monthly"), which is not a figure."""
    if question.answer_type != NUMBER or "often" in (w.lower() for w in question.words):
        return None
    said = {w.lower() for w in tokens(question.text)}
    counting = counts(question)
    sharing = bool(_SHARE_FOCUS.intersection(question.focus))
    paying = not counting and not sharing and asks_money(question)
    rate = bool(question.stems & _RATE_STEMS)
    for figure in stated_figures(sentence):
        if figure.word.lower() in said:
            continue
        if counting and (figure.share or figure.money or (
                figure.unit and figure.unit not in said and figure.counted not in question.focus)):
            # "how many homes" is not answered by "4.5 per cent", "£310,000", "21.7 hectares" or
            # "520 audit days", but by "5 homes a year"
            continue
        if paying and not (figure.money or figure.share and rate):
            # "what did it cost" is not answered by "2 lanes" nor by "an increase of 18%"; a levy
            # or a rent increase may be a rate
            continue
        if sharing and not figure.share:
            continue  # "what percentage" is not answered by "30 centimetres"
        return None
    return Unmet("figure", "", "")


# "Who chairs the X", "who led X": a verb that asks the holder of a post or the chair of a body.
_POST_VERBS = frozenset("chairs chaired heads headed leads led".split())
# "Who was appointed Vice-Chair of X", "who was elected as the X".
_APPOINTED = frozenset("appointed elected named nominated".split())
# Words that end the post's name and start what qualifies it ("the Mayor in 2019", "the chair
# at the meeting of ...").
_QUALIFIERS = frozenset("in at on for when before after during from according since until by to "
                        "as with".split())


def asked_post(question: Question) -> tuple[str, str]:
    """The clause of a "who" question that asks the holder of a post or body, and the post, as
    the question words them: "Who is Northfield's Director of Finance?" -> ("who is Northfield's
    Director of Finance", "Director of Finance"); "Who chairs the Housing and Neighbourhoods O&S
    Committee?" -> (..., "Housing and Neighbourhoods O&S Committee"); "Who was appointed as the
    resource worker for X?" -> (..., "resource worker"). Empty strings for any other
    question: one that asks who did something ("who seconded it", "who was awarded the
    contract", "who was due to attend"), since a deed's doer is named in any words; a
    follow-up, whose post may be in the conversation. The owner before a post ("Northfield's")
    and the qualifiers after it ("in 2019", "for the 2024/25 municipal year") are not the post.
    """
    if question.answer_type != PERSON or question.wh != "who" or question.known:
        return "", ""
    words = tokens(question.text.split(",")[0])
    lowered = [w.lower() for w in words]
    if "who" not in lowered:
        return "", ""
    start = lowered.index("who")
    i = start + 1
    if i < len(lowered) and lowered[i] in _BE:
        i += 1
        if i < len(lowered) and lowered[i] in _APPOINTED:
            i += 1 + (lowered[i + 1:i + 2] == ["as"])
    elif i < len(lowered) and lowered[i] in _POST_VERBS:
        i += 1
    else:
        return "", ""
    if i >= len(words) or not (lowered[i] in ("the", "a", "an") or words[i][:1].isupper()):
        return "", ""  # "who was due to attend", "who was awarded the contract": a deed, no post
    post, end = [], len(words)
    for n in range(i, len(words)):
        word, low = words[n], lowered[n]
        if low in _QUALIFIERS:
            end = n
            break
        if low.endswith(("'s", "’s")) or low in MONTHS or any(ch.isdigit() for ch in low):
            continue
        if post or low not in ("the", "a", "an"):
            post.append(word)
    if not post:
        return "", ""
    return " ".join(["who"] + words[start + 1:end]), " ".join(post)


def _post(question: Question, passage: Passage, sentence: str) -> Unmet | None:
    """A "who is the X" or "who chairs X" question (``asked_post``) answered by a sentence that,
    with its item's heading and its meeting's body, lacks a word of the post: the chair of
    another committee ("Education and Children's Social Care O&S Committee ... Chair:" for
    "who chairs the Housing and Neighbourhoods O&S Committee"), the "Cabinet Member for
    Finance" for "Director of Finance", an attendance list for "Vice-Chair".

    Every word is needed: a post is named in full where its holder is named ("Director of
    Finance and Section 151 Officer Deborah Ashcroft"), and the other committee's or post's
    shared words ("Committee", "Finance") are what the near-miss matched on. An all-capital
    abbreviation ("SPC", "O&S") is not needed: the records often spell it out ("Strategic
    Policy Committee"). The heading and the body count because a list under "Vice-Chair" or
    a meeting's "Chair:" names the post there.
    """
    clause, post = asked_post(question)
    needed = [t for word in post.split() if not (word.isupper() and len(word) > 1)
              for t in terms(word, STOPWORDS) if len(t) > 1]
    if not needed:
        return None
    said = stem_set(" ".join(x for x in (sentence, passage.item_title, passage.committee) if x))
    if all(t in said for t in needed):
        return None
    return Unmet("post", "", clause)


# Words of a question that asks what happened: "what did the Council set", "the final outturn".
_DONE_WORDS = frozenset("did final finally actual actually outturn".split())
# Words of a question that itself asks a forecast, a plan or a hope, which a forecast answers.
_ASKS_FORECAST = _PLAN_WORDS | frozenset(
    "forecasting expect expects anticipated anticipate predicted predict estimate intend intended "
    "aim aims hope hoped would should could".split())
# Words that make a sentence a forecast, an estimate or an expectation, not a record of the outcome.
_FORECAST_WORDS = frozenset(
    "forecast forecasts forecasted forecasting expected expects anticipated anticipates projected "
    "projecting projection projections assumed assumes assumption estimated estimate estimates "
    "predicted".split())


def _forecast(question: Question, sentence: str) -> Unmet | None:
    """A question of what was done ("what council tax increase did the council finally set", "the
    Trust's final outturn", "what judgement did Ofsted give after the re-inspection") answered by
    a sentence that forecasts, estimates or expects ("the forecast assumed a council tax increase
    of 2.99 per cent", "forecast earlier in the year to be close to £7m", "the re-inspection ...
    is now expected 2021"): the records hold the plan, and the outcome asked for is not there.

    A question that asks the forecast itself ("what deficit was the directorate forecasting", "how
    many homes will be built") is not judged, nor a question that does not ask a deed done ("what
    concern was raised": a concern may be an expectation). "Will" and "would" are not forecast
    words: minutes record decisions in them ("the Council would write to the Minister").
    """
    asked = {w.lower() for w in question.words}
    if not asked & _DONE_WORDS or asked & _ASKS_FORECAST:
        return None
    if any(w.lower() in _FORECAST_WORDS for w in tokens(sentence)):
        return Unmet("forecast", "", "")
    return None
