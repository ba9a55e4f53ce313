"""The fast paths used at 100,000 events give what the plain ones give."""

from __future__ import annotations

import csv
import io

import pytest

from araz.io._acled_rules import csv_lines


@pytest.mark.parametrize(
    "text",
    [
        "a,b\n1,2\n",
        "a,b\r\n1,2\r\n",
        "a,b\r1,2\r",
        'a,b\n1,"two\nlines"\n3,4',
        'a,b\n1,"a\u2028b"\n2,"x\x0cy"\r\n',  # breaks that only splitlines knows
        "",
        "x\r\n\r\ny\r\rz\n\n",  # a \r\n across any chunk boundary stays one break
    ],
)
@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 1 << 20])
def test_csv_lines_read_like_a_file_opened_with_newline_empty(text, chunk):
    expected = csv.reader(io.StringIO(text, newline=""))
    got = csv.reader(csv_lines(text, chunk))
    assert list(got) == list(expected)
    assert got.line_num == expected.line_num


def test_distinct_objects_by_identity_in_order_of_first_appearance():
    from araz.model.table import distinct_objects

    a, b, c = tuple([1, 2]), tuple([1, 2]), (3,)  # a == b, but two objects
    assert a is not b
    values = [c, a, c, b, a]
    codes, objs = distinct_objects(values)
    assert objs == [c, a, b] and objs[1] is a and objs[2] is b
    assert [values[i] is objs[k] for i, k in enumerate(codes)] == [True] * 5
    assert distinct_objects([])[1] == []


def _naive_actor_counts(ds):
    from collections import Counter

    counts: Counter = Counter()
    for e in ds.events:
        for a in set(e.actors):
            counts[a] += 1
        for s in {ds.state_of(a) for a in e.actors} - set(e.actors):
            counts[s] += 1
    return counts


def test_indexes_match_their_plain_definitions(curated):
    import numpy as np

    from araz.model.palette import Palette

    ds = curated
    assert ds.actor_counts == _naive_actor_counts(ds)
    assert ds.colours == [
        ds.palette.colour(ds.state_of(e.actors[0]) if e.actors else None) for e in ds.events
    ]
    from collections import Counter

    states = Counter(ds.main_state(e) for e in ds.events if e.actors)
    plain = Palette([s for s, _ in states.most_common() if s])
    assert all(plain.colour(s) == ds.palette.colour(s) for s in states)
    assert list(ds.unplaced_mask) == [ds.first_point(e) is None for e in ds.events]
    lo = [e.date.value.wide_lower if e.date else -np.inf for e in ds.events]
    assert list(ds.arrays["wide_lower"]) == lo
    assert list(ds.arrays["has_date"]) == [e.date is not None for e in ds.events]


def test_timeline_data_takes_colours_as_ints_or_text():
    from araz.model.table import take
    from araz.views.timeline.data import _colors

    ints = _colors([0x112233, 0xFF445566, -1], 3)
    text = _colors(["#112233", "#FF445566", 0xFFFFFFFF], 3)
    assert ints.tolist() == text.tolist() == [0xFF112233, 0xFF445566, 0xFFFFFFFF]
    assert _colors([1, "#000001"], 2).tolist() == [0xFF000001, 0xFF000001]
    import numpy as np

    assert take(["a", "b", "c"], np.array([2, 0])) == ["c", "a"]
    assert take(["a"], np.array([0])) == ["a"] and take([], np.array([], np.intp)) == []
