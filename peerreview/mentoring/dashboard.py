"""The mentor dashboard: every mentorship of a person (all of them for the coordinator) on one
page, with what tells whether an implementing city is on track.

Loaded in a fixed number of queries, whatever the number of mentorships: the mentorships (the
columns a row shows, with their city and theme), their mentor cities, then one query each for
upcoming visits, action counts, ratings and the last activity. A row holds what it shows, not
ORM objects: making a mentorship with its scheme, theme and cities, or a visit with all its
notes, cost more than the row's whole template. The statements are built once (their values
are bound parameters): building the nine-part union of the last activity anew took longer than
running it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import Date, and_, bindparam, case, func, literal, select, union_all

from peerreview import permissions as perm
from peerreview.cities.models import City
from peerreview.extensions import db
from peerreview.framework.constants import rating_score
from peerreview.framework.models import Theme
from peerreview.framework.translations import Translatable
from peerreview.i18n import lazy_gettext as _l
from peerreview.mentoring.models import (
    OPEN_STATES,
    VISIT_KINDS,
    MentoringScheme,
    MentoringVisit,
    Mentorship,
    MentorshipEvent,
    MentorshipPerson,
    NeedsAssessment,
    NeedsEntry,
    ProgressRating,
    ProgressReview,
    StateOfMentorship,
    mentor_city,
)
from peerreview.mentoring.plan_models import (
    AT_RISK_DAYS,
    OPEN_ACTION_STATUSES,
    ActionUpdate,
    MentoringAction,
    PlanEndorsement,
    PlanVersion,
)

SILENCE_DAYS = 60
SORTS = {
    "attention": _l("Needs attention"),
    "city": _l("Implementing city"),
    "next_visit": _l("Next visit"),
    "overdue": _l("Overdue actions"),
    "done": _l("Done this quarter"),
    "movement": _l("Rating movement"),
    "activity": _l("Last activity"),
}


def quarter_start(today: date) -> date:
    return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


@dataclass(frozen=True)
class ThemeName(Translatable):
    """A theme's name and its translations, for ``bt()`` (not the Theme object: a row is columns)."""

    name: str
    translations: dict | None


@dataclass(slots=True)
class Listed(StateOfMentorship):
    """What a row shows of a mentorship."""

    id: int
    state: str
    proposed_on: date
    city: str                  # the implementing city's name
    theme: ThemeName           # the scheme's theme
    mentor_cities: list[str]   # by name


@dataclass(slots=True)
class NextVisit:
    starts_on: date
    kind: str

    @property
    def kind_label(self) -> str:
        return VISIT_KINDS.get(self.kind, self.kind)


@dataclass
class Row:
    mentorship: Listed
    next_visit: NextVisit | None
    overdue: int
    at_risk: int
    done_quarter: int
    up: int
    down: int
    rated: int
    net: int | None
    last_activity: date | None
    silent_days: int | None     # set when the mentorship is open and silent for 60 days or more

    @property
    def silent(self) -> bool:
        return self.silent_days is not None


def _visible(user) -> list[Listed]:
    # what a row shows: the city, the scheme's theme and the mentor cities; a mentorship's
    # people are not shown, so not loaded
    stmt = (select(Mentorship.id, Mentorship.state, Mentorship.proposed_on, City.name, Theme.name,
                   Theme.translations)
            .join(City, City.id == Mentorship.implementing_city_id)
            .join(MentoringScheme, MentoringScheme.id == Mentorship.scheme_id)
            .join(Theme, Theme.id == MentoringScheme.theme_id)
            .order_by(Mentorship.id))
    if not perm.is_coordinator(user):
        mine = select(MentorshipPerson.mentorship_id).where(MentorshipPerson.user_id == user.id)
        stmt = stmt.where(Mentorship.id.in_(mine))
    themes: dict[str, ThemeName] = {}
    listed = [Listed(m_id, state, proposed_on, city,
                     themes.get(theme) or themes.setdefault(theme, ThemeName(theme, translations)), [])
              for m_id, state, proposed_on, city, theme, translations in db.session.execute(stmt)]
    if listed:
        by_id = {m.id: m for m in listed}
        for m_id, name in db.session.execute(_mentor_cities_stmt(), {"ids": list(by_id)}):
            by_id[m_id].mentor_cities.append(name)
    return listed


@cache
def _mentor_cities_stmt():
    # in the order of Mentorship.mentor_cities
    return (select(mentor_city.c.mentorship_id, City.name)
            .join(City, City.id == mentor_city.c.city_id)
            .where(mentor_city.c.mentorship_id.in_(bindparam("ids", expanding=True)))
            .order_by(City.name))


def _day(column):
    """A datetime column as a date, on SQLite and PostgreSQL alike."""
    return func.date(column, type_=Date)


def last_activity(ids: list[int], today: date) -> dict[int, date]:
    """The latest day something happened in each mentorship: an action update, a change of the
    plan, a visit held or recorded, a progress review, the needs assessment, a state change."""
    if not ids:
        return {}
    out = {}
    for m_id, last in db.session.execute(_last_activity_stmt(), {"ids": list(ids), "today": today}):
        if isinstance(last, str):   # SQLite hands back the text of date()
            last = date.fromisoformat(last[:10])
        out[m_id] = min(last, today) if last else None
    return out


@cache
def _last_activity_stmt():
    ids = bindparam("ids", expanding=True)
    a = MentoringAction
    parts = [
        select(a.mentorship_id.label("m"), _day(a.updated_at).label("d")),
        select(a.mentorship_id, ActionUpdate.on_date).join(a, a.id == ActionUpdate.action_id),
        select(PlanVersion.mentorship_id, _day(PlanVersion.created_at)),
        select(PlanVersion.mentorship_id, PlanEndorsement.endorsed_on)
        .join(PlanVersion, PlanVersion.id == PlanEndorsement.version_id),
        select(MentoringVisit.mentorship_id, MentoringVisit.starts_on)
        .where(MentoringVisit.starts_on <= bindparam("today", type_=Date)),
        select(MentoringVisit.mentorship_id, _day(MentoringVisit.updated_at)),
        select(ProgressReview.mentorship_id, ProgressReview.held_on),
        select(NeedsAssessment.mentorship_id, _day(NeedsAssessment.updated_at)),
        select(MentorshipEvent.mentorship_id, _day(MentorshipEvent.at)),
    ]
    # each part limited to the mentorships on the page, then the latest day per mentorship
    first_col = [a.mentorship_id, a.mentorship_id, PlanVersion.mentorship_id, PlanVersion.mentorship_id,
                 MentoringVisit.mentorship_id, MentoringVisit.mentorship_id,
                 ProgressReview.mentorship_id, NeedsAssessment.mentorship_id, MentorshipEvent.mentorship_id]
    parts = [p.where(col.in_(ids)) for p, col in zip(parts, first_col, strict=True)]
    u = union_all(*parts).subquery()
    return select(u.c.m, func.max(u.c.d).label("last")).group_by(u.c.m)


def _upcoming_visits(ids, today) -> dict[int, NextVisit]:
    out: dict[int, NextVisit] = {}
    for m_id, starts_on, kind in db.session.execute(_upcoming_stmt(), {"ids": ids, "today": today}):
        if m_id not in out:
            out[m_id] = NextVisit(starts_on, kind)
    return out


@cache
def _upcoming_stmt():
    v = MentoringVisit
    return (select(v.mentorship_id, v.starts_on, v.kind)
            .where(v.mentorship_id.in_(bindparam("ids", expanding=True)),
                   v.ends_on >= bindparam("today", type_=Date))
            .order_by(v.starts_on, v.id))


def _action_counts(ids, today) -> dict[int, tuple[int, int, int]]:
    params = {"ids": ids, "today": today, "soon": today + timedelta(days=AT_RISK_DAYS),
              "quarter": quarter_start(today)}
    return {m: (int(o or 0), int(r or 0), int(d or 0))
            for m, o, r, d in db.session.execute(_action_counts_stmt(), params)}


@cache
def _action_counts_stmt():
    a = MentoringAction
    today, soon, quarter = (bindparam(name, type_=Date) for name in ("today", "soon", "quarter"))
    is_open = a.status.in_(OPEN_ACTION_STATUSES)
    one, zero = literal(1), literal(0)
    return select(
        a.mentorship_id,
        func.sum(case((and_(is_open, a.deadline < today), one), else_=zero)),
        func.sum(case((and_(is_open, a.deadline >= today, a.deadline <= soon), one), else_=zero)),
        func.sum(case((and_(a.status == "done", a.done_on >= quarter), one), else_=zero)),
    ).where(a.mentorship_id.in_(bindparam("ids", expanding=True))).group_by(a.mentorship_id)


def _ratings(ids) -> tuple[dict, dict]:
    base_stmt, latest_stmt = _ratings_stmts()
    base = {}
    for m_id, kf_id, rating in db.session.execute(base_stmt, {"ids": ids}):
        base[(m_id, kf_id)] = rating
    latest = {}
    for m_id, kf_id, rating in db.session.execute(latest_stmt, {"ids": ids}):
        latest[(m_id, kf_id)] = rating       # the later review wins
    return base, latest


@cache
def _ratings_stmts():
    ids = bindparam("ids", expanding=True)
    return (
        select(NeedsAssessment.mentorship_id, NeedsEntry.key_factor_id, NeedsEntry.rating)
        .join(NeedsAssessment, NeedsAssessment.id == NeedsEntry.needs_id)
        .where(NeedsAssessment.mentorship_id.in_(ids)),
        select(ProgressReview.mentorship_id, ProgressRating.key_factor_id, ProgressRating.rating)
        .join(ProgressReview, ProgressReview.id == ProgressRating.review_id)
        .where(ProgressReview.mentorship_id.in_(ids), ProgressRating.rating.is_not(None))
        .order_by(ProgressReview.held_on),
    )


def rows_for(user, *, today: date | None = None) -> list[Row]:
    today = today or date.today()
    mentorships = _visible(user)
    ids = [m.id for m in mentorships]
    if not ids:
        return []
    visits = _upcoming_visits(ids, today)
    counts = _action_counts(ids, today)
    base, latest = _ratings(ids)
    activity = last_activity(ids, today)
    latest_of: dict[int, list] = {}
    for (m_id, kf_id), rating in latest.items():
        latest_of.setdefault(m_id, []).append((kf_id, rating))
    out = []
    for m in mentorships:
        up = down = rated = net = 0
        for kf_id, rating in latest_of.get(m.id, ()):
            a, b = rating_score(base.get((m.id, kf_id))), rating_score(rating)
            if a is None or b is None:
                continue
            rated += 1
            net += b - a
            up += b > a
            down += b < a
        last = activity.get(m.id)
        silent = None
        if m.state in OPEN_STATES:
            anchor = last or m.proposed_on
            if (today - anchor).days >= SILENCE_DAYS:
                silent = (today - anchor).days
        overdue, at_risk, done = counts.get(m.id, (0, 0, 0))
        out.append(Row(m, visits.get(m.id), overdue, at_risk, done, up, down, rated,
                       net if rated else None, last, silent))
    return out


def sort_rows(rows: list[Row], key: str, descending: bool | None = None) -> tuple[list[Row], str, bool]:
    """Rows in the order asked for; unknown keys fall back to "attention"."""
    if key not in SORTS:
        key = "attention"
    far = date.max
    keys = {
        "attention": (lambda r: (not r.silent, -r.overdue, -r.at_risk, r.mentorship.city), False),
        "city": (lambda r: (r.mentorship.city, r.mentorship.id), False),
        "next_visit": (lambda r: (r.next_visit.starts_on if r.next_visit else far, r.mentorship.id), False),
        "overdue": (lambda r: (r.overdue, r.at_risk), True),
        "done": (lambda r: (r.done_quarter, -r.mentorship.id), True),
        "movement": (lambda r: (r.net if r.net is not None else -999, r.up), True),
        "activity": (lambda r: (r.last_activity or date.min, r.mentorship.id), True),
    }
    fn, default_desc = keys[key]
    desc = default_desc if descending is None else descending
    ordered = sorted(rows, key=fn, reverse=desc)
    # open mentorships first, whatever the order
    ordered.sort(key=lambda r: r.mentorship.state not in OPEN_STATES)
    return ordered, key, desc
