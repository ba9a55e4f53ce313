"""The coded columns' texts read back (araz.model.kinds.decode): what encode wrote gives
the same values, anything else raises Corrupt (a damaged table cache is never trusted)."""

from __future__ import annotations

import json

import pytest

from araz.model.dates import FuzzyDate
from araz.model.entities import EventDate
from araz.model.kinds import Corrupt, decode, encode


def _dates() -> list:
    one = EventDate(FuzzyDate.parse("2023-01-27"), display="27 Jan 2023", basis="source")
    span = EventDate(
        FuzzyDate.parse("2023-01/2023-03"), display="Jan-Mar 2023", basis="x", note="n"
    )
    return [one, None, span, one]


def test_dates_and_actors_round_trip():
    dates = _dates()
    assert decode("date", encode("date", dates)) == dates
    actors = [("a", "b"), (), ("c",)]
    assert decode("actors", encode("actors", actors)) == actors


def _spoilt_dates() -> list[list[str]]:
    texts = encode("date", _dates())
    rows = [json.loads(t) for t in texts]
    single = next(k for k, r in enumerate(rows) if r is not None and r[5] == 0)
    out = []
    for change in (
        lambda r: r.__setitem__(5, 1),  # an end that is a number but not "the start"
        lambda r: r.__setitem__(5, True),  # a boolean is not the number 0
        lambda r: r.__setitem__(0, 5),  # display not text
        lambda r: r.pop(),  # a field short
        lambda r: r.__setitem__(4, [1, 2, "x"]),  # a point short of fields
        lambda r: r[4].__setitem__(0, "2023"),  # a year as text
    ):
        spoilt = json.loads(json.dumps(rows))
        change(spoilt[single])
        out.append([json.dumps(r) for r in spoilt])
    out.append([*texts[:1], "[1]", *texts[2:]])  # not a date's list
    out.append([*texts[:1], "{}", *texts[2:]])
    return out


@pytest.mark.parametrize("texts", _spoilt_dates())
def test_a_spoilt_date_is_corrupt(texts):
    with pytest.raises(Corrupt, match="date"):
        decode("date", texts)


@pytest.mark.parametrize("text", ['"a"', "[1]", '["a", null]', '{"a": 1}', '[["a"]]'])
def test_actors_that_are_not_lists_of_ids_are_corrupt(text):
    with pytest.raises(Corrupt, match="actors"):
        decode("actors", ['["x"]', text])
