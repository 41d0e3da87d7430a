"""What a follow-up leans on: the passages the previous answer cited.

"Who seconded it?", "and who moved that?", "what did they decide about the motion?": the thing
"it" stands for is the motion, item or decision the previous answer was about, and the passage
that answer cited usually holds the rest of it (the seconder is in the same minute as the
proposer). The history carries only text, so the cited passages are found again: the previous
question is retrieved once more (through the same rewrite), and of what comes back, the passages
that best support the previous answer's text are taken to be the ones it cited (an assistant
turn's own ``[n]`` marks cannot be trusted to number the same list).

The follow-up is then answered with those passages right after the best of what its own
rewritten query retrieves: the meeting, item and decision carry over through the evidence rather than through
word lists of pronouns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.citations import key_terms
from assistant.models import Turn
from vectorstore.models import Passage

# How many of the previous question's passages may be carried, and how much of the previous
# answer's key terms a passage must hold to count as cited by it.
CARRIED_PASSAGES = 2
MIN_ANSWER_SUPPORT = 0.3


@dataclass
class PreviousAnswer:
    """The previous user question and assistant answer of a conversation, if any."""

    question: str
    answer: str
    history: list[Turn] = field(default_factory=list)  # the turns before that question


def previous_answer(turns: list[Turn]) -> PreviousAnswer | None:
    """The last question-and-answer pair of ``turns`` (the answer may be missing)."""
    for n in range(len(turns) - 1, -1, -1):
        if turns[n].role == "user" and turns[n].content.strip():
            answer = " ".join(t.content for t in turns[n + 1:] if t.role == "assistant")
            return PreviousAnswer(turns[n].content, answer, turns[:n])
    return None


def cited_passages(previous: PreviousAnswer, passages: list[Passage],
                   limit: int = CARRIED_PASSAGES) -> list[Passage]:
    """The passages among ``passages`` (retrieved again for the previous question) that the
    previous answer most likely cited: those sharing the most of its key terms; without an
    answer text, the top passage."""
    if not passages:
        return []
    terms = key_terms(previous.answer) if previous.answer else set()
    if not terms:
        return passages[:1]
    scored = []
    for rank, passage in enumerate(passages):
        context = " ".join([passage.text, passage.title or "", passage.item_title or "",
                            passage.committee or ""])
        share = len(terms & key_terms(context)) / len(terms)
        if share >= MIN_ANSWER_SUPPORT:
            scored.append((-share, rank, passage))
    return [passage for _, _, passage in sorted(scored, key=lambda s: (s[0], s[1]))[:limit]]


def with_carried(carried: list[Passage], passages: list[Passage], k: int,
                 lead: int = 2) -> list[Passage]:
    """The follow-up's own best ``lead`` passages, then ``carried``, then the rest of
    ``passages``, without duplicates, ``k`` in all: the follow-up's own words still lead ("who
    presented it?" finds the presenting sentence), the previous answer's evidence comes next."""
    seen: set[str] = set()
    merged: list[Passage] = []
    for passage in [*passages[:lead], *carried, *passages[lead:]]:
        if passage.id in seen:
            continue
        seen.add(passage.id)
        merged.append(passage)
    return merged[:k]
