"""The timeline's input handling, a mixin of :class:`TimelineView`: mouse (brush,
overview, drag to pan, click to select or fold a lane), wheel, keyboard stepping,
tooltips, hover and cursor shapes."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QToolTip

from araz.qt.text import plain_tooltip
from araz.qt.timeline import render
from araz.qt.timeline.geometry import AXIS_H, GUTTER_W

EDGE_PX = 5.0  # grab distance of a brush edge
DRAG_PX = 4.0  # movement before a press becomes a drag
KEY_ZOOM = 1.5


class TimelineInput:
    """Mouse, wheel, keyboard and tooltip events of
    :class:`~araz.qt.timeline.view.TimelineView` (a mixin: it emits the view's signals)."""

    # ------------------------------------------------------------ events

    def event(self, ev: QEvent) -> bool:
        if (
            ev.type() == QEvent.Type.ShortcutOverride
            and ev.key() == Qt.Key.Key_Escape
            and (self._window is not None or self._drag)
        ):
            ev.accept()  # Esc clears the brush here before any window-wide Esc shortcut
            return True
        if ev.type() == QEvent.Type.ToolTip and ev.pos().x() < GUTTER_W:
            lane = self.lane_at(ev.pos().y())
            key = self.lanes().keys[lane] if lane is not None else None
            if key is None:
                QToolTip.hideText()
                return True
            note = self._lane_notes.get(key, "")
            hint = (
                "Click to unfold the lane" if key in self._collapsed else "Click to fold the lane"
            )
            QToolTip.showText(
                ev.globalPos(), plain_tooltip(f"{note}\n{hint}" if note else hint), self
            )
            return True
        if ev.type() == QEvent.Type.ToolTip:
            row = self.row_at(QPointF(ev.pos()))
            if row is None:
                QToolTip.hideText()
                ev.ignore()
            else:
                density = self.frame().density
                picked = self.density_pick(QPointF(ev.pos())) if density else None
                more = picked[1] - 1 if picked else 0
                QToolTip.showText(ev.globalPos(), self._tooltip_html(row, more), self)
            return True
        if (
            ev.type() == QEvent.Type.NativeGesture
            and ev.gestureType() == Qt.NativeGestureType.ZoomNativeGesture
        ):
            self._zoom(1.0 / max(1.0 + ev.value(), 0.1), ev.position().x())
            return True
        return super().event(ev)

    def _tooltip_html(self, row: int, more: int = 0) -> str:
        """The plain-text tooltip, escaped, in a rich-text wrapper (no markup gets through);
        ``more``: how many other events lie as close (in the density strips)."""
        text = plain_tooltip(self._data.tooltip[row]) or "<qt></qt>"
        if more:  # inside the <qt> wrapper, after the escaped data
            text = text[: -len("</qt>")]
            text += f"<br><i>and {more:,} more here: zoom in to tell them apart</i></qt>"
        return text

    def mousePressEvent(self, ev: QMouseEvent) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(ev)
        pos = ev.position()
        drag = {"start": pos, "last": pos, "moved": False, "brush": None, "mods": ev.modifiers()}
        if self.overview_rect().contains(pos):
            drag.update(self._overview_grab(pos))
        elif pos.y() < AXIS_H and pos.x() >= GUTTER_W:
            box = self.clear_box()
            if box is not None and box.adjusted(-2, -2, 2, 2).contains(pos):
                self._clear_brush()
                return
            drag.update(self._brush_grab(pos.x()))
        else:
            drag["mode"] = "press"
        self._drag = drag

    def _brush_grab(self, x: float) -> dict:
        day = self.day_for_x(x)
        span = self.brush_span()
        if span is not None:
            a, b = self.x_for_day(span[0]), self.x_for_day(span[1])
            if abs(x - a) <= EDGE_PX:
                return {"mode": "brush", "anchor": span[1], "brush": self._window}
            if abs(x - b) <= EDGE_PX:
                return {"mode": "brush", "anchor": span[0], "brush": self._window}
            if a < x < b:
                return {"mode": "move_brush", "grab": day, "orig": span, "brush": self._window}
        return {"mode": "brush", "anchor": float(round(day)), "brush": None}

    def mouseMoveEvent(self, ev: QMouseEvent) -> None:
        pos = ev.position()
        drag = self._drag
        if drag is None or not (ev.buttons() & Qt.MouseButton.LeftButton):
            self._update_hover(pos)
            self._update_cursor(pos)
            return
        if (pos - drag["start"]).manhattanLength() >= DRAG_PX:
            drag["moved"] = True
        mode = drag["mode"]
        if mode == "overview":
            day = self._overview_day(pos.x()) - drag["grab"]
            self._set_range(day, day + (self._hi - self._lo), emit=True)
        elif mode == "overview_edge":
            lo, hi = sorted((drag["anchor"], self._overview_day(pos.x())))
            self._set_range(lo, hi, emit=True)
        elif mode == "brush" and drag["moved"]:
            a, b = sorted((drag["anchor"], float(round(self.day_for_x(pos.x())))))
            drag["brush"] = (a, max(b - 1.0, a))
            self.windowBrushing.emit(*drag["brush"])
            self.update()
        elif mode == "move_brush":
            shift = round(self.day_for_x(pos.x()) - drag["grab"])
            a, b = drag["orig"]
            drag["brush"] = (a + shift, b - 1.0 + shift)
            self.windowBrushing.emit(*drag["brush"])
            self.update()
        elif mode == "press" and drag["moved"]:
            delta = pos - drag["last"]
            self._pan_px(delta.x())
            self._scroll_v(-delta.y())
        drag["last"] = pos

    def mouseReleaseEvent(self, ev: QMouseEvent) -> None:
        drag, self._drag = self._drag, None
        if drag is None or ev.button() != Qt.MouseButton.LeftButton:
            return super().mouseReleaseEvent(ev)
        mode = drag["mode"]
        if mode in ("brush", "move_brush") and drag["moved"] and drag["brush"] is not None:
            self._window = drag["brush"]
            self.windowBrushed.emit(drag["brush"])
            self.update()
        elif mode == "press" and not drag["moved"] and ev.position().x() < GUTTER_W:
            lane = self.lane_at(ev.position().y())  # a click on a lane's name folds it
            if lane is not None:
                self.toggle_lane(self.lanes().keys[lane])
        elif mode == "press" and not drag["moved"]:
            row = self.row_at(ev.position())
            additive = bool(ev.modifiers() & Qt.KeyboardModifier.ControlModifier)
            if row is not None:
                self.selectionRequested.emit([self._data.ids[row]], additive)
            elif not additive:
                self.selectionRequested.emit([], False)
        else:
            self.update()

    def mouseDoubleClickEvent(self, ev: QMouseEvent) -> None:
        pos = ev.position()
        span = self.brush_span()
        on_axis = pos.y() < AXIS_H and pos.x() >= GUTTER_W
        in_brush = span is not None and self.x_for_day(span[0]) <= pos.x() <= self.x_for_day(
            span[1]
        )
        if span is not None and (on_axis or in_brush) and self.row_at(pos) is None:
            self._clear_brush()
            return
        super().mouseDoubleClickEvent(ev)

    def leaveEvent(self, ev: QEvent) -> None:
        if self._hover is not None:
            self._hover = None
            self.hovered.emit("")
            self.update()
        super().leaveEvent(ev)

    def wheelEvent(self, ev: QWheelEvent) -> None:
        delta = ev.angleDelta()
        dx, dy = float(delta.x()), float(delta.y())
        mods = ev.modifiers()
        pos = ev.position()
        if mods & Qt.KeyboardModifier.ShiftModifier:
            self._pan_px((dy or dx) / 2.0)
        elif abs(dx) > abs(dy):
            self._pan_px(dx / 2.0)
        elif pos.x() < GUTTER_W or mods & Qt.KeyboardModifier.AltModifier:
            self._scroll_v(-dy / 2.0)
        elif dy:
            self._zoom(2.0 ** (-dy / 240.0), pos.x())
        ev.accept()

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        key, mods = ev.key(), ev.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        center = self.plot_rect().center().x()
        if ev.matches(QKeySequence.StandardKey.ZoomIn) or (
            ctrl and key in (Qt.Key.Key_Equal, Qt.Key.Key_Plus)
        ):
            self._zoom(1 / KEY_ZOOM, center)
        elif ev.matches(QKeySequence.StandardKey.ZoomOut) or (ctrl and key == Qt.Key.Key_Minus):
            self._zoom(KEY_ZOOM, center)
        elif ctrl and key == Qt.Key.Key_0:
            self.fit_all()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End):
            self._step(key)
        elif key == Qt.Key.Key_Escape and (self._window is not None or self._drag):
            self._drag = None
            self._clear_brush()
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            sign = 1.0 if key == Qt.Key.Key_PageDown else -1.0
            self._scroll_v(sign * self.plot_rect().height() * 0.8)
        else:
            super().keyPressEvent(ev)

    # ------------------------------------------------------------ gestures

    def _step(self, key: int) -> None:
        """Move the active event to the previous / next / first / last visible event."""
        n = len(self._data)
        ok = np.ones(n, dtype=bool) if self._mask is None else self._mask
        candidates = np.flatnonzero(ok)
        if not len(candidates):
            return
        cur = self.active_row()
        if key == Qt.Key.Key_Home:
            row = candidates[0]
        elif key == Qt.Key.Key_End:
            row = candidates[-1]
        elif cur is None:
            in_view = self.visible_rows()
            pool = in_view if len(in_view) else candidates
            row = pool[0] if key == Qt.Key.Key_Right else pool[-1]
        elif key == Qt.Key.Key_Right:
            i = int(np.searchsorted(candidates, cur, "right"))
            if i >= len(candidates):
                return
            row = candidates[i]
        else:
            i = int(np.searchsorted(candidates, cur, "left")) - 1
            if i < 0:
                return
            row = candidates[i]
        row = int(row)
        self._active = self._data.ids[row]
        self._ensure_visible(row)
        self.update()
        self.activeStepped.emit(self._data.ids[row])

    def _clear_brush(self) -> None:
        self._window = None
        self.update()
        self.windowBrushed.emit(None)

    def _overview_day(self, x: float) -> float:
        r = self.overview_rect()
        lo, hi = self._full_range()
        return lo + (x - r.left()) / r.width() * (hi - lo)

    def _overview_grab(self, pos: QPointF) -> dict:
        """A press on the overview: a grip resizes the window, inside it moves it as it is,
        elsewhere it first centres the window on the press."""
        left, right = render.overview_handles(self)
        if left.adjusted(-2, -4, 2, 4).contains(pos):
            return {"mode": "overview_edge", "anchor": self._hi}
        if right.adjusted(-2, -4, 2, 4).contains(pos):
            return {"mode": "overview_edge", "anchor": self._lo}
        a, b = self.overview_window()
        if not a <= pos.x() <= b:
            day = self._overview_day(pos.x())
            span = self._hi - self._lo
            self._set_range(day - span / 2, day + span / 2, emit=True)
        return {"mode": "overview", "grab": self._overview_day(pos.x()) - self._lo}

    def _update_hover(self, pos: QPointF) -> None:
        row = self.row_at(pos)
        new = None if row is None else self._data.ids[row]
        if new != self._hover:
            self._hover = new
            self.hovered.emit(new or "")
            self.update()

    def _update_cursor(self, pos: QPointF) -> None:
        shape = Qt.CursorShape.ArrowCursor
        if self.overview_rect().contains(pos):
            left, right = render.overview_handles(self)
            a, b = self.overview_window()
            if any(g.adjusted(-2, -4, 2, 4).contains(pos) for g in (left, right)):
                shape = Qt.CursorShape.SizeHorCursor
            elif a <= pos.x() <= b:
                shape = Qt.CursorShape.OpenHandCursor
        elif pos.y() < AXIS_H and pos.x() >= GUTTER_W:
            shape = Qt.CursorShape.IBeamCursor
            span = self.brush_span()
            if span is not None:
                a, b = self.x_for_day(span[0]), self.x_for_day(span[1])
                if min(abs(pos.x() - a), abs(pos.x() - b)) <= EDGE_PX:
                    shape = Qt.CursorShape.SizeHorCursor
                elif a < pos.x() < b:
                    shape = Qt.CursorShape.OpenHandCursor
        elif self._hover is not None or (pos.x() < GUTTER_W and self.lane_at(pos.y()) is not None):
            shape = Qt.CursorShape.PointingHandCursor
        self.setCursor(shape)

    def focusInEvent(self, ev) -> None:
        self.update()  # the focus frame
        super().focusInEvent(ev)

    def focusOutEvent(self, ev) -> None:
        self.update()
        super().focusOutEvent(ev)

    def resizeEvent(self, ev) -> None:
        self._sync_scrollbar()
        super().resizeEvent(ev)
