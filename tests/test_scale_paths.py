"""The fast paths used at 100,000 events give what the plain ones give."""

from __future__ import annotations

import csv
import io

import pytest

from araz.io.acled import csv_lines


@pytest.mark.parametrize(
    "text",
    [
        "a,b\n1,2\n",
        "a,b\r\n1,2\r\n",
        "a,b\r1,2\r",
        'a,b\n1,"two\nlines"\n3,4',
        'a,b\n1,"a\u2028b"\n2,"x\x0cy"\r\n',  # breaks that only splitlines knows
        "",
    ],
)
def test_csv_lines_read_like_a_file_opened_with_newline_empty(text):
    expected = csv.reader(io.StringIO(text, newline=""))
    got = csv.reader(csv_lines(text))
    assert list(got) == list(expected)
    assert got.line_num == expected.line_num
