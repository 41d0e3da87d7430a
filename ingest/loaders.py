"""Find the files to ingest and read each one into pages of text.

A registry maps each supported suffix to one small loader, ``(path, data) -> (pages, page_exact)``,
so adding a format is one function and one registry line. ``load_file`` does what every format
shares: one read of the bytes, the checksum, the size limit, the ``NAME.meta.json`` sidecar, and
turning every failure (including a library's own exceptions) into a ``LoadError`` whose message is
one sentence a user can act on. Text is returned as extracted, never cleaned: later stages count
lines in it, and citations must be findable in it.
"""

from __future__ import annotations

import codecs
import datetime
import errno
import hashlib
import io
import json
import logging
import os
import re
import zipfile
from stat import S_ISREG
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import docx
import pypdf
from bs4 import BeautifulSoup, NavigableString, SoupStrainer, Tag
from bs4.element import PreformattedString
from bs4.dammit import EncodingDetector
from docx.table import Table

from ingest.models import LoadedFile, Page
from ingest.ocr import ocr_pages

if TYPE_CHECKING:
    from minutes_core.settings import Settings

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"
SIDECAR_KEYS = ("url", "committee", "meeting_date", "title", "doc_type")

# Share of control bytes (other than tab, newline, carriage return, form feed) above which a file
# is binary, not text. A judgement: real text has next to none, random bytes have about 11%.
_MAX_CONTROL_SHARE = 0.05
_CONTROL_BYTES = frozenset(set(range(32)) - {9, 10, 12, 13} | {127})
_SNIFF_BYTES = 65536

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BYTES_PER_MB = 1024 * 1024


class LoadError(Exception):
    """A file that cannot be ingested; ``str()`` is one sentence naming the file and the reason."""

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{Path(path).name}: {reason}")


Loader = Callable[[Path, bytes], tuple[list[Page], bool]]


@dataclass(frozen=True)
class _Format:
    """How one suffix is read: format name, loader, and any metadata the file itself states."""

    name: str
    load: Loader
    stated_metadata: Callable[[Path, bytes], dict[str, Any]] | None = None


# -- text -------------------------------------------------------------------------------------


def _load_text(path: Path, data: bytes) -> tuple[list[Page], bool]:
    """UTF-8 text (a BOM is allowed) as one page, exactly as written."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise LoadError(path, "text is UTF-16, not UTF-8: convert it to UTF-8 and ingest it again")
    if _looks_like_utf16(data):
        raise LoadError(path, "text is UTF-16 (without a byte-order mark), not UTF-8: convert it "
                              "to UTF-8 (for example `iconv -f utf-16le -t utf-8`) and ingest it again")
    _refuse_binary(path, data)
    offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[offset:].decode("utf-8")
    except UnicodeDecodeError as error:
        at = offset + error.start
        line = data[:at].count(b"\n") + 1
        raise LoadError(
            path,
            f"not valid UTF-8 (byte 0x{data[at]:02x} at offset {at}, line {line}): "
            "convert the file to UTF-8 (for example `iconv -f windows-1252 -t utf-8`)",
        ) from None
    _refuse_empty(path, text)
    return [Page(text=text)], False


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 text without a BOM: NUL in most bytes of one parity (the high byte of Latin text),
    almost none in the other, and the sample decodes to text without control characters.

    Windows tools write such files; they would otherwise be refused as binary.
    """
    sample = data[:_SNIFF_BYTES - _SNIFF_BYTES % 2]
    half = len(sample) // 2
    if half < 2:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < 0.3 * half or min(even, odd) > 0.02 * half:
        return False
    text = sample.decode("utf-16-le" if odd > even else "utf-16-be", errors="replace")
    controls = sum(1 for char in text if ord(char) in _CONTROL_BYTES)
    return controls <= _MAX_CONTROL_SHARE * len(text)


def _refuse_binary(path: Path, data: bytes) -> None:
    sample = data[:_SNIFF_BYTES]
    controls = sum(1 for byte in sample if byte in _CONTROL_BYTES)
    if b"\x00" in sample or controls > _MAX_CONTROL_SHARE * len(sample):
        raise LoadError(path, "binary file, not text")


def _refuse_empty(path: Path, text: str) -> None:
    if not text.strip():
        raise LoadError(path, "empty file")


# -- PDF --------------------------------------------------------------------------------------


def _load_pdf(path: Path, data: bytes) -> tuple[list[Page], bool]:
    """One page per PDF page with its 1-based number; a page that fails to extract stays empty."""
    if b"%PDF-" not in data[:1024]:  # readers accept the header anywhere in the first 1024 bytes
        raise LoadError(path, "not a readable PDF (no %PDF header: is it really a PDF?)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(path, "encrypted PDF: save an unprotected copy and ingest that")
        count = len(reader.pages)
    except LoadError:
        raise
    except Exception as error:
        log.debug("pypdf could not open %s", path, exc_info=True)
        raise LoadError(path, f"not a readable PDF ({_describe(error)})") from None
    if count == 0:
        raise LoadError(path, "not a readable PDF (it has no pages)")
    pages = []
    for number in range(1, count + 1):
        try:
            text = reader.pages[number - 1].extract_text(extraction_mode="plain")
        except Exception as error:
            log.warning(
                "%s: page %d has no extractable text (%s)", path.name, number, _describe(error)
            )
            log.debug("pypdf failure on %s page %d", path, number, exc_info=True)
            text = ""
        pages.append(Page(text=text, number=number))
    scanned = [page.number for page in pages if not page.text.strip()]
    for number, text in ocr_pages(data, scanned).items():
        pages[number - 1].text, pages[number - 1].ocr = text, bool(text.strip())
    if not any(page.text.strip() for page in pages):
        raise LoadError(path, "no text layer and OCR found no text (install tesseract-ocr to read scans)")
    return pages, True


# -- DOCX -------------------------------------------------------------------------------------


def _load_docx(path: Path, data: bytes) -> tuple[list[Page], bool]:
    """Paragraphs and tables in body order; a table row is its cells joined with " | "."""
    try:
        document = docx.Document(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise LoadError(
            path, "not a Word .docx file (not a zip archive; an old .doc must be saved as .docx)"
        ) from None
    except Exception as error:
        log.debug("python-docx could not open %s", path, exc_info=True)
        raise LoadError(path, f"not a Word .docx file ({_describe(error)})") from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_docx_table_rows(block))
        else:
            lines.append(block.text)
    text = "\n".join(lines)
    _refuse_empty(path, text)
    return [Page(text=text)], False


def _docx_table_rows(table: Table) -> list[str]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; show it once.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()))
        rows.append(" | ".join(cells))
    return rows


# -- HTML -------------------------------------------------------------------------------------

_HTML_DROPPED = (
    "script", "style", "noscript", "nav", "header", "footer", "template", "head", "title"
)
_HTML_BLOCKS = frozenset(
    "address article aside blockquote caption dd div dl dt fieldset figcaption figure form "
    "h1 h2 h3 h4 h5 h6 hr li main ol p section table tbody tfoot thead ul".split()
)
_HTML_SPACE = re.compile(r"[ \t\n\r\f\xa0]+")


def _load_html(path: Path, data: bytes) -> tuple[list[Page], bool]:
    """The visible text of an HTML page, one block element a line, table cells joined with " | "."""
    _refuse_binary(path, data)
    soup = BeautifulSoup(_decode_html(path, data), "html.parser")
    for tag in soup.find_all(_HTML_DROPPED):
        tag.decompose()
    pieces: list[str] = []
    _html_text(soup, pieces)
    lines = (re.sub(" {2,}", " ", line).strip() for line in "".join(pieces).split("\n"))
    text = "\n".join(line for line in lines if line)
    _refuse_empty(path, text)
    return [Page(text=text)], False


def _html_title(path: Path, data: bytes) -> dict[str, Any]:
    title = BeautifulSoup(_decode_html(path, data), "html.parser", parse_only=SoupStrainer("title"))
    text = _HTML_SPACE.sub(" ", title.get_text()).strip()
    return {"html_title": text} if text else {}


def _decode_html(path: Path, data: bytes) -> str:
    """Decode as a browser would: BOM, else declared charset, else UTF-8, else windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    if declared:
        try:
            return data.decode(declared, errors="replace")
        except LookupError:
            log.warning("%s declares an unknown charset %r; trying UTF-8", path.name, declared)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # windows-1252: the HTML standard's fallback for undeclared legacy pages.
        log.warning("%s is not UTF-8 and declares no charset: read as windows-1252", path.name)
        return data.decode("windows-1252", errors="replace")


def _html_text(node: Tag, out: list[str]) -> None:
    for child in node.children:
        if isinstance(child, PreformattedString):  # comments, doctype, processing instructions
            continue
        if isinstance(child, NavigableString):
            out.append(_HTML_SPACE.sub(" ", str(child)))
        elif child.name == "br":
            out.append("\n")
        elif child.name == "pre":
            out.append("\n" + child.get_text().replace("\xa0", " ") + "\n")
        elif child.name == "tr":
            cells = child.find_all(("td", "th"), recursive=False)
            row = " | ".join(_HTML_SPACE.sub(" ", cell.get_text(" ")).strip() for cell in cells)
            out.append("\n" + row + "\n")
        elif child.name in _HTML_BLOCKS:
            out.append("\n")
            _html_text(child, out)
            out.append("\n")
        else:
            _html_text(child, out)


# -- registry ---------------------------------------------------------------------------------

_FORMATS: dict[str, _Format] = {
    ".txt": _Format("text", _load_text),
    ".md": _Format("markdown", _load_text),
    ".pdf": _Format("pdf", _load_pdf),
    ".docx": _Format("docx", _load_docx),
    ".html": _Format("html", _load_html, _html_title),
    ".htm": _Format("html", _load_html, _html_title),
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(sorted(_FORMATS))


def unsupported_reason(path: str | os.PathLike) -> str:
    """The message for a file whose suffix no loader handles, listing the ones that are handled."""
    suffix = Path(path).suffix.lower()
    kind = f"'{suffix}' files are" if suffix else "files without a suffix are"
    return f"{kind} not supported (supported: {', '.join(SUPPORTED_SUFFIXES)})"


# -- discovery --------------------------------------------------------------------------------


def discover(
    paths: Iterable[str | os.PathLike],
) -> tuple[list[Path], list[tuple[str, str]]]:
    """The files to load under ``paths``, and ``(path, reason)`` for paths that cannot be used.

    An explicit file is taken as given if a loader handles its suffix. A folder is walked
    recursively in sorted order for supported files, skipping hidden files and folders (so the
    default data directory ``.minutes`` too) and ``*.meta.json`` sidecars. A file reached twice is
    listed once.

    Inside a folder, a symbolic link is followed only to a file inside that same folder: a link
    out of it (to ``/etc/passwd``, say) could put any file the user can read into the index, and a
    link loop or a link to a folder could make the walk endless. Such links, broken links and
    folders that cannot be read are each one ``(path, reason)``; the walk goes on.
    """
    files: list[Path] = []
    problems: list[tuple[str, str]] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for given in paths:
        path = Path(given)
        if path.is_dir():
            for found in _walk(path, problems):
                add(found)
        elif path.is_file():
            if _is_sidecar(path):
                problems.append((str(given), "a metadata sidecar, not a document"))
            elif path.suffix.lower() in _FORMATS:
                add(path)
            else:
                problems.append((str(given), unsupported_reason(path)))
        elif path.is_symlink():
            problems.append((str(given), _link_problem(path, None) or "symbolic link that cannot be followed"))
        elif path.exists():
            problems.append((str(given), "not a regular file or folder"))
        else:
            problems.append((str(given), "no such file or folder"))
    return files, problems


def _walk(root: Path, problems: list[tuple[str, str]]) -> list[Path]:
    """Supported files under ``root``; what cannot be walked is added to ``problems``."""
    try:
        top = root.resolve(strict=True)
    except (OSError, RuntimeError) as error:
        problems.append((str(root), f"folder cannot be opened ({_describe(error)})"))
        return []
    found: list[Path] = []
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            problems.append((str(folder), f"folder cannot be read ({error.strerror or error})"))
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith(".") or _is_sidecar(path):
                continue
            supported = path.suffix.lower() in _FORMATS
            try:
                if entry.is_symlink():
                    reason = _link_problem(path, top)
                    if reason is None:
                        if supported and path.is_file():
                            found.append(path)
                    elif supported or reason.startswith(_LOOP) or _points_to_folder(path):
                        problems.append((str(path), reason))
                elif entry.is_dir(follow_symlinks=False):
                    folders.append(path)
                elif supported:
                    if entry.is_file(follow_symlinks=False):
                        found.append(path)
                    else:
                        problems.append((str(path), "not a regular file (a pipe or device?)"))
            except OSError as error:
                problems.append((str(path), f"cannot be read ({error.strerror or error})"))
    return sorted(found)


_LOOP = "symbolic link loop"


def _link_problem(link: Path, top: Path | None) -> str | None:
    """Why the symbolic link ``link`` is not followed, or None when it may be.

    ``top`` is the folder being walked: the link must end inside it. A link to a folder inside it
    is not followed either (that folder is walked where it is) but is no problem, so it gets None
    too and the caller skips it. Without ``top`` (a link named on the command line), only loops
    and broken links are refused.
    """
    try:
        target = link.resolve(strict=True)
    except RuntimeError:  # pathlib's "Symlink loop from ..."
        return f"{_LOOP}: not followed"
    except FileNotFoundError:
        return f"broken symbolic link (its target {os.readlink(link)} does not exist)"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return f"{_LOOP}: not followed"
        return f"symbolic link that cannot be followed ({error.strerror or error})"
    if top is None:
        return None
    if not target.is_relative_to(top):
        return f"symbolic link to {target}, outside the folder being ingested: not followed"
    if target.is_dir() and link.parent.resolve().is_relative_to(target):
        return f"{_LOOP} (it points to a folder holding it): not followed"
    return None


def _points_to_folder(link: Path) -> bool:
    try:
        return link.is_dir()
    except OSError:
        return False


def _is_sidecar(path: Path) -> bool:
    return path.name.lower().endswith(SIDECAR_SUFFIX)


# -- loading ----------------------------------------------------------------------------------


def check_file(path: str | os.PathLike, settings: Settings) -> int:
    """The size of ``path``; ``LoadError`` unless it is a regular file within the size limit.

    Checked before any byte is read: reading a pipe would block for ever, and a file over the
    limit should cost nothing.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise LoadError(path, "no such file") from None
    except OSError as error:
        raise LoadError(path, f"cannot be read ({error.strerror or error})") from None
    if not S_ISREG(stat.st_mode):
        raise LoadError(path, "not a regular file")
    if stat.st_size > settings.max_file_mb * _BYTES_PER_MB:
        raise LoadError(
            path,
            f"file is {_size_text(stat.st_size)}, over the {settings.max_file_mb:g} MB limit: "
            "raise the setting max_file_mb (MINUTES_MAX_FILE_MB) to ingest it",
        )
    return stat.st_size


def load_file(path: str | os.PathLike, settings: Settings) -> LoadedFile:
    """Read one file into a LoadedFile; every problem with the input raises ``LoadError``."""
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise LoadError(path, unsupported_reason(path))
    check_file(path, settings)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LoadError(path, "no such file") from None
    except OSError as error:
        log.debug("cannot read %s", path, exc_info=True)
        raise LoadError(path, f"cannot read the file ({error.strerror or error})") from None
    if not data:
        raise LoadError(path, "empty file")

    overrides = read_sidecar(path)
    try:
        pages, page_exact = fmt.load(path, data)
        stated = fmt.stated_metadata(path, data) if fmt.stated_metadata else {}
    except LoadError:
        raise
    except Exception as error:
        log.debug("%s loader failed on %s", fmt.name, path, exc_info=True)
        raise LoadError(path, f"cannot be read as {fmt.name} ({_describe(error)})") from None
    if "title" not in overrides:
        overrides.update(stated)
    log.debug("loaded %s: %s, %d page(s), %d bytes", path, fmt.name, len(pages), len(data))
    return LoadedFile(
        path=str(path),
        source=path.name,
        checksum=hashlib.sha256(data).hexdigest(),
        format=fmt.name,
        pages=pages,
        page_exact=page_exact,
        overrides=overrides,
        size_bytes=len(data),
    )


def sidecar_path(path: str | os.PathLike) -> Path | None:
    """The metadata sidecar of ``path``: ``NAME.pdf.meta.json`` first, else ``NAME.meta.json``."""
    path = Path(path)
    for candidate in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_suffix(SIDECAR_SUFFIX)):
        if candidate.is_file():
            return candidate
    return None


def read_sidecar(path: str | os.PathLike) -> dict[str, Any]:
    """The validated overrides from the file's sidecar, or ``{}`` if it has none.

    A sidecar beats what detection finds, so a wrong one must fail loudly rather than be ignored:
    any problem raises ``LoadError`` for the document, naming the sidecar.
    """
    sidecar = sidecar_path(path)
    if sidecar is None:
        return {}

    def bad(reason: str) -> LoadError:
        return LoadError(path, f"bad metadata sidecar {sidecar.name}: {reason}")

    try:
        values = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise bad(f"not valid JSON ({error.msg} at {where})") from None
    except (OSError, UnicodeDecodeError) as error:
        log.debug("cannot read sidecar %s", sidecar, exc_info=True)
        raise bad(f"cannot be read ({_describe(error)})") from None
    if not isinstance(values, dict):
        raise bad("must be a JSON object of keys and values")
    unknown = sorted(set(values) - set(SIDECAR_KEYS))
    if unknown:
        raise bad(f"unknown key(s) {', '.join(unknown)} (known keys: {', '.join(SIDECAR_KEYS)})")
    overrides: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise bad(f"'{key}' must be a non-empty string")
        overrides[key] = value.strip()
    date = overrides.get("meeting_date")
    if date is not None and not _is_iso_date(date):
        raise bad(f"meeting_date {date!r} is not a date written YYYY-MM-DD")
    log.debug("sidecar %s: %s", sidecar, overrides)
    return overrides


def _is_iso_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _size_text(size: int) -> str:
    return f"{size / _BYTES_PER_MB:.1f} MB" if size >= _BYTES_PER_MB / 10 else f"{size:,} bytes"


def _describe(error: BaseException) -> str:
    message = str(error).strip().strip("\"'")
    return message or type(error).__name__
