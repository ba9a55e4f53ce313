"""Any CSV or TSV that is not an ACLED export: columns guessed by name (the guesser
GeoJSON properties go through), the mapping question when the date cannot be guessed,
unmapped columns kept, clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from araz.io import read_path, sniff
from araz.io.table_csv import guess_csv

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


def _place(ds, e):
    return ds.places[e.places[0].place] if e.places else None


def test_a_plain_csv_reads_without_a_question(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text(
        "date,title,lat,lon,actors,link\n"
        "2023-01-27,Embassy attack,35.7,51.4,Iran; Azerbaijan,https://example.org/a\n"
        "2021-06,Border clash,39.2,45.9,,\n"
        "27 January 2020,No place,,,Armenia,\n"
    )
    assert sniff(path) == "csv"
    result = read_path(path, ask_mapping=True)
    assert result.mapping is None
    ds = result.dataset
    assert [e.id for e in ds.events] == ["row-1", "row-2", "row-3"]
    assert [e.date.edtf for e in ds.events] == ["2023-01-27", "2021-06", "2020-01-27"]
    assert [e.title for e in ds.events] == ["Embassy attack", "Border clash", "No place"]
    first = ds.events[0]
    assert [ds.actors[a].name for a in first.actors] == ["Iran", "Azerbaijan"]
    assert (_place(ds, first).lat, _place(ds, first).lon) == (35.7, 51.4)
    assert first.extra == {"link": "https://example.org/a"}
    assert not ds.events[2].places
    assert [str(p) for p in result.problems] == [
        f"{path}: row 3: no coordinates: on the timeline only"
    ]


def test_tsv_semicolons_wkt_and_an_id_column(tmp_path):
    tsv = tmp_path / "a.tsv"
    tsv.write_text("id\tevent_date\tname\tWKT\n007\t2022-05-01\tA\tPOINT (45 39)\n")
    ds = read_path(tsv).dataset
    [e] = ds.events
    assert e.id == "007" and e.title == "A" and e.date.edtf == "2022-05-01"
    assert (_place(ds, e).lon, _place(ds, e).lat) == (45, 39)
    semi = tmp_path / "b.csv"
    semi.write_text("Start_Date;Label;Latitude;Longitude\n2022;B;40.1;44.5\n")
    [e] = read_path(semi).dataset.events
    assert e.title == "B" and e.date.edtf == "2022"


def test_acled_still_wins_for_acled_files():
    assert sniff(SAMPLES / "acled_legacy_uppercase_hdx_fixture.csv") == "acled"


def test_a_csv_whose_date_cannot_be_guessed_asks_then_reads_the_choice(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("when_it_happened,what,lat,lon\n2022-03-15,A,39,46\n")
    result = read_path(path, ask_mapping=True)
    assert result.dataset is None
    assert result.mapping["properties"] == ["when_it_happened", "what", "lat", "lon"]
    assert result.mapping["date"] is None and result.mapping["lat"] == "lat"
    assert guess_csv(path)["properties"] == result.mapping["properties"]
    ds = read_path(path, date_property="when_it_happened", title_property="what").dataset
    assert ds.events[0].date.edtf == "2022-03-15" and ds.events[0].title == "A"
    # araz validate (no question): read, each event under 'no date', and said so
    plain = read_path(path)
    assert len(plain.dataset) == 1 and "no date column" in plain.problems[0].message


def test_a_csv_with_dates_and_no_coordinates_is_a_timeline(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text("start_date,end_date,event\n1918-05-28,1920-04-28,First Republic\n")
    result = read_path(path)
    [e] = result.dataset.events
    assert (e.title, e.date.edtf, e.places) == ("First Republic", "1918-05-28/1920-04-28", ())
    assert [p.severity for p in result.problems] == ["warning"]
    assert "no coordinate columns" in result.problems[0].message


def test_a_csv_with_no_date_and_no_coordinates_is_refused(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("name,colour\nA,red\nB,blue\n")
    result = read_path(path)
    assert result.dataset is None
    assert result.problems[0].message.startswith("not events: no date column and no coordinates")
    assert "name, colour" in result.problems[0].message


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            _TEXT,
            st.one_of(_TEXT, st.dates().map(str)),
            st.one_of(st.floats(-100, 100), st.just(float("nan"))),
            st.one_of(st.floats(-200, 200), st.just(float("nan"))),
            _TEXT,
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_csv_of_these_columns_reads_without_raising(tmp_path_factory, rows):
    import csv

    path = tmp_path_factory.mktemp("csv") / "h.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["title", "date", "lat", "lon", "link"])
        w.writerows(rows)
    result = read_path(path)
    ds = result.dataset
    if ds is None:  # only a file whose every row lacks both a date and a place
        assert result.problems
        return
    assert len(ds) == len(rows)
    for e, (_, _, lat, lon, link) in zip(ds.events, rows, strict=True):
        if e.places:
            p = _place(ds, e)
            assert -90 <= p.lat <= 90 and -180 <= p.lon <= 180
            assert p.lat == pytest.approx(lat) and p.lon == pytest.approx(lon)
        if link.strip():
            assert e.extra["link"] == link.strip()


def test_a_windows_1252_csv_with_a_repeated_header(tmp_path):
    path = tmp_path / "latin.csv"
    text = "date,title,link,link,lat,lon\n2020-01-02,Café Ağdam,a,b,39.7,46.7\n"
    path.write_bytes(text.replace("ğ", "g").encode("cp1252"))
    result = read_path(path)
    [e] = result.dataset.events
    assert e.title == "Café Agdam"
    assert e.extra == {"link": "a", "link (2)": "b"}
    assert [p.message for p in result.problems] == [
        "not UTF-8; read as Windows-1252: check accented names"
    ]
