"""Text from data shown by Qt as text, never as markup.

Qt guesses whether a tooltip is rich text (``Qt::mightBeRichText``), and rich text loads
``<img src>`` from local files: a title ``<img src="/dev/zero">`` ends the application on
hover.  Every tooltip that holds text from a file goes through :func:`plain_tooltip`;
every QLabel that does is ``Qt.PlainText`` (:func:`plain_label`).  Long texts are cut,
so that a megabyte title costs no more than a short one.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

TOOLTIP_CHARS = 1000  # a tooltip never shows more than this many characters of data
SHOWN_CHARS = 500  # a title or name in a panel: the rest is cut with "…"
SUMMARY_CHARS = 20_000  # a summary in the Event panel
WRAP_EVERY = 40  # a word longer than this gets break opportunities (zero-width spaces)
ZWSP = "\u200b"


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """The text cut to ``limit`` characters, "…" saying where."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def breakable(text: str, every: int = WRAP_EVERY) -> str:
    """The text with a zero-width space inside each unbroken run longer than ``every``
    characters, so that a layout can wrap it (linear in the text)."""
    if len(text) <= every or (" " in text and max(map(len, text.split())) <= every):
        return text
    out = []
    for word in text.split(" "):
        if len(word) > every:
            word = ZWSP.join(word[i : i + every] for i in range(0, len(word), every))
        out.append(word)
    return " ".join(out)


def plain_tooltip(text: str, limit: int = TOOLTIP_CHARS) -> str:
    """A tooltip that shows ``text`` as it is: escaped inside rich text (an escaped text
    alone would be taken as plain and show its entities), lines kept, long text cut."""
    if not text:
        return ""
    body = escape(breakable(shorten(text, limit)), quote=False).replace("\n", "<br>")
    return f"<qt>{body}</qt>"


def plain_label(label: QLabel) -> QLabel:
    """The label shows its text as plain text whatever it contains."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
