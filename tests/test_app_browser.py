"""The web UI in headless Chromium: ask, read the cited sources, filter, follow up, upload.

Drives the real app (tests/conftest_app.py) with Debian's chromium through Playwright and saves
screenshots to test-artifacts/ for a person to look at. Every test also checks that the page
asked nothing of any host but the app's own.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest_app import start_app, stop_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ANSWER_TIMEOUT = 120_000

pytestmark = [
    pytest.mark.browser, pytest.mark.slow,
]

SCRIPT_PAPER = """PARKS AND PLAYGROUNDS COMMITTEE
REPORT ON PLAYGROUND SAFETY INSPECTIONS

<script>window.__xss = 1;</script>
<img src=x onerror="window.__xss = 2">
The annual playground inspection found that the zip wire at Elm Park needs a new brake unit.
The inspector recommended closing the zip wire until the brake unit is replaced.
"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_server):
    """A fresh page on the app; fails the test if it requested anything from another host."""
    context = browser.new_context(viewport={"width": 1400, "height": 950},
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    foreign: list[str] = []
    page.on("request", lambda request: foreign.append(request.url)
            if urlparse(request.url).hostname not in ("127.0.0.1", None) else None)
    page.goto(app_server.url)
    page.wait_for_selector(".welcome")
    yield page
    context.close()
    assert not foreign, f"requests to other hosts: {foreign}"


def ask(page, question: str) -> None:
    turns = page.locator(".turn").count()
    page.locator("#question textarea").fill(question)
    page.locator("#ask-button").click()
    page.wait_for_function(
        "n => document.querySelectorAll('.turn').length > n && "
        "!document.querySelector('.turn:last-child .pending')", arg=turns, timeout=ANSWER_TIMEOUT)


def last_answer(page):
    return page.locator(".turn").last.locator(".answer")


def choose(page, elem_id: str, option: str) -> None:
    """Pick an option of a Gradio dropdown."""
    page.locator(f"#{elem_id} input").click()
    page.locator("ul[role=listbox] li", has_text=option).first.click()


def test_welcome_offers_example_questions_that_ask_when_clicked(page, artifacts_dir):
    examples = page.locator("[data-example]")
    assert examples.count() >= 3
    assert "9 December 2020" in examples.first.inner_text()
    page.screenshot(path=artifacts_dir / "app-welcome.png")
    question = examples.first.inner_text()
    examples.first.click()
    page.wait_for_selector(".turn .answer .card", timeout=ANSWER_TIMEOUT)
    assert page.locator(".turn .question").inner_text() == question


def test_a_question_gets_a_cited_answer_with_numbered_source_cards(page, artifacts_dir):
    ask(page, "What was resolved about the Children's Trust update?")
    answer = last_answer(page)
    assert answer.locator(".cite-ref").count() >= 1
    cards = answer.locator(".card")
    assert cards.count() >= 1
    first = cards.first
    assert first.locator(".cite-n").inner_text() == "1"
    text = first.inner_text()
    assert "Action Notes of the meeting of 9 December 2020" in text
    assert "Meeting 9 December 2020" in text and "Item 5" in text
    assert first.locator("mark.support").count() >= 1          # supporting sentences highlighted
    how = answer.locator("details.how")
    assert how.get_attribute("open") is None                   # collapsed
    page.screenshot(path=artifacts_dir / "app-answer.png", full_page=False)
    how.locator("summary").click()
    assert "Search query" in how.inner_text() and answer.locator("table.scores tr").count() > 1
    answer.screenshot(path=artifacts_dir / "app-how-i-searched.png")


def test_opening_a_citation_shows_the_whole_document_at_the_passage(page, artifacts_dir):
    ask(page, "What was resolved about the Children's Trust update?")
    last_answer(page).locator(".card").first.click()
    viewer = page.locator("#viewer")
    viewer.locator("mark.passage").wait_for()
    assert "Action Notes of the meeting of 9 December 2020" in viewer.locator(".viewer-title").inner_text()
    body_text = viewer.locator(".viewer-body").inner_text()
    assert body_text.startswith("BIRMINGHAM CITY COUNCIL")        # the whole document
    page.wait_for_timeout(500)
    in_view = page.evaluate("""() => {
        const mark = document.querySelector('#viewer #passage').getBoundingClientRect();
        const body = document.querySelector('#viewer .viewer-body').getBoundingClientRect();
        return mark.top >= body.top - 1 && mark.top < body.bottom; }""")
    assert in_view, "the viewer did not scroll to the cited passage"
    page.screenshot(path=artifacts_dir / "app-viewer.png")


def test_a_document_type_filter_narrows_the_search(page, artifacts_dir):
    choose(page, "filter-doc-type", "Cabinet member report")
    ask(page, "What did the report say about Ofsted inspections?")
    answer = last_answer(page)
    types = answer.locator(".card .doc-type").all_inner_texts()
    assert types and set(types) == {"Cabinet member report"}
    answer.locator("details.how summary").click()
    assert "doc type: cabinet_member_report" in answer.locator("details.how").inner_text()
    page.screenshot(path=artifacts_dir / "app-filter.png")


def test_a_follow_up_question_is_answered_in_context(page, artifacts_dir):
    ask(page, "What did the Cabinet Member for Children's Wellbeing say about Ofsted?")
    ask(page, "And what about the budget?")
    assert page.locator(".turn").count() == 2
    answer = last_answer(page)
    answer.locator("details.how summary").click()
    query = answer.locator("details.how dd").first.inner_text()
    assert query != "And what about the budget?" and "budget" in query.lower()
    page.screenshot(path=artifacts_dir / "app-follow-up.png")


def test_copy_as_markdown_puts_the_answer_and_its_sources_on_the_clipboard(page):
    ask(page, "What was resolved about the Children's Trust update?")
    last_answer(page).locator("button.copy").click()
    page.wait_for_function("() => document.querySelector('.turn:last-child button.copy').textContent === 'Copied'")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("**Q:** What was resolved about the Children's Trust update?")
    assert "**Sources**" in copied and re.search(r"^1\. Action Notes", copied, re.M)


def test_a_question_the_records_do_not_answer_gets_a_friendly_message(page, artifacts_dir):
    ask(page, "What is the opening time of the municipal swimming pool on Sundays?")
    answer = last_answer(page)
    assert "The records I have don't answer this." in answer.inner_text()
    page.screenshot(path=artifacts_dir / "app-no-answer.png")


def test_decisions_tab_lists_decisions_that_open_their_passage(page, artifacts_dir):
    page.get_by_role("tab", name="Decisions").click()
    table = page.locator("#decisions-table")
    table.get_by_text("The action notes of the 28th October 2020 were agreed").first.click()
    viewer = page.locator("#decision-viewer")
    viewer.locator("mark.support").first.wait_for()
    assert "28th October 2020 were agreed" in viewer.locator("mark.support").first.inner_text()
    page.locator("#decisions-search input, #decisions-search textarea").first.fill("Corporate Parenting")
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.querySelector('#decisions-table').innerText.includes('28th October 2020 were agreed')")
    assert "Corporate Parenting" in table.inner_text()
    page.screenshot(path=artifacts_dir / "app-decisions.png")


def test_decisions_tab_shows_every_column_at_full_width(page, artifacts_dir):
    page.get_by_role("tab", name="Decisions").click()
    table = page.locator("#decisions-table")
    table.get_by_text("28th October 2020 were agreed").first.wait_for()
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts() if h.strip()]
    assert headers == ["Meeting", "Body", "Item", "Decision", "Outcome", "Votes", "Proposer", "Seconder",
                       "Source"]
    # Full width: as wide as the tab's own row of filters (the page beside the sidebar).
    panel = page.locator("#decisions-filters").bounding_box()["width"]
    assert table.bounding_box()["width"] >= 0.97 * panel
    assert panel >= 0.7 * page.evaluate("() => document.documentElement.clientWidth")
    table.get_by_text("28th October 2020 were agreed").first.click()
    page.locator("#decision-detail .decision-text").wait_for()
    detail = page.locator("#decision-detail").inner_text()
    assert "28th October 2020 were agreed" in detail
    for fact in ("9 December 2020", "Scrutiny Committee", "ACTION NOTES", ".txt", "agreed"):
        assert fact in detail, fact
    page.locator("#decisions-pictures").get_by_text("Pictures").click()
    page.locator("#decisions-per-meeting .js-plotly-plot").wait_for()
    page.screenshot(path=artifacts_dir / "app-decisions-full-width.png", full_page=True)


# One Irish council's minutes whose motions are printed "On the proposal of X, seconded by Y ... the
# following Motion was agreed" (tests/fixtures/limerick), read with that council's example files.
MOTIONS_FOLDER = (Path(__file__).parent / "fixtures" / "limerick" / "2016" / "12"
                  / "13-Monthly Meeting of the Municipal District of Adare-Rathkeale")
EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


@pytest.fixture(scope="module")
def motions_app(tmp_path_factory):
    """The app over that folder (minutes and the portal's README), with the council's body list."""
    base = tmp_path_factory.mktemp("motions")
    config = base / "minutes.toml"
    config.write_text(f'committee_aliases_file = "{EXAMPLES / "limerick-committee-aliases.toml"}"\n'
                      f'conventions_file = "{EXAMPLES / "conventions-irish.toml"}"\n', encoding="utf-8")
    app = start_app(["--ingest", str(MOTIONS_FOLDER)], base / "data", env={"MINUTES_CONFIG": str(config)})
    yield app
    stop_app(app)


def test_decisions_tab_shows_proposer_seconder_and_outcome_of_a_motion(browser, motions_app, artifacts_dir):
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    page.goto(motions_app.url)
    page.get_by_role("tab", name="Decisions").click()
    table = page.locator("#decisions-table")
    page.wait_for_function("() => (document.querySelector('#decisions-table tbody') || {}).textContent"
                           "?.includes('Ballycullen House')")
    # The table as a reader sees it, a cell a line (empty cells print nothing; the table's hidden
    # sizing row is not shown): each decision is followed by its outcome, proposer and seconder.
    shown = [line.strip() for line in table.inner_text().splitlines() if line.strip()]
    for words, outcome in (("Ballycullen House", "agreed"), ("adjourned for 10 minutes", "deferred")):
        at = next(i for i, line in enumerate(shown) if words in line)
        # date, body and (when the minutes print one) the item, then the decision
        row_start = shown[at - 3:at] if shown[at - 3] == "2016-11-14" else shown[at - 2:at]
        assert row_start[:2] == ["2016-11-14", "Municipal District of Adare-Rathkeale"], shown
        assert [s.replace("’", "'") for s in shown[at + 1:at + 4]] == [outcome, "Sheahan", "O'Brien"], shown
    page.screenshot(path=artifacts_dir / "app-decisions-motions.png", full_page=True)
    context.close()


def test_people_tab_shows_a_members_meetings_and_attendance_chart(page, artifacts_dir):
    page.get_by_role("tab", name="People").click()
    page.locator("#people-choice input").click()
    option = page.locator("ul[role=listbox] li").first
    name = option.inner_text().strip()
    option.click()
    person = page.locator("#people-page .person")
    person.wait_for()
    assert name.split(" (")[0] in person.locator(".viewer-title").inner_text()
    assert person.locator("table.person-meetings tbody tr").count() >= 1
    chart_shown(page, "people-chart", "Meetings of", artifacts_dir / "app-people.png")


def chart_shown(page, elem_id: str, title: str, screenshot) -> None:
    """Wait for a Plotly chart in ``#elem_id``, check its title, save a screenshot of the page."""
    page.locator(f"#{elem_id} .js-plotly-plot").wait_for()
    assert title in page.locator(f"#{elem_id}").inner_text()
    page.screenshot(path=screenshot, full_page=True)


def test_track_tab_shows_a_topics_meetings_as_a_timeline(page, artifacts_dir):
    page.get_by_role("tab", name="Track a topic").click()
    page.locator("#track-topic textarea, #track-topic input").first.fill("Corporate Parenting")
    page.locator("#track-button").click()
    page.locator("#track-list .timeline-entry").first.wait_for()
    assert "corporate parenting" in page.locator("#track-list").inner_text().lower()
    chart_shown(page, "track-chart", "across meetings", artifacts_dir / "app-track.png")


def test_watch_tab_keeps_a_standing_question_and_reports_on_it(page, artifacts_dir):
    page.get_by_role("tab", name="Watch").click()
    page.locator("#watch-question textarea, #watch-question input").first.fill("What is new on the Children's Trust?")
    page.locator("#watch-add").click()
    page.locator("#watch-list .card-title", has_text="Children's Trust").first.wait_for()
    page.locator("#watch-run").click()
    page.locator("#watch-list", has_text="new passages").wait_for()
    page.screenshot(path=artifacts_dir / "app-watch.png", full_page=True)


def test_uploaded_document_with_script_is_shown_as_text_and_never_runs(page, artifacts_dir, tmp_path):
    paper = tmp_path / "playground-safety.txt"
    paper.write_text(SCRIPT_PAPER)
    page.get_by_role("tab", name="Documents").click()
    page.locator("#upload input[type=file]").set_input_files(str(paper))
    page.locator("#ingest-button").click()
    page.locator("#ingest-result").get_by_text("Added").wait_for(timeout=ANSWER_TIMEOUT)
    assert "playground-safety.txt" in page.locator("#ingest-result").inner_text()
    page.locator("#documents-table").get_by_text("playground-safety.txt").first.wait_for()
    page.screenshot(path=artifacts_dir / "app-upload.png")

    page.get_by_role("tab", name="Ask").click()
    ask(page, "What did the playground inspection find about the zip wire at Elm Park?")
    card = last_answer(page).locator(".card", has_text="playground-safety.txt").first
    card.wait_for()
    card.click()
    page.locator("#viewer mark.passage").wait_for()
    page.wait_for_timeout(300)
    viewer_text = page.locator("#viewer .viewer-body").inner_text()
    assert "<script>window.__xss = 1;</script>" in viewer_text
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("#viewer img, #conversation img").count() == 0
    page.screenshot(path=artifacts_dir / "app-script-as-text.png")
