"""Flattened tables: rows read with their column headers.

Loaders flatten a table to one line a row, its cells joined by tabs (PDF text, Word) or " | "
(HTML, Markdown). A row alone ("Primary  189  38  20%  125  66%") says nothing of what its
numbers are; with its headers it answers a number question from one cell and names its column
("Primary: Total Schools 189; Outstanding Count 38; Outstanding % 20%"). The header rows are the
table's leading rows that hold no figures; a header cell left empty by a merged cell takes the
header to its left ("Outstanding | | Good | " over "Count | % | Count | %"), and stacked header
rows are read top to bottom.

Used by the extractive backend: a passage's table rows are its answer units, each with its
headers (a table split over chunks keeps them only in the chunk that holds its header rows).
"""

from __future__ import annotations

# A header row has at most this share of cells that are figures (a "Total 2019" row label is not).
HEADER_FIGURE_SHARE = 0.25
MAX_HEADER_ROWS = 3


def is_table_row(line: str) -> bool:
    """A flattened table row: cells joined by a tab, or by at least two " | "."""
    return "\t" in line.strip() or line.count(" | ") >= 2 or line.count("|") >= 3


def cells(row: str) -> list[str]:
    """The cells of a row, in order (a Markdown row's outer pipes make no cells)."""
    if "\t" in row.strip():
        parts = row.rstrip("\n").split("\t")
    else:
        parts = row.strip().split("|")
        if parts and not parts[0].strip():
            parts = parts[1:]
        if parts and not parts[-1].strip():
            parts = parts[:-1]
    return [" ".join(part.split()) for part in parts]


def is_rule(row_cells: list[str]) -> bool:
    """A Markdown separator row ("|---|:---:|") or an empty one."""
    return all(set(c) <= set("-:= ") for c in row_cells)


def _is_figure(cell: str) -> bool:
    """A cell that is a figure ("189", "20%", "€5.781m"), not words ("2018 Budget")."""
    return any(ch.isdigit() for ch in cell) and sum(ch.isalpha() for ch in cell) <= 2


def _is_header(row_cells: list[str]) -> bool:
    filled = [c for c in row_cells if c]
    if not filled:
        return False
    figures = sum(1 for c in filled if _is_figure(c))
    return figures <= HEADER_FIGURE_SHARE * len(filled)


def header_rows(rows: list[str]) -> list[list[str]]:
    """The leading rows of a table that are headers (see the module docstring), as cells."""
    headers = []
    for row in rows[:MAX_HEADER_ROWS + 1]:
        row_cells = cells(row)
        if is_rule(row_cells):
            continue
        if not _is_header(row_cells) or len(headers) == MAX_HEADER_ROWS:
            break
        headers.append(row_cells)
    return headers


def column_names(headers: list[list[str]]) -> list[str]:
    """One name per column from stacked header rows; merged cells inherit from the left."""
    width = max((len(h) for h in headers), default=0)
    names = [""] * width
    for row_cells in headers:
        current = ""
        for n in range(width):
            cell = row_cells[n] if n < len(row_cells) else ""
            if cell:
                current = cell
            elif n == 0:
                current = ""
            part = cell or (current if len(headers) > 1 else "")
            if part and not names[n].endswith(part):
                names[n] = f"{names[n]} {part}".strip()
    return names


def label_row(names: list[str], row: str) -> str:
    """``row`` with each cell after the first preceded by its column name.

    "Primary\\t189\\t38" with names ["Phase", "Total Schools", "Outstanding Count"] ->
    "Primary: Total Schools 189; Outstanding Count 38". A row that does not fit the header (no
    names, or no cells) is returned as it is.
    """
    row_cells = cells(row)
    if not names or not any(row_cells[1:]):
        return row.strip()
    pieces = []
    for n, cell in enumerate(row_cells[1:], start=1):
        if not cell:
            continue
        name = names[n] if n < len(names) else ""
        pieces.append(f"{name} {cell}".strip())
    return f"{row_cells[0]}: " + "; ".join(pieces) if row_cells[0] else "; ".join(pieces)
