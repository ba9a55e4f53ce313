"""PySide6 6.12.0 on Python 3.11 drops a reference to None on every void Qt call and the
process dies with "Fatal Python error: none_dealloc" after a few thousand calls.  The
dependency pin avoids it; this test proves the installed combination survives."""

import subprocess
import sys

CHILD = r"""
import sys
from PySide6.QtGui import QGuiApplication, QImage, QPainter, QColor
from PySide6.QtCore import QRectF
app = QGuiApplication([])
img = QImage(64, 64, QImage.Format_ARGB32)
before = sys.getrefcount(None)
p = QPainter(img)
for i in range(60000):
    p.setPen(QColor(i % 255, 0, 0))
    p.drawRect(QRectF(1, 1, 10, 10))
p.end()
after = sys.getrefcount(None)
print("ok", after - before)
"""


def test_void_qt_calls_do_not_eat_none():
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    status, delta = out.stdout.split()
    assert status == "ok"
    # a healthy build keeps None's reference count steady (within noise), a broken one
    # loses one per call: -120000 here
    assert abs(int(delta)) < 1000
