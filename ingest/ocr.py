"""Text for scanned PDF pages: a page without a text layer is rendered and read by Tesseract.

Councils still publish scanned minutes (signed copies, older years). A page whose text layer is
empty is rendered at ``OCR_RESOLUTION`` dpi with pdfplumber (pypdfium2 underneath) and read with
Debian's ``tesseract-ocr`` through ``pytesseract``; the page is then marked as OCR text, so its
passages say so in their metadata and citation cards (OCR can misread a name or a figure). When
Tesseract is not installed the page stays empty and the log says how to install it.
"""

from __future__ import annotations

import functools
import io
import logging

log = logging.getLogger(__name__)

# 300 dpi: Tesseract's documented sweet spot for printed text.
OCR_RESOLUTION = 300


@functools.lru_cache(maxsize=1)
def ocr_available() -> bool:
    """Whether pytesseract and the tesseract binary are both there."""
    try:
        import pytesseract

        pytesseract.get_tesseract_version()
        return True
    except Exception:  # ImportError, TesseractNotFoundError, OSError
        log.warning("scanned PDF pages cannot be read: install Tesseract (apt-get install tesseract-ocr) "
                    "and pytesseract")
        return False


def ocr_pages(data: bytes, numbers: list[int], language: str = "eng") -> dict[int, str]:
    """The OCR text of the given 1-based pages of a PDF (pages that fail are left out)."""
    if not numbers or not ocr_available():
        return {}
    import pdfplumber
    import pytesseract

    out: dict[int, str] = {}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number in numbers:
            try:
                image = pdf.pages[number - 1].to_image(resolution=OCR_RESOLUTION).original
                out[number] = pytesseract.image_to_string(image, lang=language)
            except Exception as error:  # one unreadable page must not stop the file
                log.warning("page %d could not be read by OCR (%s)", number, error)
    return out
