"""Whether the passages found answer the question at all: a calibrated abstention decision.

The sentence model (``answer_model``) ranks sentences against each other; it cannot say that even
the best of them answers nothing. Unanswerable questions are mostly near-misses: the records hold
the topic but not the period, the body, the figure or the thing asked for ("What did Riverfest
2019 cost?" finds Riverfest 2018's expenditure). So the decision is read from features of the
question against the whole set of passages found, not of one sentence:

- ``evidence``, ``best_probability``: how well the best sentence matches (meaning and terms);
- ``period_miss``: the question names a period and no passage found is of a meeting in it or
  mentions a date in it; ``best_unmet``: the best sentence misses the question's period or body
  (``assistant.constraints``);
- ``year_miss``: the question names a year that the best sentence's passage neither names nor
  was a meeting of (another year's figure, the commonest near-miss);
- ``answer_name_missing``: a name or number of the question (a term weighted above an ordinary
  word, ``terms.weighted_terms``) is not in the best sentence's passage ("Phase 4").

Measured and left out (leave-one-council-out on the development items, docs/rules.md): the
share of the question's terms the passages hold, whether dense and keyword search agree on the
top passage, whether the best sentences hold the kind of thing asked for, and a body no passage
is of; each lowered the out-of-fold abstention or raised the false abstention.

A logistic regression over these gives the probability that the question is unanswerable; the
backend abstains above a threshold. Weights and threshold are data, ``abstain_weights.json``,
fitted by ``scripts/fit_answer_weights.py --abstention`` with leave-one-council-out
cross-validation on the development suites (the file records the out-of-fold rates). When it
abstains the backend says what is missing and cites the closest passages, so the user sees what
the records do hold.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assistant.filters import date_span, find_dates
from assistant.question import Period, Question, tokens
from assistant.terms import NAME_WEIGHT, weighted_terms
from minutes_core.text.stems import stem_set
from vectorstore.models import Passage

WEIGHTS_FILE = Path(__file__).with_name("abstain_weights.json")
# The passages the features look at: those the backend takes sentences from.
FEATURE_PASSAGES = 6
# The features, in the order the fitting script reads them.
FEATURES = ("evidence", "best_probability", "period_miss", "best_unmet", "year_miss",
            "answer_name_missing")


@dataclass(frozen=True)
class AbstainModel:
    """Weights, bias and decision threshold of the abstention regression, by feature name."""

    weights: dict[str, float]
    bias: float
    threshold: float

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> "AbstainModel":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls({name: float(w) for name, w in data["weights"].items()}, float(data["bias"]),
                   float(data["threshold"]))

    def probability(self, features: Mapping[str, float]) -> float:
        """The probability that the question is unanswerable from the passages found.

        A feature the weights do not name is refused (KeyError), as in ``answer_model``.
        """
        z = self.bias + sum(self.weights[name] * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0


ABSTAIN_MODEL = AbstainModel.load()


def passage_context(passage: Passage) -> str:
    """What a passage says about itself: its text and the names of its document and item."""
    return " ".join(x for x in [passage.text, passage.title, passage.item_title, passage.committee] if x)


def coverage(query: str, passages: list[Passage]) -> tuple[float, list[str], bool]:
    """The weighted share of the query's terms the best-covering passage holds; the query's
    content words that no passage holds, as the question wrote them; and whether one of those
    is a name or a number (a term weighted above an ordinary word)."""
    terms = weighted_terms(query)
    total = sum(terms.values())
    if not total or not passages:
        return 0.0, [], False
    held = [stem_set(passage_context(p)) for p in passages]
    best = max(sum(w for t, w in terms.items() if t in stems) for stems in held) / total
    anywhere = set().union(*held)
    absent = {t: w for t, w in terms.items() if w >= 1.0 and t not in anywhere}
    missing = []
    for word in tokens(query):
        if stem_set(word) & absent.keys() and word not in missing:
            missing.append(word)
    return best, missing, any(w >= NAME_WEIGHT for w in absent.values())


def years(text: str) -> set[str]:
    """The years a text names: "2019", and both years of "2019/20" or "20/21"."""
    found = set()
    for word in text.split():
        parts = word.strip(".,;:?!()[]'’\"").split("/")
        if not all(part.isdigit() for part in parts):
            continue
        for part in parts:
            if len(part) == 4 and part[:2] in ("19", "20"):
                found.add(part)
            elif len(part) == 2 and len(parts) == 2:
                found.add("20" + part)
    return found


def year_miss(query: str, passage: Passage) -> bool:
    """The question names a year and the answer's passage neither names it nor is of a meeting
    held in it ("What did Riverfest 2019 cost?" answered from Riverfest 2018's accounts)."""
    asked = years(query)
    if not asked:
        return False
    held = years(passage_context(passage))
    if passage.meeting_date:
        held.add(passage.meeting_date[:4])
    return not asked & held


def asked_periods(question: Question) -> list[Period]:
    """The periods the passages found must meet: the question's own, or the open range it names
    as ``filters`` reads it ("by December 2017" is up to its end, "since 2019" from its start).

    Read as the month or year alone, "How many unaccompanied asylum seeking children were in
    care by December 2017?" was missed by every passage that dates the count earlier ("since
    April 2015 the number ... has increased to 151"), and the abstention model withdrew the
    right answer (development item q101); an open range is a bug of reading, not a rule. Only
    this feature reads it so: the answer's own period check (``constraints._period``) keeps the
    month, which ranks the sentences dated in it first ("in 2020/21 by October 2020": q042 lost
    its right answer to a sentence dated September 2019 when that check read the range too).
    """
    span = date_span(question.text)
    if span is None or (span[0] and span[1]) or not question.periods:
        return question.periods
    first, last, words = span
    return [Period(date.fromisoformat(first) if first else date.min,
                   date.fromisoformat(last) if last else date.max, words)]


def period_miss(question: Question, passages: list[Passage]) -> bool:
    """The question names a period and no passage is of a meeting in it or mentions a date in it
    (an open range, "by December 2017", as ``asked_periods`` reads it)."""
    periods = asked_periods(question)
    if not periods or not passages:
        return False
    for passage in passages:
        if any(p.holds(passage.meeting_date) for p in periods):
            return False
        for said in find_dates(passage.text):
            if any(said.first <= p.last and p.first <= said.last for p in periods):
                return False
    return True


def features(question: Question, query: str, passages: list[Passage], answer_passage: Passage,
             evidence: float, best_probability: float, best_unmet: bool
             ) -> tuple[dict[str, float], list[str]]:
    """The abstention features (``FEATURES``, named as in ``abstain_weights.json``) and the
    question's words that no passage found holds (for the abstention message)."""
    shown = passages[:FEATURE_PASSAGES]
    _, missing, _ = coverage(query, shown)
    _, _, answer_name_missing = coverage(query, [answer_passage])
    values = {
        "evidence": evidence,
        "best_probability": best_probability,
        "period_miss": float(period_miss(question, shown)),
        "best_unmet": float(best_unmet),
        "year_miss": float(year_miss(query, answer_passage)),
        "answer_name_missing": float(answer_name_missing),
    }
    return values, missing


def reason(question: Question, feature_values: Mapping[str, float], missing: list[str]) -> str:
    """One sentence saying what the records searched lack, from the features that fired."""
    if feature_values.get("period_miss") and question.periods:
        return f"None of the passages found is of or mentions {question.periods[0].text}."
    if missing:
        quoted = ", ".join(f"“{word}”" for word in missing[:3])
        return f"The passages found do not mention {quoted}."
    return "The passages found do not answer it as asked."

