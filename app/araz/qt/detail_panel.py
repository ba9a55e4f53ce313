"""The selected event on the right: what, when (and how sure), who, where, and the
article's own sentence highlighted inside its paragraph."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QGuiApplication, QTextOption
from PySide6.QtWidgets import QPushButton, QTextBrowser, QVBoxLayout, QWidget

from ..model import AppModel, Change
from ..views.source_text import by_paragraph, paragraph_of, paragraphs, quote_spans, render
from .text import SUMMARY_CHARS, shorten

MAX_LISTED = 50  # actors or places of one event listed; then "and N more"
BASIS = {
    "seed": "date as the article gives it",
    "inferred": "the article gives no date; inferred from its context",
    "record": "date from the public record",
    "source": "date from the source file",
}
CERTAINTY = {
    "reported": "reported",
    "claimed": "claimed (“It is also known that…”)",
    "speculative": "speculative (“It is feared…”)",
}


SHOWN_EXTRA = ("source", "fatalities")  # shown in the table above the fields
MAX_FIELDS = 60  # fields of one event listed; then "and N more"
FIELD_CHARS = 300
COPY_LINK = "copy-link:"  # an anchor's scheme: copies field N's link, never loads it
_URL_STARTS = ("http://", "https://", "ftp://", "www.")


def link_of(value: object) -> str | None:
    """The link a field's value is (text starting http://, https://, ftp:// or www.,
    without spaces), or None."""
    if not isinstance(value, str):
        return None
    v = value.strip()
    if v.lower().startswith(_URL_STARTS) and not any(c.isspace() for c in v) and len(v) < 4096:
        return v
    return None


def field_rows(extra: dict) -> list[tuple[str, str, str | None]]:
    """(name, value as text, the link to copy or None) for the fields of an event that
    Araz does not map, in the file's order."""
    rows = []
    for key, value in extra.items():
        if key in SHOWN_EXTRA or value is None or value == "":
            continue
        if len(rows) == MAX_FIELDS:
            break
        shown = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        rows.append((str(key), shown, link_of(value)))
    return rows


def text(value: str, limit: int = 500) -> str:
    """Data as HTML text: escaped and cut to ``limit`` characters (the layout of one
    unbroken megabyte title took minutes)."""
    return escape(shorten(value, limit))


def event_html(model: AppModel, event_id: str) -> str:
    ds = model.dataset
    e = ds.event(event_id)
    scheme = model.colour_scheme  # the map's colour (View → Colour by)
    colour = scheme.palette()[int(scheme.codes[ds.index[event_id]])]
    out = [
        f'<h3 style="margin-bottom:2px"><span style="color:{colour}">●</span> {text(e.title)}</h3>'
    ]
    if e.date is not None:
        d = e.date
        basis = BASIS.get(d.basis, d.basis)
        if d.basis == "seed" and d.note:
            basis = "date from the article's words"
        out.append(
            f"<p><b>{text(d.display)}</b><br>"
            f"<small>precision: {text(d.value.precision)} · EDTF "
            f"<code>{text(d.edtf)}</code> · {text(basis)}"
            + (f": {text(d.note)}" if d.note else "")
            + "</small></p>"
        )
    else:
        out.append("<p><b>No date</b></p>")
    if e.summary:
        out.append(f"<p>{text(e.summary, SUMMARY_CHARS)}</p>")
    rows = []
    if e.actors:
        names = []
        for a in e.actors[:MAX_LISTED]:
            actor = ds.actors.get(a)
            if actor is None:
                names.append(text(a))
                continue
            state = ds.actors.get(actor.state) if actor.state else None
            extra = f" ({text(actor.kind)}, {text(state.name)})" if state else ""
            names.append(text(actor.name) + extra)
        if len(e.actors) > MAX_LISTED:
            names.append(f"<i>and {len(e.actors) - MAX_LISTED:,} more</i>")
        rows.append(("Actors", "<br>".join(names)))
    if e.places:
        items = []
        for ref in e.places[:MAX_LISTED]:
            p = ds.places.get(ref.place)
            if p is None:
                continue
            bits = text(p.name)
            where = [*p.within, p.country] if p.country else list(p.within)
            if where:
                bits += f" — {text(', '.join(where))}"
            if ref.role:
                bits += f" <small>({text(ref.role)})</small>"
            if p.radius_m:
                bits += f" <small>(within ± {p.radius_m / 1000:g} km)</small>"
            items.append(bits)
        if len(e.places) > MAX_LISTED:
            items.append(f"<i>and {len(e.places) - MAX_LISTED:,} more</i>")
        rows.append(("Places", "<br>".join(items)))
    else:
        rows.append(("Places", "<i>no place: not on the map</i>"))
    if e.category:
        rows.append(("Category", text(e.category)))
    certainty = CERTAINTY.get(e.certainty, e.certainty)
    if e.certainty == "reported" and ds.seed is not None:
        certainty = "reported by the article"
    rows.append(("Certainty", text(certainty)))
    for key in SHOWN_EXTRA:
        if key in e.extra and e.extra[key] not in (None, ""):
            rows.append((key.capitalize(), text(str(e.extra[key]))))
    out.append("<table cellspacing=2>")
    for k, v in rows:
        out.append(f'<tr><td valign="top"><b>{k}</b>&nbsp;</td><td>{v}</td></tr>')
    out.append("</table>")
    fields = field_rows(e.extra)
    if fields:
        # the file's other fields, as text; a link is never loaded, only copied
        out.append("<p><b>Fields</b></p><table cellspacing=2>")
        for i, (key, value, url) in enumerate(fields):
            cell = text(value, FIELD_CHARS)
            if url is not None:
                cell += f' &nbsp;<a href="{COPY_LINK}{i}">Copy link</a>'
            out.append(
                f'<tr><td valign="top"><small>{text(key, 80)}</small>&nbsp;</td>'
                f"<td><small>{cell}</small></td></tr>"
            )
        more = sum(1 for k in e.extra if k not in SHOWN_EXTRA) - len(fields)
        if more > 0:
            out.append(f"<tr><td></td><td><i>and {more:,} more</i></td></tr>")
        out.append("</table>")
    seed = ds.seed
    if seed is not None and e.quotes:
        paras = paragraphs(seed.text)
        spans = by_paragraph(paras, quote_spans(ds, [e.id]))
        out.append("<p><b>In the article</b></p>")
        ks = (paragraph_of(paras, q.start) for q in e.quotes)
        for k in dict.fromkeys(k for k in ks if k is not None):  # each paragraph once
            s, t = paras[k]
            html = render(seed.text, s, t, spans[k], e.id, links=False)
            out.append(f'<blockquote style="margin-left:8px">{html}</blockquote>')
    return "\n".join(out)


class DetailPanel(QWidget):
    """Shows the model's active event; asks for the article view."""

    showArticleRequested = Signal()
    linkCopied = Signal(str)  # the link a "Copy link" put on the clipboard

    def __init__(self, model: AppModel, parent=None):
        super().__init__(parent)
        self.setObjectName("detail")
        self.model = model
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("detail_text")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.anchorClicked.connect(self._on_anchor_clicked)
        self._links: list[str | None] = []  # per field of the shown event: its link
        # a long unbroken word wraps where it must, and the text stays as it is
        self.browser.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.article_button = QPushButton("Show in article", self)
        self.article_button.setObjectName("show_in_article")
        self.article_button.clicked.connect(self.showArticleRequested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.article_button)
        model.changed.connect(self._on_model_changed)
        self._render()

    def _on_model_changed(self, change: Change) -> None:
        if change.selection or change.dataset or change.colour:
            self._render()

    def _render(self) -> None:
        active = self.model.selection.active
        has_seed = self.model.dataset.seed is not None
        self.article_button.setEnabled(has_seed)
        if active is None:
            n = len(self.model.selection.ids)
            hint = (
                f"{n} events selected."
                if n > 1
                else "Select an event on the map, the timeline or the table to read it "
                "here with the article's own words."
            )
            self.browser.setHtml(f"<p style='color:gray'>{hint}</p>")
            return
        self._links = [url for _, _, url in field_rows(self.model.dataset.event(active).extra)]
        self.browser.setHtml(event_html(self.model, active))

    def _on_anchor_clicked(self, url: QUrl) -> None:
        """A "Copy link": the field's link goes to the clipboard as text; nothing is
        loaded (the browser opens no link)."""
        href = url.toString()
        if not href.startswith(COPY_LINK):
            return
        try:
            link = self._links[int(href[len(COPY_LINK) :])]
        except (ValueError, IndexError):
            return
        if link is not None:
            QGuiApplication.clipboard().setText(link)
            self.linkCopied.emit(link)

    def text(self) -> str:
        return self.browser.toPlainText()
