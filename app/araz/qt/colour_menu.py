"""View menu → Colour by (main actor, or a coded column) and Size by (a number).

The columns offered are the loaded dataset's (:func:`araz.model.colour_by.colour_columns`
and :func:`~araz.model.colour_by.size_columns`); the submenus are filled again when a
dataset loads.  The choices are the model's (``AppModel.colour_by``/``size_by``); they
are remembered in QSettings (``view/colour_by``, ``view/size_by``) for every dataset: a
dataset without the chosen column shows the main actor, and the next that has it shows
it again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from araz.model import AppModel, Change
from araz.model import colour_by as cb
from araz.qt import settings as app_settings

NONE = "none"  # Size by → None: one size for all


class ColourMenu(QObject):
    """The two submenus; ``colour_actions``/``size_actions`` by column (``"none"`` for
    one size), rebuilt on every dataset."""

    def __init__(self, parent: QWidget, menu: QMenu, model: AppModel):
        super().__init__(parent)
        self.model = model
        self.colour_menu = menu.addMenu("&Colour by")
        self.colour_menu.setObjectName("colour_by")
        self.size_menu = menu.addMenu("&Size by")
        self.size_menu.setObjectName("size_by")
        self.colour_actions: dict[str, QAction] = {}
        self.size_actions: dict[str, QAction] = {}
        s = app_settings.qsettings()
        with model.batch():
            model.set_colour_by(str(s.value("view/colour_by", cb.ACTOR) or cb.ACTOR))
            size = s.value("view/size_by", NONE)
            model.set_size_by(None if size in (None, "", NONE) else str(size))
        self._fill()
        model.changed.connect(self._on_model_changed)

    def _fill(self) -> None:
        m = self.model
        self.colour_actions = self._group(
            self.colour_menu, "colour_by", m.colour_columns(), m.colour_by, self._choose_colour
        )
        sizes = [NONE, *m.size_columns()]
        self.size_actions = self._group(
            self.size_menu, "size_by", sizes, m.size_by or NONE, self._choose_size
        )

    def _group(self, menu: QMenu, prefix: str, columns, current: str, slot) -> dict[str, QAction]:
        menu.clear()
        for old in menu.findChildren(QActionGroup):
            old.deleteLater()
        group = QActionGroup(menu)
        group.setExclusive(True)
        actions = {}
        for column in columns:
            text = "&None (one size)" if column == NONE else cb.label(column)
            act = QAction(text, menu)
            act.setObjectName(f"{prefix}_{column}")
            act.setCheckable(True)
            act.setChecked(column == current)
            act.triggered.connect(lambda _checked=False, c=column: slot(c))
            group.addAction(act)
            menu.addAction(act)
            actions[column] = act
        menu.setEnabled(len(columns) > 1)
        return actions

    def _choose_colour(self, column: str) -> None:
        app_settings.qsettings().setValue("view/colour_by", column)
        self.model.set_colour_by(column)

    def _choose_size(self, column: str) -> None:
        app_settings.qsettings().setValue("view/size_by", column)
        self.model.set_size_by(None if column == NONE else column)

    def _on_model_changed(self, change: Change) -> None:
        if change.dataset:
            self._fill()
        elif change.colour:
            m = self.model
            for column, act in self.colour_actions.items():
                act.setChecked(column == m.colour_by)
            for column, act in self.size_actions.items():
                act.setChecked(column == (m.size_by or NONE))
