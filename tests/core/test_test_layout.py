"""`make test` runs tests/core and tests/qt: a test file anywhere else would never run."""

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent


def test_every_test_file_is_under_core_or_qt():
    stray = [
        str(p.relative_to(TESTS))
        for p in TESTS.rglob("test_*.py")
        if p.relative_to(TESTS).parts[0] not in ("core", "qt")
    ]
    assert stray == [], f"not run by make test (move under tests/core or tests/qt): {stray}"
