"""The implementation chart: one bar per scope (the network, a theme, a city), drawn here.

Each bar is the scope's recommendations at 100%, split into done, in progress, not started,
not accepted and no response yet. The SVG is decorative for screen readers beyond its title
and summary: the page puts the same numbers in a table next to it. Only presentation
attributes are used (no ``style``), so the markup passes the Content Security Policy.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l

WIDTH = 640
LABEL_W = 215
BAR_X = LABEL_W + 10
BAR_W = WIDTH - BAR_X - 10
BAR_H = 16
ROW_H = 26
TOP = 8
INK, MUTED, LINE = "#1b2430", "#5a6676", "#d5dbe3"
SEGMENTS = [("done", _l("Done"), "#1e7a46"), ("in_progress", _l("In progress"), "#e8a33d"),
            ("not_started", _l("Not started"), "#b9c7d8"),
            ("not_accepted", _l("Not accepted"), "#a4262c"),
            ("none", _l("No response yet"), "#ffffff")]


def _values(counts) -> dict[str, int]:
    """The number in each segment of a scope's bar."""
    committed = counts.committed
    started = counts.progress["done"] + counts.progress["in_progress"]
    return {"done": counts.progress["done"], "in_progress": counts.progress["in_progress"],
            "not_started": max(committed - started, 0),
            "not_accepted": counts.responses["not_accepted"], "none": counts.responses["none"]}


def parts(counts) -> list[tuple[str, str, str, int]]:
    """(key, label, colour, number) of each segment of a scope's bar."""
    values = _values(counts)
    return [(k, str(label), colour, values[k]) for k, label, colour in SEGMENTS]


def _segment_title(scope: str, value: int, label: str) -> str:
    # Translators: the tooltip of a bar segment: "Ghent: 3 done", "The network: 2 not started"
    return _("%(scope)s: %(num)d %(status)s", scope=scope, num=value, status=label.lower())


def _short(text: str, limit: int = 36) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bars_svg(rows: list, *, title: str, ident: str = "impl") -> Markup:
    """The chart of ``rows`` (figures.Counts); ``ident`` keeps ids unique on a page."""
    height = TOP + ROW_H * len(rows) + 34
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="impl-chart" viewBox="0 0 {WIDTH} {height}" '
           f'width="100%" role="img" aria-labelledby="{ident}-title {ident}-desc" '
           f'font-family="sans-serif">',
           f'<title id="{ident}-title">{escape(title)}</title>',
           f'<desc id="{ident}-desc">'
           + escape(_("Each bar is %(share)d%% of the recommendations; the table that follows "
                      "gives the numbers.", share=100)) + '</desc>']
    # the segments' labels, translated once for every bar
    segments = [(key, str(label), colour) for key, label, colour in SEGMENTS]
    for n, row in enumerate(rows):
        y = TOP + n * ROW_H
        out.append(f'<text x="{LABEL_W}" y="{y + BAR_H - 4}" text-anchor="end" font-size="11" '
                   f'fill="{INK}">{escape(_short(row.label))}</text>')
        total = row.total or 1
        x = float(BAR_X)
        values = _values(row)
        for key, label, colour in segments:
            value = values[key]
            if not value:
                continue
            w = BAR_W * value / total
            title = _segment_title(row.label, value, label)
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_H}" fill="{colour}" '
                       f'stroke="{LINE if key == "none" else colour}" stroke-width="1">'
                       f'<title>{escape(title)}</title></rect>')
            if w >= 18:
                fill = "#ffffff" if key in ("done", "not_accepted") else INK
                out.append(f'<text x="{x + w / 2:.1f}" y="{y + BAR_H - 4}" text-anchor="middle" '
                           f'font-size="10" fill="{fill}">{value}</text>')
            x += w
    ly = height - 14
    lx = 0
    for key, label, colour in SEGMENTS:
        label = str(label)
        out.append(f'<rect x="{lx}" y="{ly - 9}" width="11" height="11" fill="{colour}" '
                   f'stroke="{LINE if key == "none" else colour}"/>')
        out.append(f'<text x="{lx + 15}" y="{ly}" font-size="10" fill="{INK}">{escape(label)}</text>')
        lx += 15 + 7 * len(label) + 14
    out.append("</svg>")
    return Markup("\n".join(out))
