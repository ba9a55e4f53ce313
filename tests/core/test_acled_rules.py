"""The ACLED rules are one set, whichever path reads the file: the same small files read
through the block reader (pyarrow.csv) and forced onto the row reader (a latin-1 byte,
a ragged row) give the same events, actors, states and merged count."""

from pathlib import Path

import pytest

from araz.io import read_path
from araz.io.acled import read_acled
from araz.io.normalized import to_dict

PER_ACTOR = (
    "event_id_cnty,event_date,actor1,assoc_actor_1,inter1,actor2,interaction,country,"
    "location,latitude,longitude,notes,fatalities\n"
    "E1,2023-01-27,Protesters (Armenia),,6,Police Forces of Armenia (2018-),16,Armenia,"
    "Yerevan,40.18,44.51,A march in Café square.,0\n"
    "E1,2023-01-27,Labor Group (Armenia),Teachers (Armenia),6,"
    "Police Forces of Armenia (2018-),16,Armenia,Yerevan,40.18,44.51,A march in Café square.,0\n"
    "E2,2023-01-28,Rioters (Armenia),,5,,50,Armenia,Gyumri,40.79,43.85,A riot.,1\n"
    "E1,2023-01-27,Students (Armenia),,6,Police Forces of Armenia (2018-),16,Armenia,"
    "Yerevan,40.18,44.51,A march in Café square.,0\n"
    # the same id with another note: another event (a duplicate id)
    "E2,2023-01-28,Rioters (Armenia),,5,,50,Armenia,Gyumri,40.79,43.85,Another.,1\n"
    # the same id, the same note, another place: another event too
    "E2,2023-01-28,Rioters (Armenia),,5,,50,Armenia,Vanadzor,40.81,44.49,A riot.,1\n"
)
# one row per actor with a bad date and no point: reported once, on the event's first row
BAD_ROWS = (
    "event_id_cnty,event_date,actor1,inter1,country,location,latitude,longitude,notes\n"
    "B1,someday,Protesters (Armenia),6,Armenia,Kapan,,,Café.\n"
    "B2,2023-01-02,Rioters (Armenia),5,Armenia,Goris,39.5,46.3,x\n"
    "B1,someday,Students (Armenia),6,Armenia,Kapan,,,Café.\n"
)
STATES = (
    "event_id_cnty,event_date,actor1,assoc_actor_1,inter1,actor2,inter2,country,location,"
    "latitude,longitude,notes\n"
    "A1,2023-01-27,Militia (Pro-Government),Rioters (Students),4,,,Armenia,Kapan,39.2,46.4,"
    "Café.\n"
    "A2,2023-01-28,Protesters (Iran),,6,Military Forces of Azerbaijan (2003-),1,Azerbaijan,"
    "Baku,40.4,49.8,x\n"
    "A3,2023-01-29,Police Forces of Iran (1979-),,1,Civilians (Pro-Government),7,Armenia,"
    "Meghri,38.9,46.2,y\n"
)


def _paths(tmp_path: Path, name: str, text: str) -> dict[str, Path]:
    """The file as UTF-8 (the block reader), as latin-1 and with a ragged row (both for
    the row reader: pyarrow reads neither)."""
    lines = text.splitlines(keepends=True)
    ragged = "".join([*lines[:2], lines[2].replace("\n", ",\n"), *lines[3:]])
    out = {}
    for kind, data in (
        ("utf8", text.encode("utf-8")),
        ("latin1", text.encode("latin-1")),
        ("ragged", ragged.encode("utf-8")),
    ):
        out[kind] = tmp_path / f"{name}_{kind}.csv"
        out[kind].write_bytes(data)
    return out


def _summary(result) -> tuple:
    ds = result.dataset
    assert ds is not None, result.problems
    actors = sorted((a.id, a.name, a.kind, a.state_id) for a in ds.actors.values())
    return to_dict(ds), actors, result.merged


@pytest.mark.parametrize(
    ("name", "text"), [("per_actor", PER_ACTOR), ("bad_rows", BAD_ROWS), ("states", STATES)]
)
def test_both_readers_apply_the_same_rules(tmp_path, name, text):
    paths = _paths(tmp_path, name, text)
    block = read_acled(paths["utf8"])
    rows = read_acled(paths["utf8"], arrow=False)
    assert _summary(block) == _summary(rows)
    assert [str(p) for p in block.problems] == [str(p) for p in rows.problems]
    for kind in ("latin1", "ragged"):  # read_path falls back to the row reader
        fallback = read_path(paths[kind])
        assert _summary(fallback) == _summary(block), kind
        assert any(p.severity == "warning" for p in fallback.problems)  # why it fell back


def test_the_row_reader_merges_rows_per_actor(tmp_path):
    p = _paths(tmp_path, "per_actor", PER_ACTOR)["latin1"]
    r = read_path(p)
    ds = r.dataset
    assert r.merged == 2 and len(ds) == 4
    assert ds.events.ids == ["E1", "E2", "row-6", "row-7"]
    names = [ds.actors[a].name for a in ds.event("E1").actors]
    assert names == [
        "Protesters (Armenia)",
        "Police Forces of Armenia (2018-)",
        "Labor Group (Armenia)",
        "Teachers (Armenia)",
        "Students (Armenia)",
    ]
    assert ds.event("E1").summary == "A march in Café square."
    messages = [(p.line, p.message) for p in r.problems]
    assert messages[0][1].startswith("not UTF-8 (byte 0xe9")  # why it is the row reader
    assert messages[1][0] is None and messages[1][1].startswith("2 rows merged")
    assert messages[2:] == [
        (6, "duplicate event_id_cnty 'E2': using 'row-6'"),
        (7, "duplicate event_id_cnty 'E2': using 'row-7'"),
    ]


def test_a_merged_row_reports_nothing_its_event_has_not(tmp_path):
    for path in _paths(tmp_path, "bad_rows", BAD_ROWS).values():
        r = read_path(path)
        assert r.merged == 1 and len(r.dataset) == 2
        rows = [(p.line, p.message) for p in r.problems if p.record == "B1"]
        assert rows == [
            (
                2,
                "B1: event date 'someday' not understood (expected e.g. 27 January 2023 or "
                "2023-01-27); kept under 'no date'",
            ),
            (2, "B1: no coordinates; kept without a place"),
        ], path.name


def test_a_state_only_for_a_country_in_both_readers(tmp_path):
    for path in _paths(tmp_path, "states", STATES).values():
        ds = read_path(path).dataset
        state = {ds.actors[a].name: ds.actors[a].state_id for e in ds.events for a in e.actors}
        assert state == {
            "Militia (Pro-Government)": "armenia",  # not a state "Pro-Government"
            "Rioters (Students)": "armenia",
            "Protesters (Iran)": "iran",  # a country in parentheses
            "Military Forces of Azerbaijan (2003-)": "azerbaijan",
            "Police Forces of Iran (1979-)": "iran",
            "Civilians (Pro-Government)": "armenia",
        }, path.name
        assert {a.name for a in ds.actors.values() if a.kind == "state"} == {
            "Armenia",
            "Azerbaijan",
            "Iran",
        }


def test_dates_made_from_day_numbers_are_the_dates_parsed():
    """A day's date is made from its numbers (no parse per distinct day): the same
    value as ``FuzzyDate.parse`` of its EDTF text, for each time_precision, at the
    ends of the four-digit years too."""
    from araz.io._acled_rules import acled_date_of
    from araz.io._dates import edtf_day
    from araz.model.dates import FuzzyDate, civil_from_days, days_from_civil

    first, last = days_from_civil(1, 1, 1), days_from_civil(9999, 12, 31)
    days = [*range(first, first + 40), *range(days_from_civil(2016, 12, 20), last - 3, 997)]
    days += range(days_from_civil(2024, 2, 20), days_from_civil(2024, 3, 5))  # a 29 February
    for n in days:
        y, m, d = civil_from_days(n)
        parsed = FuzzyDate.parse(edtf_day(y, m, d))
        week = FuzzyDate.parse(
            f"{edtf_day(*civil_from_days(n - 3))}/{edtf_day(*civil_from_days(n + 3))}"
        )
        for precision, value in (("1", parsed), ("", parsed), ("2", week)):
            date = acled_date_of("t", (y, m, d), precision)
            assert not isinstance(date, str)
            assert date.value == value, (y, m, d, precision)
            if precision != "2":
                assert date.display == value.display()
            else:
                assert date.display.startswith(f"week of {d} ")


def test_a_week_at_the_end_of_year_9999_ends_with_that_year(tmp_path):
    """time_precision 2 on 9999-12-30 or -31: the week around it would run into year
    10000, which no date here holds; it ends on 31 December 9999 instead of raising out
    of the reader (both readers)."""
    from araz.io._acled_rules import acled_date_of
    from araz.model.dates import FuzzyDate

    date = acled_date_of("9999-12-31", (9999, 12, 31), "2")
    assert not isinstance(date, str)
    assert date.value == FuzzyDate.parse("9999-12-28/9999-12-31")
    text = (
        "event_id_cnty,event_date,time_precision,actor1,country,location,latitude,longitude\n"
        "W1,9999-12-30,2,Protesters (Armenia),Armenia,Kapan,39.2,46.4\n"
        "W2,2023-01-02,2,Rioters (Armenia),Armenia,Goris,39.5,46.3\n"
    )
    path = tmp_path / "late.csv"
    path.write_text(text, encoding="utf-8")
    for arrow in (True, False):
        ds = read_acled(path, arrow=arrow).dataset
        assert ds is not None
        late = next(e for e in ds.events if e.id.endswith("W1"))
        assert late.date.value == FuzzyDate.parse("9999-12-27/9999-12-31")
