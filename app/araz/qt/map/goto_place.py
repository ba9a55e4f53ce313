"""View → Go to place… (Ctrl+G): type a place's name (any name or script the dataset's
gazetteer knows, or a Natural Earth town) and the map flies there.  Not a filter."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from araz.paths import resource
from araz.views.places import PlaceHit, PlaceIndex

from .view import MapView


class GoToPlaceDialog(QDialog):
    """A line with completion; Enter flies the map to the best match."""

    def __init__(self, index: PlaceIndex, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("goto_place")
        self.setWindowTitle("Go to place")
        self.index = index
        self.chosen: PlaceHit | None = None
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Place name (any spelling or script):"))
        self.line = QLineEdit(self)
        self.line.setObjectName("place_name")
        self.line.setPlaceholderText("e.g. Kapan, Ղափան, Ganja")
        self.names = QStringListModel(self)
        completer = QCompleter(self.names, self)
        # the index already matched without case or accents ("Susa" finds "Şuşa"): the
        # popup lists its answer as it is, not filtered again by the typed text
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.line.setCompleter(completer)
        self.line.textEdited.connect(self._suggest)
        lay.addWidget(self.line)
        self.status = QLabel("", self)
        lay.addWidget(self.status)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _suggest(self, text: str) -> None:
        self.names.setStringList(list(dict.fromkeys(h.name for h in self.index.find(text, 12))))

    def _accept(self) -> None:
        hits = self.index.find(self.line.text(), 1)
        if not hits:
            self.status.setText("No place of that name.")
            return
        self.chosen = hits[0]
        self.accept()


def install_goto_place(window, menu: QMenu, view: MapView) -> QAction:
    """Add View → Go to place… to ``menu``; the index is built from the window's dataset
    each time the dialog opens (a new file brings its own places)."""

    def run() -> None:
        index = PlaceIndex()
        model = getattr(window, "model", None)
        if model is not None and getattr(model, "dataset", None) is not None:
            index.add_dataset(model.dataset)
        index.add_natural_earth(resource("basemap", "places.json"))
        dialog = GoToPlaceDialog(index, window)
        window.goto_dialog = dialog
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen is not None:
            hit = dialog.chosen
            view.go_to(hit.lat, hit.lon, hit.zoom)
            window.statusBar().showMessage(f"Map at {hit.label}", 5000)
        window.goto_dialog = None
        dialog.deleteLater()

    act = QAction("&Go to place…", window)
    act.setObjectName("goto_place")
    act.setShortcut(QKeySequence("Ctrl+G"))
    act.setStatusTip("Fly the map to a place by name (not a filter)")
    act.triggered.connect(run)
    menu.addAction(act)
    return act
