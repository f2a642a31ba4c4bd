"""Comparisons built from the library: the heatmap of team ratings per key factor across the
cities of one theme, the network's strong and weak key factors, a city's history, and the
cities that could help where a city is weak.

Everything reads ``LibraryItem`` rows of kind "finding" through
``permissions.visible_library_items``: a withheld finding or a private report gives no cell, no
average and no suggestion. Versions of a benchmark are compared through their key-factor codes
(KF1 of version 1 and KF1 of version 2 share a column).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from peerreview import data_version
from peerreview import permissions as perm
from peerreview.extensions import db
from peerreview.framework.constants import rating_score
from peerreview.library.models import LibraryItem


def _code_key(code: str):
    from peerreview.library.queries import _code_key as key

    return key(code)


@dataclass(frozen=True)
class Cell:
    rating: str | None
    self_rating: str | None
    review_id: int
    issued_on: date
    version: int


@dataclass
class CityRow:
    """One city's review in a heatmap. Rows of the network's heatmap are remembered between
    requests and shared by them: nothing may change one after it is made (``drawn`` keeps its
    HTML and SVG, see library/charts.py)."""
    city_id: int
    city_name: str
    country: str
    review_id: int
    issued_on: date
    version: int
    theme_name: str = ""
    cells: dict[str, Cell] = field(default_factory=dict)
    factors: dict[str, tuple[int, str]] = field(default_factory=dict)   # code: (position, title)
    drawn: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def newness(self) -> tuple[date, int]:
        return self.issued_on, self.review_id


@dataclass
class FactorSummary:
    code: str
    title: str
    average: float | None
    rated: int
    counts: dict[str, int]


@dataclass
class Heatmap:
    theme_id: int
    theme_name: str
    codes: list[str]
    titles: dict[str, str]
    rows: list[CityRow]
    summary: list[FactorSummary]
    drawn: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def strong(self) -> list[FactorSummary]:
        rated = [s for s in self.summary if s.average is not None]
        return sorted(rated, key=lambda s: (-s.average, _code_key(s.code)))[:3]

    @property
    def weak(self) -> list[FactorSummary]:
        rated = [s for s in self.summary if s.average is not None]
        return sorted(rated, key=lambda s: (s.average, _code_key(s.code)))[:3]


_FINDING_COLUMNS = (LibraryItem.review_id, LibraryItem.city_id, LibraryItem.city_name, LibraryItem.country,
                    LibraryItem.issued_on, LibraryItem.benchmark_version, LibraryItem.kf_code,
                    LibraryItem.kf_title, LibraryItem.kf_position, LibraryItem.rating,
                    LibraryItem.self_rating, LibraryItem.theme_id, LibraryItem.theme_name)


def heatmap(user, theme_id: int) -> Heatmap | None:
    """The latest visible review of each city on the theme, its team (and self) rating per
    key-factor code. None when nothing on the theme is visible to ``user``.

    What the network shares is the same for every member: its heatmap is remembered until an
    item of the library changes (``data_version.LIBRARY``), and so are its drawings. A member
    also reads in full their own city's reports and those of the teams they sat on; where one
    of these is a city's latest, its row replaces the network's."""
    from sqlalchemy import true

    if perm.is_coordinator(user):
        return data_version.remembered(data_version.LIBRARY, ("heatmap", theme_id, "everything"),
                                       lambda session: _network_heatmap(session, theme_id, true()))
    if not perm.can_use_library(user):
        return _assemble(theme_id, _latest_rows(db.session, theme_id, perm.visible_library_items(user)))
    network = data_version.remembered(
        data_version.LIBRARY, ("heatmap", theme_id, "network"),
        lambda session: _network_heatmap(session, theme_id, perm.shared_with_network()))
    own = _rows(db.session.execute(select(*_FINDING_COLUMNS).where(
        LibraryItem.theme_id == theme_id, LibraryItem.kind == "finding", perm.read_in_full(user))))
    if not own:
        return network
    rows = {r.city_id: r for r in network.rows} if network else {}
    changed = False
    for city_id, reviews in own.items():
        best = max(reviews.values(), key=lambda r: r.newness)
        shared = rows.get(city_id)
        if shared is None or (best.newness >= shared.newness and best != shared):
            rows[city_id] = best
            changed = True
    return _assemble(theme_id, rows.values()) if changed else network


def _network_heatmap(session, theme_id: int, condition) -> Heatmap | None:
    return _assemble(theme_id, _latest_rows(session, theme_id, condition))


def _latest_rows(session, theme_id: int, condition) -> list[CityRow]:
    """Each city's latest review with a finding on the theme that ``condition`` lets through,
    with those findings."""
    where = (LibraryItem.theme_id == theme_id, LibraryItem.kind == "finding", condition)
    # Chosen by the database: the network's older reviews (ten findings each, thousands of
    # them) never leave it.
    reviews = (select(LibraryItem.review_id, func.row_number().over(
        partition_by=LibraryItem.city_id,
        order_by=(LibraryItem.issued_on.desc(), LibraryItem.review_id.desc())).label("newest"))
        .where(*where).group_by(LibraryItem.review_id, LibraryItem.city_id, LibraryItem.issued_on)
        .subquery())
    latest = select(reviews.c.review_id).where(reviews.c.newest == 1)
    found = _rows(session.execute(select(*_FINDING_COLUMNS).where(*where, LibraryItem.review_id.in_(latest))))
    return [row for of_city in found.values() for row in of_city.values()]


def _rows(result) -> dict[int, dict[int, CityRow]]:
    """Finding rows as {city id: {review id: its row}}."""
    out: dict[int, dict[int, CityRow]] = defaultdict(dict)
    for r in result:
        row = out[r.city_id].get(r.review_id)
        if row is None:
            row = out[r.city_id][r.review_id] = CityRow(r.city_id, r.city_name, r.country, r.review_id,
                                                        r.issued_on, r.benchmark_version, r.theme_name)
        row.cells[r.kf_code] = Cell(r.rating, r.self_rating, r.review_id, r.issued_on, r.benchmark_version)
        row.factors[r.kf_code] = (r.kf_position, r.kf_title)
    return out


def _assemble(theme_id: int, rows) -> Heatmap | None:
    rows = list(rows)
    if not rows:
        return None
    titles: dict[str, tuple[int, int, str]] = {}
    for row in rows:
        for code, (position, title) in row.factors.items():
            seen = titles.get(code)
            if seen is None or row.version > seen[0]:
                titles[code] = (row.version, position, title)
    codes = sorted(titles, key=lambda c: (titles[c][1], _code_key(c)))
    ordered = sorted(rows, key=lambda c: c.city_name.lower())
    summary = []
    for code in codes:
        counts = {v: 0 for v in ("0", "1", "2", "3")}
        valid = []
        for row in ordered:
            cell = row.cells.get(code)
            if cell is None:
                continue
            if cell.rating in counts:
                counts[cell.rating] += 1
            score = rating_score(cell.rating)
            if score is not None:
                valid.append(score)
        summary.append(FactorSummary(code, titles[code][2],
                                     round(sum(valid) / len(valid), 2) if valid else None,
                                     len(valid), counts))
    return Heatmap(theme_id, ordered[0].theme_name, codes, {c: titles[c][2] for c in codes}, ordered, summary)


# --- a city's history --------------------------------------------------------------------------

@dataclass
class ReviewHistory:
    review_id: int
    theme_id: int
    theme_name: str
    issued_on: date
    version: int
    ratings: dict[str, tuple[str | None, str | None, str]] = field(default_factory=dict)  # code: (team, self, title)
    recommendations: int = 0
    done: int = 0
    practices: int = 0


def city_history(user, city_id: int) -> list[ReviewHistory]:
    """The city's reviews whose report ``user`` may read (some of it), oldest first."""
    from peerreview.reports.models import Recommendation

    rows = db.session.execute(
        select(LibraryItem.review_id, LibraryItem.kind, LibraryItem.theme_id, LibraryItem.theme_name,
               LibraryItem.issued_on, LibraryItem.benchmark_version, LibraryItem.kf_code,
               LibraryItem.kf_title, LibraryItem.rating, LibraryItem.self_rating, Recommendation.progress)
        .outerjoin(Recommendation, Recommendation.id == LibraryItem.recommendation_id)
        .where(LibraryItem.city_id == city_id, perm.visible_library_items(user))).all()
    out: dict[int, ReviewHistory] = {}
    for r in rows:
        h = out.get(r.review_id)
        if h is None:
            h = out[r.review_id] = ReviewHistory(r.review_id, r.theme_id, r.theme_name, r.issued_on,
                                                 r.benchmark_version)
        if r.kind == "finding":
            h.ratings[r.kf_code] = (r.rating, r.self_rating, r.kf_title)
        elif r.kind == "recommendation":
            h.recommendations += 1
            h.done += r.progress == "done"
        else:
            h.practices += 1
    return sorted(out.values(), key=lambda h: (h.issued_on, h.review_id))


def city_mentorships(user, city):
    """The mentorships the city took part in, as mentor or implementing city, that ``user``
    may open (a mentorship's people and the secretariat)."""
    from sqlalchemy import or_
    from sqlalchemy.orm import selectinload

    from peerreview.mentoring.models import Mentorship, mentor_city

    found = db.session.scalars(
        select(Mentorship).where(or_(
            Mentorship.implementing_city_id == city.id,
            Mentorship.id.in_(select(mentor_city.c.mentorship_id).where(mentor_city.c.city_id == city.id))))
        .options(selectinload(Mentorship.mentor_cities), selectinload(Mentorship.implementing_city),
                 selectinload(Mentorship.scheme), selectinload(Mentorship.people))
        .order_by(Mentorship.proposed_on)).all()
    return [m for m in found if perm.can_view_mentorship(user, m)]


# --- who could help ------------------------------------------------------------------------------

@dataclass
class Helper:
    city_id: int
    city_name: str
    review_id: int
    issued_on: date
    practices: list[LibraryItem] = field(default_factory=list)


@dataclass
class Suggestion:
    theme_name: str
    code: str
    title: str
    rating: str
    helpers: list[Helper] = field(default_factory=list)


def suggestions(user, city_id: int) -> list[Suggestion]:
    """Where the city's latest visible rating on a key factor is 0 or 1: the cities whose latest
    visible rating on the same theme and key-factor code is 3, with their visible good practices."""
    mine = db.session.execute(select(*_FINDING_COLUMNS).where(
        LibraryItem.city_id == city_id, LibraryItem.kind == "finding",
        perm.visible_library_items(user))).all()
    latest: dict[tuple[int, str], tuple] = {}
    for r in mine:
        key = (r.theme_id, r.kf_code)
        if key not in latest or (r.issued_on, r.review_id) > (latest[key].issued_on, latest[key].review_id):
            latest[key] = r
    low = {k: r for k, r in latest.items() if r.rating in ("0", "1")}
    if not low:
        return []
    themes = {t for t, _ in low}
    others = db.session.execute(select(*_FINDING_COLUMNS).where(
        LibraryItem.theme_id.in_(themes), LibraryItem.kind == "finding", LibraryItem.city_id != city_id,
        LibraryItem.kf_code.in_({c for _, c in low}), perm.visible_library_items(user))).all()
    best: dict[tuple[int, int, str], tuple] = {}
    for r in others:
        key = (r.city_id, r.theme_id, r.kf_code)
        if key not in best or (r.issued_on, r.review_id) > (best[key].issued_on, best[key].review_id):
            best[key] = r
    strong = [r for r in best.values() if r.rating == "3" and (r.theme_id, r.kf_code) in low]
    practices: dict[int, list[LibraryItem]] = defaultdict(list)
    if strong:
        for item in db.session.scalars(select(LibraryItem).where(
                LibraryItem.review_id.in_({r.review_id for r in strong}), LibraryItem.kind == "practice",
                perm.visible_library_items(user)).order_by(LibraryItem.id)):
            practices[item.review_id].append(item)
    out = []
    for (theme_id, code), r in sorted(low.items(), key=lambda kv: (kv[1].theme_name, _code_key(kv[0][1]))):
        helpers = sorted((Helper(h.city_id, h.city_name, h.review_id, h.issued_on, practices[h.review_id])
                          for h in strong if (h.theme_id, h.kf_code) == (theme_id, code)),
                         key=lambda h: (-len(h.practices), h.city_name))
        out.append(Suggestion(r.theme_name, code, r.kf_title, r.rating, helpers))
    return out
