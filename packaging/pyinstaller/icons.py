"""Icons for the bundle, rendered at build time from ``resources/icons/araz.svg``.

Qt draws the SVG (QtSvg ships with PySide6) and writes ``.ico`` and ``.icns`` through its
image-format plugins (qico, qicns); Pillow is used instead when Qt lacks the plugin.
Only the Linux bundle is built and tested here; the Windows and macOS icons are untested.
"""

from __future__ import annotations

from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _render(svg: Path, size: int):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def make_icon(svg: Path, out: Path) -> Path | None:
    """Write ``out`` (.png, .ico or .icns) from the SVG; None when no writer could."""
    from PySide6.QtGui import QImageWriter

    out.parent.mkdir(parents=True, exist_ok=True)
    fmt = out.suffix.lstrip(".").lower()
    big = _render(svg, 256 if fmt == "ico" else 512)
    supported = {bytes(f.data()).decode() for f in QImageWriter.supportedImageFormats()}
    if fmt in supported and big.save(str(out), fmt.upper()):
        return out
    try:
        from PIL import Image
    except ImportError:
        return None
    png = out.with_suffix(".png")
    big.save(str(png), "PNG")
    with Image.open(png) as img:
        if fmt == "ico":
            img.save(out, sizes=[(s, s) for s in SIZES if s <= 256])
        else:
            img.save(out)
    return out
