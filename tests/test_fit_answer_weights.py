"""The sentence-model fitting script: a new feature's weight fitted alone, the others held."""

from assistant.backends.answer_model import AnswerModel
from scripts.fit_answer_weights import fit_added, top1

BEFORE = AnswerModel({"cosine": 2.0}, -1.0)


def rows(council: str, n: int) -> list[dict]:
    """Items of two candidates with the same cosine: the answer is the one with ``apart`` 0."""
    out = []
    for i in range(n):
        item = f"{council}/{i}"
        out.append({"council": council, "item": item, "label": True,
                    "features": {"cosine": 0.5, "apart": 0.0}})
        out.append({"council": council, "item": item, "label": False,
                    "features": {"cosine": 0.5, "apart": 0.6}})
    return out


def test_an_added_features_weight_is_fitted_and_the_others_are_held():
    fitted = fit_added(rows("A", 20), "apart", BEFORE)
    assert fitted.weights["cosine"] == BEFORE.weights["cosine"] and fitted.bias == BEFORE.bias
    assert fitted.weights["apart"] < -1.0


def test_the_added_feature_breaks_the_ties_the_model_before_it_left():
    held = rows("B", 5)
    model = fit_added(rows("A", 20), "apart", BEFORE)
    assert top1(held, model.probability) == (5, 5)
    # before: every candidate scored alike, the first of each item (the answer) kept by max()
    reversed_rows = [r for pair in zip(held[1::2], held[::2]) for r in pair]
    assert top1(reversed_rows, model.probability) == (5, 5)
    assert top1(reversed_rows, lambda f: BEFORE.probability({"cosine": f["cosine"]}))[0] == 0
