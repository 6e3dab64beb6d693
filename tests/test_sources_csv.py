"""The byte scan behind the event readers agrees with the csv module on any CSV."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resurgence.sources import _csv

FIELD = st.text(alphabet=st.sampled_from(list('ab ,"\n1')), max_size=6)  # lines end at \n


def _reference(text: str) -> tuple[list[int], list[int]]:
    """Start line and field count of each non-blank record, by the csv module."""
    reader = csv.reader(io.StringIO(text, newline=""))
    lines, counts, before = [], [], 0
    for fields in reader:
        line, before = before + 1, reader.line_num
        if fields:
            lines.append(line)
            counts.append(len(fields))
    return lines, counts


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(FIELD, min_size=1, max_size=4), min_size=1, max_size=8),
       st.sampled_from([3, 7, 64, 1 << 24]), st.booleans())
def test_scan_matches_the_csv_module(tmp_path_factory, rows, chunk, crlf):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    text = buf.getvalue()
    path = tmp_path_factory.mktemp("scan") / "x.csv"
    path.write_bytes(text.encode())
    old = _csv._CHUNK
    _csv._CHUNK = chunk
    try:
        lines, counts, open_quote = _csv._scan(path)
    finally:
        _csv._CHUNK = old
    want_lines, want_counts = _reference(text)   # csv.writer quotes a lone empty field
    assert open_quote is None
    assert lines.tolist() == want_lines and counts.tolist() == want_counts


@pytest.mark.parametrize("text,lines,counts,open_line", [
    ('a,b\n1,"x\n', [1, 2], [2, 2], 2),
    ('a,b\n\n\n1,2', [1, 4], [2, 2], None),
    ('a,"b\nc",d\n1,2,3\n', [1, 3], [3, 3], None),
])
def test_scan_edge_cases(tmp_path, text, lines, counts, open_line):
    path = tmp_path / "x.csv"
    path.write_text(text)
    got = _csv._scan(path)
    assert got[0].tolist() == lines and got[1].tolist() == counts and got[2] == open_line
    assert np.issubdtype(got[0].dtype, np.integer)


@pytest.mark.parametrize("text,row,column,check", [
    ("id,n\n", 2, "(row)", "not_empty"),                       # pandas alone: EmptyDataError
    ("id,n\n1,2\n2,x\n", None, None, None),                    # text in a number column: read
    ("id,n\n1,2\n2,3,4\n", 3, "(field 3)", "field_count"),     # pandas alone drops the field
    ("id,n\n1,2\n2\n", 3, "(field 2)", "field_count"),         # pandas alone pads it
])
def test_read_export_judges_the_structure_before_the_parsed_frame(tmp_path, text, row, column,
                                                                   check):
    path = tmp_path / "x.csv"
    path.write_text(text)
    export = _csv.read_export(path, required=("id", "n"), numeric_columns=("n",))
    if check is None:
        assert not export.failures and export.frame["n"].astype(str).tolist() == ["2", "x"]
        assert export.lines.tolist() == [2, 3]
    else:
        assert [(f["row"], f["column"], f["check"]) for f in export.failures] == [
            (row, column, check)]
        assert export.frame.empty
