"""Flattened tables: rows read with their column headers, answered from one row."""

import pytest

from assistant.backends.extractive import answer_units
from ingest.tables import cells, column_names, header_rows, is_table_row, label_row

SCHOOLS = ("Phase\tTotal Schools\tOutstanding\t\tGood\t\n"
           "\t\tCount\t%\tCount\t%\n"
           "Primary\t189\t38\t20%\t125\t66%\n"
           "Secondary\t26\t7\t27%\t12\t46%")
BUDGET = ("| Service | 2018 Budget | 2019 Budget |\n"
          "|---|---|---|\n"
          "| Housing maintenance | €5.781m | €6.1m |\n"
          "| Roads | €12.0m | €12.4m |")


@pytest.mark.parametrize("line, row", [
    ("a\tb", True), ("a | b | c", True), ("| a | b |", True), ("plain text", False), ("", False),
])
def test_table_rows_are_tab_or_pipe_separated(line, row):
    assert is_table_row(line) is row


@pytest.mark.parametrize("row, expected", [
    ("Primary\t189\t\t20%", ["Primary", "189", "", "20%"]),
    ("| Roads | €12.0m |", ["Roads", "€12.0m"]),
    ("", []),
])
def test_cells_split_rows_without_markdown_outer_pipes(row, expected):
    assert cells(row) == expected


def test_stacked_headers_with_merged_cells_name_every_column():
    rows = SCHOOLS.splitlines()
    headers = header_rows(rows)
    assert len(headers) == 2
    assert column_names(headers) == ["Phase", "Total Schools", "Outstanding Count", "Outstanding %",
                                     "Good Count", "Good %"]


def test_a_row_reads_with_its_column_names():
    rows = SCHOOLS.splitlines()
    names = column_names(header_rows(rows))
    assert label_row(names, rows[2]) == ("Primary: Total Schools 189; Outstanding Count 38; "
                                         "Outstanding % 20%; Good Count 125; Good % 66%")


def test_a_table_without_header_rows_keeps_its_rows_as_they_are():
    assert header_rows(["1\t2", "3\t4"]) == []
    assert label_row([], "1\t2") == "1\t2"


def test_a_passages_table_rows_are_answer_units_with_their_headers():
    text = "The budget was adopted.\n" + BUDGET + "\nMembers noted the figures."
    units = [u for u, _ in answer_units(text)]
    assert "Housing maintenance: 2018 Budget €5.781m; 2019 Budget €6.1m" in units
    assert "The budget was adopted." in units and "Members noted the figures." in units
    assert not any(u.startswith("Service") for u in units)  # the header row is no answer
