"""Icons drawn by Qt: the launcher's PNG icons from our SVG (QtSvg ships with PySide6)."""

from __future__ import annotations

from pathlib import Path


def render_svg_png(svg: Path, size: int, out: Path) -> None:
    """Render the SVG to a square PNG with Qt (QtSvg ships with PySide6)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"not a valid SVG: {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(out), "PNG"):
        raise OSError(f"cannot write {out}")
