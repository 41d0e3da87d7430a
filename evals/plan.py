"""Evaluation across councils: each council's corpus, its suites, and the floors its runs must hold.

A product that promises "point it at your council's papers" is judged on councils it was not tuned
on, so one number over one corpus says little. An eval plan (``evals/plan.toml``) names several
councils, each with a corpus folder and suites in two roles: ``dev`` (used while developing, may be
tuned on) and ``heldout`` (written before looking at the system's answers, never tuned on: the
headline). ``run_plan`` ingests each corpus into its own data directory under
``<data_dir>/eval/<council>`` (incremental, so a second run re-uses the index), runs every suite on
our assistant and on two baselines in the same run — the naive LangChain tutorial set-up
(``evals.baseline``) and a SQLite FTS5 bm25 search (``evals.fts5_baseline``), what civic search sites
do — and writes one summary with the worst council first.

Plan file (TOML; paths relative to the plan file)::

    [[council]]
    name = "Birmingham"
    corpus = "../data/sample"
    suites = [{path = "suites/bundled.jsonl", role = "dev"},
              {path = "suites/heldout.jsonl", role = "heldout"}]
    floor = {heldout = {answer_accuracy = 0.6}}   # optional CI floors per role
    settings = {committee_aliases_file = "..."}   # optional: the council's own configuration

A council's ``settings`` are what a deployment for that council would configure (its list of
bodies, its own wording of conventions); a setting ending in ``_file`` is a path relative to the
plan file.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.factory import build_assistant
from evals.baseline import NaiveRetriever
from evals.fts5_baseline import FTS5Retriever
from evals.runner import run_suite
from evals.suite import load_suite
from minutes_core.settings import Settings
from vectorstore.ingestion import Ingester
from vectorstore.embedder import Embedder
from vectorstore.index import Index

log = logging.getLogger(__name__)

PLAN = Path(__file__).with_name("plan.toml")
PLAN_SUMMARY = "plan-summary.json"
ROLES = ("dev", "heldout")
SETTING_NAMES = frozenset(field.name for field in dataclasses.fields(Settings))
BASELINES = {"naive": "baseline", "fts5": "baseline-fts5"}
"""Each baseline's name and the sub-folder of a suite's output folder its run is written to."""

# The figures the plan summary carries per suite and system, from a run's summary.
HEADLINE = ("hit@5", "mrr@5", "answer_accuracy", "citation_precision", "abstention_accuracy",
            "unanswerable_abstained", "false_abstention", "follow_up_accuracy")
# Figures scored on answerable items only: a suite written to test abstention (unanswerable
# items alone) has none, and a floor on them does not apply to it.
ANSWERABLE_FIGURES = frozenset({"hit@5", "mrr@5", "answer_accuracy", "citation_precision",
                                "false_abstention", "follow_up_accuracy"})


class PlanError(ValueError):
    """A plan file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class SuiteSpec:
    path: Path
    role: str


@dataclass(frozen=True)
class CouncilSpec:
    name: str
    corpus: Path
    suites: tuple[SuiteSpec, ...]
    floor: dict[str, dict[str, float]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        """The council's name as a folder name."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "council"


def load_plan(path: str | Path = PLAN) -> list[CouncilSpec]:
    """The councils of a plan file, with paths resolved; PlanError names what is wrong."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PlanError(f"{path}: cannot read the eval plan ({exc})") from exc
    base = path.parent
    councils = []
    for number, entry in enumerate(data.get("council") or [], start=1):
        where = f"{path}: council {number}"
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("corpus"):
            raise PlanError(f"{where} needs a name and a corpus")
        suites = []
        for suite in entry.get("suites") or []:
            role = suite.get("role", "dev") if isinstance(suite, dict) else None
            if role not in ROLES or not suite.get("path"):
                raise PlanError(f"{where}: each suite needs a path and a role ({', '.join(ROLES)})")
            suites.append(SuiteSpec(base / suite["path"], role))
        floor = entry.get("floor") or {}
        if not isinstance(floor, dict) or any(role not in ROLES or not isinstance(values, dict)
                                              for role, values in floor.items()):
            raise PlanError(f"{where}: 'floor' maps a role ({', '.join(ROLES)}) to metric floors")
        own = entry.get("settings") or {}
        unknown = sorted(set(own) - SETTING_NAMES) if isinstance(own, dict) else None
        if unknown is None or unknown:
            raise PlanError(f"{where}: 'settings' is a table of setting names and values"
                            + (f"; unknown setting {unknown[0]!r}" if unknown else ""))
        councils.append(CouncilSpec(
            name=str(entry["name"]), corpus=base / entry["corpus"], suites=tuple(suites),
            floor={role: {metric: float(value) for metric, value in values.items()}
                   for role, values in floor.items()},
            settings={name: str(base / value) if name.endswith("_file") and value else value
                      for name, value in own.items()}))
    if not councils:
        raise PlanError(f"{path}: the plan names no [[council]]")
    return councils


def headline(summary: dict[str, Any]) -> dict[str, float | None]:
    """The plan's figures from one run's summary (``evals.metrics.aggregate`` shape)."""
    overall = summary.get("overall", {})
    abstention = summary.get("abstention", {})
    answerable = abstention.get("answerable", {})
    unanswerable = abstention.get("unanswerable", {})
    follow_up = summary.get("by_type", {}).get("follow-up", {})

    def share(part: int, counts: dict[str, int]) -> float | None:
        total = counts.get("answered", 0) + counts.get("abstained", 0)
        return part / total if total else None

    figures = {name: overall.get(name) for name in HEADLINE[:5]}
    figures["unanswerable_abstained"] = share(unanswerable.get("abstained", 0), unanswerable)
    figures["false_abstention"] = share(answerable.get("abstained", 0), answerable)
    figures["follow_up_accuracy"] = follow_up.get("answer_accuracy")
    figures["answerable_items"] = answerable.get("answered", 0) + answerable.get("abstained", 0)
    return figures


def run_plan(settings: Settings, councils: list[CouncilSpec], out_dir: str | Path,
             roles: tuple[str, ...] = ROLES, k: int = 5, baselines: bool = True,
             progress: bool = True, embedder: Any = None) -> dict[str, Any]:
    """Ingest each council's corpus, run its suites of the given roles, write the plan summary.

    Returns the summary: per council and suite, ours and each baseline's headline figures, and
    ``worst_first``: the councils ordered by held-out answer accuracy, lowest first.
    """
    out = Path(out_dir)
    embedder = embedder or Embedder(settings)
    results = []
    for council in councils:
        if not council.corpus.is_dir():
            raise PlanError(f"the corpus of {council.name} ({council.corpus}) is not a folder")
        council_settings = settings.replace(data_dir=Path(settings.data_dir) / "eval" / council.slug,
                                            **council.settings)
        index = Index(council_settings, embedder=embedder)
        try:
            # The council's data directory holds its corpus and nothing else (a moved corpus or
            # another checkout's copy would otherwise answer with stale papers).
            report = Ingester(council_settings, index).ingest([council.corpus], progress=progress,
                                                              exclusive=True)
            if report.errors:
                log.warning("%s: %d file(s) not ingested: %s", council.name, len(report.errors),
                            report.errors[:3])
            paths = [record.path for record in index.files()]
            ours = build_assistant(council_settings, index=index)
            systems: dict[str, Any] = {"ours": ours}
            if baselines:
                systems["naive"] = build_assistant(
                    council_settings, index=index,
                    retriever=NaiveRetriever(council_settings, paths, embedder=index.embedder))
                systems["fts5"] = build_assistant(
                    council_settings, index=index, retriever=FTS5Retriever(council_settings, paths))
            suites = []
            for spec in council.suites:
                if spec.role not in roles:
                    continue
                items = load_suite(spec.path)
                target = out / council.slug / spec.path.stem
                summaries: dict[str, Any] = {}
                for name in ("naive", "fts5", "ours"):
                    if name not in systems:
                        continue
                    folder = target if name == "ours" else target / BASELINES[name]
                    summaries[name] = run_suite(
                        systems[name], items, k, folder, progress=progress,
                        label=f"{council.name} {spec.path.stem} ({name})",
                        config={"council": council.name, "suite": str(spec.path), "role": spec.role},
                        baseline=summaries.get("naive") if name == "ours" else None)
                suites.append({
                    "suite": spec.path.stem, "role": spec.role, "items": len(items),
                    "folder": str(target),
                    **{name: headline(summary) for name, summary in summaries.items()},
                    "by_type": {kind: values.get("answer_accuracy") for kind, values
                                in summaries["ours"].get("by_type", {}).items()},
                })
            results.append({"council": council.name, "corpus": str(council.corpus),
                            "files": len(paths), "suites": suites,
                            "floor_failures": floor_failures(council, suites)})
        finally:
            index.close()
    summary = {"k": k, "councils": results, "worst_first": worst_first(results)}
    out.mkdir(parents=True, exist_ok=True)
    (out / PLAN_SUMMARY).write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    return summary


def worst_first(results: list[dict[str, Any]]) -> list[str]:
    """Council names ordered by their held-out answer accuracy (dev where none), lowest first."""
    def key(result: dict[str, Any]) -> float:
        for role in ("heldout", "dev"):
            values = [s["ours"]["answer_accuracy"] for s in result["suites"]
                      if s["role"] == role and s["ours"].get("answer_accuracy") is not None]
            if values:
                return sum(values) / len(values)
        return float("inf")
    return [result["council"] for result in sorted(results, key=key)]


def floor_failures(council: CouncilSpec, suites: list[dict[str, Any]]) -> list[str]:
    """One sentence per figure of a suite below its council's floor for the suite's role (or with
    no value: a run that scored nothing), leaving out answerable-item figures of a suite that has
    no answerable item."""
    failures = []
    for suite in suites:
        for metric, minimum in council.floor.get(suite["role"], {}).items():
            value = suite["ours"].get(metric)
            if metric in ANSWERABLE_FIGURES and suite["ours"].get("answerable_items") == 0:
                continue
            if value is None:
                failures.append(f"{council.name} {suite['suite']}: {metric} has no value")
            elif value < minimum:
                failures.append(f"{council.name} {suite['suite']}: {metric} = {value:.3f} is below "
                                f"the floor {minimum:.3f}")
    return failures
