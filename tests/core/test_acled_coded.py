"""The block reader's bulk steps give what their one-at-a-time forms give: place ids
made per base, values stripped in Arrow, combinations hashed by Arrow."""

import numpy as np
import pyarrow as pa

from araz.io._acled_coded import CodedColumn, TextCodedColumn, combine
from araz.io._acled_tables import make_ids, numbered_ids
from araz.io._common import Ids


def _one_by_one(bases, before=()):
    ids = Ids()
    for b in before:
        ids.make(b)
    return [ids.make(b) for b in bases], ids


def test_place_ids_in_bulk_are_the_ids_made_one_by_one():
    cases = [
        (["kapan", "goris", "kapan", "kapan", "goris"], ()),
        # a base that is another base and a number: its ids would collide
        (["kapan", "kapan-2", "kapan", "kapan-3", "kapan"], ()),
        # ids already made before: the counts go on, a taken id is skipped
        (["kapan", "kapan", "goris"], ("kapan", "kapan", "goris-2")),
        (["a-1", "a", "a"], ()),
        ([], ("kapan",)),
    ]
    for bases, before in cases:
        expected, after_one = _one_by_one(bases, before)
        ids = Ids()
        for b in before:
            ids.make(b)
        assert make_ids(ids, bases) == expected, bases
        assert ids.taken == after_one.taken and ids.counts == after_one.counts
        # and the next id made one by one follows on from both alike
        assert ids.make("kapan") == after_one.make("kapan")
        # the last ids made (keep=False): the same ids
        last = Ids()
        for b in before:
            last.make(b)
        assert make_ids(last, bases, keep=False) == expected, bases
    # made in bulk, the last ids are not written into the registry (it goes after)
    last = Ids()
    last.make("goris")
    assert make_ids(last, ["kapan", "goris", "kapan"], keep=False) == [
        "kapan",
        "goris-2",
        "kapan-2",
    ]
    assert last.taken == {"goris"} and last.counts == {"goris": 1}


def test_place_ids_made_in_arrow_are_the_ids_made_one_by_one():
    rng = np.random.default_rng(7)
    values = ["kapan", "goris", "meghri", "place", "x-1", "b-3", "b"]
    for _ in range(200):
        k = int(rng.integers(1, len(values) + 1))
        bases = [values[i] for i in rng.choice(len(values), k, replace=False).tolist()]
        codes = rng.integers(0, k, int(rng.integers(1, 80))).astype(np.int8)
        expected, _ = _one_by_one([bases[c] for c in codes.tolist()])
        got = numbered_ids(bases, codes)
        collide = "b" in bases and "b-3" in bases
        if collide:  # an id of "b" could be one of "b-3": made one by one instead
            assert got is None
        else:
            assert got is not None and list(got) == expected, (bases, codes)
    # one base written twice among the values (two locations, one slug)
    got = numbered_ids(["kapan", "goris", "kapan"], np.array([0, 2, 1, 2, 0], np.int8))
    assert got is not None
    assert list(got) == ["kapan", "kapan-2", "goris", "kapan-3", "kapan-4"]


def test_place_ids_of_many_rows_per_base_are_the_ids_made_one_by_one():
    rng = np.random.default_rng(5)
    names = ["kapan", "goris", "meghri", "place"]
    bases = [names[k] for k in rng.integers(0, 4, 3000).tolist()]
    for before in ((), ("goris", "meghri")):
        expected, after_one = _one_by_one(bases, before)
        for keep in (True, False):
            ids = Ids()
            for b in before:
                ids.make(b)
            assert make_ids(ids, bases, keep=keep) == expected
            if keep:
                assert ids.taken == after_one.taken and ids.counts == after_one.counts


def test_coded_values_are_stripped_as_str_strip_strips_them():
    texts = [
        "Kapan",
        " Kapan ",
        "\u00a0Kapan",
        "Kapan\x1c",
        "Ağdərə",
        "Ağdərə\u2009",
        "",
        "Goris\t",
    ]
    column = CodedColumn()
    for part in (texts[:3], texts[3:]):
        column.add(pa.array(part).dictionary_encode())
    codes, values = column.done(skip=1)
    assert [values[c] for c in codes] == [t.strip() for t in texts[1:]]
    assert len(values) == len(set(values)) == 4  # Kapan, Ağdərə, "", Goris
    # the coordinates: plain text batches, coded at the end, stripped alike
    column = TextCodedColumn()
    for part in (texts[:3], texts[3:]):
        column.add(pa.array(part))
    codes, values = column.done(skip=1)
    assert [values[c] for c in codes] == [t.strip() for t in texts[1:]]
    assert len(values) == len(set(values)) == 4
    assert values == ["Kapan", "Ağdərə", "", "Goris"]  # in order of first appearance


def test_combinations_hashed_are_numbered_by_first_appearance():
    rng = np.random.default_rng(3)
    n = 5000
    big = rng.integers(0, 3_000_000, n).astype(np.int32)  # a sparse key: hashed
    small = rng.integers(0, 4, n).astype(np.int32)
    codes, first = combine((big, 3_000_000), (small, 4))
    seen: dict[tuple[int, int], int] = {}
    expected = [
        seen.setdefault(k, len(seen)) for k in zip(big.tolist(), small.tolist(), strict=True)
    ]
    assert codes.tolist() == expected
    assert first.tolist() == [expected.index(k) for k in range(len(seen))]


def test_ids_hashed_apart_are_distinct_and_doubtful_ones_are_said_so():
    import pyarrow as pa

    from araz.io._acled_coded import all_apart, id_hashes

    ids = [f"IRN{k}" for k in range(5000)] + ["AZE1", "x" * 32, "é€"]
    whole = pa.array(ids)
    parts = [id_hashes(whole.slice(0, 2000)), id_hashes(whole.slice(2000))]
    assert all(p is not None for p in parts) and all_apart(parts)
    # the same bytes hash alike, whatever their chunk or its offset
    again = id_hashes(pa.array(["pad", *ids[:10]]).slice(1))
    assert again is not None and again.tolist() == parts[0][:10].tolist()
    assert not all_apart([*parts, id_hashes(pa.array(["IRN17"]))])  # a repeated id
    assert id_hashes(pa.array(["a", ""])) is None  # an empty id
    assert id_hashes(pa.array(["y" * 33])) is None  # a long one: the exact check
    assert not all_apart([parts[0], None]) and all_apart([])


def test_coordinates_kept_in_arrow_read_as_numbers_as_python_reads_them():
    import pyarrow as pa

    from araz.io._acled_coded import floats
    from araz.model.columns import Strings

    good = ["1.5", "-0", "+.5", "5.", "1E-5", "NaN", "-Infinity", "1e400", "0001.5", "4.9e-324"]
    assert np.array_equal(floats(Strings(pa.array(good))), floats(good), equal_nan=True)
    # one text Arrow does not read (Python's float does, or not): the texts read in Python
    for odd in ("1_0", "", "٣", "x"):
        texts = [*good, odd]
        got, want = floats(Strings(pa.array(texts))), floats(texts)
        assert np.array_equal(got, want, equal_nan=True), odd
