"""The movement chart: one small SVG strip per key factor, drawn here (no chart library).

The strip is the rating scale 0..3 with the baseline (hollow circle), each progress review (small
dots) and the latest rating (filled, green when up, red when down, blue when unchanged), joined
by an arrow. Only presentation attributes and classes are used (no ``style`` attribute, no
script), so the markup passes the Content Security Policy and renders in WeasyPrint too. Each
strip carries a text alternative in <title>, and the page repeats the numbers as text.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from peerreview import formatting
from peerreview.framework.constants import rating_label, rating_score
from peerreview.i18n import gettext as _
from peerreview.i18n import ngettext

W, H = 320, 46
LEFT, RIGHT = 18, 302
TRACK_Y = 17
INK, MUTED, GRID = "#1b2430", "#5a6676", "#c3cbd6"
COLOURS = {"up": "#1e7a46", "down": "#a4262c", "same": "#1d4e89", "unknown": "#5a6676"}


def x_for(score: float) -> float:
    return LEFT + (RIGHT - LEFT) * score / 3


def describe(row) -> str:
    code = row.key_factor.code
    if row.baseline is None:
        base = _("no baseline rating")
    else:
        base = _("baseline %(rating)s", rating=rating_label(row.baseline))
    if row.latest is None:
        return _("%(code)s: %(baseline)s; not re-rated yet.", code=code, baseline=base)
    latest = _("latest %(rating)s (%(day)s)", rating=rating_label(row.latest),
               day=formatting.day(row.latest_on))
    d = row.delta
    if d is None:
        return _("%(code)s: %(baseline)s, %(latest)s.", code=code, baseline=base, latest=latest)
    if d > 0:
        return ngettext("%(code)s: %(baseline)s, %(latest)s, up %(num)d level.",
                        "%(code)s: %(baseline)s, %(latest)s, up %(num)d levels.", d,
                        code=code, baseline=base, latest=latest)
    if d < 0:
        return ngettext("%(code)s: %(baseline)s, %(latest)s, down %(num)d level.",
                        "%(code)s: %(baseline)s, %(latest)s, down %(num)d levels.", -d,
                        code=code, baseline=base, latest=latest)
    return _("%(code)s: %(baseline)s, %(latest)s, no change.", code=code, baseline=base, latest=latest)


def strip(row, *, ident: str) -> Markup:
    """The SVG strip of one key factor's movement (``ident`` makes the title id unique)."""
    title_id = f"mv-title-{escape(ident)}"
    colour = COLOURS[row.direction]
    parts = [f'<svg class="mv-strip mv-{row.direction}" viewBox="0 0 {W} {H}" width="100%" '
             f'preserveAspectRatio="xMinYMid meet" role="img" aria-labelledby="{title_id}" '
             f'xmlns="http://www.w3.org/2000/svg" font-family="Report Sans, sans-serif">',
             f'<title id="{title_id}">{escape(describe(row))}</title>',
             f'<line x1="{LEFT}" y1="{TRACK_Y}" x2="{RIGHT}" y2="{TRACK_Y}" stroke="{GRID}" stroke-width="2"/>']
    for score in range(4):
        x = x_for(score)
        parts.append(f'<line x1="{x:.1f}" y1="{TRACK_Y - 5}" x2="{x:.1f}" y2="{TRACK_Y + 5}" '
                     f'stroke="{GRID}" stroke-width="2"/>')
        parts.append(f'<text x="{x:.1f}" y="{H - 4}" text-anchor="middle" font-size="12" '
                     f'fill="{MUTED}">{score}</text>')
    base = rating_score(row.baseline)
    latest = rating_score(row.latest)
    # the reviews in between, as small dots
    for day, value in row.points:
        s = rating_score(value)
        if day == row.latest_on:
            continue
        if s is not None:
            parts.append(f'<circle cx="{x_for(s):.1f}" cy="{TRACK_Y}" r="3" fill="{MUTED}" '
                         f'class="mv-point"/>')
    if base is not None and latest is not None and latest != base:
        x1, x2 = x_for(base), x_for(latest)
        sign = 1 if x2 > x1 else -1
        tip = x2 - sign * 9
        parts.append(f'<line x1="{x1 + sign * 7:.1f}" y1="{TRACK_Y}" x2="{tip:.1f}" y2="{TRACK_Y}" '
                     f'stroke="{colour}" stroke-width="3"/>')
        parts.append(f'<polygon points="{tip:.1f},{TRACK_Y - 5} {tip + sign * 6:.1f},{TRACK_Y} '
                     f'{tip:.1f},{TRACK_Y + 5}" fill="{colour}"/>')
    if base is not None:
        parts.append(f'<circle cx="{x_for(base):.1f}" cy="{TRACK_Y}" r="6.5" fill="#ffffff" '
                     f'stroke="{INK}" stroke-width="2" class="mv-baseline"/>')
    if latest is not None:
        parts.append(f'<circle cx="{x_for(latest):.1f}" cy="{TRACK_Y}" r="{5 if latest == base else 7}" '
                     f'fill="{colour}" class="mv-latest"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def legend() -> Markup:
    """A small key to the strips' symbols, in the page's language (each label as wide as its
    text, so a long word does not run into the next symbol)."""
    from html import escape

    from peerreview.i18n import gettext as _

    symbols = [
        (f'<circle cx="{{x}}" cy="10" r="6" fill="#ffffff" stroke="{INK}" stroke-width="2"/>', _("baseline")),
        (f'<circle cx="{{x}}" cy="10" r="3" fill="{MUTED}"/>', _("earlier review")),
        (f'<circle cx="{{x}}" cy="10" r="6" fill="{COLOURS["up"]}"/>', _("latest rating")),
    ]
    parts, x = [], 2
    for symbol, label in symbols:
        parts.append(symbol.format(x=x + 6))
        parts.append(f'<text x="{x + 18}" y="14" font-size="11" fill="{INK}">{escape(label)}</text>')
        x += 18 + round(6.4 * len(label)) + 16
    title = _("Key: hollow circle baseline, small dot an earlier progress review, filled circle the latest rating.")
    return Markup(
        f'<svg class="mv-legend" viewBox="0 0 {x} 20" width="{x}" height="20" role="img" '
        f'aria-labelledby="mv-legend-title" xmlns="http://www.w3.org/2000/svg" font-family="Report Sans, sans-serif">'
        f'<title id="mv-legend-title">{escape(title)}</title>' + "".join(parts) + "</svg>")
