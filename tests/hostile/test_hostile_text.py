"""Text from data files is shown as text by the Qt widgets: tooltips, labels, panels; and
no view takes quadratic time on hostile sizes.  (The map page's escaping is in
tests/test_hostile.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QHelpEvent, QTextDocument
from PySide6.QtWidgets import QApplication, QToolTip

pytestmark = pytest.mark.gui
HERE = Path(__file__).parent
TIMEOUT = 30_000
BOLD = "<b>bold</b>"
ZERO = '<img src="/dev/zero">'  # rich text would read the device: std::bad_alloc


def open_file(qtbot, window, path: Path) -> None:
    with qtbot.waitSignal(window.loadFinished, timeout=TIMEOUT):
        window.open_path(path)


def hover(widget, pos: QPoint) -> str:
    """What the tooltip shows when the pointer rests at pos: its text as a person reads
    it (the tooltip's own rich-text rendering, or the text itself when plain)."""
    QToolTip.hideText()
    QApplication.sendEvent(
        widget, QHelpEvent(QHelpEvent.Type.ToolTip, pos, widget.mapToGlobal(pos))
    )
    shown = QToolTip.text()
    assert shown, "no tooltip"
    if Qt_might_be_rich(shown):
        doc = QTextDocument()
        doc.setHtml(shown)
        return doc.toPlainText()
    return shown


def Qt_might_be_rich(text: str) -> bool:
    from PySide6.QtGui import Qt as QtGui

    return QtGui.mightBeRichText(text)


@pytest.fixture
def tags_window(qtbot, main_window):
    open_file(qtbot, main_window, HERE / "text_tags.geojson")
    assert {e.title for e in main_window.model.dataset.events} == {BOLD, ZERO}
    return main_window


def table_tooltip(window, title: str, column: int) -> str:
    window.docks["Events"].show()
    window.docks["Events"].raise_()
    table, model = window.table, window.table_model
    eid = next(e.id for e in window.model.dataset.events if e.title == title)
    index = model.index(model.row_of(eid), column)
    table.scrollTo(index)
    return hover(table.viewport(), table.visualRect(index).center())


def test_table_tooltips_show_titles_and_actors_as_text(qtbot, tags_window):
    w = tags_window
    assert table_tooltip(w, BOLD, 1) == BOLD
    assert table_tooltip(w, BOLD, 2) == ZERO  # its actor
    assert table_tooltip(w, ZERO, 1) == ZERO  # and the window is still here
    assert table_tooltip(w, ZERO, 2) == BOLD


def test_actor_tree_tooltips_show_names_as_text(qtbot, tags_window):
    tree = tags_window.filters.actors
    items = {
        tree.topLevelItem(i).text(0): tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
    }
    for name in (BOLD, ZERO):
        rect = tree.visualItemRect(items[name])
        assert hover(tree.viewport(), rect.center()).startswith(name + " (")


def test_panels_and_labels_show_data_as_text(qtbot, tags_window):
    w = tags_window
    for title in (BOLD, ZERO):
        eid = next(e.id for e in w.model.dataset.events if e.title == title)
        w.model.select([eid])
        assert w.detail.text().splitlines()[0].endswith(title)
    # the filter summary names the actors and the search words as they are
    w.model.update_filter(text=BOLD)
    assert BOLD in w.filters.summary.text()
    from PySide6.QtCore import Qt

    assert w.filters.summary.textFormat() == Qt.TextFormat.PlainText


def test_mapping_dialog_shows_the_file_name_as_text(qtbot, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from araz.qt.mapping_dialog import GeoJSONMappingDialog

    path = tmp_path / '<img src="x.png"><b>bold.geojson'
    guess = {"properties": ["<b>when</b>"], "features": 1}
    dialog = GeoJSONMappingDialog(path, guess)
    qtbot.addWidget(dialog)
    labels = [lab for lab in dialog.findChildren(QLabel) if path.name in lab.text()]
    assert labels and all(lab.textFormat() == Qt.TextFormat.PlainText for lab in labels)
    assert dialog.date.findText("<b>when</b>") >= 0
