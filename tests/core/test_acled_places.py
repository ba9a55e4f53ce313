"""The ACLED block reader's gazetteer: a :class:`Places` by column, made straight from the
reader's per-value columns, with no :class:`Place` object until one is asked for, and
the same places as the row reader's."""

from pathlib import Path

from araz.io.acled import read_acled
from araz.model.places import Places, _same_texts

DATA = Path(__file__).resolve().parents[1] / "data"
CURRENT = DATA / "readers" / "acled_current.csv"


def test_the_block_reader_hands_places_by_column_and_makes_no_place(tmp_path):
    result = read_acled(CURRENT)
    assert result.dataset is not None
    places = result.dataset.places
    assert isinstance(places, Places)
    assert places._objects is None  # no dict of Place objects behind the columns
    assert places.made == 0
    rows = read_acled(CURRENT, arrow=False).dataset
    assert rows is not None
    assert list(places) == list(rows.places)
    pid = next(iter(places))
    assert places[pid] == rows.places[pid]
    assert places.made == 1
    assert dict(places.items()) == dict(rows.places.items())
    assert places.made == len(places)


def test_a_place_without_location_is_named_by_its_coordinates(tmp_path):
    src = CURRENT.read_text(encoding="utf-8").splitlines()
    header = src[0].split(",")
    at = header.index("location")
    out, blanked = [src[0]], False
    for line in src[1:]:
        cells = line.split(",")
        if len(cells) == len(header) and cells[0][:1].isalpha() and not blanked:
            cells[at], blanked = "", True
            line = ",".join(cells)
        out.append(line)
    path = tmp_path / "no_location.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    fast, rows = read_acled(path).dataset, read_acled(path, arrow=False).dataset
    assert fast is not None and rows is not None
    assert isinstance(fast.places, Places) and fast.places.made == 0
    named = [p for p in fast.places.values() if p.name[0].isdigit() or p.name[0] == "-"]
    assert named and all(", " in p.name for p in named)
    assert dict(fast.places.items()) == dict(rows.places.items())


def test_place_tuples_from_the_gazetteers_own_ids_are_those_matched_by_id(tmp_path):
    """The events' dictionary of place ids is the gazetteer's id column itself: its
    place tuples (row i: place i) are those that matching each id finds."""
    import sys

    import pyarrow as pa

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from synth import write_acled_csv

    ds = read_acled(write_acled_csv(tmp_path / "s.csv", 500, seed=2)).dataset
    texts = ds.events._arrow.column("places").chunk(0).dictionary
    codes = ds.events.places.codes
    same = ds.places.tuples_of_ids(codes, texts)
    copy = pa.concat_arrays([texts.slice(0, 1), texts.slice(1)])  # other buffers
    ids = ds.places.ids.array
    assert _same_texts(texts, ids) and not _same_texts(copy, ids)  # both paths taken
    matched = ds.places.tuples_of_ids(codes, copy)
    assert same is not None and matched is not None
    assert same.starts.tolist() == matched.starts.tolist()
    assert same.rows.tolist() == matched.rows.tolist() == list(range(len(ds.places)))
    assert same.codes.tolist() == matched.codes.tolist()
