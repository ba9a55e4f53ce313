"""The core tests import no Qt.  Under ``make test-core`` (``ARAZ_BLOCK_QT=1``) PySide6
and shiboken6 cannot be imported at all, as on a machine without them (napari's
"headless" job): a core module that imports Qt, even lazily on the path a test takes,
fails its test with ImportError."""

import importlib.abc
import os
import sys

BLOCKED = ("PySide6", "shiboken6")


class _NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not available to the core tests (no Qt here)")
        return None


if os.environ.get("ARAZ_BLOCK_QT") == "1":
    if any(m.split(".")[0] in BLOCKED for m in sys.modules):
        raise RuntimeError("Qt was imported before the core tests started")
    sys.meta_path.insert(0, _NoQt())
