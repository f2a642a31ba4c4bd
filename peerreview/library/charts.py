"""The library's charts, drawn here as inline SVG (no chart library, no script, no ``style``
attribute, so the Content Security Policy allows them). Each page shows the same numbers in a
table beside the chart; the SVG is a picture of that table."""

from __future__ import annotations

from html import escape

from markupsafe import Markup
from markupsafe import escape as escape_html

from peerreview.framework.constants import rating_score
from peerreview.i18n import gettext as _

INK = "#1b2430"
MUTED = "#5a6676"
GRID = "#d5dbe3"
# 0 .. 3: from a warm red to the brand's blue, dark enough for white text from 2 on
FILLS = {0: "#f3c5bd", 1: "#f7e2b5", 2: "#9fc0de", 3: "#1d4e89"}
TEXT_ON = {0: INK, 1: INK, 2: INK, 3: "#ffffff"}
LINE_COLOURS = ["#1d4e89", "#b5482f", "#2f7d4f", "#7a4b9a", "#a36d00", "#2b7a8c", "#5a6676", "#b23a6b"]


def _svg(width: int, height: int, title: str, body: list[str], label_id: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="library-chart" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-labelledby="{label_id}" '
            f'preserveAspectRatio="xMinYMin meet"><title id="{label_id}">{escape(title)}</title>'
            + "".join(body) + "</svg>")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def drawn_once(holder, key, draw, *args) -> str:
    """``draw(*args)``, kept in ``holder.drawn`` under ``key``: the network's heatmap and its
    rows are remembered between requests (``compare.heatmap``), and so are their drawings. A
    key holds everything the drawing depends on besides the holder (the key-factor columns, the
    translated title, the address the links start from)."""
    found = holder.drawn.get(key)
    if found is None:
        found = holder.drawn[key] = draw(*args)
    return found


_CELL_W, _CELL_H, _LEFT, _TOP = 52, 30, 150, 34


def heatmap_svg(hm) -> str:
    """Cities down, key-factor codes across; each cell the team rating (colour and figure),
    with the self-rating small in its corner."""
    title = _("Team rating per key factor and city (self-rating in the corner)")
    return drawn_once(hm, ("svg", title), _heatmap_svg, hm, title)


def _heatmap_svg(hm, title: str) -> str:
    codes = tuple(hm.codes)
    width = _LEFT + _CELL_W * len(codes) + 10
    height = _TOP + _CELL_H * len(hm.rows) + 10
    body = []
    for j, code in enumerate(codes):
        x = _LEFT + j * _CELL_W + _CELL_W / 2
        body.append(f'<text x="{x:.0f}" y="{_TOP - 12}" text-anchor="middle" font-size="12" '
                    f'fill="{INK}">{escape(code)}</text>')
    for i, row in enumerate(hm.rows):
        body.append(f'<g transform="translate(0 {_TOP + i * _CELL_H})">'
                    f'{drawn_once(row, ("svg", codes), _row_svg, row, codes)}</g>')
    return _svg(width, height, title, body, f"heatmap-{hm.theme_id}")


def _row_svg(row, codes: tuple[str, ...]) -> str:
    """One city's row of the heatmap, from its own top edge (the chart moves it into place)."""
    cell_w, cell_h = _CELL_W, _CELL_H
    body = [f'<text x="{_LEFT - 8}" y="{cell_h / 2 + 4:.0f}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{escape(_short(row.city_name, 20))} {row.issued_on.year}</text>']
    for j, code in enumerate(codes):
        x = _LEFT + j * cell_w
        cell = row.cells.get(code)
        score = rating_score(cell.rating) if cell else None
        if score is None:
            body.append(f'<rect x="{x + 1}" y="1" width="{cell_w - 2}" height="{cell_h - 2}" '
                        f'fill="none" stroke="{GRID}" stroke-dasharray="3 3"/>')
            body.append(f'<text x="{x + cell_w / 2:.0f}" y="{cell_h / 2 + 4:.0f}" text-anchor="middle" '
                        f'font-size="11" fill="{MUTED}">{"ne" if cell and cell.rating == "ne" else "–"}</text>')
            continue
        body.append(f'<rect x="{x + 1}" y="1" width="{cell_w - 2}" height="{cell_h - 2}" rx="2" '
                    f'fill="{FILLS[score]}"/>')
        body.append(f'<text x="{x + cell_w / 2:.0f}" y="{cell_h / 2 + 5:.0f}" text-anchor="middle" '
                    f'font-size="14" font-weight="bold" fill="{TEXT_ON[score]}">{score}</text>')
        own = rating_score(cell.self_rating)
        if own is not None:
            body.append(f'<text x="{x + cell_w - 5}" y="11" text-anchor="end" font-size="8.5" '
                        f'fill="{TEXT_ON[score]}">{own}</text>')
    return "".join(body)


def heatmap_table_rows(hm) -> Markup:
    """The rows of the table beside the heatmap: per city, its link, its report's year and
    version, and per key factor the team rating with the self-rating in brackets."""
    from flask import request

    root = request.script_root
    return drawn_once(hm, ("rows", root), lambda: Markup("".join(
        drawn_once(row, ("tr", tuple(hm.codes), root), _table_row, row, hm.codes) for row in hm.rows)))


def _table_row(row, codes) -> str:
    from peerreview.urls import row_url

    out = [f'<tr><th scope="row"><a href="{escape_html(row_url("library.city", city_id=row.city_id))}">'
           f'{escape_html(row.city_name)}</a></th><td><a href="'
           f'{escape_html(row_url("library.report", review_id=row.review_id))}">{row.issued_on.year}</a>'
           + (f' <span class="hint">v{row.version}</span>' if row.version > 1 else "") + "</td>"]
    for code in codes:
        cell = row.cells.get(code)
        if cell is None:
            out.append('<td class="num lib-cell lib-r">–</td>')
            continue
        own = f' <span class="hint">({escape_html(cell.self_rating)})</span>' if cell.self_rating else ""
        out.append(f'<td class="num lib-cell lib-r{escape_html(cell.rating or "")}">{escape_html(cell.rating or "–")}'
                   f"{own}</td>")
    out.append("</tr>")
    return "".join(out)


def averages_svg(hm) -> str:
    """The network's average team rating per key factor, as bars on the 0 to 3 scale."""
    title = _("Average team rating per key factor across the cities")
    return drawn_once(hm, ("averages", title), _averages_svg, hm, title)


def _averages_svg(hm, title: str) -> str:
    left, bar_w, row_h, top = 70, 360, 26, 24
    rated = [s for s in hm.summary]
    width, height = left + bar_w + 60, top + row_h * len(rated) + 10
    body = []
    for k in range(4):
        x = left + bar_w * k / 3
        body.append(f'<line x1="{x:.0f}" y1="{top - 6}" x2="{x:.0f}" y2="{height - 8}" stroke="{GRID}"/>')
        body.append(f'<text x="{x:.0f}" y="{top - 10}" text-anchor="middle" font-size="10" fill="{MUTED}">{k}</text>')
    for i, s in enumerate(rated):
        y = top + i * row_h
        body.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" font-size="12" fill="{INK}">'
                    f'{escape(s.code)}</text>')
        if s.average is None:
            continue
        w = max(2, bar_w * s.average / 3)
        body.append(f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="14" rx="2" fill="#1d4e89"/>')
        body.append(f'<text x="{left + w + 5:.1f}" y="{y + 15}" font-size="11" fill="{INK}">{s.average:.1f}</text>')
    return _svg(width, height, title, body, f"averages-{hm.theme_id}")


def history_svg(theme_id: int, theme_name: str, reviews, codes: list[str]) -> str:
    """A city's team ratings on one theme over time: one line per key-factor code, one point
    per review (the reviews are evenly spaced, labelled with their year)."""
    left, top, step, plot_h = 40, 20, 90, 120
    width = left + step * max(1, len(reviews) - 1) + 120
    height = top + plot_h + 40
    body = []
    for k in range(4):
        y = top + plot_h - plot_h * k / 3
        body.append(f'<line x1="{left}" y1="{y:.0f}" x2="{width - 110}" y2="{y:.0f}" stroke="{GRID}"/>')
        body.append(f'<text x="{left - 8}" y="{y + 4:.0f}" text-anchor="end" font-size="10" fill="{MUTED}">{k}</text>')
    xs = [left + step * n for n in range(len(reviews))]
    for x, h in zip(xs, reviews, strict=True):
        body.append(f'<text x="{x}" y="{top + plot_h + 18}" text-anchor="middle" font-size="11" '
                    f'fill="{INK}">{h.issued_on.year}</text>')
    for n, code in enumerate(codes):
        colour = LINE_COLOURS[n % len(LINE_COLOURS)]
        points = []
        for x, h in zip(xs, reviews, strict=True):
            score = rating_score(h.ratings.get(code, (None,))[0])
            if score is not None:
                points.append((x, top + plot_h - plot_h * score / 3))
        if len(points) > 1:
            body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                        + " ".join(f"{x},{y:.0f}" for x, y in points) + '"/>')
        for x, y in points:
            body.append(f'<circle cx="{x}" cy="{y:.0f}" r="3.5" fill="{colour}"/>')
        if points:
            lx, ly = points[-1]
            body.append(f'<text x="{lx + 8}" y="{ly + 4 + (n % 3) * 3:.0f}" font-size="10" fill="{colour}">'
                        f'{escape(code)}</text>')
    return _svg(width, height, _("Team ratings on %(theme)s over time", theme=theme_name), body,
                f"history-{theme_id}")
