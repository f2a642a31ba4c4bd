"""The ratings chart of the report: the host's self-rating and the team's rating per key
factor, as an inline SVG drawn here (no chart library).

Only presentation attributes are used (no ``style`` attributes), so the same markup works in
the PDF and in the HTML preview under the Content Security Policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from peerreview.framework.constants import NOT_ENOUGH_EVIDENCE, rating_label, rating_score
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l

WIDTH = 640
LABEL_W = 92          # "Self-rating" / "Team" labels left of the bars
BAR_X = LABEL_W + 8
BAR_W = 420           # 0 .. 3 across this width
BAR_H = 11
GROUP_H = 54
TOP = 34
HOST_FILL = "#b9c7d8"
TEAM_FILL = "#1d4e89"
INK = "#1b2430"
MUTED = "#5a6676"
GRID = "#d5dbe3"
# Translators: the scale of the ratings chart, under its axis (0 to 3)
SCALE = [_l("0 Not in place"), _l("1 Partly"), _l("2 Largely"), _l("3 Fully")]


@dataclass
class Row:
    code: str
    title: str
    self_rating: str | None
    team_rating: str | None


def _short(text: str, limit: int = 56) -> str:
    # 56 of the widest letters still fit beside the code: a title never runs off the chart
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _bar(y: float, value: str | None, fill: str, label: str) -> list[str]:
    out = [f'<text x="{LABEL_W}" y="{y + BAR_H - 2:.1f}" text-anchor="end" font-size="9.5" '
           f'fill="{MUTED}">{escape(label)}</text>']
    score = rating_score(value)
    if score is None:
        text = escape(_("Not enough evidence") if value == NOT_ENOUGH_EVIDENCE else _("Not rated"))
        out.append(f'<rect x="{BAR_X}" y="{y:.1f}" width="{BAR_W}" height="{BAR_H}" fill="none" '
                   f'stroke="{GRID}" stroke-dasharray="3 3"/>')
        out.append(f'<text x="{BAR_X + 6}" y="{y + BAR_H - 2:.1f}" font-size="9.5" '
                   f'font-style="italic" fill="{MUTED}">{text}</text>')
        return out
    width = max(BAR_W * score / 3, 2)
    out.append(f'<rect x="{BAR_X}" y="{y:.1f}" width="{width:.1f}" height="{BAR_H}" rx="2" fill="{fill}"/>')
    out.append(f'<text x="{BAR_X + width + 5:.1f}" y="{y + BAR_H - 2:.1f}" font-size="9.5" '
               f'fill="{INK}">{escape(rating_label(value))}</text>')
    return out


def ratings_svg(rows: list[Row], *, title: str | None = None) -> str:
    if title is None:
        title = _("Self-rating and team rating per key factor")
    height = TOP + GROUP_H * len(rows) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="ratings-chart" viewBox="0 0 {WIDTH} {height}" '
             f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="chart-title" '
             f'font-family="Report Sans, sans-serif">',
             f'<title id="chart-title">{escape(title)}</title>']
    # the scale, and its grid behind each pair of bars (not through the titles)
    for i, label in enumerate(SCALE):
        x = BAR_X + BAR_W * i / 3
        anchor = "start" if i == 0 else ("end" if i == 3 else "middle")
        parts.append(f'<text x="{x:.1f}" y="{TOP - 14}" text-anchor="{anchor}" font-size="9" '
                     f'fill="{MUTED}">{escape(str(label))}</text>')
    for n in range(len(rows)):
        y = TOP + n * GROUP_H
        for i in range(4):
            x = BAR_X + BAR_W * i / 3
            parts.append(f'<line x1="{x:.1f}" y1="{y + 13}" x2="{x:.1f}" y2="{y + 16 + 2 * BAR_H + 7}" '
                         f'stroke="{GRID}" stroke-width="1"/>')
    for n, row in enumerate(rows):
        y = TOP + n * GROUP_H
        parts.append(f'<text x="0" y="{y + 9}" font-size="10.5" font-weight="bold" fill="{INK}">'
                     f'{escape(row.code)}<tspan font-weight="normal" dx="6">'
                     f'{escape(_short(row.title))}</tspan></text>')
        parts += _bar(y + 16, row.self_rating, HOST_FILL, _("Self-rating"))
        # Translators: the label of the review team's bar in the ratings chart
        parts += _bar(y + 16 + BAR_H + 4, row.team_rating, TEAM_FILL, _("Team"))
    # legend
    ly = height - 12
    parts.append(f'<rect x="{BAR_X}" y="{ly - 9}" width="12" height="9" fill="{HOST_FILL}"/>')
    parts.append(f'<text x="{BAR_X + 17}" y="{ly - 1}" font-size="9.5" fill="{INK}">'
                 f'{escape(_("The city’s self-assessment"))}</text>')
    parts.append(f'<rect x="{BAR_X + 170}" y="{ly - 9}" width="12" height="9" fill="{TEAM_FILL}"/>')
    parts.append(f'<text x="{BAR_X + 187}" y="{ly - 1}" font-size="9.5" fill="{INK}">'
                 f'{escape(_("The review team’s rating"))}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
