"""The shipped sentence scorer: its weights load, name every feature a sentence has, and score."""

import json
import math

import pytest

from assistant.backends.answer_model import ANSWER_MODEL, WEIGHTS_FILE, AnswerModel
from assistant.backends.extractive import _Candidate


def candidate(**values) -> _Candidate:
    fields = dict(text="A sentence.", passage=0, position=1, stems=frozenset(), overlap=0.2, support=0.2,
                  rank=0.2, typed=None, restates=False, meets=True, focus=0.0, apart=0.0, cosine=0.2)
    return _Candidate(**{**fields, **values})


def test_the_shipped_weights_name_exactly_the_features_a_sentence_has():
    assert set(ANSWER_MODEL.weights) == set(candidate().features())


def test_the_shipped_weights_score_a_matching_sentence_above_a_weak_one():
    weak = candidate()
    strong = candidate(overlap=0.9, support=0.9, rank=1.0, typed=True, focus=1.0, cosine=0.7)
    assert math.isfinite(weak.score) and math.isfinite(strong.score)
    assert 0.0 < ANSWER_MODEL.probability(weak.features()) < ANSWER_MODEL.probability(strong.features()) < 1.0
    # a sentence without the kind of thing asked for, or stating its figure apart from the question's words
    assert candidate(typed=False).score < weak.score
    assert candidate(apart=0.5).score < weak.score


def test_the_shipped_weights_file_records_how_it_was_fitted():
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert data["rows"] > 0 and "fit_answer_weights" in data["note"]
    folds = data["out_of_fold"].values()
    assert all(fold["items"] > 0 and 0.0 <= fold["top1_fitted"] <= 1.0 for fold in folds)


def test_a_feature_the_weights_do_not_name_is_refused():
    with pytest.raises(KeyError):
        AnswerModel({"cosine": 1.0}, 0.0).log_odds({"cosine": 0.5, "renamed": 1.0})
