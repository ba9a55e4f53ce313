"""What the model works out once per filter for every view (the shown rows, whether all
are shown, each kind's counting mask) and the counts of a coded column under a mask."""

import numpy as np

from araz.model import AppModel
from araz.model.columns import Coded
from araz.model.masks import picked, value_counts


def test_shown_rows_and_all_shown_follow_the_filter(curated):
    m = AppModel(curated)
    assert m.all_shown and np.array_equal(m.shown_rows, np.arange(len(curated)))
    m.update_filter(categories={"military"})
    expected = [k for k, e in enumerate(curated.events) if e.category == "military"]
    assert not m.all_shown and m.shown_rows.tolist() == expected
    assert m.shown_ids() == [curated.events[k].id for k in expected]
    m.update_filter(categories=None)  # back to all: worked out again, not kept
    assert m.all_shown and len(m.shown_rows) == len(curated)
    m.update_filter(text="no such words anywhere")
    assert not m.all_shown and len(m.shown_rows) == 0


def test_shown_except_is_none_when_no_other_kind_filters(curated):
    m = AppModel(curated)
    assert m.shown_except("actors") is None and m.mask_except("actors").all()
    m.update_filter(categories={"military"})
    assert m.shown_except("categories") is None  # its own filter does not count
    military = np.array([e.category == "military" for e in curated.events])
    assert np.array_equal(m.shown_except("actors"), military)
    assert np.array_equal(m.shown_except("certainties"), military)
    m.update_filter(certainties={"reported"})
    reported = np.array([e.certainty == "reported" for e in curated.events])
    assert 0 < (military & reported).sum() < military.sum()  # each part filters
    assert np.array_equal(m.shown_except("actors"), military & reported)
    assert np.array_equal(m.shown_except("categories"), reported)
    assert np.array_equal(m.mask_except("certainties"), military)


def test_value_counts_under_a_mask():
    # two codes of one text are added together; a mask keeps only its rows
    col = Coded(np.array([0, 1, 2, 1, 0, 2], np.int8), ["a", "b", "a"])
    assert value_counts(col) == {"a": 4, "b": 2}
    mask = np.array([True, False, True, True, False, False])
    assert value_counts(col, mask) == {"a": 2, "b": 1}
    assert value_counts(col, np.zeros(6, bool)) == {"a": 0, "b": 0}
    assert picked(np.arange(6) * 10, mask).tolist() == [0, 20, 30]


def test_a_filter_change_gives_the_freed_heap_back_once_the_views_have_it(curated, monkeypatch):
    """After a filter change (a search's temporaries, the views' own), the heap is
    trimmed once, after every view followed it; not for a change of the time window
    alone (a playback's steps) nor for a hover."""
    from araz import heap

    trims: list[int] = []
    monkeypatch.setattr(heap, "trim", lambda: trims.append(len(seen)) or True)
    model = AppModel(curated)
    seen: list = []
    model.changed.connect(lambda change: seen.append(len(trims)))  # trims before it
    model.update_filter(text="drone")
    assert trims == [1] and seen == [0]  # once, after the view had the change
    with model.batch():
        model.update_filter(text="")
        model.update_filter(categories={curated.categories[0]})
    assert trims == [1, 2]  # one notification, one trim
    model.update_filter(window=(0.0, 1e6))
    model.set_hover(curated.events.ids[0])
    assert trims == [1, 2] and len(seen) == 4
