"""The fusion-fitting script scores re-fused rankings as the eval scores answers."""

from scripts.fit_fusion import Scorer, current_config
from tests.assistant_fakes import passage

EVIDENCE = "the bond in place is 94,060 euro"
OTHER = "the committee noted the report on the estate"


def item(rankings: dict, options: list[list[str]] | None = None, evidences=(EVIDENCE,)) -> dict:
    return {"council": "C", "suite": "s", "id": "i1", "answerable": True,
            "evidences": list(evidences), "options": options, "type": "fact", "fixed": None,
            "search": {"query": "how much is the bond", "rankings": rankings, "hints": None, "k": 5}}


def fillers(prefix: str, n: int) -> list:
    return [passage(f"{prefix}{i}", f"{OTHER} {prefix} {i}") for i in range(n)]


def test_a_passage_only_the_period_ranking_found_counts_toward_hit_at_5():
    # The whole-archive rankings hold no evidence; the period's ranking does, at its top.
    rankings = {"dense": fillers("d", 3), "bm25": fillers("b", 3),
                "bm25_period": [passage("gold", f"Reply: {EVIDENCE}.")]}
    result = Scorer([item(rankings)]).run(current_config())
    assert result["C"]["hit@5"] == 1.0


def test_an_also_answered_by_alternative_counts_as_the_evidence():
    alternative = "a bond of 94,060 euro is held by the council"
    rankings = {"dense": [passage("alt", f"Noted: {alternative}.")], "bm25": fillers("b", 3)}
    with_options = item(rankings, options=[[EVIDENCE, alternative]])
    assert Scorer([with_options]).run(current_config())["C"]["hit@5"] == 1.0
    without = item(rankings, options=None)  # a pickle collected before the options were kept
    assert Scorer([without]).run(current_config())["C"]["hit@5"] == 0.0
