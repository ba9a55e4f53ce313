"""Tests only: read any JavaScript value of the map page (``window.araz.*`` and the DOM).

The application never evaluates JavaScript in the page: it asks through the bridge
(``MapView.ask``/``MapView.request``, answered by resources/web/map-answers.js), and
tests/core/test_page_calls.py keeps ``runJavaScript`` out of ``app/``.  Tests look deeper,
at what the page drew, with :func:`read_page_json`.

``QWebEnginePage.runJavaScript`` hands a JavaScript array or object to a PySide6 callback
as ``''``: the expression is evaluated as JSON text in the page and parsed here, with the
same answer shape and checks as the bridge's answers (:func:`parse_answer`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWebEngineWidgets import QWebEngineView

from araz.qt.map.page_json import TIMEOUT_S, PageReadError, parse_answer, run_until

T = TypeVar("T")


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


def read_page_json(
    view: Any,
    expression: str,
    validate: Callable[[Any], T] | None = None,
    *,
    timeout_s: float = TIMEOUT_S,
) -> T:
    """The value of the JavaScript ``expression`` in ``view``'s page (a MapView, a
    QWebEngineView or a page), passed through JSON and then ``validate``.  Waits for the
    answer, running the event loop; PageReadError when there is none, the page threw, or
    it is not what ``validate`` accepts."""
    box: list[Any] = []
    _page(view).runJavaScript(_script(expression), 0, box.append)
    if not run_until(lambda: bool(box), timeout_s):
        raise PageReadError(f"the map page did not answer {expression!r} in {timeout_s:g} s")
    return parse_answer(box[0], repr(expression), validate)
