"""Implementation figures: what cities did with the recommendations of their issued reviews.

For the whole network, per theme and per city:

- responses: accepted, partly accepted, not accepted, no response yet;
- progress of the accepted and partly accepted ones: done, in progress, not started;
- the share done within 6, 12 and 24 months of issue, counted over the accepted or partly
  accepted recommendations issued at least that long ago (younger ones cannot be judged yet);
- per key factor, the movement of the rating from the review team's rating to the latest
  progress review of a mentorship of the same city on the same theme (key factors matched by
  code), when that progress review came after the visit.

Everything is counted in the database: three queries, whatever the size of the network. The
cities counted are those the viewer may see (``permissions.visible_results_cities``).

The pages ask :func:`current`: the figures remembered until the data they are read from next
changes (``peerreview/data_version.py``: the database moves a counter on every write to those
tables), so a coordinator's page does not count every recommendation of the network again on
each visit, and a city's new progress shows on the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select

from peerreview.extensions import db
from peerreview.framework.constants import rating_score
from peerreview.i18n import gettext as _
from peerreview.reports.models import PROGRESS, RESPONSES

ISSUED = ("issued", "follow_up", "closed")
WINDOWS = {6: 183, 12: 365, 24: 730}      # months after issue -> days
COMMITTED = ("accepted", "partly")


@dataclass
class Counts:
    """The figures of one scope (the network, a theme, a city, a city on a theme)."""

    label: str
    scope: str                           # "network", "theme", "city", "city-theme"
    city_id: int | None = None
    theme_id: int | None = None
    total: int = 0
    responses: dict[str, int] = field(default_factory=lambda: {k: 0 for k in (*RESPONSES, "none")})
    progress: dict[str, int] = field(default_factory=lambda: {k: 0 for k in PROGRESS})
    within: dict[int, list[int]] = field(default_factory=lambda: {m: [0, 0] for m in WINDOWS})

    def add(self, other: Counts) -> None:
        self.total += other.total
        for k, v in other.responses.items():
            self.responses[k] += v
        for k, v in other.progress.items():
            self.progress[k] += v
        for m, (done, eligible) in other.within.items():
            self.within[m][0] += done
            self.within[m][1] += eligible

    @property
    def committed(self) -> int:
        return self.responses["accepted"] + self.responses["partly"]

    def share(self, months: int) -> float | None:
        """Share done within ``months`` of issue, or None when nothing is old enough yet."""
        done, eligible = self.within[months]
        return done / eligible if eligible else None

    def share_text(self, months: int) -> str:
        done, eligible = self.within[months]
        if not eligible:
            return "—"
        # Translators: a share of recommendations done in time: "50% (2 of 4)"
        return _("%(percent)d%% (%(done)d of %(eligible)d)", percent=round(100 * done / eligible),
                 done=done, eligible=eligible)


@dataclass
class Move:
    """One city's rating of one key factor: the review team's, then the latest progress review's."""

    city: str
    theme: str
    code: str
    title: str
    review_rating: str | None
    latest: str | None
    latest_on: date

    @property
    def delta(self) -> int | None:
        a, b = rating_score(self.review_rating), rating_score(self.latest)
        return None if a is None or b is None else b - a


@dataclass
class MoveSummary:
    """The movement of one key factor of one theme, over the cities that have both ratings."""

    theme: str
    code: str
    title: str
    up: int = 0
    same: int = 0
    down: int = 0
    changes: list[int] = field(default_factory=list)

    @property
    def cities(self) -> int:
        return self.up + self.same + self.down

    @property
    def average(self) -> float | None:
        return sum(self.changes) / len(self.changes) if self.changes else None


@dataclass
class Implementation:
    network: Counts
    themes: list[Counts]
    cities: list[Counts]
    city_themes: list[Counts]
    moves: list[Move]
    move_summary: list[MoveSummary]
    today: date

    @property
    def empty(self) -> bool:
        return self.network.total == 0


def current(*, city_ids: set[int] | None = None) -> Implementation:
    """:func:`implementation` of today, remembered while the review results do not change
    (for each set of cities and language: the network's label is translated). Shared between
    requests: read it, do not change it."""
    from flask import g

    from peerreview import data_version

    today = date.today()
    key = ("implementation", None if city_ids is None else frozenset(city_ids), today, g.get("locale_code"))
    return data_version.remembered(data_version.RESULTS, key,
                                   lambda session: implementation(city_ids=city_ids, today=today, session=session))


def _days_between(start, end):
    """``end - start`` in days, in SQL, on SQLite and PostgreSQL."""
    if db.engine.dialect.name == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return end - start


def _scope(stmt, city_ids, column):
    return stmt if city_ids is None else stmt.where(column.in_(sorted(city_ids)))


def implementation(*, city_ids: set[int] | None = None, today: date | None = None,
                   session=None) -> Implementation:
    """The figures for the cities ``city_ids`` (None: every city), read through ``session``
    (the request's by default)."""
    from peerreview.cities.models import City
    from peerreview.framework.models import Benchmark, Theme
    from peerreview.reports.models import Recommendation, Report
    from peerreview.reviews.models import Review

    today = today or date.today()
    rec = Recommendation
    committed = rec.response.in_(COMMITTED)
    sums = []
    for months, days in WINDOWS.items():
        eligible = and_(committed, rec.issued_on <= today - timedelta(days=days))
        done = and_(eligible, rec.done_on.is_not(None),
                    _days_between(rec.issued_on, rec.done_on) <= days)
        sums += [func.sum(case((done, 1), else_=0)).label(f"done_{months}"),
                 func.sum(case((eligible, 1), else_=0)).label(f"eligible_{months}")]
    stmt = (select(Review.host_city_id, City.name.label("city_name"), Benchmark.theme_id,
                   Theme.name.label("theme_name"), rec.response, rec.progress,
                   func.count(rec.id).label("n"), *sums)
            .join(Report, Report.id == rec.report_id).join(Review, Review.id == Report.review_id)
            .join(City, City.id == Review.host_city_id)
            .join(Benchmark, Benchmark.id == Review.benchmark_id).join(Theme, Theme.id == Benchmark.theme_id)
            .where(Review.state.in_(ISSUED), rec.number.is_not(None))
            .group_by(Review.host_city_id, City.name, Benchmark.theme_id, Theme.name, rec.response,
                      rec.progress))
    network = Counts(_("The network"), "network")
    themes: dict[int, Counts] = {}
    cities: dict[int, Counts] = {}
    pairs: dict[tuple[int, int], Counts] = {}
    windows = list(WINDOWS)
    session = session or db.session
    for city_id, city_name, theme_id, theme_name, response, progress, n, *sums in session.execute(
            _scope(stmt, city_ids, Review.host_city_id)):
        progress = progress if response in COMMITTED and progress in PROGRESS else None
        response = response or "none"
        within = [(months, int(sums[2 * i] or 0), int(sums[2 * i + 1] or 0)) for i, months in enumerate(windows)]
        theme = themes.get(theme_id)
        if theme is None:
            theme = themes[theme_id] = Counts(theme_name, "theme", theme_id=theme_id)
        city = cities.get(city_id)
        if city is None:
            city = cities[city_id] = Counts(city_name, "city", city_id=city_id)
        pair = pairs.get((city_id, theme_id))
        if pair is None:
            pair = pairs[(city_id, theme_id)] = Counts(f"{city_name}: {theme_name}", "city-theme",
                                                       city_id=city_id, theme_id=theme_id)
        # added straight to each total (a Counts per row cost more than the query)
        for target in (network, theme, city, pair):
            target.total += n
            target.responses[response] += n
            if progress is not None:
                target.progress[progress] += n
            for months, done, eligible in within:
                window = target.within[months]
                window[0] += done
                window[1] += eligible
    moves = _moves(city_ids, session)
    return Implementation(
        network=network, themes=sorted(themes.values(), key=lambda c: c.label),
        cities=sorted(cities.values(), key=lambda c: c.label),
        city_themes=sorted(pairs.values(), key=lambda c: c.label),
        moves=moves, move_summary=_summary(moves), today=today)


def _moves(city_ids, session) -> list[Move]:
    """Review team rating -> latest progress review rating, per city, theme and key factor code."""
    from peerreview.cities.models import City
    from peerreview.framework.models import Benchmark, KeyFactor, Theme
    from peerreview.mentoring.models import (
        MentoringScheme,
        Mentorship,
        ProgressRating,
        ProgressReview,
    )
    from peerreview.reports.models import Finding, Report
    from peerreview.reviews.models import Review

    # the team's ratings of every issued review (the latest review of a city on a theme wins)
    reviews = (select(Review.id, Review.host_city_id, City.name, Benchmark.theme_id, Theme.name.label("theme"),
                      Review.visit_end, KeyFactor.code, KeyFactor.title, KeyFactor.position, Finding.rating)
               .join(Report, Report.review_id == Review.id).join(Finding, Finding.report_id == Report.id)
               .join(KeyFactor, KeyFactor.id == Finding.key_factor_id)
               .join(City, City.id == Review.host_city_id)
               .join(Benchmark, Benchmark.id == Review.benchmark_id).join(Theme, Theme.id == Benchmark.theme_id)
               .where(Review.state.in_(ISSUED), Finding.rating.is_not(None))
               .order_by(Review.visit_end, Review.id, KeyFactor.position))
    team: dict[tuple[int, int], dict] = {}
    for review_id, city_id, city, theme_id, theme, visit_end, code, title, position, rating in \
            session.execute(_scope(reviews, city_ids, Review.host_city_id)):
        key = (city_id, theme_id)
        current = team.get(key)
        if current is None or current["review"] != review_id:
            if current is not None and current["visit_end"] and visit_end and visit_end < current["visit_end"]:
                continue
            team[key] = current = {"review": review_id, "visit_end": visit_end, "city": city,
                                   "theme": theme, "kfs": {}}
        current["kfs"][code] = (title, position, rating)
    if not team:
        return []
    # the latest rating given to each key factor in the progress reviews of each city and theme
    latest_day = (select(Mentorship.implementing_city_id.label("city_id"),
                         MentoringScheme.theme_id.label("theme_id"), KeyFactor.code.label("code"),
                         func.max(ProgressReview.held_on).label("held_on"))
                  .join(ProgressReview, ProgressReview.mentorship_id == Mentorship.id)
                  .join(ProgressRating, ProgressRating.review_id == ProgressReview.id)
                  .join(KeyFactor, KeyFactor.id == ProgressRating.key_factor_id)
                  .join(MentoringScheme, MentoringScheme.id == Mentorship.scheme_id)
                  .where(ProgressRating.rating.is_not(None))
                  .group_by(Mentorship.implementing_city_id, MentoringScheme.theme_id, KeyFactor.code))
    latest_day = _scope(latest_day, city_ids, Mentorship.implementing_city_id).subquery()
    ratings = (select(latest_day.c.city_id, latest_day.c.theme_id, latest_day.c.code, latest_day.c.held_on,
                      func.max(ProgressRating.rating))
               .join(Mentorship, Mentorship.implementing_city_id == latest_day.c.city_id)
               .join(MentoringScheme, and_(MentoringScheme.id == Mentorship.scheme_id,
                                           MentoringScheme.theme_id == latest_day.c.theme_id))
               .join(ProgressReview, and_(ProgressReview.mentorship_id == Mentorship.id,
                                          ProgressReview.held_on == latest_day.c.held_on))
               .join(ProgressRating, ProgressRating.review_id == ProgressReview.id)
               .join(KeyFactor, and_(KeyFactor.id == ProgressRating.key_factor_id,
                                     KeyFactor.code == latest_day.c.code))
               .where(ProgressRating.rating.is_not(None))
               .group_by(latest_day.c.city_id, latest_day.c.theme_id, latest_day.c.code, latest_day.c.held_on))
    out = []
    for city_id, theme_id, code, held_on, rating in session.execute(ratings):
        current = team.get((city_id, theme_id))
        if current is None or code not in current["kfs"]:
            continue
        if current["visit_end"] and held_on < current["visit_end"]:
            continue
        title, position, review_rating = current["kfs"][code]
        out.append((current["city"], current["theme"], position,
                    Move(current["city"], current["theme"], code, title, review_rating, rating, held_on)))
    out.sort(key=lambda t: (t[1], t[0], t[2]))
    return [m for *_rest, m in out]


def _summary(moves: list[Move]) -> list[MoveSummary]:
    rows: dict[tuple[str, str], MoveSummary] = {}
    for m in moves:
        s = rows.setdefault((m.theme, m.code), MoveSummary(m.theme, m.code, m.title))
        d = m.delta
        if d is None:
            continue
        s.changes.append(d)
        if d > 0:
            s.up += 1
        elif d < 0:
            s.down += 1
        else:
            s.same += 1
    return sorted(rows.values(), key=lambda s: (s.theme, int(s.code[2:]) if s.code[2:].isdigit() else 0, s.code))
