"""Colour by a column, size by a number (issue #18): the pure model's part.  Colours go to
distinct values (stable, colour-blind safe, missing grey), the offered columns are those
that repeat, and the AppModel keeps the choice and tells its views once."""

from __future__ import annotations

import numpy as np
import pytest

from araz.model import AppModel, Change
from araz.model import colour_by as cb
from araz.model.dataset import Dataset
from araz.model.entities import Actor, PlaceRef
from araz.model.table import EventTableBuilder


def acled_like(
    n: int = 40, event_types=("Battles", "Protests", "Riots"), reverse: bool = False
) -> Dataset:
    """Events with ACLED-like extras: event_type (one event without), fatalities (a
    number), an id-like column that never repeats, and a constant one."""
    b = EventTableBuilder()
    b.set_extra_keys(("event_type", "fatalities", "note_id", "iso"))
    for i in reversed(range(n)) if reverse else range(n):
        k = (i * i if len(event_types) <= 3 else i) % len(event_types)  # uneven counts
        et = None if i == 5 else event_types[k]
        b.append(
            f"e{i}",
            f"title {i % 4}",
            None,
            actors=("iran",) if i % 2 else ("azerbaijan",),
            places=(PlaceRef("p"),),
            category="Battles" if i % 3 else "Protests",
            extra_values=(et, [0, 1, 4, 100][i % 4], f"n{i}", 364),
        )
    actors = {
        "iran": Actor("iran", "Iran", "state"),
        "azerbaijan": Actor("azerbaijan", "Azerbaijan", "state"),
    }
    return Dataset(b.build(), actors, {})


def test_each_value_gets_a_colour_most_common_first_missing_grey():
    ds = acled_like()
    scheme = cb.colour_scheme(ds, "event_type")
    types = [ds.events[i].extra.get("event_type") for i in range(len(ds))]
    counts = {t: types.count(t) for t in set(types) if t}
    assert scheme.values == sorted(counts, key=lambda t: (-counts[t], t))
    assert scheme.colours == list(cb.CATEGORICAL[: len(counts)])
    assert scheme.counts == [counts[v] for v in scheme.values]
    palette = scheme.palette()
    for i, t in enumerate(types):  # per event, the colour of its value
        want = cb.MISSING if t is None else scheme.colours[scheme.values.index(t)]
        assert palette[int(scheme.codes[i])] == want
    assert scheme.codes.dtype == np.uint16
    assert scheme.legend()[-1] == ("no value", cb.MISSING, 1)
    assert cb.MISSING == "#999999"


def test_colours_are_stable_whatever_the_row_order():
    a = cb.colour_scheme(acled_like(), "event_type")
    b = cb.colour_scheme(acled_like(reverse=True), "event_type")
    assert a.values == b.values and a.colours == b.colours
    # a tie in counts goes by name, not by which value came first
    tie = cb.colour_scheme(acled_like(4, ("b", "a")), "event_type")
    assert tie.counts == [2, 2] and tie.values == ["a", "b"]


def test_palette_is_colour_blind_safe_and_distinct():
    assert len(set(cb.CATEGORICAL)) == len(cb.CATEGORICAL) == 10
    assert cb.CATEGORICAL[:7] == (
        "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
    )  # fmt: skip
    assert cb.MISSING not in cb.CATEGORICAL and cb.OTHER_VALUES not in cb.CATEGORICAL


def test_values_beyond_the_palette_share_one_colour():
    many = tuple(f"type {k:02d}" for k in range(14))
    scheme = cb.colour_scheme(acled_like(200, many), "event_type")
    assert len(scheme.values) == len(cb.CATEGORICAL)
    label, colour, count = scheme.legend()[-2]
    assert label == "4 other values" and colour == cb.OTHER_VALUES
    assert count == scheme.others == int((scheme.codes == len(cb.CATEGORICAL)).sum())


def test_offered_columns_repeat_and_numbers_size():
    ds = acled_like()
    cols = cb.colour_columns(ds)
    assert cols[0] == cb.ACTOR
    assert "event_type" in cols and "category" in cols
    assert "note_id" not in cols  # 40 distinct values: does not repeat
    assert "iso" not in cols  # one value: nothing to tell apart
    assert "fatalities" not in cols  # a number: for size
    assert cb.size_columns(ds) == ["fatalities"]
    assert cb.label("event_type") == "Event type" and cb.label(cb.ACTOR) == "Main actor"


def test_acled_event_type_equal_to_category_is_offered_once():
    b = EventTableBuilder()
    b.set_extra_keys(("event_type",))
    for i in range(6):
        t = ("Battles", "Riots")[i % 2]
        b.append(f"e{i}", "t", None, category=t, extra_values=(t,))
    cols = cb.colour_columns(Dataset(b.build(), {}, {}))
    assert "category" in cols and "event_type" not in cols


def test_curated_columns_and_actor_scheme_is_todays_colours(curated):
    cols = cb.colour_columns(curated)
    assert cols[:4] == [cb.ACTOR, "category", "certainty", "date_basis"]
    actor = cb.colour_scheme(curated, cb.ACTOR)
    palette = actor.palette()
    assert [palette[int(k)] for k in actor.codes] == curated.colours
    basis = cb.colour_scheme(curated, "date_basis")
    pal = basis.palette()
    for i, e in enumerate(curated.events):
        want = basis.colours[basis.values.index(e.date.basis)] if e.date else cb.MISSING
        assert pal[int(basis.codes[i])] == want


def test_radius_grows_with_the_square_root_within_bounds():
    r, top = cb.radii(np.array([0.0, 1.0, 25.0, 100.0, np.nan, -3.0]))
    assert top == 100.0
    assert r[0] == r[4] == r[5] == cb.MIN_RADIUS and r[3] == cb.MAX_RADIUS
    span = cb.MAX_RADIUS - cb.MIN_RADIUS
    assert r[2] == pytest.approx(cb.MIN_RADIUS + span * 0.5)
    assert r[1] == pytest.approx(cb.MIN_RADIUS + span * 0.1)
    flat, none = cb.radii(np.zeros(3))
    assert none == 0.0 and (flat == cb.MIN_RADIUS).all()


def test_model_keeps_the_choice_and_notifies_once():
    m = AppModel(acled_like())
    seen: list[Change] = []
    m.changed.connect(seen.append)
    assert m.colour_by == cb.ACTOR and m.size_by is None and m.sizes is None
    m.set_colour_by("event_type")
    assert m.colour_by == "event_type" and seen == [Change(colour=True)]
    assert m.colour_scheme.column == "event_type"
    m.set_colour_by("event_type")  # no change, no notification
    assert len(seen) == 1
    m.set_size_by("fatalities")
    assert len(seen) == 2 and seen[-1].colour
    r, top = m.sizes or (None, None)
    assert top == 100 and r is not None and len(r) == len(m.dataset)
    # a dataset without the column shows the main actor; the choice waits for the next
    m.set_dataset(Dataset([], {}, {}))
    assert m.colour_by == cb.ACTOR and m.size_by is None and seen[-1].dataset
    m.set_dataset(acled_like())
    assert m.colour_by == "event_type" and m.size_by == "fatalities"
    m.set_colour_by("no such column")
    assert m.colour_by == cb.ACTOR


def test_legend_text_follows_colour_and_size():
    from araz.views import colours

    ds = acled_like()
    actor = cb.colour_scheme(ds, cb.ACTOR)
    assert colours.legend(actor, None, 0.0) is None  # today's look: no map legend
    only_size = colours.legend(actor, "fatalities", 100.0)
    assert only_size is not None and only_size["rows"] == [] and not only_size["title"]
    assert only_size["size"].startswith("Size: fatalities") and "largest 100" in only_size["size"]
    # a circle per round value under it, as large as a marker of it (area in proportion)
    assert [label for label, _ in only_size["sizes"]] == ["100", "20", "5"]
    assert only_size["sizes"][0][1] == cb.MAX_RADIUS
    for label, r in only_size["sizes"]:
        grown = (r - cb.MIN_RADIUS) / (cb.MAX_RADIUS - cb.MIN_RADIUS)
        assert abs(grown**2 - float(label) / 100) < 0.01, (label, r)
    spec = colours.legend(cb.colour_scheme(ds, "event_type"), None, 0.0)
    assert spec is not None and spec["title"] == "Colour: Event type" and spec["size"] == ""
    scheme = cb.colour_scheme(ds, "event_type")
    # each row says its colour's place in the palette (the page counts what it shows)
    assert spec["rows"][-1] == ["no value", cb.MISSING, 1, len(scheme.palette()) - 1]
    assert all(scheme.palette()[r[3]] == r[1] for r in spec["rows"])
    palette, codes, radii = colours.view_colours(
        cb.colour_scheme(ds, "event_type"), np.array([5, 0]), np.arange(40.0)
    )
    assert palette[codes[0]] == cb.MISSING and radii is not None and list(radii) == [5.0, 0.0]


def test_size_marks_are_round_values_a_reader_can_tell_apart():
    assert cb.size_marks(0.0) == []
    assert [m for m, _ in cb.size_marks(1.0)] == ["1"]  # nothing round and smaller
    assert [m for m, _ in cb.size_marks(37.0)] == ["37", "10", "2"]
    assert [m for m, _ in cb.size_marks(12345.0)] == ["12,345", "2,000", "500"]
    for top in (3.0, 37.0, 250.0, 1e6):
        radii = [r for _, r in cb.size_marks(top)]
        assert radii == sorted(radii, reverse=True) and radii[0] == cb.MAX_RADIUS
        assert all(r > cb.MIN_RADIUS for r in radii)
