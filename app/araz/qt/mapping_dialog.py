"""Which fields hold the date, the actors (and, for a table, the title and the
coordinates) when Araz cannot guess them; which layer of a file of several layers.

One dialog for GeoJSON properties, CSV columns and GIS layers (the reader's ``mapping``
says which: ``kind`` "table" adds title and coordinates, ``layers`` adds a layer
choice).  The choice is remembered per set of field names (in the settings) and offered
first the next time the same header is met; the dialog still asks.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel

from ..io._columns import guess
from .settings import qsettings
from .text import plain_label

NONE = "(none)"
# combo -> the read_path keyword it gives
KEYWORDS = {
    "date": "date_property",
    "actor": "actor_property",
    "title": "title_property",
    "lat": "lat_property",
    "lon": "lon_property",
}


def header_key(names: list[str]) -> str:
    """The settings key of a set of field names (order and case ignored)."""
    folded = sorted({n.strip().casefold() for n in names})
    digest = hashlib.sha1("\x00".join(folded).encode("utf-8", "replace")).hexdigest()[:16]
    return f"mapping/{digest}"


class MappingDialog(QDialog):
    def __init__(self, path: Path, guess_: dict, parent=None):
        super().__init__(parent)
        self.setObjectName("geojson_mapping")
        self.setWindowTitle("Which fields hold what?")
        self.guess = guess_
        self.layers = [str(n) for n in guess_.get("layers") or []]
        self.by_layer = {
            str(k): [str(n) for n in v] for k, v in (guess_.get("layer_properties") or {}).items()
        }
        roles = ["date", "actor"]
        if guess_.get("kind") == "table":
            roles += ["title", "lat", "lon"]
        self.combos: dict[str, QComboBox] = {}
        for role in roles:
            combo = QComboBox(self)
            combo.setObjectName(f"{role}_property")
            self.combos[role] = combo
        self.date = self.combos["date"]
        self.actor = self.combos["actor"]
        self.layer = QComboBox(self)
        self.layer.setObjectName("layer")
        self.layer.addItems(self.layers)
        form = QFormLayout(self)
        what = "layers" if len(self.layers) > 1 else "features"
        count = len(self.layers) if len(self.layers) > 1 else guess_.get("features") or 0
        note = QLabel(
            f"{path.name}: {count} {what}. "
            + (
                "Choose the layer to open, and the fields that hold the date and the actors. "
                if len(self.layers) > 1
                else "Araz found no date field it recognises; choose one "
            )
            + "(values may be EDTF, ISO dates, '27 January 2023', years or epoch "
            "milliseconds). Events without a date stay on the map only.",
            self,
        )
        note.setWordWrap(True)
        plain_label(note)  # the file name is data
        form.addRow(note)
        if len(self.layers) > 1:
            form.addRow("Layer", self.layer)
        labels = {
            "date": "Date",
            "actor": "Actors",
            "title": "Title",
            "lat": "Latitude",
            "lon": "Longitude",
        }
        for role, combo in self.combos.items():
            form.addRow(labels[role], combo)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        if self.layers:
            self.layer.setCurrentText(str(guess_.get("layer") or self.layers[0]))
            self.layer.currentTextChanged.connect(self._on_layer_changed)
            self._fill(self.by_layer.get(self.layer.currentText(), []), guess_)
        else:
            self._fill([str(n) for n in guess_.get("properties", [])], guess_)

    def _names(self) -> list[str]:
        if self.layers:
            return self.by_layer.get(self.layer.currentText(), [])
        return [str(n) for n in self.guess.get("properties", [])]

    def _fill(self, names: list[str], guessed: dict) -> None:
        remembered = _remembered(names)
        by_fold = {n.strip().casefold(): n for n in names}  # a header spelled in any case
        for role, combo in self.combos.items():
            combo.clear()
            combo.addItems([NONE, *names])
            for choice in (remembered.get(KEYWORDS[role]), guessed.get(role)):
                if isinstance(choice, str) and choice.strip().casefold() in by_fold:
                    combo.setCurrentText(by_fold[choice.strip().casefold()])
                    break

    def _on_layer_changed(self, layer: str) -> None:
        names = self.by_layer.get(layer, [])
        self._fill(names, guess(names))

    def choices(self) -> dict:
        out = {}
        if len(self.layers) > 1:
            out["layer"] = self.layer.currentText()
        for role, combo in self.combos.items():
            if combo.currentText() != NONE:
                out[KEYWORDS[role]] = combo.currentText()
        return out

    def accept(self) -> None:
        names = self._names()
        if names:
            chosen = {k: v for k, v in self.choices().items() if k != "layer"}
            qsettings().setValue(header_key(names), json.dumps(chosen))
        super().accept()


# its first name (the main window opens it by this one)
GeoJSONMappingDialog = MappingDialog


def _remembered(names: list[str]) -> dict:
    """The choice made last time for this set of names ({} when none)."""
    if not names:
        return {}
    raw = qsettings().value(header_key(names))
    try:
        value = json.loads(raw) if isinstance(raw, str) else {}
    except ValueError:
        return {}
    return {k: v for k, v in value.items() if isinstance(v, str)} if isinstance(value, dict) else {}
