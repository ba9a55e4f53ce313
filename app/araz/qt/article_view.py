"""The whole seed article with every shown event's sentence highlighted; the current one
is scrolled into view, and clicking a highlighted sentence selects its event."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QTextBrowser

from ..model import AppModel, Change
from ..views.source_text import article_html


class ArticleView(QTextBrowser):
    def __init__(self, model: AppModel, parent=None):
        super().__init__(parent)
        self.setObjectName("article")
        self.model = model
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor_clicked)
        self._stale = True
        model.changed.connect(self._on_model_changed)
        self._render()

    def _on_model_changed(self, change: Change) -> None:
        if change.dataset or change.filter or change.selection:
            if self.isVisible():
                self._render()
            else:
                self._stale = True  # a hidden tab: render when it is shown

    def showEvent(self, event) -> None:
        if self._stale:
            self._render()
        super().showEvent(event)

    def _render(self) -> None:
        self._stale = False
        m = self.model
        bar = self.verticalScrollBar().value()
        # the ids only where there is an article to mark (a million strings otherwise)
        shown = m.shown_ids() if m.dataset.seed is not None else []
        self.setHtml(article_html(m.dataset, shown, m.selection.active))
        if m.selection.active:
            self.scrollToAnchor(f"q-{m.selection.active}")
        else:
            self.verticalScrollBar().setValue(bar)

    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == "event":
            eid = url.path() or url.toString().removeprefix("event:")
            if eid in self.model.dataset.index:
                self.model.select([eid])
