"""The ingest loaders: one file in, pages of faithful text out, or one clear LoadError."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import random
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest
from fpdf import FPDF

from ingest import loaders
from ingest.loaders import SUPPORTED_SUFFIXES, LoadError, discover, load_file
from minutes_core.settings import Settings


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / ".minutes")


def make_pdf(pages: list[str], user_password: str = "", owner_password: str = "") -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    if user_password or owner_password:
        pdf.set_encryption(owner_password=owner_password or "owner", user_password=user_password)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 10, text)
    return bytes(pdf.output())


def make_docx(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# -- formats ----------------------------------------------------------------------------------


def test_pdf_gives_one_numbered_page_per_pdf_page_with_its_own_text(tmp_path, settings):
    texts = ["Alpha minutes of the Cabinet", "Beta report on drainage", "Gamma appendix of costs"]
    path = write(tmp_path, "pack.pdf", make_pdf(texts))

    loaded = load_file(path, settings)

    assert loaded.format == "pdf"
    assert loaded.page_exact is True
    assert [page.number for page in loaded.pages] == [1, 2, 3]
    for page, text in zip(loaded.pages, texts):
        assert page.text.strip() == text
    assert loaded.source == "pack.pdf"
    assert loaded.path == str(path)
    assert loaded.size_bytes == path.stat().st_size
    assert loaded.checksum == hashlib.sha256(path.read_bytes()).hexdigest()


def test_pdf_with_only_an_owner_password_is_read(tmp_path, settings):
    path = write(tmp_path, "locked.pdf", make_pdf(["Open to read"], owner_password="secret"))
    assert pypdf.PdfReader(path).is_encrypted

    loaded = load_file(path, settings)

    assert loaded.pages[0].text.strip() == "Open to read"


def test_pdf_page_that_fails_to_extract_is_kept_empty_and_logged(
    tmp_path, settings, monkeypatch, caplog
):
    path = write(tmp_path, "pack.pdf", make_pdf(["one", "two", "three"]))
    original = pypdf.PageObject.extract_text

    def flaky(page, *args, **kwargs):
        if page.page_number == 1:
            raise ValueError("broken content stream")
        return original(page, *args, **kwargs)

    monkeypatch.setattr(pypdf.PageObject, "extract_text", flaky)
    with caplog.at_level(logging.WARNING, logger="ingest.loaders"):
        loaded = load_file(path, settings)

    pages = [(page.number, page.text.strip().lower(), page.ocr) for page in loaded.pages]
    # The page without extractable text is read from its image when OCR is installed.
    from ingest.ocr import ocr_available
    middle = (2, "two", True) if ocr_available() else (2, "", False)
    assert pages == [(1, "one", False), middle, (3, "three", False)]
    assert "page 2" in caplog.text and "broken content stream" in caplog.text


def test_docx_gives_headings_paragraphs_and_table_rows_in_body_order(tmp_path, settings):
    def build(document):
        document.add_heading("Planning Committee", level=1)
        document.add_paragraph("Present: Councillor Smith.")
        table = document.add_table(rows=2, cols=3)
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                cell.text = f"r{r}c{c}"
        document.add_paragraph("RESOLVED: that the application be approved.")

    path = write(tmp_path, "minutes.docx", make_docx(build))

    loaded = load_file(path, settings)

    assert loaded.format == "docx"
    assert loaded.page_exact is False
    assert [page.number for page in loaded.pages] == [None]
    assert loaded.text.split("\n") == [
        "Planning Committee",
        "Present: Councillor Smith.",
        "r0c0 | r0c1 | r0c2",
        "r1c0 | r1c1 | r1c2",
        "RESOLVED: that the application be approved.",
    ]


def test_docx_merged_cell_appears_once_in_its_row(tmp_path, settings):
    def build(document):
        table = document.add_table(rows=1, cols=3)
        cells = table.rows[0].cells
        cells[0].merge(cells[1]).text = "wide"
        cells[2].text = "narrow"

    path = write(tmp_path, "merged.docx", make_docx(build))

    assert load_file(path, settings).text == "wide | narrow"


HTML_PAGE = """<!DOCTYPE html>
<html><head><title>Cabinet &ndash; 3 March 2025</title>
<style>p { color: red; }</style>
<script>var secret = "tracking code";</script></head>
<body>
<nav><a href="/">Home</a> <a href="/meetings">Meetings</a></nav>
<header>Site banner</header>
<h1>Decisions</h1>
<p>Budget of &pound;1,200 &amp; VAT   was
   agreed.<br>Second line&nbsp;here.</p>
<!-- an HTML comment -->
<table>
  <tr><th>Item</th><th>Decision</th></tr>
  <tr><td>4</td><td>Approved <b>unanimously</b></td></tr>
</table>
<ul><li>First point</li><li>Second point</li></ul>
<noscript>Enable JavaScript</noscript>
<footer>Copyright council</footer>
</body></html>"""


def test_html_keeps_visible_text_as_lines_with_tables_as_pipe_rows(tmp_path, settings):
    path = write(tmp_path, "decisions.html", HTML_PAGE)

    loaded = load_file(path, settings)

    assert loaded.format == "html"
    assert loaded.text.split("\n") == [
        "Decisions",
        "Budget of £1,200 & VAT was agreed.",
        "Second line here.",
        "Item | Decision",
        "4 | Approved unanimously",
        "First point",
        "Second point",
    ]
    for hidden in ("tracking", "color", "Home", "banner", "JavaScript", "Copyright", "comment"):
        assert hidden not in loaded.text
    assert loaded.overrides == {"html_title": "Cabinet – 3 March 2025"}


def test_html_title_is_not_stored_when_the_sidecar_gives_a_title(tmp_path, settings):
    path = write(tmp_path, "decisions.htm", HTML_PAGE)
    write(tmp_path, "decisions.htm.meta.json", json.dumps({"title": "Cabinet decisions"}))

    assert load_file(path, settings).overrides == {"title": "Cabinet decisions"}


@pytest.mark.parametrize(
    "head, encoding",
    [
        ('<meta charset="windows-1252">', "windows-1252"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">', "latin-1"),
        ("", "windows-1252"),  # undeclared and not UTF-8: the HTML standard's fallback
        ("", "utf-8"),
    ],
)
def test_html_is_decoded_by_its_declared_charset(tmp_path, settings, head, encoding):
    page = f"<html><head>{head}</head><body><p>Fee: £5 for the café</p></body></html>"
    path = write(tmp_path, "fees.html", page.encode(encoding))

    assert load_file(path, settings).text == "Fee: £5 for the café"


def test_utf8_text_with_bom_loses_only_the_bom(tmp_path, settings):
    text = "\n  Minutes of the meeting  \r\nItem 1\tApologies\n\fPage 2 of 3\n\n"
    path = write(tmp_path, "minutes.txt", b"\xef\xbb\xbf" + text.encode("utf-8"))

    loaded = load_file(path, settings)

    assert loaded.format == "text"
    assert loaded.page_exact is False
    assert len(loaded.pages) == 1
    assert loaded.pages[0].number is None
    assert loaded.pages[0].text == text
    assert loaded.checksum == hashlib.sha256(path.read_bytes()).hexdigest()


def test_markdown_file_is_loaded_as_its_text(tmp_path, settings):
    text = "# Work programme\n\n| Date | Topic |\n|---|---|\n| 2025-03-03 | Budget |\n"
    path = write(tmp_path, "programme.md", text)

    loaded = load_file(path, settings)

    assert loaded.format == "markdown"
    assert loaded.text == text


def test_suffix_is_matched_case_insensitively(tmp_path, settings):
    path = write(tmp_path, "NOTES.TXT", "Upper-case name")

    assert load_file(path, settings).text == "Upper-case name"


# -- sidecars ---------------------------------------------------------------------------------

SIDECAR = {
    "url": "https://example.org/ieListDocuments.aspx?MId=1",
    "committee": "Cabinet",
    "meeting_date": "2025-03-03",
    "title": "Agenda pack",
    "doc_type": "agenda",
}


@pytest.mark.parametrize("sidecar_name", ["pack.pdf.meta.json", "pack.meta.json"])
def test_sidecar_values_become_overrides(tmp_path, settings, sidecar_name):
    path = write(tmp_path, "pack.pdf", make_pdf(["Agenda"]))
    write(tmp_path, sidecar_name, json.dumps(SIDECAR))

    assert load_file(path, settings).overrides == SIDECAR


def test_sidecar_named_for_the_full_file_name_wins_and_nulls_are_absent(tmp_path, settings):
    path = write(tmp_path, "pack.txt", "Agenda")
    write(tmp_path, "pack.meta.json", json.dumps({"committee": "Scrutiny"}))
    write(tmp_path, "pack.txt.meta.json", json.dumps({"committee": " Cabinet ", "url": None}))

    assert load_file(path, settings).overrides == {"committee": "Cabinet"}


def test_file_without_sidecar_has_no_overrides(tmp_path, settings):
    assert load_file(write(tmp_path, "a.txt", "text"), settings).overrides == {}


@pytest.mark.parametrize(
    "content, reason",
    [
        ('{"committee": "Cabinet",}', "not valid JSON"),
        ('["Cabinet"]', "must be a JSON object"),
        ('{"comittee": "Cabinet"}', "unknown key(s) comittee"),
        ('{"meeting_date": "03/03/2025"}', "is not a date written YYYY-MM-DD"),
        ('{"meeting_date": "2025-02-30"}', "is not a date written YYYY-MM-DD"),
        ('{"title": 12}', "'title' must be a non-empty string"),
        ('{"title": "  "}', "'title' must be a non-empty string"),
    ],
)
def test_bad_sidecar_is_a_load_error_naming_the_sidecar(tmp_path, settings, content, reason):
    path = write(tmp_path, "pack.txt", "Agenda")
    write(tmp_path, "pack.meta.json", content)

    with pytest.raises(LoadError) as caught:
        load_file(path, settings)

    message = str(caught.value)
    assert message.startswith("pack.txt: bad metadata sidecar pack.meta.json: ")
    assert reason in message


# -- bad input --------------------------------------------------------------------------------


def _random_bytes_with_nuls() -> bytes:
    generator = random.Random(7)
    return bytes(generator.randrange(256) for _ in range(4096)) + b"\x00"


def _truncated_pdf() -> bytes:
    data = make_pdf(["One page", "Two page", "Three page"])
    return data[: len(data) // 2]


def _docx_without_text() -> bytes:
    return make_docx(lambda document: document.add_paragraph(""))


BAD_INPUTS = [
    # (file name, bytes, settings changes, what the message must say)
    ("empty.txt", b"", {}, "empty file"),
    ("blank.md", b" \r\n\t\n  ", {}, "empty file"),
    ("bom-only.txt", b"\xef\xbb\xbf\n", {}, "empty file"),
    ("random.txt", _random_bytes_with_nuls(), {}, "binary file, not text"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", {}, "binary file, not text"),
    ("controls.md", b"\x01\x02\x03\x04 some text " * 50, {}, "binary file, not text"),
    (
        "latin1.txt",
        "Caf\u00e9 costs \u00a35".encode("latin-1"),
        {},
        "not valid UTF-8 (byte 0xe9 at offset 3, line 1)",
    ),
    (
        "latin1-line3.txt",
        "a\nb\n\u00a35".encode("latin-1"),
        {},
        "offset 4, line 3): convert the file to UTF-8",
    ),
    ("utf16.txt", "Minutes".encode("utf-16"), {}, "UTF-16, not UTF-8"),
    ("truncated.pdf", _truncated_pdf(), {}, "not a readable PDF ("),
    ("not-a.pdf", b"These are minutes, not a PDF.", {}, "not a readable PDF (no %PDF header"),
    ("encrypted.pdf", make_pdf(["Secret"], user_password="open-sesame"), {}, "encrypted PDF"),
    ("scanned.pdf", make_pdf([""]), {}, "no text layer and OCR found no text"),
    ("corrupt.docx", zip_of({"word/document.xml": b"\x00garbage"}), {}, "not a Word .docx file ("),
    ("old-format.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), {}, "not a zip archive"),
    ("blank.docx", _docx_without_text(), {}, "empty file"),
    ("only-script.html", b"<html><script>alert(1)</script></html>", {}, "empty file"),
    (
        "big.txt",
        b"minutes " * 100,
        {"max_file_mb": 0.0001},
        "file is 800 bytes, over the 0.0001 MB limit: raise the setting max_file_mb",
    ),
    (
        "sheet.xlsx",
        b"PK",
        {},
        "'.xlsx' files are not supported (supported: .docx, .htm, .html, .md, .pdf, .txt)",
    ),
]


@pytest.mark.parametrize(
    "name, data, changes, reason", BAD_INPUTS, ids=[row[0] for row in BAD_INPUTS]
)
def test_bad_input_is_a_load_error_naming_the_file_and_the_reason(
    tmp_path, settings, name, data, changes, reason
):
    path = write(tmp_path, name, data)

    with pytest.raises(LoadError) as caught:
        load_file(path, settings.replace(**changes))

    assert str(caught.value).startswith(f"{name}: ")
    assert reason in str(caught.value)
    assert caught.value.path == str(path)
    assert str(caught.value) == f"{name}: {caught.value.reason}"


def test_missing_file_is_a_load_error(tmp_path, settings):
    with pytest.raises(LoadError, match=r"^gone\.pdf: no such file$"):
        load_file(tmp_path / "gone.pdf", settings)


def test_unexpected_library_failure_is_wrapped_in_a_load_error(
    tmp_path, settings, monkeypatch, caplog
):
    path = write(tmp_path, "page.html", "<p>text</p>")

    def explode(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(loaders, "BeautifulSoup", explode)
    with caplog.at_level(logging.DEBUG, logger="ingest.loaders"):
        with pytest.raises(LoadError) as caught:
            load_file(path, settings)

    expected = "page.html: cannot be read as html (maximum recursion depth exceeded)"
    assert str(caught.value) == expected
    assert "RecursionError" in caplog.text


# -- discovery --------------------------------------------------------------------------------


def test_discover_walks_folders_in_sorted_order_taking_supported_files_only(tmp_path):
    for name in [
        "papers/b/minutes.PDF",
        "papers/a.txt",
        "papers/a.txt.meta.json",
        "papers/a.meta.json",
        "papers/b/report.docx",
        "papers/b/c/page.htm",
        "papers/notes.md",
        "papers/index.html",
        "papers/photo.png",
        "papers/.draft.txt",
        "papers/.git/README.md",
        "papers/.minutes/cache.txt",
        "papers/b/.hidden/secret.pdf",
    ]:
        write(tmp_path, name, b"x")

    files, problems = discover([tmp_path / "papers"])

    root = tmp_path / "papers"
    assert files == [
        root / "a.txt",
        root / "b/c/page.htm",
        root / "b/minutes.PDF",
        root / "b/report.docx",
        root / "index.html",
        root / "notes.md",
    ]
    assert problems == []


def test_discover_reports_unusable_explicit_paths_and_keeps_usable_ones(tmp_path):
    report = write(tmp_path, "report.pdf", b"x")
    hidden = write(tmp_path, ".agenda.txt", b"x")
    sheet = write(tmp_path, "budget.xlsx", b"x")
    sidecar = write(tmp_path, "report.pdf.meta.json", b"{}")
    missing = tmp_path / "nowhere"

    files, problems = discover([report, str(hidden), sheet, missing, sidecar, report])

    assert files == [report, hidden]
    assert problems == [
        (
            str(sheet),
            f"'.xlsx' files are not supported (supported: {', '.join(SUPPORTED_SUFFIXES)})",
        ),
        (str(missing), "no such file or folder"),
        (str(sidecar), "a metadata sidecar, not a document"),
    ]


def test_discover_lists_a_file_reached_twice_once(tmp_path):
    minutes = write(tmp_path, "papers/minutes.txt", b"x")

    files, problems = discover([minutes, tmp_path / "papers"])

    assert files == [minutes]
    assert problems == []


def test_supported_suffixes_cover_every_format():
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".pdf", ".docx", ".html", ".htm"}
