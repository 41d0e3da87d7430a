"""Ingest as a user runs it: incremental, idempotent, tolerant of bad files, repairable after kill -9."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vectorstore.ingestion import Ingester
from vectorstore.index import Index
from vectorstore.models import Filters

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
MINUTES_9_DEC = SAMPLE / "003_73fbab55bc149f05.txt"
CABINET_REPORT = SAMPLE / "000_6c07806dc7cc9196.txt"
QUARTET_REPORT = SAMPLE / "004_5bd570638586239f.txt"
PACK_2018 = SAMPLE / "002_be6b55039acfaaad.txt"


def consistent(index: Index) -> tuple[set[str], set[str], set[str]]:
    """Chunk ids in the registry (indexed), in Chroma and in BM25."""
    wanted = {c.id for c in index.registry.indexed_chunks()}
    in_chroma = set(index.chroma.sync_hashes())
    in_bm25 = set(index.registry.keyword_ids())
    return wanted, in_chroma, in_bm25


@pytest.fixture
def papers(tmp_path) -> Path:
    folder = tmp_path / "papers"
    folder.mkdir()
    shutil.copy(MINUTES_9_DEC, folder / "minutes.txt")
    shutil.copy(CABINET_REPORT, folder / "report.txt")
    return folder


def test_reingest_of_unchanged_files_embeds_nothing_and_reports_them_unchanged(make_index, papers):
    index = make_index()
    first = Ingester(index.settings, index).ingest([papers], progress=False)
    assert first.to_dict()["files"]["added"] == 2 and first.embedded == first.chunks > 0
    second = Ingester(index.settings, index).ingest([papers], progress=False).to_dict()
    assert second["files"] == {"added": 0, "unchanged": 2, "replaced": 0, "removed": 0, "failed": 0}
    assert second["embedded"] == 0
    assert second["chunks"] == first.chunks


def test_new_parsing_rules_or_chunk_size_reparse_unchanged_files(make_index, papers, monkeypatch):
    index = make_index()
    first = Ingester(index.settings, index).ingest([papers], progress=False)
    monkeypatch.setattr("vectorstore.ingestion.PARSER_VERSION", "next")
    upgraded = Ingester(index.settings, index).ingest([papers], progress=False).to_dict()
    assert upgraded["files"]["replaced"] == 2 and upgraded["embedded"] == 0, \
        "an upgrade re-parses every file; unchanged chunk texts keep their vectors"
    assert upgraded["chunks"] == first.chunks
    again = Ingester(index.settings, index).ingest([papers], progress=False).to_dict()
    assert again["files"]["unchanged"] == 2

    index.settings.chunk_size //= 2
    smaller = Ingester(index.settings, index).ingest([papers], progress=False).to_dict()
    assert smaller["files"]["replaced"] == 2 and smaller["chunks"] > first.chunks
    wanted, in_chroma, in_bm25 = consistent(index)
    assert wanted == in_chroma == in_bm25


# The registry as the first releases wrote it (schema 1, before files recorded their parser).
SCHEMA_1 = """
CREATE TABLE files (path TEXT PRIMARY KEY, source TEXT NOT NULL, checksum TEXT NOT NULL,
    size INTEGER NOT NULL, ingested_at TEXT NOT NULL);
CREATE TABLE documents (path TEXT NOT NULL, ordinal INTEGER NOT NULL, doc_id TEXT NOT NULL,
    data TEXT NOT NULL, fingerprint TEXT NOT NULL, indexable INTEGER NOT NULL, duplicate_of TEXT,
    alternates TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (path, ordinal));
CREATE INDEX documents_doc_id ON documents (doc_id);
CREATE TABLE chunks (path TEXT NOT NULL, id TEXT NOT NULL, doc_ordinal INTEGER,
    ordinal INTEGER NOT NULL, text TEXT NOT NULL, index_text TEXT NOT NULL,
    metadata TEXT NOT NULL, PRIMARY KEY (path, id));
CREATE INDEX chunks_id ON chunks (id);
CREATE INDEX chunks_document ON chunks (path, doc_ordinal);
CREATE TABLE embeddings (key TEXT PRIMARY KEY, vector BLOB NOT NULL);
PRAGMA user_version=1;
"""


def write_schema_1(index: Index, path: Path) -> None:
    """The index's registry rewritten as schema 1 stored it: texts and full metadata inline."""
    files = index.files()
    chunks = index.registry.chunks_by_rowid(range(1, 10_000))
    documents = index.documents()
    vectors = index.registry._query("SELECT key, vector FROM embeddings")
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA_1)
        db.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?)",
                       [(f.path, f.source, f.checksum, f.size, f.ingested_at) for f in files])
        sketches = {(s.path, s.key[1]): list(s.fingerprint) for s in index.registry.document_sketches()}
        db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
            (d["path"], d["ordinal"], d["doc_id"],
             json.dumps({k: v for k, v in d.items() if k not in ("n_chunks", "duplicate_of", "alternates")}),
             json.dumps(sketches.get((d["path"], d["ordinal"]), [])), int(d["indexable"]),
             d["duplicate_of"], json.dumps(d["alternates"])) for d in documents])
        db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?)", [
            (c.metadata["path"], c.id, c.metadata.get("doc_ordinal"), n, c.text, c.index_text,
             json.dumps({k: v for k, v in c.metadata.items() if k != "alternates"}))
            for n, c in enumerate(chunks)])
        db.executemany("INSERT INTO embeddings VALUES (?, ?)", vectors)


def test_registry_of_schema_1_is_upgraded_in_place_and_searches_the_same(make_index, papers, tmp_path):
    index = make_index()
    Ingester(index.settings, index).ingest([papers], progress=False)
    keyword = [(p.id, p.metadata) for p in index.keyword_search("drainage contract tender", k=5)]
    passages = {p.id: p.to_dict() for p in index.passages_where(Filters())}
    path = index.registry.path
    old = tmp_path / "schema1.sqlite"
    write_schema_1(index, old)
    index.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.move(old, path)
    index = make_index()
    assert {r.parser for r in index.files()} == {""}
    assert {p.id: p.to_dict() for p in index.passages_where(Filters())} == passages
    assert index.sync().keyword_added == len(passages)
    assert not any(index.chroma.collection.get(include=["documents"])["documents"]), "Chroma refilled lean"
    assert [(p.id, p.metadata) for p in index.keyword_search("drainage contract tender", k=5)] == keyword
    report = Ingester(index.settings, index).ingest([papers], progress=False).to_dict()
    assert report["files"]["replaced"] == 2 and report["embedded"] == 0


def test_changed_file_replaces_its_chunks_and_reembeds_only_new_text(make_index, papers, fake_embedder):
    index = make_index()
    Ingester(index.settings, index).ingest([papers], progress=False)
    before = {c.id for c in index.registry.indexed_chunks()}
    target = papers / "minutes.txt"
    target.write_text(target.read_text() + "\n12. ANY OTHER BUSINESS\n\nThe Chair thanked the officers for the quinoa report.\n")
    fake_embedder.embedded.clear()
    report = Ingester(index.settings, index).ingest([papers], progress=False).to_dict()
    assert report["files"]["replaced"] == 1 and report["files"]["unchanged"] == 1
    assert 0 < report["embedded"] < 5, "only the chunks whose text changed are embedded again"
    wanted, in_chroma, in_bm25 = consistent(index)
    assert wanted == in_chroma == in_bm25 and wanted != before
    assert any("quinoa" in p.text for p in index.keyword_search("quinoa report", k=3))


def test_prune_removes_files_no_longer_present(make_index, papers):
    index = make_index()
    Ingester(index.settings, index).ingest([papers], progress=False)
    (papers / "report.txt").unlink()
    kept = Ingester(index.settings, index).ingest([papers], progress=False).to_dict()
    assert kept["files"]["removed"] == 0, "without --prune nothing is forgotten"
    report = Ingester(index.settings, index).ingest([papers], prune=True, progress=False).to_dict()
    assert report["files"]["removed"] == 1
    assert [Path(f.path).name for f in index.files()] == ["minutes.txt"]
    wanted, in_chroma, in_bm25 = consistent(index)
    assert wanted == in_chroma == in_bm25


def test_a_moved_folder_is_reindexed_from_its_cached_vectors_not_embedded_again(make_index, papers, fake_embedder):
    index = make_index()
    Ingester(index.settings, index).ingest([papers], progress=False)
    moved = papers.rename(papers.with_name("papers-2024"))
    fake_embedder.embedded.clear()
    report = Ingester(index.settings, index).ingest([moved], exclusive=True, progress=False).to_dict()
    assert report["files"]["added"] == 2 and report["files"]["removed"] == 2
    assert report["embedded"] == 0 and fake_embedder.embedded == []
    wanted, in_chroma, in_bm25 = consistent(index)
    assert wanted == in_chroma == in_bm25 and len(wanted) == report["chunks"] > 0


def test_a_report_found_standalone_and_inside_a_pack_is_stored_once_with_both_sources(make_index, tmp_path):
    folder = tmp_path / "dup"
    folder.mkdir()
    shutil.copy(QUARTET_REPORT, folder / "quartet.txt")
    shutil.copy(PACK_2018, folder / "pack.txt")
    index = make_index()
    Ingester(index.settings, index).ingest([folder], progress=False)
    documents = index.documents()
    duplicates = [d for d in documents if d.get("duplicate_of")]
    assert len(duplicates) == 1 and duplicates[0]["source"] == "pack.txt"
    canonical = next(d for d in documents if d["source"] == "quartet.txt")
    assert "pack.txt" in canonical["alternates"]
    hits = index.keyword_search("Improvement Quartet motion progress children's social care", k=5)
    assert hits and all(p.source != "pack.txt" or p.title != canonical["title"] for p in hits)


def test_sidecar_metadata_overrides_detection_and_an_edited_sidecar_is_picked_up(make_index, papers):
    sidecar = papers / "report.meta.json"
    sidecar.write_text(json.dumps({"url": "https://example.org/papers/report.pdf",
                                   "meeting_date": "2018-12-12", "title": "Portfolio report"}))
    index = make_index()
    Ingester(index.settings, index).ingest([papers], progress=False)
    passage = index.keyword_search("portfolio priorities Cabinet Member", k=1)[0]
    assert passage.url == "https://example.org/papers/report.pdf" and passage.title == "Portfolio report"
    sidecar.write_text(json.dumps({"url": "https://example.org/v2.pdf"}))
    report = Ingester(index.settings, index).ingest([papers], progress=False).to_dict()
    assert report["files"]["replaced"] == 1
    assert index.keyword_search("portfolio priorities Cabinet Member", k=1)[0].url == "https://example.org/v2.pdf"


BAD_FILES = {
    "empty.txt": b"",
    "blank.md": b"   \n\n  \n",
    "binary.txt": bytes(range(256)) * 4,
    "latin1.txt": "Caf\xe9 minutes".encode("latin-1"),
    "truncated.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog",
    "corrupt.docx": b"PK\x03\x04 this is not a zip archive",
    "image.html": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
}


def test_bad_files_get_one_line_each_and_the_batch_goes_on(make_index, papers, caplog):
    for name, data in BAD_FILES.items():
        (papers / name).write_bytes(data)
    index = make_index()
    report = Ingester(index.settings, index).ingest([papers, papers / "missing.txt"], progress=False)
    data = report.to_dict()
    assert data["files"]["added"] == 2
    failed = {Path(e["file"]).name: e["error"] for e in data["errors"]}
    assert set(failed) == set(BAD_FILES) | {"missing.txt"}
    assert all(reason and "\n" not in reason for reason in failed.values())
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    for name in BAD_FILES:
        assert sum(name in w for w in warnings) == 1, f"one clear line for {name}"
    wanted, in_chroma, in_bm25 = consistent(index)
    assert wanted == in_chroma == in_bm25 and wanted


def test_cli_exit_status_says_some_files_failed(tmp_path, papers):
    (papers / "empty.txt").write_bytes(b"")
    result = _run_cli(["ingest", str(papers), "--json"], tmp_path / "data", fake=True)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["files"]["added"] == 2 and report["files"]["failed"] == 1
    assert "empty.txt" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def _run_cli(args: list[str], data_dir: Path, fake: bool, **popen) -> subprocess.CompletedProcess:
    env = {**os.environ, "MINUTES_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "tests.fake_model_cli" if fake else "minutes_app.cli", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, **popen)


def _vectors_cached(data_dir: Path) -> int:
    try:
        with sqlite3.connect(data_dir / "registry.sqlite", timeout=1) as db:
            return db.execute("select count(*) from embeddings").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("kill_when", ["registry written, nothing embedded", "mid-embedding"])
def test_ingest_killed_with_sigkill_is_completed_by_running_it_again(tmp_path, papers, kill_when):
    """kill -9 the real ingest (real model, Chroma, BM25), re-run it: no duplicate or orphan chunk."""
    data_dir = tmp_path / "data"
    env = {**os.environ, "MINUTES_DATA_DIR": str(data_dir), "MINUTES_EMBEDDING_BATCH_SIZE": "4"}
    process = subprocess.Popen([sys.executable, "-m", "minutes_app.cli", "ingest", str(papers)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline and process.poll() is None:
        files = 0
        try:
            with sqlite3.connect(data_dir / "registry.sqlite", timeout=1) as db:
                files = db.execute("select count(*) from files").fetchone()[0]
        except sqlite3.Error:
            pass
        if files == 2 and (kill_when.startswith("registry") or _vectors_cached(data_dir) >= 8):
            break
        time.sleep(0.05)
    assert process.poll() is None, "ingest finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    again = subprocess.run([sys.executable, "-m", "minutes_app.cli", "ingest", str(papers), "--json"], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    files = report["files"]
    # What the killed run stored but had not embedded is indexed now and reported as added
    # ("resumed"), not as unchanged; nothing is parsed as new or replaced.
    assert files["replaced"] == files["failed"] == 0 and files["unchanged"] + files["added"] == 2
    assert files["added"] == report["resumed"]
    if kill_when.startswith("registry"):
        assert report["resumed"] >= 1
    from minutes_core.settings import Settings

    index = Index(Settings.load(data_dir=data_dir))
    try:
        wanted, in_chroma, in_bm25 = consistent(index)
        assert wanted == in_chroma == in_bm25 and len(wanted) == report["chunks"]
        assert index.chroma.count() == len(wanted), "no duplicate vectors"
    finally:
        index.close()


def _index_state(data_dir: Path) -> dict:
    """Everything an ingest leaves in a data directory, comparable across directories."""
    from minutes_core.settings import Settings
    from tests.conftest_vectorstore import FakeEmbedder
    from vectorstore.records import KINDS

    index = Index(Settings.load(data_dir=data_dir), embedder=FakeEmbedder())
    records = index.open_records()
    try:
        wanted, in_chroma, in_keyword = consistent(index)
        return {"chunks": wanted, "chroma": in_chroma, "keyword": in_keyword,
                "keyword_count": len(index.registry.keyword_ids()), "chroma_count": index.chroma.count(),
                "files": {(f.path, f.checksum, f.n_chunks) for f in index.files()},
                "records": {kind: records.query(kind) for kind in KINDS}}
    finally:
        records.close()
        index.close()


@pytest.fixture
def many_papers(tmp_path) -> Path:
    """Enough files for the parse-ahead worker process (and a bad one among them)."""
    folder = tmp_path / "many"
    shutil.copytree(SAMPLE, folder)
    shutil.copytree(ROOT / "tests" / "fixtures" / "limerick" / "2019" / "11", folder / "limerick")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    return folder


def test_ingest_killed_mid_pipeline_then_run_again_equals_a_clean_ingest(tmp_path, many_papers):
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    env = {**os.environ, "MINUTES_DATA_DIR": str(killed), "MINUTES_EMBEDDING_BATCH_SIZE": "1"}
    process = subprocess.Popen([sys.executable, "-m", "tests.fake_model_cli", "ingest", str(many_papers)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline and process.poll() is None:
        try:
            with sqlite3.connect(killed / "registry.sqlite", timeout=1) as db:
                if db.execute("select count(*) from files").fetchone()[0] >= 3:
                    break
        except sqlite3.Error:
            pass
        time.sleep(0.02)
    assert process.poll() is None, "ingest finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    again = _run_cli(["ingest", str(many_papers), "--json"], killed, fake=True)
    assert again.returncode == 1 and "broken.pdf" in again.stderr  # the bad file fails, the rest go in
    first = _run_cli(["ingest", str(many_papers), "--json"], clean, fake=True)
    assert json.loads(first.stdout)["files"]["failed"] == 1
    resumed, fresh = _index_state(killed), _index_state(clean)
    assert resumed == fresh
    assert len(fresh["chunks"]) == fresh["keyword_count"] == fresh["chroma_count"] > 100


MEETING = """Minutes of the Cabinet meeting held on 3 March 2024

1. {topic} GRANTS

The Cabinet considered a report on {topic} grants for farmers in the county.

RESOLVED: That the {topic} grant scheme be approved.
"""


@pytest.mark.slow
def test_adding_changing_and_removing_one_file_updates_keyword_search_in_place(tmp_path, papers, real_embedder,
                                                                              monkeypatch):
    """Real model, Chroma and keyword index: one file's change touches that file's rows only."""
    from minutes_core.settings import Settings
    from vectorstore import keyword

    indexed: list[int] = []
    add = keyword.add

    def counting_add(db, rows):
        rows = list(rows)
        indexed.append(len(rows))
        return add(db, rows)

    monkeypatch.setattr(keyword, "add", counting_add)

    settings = Settings(data_dir=tmp_path / "data")
    index = Index(settings, embedder=real_embedder)
    try:
        Ingester(settings, index).ingest([papers], progress=False)
        original = set(index.registry.keyword_ids())
        extra = papers / "extra.txt"
        extra.write_text(MEETING.format(topic="QUINOA"))
        indexed.clear()
        added = Ingester(settings, index).ingest([papers], progress=False).to_dict()
        assert added["files"]["added"] == 1 and added["files"]["unchanged"] == 2
        assert sum(indexed) == index.file_record(extra.resolve()).n_chunks, "only the new file's chunks were indexed"
        assert index.keyword_search("quinoa grant scheme", k=1)[0].source == "extra.txt"
        assert index.dense_search("quinoa grant scheme for farmers", k=1)[0].source == "extra.txt"
        with_extra = set(index.registry.keyword_ids())
        assert original < with_extra, "the other files' chunks were kept, not rebuilt"

        extra.write_text(MEETING.format(topic="SPELT"))
        changed = Ingester(settings, index).ingest([papers], progress=False).to_dict()
        assert changed["files"]["replaced"] == 1
        assert all(p.source != "extra.txt" for p in index.keyword_search("quinoa", k=5))
        assert index.keyword_search("spelt grant scheme", k=1)[0].source == "extra.txt"
        now = set(index.registry.keyword_ids())
        assert original < now and not (with_extra - original) & now

        extra.unlink()
        removed = Ingester(settings, index).ingest([papers], prune=True, progress=False).to_dict()
        assert removed["files"]["removed"] == 1
        assert all(p.source != "extra.txt" for p in index.keyword_search("spelt grant scheme", k=5))
        assert set(index.registry.keyword_ids()) == original
        wanted, in_chroma, in_keyword = consistent(index)
        assert wanted == in_chroma == in_keyword
    finally:
        index.close()


def test_each_sync_hands_freed_memory_back_and_the_index_stays_whole(make_index, papers, monkeypatch):
    """A batch's sync is followed by ``malloc_trim`` (peak RSS of a whole archive, #14); trimming
    changes nothing the index holds."""
    import vectorstore.ingestion as ingestion

    calls = []
    monkeypatch.setattr(ingestion, "release_freed_memory", lambda: calls.append(1) or ingestion._libc())
    index = make_index()
    report = Ingester(index.settings, index, flush_chunks=1).ingest([papers], progress=False)
    assert report.ok and len(calls) >= 1
    wanted, in_chroma, in_bm25 = consistent(index)
    assert wanted == in_chroma == in_bm25 and wanted
    monkeypatch.undo()
    ingestion.release_freed_memory()  # the real call: a no-op for the process's data
