"""The block reader makes its dates in bulk (:mod:`araz.io._acled_dates`): the same
dates as the rule applied one at a time, and the same texts in the stored table as
:func:`araz.model.kinds.date_json` writes, for every precision, far years, bad dates."""

import datetime

import numpy as np
import pytest

from araz.io import read_path
from araz.io._acled_dates import EarlyDates, civil_of, days_of
from araz.io._acled_rules import _acled_date
from araz.model.arrow_table import columns
from araz.model.dates import civil_from_days, days_from_civil
from araz.model.kinds import date_json, encode

PRECISIONS = ("1", "2", "3", "", "7")


def _texts() -> list[str]:
    texts = []
    for k in range(0, 3_652_059, 997):  # years 1 to 9999
        d = datetime.date(1, 1, 1) + datetime.timedelta(k)
        texts += [d.isoformat(), f"{d.day} {d.strftime('%B')} {d.year}", d.strftime("%d/%m/%Y")]
    # the edges of the years made in bulk, a week reaching year 0 or 10000, bad dates
    texts += ["0001-01-02", "0002-01-01", "9998-12-30", "9999-12-31", "27-Jan-23", "20230127"]
    return [*texts, "", "someday", "2023-02-30", "29 February 2024", "29 February 2023"]


def test_bulk_dates_are_the_rule_one_at_a_time():
    pairs = [(t, p) for t in _texts() for p in PRECISIONS]
    made = EarlyDates()
    made.make(pairs[: len(pairs) // 2])  # in two groups: the second finds days made
    made.make([p for p in pairs[len(pairs) // 2 :] if p not in made.of])
    kinds = set()
    for t, p in pairs:
        want = _acled_date(t, p)
        assert made.of[t, p] == want, (t, p)
        assert made.date(t, p) == want
        if isinstance(want, str):
            assert (t, p) not in made.json
            kinds.add("reason")
        else:
            assert made.json[t, p] == date_json(want), (t, p)
            kinds.add(want.value.precision)
    assert kinds == {"day", "interval", "month", "reason"}


def test_day_numbers_over_arrays_are_the_models():
    days = np.arange(-800_000, 3_000_000, 371, dtype=np.int64)
    y, m, d = civil_of(days)
    assert [civil_from_days(k) for k in days.tolist()] == list(
        zip(y.tolist(), m.tolist(), d.tolist(), strict=True)
    )
    assert days_of(y, m, d).tolist() == [
        days_from_civil(*ymd) for ymd in zip(y.tolist(), m.tolist(), d.tolist(), strict=True)
    ]


@pytest.mark.parametrize("precision", ["1", "2", "3"])
def test_the_stored_dates_are_what_encode_writes(tmp_path, precision):
    rows = [
        f"E{k},{d},{precision},Armenia,Kapan,39.2,46.4,n"
        for k, d in enumerate(["2023-01-27", "28 January 2023", "someday", "2023-01-27", ""])
    ]
    path = tmp_path / "acled.csv"
    path.write_text(
        "event_id_cnty,event_date,time_precision,country,location,latitude,longitude,notes\n"
        + "\n".join(rows)
        + "\n"
    )
    ds = read_path(path).dataset
    assert ds is not None and len(ds) == 5
    column = ds.events.date
    stored = ds.events._arrow.column("date").chunk(0)  # the reader's texts, taken as they are
    assert stored.dictionary.to_pylist() == encode("date", column.values)
    assert columns(ds.events._arrow)[2]["date"].values == column.values  # read back
    assert [d is None for d in column.take(range(5))] == [False, False, True, False, True]


@pytest.mark.parametrize("other", ["Rioters (Armenia)", 'Militia "Lions" (Ծաղիկ)'])
def test_the_stored_actors_are_what_encode_writes(tmp_path, other):
    """The actors' JSON written at once when every actor id is plain ASCII; else (an
    id in another script) by the model's encoder; either way what it writes."""
    path = tmp_path / "acled.csv"
    path.write_text(
        "event_id_cnty,event_date,actor1,assoc_actor_1,country,location,latitude,longitude\n"
        "E1,2023-01-27,Protesters (Armenia),Students (Armenia); Teachers,Armenia,Kapan,39.2,46.4\n"
        f'E2,2023-01-28,"{other.replace(chr(34), chr(34) * 2)}",,Armenia,Goris,39.5,46.3\n'
        "E3,2023-01-29,,,Armenia,Goris,39.5,46.3\n",
        encoding="utf-8",
    )
    ds = read_path(path).dataset
    assert ds is not None and len(ds) == 3
    column = ds.events.actors
    stored = ds.events._arrow.column("actors").chunk(0)
    assert stored.dictionary.to_pylist() == encode("actors", column.values)
    assert () in column.values and columns(ds.events._arrow)[2]["actors"].values == column.values
