"""The sentence scorer of the extractive backend: a logistic regression over sentence features.

The features (``_Candidate.features`` in ``extractive``) say how well a sentence matches the
question: meaning (embedding cosine), shared terms (overall, its focus stressed, its head noun),
its passage's rank, whether it holds a new thing of the kind asked for, whether it merely
restates the question, whether it meets the question's constraints, whether it opens its passage,
and for a number or date question how much of the question it holds away from its figures and
dates (``apart``).
Their weights are data, ``answer_weights.json``, fitted by ``scripts/fit_answer_weights.py`` with
leave-one-council-out cross-validation on the development suites (the file records the
out-of-fold figures); hand-set weights are what the fit replaced.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

WEIGHTS_FILE = Path(__file__).with_name("answer_weights.json")


@dataclass(frozen=True)
class AnswerModel:
    """Weights and bias of the logistic regression, by feature name."""

    weights: dict[str, float]
    bias: float

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> "AnswerModel":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls({name: float(w) for name, w in data["weights"].items()}, float(data["bias"]))

    def log_odds(self, features: dict[str, float], without: frozenset[str] = frozenset()) -> float:
        """The model's log-odds that the sentence answers the question (the linear predictor),
        leaving out the features named in ``without``.

        A feature the weights do not name is refused (KeyError): a silent zero weight would hide
        a renamed feature.
        """
        return self.bias + sum(self.weights[name] * value for name, value in features.items()
                               if name not in without)

    def probability(self, features: dict[str, float], without: frozenset[str] = frozenset()) -> float:
        """The model's probability that the sentence answers the question (``without``: as in
        ``log_odds``)."""
        z = self.log_odds(features, without)
        return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0


ANSWER_MODEL = AnswerModel.load()
