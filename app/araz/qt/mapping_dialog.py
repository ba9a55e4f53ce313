"""Which GeoJSON property holds the date and which the actors, when Araz cannot guess."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel

from .text import plain_label

NONE = "(none)"


class GeoJSONMappingDialog(QDialog):
    def __init__(self, path: Path, guess: dict, parent=None):
        super().__init__(parent)
        self.setObjectName("geojson_mapping")
        self.setWindowTitle("Which properties hold what?")
        names = [str(n) for n in guess.get("properties", [])]
        self.date = QComboBox(self)
        self.date.setObjectName("date_property")
        self.actor = QComboBox(self)
        self.actor.setObjectName("actor_property")
        for combo, key in ((self.date, "date"), (self.actor, "actor")):
            combo.addItems([NONE, *names])
            if guess.get(key) in names:
                combo.setCurrentText(guess[key])
        form = QFormLayout(self)
        note = QLabel(
            f"{path.name}: {guess.get('features', 0)} features. Araz found no date property "
            "it recognises; choose one (values may be EDTF, ISO dates, '27 January 2023', "
            "years or epoch milliseconds). Features without a date stay on the map only.",
            self,
        )
        note.setWordWrap(True)
        plain_label(note)  # the file name is data
        form.addRow(note)
        form.addRow("Date", self.date)
        form.addRow("Actors", self.actor)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choices(self) -> dict:
        out = {}
        if self.date.currentText() != NONE:
            out["date_property"] = self.date.currentText()
        if self.actor.currentText() != NONE:
            out["actor_property"] = self.actor.currentText()
        return out
