"""report.html rendered in headless Chromium: its tables and charts are there and visible.

The screenshot is saved to test-artifacts/report.png for a person to look at.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from evals.metrics import aggregate, score_item
from evals.report import write_report
from evals.suite import NOT_IN_CORPUS, SuiteItem

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

EVIDENCE = "RESOLVED: That the drainage contract be awarded to Acme Drainage Ltd for £1,200,000."
OTHER = "The committee noted the update on the school meals service and thanked officers."
TYPES = ["fact", "resolution", "date", "number", "cross-document", "unanswerable"]

pytestmark = [
    pytest.mark.browser,
]


def synthetic_rows(seed: int, hit_rate: float) -> list[dict]:
    """24 scored rows over six question types; about hit_rate of them retrieve the evidence."""
    rng = random.Random(seed)
    rows = []
    for n in range(24):
        kind = TYPES[n % len(TYPES)]
        answerable = kind != "unanswerable"
        item = SuiteItem(
            id=f"q{n:03d}", question=f"Question {n} about the drainage contract & <tenders>?",
            answer="Acme Drainage Ltd" if answerable else NOT_IN_CORPUS,
            must_include=["Acme Drainage"] if answerable else [], source_file="a.txt",
            evidence=EVIDENCE if answerable else "", type=kind)
        hit = rng.random() < hit_rate
        texts = [EVIDENCE, OTHER, OTHER] if hit else [OTHER, OTHER + " More.", OTHER]
        passages = [{"text": t, "source": "minutes-2020.pdf", "page": i + 3, "committee": "Scrutiny",
                     "meeting_date": "2020-12-09", "score": 0.9 - i / 10} for i, t in enumerate(texts)]
        abstained = (not answerable and rng.random() < 0.7) or (answerable and not hit and rng.random() < 0.3)
        text = "The records do not say." if abstained else (
            "Acme Drainage Ltd [1]." if hit else "Bloggs Builders [1].")
        answer = {"answer": text, "abstained": abstained, "passages": passages,
                  "citations": [] if abstained else [{"n": 1, **passages[0]}],
                  "timings": {"retrieve": rng.uniform(0.05, 0.4), "answer": rng.uniform(0.01, 0.1)}}
        rows.append({"id": item.id, "question": item.question, "type": kind,
                     "standalone_query": item.question, "passages": passages, "answer": text,
                     "abstained": abstained, "citations": answer["citations"],
                     "metrics": score_item(item, answer, k=3), "timings": answer["timings"],
                     "seconds": sum(answer["timings"].values()),
                     "gold": {"answer": item.answer, "must_include": item.must_include,
                              "evidence": item.evidence}})
    return rows


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    ours, theirs = synthetic_rows(1, 0.8), synthetic_rows(2, 0.4)
    summary = aggregate(ours)
    summary["config"] = {"label": "minutes assistant", "k": 3, "items": len(ours),
                         "backend": "extractive", "suite": "evals/suites/synthetic.jsonl"}
    baseline = aggregate(theirs)
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(path, ours, summary, baseline=baseline)
    return path


def test_report_renders_in_chromium_with_visible_tables_and_charts(report_file):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            requests = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(report_file.as_uri())
            for table in ("#overall-table", "#by-type-table", "#abstention-table", "#latency-table"):
                assert page.locator(table).is_visible(), table
            assert page.locator("#overall-table tbody tr").count() == 9
            assert page.locator("#by-type-table tbody tr").count() == len(TYPES)
            charts = page.locator("figure.bar-chart .js-plotly-plot")
            assert charts.count() >= 4
            assert all(charts.nth(i).is_visible() for i in range(charts.count()))
            overall = page.locator("#overall figure.bar-chart")
            assert overall.locator("g.trace.bars").count() == 2  # ours and the baseline
            assert overall.locator("g.trace.bars g.point path").count() > 0
            assert overall.locator("g.legend text.legendtext").all_text_contents() == ["ours", "naive baseline"]
            histogram = page.locator("figure.histogram .js-plotly-plot")
            assert histogram.is_visible() and histogram.locator("g.trace.bars g.point path").count() > 0
            box = histogram.bounding_box()
            assert box["width"] > 300 and box["height"] > 100
            failures = page.locator("details.failure")
            assert failures.count() > 0
            failures.first.locator("summary").click()
            assert failures.first.locator(".passage").first.is_visible()
            assert "<tenders>" in page.locator("details.failure summary").first.inner_text()
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
            assert requests == [report_file.as_uri()]  # nothing fetched beyond the file itself
        finally:
            browser.close()
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
