"""The web UI's API through gradio_client, against the real app over a small ingested corpus.

The app runs in its own process (tests/conftest_app.py): real model, real Chroma, real Gradio.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

import pytest

from tests.conftest_app import ROOT, SAMPLE_FILES, start_app, stop_app

pytestmark = pytest.mark.slow

SAMPLE_NAMES = {path.name for path in SAMPLE_FILES}


@pytest.fixture(scope="module")
def client(app_server):
    from gradio_client import Client

    return Client(app_server.url, verbose=False)


def ask(client, question, **kwargs) -> dict:
    return json.loads(client.predict(question=question, api_name="/ask", **kwargs))


def test_api_lists_the_ask_documents_stats_and_admin_endpoints(client):
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert {"/ask", "/documents", "/stats", "/ingest", "/remove"} <= set(endpoints)


def test_ask_returns_an_answer_citing_the_ingested_minutes(client):
    answer = ask(client, "What was resolved about the Children's Trust update?")
    assert not answer["abstained"]
    assert answer["citations"], answer
    first = answer["citations"][0]
    assert first["source"] in SAMPLE_NAMES and first["meeting_date"] == "2020-12-09"
    assert "[1]" in answer["answer"] or "[" in answer["answer"]
    assert answer["backend"] == "extractive"


def test_follow_up_is_rewritten_from_the_history(client):
    first = ask(client, "What did the Cabinet Member for Children's Wellbeing report about Ofsted?")
    history = [{"role": "user", "content": first["question"]},
               {"role": "assistant", "content": first["answer"]}]
    follow = ask(client, "What about the budget?", history=history)
    assert follow["standalone_query"] != "What about the budget?"
    assert follow["passages"]


def test_filters_narrow_the_passages_to_one_meeting(client):
    answer = ask(client, "What was discussed?", date_from="2018-12-12", date_to="2018-12-12")
    assert answer["filters"]["date_from"] == "2018-12-12"
    assert answer["passages"]
    assert {p["meeting_date"] for p in answer["passages"]} == {"2018-12-12"}


def test_a_malformed_date_is_a_clear_error(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="is not a date written YYYY-MM-DD"):
        ask(client, "What was decided?", date_from="last week")


def test_a_question_the_records_do_not_answer_abstains_with_closest_passages(client):
    answer = ask(client, "What is the opening time of the municipal swimming pool on Sundays?")
    assert answer["abstained"] and not answer["citations"]


def test_stats_and_documents_describe_the_index_and_the_backend(client):
    stats = json.loads(client.predict(api_name="/stats"))
    assert stats["backend"] == "extractive" and stats["files"] >= 2
    assert "2020-12-09" in stats["meetings"]
    documents = json.loads(client.predict(api_name="/documents"))
    minutes = [d for d in documents if d["source"] == "003_73fbab55bc149f05.txt"]
    assert minutes and minutes[0]["doc_type"] == "minutes" and minutes[0]["meeting_date"] == "2020-12-09"


def test_upload_ingests_a_file_and_remove_forgets_it(client, tmp_path):
    from gradio_client import handle_file

    paper = tmp_path / "allotments-report.txt"
    paper.write_text("ALLOTMENTS SUB-COMMITTEE\nREPORT ON ALLOTMENT WAITING LISTS\n\n"
                     "The waiting list for allotments in the Kingfisher ward rose to 412 households.\n")
    message = client.predict([handle_file(str(paper))], api_name="/ingest")[0]
    assert "Added" in message and "allotments-report.txt" in message
    documents = json.loads(client.predict(api_name="/documents"))
    stored = [d for d in documents if d["source"] == "allotments-report.txt"]
    assert stored
    answer = ask(client, "How many households were on the allotment waiting list in Kingfisher ward?")
    assert any(c["source"] == "allotments-report.txt" for c in answer["citations"])

    removed = client.predict(stored[0]["path"], api_name="/remove")[0]
    assert "Removed allotments-report.txt" in removed
    documents = json.loads(client.predict(api_name="/documents"))
    assert not [d for d in documents if d["source"] == "allotments-report.txt"]


@pytest.mark.parametrize("name, content", [("tool.exe", b"MZ\x00\x00"), ("notes.csv", b"a,b\n")])
def test_upload_refuses_unsupported_types(client, tmp_path, name, content):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(AppError, match="Invalid file type"):
        client.predict([handle_file(str(path))], api_name="/ingest")
    documents = json.loads(client.predict(api_name="/documents"))
    assert name not in {d["source"] for d in documents}


def test_removing_a_path_that_is_not_indexed_is_refused(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="That file is not in the index"):
        client.predict("/etc/passwd", api_name="/remove")
    assert json.loads(client.predict(api_name="/stats"))["files"] >= 2


def test_page_and_config_load_nothing_from_the_internet(app_server):
    with urllib.request.urlopen(app_server.url, timeout=10) as response:
        page = response.read().decode()
    with urllib.request.urlopen(app_server.url + "config", timeout=10) as response:
        config = json.loads(response.read())
    assert config["analytics_enabled"] is False
    for host in ("googleapis", "gstatic", "cdn.jsdelivr", "unpkg", "api.gradio.app"):
        assert host not in page


def test_load_test_with_five_users_answers_every_question(app_server):
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "loadtest.py"), "--url", app_server.url,
         "--users", "5", "--turns", "2", "--json"],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    summary = json.loads(result.stdout)
    assert result.returncode == 0, summary["error_messages"]
    assert summary["answered"] == 10 and summary["errors"] == 0
    assert 0 < summary["p50"] <= summary["p95"] <= summary["max"]


def test_non_loopback_host_without_users_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINUTES_")}
    env.update(MINUTES_HOST="0.0.0.0", MINUTES_DATA_DIR=str(tmp_path / "data"), MINUTES_CONFIG=os.devnull)
    result = subprocess.run([sys.executable, str(ROOT / "app.py")], capture_output=True, text=True,
                            timeout=120, cwd=ROOT, env=env)
    assert result.returncode == 2
    assert "Refusing to serve on 0.0.0.0 without login" in result.stderr


@pytest.fixture(scope="module")
def auth_app(tmp_path_factory):
    """The app with login on: 'clerk' is an admin, 'member' is not (an empty index)."""
    root = tmp_path_factory.mktemp("auth")
    users = root / "users.txt"
    users.write_text("clerk:clerk-pw:admin\nmember:member-pw\n")
    app = start_app([], root / "data", env={"MINUTES_AUTH_FILE": str(users)})
    yield app
    stop_app(app)


def test_login_is_required_when_users_are_configured(auth_app):
    from gradio_client import Client

    with pytest.raises(Exception):
        Client(auth_app.url, verbose=False).predict(api_name="/stats")
    with pytest.raises(Exception):
        Client(auth_app.url, auth=("member", "wrong"), verbose=False)


def test_only_admins_may_upload(auth_app, tmp_path):
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    paper = tmp_path / "note.txt"
    paper.write_text("A short note for the committee about street lighting in the ward.\n")
    member = Client(auth_app.url, auth=("member", "member-pw"), verbose=False)
    assert json.loads(member.predict(api_name="/stats"))["files"] == 0
    with pytest.raises(AppError, match="Only an administrator"):
        member.predict([handle_file(str(paper))], api_name="/ingest")
    with pytest.raises(AppError):
        member.predict("/etc/passwd", api_name="/remove")
    clerk = Client(auth_app.url, auth=("clerk", "clerk-pw"), verbose=False)
    assert "Added" in clerk.predict([handle_file(str(paper))], api_name="/ingest")[0]
