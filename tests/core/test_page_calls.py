"""The application talks to the map page only through the bridge's numbered ops
(``MapView.ask``/``MapView.request``, answered by resources/web/map-answers.js): no
Python under app/araz evaluates JavaScript in the page.  ``runJavaScript`` and the
test helper ``read_page_json`` (tests/qt/page_support.py) stay in tests."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app" / "araz"
WEB = ROOT / "resources" / "web"

# Evaluating JavaScript in a page from Python, by any of Qt's names for it.
FORBIDDEN = re.compile(r"\b(runJavaScript|read_page_json|evaluateJavaScript)\b")
# Files allowed to, with the reason: none.
ALLOWED: dict[str, str] = {}


def javascript_calls(root: Path) -> list[str]:
    """``path:line: text`` of every line under ``root`` that evaluates JavaScript."""
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if FORBIDDEN.search(line):
                found.append(f"{rel}:{number}: {line.strip()}")
    return found


def test_no_javascript_is_evaluated_by_the_application():
    assert javascript_calls(APP) == [], "ask the page through MapView.ask/request instead"


def test_a_planted_call_is_found(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "clean.py").write_text("view.ask('view_bounds')\n", encoding="utf-8")
    (tmp_path / "pkg" / "bad.py").write_text(
        "x = 1\npage.runJavaScript('araz.map.getZoom()', 0, box.append)\n", encoding="utf-8"
    )
    assert javascript_calls(tmp_path) == [
        "pkg/bad.py:2: page.runJavaScript('araz.map.getZoom()', 0, box.append)"
    ]


def test_every_query_python_may_ask_is_one_the_page_answers():
    """The fixed set of queries is the same on both sides of the bridge."""
    page = (WEB / "map-answers.js").read_text(encoding="utf-8")
    body = page[page.index("var QUERIES = {") : page.index("return {\n      query:")]
    answered = set(re.findall(r"^      (\w+): function", body, re.M))
    python = (APP / "qt" / "map" / "page_json.py").read_text(encoding="utf-8")
    literal = re.search(r"^Query = Literal\[([^\]]*)\]", python, re.M)
    assert literal is not None
    asked = set(re.findall(r'"(\w+)"', literal.group(1)))
    table = python[python.index("QUERIES: dict") :]
    checked = set(re.findall(r'^    "(\w+)":', table, re.M))
    assert asked == answered == checked, (asked, answered, checked)
    assert len(asked) >= 4


# The page's read-only helpers (map.js, "test helpers"): window.araz.map, .events, ...
PAGE_HELPERS = re.compile(
    r"\baraz\.(map|events|basemap|ruler|markerPoint|containerPoint|metresPerPixel"
    r"|drawing|binPoint|RADIUS)\b"
)


def helper_uses(root: Path) -> list[str]:
    """``path:line: text`` of every line under ``root`` naming one of the page's helpers."""
    return [
        f"{path.relative_to(root).as_posix()}:{number}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PAGE_HELPERS.search(line)
    ]


def test_the_page_helpers_are_for_tests_only(tmp_path):
    """window.araz.* says it is for tests, and no Python under app/araz/qt (where the map
    page lives) names it: the export once read ``araz.metresPerPixel()`` and
    ``araz.events`` this way.  (export/html.py writes a page of its own, not this one.)"""
    page = (WEB / "map.js").read_text(encoding="utf-8")
    assert "test helpers (read-only): tests only" in page
    assert helper_uses(APP / "qt") == []
    (tmp_path / "snap.py").write_text(
        "import araz.qt.map\nprobe = 'var e=araz.events,out=[];'\n", encoding="utf-8"
    )
    assert helper_uses(tmp_path) == ["snap.py:2: probe = 'var e=araz.events,out=[];'"]
