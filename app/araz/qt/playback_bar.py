"""Play / pause a time window sweeping across the data, like QGIS's temporal controller:
speed, window length, sliding or cumulative.  Writes the model's time window."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QWidget

from ..model import AppModel
from ..model.dates import iso_day
from ..model.playback import Playback
from ..model.records import date_extent

LENGTHS = (("1 month", 30.0), ("3 months", 91.0), ("6 months", 182.0), ("1 year", 365.0))
SPEEDS = (("0.5 step/s", 2000), ("1 step/s", 1000), ("2 steps/s", 500), ("5 steps/s", 200))


class PlaybackBar(QWidget):
    stateChanged = Signal(bool)  # playing

    def __init__(self, model: AppModel, parent=None):
        super().__init__(parent)
        self.setObjectName("playback")
        self.model = model
        self.playback: Playback | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)

        self.play_button = QToolButton(self)
        self.play_button.setObjectName("play")
        self.play_button.setText("▶ Play")
        self.play_button.setToolTip("Play a time window across the data (Space in the timeline)")
        self.play_button.clicked.connect(self.toggle)
        self.length = QComboBox(self)
        self.length.setObjectName("playback_length")
        for label, days in LENGTHS:
            self.length.addItem(label, days)
        self.length.setCurrentIndex(1)
        self.mode = QComboBox(self)
        self.mode.setObjectName("playback_mode")
        self.mode.addItems(["sliding", "cumulative"])
        self.speed = QComboBox(self)
        self.speed.setObjectName("playback_speed")
        for label, ms in SPEEDS:
            self.speed.addItem(label, ms)
        self.speed.setCurrentIndex(1)
        self.speed.currentIndexChanged.connect(
            lambda _i: self.timer.setInterval(self.speed.currentData())
        )
        self.where = QLabel(self)
        self.where.setObjectName("playback_window")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.play_button)
        layout.addWidget(QLabel("Window"))
        layout.addWidget(self.length)
        layout.addWidget(self.mode)
        layout.addWidget(QLabel("Speed"))
        layout.addWidget(self.speed)
        layout.addWidget(self.where, 1)

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def toggle(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        extent = date_extent(self.model.dataset)
        if extent is None:
            self.where.setText("No dated events to play.")
            return
        days = self.length.currentData()
        cumulative = self.mode.currentText() == "cumulative"
        if self.playback is None or self.playback.at_end:
            self.playback = Playback(
                extent[0], extent[1], length=days, step=days / 3, cumulative=cumulative
            )
        # one undo step for the whole run: the first window is recorded, the rest is not
        self.model.update_filter(window=self.playback.window())
        self._show_where()
        self.timer.start(self.speed.currentData())
        self.play_button.setText("⏸ Pause")
        self.stateChanged.emit(True)

    def pause(self) -> None:
        self.timer.stop()
        self.play_button.setText("▶ Play")
        self.stateChanged.emit(False)

    def stop(self) -> None:
        self.pause()
        self.playback = None

    def tick(self) -> None:
        if self.playback is None or not self.playback.advance():
            self.pause()
            return
        self.model.set_filter(
            self.model.filter.replace(window=self.playback.window()), record=False
        )
        self._show_where()

    def _show_where(self) -> None:
        lo, hi = self.playback.window()
        self.where.setText(f"{iso_day(lo)} – {iso_day(hi)}")
