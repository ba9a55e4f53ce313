"""File → Export map snapshot… and File → Export data…: the dialog around the exporters.

The work is done by :func:`export_snapshot` and :func:`export_data` (the same functions
the ``araz snapshot``/``araz export`` commands call underneath); the dialog only gathers
choices, remembers them (and the last folder) in QSettings, and reports a failure in one
message.  Tests call :meth:`ExportDialog.export` — the accept path — without ``exec()``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from araz.export.atomic import ExportError, check_target
from araz.export.names import safe_file_stem
from araz.export.selection import Shown
from araz.qt.errors import warn
from araz.views.prepared import map_data

SNAPSHOT_FORMATS = (("PNG image", ".png"), ("PDF (A4 landscape)", ".pdf"))
DATA_FORMATS = (
    ("CSV", ".csv"),
    ("GeoJSON", ".geojson"),
    ("GeoPackage", ".gpkg"),
    ("GeoParquet", ".parquet"),
    ("KML (Google Earth)", ".kml"),
    ("KMZ (zipped KML)", ".kmz"),
    ("Standalone HTML map", ".html"),
)
KEY = "export/"


def shown_of(window) -> Shown:
    model = window.model
    return Shown(model.dataset, model.filter, model.mask)


def _guard(window, path: Path) -> Path:
    target = check_target(path, window.model.dataset)
    loaded = getattr(window, "dataset_path", None)
    if loaded is not None and Path(loaded).resolve() == target.resolve():
        raise ExportError(f"will not overwrite the loaded dataset {target}; choose another name")
    return target


def map_view_bounds(window) -> tuple[float, float, float, float]:
    """(west, south, east, north) the window's map shows now, asked of its page;
    ExportError (never a silent "fit all") when the page cannot say."""
    from araz.qt.map.page_json import PageReadError

    try:
        return window.map.ask("view_bounds")
    except PageReadError as exc:
        raise ExportError(f"could not read the map's view: {exc}") from exc


def export_snapshot(
    window,
    path: str | Path,
    *,
    size: tuple[int, int] | None = None,
    scale: float = 1.0,
    sheet: bool = False,
    title: str = "",
) -> Path:
    """The map as the window shows it (its view, its filter) as PNG or PDF, or a sheet.

    ``size``: CSS pixels (None: the map view's own size); ``scale`` 2 for print."""
    from araz.qt.export.colouring import map_colours
    from araz.qt.export.sheet import write_sheet
    from araz.qt.export.snapshot import write_snapshot
    from araz.qt.export.warm import renderer_for

    target = _guard(window, Path(path))
    shown = shown_of(window)
    web = window.map.web_view()
    width, height = size or (max(web.width(), 100), max(web.height(), 100))
    bounds = map_view_bounds(window)
    # the events as the window's map has them, packed once per dataset (map records made
    # again for each export took seconds at 100,000 events)
    records = map_data(shown.dataset)[0]
    colours = map_colours(window.model)
    # the window's renderer, kept between exports (araz.qt.export.warm): its page loaded
    # and holding these events, it draws only what changed since the last export
    warm = renderer_for(window)
    renderer = warm.renderer
    try:
        if sheet:
            out = write_sheet(
                renderer, shown, target, width=width, height=height, scale=scale,
                title=title, bounds=bounds, records=records,
                colours=colours,
            )  # fmt: skip
        else:
            out = write_snapshot(
                renderer, shown.dataset, shown.shown_ids, target, width=width,
                height=height, scale=scale, bounds=bounds, title=title,
                description=shown.describe(), records=records, colours=colours,
            )  # fmt: skip
    except BaseException:
        warm.close()  # the next export starts from a fresh page
        raise
    warm.used()
    return out


def export_data(window, path: str | Path, *, title: str = "") -> Path:
    """The shown events as CSV, GeoJSON, GeoPackage, GeoParquet, KML/KMZ or a standalone
    HTML map (by the suffix)."""
    from araz.export.data import export_data as write

    target = _guard(window, Path(path))
    if target.suffix.lower() != ".html":
        return write(shown_of(window), target, title=title)
    from araz.export.colouring import colouring

    model = window.model  # the map as the window colours and sizes it (View → Colour by)
    colours = colouring(model.dataset, model.colour_by, model.size_by)
    bounds = map_view_bounds(window)
    from ..map.density_menu import current_style

    density, outlines = current_style()  # crowds drawn as the window's map draws them
    return write(
        shown_of(window),
        target,
        title=title,
        bounds=bounds,
        colours=colours,
        density=density,
        outlines=outlines,
    )


def _normal_size_items(combo: QComboBox) -> None:
    """The combo's list in the combo's own font: by default Qt draws the items in the
    desktop theme's menu font ("QComboMenuItem"), tiny under some themes."""
    for i in range(combo.count()):
        combo.setItemData(i, combo.font(), Qt.ItemDataRole.FontRole)


def _with_suffix(path: Path, suffix: str) -> Path:
    """``path`` ending in ``suffix`` (a name with no stem, e.g. a folder: ``araz``)."""
    if not path.name or path.name in (".", ".."):
        return path / f"araz{suffix}"
    return path.with_suffix(suffix) if path.suffix else path.with_name(path.name + suffix)


class ExportDialog(QDialog):
    """kind: "snapshot" or "data"."""

    def __init__(self, window, kind: str) -> None:
        super().__init__(window)
        self.window_ = window
        self.kind = kind
        self.setObjectName(f"export_{kind}")
        self.setWindowTitle("Export map snapshot" if kind == "snapshot" else "Export data")
        self.settings = QSettings()
        form = QFormLayout(self)

        self.format = QComboBox(self)
        for label, suffix in SNAPSHOT_FORMATS if kind == "snapshot" else DATA_FORMATS:
            self.format.addItem(label, suffix)
        form.addRow("Format", self.format)

        row = QWidget(self)
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        self.path = QLineEdit(row)
        browse = QPushButton("Browse…", row)
        browse.clicked.connect(self._on_browse)
        lay.addWidget(self.path, 1)
        lay.addWidget(browse)
        form.addRow("File", row)

        self.title = QLineEdit(self)
        self.title.setPlaceholderText(window.model.dataset.title or "Araz")
        form.addRow("Title", self.title)

        if kind == "snapshot":
            self.size_mode = QComboBox(self)
            self.size_mode.addItem("The view's size", "view")
            self.size_mode.addItem("Chosen size", "custom")
            self.width_box, self.height_box = QSpinBox(self), QSpinBox(self)
            self._custom_size = (1600, 1000)
            for box in (self.width_box, self.height_box):
                box.setRange(100, 8000)
                box.setSuffix(" px")
                box.setEnabled(False)  # until "Chosen size"
            form.addRow("Size", self.size_mode)
            size_row = QWidget(self)
            sl = QHBoxLayout(size_row)
            sl.setContentsMargins(0, 0, 0, 0)
            sl.addWidget(self.width_box)
            sl.addWidget(self.height_box)
            form.addRow("", size_row)
            self.scale = QComboBox(self)
            self.scale.addItem("1×", 1.0)
            self.scale.addItem("2× (print)", 2.0)
            form.addRow("Scale", self.scale)
            self.sheet = QCheckBox("Composed sheet (title, filters, legend, timeline)", self)
            form.addRow("", self.sheet)
            self.size_mode.currentIndexChanged.connect(self._on_size_mode_changed)

        for combo in self.findChildren(QComboBox):
            _normal_size_items(combo)
        self.setMinimumWidth(560)  # the file's name readable, not cut to its last words
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.buttons = buttons
        self.format.currentIndexChanged.connect(self._on_format_changed)
        self._restore()

    # ------------------------------------------------------------ settings

    def _restore(self) -> None:
        """The last choices, each checked (a bad value: its default, logged)."""
        from araz.qt.settings import read_bool, read_choice, read_folder, read_int

        s = self.settings
        folder = read_folder(s, KEY + "folder", Path.home())
        formats = [self.format.itemData(i) for i in range(self.format.count())]
        suffix = read_choice(s, KEY + f"{self.kind}_format", formats[0], formats)
        self.format.setCurrentIndex(max(0, self.format.findData(suffix)))
        stem = safe_file_stem(self.window_.model.dataset.title or "")
        self.path.setText(str(folder / f"{stem}{self.suffix()}"))
        if self.kind == "snapshot":
            low, high = self.width_box.minimum(), self.width_box.maximum()
            self._custom_size = (
                read_int(s, KEY + "width", 1600, low, high),
                read_int(s, KEY + "height", 1000, low, high),
            )
            mode = read_choice(s, KEY + "size_mode", "view", ("view", "custom"))
            self.size_mode.setCurrentIndex(max(0, self.size_mode.findData(mode)))
            scale = read_choice(s, KEY + "scale", 1.0, (1.0, 2.0))
            self.scale.setCurrentIndex(max(0, self.scale.findData(scale)))
            self.sheet.setChecked(read_bool(s, KEY + "sheet", False))
            self._on_size_mode_changed()

    def _save(self, path: Path) -> None:
        s = self.settings
        s.setValue(KEY + "folder", str(path.parent))
        s.setValue(KEY + f"{self.kind}_format", self.suffix())
        if self.kind == "snapshot":
            s.setValue(KEY + "size_mode", self.size_mode.currentData())
            width, height = self.chosen_size()
            s.setValue(KEY + "width", width)
            s.setValue(KEY + "height", height)
            s.setValue(KEY + "scale", float(self.scale.currentData()))
            s.setValue(KEY + "sheet", self.sheet.isChecked())
        s.sync()

    # ------------------------------------------------------------ handlers

    def suffix(self) -> str:
        return str(self.format.currentData())

    def _on_format_changed(self) -> None:
        self.path.setText(str(_with_suffix(Path(self.path.text() or "araz"), self.suffix())))

    def chosen_size(self) -> tuple[int, int]:
        """The last size chosen by hand (kept while the view's size is shown)."""
        if self.width_box.isEnabled():
            self._custom_size = (self.width_box.value(), self.height_box.value())
        return self._custom_size

    def _on_size_mode_changed(self) -> None:
        custom = self.size_mode.currentData() == "custom"
        if custom:
            width, height = self._custom_size
        else:
            self.chosen_size()
            # the size the file will have: the map view's own (greyed, not a stale choice)
            web = self.window_.map.web_view()
            width, height = max(web.width(), 100), max(web.height(), 100)
        self.width_box.setValue(width)
        self.height_box.setValue(height)
        self.width_box.setEnabled(custom)
        self.height_box.setEnabled(custom)

    def _on_browse(self) -> None:
        label = self.format.currentText()
        name, _ = QFileDialog.getSaveFileName(
            self, self.windowTitle(), self.path.text(), f"{label} (*{self.suffix()})"
        )
        if name:
            path = Path(name)
            self.path.setText(str(path if path.suffix else _with_suffix(path, self.suffix())))

    def target(self) -> Path:
        """The file the dialog's choices name (with the format's suffix)."""
        text = self.path.text().strip()
        if not text:
            raise ExportError("choose a file to export to")
        if "\0" in text:
            raise ExportError("a file name cannot hold a NUL character; choose another name")
        path = Path(text).expanduser()
        if path.suffix.lower() != self.suffix():
            path = _with_suffix(path, self.suffix())
        return path

    def export(self, path: Path | None = None) -> Path:
        """Do the export with the dialog's choices (the accept path, without asking
        about an existing file); ExportError if not."""
        path = self.target() if path is None else path
        title = self.title.text().strip()
        if self.kind == "snapshot":
            custom = self.size_mode.currentData() == "custom"
            size = (self.width_box.value(), self.height_box.value()) if custom else None
            out = export_snapshot(
                self.window_,
                path,
                size=size,
                scale=float(self.scale.currentData()),
                sheet=self.sheet.isChecked(),
                title=title,
            )
        else:
            out = export_data(self.window_, path, title=title)
        self._save(out)
        return out

    def accept(self) -> None:
        """Save: export (asking before replacing a file); the buttons are off meanwhile
        (the map is drawn in a nested event loop: a second Save would re-enter)."""
        if not self.buttons.isEnabled():
            return
        self.buttons.setEnabled(False)
        try:
            path = self.target()
            if (path.exists() or path.is_symlink()) and not self._may_replace(path):
                return  # the dialog stays open for another name
            out = self.export(path)
        except ExportError as exc:
            warn(self, self.windowTitle(), str(exc))
            return
        finally:
            self.buttons.setEnabled(True)
        self.window_.statusBar().showMessage(self.exported_message(out), 8000)
        super().accept()

    def exported_message(self, out: Path) -> str:
        """The status bar's "Exported PATH", and what the export left out (a KML: the
        unplaced events)."""
        if self.kind != "data":
            return f"Exported {out}"
        from araz.export.data import export_note

        note = export_note(shown_of(self.window_), out)
        return f"Exported {out}" + (f" ({note})" if note else "")

    def reject(self) -> None:
        if self.buttons.isEnabled():  # not while an export runs
            super().reject()

    def _may_replace(self, path: Path) -> bool:
        """Ask before writing over an existing file (No is the default)."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.windowTitle(),
            f"{path.name} already exists in {path.parent}.\n\nReplace it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("export_replace")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText("Replace")
        return box.exec() == QMessageBox.StandardButton.Yes


def show_export_dialog(window, kind: str, *_: object) -> ExportDialog:
    """Open the dialog, modal to the window, without blocking; it deletes itself once
    closed."""
    dialog = ExportDialog(window, kind)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
