"""The filters on the left: actors as a checkable tree, categories, certainty, the time
window and the search box.  Every gesture becomes one ``AppModel`` filter change; model
changes are mirrored back with signals blocked, so the panel never reacts to its echo."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from ..model import AppModel, Change, EDTFError, FuzzyDate
from ..model.colour_by import ACTOR
from ..model.dates import iso_day
from ..model.entities import CERTAINTIES
from ..model.masks import value_counts
from ..model.palette import Palette
from ..views.prepared import filter_totals
from .text import plain_tooltip

ACTOR_ROLE = Qt.ItemDataRole.UserRole + 1
GROUP_ROLE = Qt.ItemDataRole.UserRole + 2  # a state's row: counts of it and its members
CHECKED = Qt.CheckState.Checked
UNCHECKED = Qt.CheckState.Unchecked
MAX_ACTORS_SHOWN = 2000
MATCH_WORDS = {
    "main": "Actors: an event shows when its main actor (its colour) is checked.",
    "involved": "Actors: an event shows while any of its actors is checked.",
}  # the tree lists the largest first; the rest are found by search


def swatch(colour: str, size: int = 12) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(QColor(colour))
    return QIcon(pm)


class ActorTree(QTreeWidget):
    """States with their people and organisations under them, largest first.  Two counts
    per actor, under the other filters: the events it is the main actor of (their colour)
    and the events it takes part in."""

    actorsChanged = Signal(object)  # frozenset of checked actor ids, or None for all
    onlyRequested = Signal(object, str)  # frozenset of actor ids, the meaning to switch to

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("actors")
        self.setHeaderLabels(["Actor", "Main", "Involved"])
        head = self.headerItem()
        head.setToolTip(
            1,
            "Events whose main actor this is (for a state: it or one of its people and "
            "organisations): the events drawn in its colour. Counted under the other filters.",
        )
        head.setToolTip(
            2,
            "Events the actor takes part in, as main actor or not (for a state: it or any "
            "of its people and organisations). Counted under the other filters.",
        )
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu)
        self.itemChanged.connect(self._on_item_changed)
        self._all: set[str] = set()
        self._checked: frozenset[str] | None = None  # what the check boxes show
        self._menu: QMenu | None = None

    def populate(self, model: AppModel) -> None:
        ds = model.dataset
        own, group = filter_totals(ds)["actors"]
        with QSignalBlocker(self):
            self.clear()
            self._all, self._checked = set(ds.actors), None  # all checked
            states = [a for a in ds.actors.values() if a.kind == "state"]
            states.sort(key=lambda a: (-group.get(a.id, (0, 0))[1], a.name.casefold()))
            flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
            for state in states[:MAX_ACTORS_SHOWN]:
                members = sorted(
                    ds.members(state.id),
                    key=lambda a: (-own.get(a.id, (0, 0))[1], a.name.casefold()),
                )
                top = QTreeWidgetItem([state.name])
                top.setIcon(0, swatch(ds.palette.colour(state.id)))
                top.setData(0, ACTOR_ROLE, state.id)
                top.setData(0, GROUP_ROLE, True)
                top.setToolTip(0, plain_tooltip(_tooltip(state)))
                if members:
                    top.setFlags(flags | Qt.ItemFlag.ItemIsAutoTristate)
                    own_item = QTreeWidgetItem([f"{state.name} (the state)"])
                    own_item.setData(0, ACTOR_ROLE, state.id)
                    own_item.setFlags(flags)
                    own_item.setCheckState(0, CHECKED)
                    top.addChild(own_item)
                    for m in members:
                        child = QTreeWidgetItem([m.name])
                        child.setData(0, ACTOR_ROLE, m.id)
                        child.setToolTip(0, plain_tooltip(_tooltip(m)))
                        child.setFlags(flags)
                        child.setCheckState(0, CHECKED)
                        top.addChild(child)
                else:
                    top.setFlags(flags)
                top.setCheckState(0, CHECKED)
                self.addTopLevelItem(top)
            header = self.header()
            header.setStretchLastSection(False)
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

    def set_counts(self, own: dict[str, list[int]], group: dict[str, list[int]]) -> None:
        """Write [main, involved] counts into the rows (see ``Dataset.actor_tally``)."""
        with QSignalBlocker(self):
            it = QTreeWidgetItemIterator(self)
            while it.value():
                item = it.value()
                counts = group if item.data(0, GROUP_ROLE) else own
                main, involved = counts.get(item.data(0, ACTOR_ROLE), (0, 0))
                if item.text(1) != str(main) or item.text(2) != str(involved):
                    item.setText(1, str(main))
                    item.setText(2, str(involved))
                it += 1

    def leaves(self):
        it = QTreeWidgetItemIterator(self)
        while it.value():
            item = it.value()
            if item.childCount() == 0:
                yield item
            it += 1

    def checked(self) -> frozenset[str] | None:
        ids = {i.data(0, ACTOR_ROLE) for i in self.leaves() if i.checkState(0) == CHECKED}
        return None if ids >= self._all else frozenset(ids)

    def set_swatches(self, palette: Palette | None) -> None:
        """The states' colours beside them (None: none, when events are coloured by
        something other than their main actor)."""
        with QSignalBlocker(self):
            for i in range(self.topLevelItemCount()):
                top = self.topLevelItem(i)
                state = top.data(0, ACTOR_ROLE)
                top.setIcon(0, swatch(palette.colour(state)) if palette else QIcon())

    def set_checked(self, ids: frozenset[str] | None) -> None:
        if ids == self._checked:  # as the tree shows them (a filter of another kind)
            return
        self._checked = ids
        with QSignalBlocker(self):
            for item in self.leaves():
                on = ids is None or item.data(0, ACTOR_ROLE) in ids
                item.setCheckState(0, CHECKED if on else UNCHECKED)

    def show_matching(self, text: str) -> None:
        """Hide actors whose names do not contain the text (the tree's own search)."""
        needle = text.strip().casefold()
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            any_child = False
            for j in range(top.childCount()):
                child = top.child(j)
                hit = not needle or needle in child.text(0).casefold()
                child.setHidden(not hit)
                any_child |= hit
            top.setHidden(not (any_child or not needle or needle in top.text(0).casefold()))
            if needle and any_child:
                top.setExpanded(True)

    def _on_item_changed(self, _item, column: int) -> None:
        if column == 0:
            self._checked = self.checked()
            self.actorsChanged.emit(self._checked)

    def context_menu(self, item: QTreeWidgetItem) -> QMenu:
        """The menu of an actor's row: only its main-actor events, or every event it is
        in."""
        menu = QMenu(self)
        menu.setObjectName("actor_menu")
        name = item.text(0)
        only = QAction(f"Only {name} (as main actor)", menu)
        only.setObjectName("only_main")
        only.triggered.connect(lambda: self.only(item, "main"))
        involved = QAction(f"Only events involving {name}", menu)
        involved.setObjectName("only_involved")
        involved.triggered.connect(lambda: self.only(item, "involved"))
        menu.addAction(only)
        menu.addAction(involved)
        return menu

    def _on_context_menu(self, pos) -> None:
        item = self.itemAt(pos)
        if item is None:
            return
        self._menu = self.context_menu(item)
        self._menu.exec(self.viewport().mapToGlobal(pos))
        self._menu.deleteLater()
        self._menu = None

    def only(self, item: QTreeWidgetItem, match: str = "main") -> None:
        """Check this actor (with its members, for a state) and nothing else."""
        ids = {item.data(0, ACTOR_ROLE)}
        for j in range(item.childCount()):
            ids.add(item.child(j).data(0, ACTOR_ROLE))
        self.onlyRequested.emit(frozenset(ids), match)


def _tooltip(actor) -> str:
    names = ", ".join(actor.aliases)
    return f"{actor.name} ({actor.kind})" + (f"\nalso: {names}" if names else "")


class CheckList(QListWidget):
    """A checkable list of values (categories, certainties)."""

    valuesChanged = Signal(object)  # frozenset of checked values, or None for all

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # elide
        self.itemChanged.connect(lambda _i: self.valuesChanged.emit(self.checked()))

    def populate(self, values: list[str], counts: dict[str, int]) -> None:
        with QSignalBlocker(self):
            self.clear()
            for v in values:
                item = QListWidgetItem(_count_label(v, counts.get(v, 0)))
                item.setData(Qt.ItemDataRole.UserRole, v)
                item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                item.setCheckState(CHECKED)
                self.addItem(item)
        self._fit_height()

    def set_counts(self, counts: dict[str, int]) -> None:
        """Events per value under the other filters."""
        with QSignalBlocker(self):
            for i in range(self.count()):
                item = self.item(i)
                v = item.data(Qt.ItemDataRole.UserRole)
                text = _count_label(v, counts.get(v, 0))
                if item.text() != text:
                    item.setText(text)

    def set_swatches(self, colours: dict[str, str] | None) -> None:
        """Each value's colour beside it when events are coloured by this list's values."""
        with QSignalBlocker(self):
            for i in range(self.count()):
                colour = (colours or {}).get(self.item(i).data(Qt.ItemDataRole.UserRole))
                self.item(i).setIcon(swatch(colour) if colour else QIcon())
        self._fit_height()  # a swatch can make a row taller

    def _fit_height(self) -> None:
        rows = max(1, min(self.count(), 8))
        self.setFixedHeight(rows * self.sizeHintForRow(0) + 2 * self.frameWidth() + 2)

    def checked(self) -> frozenset[str] | None:
        items = [self.item(i) for i in range(self.count())]
        on = {i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == CHECKED}
        return None if len(on) == len(items) else frozenset(on)

    def set_checked(self, values: frozenset[str] | None) -> None:
        with QSignalBlocker(self):
            for i in range(self.count()):
                item = self.item(i)
                on = values is None or item.data(Qt.ItemDataRole.UserRole) in values
                item.setCheckState(CHECKED if on else UNCHECKED)


class FiltersPanel(QWidget):
    """All the filters; reads and writes only the AppModel."""

    SEARCH_DELAY_MS = 200

    def __init__(self, model: AppModel, parent=None):
        super().__init__(parent)
        self.setObjectName("filters")
        self.model = model

        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search titles, actors, places… (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=self.SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textEdited.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._apply_search)

        self.actors = ActorTree(self)
        self.actors.setMinimumHeight(170)
        self.actor_search = QLineEdit(self)
        self.actor_search.setPlaceholderText("Find…")
        self.actor_search.setClearButtonEnabled(True)
        self.actor_search.textChanged.connect(self.actors.show_matching)
        all_btn = QPushButton("All", self)
        none_btn = QPushButton("None", self)
        all_btn.clicked.connect(lambda: self.model.update_filter(actors=None))
        none_btn.clicked.connect(lambda: self.model.update_filter(actors=frozenset()))
        self.actors.actorsChanged.connect(lambda ids: self.model.update_filter(actors=ids))
        self.actors.onlyRequested.connect(
            lambda ids, match: self.model.update_filter(actors=ids, actor_match=match)
        )
        # what unchecking an actor means: its events (as main actor) go, or an event stays
        # while any of its actors is checked
        self.match_main = QRadioButton("main actor", self)
        self.match_main.setObjectName("actor_match_main")
        self.match_main.setToolTip(
            "An event shows when its main actor is checked: unchecking an actor removes the "
            "events drawn in its colour."
        )
        self.match_involved = QRadioButton("any actor", self)
        self.match_involved.setObjectName("actor_match_involved")
        self.match_involved.setToolTip(
            "An event shows while any of its actors is checked: it goes only when all of "
            "them are unchecked."
        )
        self.match_main.setChecked(True)
        for button, match in ((self.match_main, "main"), (self.match_involved, "involved")):
            button.toggled.connect(
                lambda on, match=match: on and self.model.update_filter(actor_match=match)
            )

        self.categories = CheckList("categories", self)
        self.categories.valuesChanged.connect(lambda v: self.model.update_filter(categories=v))
        self.certainties = CheckList("certainties", self)
        self.certainties.valuesChanged.connect(lambda v: self.model.update_filter(certainties=v))

        self.date_from = QLineEdit(self)
        self.date_from.setObjectName("date_from")
        self.date_to = QLineEdit(self)
        self.date_to.setObjectName("date_to")
        for w, tip in ((self.date_from, "e.g. 2021"), (self.date_to, "e.g. 2023-06")):
            w.setPlaceholderText(tip)
            w.setToolTip("An EDTF date: 2021, 2021-06 or 2021-06-15")
            w.editingFinished.connect(self._apply_dates)
        clear_dates = QPushButton("Clear", self)
        clear_dates.clicked.connect(lambda: self.model.update_filter(window=None))
        self.date_error = QLabel(self)
        self.date_error.setTextFormat(Qt.TextFormat.PlainText)
        self.date_error.setStyleSheet("color: #D55E00")
        self.date_error.hide()

        self.summary = QLabel(self)
        self.summary.setObjectName("filter_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # actor names, search words

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search)
        box = QGroupBox("Actors", self)
        bl = QVBoxLayout(box)
        row = QHBoxLayout()
        row.addWidget(self.actor_search, 1)
        row.addWidget(all_btn)
        row.addWidget(none_btn)
        bl.addLayout(row)
        match_row = QHBoxLayout()
        match_row.addWidget(QLabel("Show by", self))
        match_row.addWidget(self.match_main)
        match_row.addWidget(self.match_involved)
        match_row.addStretch(1)
        bl.addLayout(match_row)
        bl.addWidget(self.actors, 1)
        layout.addWidget(box, 1)
        for title, w in (("Category", self.categories), ("Certainty", self.certainties)):
            g = QGroupBox(title, self)
            QVBoxLayout(g).addWidget(w)
            layout.addWidget(g)
        g = QGroupBox("Time window", self)
        grid = QGridLayout(g)
        grid.addWidget(QLabel("From"), 0, 0)
        grid.addWidget(self.date_from, 0, 1)
        grid.addWidget(QLabel("To"), 1, 0)
        grid.addWidget(self.date_to, 1, 1)
        grid.addWidget(clear_dates, 0, 2, 2, 1)
        grid.addWidget(self.date_error, 2, 0, 1, 3)
        layout.addWidget(g)
        layout.addWidget(self.summary)

        model.changed.connect(self._on_model_changed)
        self._populate()

    # ------------------------------------------------------------ model -> widgets

    def _populate(self) -> None:
        ds = self.model.dataset
        self.actors.populate(self.model)
        # the counts with nothing else filtered: the dataset's own, made once per dataset
        # (made in the loader's thread: views.prepared.filter_totals)
        self._totals: dict[str, Any] = filter_totals(ds)
        cats, certs = self._totals["categories"], self._totals["certainties"]
        self.categories.populate([c for c in ds.categories if c in cats], cats)
        self.certainties.populate([c for c in CERTAINTIES if c in certs], certs)
        self._swatches()
        self._sync()

    def _on_model_changed(self, change: Change) -> None:
        if change.dataset:
            self._populate()
        elif change.filter:
            self._sync()
        if change.colour:
            self._swatches()

    def _swatches(self) -> None:
        """The legend of View → Colour by where its values are listed: the states' colours
        (by main actor), or the categories' or certainties' own."""
        m = self.model
        scheme = m.colour_scheme
        colours = dict(zip(scheme.values, scheme.colours, strict=True))
        self.actors.set_swatches(m.dataset.palette if m.colour_by == ACTOR else None)
        self.categories.set_swatches(colours if m.colour_by == "category" else None)
        self.certainties.set_swatches(colours if m.colour_by == "certainty" else None)

    def _sync(self) -> None:
        f = self.model.filter
        m, ds = self.model, self.model.dataset
        self.actors.set_checked(f.actors)
        # each kind's values counted under the other kinds' filters (none: kept counts)
        rest = m.shown_except("actors")
        self.actors.set_counts(*(self._totals["actors"] if rest is None else ds.actor_tally(rest)))
        for kind, w, col in (("categories", self.categories, ds.events.category),
                             ("certainties", self.certainties, ds.events.certainty)):  # fmt: skip
            rest = m.shown_except(kind)
            w.set_counts(self._totals[kind] if rest is None else value_counts(col, rest))
        for button, match in ((self.match_main, "main"), (self.match_involved, "involved")):
            with QSignalBlocker(button):
                button.setChecked(f.actor_match == match)
        self.categories.set_checked(f.categories)
        self.certainties.set_checked(f.certainties)
        if not self.search.hasFocus() or self.search.text() != f.text:
            with QSignalBlocker(self.search):
                if self.search.text() != f.text:
                    self.search.setText(f.text)
        lo, hi = f.window if f.window else (None, None)
        for w, v in ((self.date_from, lo), (self.date_to, hi)):
            with QSignalBlocker(w):
                w.setText((iso_day(v) if v is not None else None) or "")
        text = f.describe(ds)
        if not m.all_shown and not len(m.shown_rows) and len(ds):
            text = "No event matches these filters. " + text
        self.summary.setText(text + "\n" + MATCH_WORDS[f.actor_match])

    # ------------------------------------------------------------ widgets -> model

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self.model.update_filter(text=self.search.text())

    def _apply_dates(self) -> None:
        bounds = []
        for w, upper in ((self.date_from, False), (self.date_to, True)):
            text = w.text().strip()
            if not text:
                bounds.append(None)
                continue
            try:
                d = FuzzyDate.parse(text)
            except EDTFError as exc:
                self.date_error.setText(str(exc))
                self.date_error.show()
                return
            bounds.append(d.upper if upper else d.lower)
        self.date_error.hide()
        lo, hi = bounds
        if lo is None and hi is None:
            window = None
        else:
            window = (float("-inf") if lo is None else lo, float("inf") if hi is None else hi)
        if window != self.model.filter.window:
            self.model.update_filter(window=window)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()


def _count_label(value: str, n: int) -> str:
    return f"{value}  ({n})"
