"""Spreadsheets through fastexcel (araz.io.spreadsheet): a plain sheet opens without a
question, an ACLED sheet gives the events its CSV export gives, Excel's date cells are
dates, a workbook of several sheets asks which, and a workbook Araz cannot read is
refused with the reason.  The workbooks are written here (tests/xlsx_writer.py)."""

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from araz.io import read_path, sniff
from araz.io._files import KINDS, MB
from araz.io.acled import read_acled
from araz.io.normalized import to_dict
from xlsx_writer import write_xlsx

DATA = Path(__file__).resolve().parents[1] / "data"
ACLED_CSV = DATA / "readers" / "acled_current.csv"
SAMPLES = DATA / "samples"  # real workbooks, provenance in its README.md


def _messages(result):
    return [p.message for p in result.problems]


# text an XML worksheet can hold (no control characters, no lone surrogates)
_TEXT = st.text(st.characters(min_codepoint=32, exclude_categories=("Cs",)), max_size=12)
_CELL = st.one_of(
    st.none(),
    _TEXT,
    st.dates(date(1900, 3, 1), date(2100, 1, 1)),
    st.floats(-1e6, 1e6),
    st.integers(-(10**6), 10**6),
    st.booleans(),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(_CELL, min_size=4, max_size=4), min_size=1, max_size=8))
def test_any_cells_in_these_columns_read_without_raising(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("xlsx") / "h.xlsx"
    write_xlsx(path, {"S": [["date", "title", "lat", "lon"], *rows]})
    result = read_path(path)
    ds = result.dataset
    filled = [r for r in rows if any(v is not None and str(v).strip() for v in r)]
    if ds is None:  # nothing but blank rows, or no row with a date or a place
        assert result.problems
        return
    assert len(ds) == len(filled)
    for e, row in zip(ds.events, filled, strict=True):
        if isinstance(row[0], date):
            assert e.date is not None and e.date.value.edtf == row[0].isoformat()
        for ref in e.places:
            p = ds.places[ref.place]
            assert -90 <= p.lat <= 90 and -180 <= p.lon <= 180


def test_a_plain_sheet_opens_without_a_question(tmp_path):
    path = write_xlsx(
        tmp_path / "events.xlsx",
        {
            "Sheet1": [
                ["date", "title", "lat", "lon", "link"],
                ["2023-01-27", "Shelling near Kapan", 39.2076, 46.4058, "https://example.org/a"],
                ["2023-02-03", "Protest in Yerevan", 40.1811, 44.5136, None],
            ]
        },
    )
    assert sniff(path) == "spreadsheet"
    result = read_path(path, ask_mapping=True)
    assert result.mapping is None and result.problems == []
    ds = result.dataset
    assert [e.title for e in ds.events] == ["Shelling near Kapan", "Protest in Yerevan"]
    assert [e.date.value.edtf for e in ds.events] == ["2023-01-27", "2023-02-03"]
    kapan = ds.places[ds.events[0].places[0].place]
    assert (kapan.lat, kapan.lon) == (39.2076, 46.4058)
    assert ds.events[0].extra == {"link": "https://example.org/a"}
    assert ds.events[1].extra == {}


def test_excel_date_cells_are_dates_and_blank_rows_are_left_out(tmp_path):
    path = write_xlsx(
        tmp_path / "cells.xlsx",
        {
            "Events": [
                ["date", "title", "latitude", "longitude"],
                [date(2023, 1, 27), "a day cell", 39.5, 46.25],
                [None, None, None, None],
                [datetime(2023, 2, 1, 12, 30), "a date-time cell", 40, 44],
                ["27 March 2023", "a text cell", "40.5", "44.5"],
                [None, "no date", 41, 45],
            ]
        },
    )
    result = read_path(path)
    ds = result.dataset
    assert [e.date.value.edtf if e.date else None for e in ds.events] == [
        "2023-01-27",
        "2023-02-01",
        "2023-03-27",
        None,
    ]
    points = [
        (ds.places[e.places[0].place].lat, ds.places[e.places[0].place].lon) for e in ds.events
    ]
    assert points == [(39.5, 46.25), (40.0, 44.0), (40.5, 44.5), (41.0, 45.0)]
    # the row numbers are the sheet's (the blank row 3 counted, not read)
    assert [e.id for e in ds.events] == ["row-2", "row-4", "row-5", "row-6"]
    assert any(p.record == "row 6" and "no 'date'" in p.message for p in result.problems)


def _day(text: str) -> date | str:
    """A date cell where Excel would make one (the fixture's odd dates stay text)."""
    for form in ("%d %B %Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            pass
    return text


def _number(text: str) -> float | int | str:
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text  # "NA" stays text


def _acled_rows() -> list[list[object]]:
    """The rows of the ACLED CSV fixture as ACLED's .xlsx holds them: the date a date
    cell, the numbers numbers."""
    with ACLED_CSV.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    numeric = {"year", "time_precision", "inter1", "inter2", "interaction", "iso"}
    numeric |= {"latitude", "longitude", "geo_precision", "fatalities", "timestamp"}
    out: list[list[object]] = [list(header)]
    for row in rows[1:]:
        cells: list[object] = []
        for name, value in zip(header, row, strict=True):
            if row[0].startswith("#") or value == "":
                cells.append(value or None)
            elif name == "event_date":
                cells.append(_day(value))
            elif name in numeric:
                cells.append(_number(value))
            else:
                cells.append(value)
        out.append(cells)
    return out


def test_an_acled_sheet_gives_the_events_of_the_same_rows_as_csv(tmp_path):
    csv_path = tmp_path / "acled.csv"
    csv_path.write_bytes(ACLED_CSV.read_bytes())
    xlsx_path = write_xlsx(tmp_path / "acled.xlsx", {"Export": _acled_rows()})
    from_csv, from_sheet = read_acled(csv_path), read_path(xlsx_path, ask_mapping=True)
    assert from_sheet.dataset is not None, _messages(from_sheet)
    assert len(from_sheet.dataset) == len(from_csv.dataset) > 5
    assert to_dict(from_sheet.dataset) == to_dict(from_csv.dataset)
    assert _messages(from_sheet) == _messages(from_csv)
    # the ACLED rules ran: titles, actors under states, ACLED's codes kept
    first = from_sheet.dataset.events[0]
    assert first.title == "Armed clash in Kapan"
    assert first.extra["fatalities"] == 2 and first.extra["geo_precision"] == "1"


def test_an_acled_sheet_reports_rows_by_their_number_in_the_sheet(tmp_path):
    rows = _acled_rows()  # the header is row 1, the hashtag row 2
    rows[3][rows[0].index("latitude")] = 123.0  # row 4
    path = write_xlsx(tmp_path / "acled.xlsx", {"Export": rows})
    lines = {p.line: p.message for p in read_path(path).problems}
    # row 4 now; rows 7, 8, 9 as in the fixture (its lines 9, 10, 11: the CSV counts the
    # line break inside a quoted note, a sheet's row is one row)
    assert sorted(lines) == [4, 7, 8, 9]
    assert lines[4].startswith("ARM1002: coordinates out of range: latitude 123, longitude")
    assert "'32 January 2023' not understood" in lines[7]


def _two_sheets(tmp_path):
    return write_xlsx(
        tmp_path / "two.xlsx",
        {
            "Notes": [["remark"], ["about the events"]],
            "Events": [["when", "what", "lat", "lon"], ["2023-01-27", "Kapan", 39.2, 46.4]],
        },
    )


def test_several_sheets_ask_which_and_validate_reads_the_first(tmp_path):
    path = _two_sheets(tmp_path)
    asked = read_path(path, ask_mapping=True)
    assert asked.dataset is None and asked.problems == []
    m = asked.mapping
    assert m["layers"] == ["Notes", "Events"] and m["layer"] == "Notes"
    assert m["layer_properties"] == {"Notes": ["remark"], "Events": ["when", "what", "lat", "lon"]}
    assert m["kind"] == "table"  # the dialog offers the title and the coordinates too
    # the sheet and the date column the user chose
    chosen = read_path(path, layer="Events", date_property="when", title_property="what")
    assert [(e.title, e.date.value.edtf) for e in chosen.dataset.events] == [
        ("Kapan", "2023-01-27")
    ]
    # no question (araz validate): the first sheet, and a warning that says so; this one
    # has no usable column
    first = read_path(path)
    assert first.dataset is None
    assert "2 sheets: read 'Notes', the first; the others: 'Events'" in _messages(first)[0]
    assert "sheet 'Notes' has no usable column" in _messages(first)[1]
    assert "no sheet 'Nope'" in _messages(read_path(path, layer="Nope"))[0]


@pytest.mark.parametrize(
    ("sheet", "expected"),
    [
        ([], "sheet 'S' is empty"),
        ([["date", "title"]], "sheet 'S' has a header (date, title) but no rows"),
        ([["a", "b"], [1, 2], [3, 4]], "sheet 'S' has no usable column"),
    ],
)
def test_a_sheet_that_is_not_events_is_refused(tmp_path, sheet, expected):
    result = read_path(write_xlsx(tmp_path / "s.xlsx", {"S": sheet}))
    assert result.dataset is None and result.mapping is None
    assert expected in _messages(result)[-1]


def test_a_sheet_without_a_date_column_asks_which_when_asked(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", {"S": [["a", "b"], ["2023-01-27", "x"]]})
    result = read_path(path, ask_mapping=True)
    assert result.mapping["properties"] == ["a", "b"] and result.mapping["date"] is None
    chosen = read_path(path, date_property="a", title_property="b")
    assert [e.title for e in chosen.dataset.events] == ["x"]


def test_an_encrypted_workbook_is_refused_as_password_protected(tmp_path):
    # an encrypted .xlsx is an Office compound file holding an "EncryptedPackage" stream
    path = tmp_path / "locked.xlsx"
    cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    path.write_bytes(cfb + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512)
    assert sniff(path) == "spreadsheet"
    [problem] = read_path(path).problems
    assert "password-protected" in problem.message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"PK\x03\x04 not really a zip", "not a workbook Araz can read"),
        (b"date,title\n2023-01-27,x\n", "another format saved as .xlsx"),
        (b"", "the file is empty"),
    ],
)
def test_a_damaged_workbook_is_refused(tmp_path, data, expected):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(data)
    result = read_path(path)
    assert result.dataset is None
    assert expected in _messages(result)[0]


def test_a_workbook_over_the_cap_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = _two_sheets(tmp_path)
    monkeypatch.setitem(KINDS, "spreadsheet", KINDS["spreadsheet"].__class__(100, "at most X"))
    [problem] = read_path(path).problems
    assert problem.message.startswith("cannot read the file: the file is 0 MB; at most X")
    assert KINDS["dataset"].cap == 200 * MB


def test_the_cap_is_named_in_the_message():
    assert KINDS["spreadsheet"].cap == 200 * MB
    assert "spreadsheets of at most 200 MB" in KINDS["spreadsheet"].limit


def test_fastexcel_is_imported_only_when_a_spreadsheet_is_read():
    import subprocess
    import sys

    code = "import araz.io, sys; araz.io.sniff('a.xlsx'); print('fastexcel' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(root / "app")},
    )
    assert out.stdout.strip() == "False"


def test_real_workbooks_from_fastexcel():
    ods = read_path(SAMPLES / "ods_fastexcel_dates.ods")
    [e] = ods.dataset.events
    assert e.date.value.edtf == "2023-06-01" and not e.places
    assert e.extra == {
        "datestr": "2023-06-01T02:03:04+02:00",
        "time": "1:02:03",
        "datetime": "2023-06-01",
    }
    multi = SAMPLES / "xlsx_fastexcel_multi_sheet.xlsx"
    asked = read_path(multi, ask_mapping=True).mapping
    assert asked["layers"] == ["January", "February", "With unnamed columns"]
    assert asked["date"] == "Year"
    first = read_path(multi)
    assert [e.date.value.edtf for e in first.dataset.events] == ["2019"]
    assert "3 sheets: read 'January', the first" in _messages(first)[0]
    february = read_path(multi, layer="February")
    assert [e.date.value.edtf for e in february.dataset.events] == ["2019", "2021", "2022"]
    unnamed = read_path(multi, layer="With unnamed columns")
    assert "has no usable column" in _messages(unnamed)[-1]
    div0 = read_path(SAMPLES / "xlsx_fastexcel_div0.xlsx")
    assert div0.dataset is None and "has no usable column" in _messages(div0)[-1]
    assert "dividend, divisor, quotient" in _messages(div0)[-1]


def test_progress_and_cancel_on_both_paths(tmp_path):
    plain = write_xlsx(
        tmp_path / "plain.xlsx",
        {"S": [["date", "title"], *(["2023-01-27", f"e{i}"] for i in range(300))]},
    )
    acled = write_xlsx(tmp_path / "acled.xlsx", {"Export": _acled_rows()})
    for path in (plain, acled):
        seen: list[float] = []
        done = read_path(path, progress=seen.append)
        assert done.dataset is not None and seen and seen[-1] == 1.0
        stopped = read_path(path, cancel=lambda: True)
        assert stopped.dataset is None and _messages(stopped) == ["cancelled"]
