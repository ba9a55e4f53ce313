"""What the map page answers, checked: :func:`parse_answer` and the validators.

The page answers each call Python waits for (see :meth:`araz.qt.map.view.MapView.request`)
with one JSON text, ``{"ok": value}`` or ``{"error": "why"}``, through the bridge's
``answered(seq, text)`` slot.  :func:`parse_answer` turns that text into the value, checked
by a validator below, or raises :class:`PageReadError` with the reason: a page error, an
answer that is not JSON, or a value of the wrong shape.  Never a silent fallback.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

T = TypeVar("T")
TIMEOUT_S = 20.0


class PageReadError(RuntimeError):
    """The page did not give the answer that was asked for; ``str()`` says why."""


def run_until(predicate: Callable[[], bool], timeout_s: float) -> bool:
    """Run the event loop until ``predicate()`` (True) or ``timeout_s`` passed (False),
    asleep between events: each wait ends at the next event, or at a 20 ms tick (the
    timeout's).  (``processEvents(flags, ms)`` drops WaitForMoreEvents: it spun, a core
    busy polling that the page's renderer and compositor then lacked.)"""
    end = time.monotonic() + timeout_s
    flags = QEventLoop.ProcessEventsFlag.AllEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents
    tick = QTimer()
    tick.start(20)
    try:
        while not predicate():
            if time.monotonic() > end:
                return False
            QCoreApplication.processEvents(flags)
    finally:
        tick.stop()
    return True


def parse_answer(text: Any, asked: str, validate: Callable[[Any], T] | None = None) -> T:
    """The value in the page's answer ``text`` to the call described by ``asked``, passed
    through ``validate`` (which returns the checked value or raises ValueError/TypeError);
    PageReadError when the text is not an answer, the page says it failed, or the value
    is not what ``validate`` accepts."""
    if not isinstance(text, str) or not text:
        raise PageReadError(f"the map page gave no answer to {asked} (is it loading?)")
    try:
        answer = json.loads(text)
    except ValueError as exc:
        raise PageReadError(f"the map page answered {asked} with {text[:80]!r}") from exc
    if not isinstance(answer, dict) or ("ok" not in answer and "error" not in answer):
        raise PageReadError(f"the map page answered {asked} with {text[:80]!r}")
    if "error" in answer:
        raise PageReadError(f"the map page could not answer {asked}: {answer['error']}")
    value = answer["ok"]
    if validate is None:
        return value
    try:
        return validate(value)
    except (TypeError, ValueError) as exc:
        raise PageReadError(f"the map page answered {asked} with {value!r}, not {exc}") from exc


# --- validators: each returns the checked value or raises ValueError ------------------


def number(value: Any) -> float:
    """A finite number (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError("a finite number")
    return float(value)


def numbers(count: int) -> Callable[[Any], list[float]]:
    """A list of exactly ``count`` finite numbers."""

    def check(value: Any) -> list[float]:
        if not isinstance(value, list) or len(value) != count:
            raise ValueError(f"a list of {count} numbers")
        return [number(v) for v in value]

    return check


def bounds(value: Any) -> tuple[float, float, float, float]:
    """(west, south, east, north) with west < east and south < north."""
    west, south, east, north = numbers(4)(value)
    if not (west < east and south < north and south >= -90 and north <= 90):
        raise ValueError("bounds [west, south, east, north] with west < east, south < north")
    return west, south, east, north


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("true or false")
    return value


def of_type(kind: type | tuple[type, ...]) -> Callable[[Any], Any]:
    """Any JSON value of this Python type (list, dict, str, …)."""

    def check(value: Any) -> Any:
        if not isinstance(value, kind):
            raise ValueError(f"a {getattr(kind, '__name__', kind)}")
        return value

    return check


def rgb(value: Any) -> tuple[int, int, int]:
    """[r, g, b], each an integer 0-255."""
    if not isinstance(value, list) or len(value) != 3:
        raise ValueError("[r, g, b]")
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 255 for v in value):
        raise ValueError("[r, g, b] of integers 0-255")
    return value[0], value[1], value[2]


Probe = tuple[float, float, tuple[int, int, int]]


def probes(value: Any) -> list[Probe]:
    """[[x, y, [r, g, b]], ...]: container points of markers and the colour drawn there."""
    if not isinstance(value, list):
        raise ValueError("a list of [x, y, [r, g, b]]")
    out: list[Probe] = []
    for item in value:
        if not isinstance(item, list) or len(item) != 3:
            raise ValueError("a list of [x, y, [r, g, b]]")
        out.append((number(item[0]), number(item[1]), rgb(item[2])))
    return out


#: What :meth:`araz.qt.map.view.MapView.ask` may ask the page (resources/web/map-answers.js
#: answers them), with the shape of each answer.
Query = Literal["view_bounds", "viewport", "metres_per_pixel", "marker_probes"]
QUERIES: dict[str, Callable[[Any], Any]] = {
    "view_bounds": bounds,  # (west, south, east, north) the map shows
    "viewport": numbers(2),  # [width, height] of the page, CSS pixels
    "metres_per_pixel": number,  # ground metres per CSS pixel at the centre
    "marker_probes": probes,  # up to 3 topmost drawn markers: (x, y, (r, g, b))
}
