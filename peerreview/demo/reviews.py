"""Demo reviews in several states: one in its visit week, one issued, others on the way."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from peerreview.demo import data
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
                        created_by_id=_contact(city, people))
        if offset is not None:
            start = today + timedelta(days=offset)
            review.preferred_start, review.preferred_end = start - timedelta(days=7), start + timedelta(days=14)
            if state not in ("draft", "requested"):
                review.visit_start, review.visit_end = start, start + timedelta(days=days - 1)
                review.self_assessment_due = start - timedelta(days=28)
                review.programme_due = start - timedelta(days=14)
                review.report_due = review.visit_end + timedelta(days=30)
        else:
            review.preferred_start = today + timedelta(days=120)
            review.preferred_end = today + timedelta(days=150)
        db.session.add(review)
        _events(review, state, today if offset is None else today + timedelta(days=offset))
        for person, role in TEAMS.get(key, []):
            if person in people:
                review.team.append(TeamMember(user=people[person], role=role, status="accepted"))
        if state in ("visit", "reporting", "issued", "follow_up", "preparing"):
            _self_assessment(review, submitted=state != "preparing")
        if state in ("visit", "issued"):
            _programme(review)
        if key == "ghent_visit":
            db.session.flush()
            _observations(review, people)
        out[key] = review
    db.session.flush()
    return out


def _contact(city, people):
    for user in people.values():
        if user.city_id == city.id and user.city_role == "contact":
            return user.id
    return None


def _events(review: Review, state: str, anchor: date) -> None:
    """A plausible history up to ``state`` for the timeline."""
    if state not in MAIN_PATH:
        return
    steps = MAIN_PATH[: MAIN_PATH.index(state) + 1]
    start = datetime.combine(anchor - timedelta(days=120), time(9, 0))
    for i, step in enumerate(steps):
        review.events.append(ReviewEvent(at=start + timedelta(days=12 * i), from_state=steps[i - 1] if i else None,
                                         to_state=step, note="Request drafted" if i == 0 else ""))


def _self_assessment(review: Review, submitted: bool) -> None:
    sa = SelfAssessment(review=review, status="submitted" if submitted else "draft")
    db.session.add(sa)
    if submitted:
        sa.submitted_at = datetime.combine(review.visit_start - timedelta(days=30), time(16, 0))
    for kf, (rating, narrative, evidence) in zip(review.benchmark.key_factors,
                                                 data.SELF_ASSESSMENT_TEXT * 2, strict=False):
        sa.entries.append(SelfAssessmentEntry(key_factor=kf, rating=rating, narrative=narrative,
                                              evidence=evidence))


def _programme(review: Review) -> None:
    kfs = review.benchmark.key_factors
    seats = review.team
    for n, (day, start, end, kind, title, venue, orgs, org_types, interp, focus) in enumerate(data.PROGRAMME):
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
    """Notes from several peers, several per key factor, for the review in its visit week."""
    import uuid

    from peerreview.observations.models import Observation

    kfs = review.benchmark.key_factors
    sessions = list(review.sessions)
    namespace = uuid.UUID("6f1d4f9e-3b5a-4c59-9a51-3f1f6f0c2a10")
    for n, (author, item, kf_pos, kind, source, text) in enumerate(data.OBSERVATIONS):
        session = sessions[item] if item is not None and item < len(sessions) else None
        at = datetime.combine(session.day, session.end_time) if session else \
            datetime.combine(review.visit_start, time(18, 0))
        at = min(at, utcnow())  # sessions later in the week have not happened yet
        db.session.add(Observation(
            uuid=str(uuid.uuid5(namespace, f"{review.id}-{n}")), review=review,
            author_id=people[author].id, session=session,
            key_factor=kfs[kf_pos - 1] if kf_pos and kf_pos <= len(kfs) else None,
            kind=kind, source_type=source, text=text, created_at=at, updated_at=at))
