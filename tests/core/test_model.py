"""The pure model: filter semantics, selection, one notification per gesture, undo."""

import numpy as np

from araz.model import AppModel, Change, Filter
from araz.model.dates import days_from_civil
from araz.model.palette import OKABE_ITO


def ids(model):
    return set(model.shown_ids())


def test_actor_filter_or_within_and_across(curated):
    m = AppModel(curated)
    iran = curated.expand_actors(["Iran"])
    m.update_filter(actors=iran, actor_match="involved")
    shown = ids(m)
    assert shown and len(shown) < len(curated)
    for e in curated.events:
        assert (e.id in shown) == bool(set(e.actors) & iran)
    m.update_filter(categories={"military"})
    for eid in ids(m):
        assert curated.event(eid).category == "military"
        assert set(curated.event(eid).actors) & iran


def test_actor_filter_by_main_actor_is_by_colour(curated):
    """The default meaning: an event shows when its main actor is checked, the actor
    whose state gives it its colour."""
    m = AppModel(curated)
    assert m.filter.actor_match == "main"
    iran = curated.expand_actors(["Iran"])
    m.update_filter(actors=set(curated.actors) - iran)
    shown = ids(m)
    for e in curated.events:
        orange = curated.colour(e) == curated.palette.colour("iran")
        assert (e.id in shown) == (bool(e.actors) and not orange), e.id
    involving = {e.id for e in curated.events if set(e.actors) & iran}
    assert involving & shown  # Iran takes part in events led by others: they stay
    m.update_filter(actor_match="involved")
    assert ids(m) > shown
    assert m.filter.describe(curated).endswith("(involved)")


def test_counts_follow_the_other_filters(curated):
    m = AppModel(curated)
    m.update_filter(categories={"military"})
    _own, group = curated.actor_tally(m.mask_except("actors"))
    military = [e for e in curated.events if e.category == "military"]
    iran_main = sum(curated.main_state(e) == "iran" for e in military)
    iran_in = sum(any(curated.state_of(a) == "iran" for a in e.actors) for e in military)
    assert group["iran"] == [iran_main, iran_in]
    assert m.mask_except("categories").all()  # a kind's own filter does not count


def test_search_finds_aliases(curated):
    m = AppModel(curated)
    m.update_filter(text="Kapan")
    shown = ids(m)
    assert shown
    for eid in shown:
        assert any(r.place == "kafan" for r in curated.event(eid).places) or "kafan" in (
            curated.event(eid).summary.lower() + curated.event(eid).title.lower()
        )
    m.update_filter(text="Raisi")
    raisi = ids(m)
    m.update_filter(text="reisi")
    assert ids(m) == raisi and raisi


def test_time_window_uses_wide_bounds(curated):
    m = AppModel(curated)
    lo, hi = days_from_civil(2023, 1, 1), days_from_civil(2023, 1, 31)
    m.update_filter(window=(lo, hi))
    shown = ids(m)
    attack = next(e.id for e in curated.events if e.date.edtf == "2023-01-27")
    assert attack in shown
    for eid in shown:
        d = curated.event(eid).date.value
        assert d.wide_lower <= hi and d.wide_upper >= lo


def test_one_notification_per_batch_and_no_echo(curated):
    m = AppModel(curated)
    seen: list[Change] = []
    m.changed.connect(seen.append)
    with m.batch():
        m.update_filter(text="Tehran")
        m.select([curated.events[0].id])
    assert len(seen) == 1 and seen[0].filter and seen[0].selection
    m.update_filter(text="Tehran")  # same value: nothing happens
    assert len(seen) == 1


def test_undo_redo_filter_and_selection(curated):
    m = AppModel(curated)
    first = curated.events[0].id
    m.update_filter(text="Baku")
    m.select([first])
    assert m.selection.active == first
    assert m.undo() and m.selection.active is None and m.filter.text == "Baku"
    assert m.undo() and m.filter == Filter()
    assert not m.undo()
    assert m.redo() and m.filter.text == "Baku"
    m.update_filter(text="x")  # a new change clears the redo stack
    assert not m.can_redo


def test_selection_add_and_clear(curated):
    m = AppModel(curated)
    a, b = curated.events[0].id, curated.events[1].id
    m.select([a])
    m.select([b], add=True)
    assert m.selection.ids == {a, b} and m.selection.active == a
    m.clear_selection()
    assert not m.selection.ids


def test_palette_is_one_source_of_truth(curated):
    iran_event = next(e for e in curated.events if curated.main_state(e) == "iran")
    irgc_event = next(e for e in curated.events if e.main_actor == "irgc")
    assert curated.colour(iran_event) == curated.colour(irgc_event) == OKABE_ITO[0]
    colours = {curated.palette.colour(s) for s, _ in curated.palette.items()}
    assert len(colours) == len(curated.palette.items())  # states told apart


def test_describe_filter_in_words(curated):
    f = Filter().replace(actors=curated.expand_actors(["Iran"]))
    assert f.describe(curated).startswith("Actors: ")
    assert f.describe(curated).endswith("(as main actor)")
    assert "Iran" in f.describe(curated)
    assert Filter().describe(curated) == "All events"


def test_playback_sweeps_the_range():
    from araz.model.playback import Playback

    sliding = Playback(0, 100, length=30, step=10)
    assert sliding.window() == (0, 29)
    windows = [sliding.window()]
    while sliding.advance():
        windows.append(sliding.window())
    assert windows[-1][1] == 100 and all(hi - lo <= 29 for lo, hi in windows)
    assert [hi for _, hi in windows] == sorted(hi for _, hi in windows)
    assert not sliding.advance()
    grow = Playback(0, 100, length=30, step=25, cumulative=True)
    grow.advance()
    assert grow.window() == (0, 49)  # cumulative: always from the start


def test_search_and_go_to_place_fold_names_alike():
    """ı and ə have no Unicode decomposition: folded by hand, once, for both."""
    from araz.model.dataset import fold
    from araz.views.places import fold as place_fold

    for name, folded in (
        ("Kırklareli", "kirklareli"),
        ("Azərbaycan", "azerbaycan"),
        ("Şuşa", "susa"),
    ):
        assert fold(name) == folded == place_fold(f" {name} ")


def test_actor_tally_counts_every_event_as_one_by_one(curated):
    """The tally (bincounts over the distinct actor tuples) is what counting the events
    one by one gives, for every actor and state, under a mask and without one."""
    mask = [e.category == "military" for e in curated.events]
    for m in (None, mask):
        own, group = curated.actor_tally(None if m is None else np.array(m))
        want_own: dict[str, list[int]] = {}
        want_group: dict[str, list[int]] = {}
        for e, keep in zip(curated.events, m or [True] * len(curated), strict=True):
            if not keep or not e.actors:
                continue
            main = e.actors[0]
            want_own.setdefault(main, [0, 0])[0] += 1
            want_group.setdefault(curated.state_of(main) or main, [0, 0])[0] += 1
            for a in set(e.actors):
                want_own.setdefault(a, [0, 0])[1] += 1
            for s in {curated.state_of(a) or a for a in e.actors}:
                want_group.setdefault(s, [0, 0])[1] += 1
        assert own == want_own and group == want_group
        assert own and group


def test_a_filter_change_computes_only_the_kind_it_changes(curated, monkeypatch):
    """Unchecking a category under a search does not search again; the mask is the one a
    fresh filter computes."""
    m = AppModel(curated)
    m.update_filter(text="Kapan")
    assert m.mask.any()
    searches = []
    search = type(curated).search_mask
    monkeypatch.setattr(
        type(curated), "search_mask", lambda ds, text: searches.append(text) or search(ds, text)
    )
    m.update_filter(categories={"military"})
    m.update_filter(categories=None)
    m.update_filter(categories={"military"})
    assert (m.mask == m.filter.mask(curated)).all()
    assert searches == ["Kapan"]  # the fresh filter's own search, none from the model
    m.update_filter(text="Goris")
    assert m.mask.sum() == m.filter.mask(curated).sum()
    assert searches == ["Kapan", "Goris", "Goris"]
