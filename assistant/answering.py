"""The Assistant: one question in, one cited Answer out (or a stream of text, then the Answer).

The flow, each stage timed into ``Answer.timings``: rewrite a follow-up into a standalone query
(rule-based for extractive, the LLM for generative backends), read filters from it (merged under
the caller's), retrieve (dense, BM25, fuse), answer. A generated answer is checked by
``assistant.citations``; when no sentence carries a valid, supported citation, or the backend
fails, the extractive answer is shown instead with a note saying so. A date range that holds no
indexed meeting is answered by saying so, without guessing from other meetings.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Iterable, Iterator

from assistant.backends import EXTRACTIVE, check_backend_name, load_generative_backend
from assistant.backends.errors import BackendError
from assistant.backends.extractive import Draft, ExtractiveBackend
from assistant.citations import any_supported_citation, is_refusal, parse_cited_answer
from assistant.followup import (by_rank, cited_passages, cited_period, cited_sources,
                                continuations, decision_follow_up, previous_answer, with_carried)
from assistant.filters import (
    ParsedQuestion, committee_alias_table, describe_range, meetings_in_range,
    merge_filters, parse_question,
)
from assistant.models import Answer, AnswerSentence, Turn
from assistant.question import analyse, tokens
from minutes_core.text.dates import human_date
from assistant.people_route import answer_about_people
from assistant.records_route import answer_from_records
from assistant.retrieval import HybridRetriever
from assistant.rewrite import rewrite_follow_up
from assistant.validation import check_filters, check_history, check_k, check_question
from minutes_core.timing import StageTimer
from minutes_core.settings import Settings
from vectorstore.models import Filters, Passage

log = logging.getLogger(__name__)

# How many indexed meetings a "no meeting in that range" answer lists before "and N more".
LISTED_MEETINGS = 12
# How much of the previous answer a follow-up searches for by keyword to find the passages that
# answer quoted (its opening sentences; a longer text only adds common words).
ANSWER_QUERY_CHARS = 400


# A question that names a meeting outright: only then does "no meeting in that range" answer it.
EXPLICIT_MEETING = frozenset("meeting meetings minutes notes agenda committee".split())


class Assistant:
    """Answers questions over the records; build one with ``assistant.factory.build_assistant``.

    ``retriever`` is any object with ``retrieve(query, filters, k)``; the HybridRetriever also
    reports per-stage timings and takes the question's soft preferences. ``catalog`` returns the index's statistics (for the
    meetings and committees the question may name); ``committee_names`` are extra canonical
    committee names and ``aliases_of`` their other spellings; ``spell_out`` expands the council's
    abbreviations of body names in a question ("SPC").
    """

    def __init__(self, settings: Settings, retriever, extractive: ExtractiveBackend,
                 catalog=None, committee_names: Iterable[str] = (), aliases_of=None, records=None,
                 spell_out=None):
        self.settings = settings
        self.records = records  # RecordsStore: list questions are answered from it, every row cited
        self.retriever = retriever
        self.extractive = extractive
        self._catalog_source = catalog
        self._committee_names = list(committee_names)
        self._aliases_of = aliases_of
        self._spell_out = spell_out
        self._generative: dict[str, object] = {}
        self._catalog: tuple[list[str], dict[str, str]] | None = None

    # -- public ----------------------------------------------------------------------------------

    def ask(self, question: str, history: Iterable[Turn | dict] = (), filters: Filters | None = None,
            k: int | None = None, backend: str | None = None) -> Answer:
        """The answer to ``question`` (see ``stream`` for the arguments)."""
        answer = None
        for item in self.stream(question, history, filters, k, backend):
            answer = item
        return answer

    def stream(self, question: str, history: Iterable[Turn | dict] = (),
               filters: Filters | None = None, k: int | None = None,
               backend: str | None = None) -> Iterator[str | Answer]:
        """Text pieces of the answer as they are ready, then the final Answer as the last item.

        ``history`` is the conversation so far (Turn or {"role", "content"}); ``filters`` the
        caller's (they win over filters read from the question); ``k`` the passages shown;
        ``backend`` "extractive", "openai" or "local" (default ``settings.backend``).
        """
        timer = StageTimer()
        # The boundary of the core: nothing below sees unbounded or malformed input.
        question = check_question(question, self.settings)
        turns = check_history(history, self.settings)
        filters = check_filters(filters, self.settings) if filters is not None else None
        k = check_k(k, self.settings)
        name = check_backend_name(backend or self.settings.backend)
        generator = self._generator(name) if name != EXTRACTIVE else None
        notes: list[str] = []

        with timer.stage("rewrite"):
            query, leans_back, answer_query, soft_date = self._rewrite(question, turns, generator, notes)

        with timer.stage("filters"):
            meetings, committees = self.catalog()
            parsed = parse_question(query, committees, meetings, spell_out=self._spell_out)
            applied = merge_filters(filters, parsed.filters)
            missing_meeting = self._no_meeting_message(applied, meetings)
            caller_dates = filters is not None and bool(filters.date_from or filters.date_to)
            if missing_meeting and not caller_dates and not EXPLICIT_MEETING & set(tokens(query.lower())):
                # The date places an event ("Vice Chair from 18 March 2020"), not a meeting: the
                # papers of a later meeting report it, so search them rather than refuse.
                missing_meeting = None
                parsed.prefer_from = parsed.prefer_from or applied.date_from
                parsed.prefer_to = parsed.prefer_to or applied.date_to
                applied = _without_dates(applied)
            _note_preference(parsed, notes)
            if parsed.committee and not applied.committee:
                # A body the question names may be the subject of another body's papers: say
                # that every body's papers were searched (its own records answers are narrowed).
                notes.append(f"The question names the {parsed.committee}; every body's papers are searched.")

        carried: list[Passage] = []
        decided = None
        previous = previous_answer(turns)
        if leans_back:
            with timer.stage("carried"):
                carried = self._previously_cited(turns, filters, k)
                # "Who seconded it?" asks the record of the decision the previous answer cited,
                # not the records' rows matching the words the rewrite carried over.
                decided = decision_follow_up(question, previous, carried, carried, self.records)

        if self.records is not None and not missing_meeting and decided is None:
            with timer.stage("records"):
                own_records = dataclasses.replace(applied, committee=applied.committee or parsed.committee)
                listed = (answer_about_people(query, own_records, self.records, self.settings.people_aliases_file)
                          or answer_from_records(query, own_records, self.records))
            if listed is not None:
                listed.question, listed.standalone_query = question, query
                listed.timings, listed.backend = dict(timer.total()), EXTRACTIVE
                listed.notes = notes + listed.notes
                yield listed.answer
                yield listed
                return

        with timer.stage("retrieve"):
            if soft_date and not missing_meeting and not caller_dates and \
                    (applied.date_from or applied.date_to):
                # The period a follow-up only inherits ranks its passages first, as a preference:
                # the answer may be minuted at a later meeting than the one the conversation is at.
                _prefer(parsed, applied.date_from, applied.date_to, notes)
                applied = _without_dates(applied)
            if carried and not missing_meeting and not (applied.date_from or applied.date_to or
                                                        parsed.prefer_from or parsed.prefer_to):
                # A follow-up naming no time is asked at the time of the passages the previous
                # answer rests on: preferred, so that another period's papers on the same
                # office or item rank behind them without being shut out.
                _prefer(parsed, *cited_period(carried), notes)
            search_filters = _without_dates(applied) if missing_meeting else applied
            passages = self._retrieve(query, search_filters, k, parsed, timer.timings)
            if not passages and not missing_meeting and applied != (filters or Filters()):
                notes.append("Nothing matched the filters read from the question; searched without them.")
                applied = filters or Filters()
                passages = self._retrieve(query, filters, k, parsed, timer.timings)
            if carried:
                scoped = self._search_where_cited(question, carried, filters, k, parsed)
                passages = with_carried(continuations(carried, self._index()), passages, k, scoped=scoped)
                notes.append("The follow-up is answered first from the document the previous "
                             "answer cited, then from the passages it cited.")

        with timer.stage("answer"):
            used = EXTRACTIVE
            if missing_meeting:
                draft = Draft(missing_meeting, [AnswerSentence(missing_meeting)], abstained=True)
                yield missing_meeting
            elif decided is not None and (decided := decision_follow_up(
                    question, previous, carried, passages, self.records)) is not None:
                # "Who seconded it?": the decision the previous answer cited, from its record,
                # cited by its passage's place among those shown.
                text, sentences, cited = decided
                draft = Draft(text, sentences, cited)
                yield text
            elif generator is not None:
                draft, used = yield from self._generate(generator, query, passages, turns, parsed,
                                                        applied, notes, question)
            else:
                draft = self._extract(answer_query, passages, parsed, applied, question, turns)
                passages = passages + draft.shown
                yield from _pieces(draft)
        yield Answer(
            question=question, answer=draft.text, standalone_query=query, filters=applied,
            abstained=draft.abstained, citations=draft.citations, passages=passages,
            sentences=draft.sentences, timings=dict(timer.total()), backend=used, notes=notes + draft.notes,
            abstention=draft.abstention,
        )

    def catalog(self) -> tuple[list[str], dict[str, str]]:
        """The indexed meeting dates and the committee alias table (read once, see ``refresh``)."""
        if self._catalog is None:
            stats = {}
            if self._catalog_source is not None:
                try:
                    stats = self._catalog_source() or {}
                except Exception:  # a missing or empty index must not stop a question
                    log.exception("cannot read the index statistics")
            meetings = sorted({m for m in stats.get("meetings", []) if m})
            names = sorted({*self._committee_names, *(c for c in stats.get("committees", []) if c)})
            self._catalog = (meetings, committee_alias_table(names, self._aliases_of))
        return self._catalog

    def refresh(self) -> None:
        """Forget the cached meetings and committees (call after ingesting)."""
        self._catalog = None

    # -- stages ----------------------------------------------------------------------------------

    def _generator(self, name: str):
        if name not in self._generative:
            self._generative[name] = load_generative_backend(name, self.settings)
        return self._generative[name]

    def _rewrite(self, question: str, turns: list[Turn], generator,
                 notes: list[str]) -> tuple[str, bool, str, bool]:
        """The standalone query, whether it leans on what the previous answer cited (a
        follow-up that is not a "what about X?" swap of its subject), the query the answer
        is chosen by (``Rewrite.answer_query``), and whether the date it holds is only inherited
        from the conversation (``Rewrite.soft_date``)."""
        if not turns:
            return question.strip(), False, question.strip(), False
        rewrite = rewrite_follow_up(question, turns, self.catalog()[1])
        leans_back = rewrite.follow_up and not rewrite.swapped
        if generator is not None:
            try:
                query = generator.rewrite(question, turns).strip() or question.strip()
                return query, leans_back, query, False
            except BackendError as error:
                log.warning("rewrite by %s failed: %s", generator.name, error)
                notes.append(f"The follow-up was rewritten by rule: {error}")
        return rewrite.query, leans_back, rewrite.answer_query, rewrite.soft_date

    def _previously_cited(self, turns: list[Turn], filters: Filters | None, k: int) -> list[Passage]:
        """The passages the previous answer cited, found again (see ``assistant.followup``)."""
        previous = previous_answer(turns)
        if previous is None:
            return []
        meetings, committees = self.catalog()
        query = rewrite_follow_up(previous.question, previous.history, committees).query
        parsed = parse_question(query, committees, meetings, spell_out=self._spell_out)
        applied = merge_filters(filters, parsed.filters)
        if self._no_meeting_message(applied, meetings):
            applied = _without_dates(applied)
        found = self._retrieve(query, applied, k, parsed, {})
        if previous.answer and isinstance(self.retriever, HybridRetriever):
            # The previous answer quotes its passages, so its own words find them by keyword even
            # where its question, asked of a whole archive, now ranks other meetings first, and
            # in any period: the question's date may be the event's, minuted at a later meeting.
            quoted = self.retriever.index.keyword_search(previous.answer[:ANSWER_QUERY_CHARS],
                                                         _without_dates(applied), k)
            known = {p.id for p in found}
            found += [p for p in quoted if p.id not in known]
        return cited_passages(previous, found)

    def _index(self):
        """The index the retriever searches (None for a retriever without one)."""
        return getattr(self.retriever, "index", None)

    def _search_where_cited(self, question: str, carried: list[Passage], filters: Filters | None,
                            k: int, parsed: ParsedQuestion) -> list[Passage]:
        """The follow-up's own words searched only in the documents of the passages the previous
        answer cited, merged rank by rank (``followup.by_rank``): "how many homes are planned
        there?" is answered by the minutes that discussed the site, which may be the second
        cited paper (the first an agenda or a report). The user's words, not the rewritten
        query: inside those documents the committee and date the rewrite adds match every
        passage and would rank a heading first."""
        rankings = [self._retrieve(question, dataclasses.replace(filters or Filters(), source=source),
                                   k, parsed, {}) for source in cited_sources(carried)]
        return by_rank(rankings)

    def _retrieve(self, query: str, filters: Filters | None, k: int, parsed: ParsedQuestion,
                  timings: dict[str, float]) -> list[Passage]:
        if isinstance(self.retriever, HybridRetriever):
            result = self.retriever.search(query, filters, k, hints=parsed)
            timings.update(result.timings)
            return result.passages
        return list(self.retriever.retrieve(query, filters or Filters(), k))

    def _extract(self, query: str, passages: list[Passage], parsed: ParsedQuestion,
                 applied: Filters, asked: str, turns: list[Turn]) -> Draft:
        """The extractive answer to the standalone ``query``.

        For a follow-up, what it asks is read from the user's own words: their focus ("who
        SECONDED it?") and period (a date the rewrite carried over places the context, not the
        answer); and what the previous answer already said is no new answer.
        """
        aliases = self.catalog()[1]
        analysed = analyse(query, aliases)
        if asked.strip() != query:
            own = analyse(asked)
            analysed.periods = own.periods
            analysed.focus = own.focus or analysed.focus
            previous = previous_answer(turns)
            analysed.known = previous.answer if previous else ""
        return self.extractive.answer(query, passages,
                                      resolution=parsed.resolution or applied.decisions_only,
                                      question=analysed, aliases=aliases)

    def _generate(self, generator, query: str, passages: list[Passage], turns: list[Turn],
                  parsed: ParsedQuestion, applied: Filters, notes: list[str], asked: str):
        """Stream the generated text, check its citations, fall back to extractive if needed.

        Returns (through ``yield from``) the draft and the name of the backend that wrote it.
        """
        pieces: list[str] = []
        try:
            for piece in generator.generate(query, passages, turns):
                pieces.append(piece)
                yield piece
        except BackendError as error:
            log.warning("backend %s failed: %s", generator.name, error)
            notes.append(f"{error} The extractive answer is shown instead.")
            return self._extract(query, passages, parsed, applied, asked, turns), EXTRACTIVE
        text = "".join(pieces).strip()
        sentences = parse_cited_answer(text, passages)
        if not any_supported_citation(sentences):
            reason = ("found no answer in the passages" if is_refusal(text)
                      else "cited no passage that supports its answer")
            notes.append(f"The {generator.name} model {reason}; the extractive answer is shown instead.")
            return self._extract(query, passages, parsed, applied, asked, turns), EXTRACTIVE
        unsupported = sum(1 for s in sentences if not s.supported)
        if unsupported:
            notes.append(f"{unsupported} sentence(s) of the answer are not supported by the "
                         "passages they cite; they are marked.")
        citations = {n: passages[n - 1] for s in sentences for n in s.citations}
        return Draft(text, sentences, dict(sorted(citations.items()))), generator.name

    def _no_meeting_message(self, applied: Filters, meetings: list[str]) -> str | None:
        """The answer when a date range holds none of the indexed meetings, else None."""
        if not meetings or not (applied.date_from or applied.date_to):
            return None
        if meetings_in_range(meetings, applied.date_from, applied.date_to):
            return None
        listed = ", ".join(human_date(m) for m in meetings[:LISTED_MEETINGS])
        more = len(meetings) - LISTED_MEETINGS
        if more > 0:
            listed += f" and {more} more"
        return (f"The records hold no meeting {describe_range(applied.date_from, applied.date_to)}; "
                f"the meetings indexed are {listed}.")


def _prefer(parsed: ParsedQuestion, date_from: str | None, date_to: str | None,
            notes: list[str]) -> None:
    """Rank the passages of meetings from ``date_from`` to ``date_to`` first, and say so."""
    parsed.prefer_from, parsed.prefer_to = date_from, date_to
    _note_preference(parsed, notes)


def _note_preference(parsed: ParsedQuestion, notes: list[str]) -> None:
    """Say which meetings' passages are preferred, when the question prefers a period."""
    if parsed.prefer_from or parsed.prefer_to:
        notes.append(f"Passages from meetings {describe_range(parsed.prefer_from, parsed.prefer_to)} "
                     "are preferred.")


def _without_dates(filters: Filters) -> Filters:
    return dataclasses.replace(filters, date_from=None, date_to=None)


def _pieces(draft: Draft) -> Iterator[str]:
    """An extractive answer streamed sentence by sentence (the text is ready at once)."""
    if draft.abstained or not draft.sentences:
        yield draft.text
        return
    separator = "\n\n" if any(s.quote for s in draft.sentences) else " "
    for i, sentence in enumerate(draft.sentences):
        marks = "".join(f" [{n}]" for n in sentence.citations)
        yield (separator if i else "") + sentence.text + marks
