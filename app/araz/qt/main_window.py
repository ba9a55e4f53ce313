"""The main window: the map in the centre, the timeline along the bottom, filters on the
left, the event and its source on the right, the table of shown events; all views observe
one AppModel and never call each other."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import heap
from ..io import LoadResult, name_filters
from ..model import AppModel, Change
from . import settings as app_settings
from .article_view import ArticleView
from .bindings import MapBinding, TimelineBinding
from .cache_menu import install_cache_menu
from .colour_menu import ColourMenu
from .detail_panel import DetailPanel
from .events_table import EventsTable
from .filters_panel import FiltersPanel
from .loader import Loader
from .map import MapView
from .map.density_menu import install_density_menu
from .map.goto_place import install_goto_place
from .map.relief_menu import install_relief_toggle
from .playback_bar import PlaybackBar
from .tab_order import order_tab_chain
from .text import shorten
from .timeline import TimelineView

if TYPE_CHECKING:
    from .mapping_dialog import GeoJSONMappingDialog

OPEN_FILTER = ";;".join(name_filters())  # every format araz.io reads


class MainWindow(QMainWindow):
    loadFinished = Signal(str, object)  # path, LoadResult (after the model was updated)

    def __init__(
        self, model: AppModel, parent=None, *, restore: bool = True, map_view: MapView | None = None
    ):
        super().__init__(parent)
        self.model = model
        self.dataset_path: Path | None = None
        self._restore_filter = restore  # the saved filter applies to the first load
        self._keeps_settings = restore  # a screenshot's window saves no settings of its own
        self.last_report: QMessageBox | None = None
        self.mapping_dialog: GeoJSONMappingDialog | None = None
        self._tab_ordered = False  # Tab's order: set at the first Tab (_order_tab_chain)
        self.setAcceptDrops(True)
        self.setWindowTitle("Araz")
        self.resize(1500, 950)
        self.setDockNestingEnabled(True)

        # --- the views (the map may come made: its page loading since the app started)
        self.map = map_view if map_view is not None else MapView(self)
        self.map.setObjectName("map")
        self.setCentralWidget(self.map)
        self.map_binding = MapBinding(model, self.map, self)

        self.timeline = TimelineView(self)
        self.timeline.setObjectName("timeline")
        self.timeline_binding = TimelineBinding(model, self.timeline, self)
        self.playback = PlaybackBar(model, self)
        bottom = QWidget(self)
        lay = QVBoxLayout(bottom)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.playback)
        lay.addWidget(self.timeline, 1)

        self.filters = FiltersPanel(model, self)
        self.detail = DetailPanel(model, self)
        self.detail.showArticleRequested.connect(self.show_article)
        self.article = ArticleView(model, self)
        self.table = EventsTable(self.model, self)
        self.table_model = self.table.table_model

        self.empty_label = QLabel(self.map)
        self.empty_label.setObjectName("empty_message")
        self.empty_label.setStyleSheet(
            "background: rgba(255,255,255,230); color: #222; padding: 8px; border-radius: 4px;"
        )
        self.empty_label.hide()

        # --- docks
        self.docks: dict[str, QDockWidget] = {}
        scroller = QScrollArea(self)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        scroller.setWidget(self.filters)
        self._dock("Filters", scroller)
        self._dock("Timeline", bottom)
        self._dock("Event", self.detail)
        self._dock("Article", self.article)
        self._dock("Events", self.table)
        self.reset_layout()

        self._build_loading()
        self._build_menus()
        # the table lets Tab leave (arrows move in it); Tab's order is set at the first Tab
        self.table.setTabKeyNavigation(False)
        model.changed.connect(self._on_model_changed)
        self._update_status()
        if restore:
            app_settings.restore_window(self)

    # ------------------------------------------------------------ building

    def _dock(self, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{title.lower()}")
        dock.setWidget(widget)
        dock.topLevelChanged.connect(lambda floating: floating and self._order_tab_chain())
        self.docks[title] = dock
        return dock

    def reset_layout(self) -> None:
        """Every dock back in its first place, shown and docked (View → Reset layout)."""
        d = self.docks
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        for title, area in (
            ("Filters", left),
            ("Timeline", Qt.DockWidgetArea.BottomDockWidgetArea),
            ("Event", right),
            ("Article", right),
            ("Events", right),
        ):
            d[title].setFloating(False)
            self.addDockWidget(area, d[title])
            d[title].show()
        # the table under the event (split first: splitting a tabbed dock tabs the new one)
        self.splitDockWidget(d["Event"], d["Events"], Qt.Orientation.Vertical)
        self.tabifyDockWidget(d["Event"], d["Article"])
        d["Event"].raise_()
        self.resizeDocks([d["Filters"]], [300], Qt.Orientation.Horizontal)
        self.resizeDocks([d["Event"]], [400], Qt.Orientation.Horizontal)
        self.resizeDocks([d["Timeline"]], [330], Qt.Orientation.Vertical)

    def _order_tab_chain(self) -> None:
        """Tab's order, set once (:mod:`araz.qt.tab_order`): at the first Tab or Shift+Tab
        in the window, or when a dock first floats (a window of its own)."""
        if not self._tab_ordered:
            self._tab_ordered = True
            order_tab_chain(self)

    def focusNextPrevChild(self, next: bool) -> bool:
        self._order_tab_chain()
        return super().focusNextPrevChild(next)

    def _build_loading(self) -> None:
        self.loader = Loader(self)
        self.loader.started.connect(self._on_load_started)
        self.loader.progressed.connect(lambda f: self.progress.setValue(round(f * 1000)))
        self.loader.finished.connect(self._on_load_finished)
        self.loader.payload_ahead.connect(self.map.prefetch)  # a re-open's, fetched early
        self.progress = QProgressBar(self)
        self.progress.setObjectName("load_progress")
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("load_cancel")
        self.cancel_button.clicked.connect(self.loader.cancel)
        for w in (self.progress, self.cancel_button):
            self.statusBar().addPermanentWidget(w)
            w.hide()
        # the count stays when a menu's status tip or a passing message takes the bar
        self.count_label = QLabel(self)
        self.count_label.setObjectName("shown_count")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.count_label)
        # the events the map cannot draw, listed on demand
        self.unplaced_button = QToolButton(self)
        self.unplaced_button.setObjectName("unplaced")
        self.unplaced_button.setText("Without a place ▾")
        self.unplaced_button.setToolTip("List the shown events that have no place on the map")
        self.unplaced_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.unplaced_menu = QMenu(self)
        self.unplaced_menu.aboutToShow.connect(self._fill_unplaced)
        self.unplaced_button.setMenu(self.unplaced_menu)
        self.statusBar().addPermanentWidget(self.unplaced_button)
        # drops on the map land on the window, not in the web page
        self.map.web_view().setAcceptDrops(False)

    def _action(self, menu, text: str, slot, shortcut=None, name: str | None = None) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(slot)
        if name:
            act.setObjectName(name)
        menu.addAction(act)
        return act

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&Open…", self.open_dialog, QKeySequence.StandardKey.Open, "open")
        self.recent_menu = QMenu("Open &recent", self)
        self.recent_menu.setObjectName("recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file.addMenu(self.recent_menu)
        self._action(file, "Open the &bundled dataset", self.open_bundled, None, "open_bundled")
        file.addSeparator()
        shot = partial(self._export, "snapshot")
        self._action(file, "&Export map snapshot…", shot, QKeySequence("Ctrl+E"), "export_map")
        data = partial(self._export, "data")
        self._action(file, "Export &data…", data, None, "export_data")
        file.addSeparator()
        self.clear_cache_action = install_cache_menu(self, file)
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit, "quit")

        edit = bar.addMenu("&Edit")
        self.undo_action = self._action(
            edit, "&Undo", self.model.undo, QKeySequence.StandardKey.Undo, "undo"
        )
        self.redo_action = self._action(
            edit, "&Redo", self.model.redo, QKeySequence("Ctrl+Shift+Z"), "redo"
        )
        edit.addSeparator()
        self._action(
            edit, "&Find…", self.filters.focus_search, QKeySequence.StandardKey.Find, "find"
        )
        self._action(
            edit,
            "Clear &selection",
            self.model.clear_selection,
            QKeySequence(Qt.Key.Key_Escape),
            "clear_selection",
        )
        self._action(edit, "Clear all &filters", self.clear_filters, None, "clear_filters")

        view = bar.addMenu("&View")
        self._action(view, "&Fit all", self.fit_all, QKeySequence("Ctrl+0"), "fit_all")
        self._action(
            view,
            "F&ull screen",
            self.toggle_full_screen,
            QKeySequence.StandardKey.FullScreen,
            "full_screen",
        )
        view.addSeparator()
        self.goto_action = install_goto_place(self, view, self.map)
        self.density_actions = install_density_menu(self, view, self.map)
        self.relief_action = install_relief_toggle(view, self.map)
        self.colour_menu = ColourMenu(self, view, self.model)
        lanes = view.addMenu("Timeline &lanes")
        self._action(lanes, "By &actor", lambda: self.model.set_lane_mode("actor"))
        self._action(lanes, "By &category", lambda: self.model.set_lane_mode("category"))
        view.addSeparator()
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        self._action(view, "&Reset layout", self.reset_layout, None, "reset_layout")

        help_menu = bar.addMenu("&Help")
        self._action(
            help_menu,
            "&Keyboard shortcuts",
            self.show_shortcuts,
            QKeySequence.StandardKey.HelpContents,
            "shortcuts",
        )
        self._action(help_menu, "&About Araz", self.show_about, None, "about")
        self._update_undo_actions()

    # ------------------------------------------------------------ model -> window

    def _on_model_changed(self, change: Change) -> None:
        if change.dataset or change.filter:
            self.table_model.refresh()
            self._update_status()
        if change.selection or change.dataset or change.filter:
            self.table.sync_selection()
        self._update_undo_actions()

    def _update_undo_actions(self) -> None:
        self.undo_action.setEnabled(self.model.can_undo)
        self.redo_action.setEnabled(self.model.can_redo)

    def status_text(self) -> str:
        ds = self.model.dataset
        shown = int(self.model.mask.sum())  # a count: no list of a million ids
        if len(ds) and not shown:
            return f"No event matches the filters (0 of {len(ds)}) · " + (
                self.model.filter.describe(ds)
            )
        unplaced = int((self.model.mask & ds.unplaced_mask).sum())
        self.unplaced_button.setEnabled(unplaced > 0)
        return f"{shown} of {len(ds)} events shown · {unplaced} without a place"

    def _update_status(self) -> None:
        self.count_label.setText(shorten(self.status_text(), 160))
        empty = len(self.model.dataset) > 0 and not self.model.mask.any()
        if empty:
            self.empty_label.setText(
                "No event matches these filters.\nEdit → Clear all filters (or Ctrl+Z) to go back."
            )
            self.empty_label.adjustSize()
            self.empty_label.move(20, 20)
        self.empty_label.setVisible(empty)

    # ------------------------------------------------------------ commands

    def clear_filters(self) -> None:
        from ..model import Filter

        self.model.set_filter(Filter(actor_match=self.model.filter.actor_match))

    def fit_all(self) -> None:
        self.map_binding.fit_shown()
        self.timeline.fit_all()

    def toggle_full_screen(self) -> None:
        self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)

    def show_article(self) -> None:
        dock = self.docks["Article"]
        dock.show()
        dock.raise_()
        active = self.model.selection.active
        if active:
            self.article.scrollToAnchor(f"q-{active}")

    def open_dialog(self) -> None:
        start = str(self.dataset_path.parent) if self.dataset_path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open a dataset", start, OPEN_FILTER)
        if path:
            self.open_path(Path(path))

    def open_path(self, path, **options) -> None:
        """Load a file in the background; the current dataset stays until it is ready,
        and stays for good when nothing could be loaded.  A GeoJSON file whose date
        property cannot be guessed first asks which properties to use (``options``:
        ``date_property``, ``actor_property`` skip the question).  The file is only
        ever read in the loader's thread."""
        self.loader.load(Path(path), **(options or {"ask_mapping": True}))

    def _export(self, kind: str) -> None:
        """File → Export map snapshot / data (the dialog's code loads on first use)."""
        from .export.dialog import show_export_dialog

        show_export_dialog(self, kind)

    def _ask_mapping(self, path: Path, guess: dict) -> None:
        """The loader found GeoJSON without a known date property: ask, then load."""
        from .mapping_dialog import GeoJSONMappingDialog

        dialog = GeoJSONMappingDialog(path, guess, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.mapping_dialog = dialog

        def on_finished(code: int) -> None:
            self.mapping_dialog = None
            if code == QDialog.DialogCode.Accepted.value:
                self.loader.load(path, **dialog.choices())
            else:
                self.statusBar().showMessage(f"{path.name} not opened.", 8000)

        dialog.finished.connect(on_finished)
        dialog.open()

    def open_bundled(self) -> None:
        from ..paths import default_dataset

        self.open_path(default_dataset())

    def unplaced_ids(self) -> list[str]:
        """Shown events without a place on the map, in dataset order."""
        ds = self.model.dataset
        ids = ds.events.ids
        return [ids[i] for i in np.flatnonzero(self.model.mask & ds.unplaced_mask).tolist()]

    def _fill_unplaced(self, limit: int = 200) -> None:
        self.unplaced_menu.clear()
        ids = self.unplaced_ids()
        if not ids:
            self.unplaced_menu.addAction("(every shown event has a place)").setEnabled(False)
        ds = self.model.dataset
        for eid in ids[:limit]:
            e = ds.event(eid)
            label = f"{e.date.display if e.date else 'no date'} — {shorten(e.title, 120)}"
            label = label.replace("&", "&&")  # not a mnemonic
            self.unplaced_menu.addAction(label, lambda eid=eid: self.model.select([eid]))
        if len(ids) > limit:
            self.unplaced_menu.addAction(f"… and {len(ids) - limit:,} more").setEnabled(False)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = app_settings.recent_datasets()
        if not paths:
            self.recent_menu.addAction("(none yet)").setEnabled(False)
        for p in paths:
            self.recent_menu.addAction(str(p), lambda p=p: self.open_path(p))

    def _on_load_started(self, path: str) -> None:
        self.statusBar().showMessage(f"Loading {Path(path).name}…")
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()

    def _on_load_finished(self, path: str, result: LoadResult) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.statusBar().clearMessage()  # "Loading X…": over, whatever came of it
        if result.mapping is not None:
            self._update_status()
            self._ask_mapping(Path(path), result.mapping)
            return
        ds = result.dataset
        if ds is not None and len(ds):
            self.playback.stop()
            t0 = time.perf_counter()
            self.model.set_dataset(ds)
            result.timings["views"] = time.perf_counter() - t0
            heap.trim()  # the reader's temporaries and the previous dataset, freed
            self.dataset_path = Path(path)
            self.setWindowTitle(f"Araz — {Path(path).name}")
            if self._keeps_settings:
                app_settings.remember_dataset(path)
            if self._restore_filter:
                app_settings.restore_filter(self.model, app_settings.qsettings().value("filter"))
        self._restore_filter = False
        self._update_status()
        if ds is not None and len(ds) and "cache" in result.timings:
            took = result.timings["cache"]
            self.statusBar().showMessage(f"{Path(path).name}: from the cache ({took:.2f} s).", 8000)
        if [p.message for p in result.problems] == ["cancelled"]:
            self.statusBar().showMessage("Loading cancelled; the previous data stays open.", 8000)
        elif ds is None or not len(ds):
            self.statusBar().showMessage(f"{Path(path).name} not opened.", 8000)
            self.last_report = self.show_load_problems(path, result)
        elif result.problems:
            self.last_report = self.show_load_problems(path, result)
        self.loadFinished.emit(path, result)

    def dragEnterEvent(self, event) -> None:
        if any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.open_path(files[0])

    def show_load_problems(self, path, result: LoadResult) -> QMessageBox:
        """What went wrong in a load, in a box that does not block (main_window_report.py)."""
        from .main_window_report import load_problems_box

        return load_problems_box(self, path, result)

    def show_shortcuts(self) -> None:
        from .help import shortcuts_html

        QMessageBox.information(self, "Keyboard shortcuts", shortcuts_html())

    def about_text(self) -> str:
        from .help import about_html

        return about_html(self.model.dataset.seed)

    def show_about(self) -> None:
        QMessageBox.about(self, "About Araz", self.about_text())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.playback.stop()
        self.loader.shutdown(1.0)  # a reader that cannot be stopped is left behind
        if self._keeps_settings:
            app_settings.save_window(self)
        super().closeEvent(event)
