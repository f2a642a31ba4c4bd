"""Demo reviews in several states: one in its visit week, one in follow-up, one closed, others
on the way. Dates obey the rules of peerreview/demo/dates.py."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from peerreview.demo import data, dates
from peerreview.extensions import db
from peerreview.reviews.models import (
    Review,
    ReviewEvent,
    SelfAssessment,
    SelfAssessmentEntry,
    TeamMember,
    VisitSession,
)
from peerreview.reviews.workflow import MAIN_PATH
from peerreview.timeutil import utcnow

# The demo team of the review in its visit week, and of the issued review.
TEAMS = {
    "ghent_visit": [("peer_lead", "lead"), ("peer_rapporteur", "rapporteur"), ("peer", "peer"),
                    ("peer_munich", "peer")],
    "rotterdam_issued": [("peer_munich", "lead"), ("peer_athens", "rapporteur"),
                         ("peer_helsinki", "peer"), ("peer", "peer")],
    "helsinki_preparing": [("peer_lead", "lead"), ("peer_athens", "rapporteur"),
                           ("peer_rapporteur", "peer"), ("peer_munich", "peer")],
    "milan_team": [("peer_rapporteur", "lead"), ("peer", "peer")],
    "barcelona_closed": [("peer_lead", "lead"), ("peer_rapporteur", "rapporteur"), ("peer_munich", "peer"),
                         ("peer_helsinki", "peer")],
}


def _theme(slug):
    from peerreview.framework.models import Theme

    return db.session.scalar(select(Theme).where(Theme.slug == slug))


def load_reviews(tally, cities: dict, people: dict, today: date | None = None) -> dict[str, Review]:
    from peerreview.reviews.services import current_benchmark

    today = today or date.today()
    out = {}
    for key, city_name, slug, state, offset, days in data.REVIEWS:
        theme = _theme(slug)
        if theme is None or current_benchmark(theme) is None:
            continue
        city = cities[city_name]
        bench = current_benchmark(theme)
        existing = db.session.scalar(select(Review).where(
            Review.host_city_id == city.id, Review.benchmark_id == bench.id))
        tally.seen(existing is None)
        if existing is not None:
            out[key] = existing
            continue
        state = state or "requested"
        review = Review(host_city=city, benchmark=bench, state=state,
                        host_questions=data.HOST_QUESTIONS.get(key, []),
                        background=data.BACKGROUNDS.get(key, ""), working_languages=["en"],
                        report_language=data.REPORT_LANGUAGES.get(key, "en"),
                        created_by_id=_contact(city, people))
        if offset is not None:
            start = (dates.current_visit_start(today, days) if state == "visit"
                     else dates.visit_start(today + timedelta(days=offset), days))
            review.preferred_start, review.preferred_end = start - timedelta(days=7), start + timedelta(days=14)
            if state not in ("draft", "requested"):
                review.visit_start, review.visit_end = start, start + timedelta(days=days - 1)
                review.self_assessment_due = start - timedelta(days=28)
                if state == "preparing":  # the demo's overdue self-assessment
                    review.self_assessment_due = min(review.self_assessment_due, today - timedelta(days=4))
                review.programme_due = start - timedelta(days=14)
                review.report_due = review.visit_end + timedelta(days=30)
        else:
            review.preferred_start = dates.visit_start(today + timedelta(days=120), 4)
            review.preferred_end = review.preferred_start + timedelta(days=30)
        db.session.add(review)
        _events(review, state, today)
        for person, role in TEAMS.get(key, []):
            if person in people:
                review.team.append(TeamMember(user=people[person], role=role, status="accepted"))
        if state in ("preparing", "visit", "reporting", "issued", "follow_up", "closed"):
            _self_assessment(review, key, submitted=state != "preparing", today=today)
        if key in PROGRAMMES:
            _programme(review, PROGRAMMES[key]())
        if key == "ghent_visit":
            db.session.flush()
            _observations(review, people)
        out[key] = review
    db.session.flush()
    return out


def _rotterdam_programme():
    from peerreview.demo.reports import PROGRAMME

    return PROGRAMME


def _barcelona_programme():
    from peerreview.demo.barcelona import PROGRAMME

    return PROGRAMME


PROGRAMMES = {"ghent_visit": lambda: data.PROGRAMME, "rotterdam_issued": _rotterdam_programme,
              "barcelona_closed": _barcelona_programme}


def _contact(city, people):
    for user in people.values():
        if user.city_id == city.id and user.city_role == "contact":
            return user.id
    return None


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


# days before the visit at which the steps before it were taken
BEFORE_VISIT = {"draft": 150, "requested": 143, "accepted": 133, "team_forming": 131, "preparing": 104}


def _events(review: Review, state: str, today: date) -> None:
    """The history up to ``state``, or up to the report for reviews past it (the report's issue
    and what follows are recorded by the report's demo, on the dates it uses). The "visit week"
    entry is on the visit's first day; "writing the report" on its last."""
    if state not in MAIN_PATH:
        return
    steps = MAIN_PATH[: MAIN_PATH.index(state) + 1]
    steps = steps[: MAIN_PATH.index("reporting") + 1]
    when = {}
    if review.visit_start:
        for step, back in BEFORE_VISIT.items():
            when[step] = at(dates.working_day(review.visit_start - timedelta(days=back)), 10)
        when["visit"] = at(review.visit_start, 7)          # 9:00 in the host city
        when["reporting"] = at(review.visit_end, 15)       # after the feedback session
    else:
        when["draft"] = at(dates.working_day(today - timedelta(days=20)), 10)
        when["requested"] = at(dates.working_day_before(today), 10)
    for i, step in enumerate(steps):
        review.events.append(ReviewEvent(at=when[step], from_state=steps[i - 1] if i else None,
                                         to_state=step, note="Request drafted" if i == 0 else ""))


def _self_assessment(review: Review, key: str, *, submitted: bool, today: date) -> None:
    from peerreview.demo.texts import SELF_ASSESSMENTS

    sa = SelfAssessment(review=review, status="submitted" if submitted else "draft")
    db.session.add(sa)
    if submitted:
        day = dates.working_day(review.visit_start - timedelta(days=30), not_after=today)
        sa.submitted_at = at(day, 15)
    texts = SELF_ASSESSMENTS.get(key, [])
    for kf, (rating, narrative, evidence) in zip(review.benchmark.key_factors, texts, strict=False):
        sa.entries.append(SelfAssessmentEntry(key_factor=kf, rating=rating, narrative=narrative,
                                              evidence=evidence))


def _programme(review: Review, items) -> None:
    kfs = review.benchmark.key_factors
    seats = review.team
    for n, (day, start, end, kind, title, venue, orgs, org_types, interp, focus) in enumerate(items):
        session = VisitSession(
            day=review.visit_start + timedelta(days=day), start_time=time.fromisoformat(start),
            end_time=time.fromisoformat(end), session_type=kind, title=title, venue=venue,
            organisations=orgs, organisation_types=org_types, interpreter_needed=interp)
        session.key_factors = [kfs[i - 1] for i in focus if i - 1 < len(kfs)]
        # everyone attends plenary sessions; the team splits into pairs for the others
        if kind in ("feedback", "workshop") or n < 2:
            session.attendees = list(seats)
        else:
            session.attendees = [s for i, s in enumerate(seats) if i % 2 == n % 2]
        review.sessions.append(session)


def _observations(review: Review, people: dict) -> None:
    """Notes from several peers, several per key factor, for the review in its visit week: only
    of the sessions that have already taken place."""
    import uuid

    from peerreview.observations.models import Observation

    kfs = review.benchmark.key_factors
    sessions = list(review.sessions)
    namespace = uuid.UUID("6f1d4f9e-3b5a-4c59-9a51-3f1f6f0c2a10")
    now = utcnow()
    for n, (author, item, kf_pos, kind, source, text) in enumerate(data.OBSERVATIONS):
        session = sessions[item] if item is not None and item < len(sessions) else None
        at_ = datetime.combine(session.day, session.end_time) if session else \
            datetime.combine(review.visit_start, time(18, 0))
        if at_ > now:
            continue   # that session has not happened yet
        db.session.add(Observation(
            uuid=str(uuid.uuid5(namespace, f"{review.id}-{n}")), review=review,
            author_id=people[author].id, session=session,
            key_factor=kfs[kf_pos - 1] if kf_pos and kf_pos <= len(kfs) else None,
            kind=kind, source_type=source, text=text, created_at=at_, updated_at=at_))
