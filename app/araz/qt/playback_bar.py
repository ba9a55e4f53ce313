"""Play / pause a time window sweeping across the data, like QGIS's temporal controller:
speed, window length, sliding or cumulative.  Writes the model's time window; "Follow on
map" is a view option in the model (the map binding frames the window's events)."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStyle,
    QToolButton,
    QWidget,
)

from ..model import AppModel, Change
from ..model.dates import iso_day
from ..model.playback import Playback
from ..views.records import date_extent

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
        self.play_button.setToolButtonStyle(
            self.play_button.toolButtonStyle().ToolButtonTextBesideIcon
        )
        self.play_button.setToolTip("Play a time window across the data")
        self.play_button.clicked.connect(self.toggle)
        self._show_button(playing=False)
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
        self.follow = QCheckBox("Follow on map", self)
        self.follow.setObjectName("playback_follow")
        self.follow.setToolTip("Frame the events of the time window on the map as it moves")
        self.follow.setChecked(model.follow_window)
        self.follow.toggled.connect(model.set_follow_window)
        self.where = QLabel(self)
        self.where.setObjectName("playback_window")
        self.clear_button = QToolButton(self)
        self.clear_button.setObjectName("playback_clear")
        self.clear_button.setText("Clear window")
        self.clear_button.setToolTip("Stop filtering by the played time window")
        self.clear_button.clicked.connect(self.clear)
        self.clear_button.hide()

        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.play_button)
        layout.addWidget(QLabel("Window"))
        layout.addWidget(self.length)
        layout.addWidget(self.mode)
        layout.addWidget(QLabel("Speed"))
        layout.addWidget(self.speed)
        layout.addWidget(self.follow)
        layout.addWidget(self.where, 1)
        layout.addWidget(self.clear_button)
        model.changed.connect(self._on_model_changed)

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
        self._show_button(playing=True)
        self.clear_button.hide()
        self.stateChanged.emit(True)

    def pause(self) -> None:
        was_playing = self.playing
        self.timer.stop()
        self._show_button(playing=False)
        if self.playback is not None and self._window_is_ours():
            self._show_where()
            self.clear_button.show()
        if was_playing:
            self.stateChanged.emit(False)

    def stop(self) -> None:
        self.pause()
        self.playback = None
        self.clear_button.hide()

    def clear(self) -> None:
        """Stop playing and filtering by the window."""
        self.stop()
        self.where.clear()
        self.model.update_filter(window=None)

    def tick(self) -> None:
        if self.playback is None or not self.playback.advance():
            self.pause()
            return
        self.model.set_filter(
            self.model.filter.replace(window=self.playback.window()), record=False
        )
        self._show_where()
        if self.playback.at_end:
            self.pause()

    def _window_is_ours(self) -> bool:
        return self.playback is not None and self.model.filter.window == self.playback.window()

    def _show_where(self) -> None:
        if self.playback is None:
            return
        lo, hi = self.playback.window()
        text = f"{iso_day(lo)} – {iso_day(hi)}"
        if not self.playing and self.playback.at_end:
            text = f"Paused at the end: {text} (the window still filters)"
        elif not self.playing:
            text = f"Paused: {text} (the window still filters)"
        self.where.setText(text)

    def _show_button(self, playing: bool) -> None:
        icon = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText("Pause" if playing else "Play")

    def _on_model_changed(self, change: Change) -> None:
        if change.view and self.follow.isChecked() != self.model.follow_window:
            self.follow.setChecked(self.model.follow_window)
        if (change.filter or change.dataset) and not self.playing and not self._window_is_ours():
            # the window was cleared or changed elsewhere: playback is over
            self.playback = None
            self.clear_button.hide()
            self.where.clear()
