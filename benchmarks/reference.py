"""References that the benchmarks time in the same run as Araz's own figures.

* :func:`bare_window_main` (``python benchmarks/reference.py bare-window OUT.png``): a
  bare PySide6 window holding a QWebEngineView that loads a blank page, paints it once
  (a grab saved as PNG, as ``araz --screenshot`` does) and quits: the floor of start-up.
* :class:`BlankPage`: a QWebEngineView on a blank page with a QWebChannel bridge, the
  same transport as the map's.  Its load (to its first frame) is the floor of the map's
  first render; a change sent over the channel, painted, and answered after the next
  animation frame (at 60 Hz, one frame: ~16.7 ms) is the engine's floor for one map
  call.
* :func:`median_ratio`: per-pair ratios of alternating runs, and their median.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

ROOT = Path(__file__).resolve().parent.parent


def child_env() -> dict[str, str]:
    """The environment for a child process: headless, and THIS checkout's ``app/``
    first on the path (not whatever ``araz`` the interpreter has installed)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QTWEBENGINE_DISABLE_SANDBOX": "1"}
    # ARAZ_BENCH_APP: another checkout's app/ (a before/after comparison)
    app = os.environ.get("ARAZ_BENCH_APP") or str(ROOT / "app")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (app, os.environ.get("PYTHONPATH", "")) if p)
    # Araz runs with its compiled bytecode, as an installed or `make run` Araz does (and as
    # PySide6, in the references, always does): a warm-up run writes it. Set in this
    # machine's environment, PYTHONDONTWRITEBYTECODE made every timed run compile Araz's
    # ~90 modules again (~0.15 s of each start-up).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def stats(values: list[float], digits: int = 3) -> dict:
    return {
        "median": round(statistics.median(values), digits),
        "runs": [round(v, digits) for v in values],
    }


def median_ratio(ours: list[float], ref: list[float]) -> dict:
    """Ratios of paired runs (ours[i] / ref[i]) and their median."""
    ratios = [a / b for a, b in zip(ours, ref, strict=True) if b > 0]
    return stats(ratios, 2)


# --- a blank page with a channel: the map's floor ---------------------------------------

_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>blank</title>
<style>html,body{margin:0;height:100%%}#box{width:100%%;height:100%%;background:#dce6ee}</style>
</head><body><div id="box"></div><script>%s</script><script>
new QWebChannel(qt.webChannelTransport, function (channel) {
  var bridge = channel.objects.bridge;
  var box = document.getElementById("box");
  bridge.command.connect(function (text) {
    var c = JSON.parse(text);
    box.style.background = c.color;
    // the change is in the next frame; answer once that frame is done (the one after)
    requestAnimationFrame(function () {
      requestAnimationFrame(function () { bridge.rendered(c.seq); });
    });
  });
  // ready once the first frame is painted (as the map reports it)
  requestAnimationFrame(function () { requestAnimationFrame(function () { bridge.ready(); }); });
});
</script></body></html>"""


def _qwebchannel_js() -> str:
    from PySide6.QtCore import QFile, QIODevice

    qfile = QFile(":/qtwebchannel/qwebchannel.js")
    qfile.open(QIODevice.OpenModeFlag.ReadOnly)
    try:
        return bytes(qfile.readAll().data()).decode("utf-8")
    finally:
        qfile.close()


class BlankPage:
    """A blank page in its own view and off-the-record profile, driven like the map."""

    def __init__(self, width: int = 1200, height: int = 800) -> None:
        from PySide6.QtCore import QObject, Signal, Slot
        from PySide6.QtWebChannel import QWebChannel
        from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
        from PySide6.QtWebEngineWidgets import QWebEngineView

        class Bridge(QObject):
            command = Signal(str)
            page_ready = Signal()
            page_rendered = Signal(int)

            @Slot()
            def ready(self) -> None:
                self.page_ready.emit()

            @Slot(int)
            def rendered(self, seq: int) -> None:
                self.page_rendered.emit(int(seq))

        self.view = QWebEngineView()
        self.profile = QWebEngineProfile()  # off the record; deleted after its page
        self.page = QWebEnginePage(self.profile)
        self.bridge = Bridge()
        self.channel = QWebChannel(self.page)
        self.channel.registerObject("bridge", self.bridge)
        self.page.setWebChannel(self.channel)
        self.view.setPage(self.page)
        self.view.resize(width, height)
        self._seq = 0
        self._ready = False
        self.bridge.page_ready.connect(self._on_ready)

    def _on_ready(self) -> None:
        self._ready = True

    def load_ms(self, timeout_s: float = 60.0) -> float:
        """Show the view and load the page until its first frame is painted (ms)."""
        t0 = time.perf_counter()
        self.view.show()
        self.page.setHtml(_PAGE % _qwebchannel_js())
        _spin_until(lambda: self._ready, timeout_s)
        return (time.perf_counter() - t0) * 1000

    def roundtrip_ms(self, timeout_s: float = 30.0) -> float:
        """One change sent over the channel, painted, acknowledged after the next frame."""
        self._seq += 1
        seq = self._seq
        got: list[int] = []

        def on_rendered(s: int) -> None:
            if s >= seq:
                got.append(s)

        self.bridge.page_rendered.connect(on_rendered)
        t0 = time.perf_counter()
        color = "#dce6ee" if seq % 2 else "#c9d8e4"
        self.bridge.command.emit(f'{{"seq": {seq}, "color": "{color}"}}')
        _spin_until(lambda: bool(got), timeout_s)
        ms = (time.perf_counter() - t0) * 1000
        self.bridge.page_rendered.disconnect(on_rendered)
        return ms

    def close(self) -> None:
        self.view.close()
        self.page.deleteLater()  # deferred deletes run in order: the page, then the rest
        self.view.deleteLater()
        self.profile.deleteLater()


def _spin_until(done, timeout_s: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    if done():
        return
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(1)
    poll.timeout.connect(lambda: loop.quit() if done() else None)
    poll.start()
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    poll.stop()
    if not done():
        raise TimeoutError("the blank page did not answer")


# --- a bare window: the floor of start-up -------------------------------------------------

BLANK_RGB = 0xFFDCE6EE
# painted: the title changes after the second animation frame (the first is drawn)
_BLANK = """<!DOCTYPE html><html><head><title>blank</title></head>
<body style="margin:0;background:#dce6ee"><script>
requestAnimationFrame(function () {
  requestAnimationFrame(function () { document.title = "painted"; });
});
</script></body></html>"""


def bare_window_main(out: str, size: str = "1600x1000") -> int:
    """Start a bare window with a QWebEngineView, load a blank page, paint it once (a
    grab, saved as PNG), quit."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(["bare"])
    window = QMainWindow()
    view = QWebEngineView(window)
    window.setCentralWidget(view)
    width, height = (int(v) for v in size.split("x"))
    window.resize(width, height)

    tries = [0]

    def shoot() -> None:
        # the page's first frame reaches the widget a little after the page painted it:
        # grab until the page's colour shows (as araz --screenshot grabs until stable)
        image = window.grab().toImage()
        if image.pixel(width // 2, height // 2) != BLANK_RGB and tries[0] < 100:
            tries[0] += 1
            QTimer.singleShot(10, shoot)
            return
        image.save(out)
        app.quit()

    def on_title(title: str) -> None:
        if title == "painted":
            shoot()

    view.titleChanged.connect(on_title)
    window.show()
    view.setHtml(_BLANK)
    code = app.exec()
    view.deleteLater()
    return code


if __name__ == "__main__":
    if sys.argv[1:2] == ["bare-window"]:
        raise SystemExit(bare_window_main(*sys.argv[2:]))
    raise SystemExit("usage: reference.py bare-window OUT.png [WxH]")
