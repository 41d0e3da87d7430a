"""The fitting script: a new feature's weight fitted alone, the others held; the abstention fit
reading several plans."""

import json
import shutil
from pathlib import Path

import pytest

from assistant.backends.abstention import FEATURES, WEIGHTS_FILE as ABSTAIN_FILE
from assistant.backends.answer_model import AnswerModel
from scripts import fit_answer_weights
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


def abstention_rows(council: str) -> list[dict]:
    """A council's items: answerable ones whose best sentence matches, unanswerable ones that miss the year."""
    def row(i: int, unanswerable: bool) -> dict:
        values = {name: 0.0 for name in FEATURES}
        values.update(evidence=0.2 if unanswerable else 0.8, year_miss=float(unanswerable and i % 4 != 0))
        return {"council": council, "item": f"{council}/{i}", "type": "fact", "route": "retrieval",
                "features": values, "label": unanswerable, "abstained": False, "right": not unanswerable}
    return [row(i, False) for i in range(30)] + [row(i, True) for i in range(30, 38)]


def test_the_abstention_fit_reads_every_plan_each_from_its_own_data_dir(tmp_path, monkeypatch):
    read = []

    def collect(plan, data_dir, councils=None):
        read.append((plan, data_dir))
        return abstention_rows(plan.stem)

    monkeypatch.setattr(fit_answer_weights, "collect_items", collect)
    out = tmp_path / "abstain_weights.json"
    shutil.copy(ABSTAIN_FILE, out)
    fit_answer_weights.main(["--abstention", "--plan", "a.toml", "--data-dir", "/tmp/a",
                             "--plan", "b.toml", "--data-dir", "/tmp/b", "--out", str(out)])
    assert read == [(Path("a.toml"), Path("/tmp/a")), (Path("b.toml"), Path("/tmp/b"))]
    fitted = json.loads(out.read_text())
    assert sorted(fitted["out_of_fold"]) == ["a", "b"] and fitted["rows"] == 76


def test_an_abstention_fit_into_a_new_file_is_compared_with_the_shipped_weights(tmp_path, monkeypatch):
    monkeypatch.setattr(fit_answer_weights, "collect_items", lambda plan, data_dir, councils=None:
                        abstention_rows(plan.stem))
    out = tmp_path / "trial.json"  # does not exist yet
    fit_answer_weights.main(["--abstention", "--plan", "a.toml", "--data-dir", "/tmp/a",
                             "--plan", "b.toml", "--data-dir", "/tmp/b", "--out", str(out)])
    fitted = json.loads(out.read_text())
    assert set(fitted["out_of_fold"]["a"]["before"]) >= {"abstained", "false_abstention"}


def test_a_plan_without_its_data_dir_is_refused():
    with pytest.raises(SystemExit):
        fit_answer_weights.main(["--abstention", "--plan", "a.toml", "--plan", "b.toml",
                                 "--data-dir", "/tmp/a"])


def test_an_item_asked_of_two_councils_counts_once_for_each():
    # the four-month Limerick suite runs on the whole archive too: the same item name, other candidates
    held = [{"council": "A", "item": "s/1", "label": True, "features": {"cosine": 0.9}},
            {"council": "A", "item": "s/1", "label": False, "features": {"cosine": 0.1}},
            {"council": "B", "item": "s/1", "label": True, "features": {"cosine": 0.2}},
            {"council": "B", "item": "s/1", "label": False, "features": {"cosine": 0.8}}]
    assert top1(held, lambda f: f["cosine"]) == (1, 2)


def test_the_sentence_fit_records_its_command_rows_and_out_of_fold_figures(tmp_path, monkeypatch):
    monkeypatch.setattr(fit_answer_weights, "collect", lambda plan, data_dir: rows(plan.stem, 10))
    out = tmp_path / "answer_weights.json"
    out.write_text(json.dumps({"weights": {"cosine": 2.0, "apart": 0.0}, "bias": -1.0}))
    argv = ["--plan", "a.toml", "--data-dir", "/tmp/a", "--plan", "b.toml", "--data-dir", "/tmp/b",
            "--out", str(out)]
    fit_answer_weights.main(argv)
    fitted = json.loads(out.read_text())
    assert fitted["command"] == "scripts/fit_answer_weights.py " + " ".join(argv)
    assert fitted["rows"] == 40
    # each council held out in turn: the other's rows teach that apart marks the wrong sentence
    assert fitted["out_of_fold"]["a"] == {"items": 10, "top1_fitted": 1.0, "top1_before": 1.0}
    assert fitted["weights"]["apart"] < 0


def figure_rows(council: str, n: int) -> list[dict]:
    """Items of one answer holding a new figure and four wrong sentences, one of which holds a
    figure too; every sentence at the same cosine."""
    out = []
    for i in range(n):
        item = f"{council}/{i}"
        out.append({"council": council, "item": item, "label": True,
                    "features": {"cosine": 0.5, "new_figure": 1.0, "apart": 0.0}})
        for wrong in range(4):
            out.append({"council": council, "item": item, "label": False,
                        "features": {"cosine": 0.5, "new_figure": float(wrong == 0), "apart": 0.0}})
    return out


def test_a_per_item_fit_weighs_what_tells_the_answer_from_its_items_other_sentences():
    fitted = fit_added(figure_rows("A", 20), ["new_figure", "apart"], BEFORE, per_item=True)
    assert fitted.weights["cosine"] == BEFORE.weights["cosine"] and fitted.bias == BEFORE.bias
    # the answer and one wrong sentence hold a figure: half the softmax's mass at best, so a
    # clearly positive weight; ``apart`` never differs and stays at nothing
    assert fitted.weights["new_figure"] > 1.0 and abs(fitted.weights["apart"]) < 1e-3
    held = figure_rows("B", 5)
    assert top1(held, fitted.probability) == (5, 5)  # the first of the two tied figures: the answer
    assert top1(held[::-1], lambda f: BEFORE.probability({"cosine": f["cosine"]}))[0] == 0
