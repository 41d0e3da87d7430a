"""The web UI under hostile input (issue #11, failures 6 and 7, and the API fuzz run).

In-process first (the Blocks app over a real index with the fake embedder, its handlers called
as Gradio calls them), then end to end through gradio_client against a real server with login on:
non-admin users never receive server paths, and no traceback reaches any client.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import time

import pytest

from tests.conftest_app import SAMPLE_FILES, start_app, stop_app

CLERK, MEMBER = ("clerk", "clerk-pw"), ("member", "member-pw")
# What a leaked traceback or exception looks like in a message.
LEAK = re.compile(r"Traceback|File \"|\b[A-Z]\w+(?:Error|Exception)\b: |object has no attribute")


def paths_in(value, paths) -> list[str]:
    text = json.dumps(value, default=repr)
    return [p for p in paths if p in text]


# -- in process ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The Blocks app with logins on over one ingested sample file; its handlers by name."""
    import gradio as gr

    from assistant.factory import build_assistant
    from minutes_app.auth import Authenticator, User
    from minutes_app.ui.app import build_app
    from minutes_core.settings import Settings
    from tests.conftest_vectorstore import FakeEmbedder
    from vectorstore.index import Index
    from vectorstore.ingestion import Ingester

    root = tmp_path_factory.mktemp("app-hostile")
    papers = root / "papers"
    papers.mkdir()
    shutil.copy(SAMPLE_FILES[0], papers / "minutes.txt")
    settings = Settings(data_dir=root / "data")
    index = Index(settings, embedder=FakeEmbedder())
    Ingester(settings, index).ingest([papers], progress=False)
    auth = Authenticator({"clerk": User("clerk", "clerk-pw", True),
                          "member": User("member", "member-pw", False)})
    demo = build_app(settings, assistant=build_assistant(settings, index=index), index=index, auth=auth)
    handlers = {fn.name: fn.fn for fn in demo.fns.values()}
    secrets = [str(root), str(papers / "minutes.txt")]
    yield demo, handlers, secrets, gr
    index.close()


def test_the_page_config_every_user_fetches_holds_no_server_path(app):
    demo, _, secrets, _ = app
    assert paths_in(demo.get_config_file(), secrets) == []


@pytest.mark.parametrize("user, sees_paths", [("member", False), ("clerk", True)])
def test_only_an_admin_page_load_receives_the_files_and_their_paths(app, user, sees_paths):
    _, handlers, secrets, gr = app
    outputs = handlers["on_load"](gr.Request(username=user))
    assert bool(paths_in([repr(o) for o in outputs], secrets)) is sees_paths


@pytest.mark.parametrize("user, sees_paths", [("member", False), ("clerk", True)])
def test_documents_and_ask_api_hand_out_paths_to_admins_only(app, user, sees_paths):
    _, handlers, secrets, gr = app
    request = gr.Request(username=user)
    documents = json.loads(handlers["documents_json"](request=request))
    assert documents and all(d["source"] for d in documents)
    answer = json.loads(handlers["ask_question"]("What was resolved about the work programme?", request=request))
    assert answer["passages"]
    assert bool(paths_in(documents, secrets)) is sees_paths
    assert bool(paths_in(answer, secrets)) is sees_paths


@pytest.mark.parametrize("history, message", [
    ("What about the budget?", "The history must be a list"),
    ([{"role": "user"}], "History turn 1 must be"),
    ([["user", "hi"]], "History turn 1 must be"),
])
def test_a_malformed_history_through_the_api_is_one_clear_message(app, history, message):
    _, handlers, _, gr = app
    with pytest.raises(gr.Error, match=message) as raised:
        handlers["ask_question"]("What was resolved?", history=history, request=gr.Request(username="member"))
    assert not LEAK.search(str(raised.value))


def test_a_megabyte_question_through_the_api_is_refused_at_once(app):
    _, handlers, _, gr = app
    started = time.perf_counter()
    with pytest.raises(gr.Error, match="1,000,000 characters long; the limit is 2,000"):
        handlers["ask_question"]("why " * 250_000, request=gr.Request(username="member"))
    assert time.perf_counter() - started < 1.0  # generous; the benchmark measures it


def test_an_unexpected_failure_reaches_the_client_as_an_apology_without_details(app, monkeypatch):
    _, handlers, _, gr = app
    from minutes_app.ui.guard import user_error

    @user_error
    def broken():
        return "x".content  # the kind of bug the issue saw leak: AttributeError

    with pytest.raises(gr.Error, match="Something went wrong on the server") as raised:
        broken()
    assert not LEAK.search(str(raised.value))


# -- end to end, with a real server ---------------------------------------------------------------

@pytest.fixture(scope="module")
def auth_server(tmp_path_factory):
    """The app with login on ('clerk' admin, 'member' not) over one ingested sample file."""
    root = tmp_path_factory.mktemp("auth-hostile")
    users = root / "users.txt"
    users.write_text("clerk:clerk-pw:admin\nmember:member-pw\n")
    app = start_app(["--ingest", str(SAMPLE_FILES[0])], root / "data",
                    env={"MINUTES_AUTH_FILE": str(users)})
    yield app
    stop_app(app)


def _questions(rng: random.Random) -> list[tuple[object, object]]:
    """Seeded random and adversarial (question, history) pairs."""
    words = ["what", "which", "who", "decided", "resolved", "about", "the", "meeting", "actions",
             "outstanding", "declared", "interests", "2020", "9 December 2020", "between", "[1]",
             "(", "**", "?", "\t", "é", "’", "<script>", "'; DROP TABLE chunks;--"]
    cases = []
    for _ in range(30):
        question = " ".join(rng.choice(words) for _ in range(rng.randint(0, 60)))
        if rng.random() < 0.15:
            question = "".join(chr(rng.randint(32, 0x2FFF)) for _ in range(rng.randint(0, 80)))
        history = rng.choice([None, [], "hello", [{"role": "user", "content": question}],
                              [{"role": "robot", "content": 1}], [{"content": "x"}] * 3,
                              [{"role": "assistant", "content": "y" * 30_000}]])
        cases.append((question, history))
    return cases


@pytest.mark.slow
def test_a_member_gets_no_server_path_from_the_config_documents_or_answers(auth_server):
    from gradio_client import Client

    member = Client(auth_server.url, auth=MEMBER, verbose=False)
    secrets = [str(auth_server.data_dir), str(SAMPLE_FILES[0])]
    assert paths_in(member.config, secrets) == []
    documents = json.loads(member.predict(api_name="/documents"))
    assert documents and paths_in(documents, secrets) == []
    answer = json.loads(member.predict("What was resolved about the work programme?", api_name="/ask"))
    assert answer["passages"] and paths_in(answer, secrets) == []
    clerk = Client(auth_server.url, auth=CLERK, verbose=False)
    assert paths_in(json.loads(clerk.predict(api_name="/documents")), secrets)


@pytest.mark.slow
def test_fuzzed_api_calls_get_an_answer_or_one_clear_message(auth_server):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    member = Client(auth_server.url, auth=MEMBER, verbose=False)
    answered = refused = 0
    for question, history in _questions(random.Random(11)):
        try:
            answer = json.loads(member.predict(question, history, api_name="/ask"))
        except AppError as error:
            assert str(error).strip() and not LEAK.search(str(error)), (question, history, error)
            refused += 1
            continue
        assert isinstance(answer["answer"], str)
        answered += 1
    assert answered and refused
    assert json.loads(member.predict(api_name="/stats"))["files"] == 1, "the server is still well"
    assert "Traceback" not in auth_server.log_text() or "failed" in auth_server.log_text()
