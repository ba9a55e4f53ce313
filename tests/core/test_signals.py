"""The model's signal (araz.model.signals): what the views rely on when they observe it."""

from __future__ import annotations

import gc

import pytest

from araz.model.signals import Signal


class Source:
    changed = Signal(int)


class Observer:
    def __init__(self, log: list) -> None:
        self.log = log

    def on(self, value: int) -> None:
        self.log.append(("observer", value))


def test_each_instance_has_its_own_signal_and_slots_run_in_order() -> None:
    a, b, log = Source(), Source(), []
    a.changed.connect(lambda v: log.append(("first", v)))
    a.changed.connect(Observer(log).on)  # held weakly: gone at once
    keep = Observer(log)
    a.changed.connect(keep.on)
    a.changed.connect(keep.on)  # twice: called once
    b.changed.connect(lambda v: log.append(("b", v)))
    gc.collect()
    a.changed.emit(3)
    assert log == [("first", 3), ("observer", 3)]
    assert a.changed is a.changed and a.changed is not b.changed
    assert isinstance(Source.changed, Signal)


def test_an_observer_that_is_gone_is_dropped_not_called() -> None:
    source, log = Source(), []
    observer = Observer(log)
    source.changed.connect(observer.on)
    assert len(source.changed) == 1
    del observer
    gc.collect()
    source.changed.emit(1)
    assert log == [] and len(source.changed) == 0


def test_disconnect_and_an_unknown_slot() -> None:
    source, log = Source(), []
    observer = Observer(log)
    source.changed.connect(observer.on)
    source.changed.disconnect(observer.on)
    source.changed.emit(1)
    assert log == []
    source.changed.disconnect(observer.on)  # not connected: nothing happens
    source.changed.emit(2)
    assert log == []
    with pytest.raises(TypeError, match="callable"):
        source.changed.connect(42)  # type: ignore[arg-type]


def test_a_slot_may_disconnect_another_while_the_signal_emits() -> None:
    source, log = Source(), []
    later = Observer(log)

    def first(value: int) -> None:
        log.append(("first", value))
        if value == 1:
            source.changed.disconnect(later.on)
            source.changed.connect(lambda v: log.append(("new", v)))

    source.changed.connect(first)
    source.changed.connect(later.on)
    source.changed.emit(1)
    assert log == [("first", 1)]  # later was disconnected, new joined after it began
    source.changed.emit(2)
    assert log == [("first", 1), ("first", 2), ("new", 2)]


def test_an_exception_in_a_slot_reaches_the_emitter() -> None:
    source, log = Source(), []

    def bad(value: int) -> None:
        raise RuntimeError("boom")

    source.changed.connect(bad)
    source.changed.connect(lambda v: log.append(v))
    with pytest.raises(RuntimeError, match="boom"):
        source.changed.emit(1)
    assert log == []


def test_a_slot_connected_while_the_signal_emits_waits_for_the_next_emission() -> None:
    source, log = Source(), []

    def grows(value: int) -> None:  # connects a new slot at every call
        log.append(("grows", value))
        source.changed.connect(lambda v: log.append(("new", v)))

    source.changed.connect(grows)
    source.changed.emit(1)
    assert log == [("grows", 1)]
    source.changed.emit(2)
    assert log == [("grows", 1), ("grows", 2), ("new", 2)]
