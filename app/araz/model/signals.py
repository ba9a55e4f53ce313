"""A signal for the pure model: observers connect a callable, the model emits a value.

Hand-written, not psygnal (which the model used until now, as napari does): importing
psygnal imports ``importlib.metadata`` for its version string, and with it ``email``,
``socket``, ``zipfile`` and ``csv`` — 25-35 ms of the thread that imports the window at
start-up, which is the start's critical path (``benchmarks/startup_phases.py``), for a
feature the model uses in one shape: one ``changed`` signal, ``connect``, ``disconnect``
and ``emit`` with one argument. What this keeps of psygnal's meaning:

* a bound method is held weakly (an observer that is gone is dropped, never called, and
  the model never keeps a closed window's views alive); a plain function is held
  strongly;
* slots are called in the order they were connected, synchronously, in the emitting
  thread; connecting the same slot twice calls it once;
* an exception in a slot propagates to the emitter (the slots after it are not called);
* a slot may connect or disconnect slots (or itself) while the signal is emitting: the
  emission in progress calls the slots connected when it began, except those
  disconnected since; disconnecting a slot that is not connected does nothing.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")

_Ref = Callable[[], Callable[[Any], object] | None]


def _ref(slot: Callable[[T], object]) -> _Ref:
    if getattr(slot, "__self__", None) is not None and hasattr(slot, "__func__"):
        return weakref.WeakMethod(slot)
    return lambda: slot


def _same(ref: _Ref, slot: Callable[[T], object]) -> bool:
    target = ref()
    return target is not None and target == slot


class SignalInstance(Generic[T]):
    """One object's signal: what ``model.changed`` is."""

    __slots__ = ("__weakref__", "_refs")

    def __init__(self) -> None:
        self._refs: list[_Ref] = []

    def connect(self, slot: Callable[[T], object]) -> Callable[[T], object]:
        if not callable(slot):
            raise TypeError(f"a signal's slot must be callable, not {type(slot).__name__}")
        if not any(_same(ref, slot) for ref in self._refs):
            self._refs = [*self._refs, _ref(slot)]  # a new list: see emit
        return slot

    def disconnect(self, slot: Callable[[T], object]) -> None:
        """Disconnect ``slot``; nothing happens if it is not connected (as psygnal)."""
        for i, ref in enumerate(self._refs):
            if _same(ref, slot):
                self._refs = self._refs[:i] + self._refs[i + 1 :]
                return

    def __len__(self) -> int:
        """The slots still alive."""
        return sum(ref() is not None for ref in self._refs)

    def emit(self, value: T) -> None:
        refs = self._refs  # replaced, never changed in place, by (dis)connect
        dead = False
        for ref in refs:
            if ref not in self._refs:  # disconnected by a slot before it in this emission
                continue
            slot = ref()
            if slot is None:
                dead = True
                continue
            slot(value)
        if dead:
            self._refs = [ref for ref in self._refs if ref() is not None]


class Signal(Generic[T]):
    """Declared on a class (``changed = Signal(Change)``); each instance gets its own
    :class:`SignalInstance` the first time the attribute is read."""

    def __init__(self, kind: type[T]) -> None:
        self.kind = kind
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> Signal[T]: ...
    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> SignalInstance[T]: ...
    def __get__(self, obj: object | None, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        instance: SignalInstance[T] = SignalInstance()
        obj.__dict__[self._name] = instance  # a non-data descriptor: found there next time
        return instance
