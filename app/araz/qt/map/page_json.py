"""The one way Python reads the map page: :func:`read_page_json`.

``QWebEnginePage.runJavaScript`` hands a JavaScript array or object to a PySide6
callback as ``''``: a bare ``[w, s, e, n]`` answer is silently lost.  Every read
therefore evaluates the expression inside the page as JSON text (``JSON.stringify``),
parses it here and checks it is what was asked for.  A page that is loading, an
expression that throws, or an answer of the wrong shape raises :class:`PageReadError`
with the reason: never a silent fallback.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWebEngineWidgets import QWebEngineView

T = TypeVar("T")
TIMEOUT_S = 20.0


class PageReadError(RuntimeError):
    """The page did not give the answer that was asked for; ``str()`` says why."""


def _page(view: Any) -> QWebEnginePage:
    if isinstance(view, QWebEnginePage):
        return view
    if isinstance(view, QWebEngineView):
        return view.page()
    return view.web_view().page()  # a MapView


def _script(expression: str) -> str:
    # the expression's value, or the error it threw, as one JSON text
    return (
        "(function(){try{return JSON.stringify({ok:(" + expression + ")});}"
        "catch(e){return JSON.stringify({error:String(e&&e.message||e)});}})()"
    )


def run_until(predicate: Callable[[], bool], timeout_s: float) -> bool:
    """Run the event loop until ``predicate()`` (True) or ``timeout_s`` passed (False)."""
    end = time.monotonic() + timeout_s
    flags = QEventLoop.ProcessEventsFlag.AllEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents
    while not predicate():
        if time.monotonic() > end:
            return False
        QCoreApplication.processEvents(flags, 20)
    return True


def read_page_json(
    view: Any,
    expression: str,
    validate: Callable[[Any], T] | None = None,
    *,
    timeout_s: float = TIMEOUT_S,
) -> T:
    """The value of the JavaScript ``expression`` in ``view``'s page (a MapView, a
    QWebEngineView or a page), passed through JSON and then ``validate`` (which returns
    the checked value or raises ValueError/TypeError).  Waits for the answer, running
    the event loop; PageReadError when there is none, the page threw, or it is not
    what ``validate`` accepts."""
    box: list[Any] = []
    _page(view).runJavaScript(_script(expression), 0, box.append)
    if not run_until(lambda: bool(box), timeout_s):
        raise PageReadError(f"the map page did not answer {expression!r} in {timeout_s:g} s")
    text = box[0]
    if not isinstance(text, str) or not text:
        raise PageReadError(f"the map page gave no answer to {expression!r} (is it loading?)")
    try:
        answer = json.loads(text)
    except ValueError as exc:
        raise PageReadError(f"the map page answered {expression!r} with {text[:80]!r}") from exc
    if not isinstance(answer, dict) or ("ok" not in answer and "error" not in answer):
        raise PageReadError(f"the map page answered {expression!r} with {text[:80]!r}")
    if "error" in answer:
        raise PageReadError(f"the map page could not evaluate {expression!r}: {answer['error']}")
    value = answer["ok"]
    if validate is None:
        return value
    try:
        return validate(value)
    except (TypeError, ValueError) as exc:
        raise PageReadError(
            f"the map page answered {expression!r} with {value!r}, not {exc}"
        ) from exc


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
