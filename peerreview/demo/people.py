"""The people of the Ghent visit week in the demo: interviewees listed per session (two have
answered through their links, one of whom does not want to be quoted), and an external expert
on the team. Loading again changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from peerreview.extensions import db
from peerreview.people.models import Interviewee
from peerreview.reviews.models import TeamMember
from peerreview.timeutil import utcnow

# (session number in the programme, name, role, organisation, type, language, answer)
# answer: (attending, quote consent, photos) or None
INTERVIEWEES = [
    (0, "Els Vermeulen", "Head of the equal opportunities service", "City of Ghent", "city_department",
     "nl", ("yes", "named", True)),
    (0, "Tom Declercq", "Policy officer", "Equal opportunities service", "city_department", "nl", None),
    (1, "Rudy Coddens", "Alderman for equal opportunities", "City of Ghent", "political_leadership",
     "nl", None),
    (2, "Fatima Zahra El Idrissi", "Coordinator", "Local reporting point", "service_provider", "fr", None),
    (3, "Ahmed Benali", "Resident who reported discrimination", "Residents of Brugse Poort", "residents",
     "fr", ("yes", "none", False)),
    (3, "Olena Shevchenko", "Volunteer", "Ukrainian community association", "migrant_organisation", "en", None),
    (4, "Bart Maes", "HR director", "City of Ghent", "city_department", "nl", None),
]


def load_visit_people(tally, people: dict, reviews: dict) -> None:
    review = reviews.get("ghent_visit")
    if review is None or not review.sessions:
        return
    exists = db.session.scalar(select(Interviewee.id).where(Interviewee.review_id == review.id).limit(1))
    tally.seen(exists is None)
    if exists is None:
        sessions = sorted(review.sessions, key=lambda s: (s.day, s.start_time))
        for n, name, role, org, kind, lang, answer in INTERVIEWEES:
            if n >= len(sessions):
                continue
            local = name.lower().replace(" ", ".")
            person = Interviewee(review=review, session=sessions[n], name=name, role=role, organisation=org,
                                 organisation_type=kind, language=lang, email=f"{local}@example.org",
                                 invited_at=utcnow())
            if answer:
                person.attending, person.quote_consent, person.photo_consent = answer
                person.answered_at = utcnow()
            db.session.add(person)
    expert = people.get("expert")
    if expert is not None and not any(s.user_id == expert.id for s in review.team):
        tally.seen(True)
        db.session.add(TeamMember(review=review, user=expert, role="external", status="accepted",
                                  organisation="European Migration Policy Institute", answered_at=utcnow()))
    db.session.flush()
